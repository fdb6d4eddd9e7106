"""The Commitments page: the register, the reference library of public examples, and norms and strategy coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.commitments import CommitmentType
from core.services.commitments import examples, values_from_example
from core.services.seed_data import CommitmentExample
from desktop.commitments.coverage import CoverageView
from desktop.lists.register import RegisterView

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.dialog import RecordEditorDialog


class ExampleLibraryDialog(QDialog):
    """The public examples of domain-reference §8.2 with parties and dates; one is copied into a new commitment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reference library: public commitments"))
        self._examples = examples()
        intro = QLabel(
            self.tr(
                "Real public commitments to start from. Copying one starts a new proposed commitment of the office's "
                "own, with its type, legal status, forum and instrument filled in. Instruments other states made "
                "between themselves are shown for reference only."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._examples), 5)
        self.table.setAccessibleName(self.tr("Examples"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Commitment"), self.tr("Type"), self.tr("Parties or forum"), self.tr("Date"), self.tr("Use")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, entry in enumerate(self._examples):
            use = self.tr("Template") if entry.home_state_may_join else self.tr("Reference only")
            cells = (entry.title, CommitmentType(entry.commitment_type).label, entry.parties, entry.when, use)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(self.tr(text) if column in (1, 4) else text))
        self.table.resizeColumnsToContents()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.copy_button = self.buttons.addButton(
            self.tr("Copy into a new commitment"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.copy_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 560)

    @property
    def chosen(self) -> CommitmentExample | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._examples) or not self.table.selectedItems():
            return None
        entry = self._examples[row]
        return entry if entry.home_state_may_join else None

    def choose(self, number: int) -> None:
        row = next(i for i, e in enumerate(self._examples) if e.number == number)
        self.table.selectRow(row)

    def _on_table_item_selection_changed(self) -> None:
        self.copy_button.setEnabled(self.chosen is not None)

    def _on_table_cell_double_clicked(self, _row: int, _column: int) -> None:
        if self.chosen is not None:
            self.accept()


class CommitmentsPage(RegisterView):
    """The commitments register with "New from example…" above it."""

    sig_record_saved = Signal(str, int)
    """A commitment was created from an example: (table, row id)."""

    def __init__(self, db: Database, entities: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(db, entities, parent)
        self._db = db
        self.library: ExampleLibraryDialog | None = None
        self.editor: RecordEditorDialog | None = None
        self.from_example_button = QPushButton(self.tr("New from example…"))
        self.from_example_button.setToolTip(
            self.tr("Start a commitment from a real public one in the reference library")
        )
        self.from_example_button.setEnabled(not db.readonly)
        self.from_example_button.clicked.connect(self._on_from_example_button_clicked)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(self.from_example_button)
        bar.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, bar)
        self.coverage = CoverageView(db)
        self.coverage.sig_record_opened.connect(self.sig_record_opened)
        self.add_tab(self.coverage, self.tr("Norms and strategy coverage"))

    def show_coverage(self) -> CoverageView:
        self.show_tab(self.coverage)
        return self.coverage

    def refresh(self) -> None:
        super().refresh()
        if self.coverage.report is not None:
            self.coverage.reload()

    def open_library(self) -> ExampleLibraryDialog:
        dialog = ExampleLibraryDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_library_accepted)
        self.library = dialog
        dialog.open()
        return dialog

    def new_from_example(self, entry: CommitmentExample) -> RecordEditorDialog:
        """A new commitment's editor filled in from the example; nothing is saved until the user saves it."""
        from desktop.commitments.editor import CommitmentEditorDialog, with_defaults
        from desktop.editing.registers import EDITORS

        with self._db.read() as session:
            values = values_from_example(session, entry)
        dialog = CommitmentEditorDialog(self._db, with_defaults(EDITORS["commitments"], values), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_record_saved.connect(self._on_editor_record_saved)
        self.editor = dialog
        dialog.show()
        return dialog

    def _on_from_example_button_clicked(self) -> None:
        self.open_library()

    def _on_library_accepted(self) -> None:
        if self.library is not None and self.library.chosen is not None:
            self.new_from_example(self.library.chosen)

    def _on_editor_record_saved(self, table: str, row_id: int) -> None:
        self.refresh()
        self.sig_record_saved.emit(table, row_id)
