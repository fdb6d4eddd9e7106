"""The meeting workspace: a group's meetings, and for one meeting its agenda, attendance, minutes and outcomes."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.db.errors import DatabaseError
from core.domain.meetings import AgendaPurpose, AttendanceStatus
from core.domain.organisations import Person
from core.reports import meetings as reports
from core.reports.records import choices
from core.services import meetings as service
from core.services.office import load_settings
from core.services.records import EditConflict, RecordInUse, RecordNotFound
from core.services.validation import ValidationError
from desktop.lists.register import RegisterView
from desktop.meetings.dialogs import ChoiceDialog
from desktop.meetings.minutes import MinutesTab
from desktop.meetings.table_model import (
    ActionColumn,
    ActionTableModel,
    AgendaColumn,
    AgendaTableModel,
    AttendanceColumn,
    AttendanceTableModel,
    DecisionTableModel,
    MeetingListTableModel,
    PaperTableModel,
)
from desktop.meetings.widgets import (
    MESSAGE_STYLES,
    AgendaTableView,
    AttendanceStatusDelegate,
    button_row,
    fit_columns,
    rows_table,
)

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.dialog import RecordEditorDialog

PREPARE_SHORTCUT = "Ctrl+Shift+M"


class MeetingWorkspaceView(QWidget):
    """Prepare, run and record a group's meetings. Every write goes through core/services/meetings.py."""

    sig_records_changed = Signal()
    """A meeting, its agenda, attendance or outcomes were saved; other views may want to refresh."""
    sig_export_pack_requested = Signal(int)
    """The user asked for the pack of the meeting shown: (meeting id). The window runs the export."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        # The date that counts as today (RAG, the next meeting); tests and demos set it.
        self.today: Callable[[], date] = date.today
        self._detail: reports.MeetingDetail | None = None
        self.editor: RecordEditorDialog | None = None
        self.choice_dialog: ChoiceDialog | None = None

        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName(self.tr("Engagement group"))
        self.prepare_button = QPushButton(self.tr("Prepare next meeting"))
        self.prepare_button.setToolTip(
            self.tr("Open the next scheduled meeting, or create it a cadence after the last ({0})").format(
                PREPARE_SHORTCUT
            )
        )
        self.export_pack_button = QPushButton(self.tr("Export pack…"))
        self.export_pack_button.setObjectName("exportPackButton")
        self.export_pack_button.setToolTip(self.tr("Export this meeting's pack to Excel or PDF"))
        self.export_pack_button.setEnabled(False)
        self.export_pack_button.clicked.connect(self._on_export_pack_clicked)
        group_label = QLabel(self.tr("&Group:"))
        group_label.setBuddy(self.group_combo)

        self.meeting_model = MeetingListTableModel()
        self.meeting_table = rows_table(self.meeting_model, self.tr("Meetings of the group"))
        self.header = QLabel()
        self.header.setObjectName("meetingHeader")
        self.header.setAccessibleName(self.tr("Selected meeting"))
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("workspaceMessage")
        self.message.setAccessibleName(self.tr("Messages"))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._agenda_tab(), self.tr("Agenda"))
        self.tabs.addTab(self._papers_tab(), self.tr("Papers"))
        self.tabs.addTab(self._attendance_tab(), self.tr("Attendance"))
        self.minutes = MinutesTab(self)
        self.tabs.addTab(self.minutes, self.tr("Minutes"))
        self.tabs.addTab(self._decisions_tab(), self.tr("Decisions"))
        self.tabs.addTab(self._actions_tab(), self.tr("Actions"))

        top = QHBoxLayout()
        top.addWidget(group_label)
        top.addWidget(self.group_combo, 1)
        top.addWidget(self.prepare_button)
        top.addWidget(self.export_pack_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.header)
        detail_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.meeting_table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 960])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.group_combo.currentIndexChanged.connect(self._on_group_combo_current_index_changed)
        self.prepare_button.clicked.connect(self.prepare_next_meeting)
        self.meeting_table.selectionModel().currentRowChanged.connect(self._on_meeting_table_current_row_changed)
        self._set_tab_order()
        self._load_groups()
        if db.readonly:
            for button in self._write_buttons():
                button.setEnabled(False)

    # --- building ---------------------------------------------------------------------------------------

    def _agenda_tab(self) -> QWidget:
        self.agenda_model = AgendaTableModel()
        self.agenda_table = AgendaTableView()
        self.agenda_table.setModel(self.agenda_model)
        self.agenda_table.setAccessibleName(self.tr("Agenda"))
        self.agenda_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda_table.verticalHeader().setVisible(False)
        # Agenda titles are long ("T-CY plenary (Nov 2025): preparation and objectives"): wrapped, read whole.
        fit_columns(self.agenda_table, AgendaColumn.TITLE, wrap=True)
        self.agenda_table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.agenda_table.setDragEnabled(True)
        self.agenda_table.setAcceptDrops(True)
        self.agenda_table.setDropIndicatorShown(True)
        self.agenda_table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.agenda_table.setToolTip(self.tr("Ctrl+Up and Ctrl+Down move the selected item; or drag it"))
        self.agenda_summary = QLabel()
        self.agenda_summary.setAccessibleName(self.tr("Agenda timing"))
        self.add_item_button = QPushButton(self.tr("Add item…"))
        self.edit_item_button = QPushButton(self.tr("Edit item…"))
        self.up_button = QPushButton(self.tr("Move up"))
        self.up_button.setToolTip(self.tr("Ctrl+Up"))
        self.down_button = QPushButton(self.tr("Move down"))
        self.down_button.setToolTip(self.tr("Ctrl+Down"))
        self.remove_item_button = QPushButton(self.tr("Remove item"))
        self.agenda_model.sig_item_dropped.connect(self._on_agenda_model_item_dropped)
        self.agenda_table.sig_move_requested.connect(self.move_current_item)
        self.agenda_table.doubleClicked.connect(self._on_agenda_table_double_clicked)
        self.add_item_button.clicked.connect(self._on_add_item_button_clicked)
        self.edit_item_button.clicked.connect(self._on_edit_item_button_clicked)
        self.up_button.clicked.connect(lambda: self.move_current_item(-1))
        self.down_button.clicked.connect(lambda: self.move_current_item(1))
        self.remove_item_button.clicked.connect(self._on_remove_item_button_clicked)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.agenda_table, 1)
        layout.addWidget(self.agenda_summary)
        layout.addLayout(
            button_row(
                self.add_item_button, self.edit_item_button, self.up_button, self.down_button, self.remove_item_button
            )
        )
        return tab

    def _papers_tab(self) -> QWidget:
        self.paper_model = PaperTableModel()
        self.paper_table = rows_table(self.paper_model, self.tr("Papers of this meeting"), 1)
        self.paper_table.doubleClicked.connect(self._on_paper_table_double_clicked)
        self.add_paper_button = QPushButton(self.tr("Add paper…"))
        self.add_paper_button.setToolTip(self.tr("A paper for the agenda item selected in the Agenda tab"))
        self.add_paper_button.clicked.connect(self._on_add_paper_button_clicked)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.paper_table, 1)
        layout.addLayout(button_row(self.add_paper_button))
        return tab

    def _attendance_tab(self) -> QWidget:
        self.attendance_model = AttendanceTableModel()
        self.attendance_table = rows_table(
            self.attendance_model, self.tr("Attendance by agency"), AttendanceColumn.ITEM
        )
        self.attendance_table.setItemDelegateForColumn(AttendanceColumn.STATUS, AttendanceStatusDelegate(self))
        self.attendance_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.attendance_model.sig_status_edited.connect(self._on_attendance_model_status_edited)
        self.alternate_button = QPushButton(self.tr("Alternate attends…"))
        self.alternate_button.clicked.connect(self._on_alternate_button_clicked)
        self.matrix_table = QTableWidget()
        self.matrix_table.setAccessibleName(self.tr("Attendance this fiscal year, agency by meeting"))
        self.matrix_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_caption = QLabel()
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.attendance_table, 2)
        layout.addLayout(button_row(self.alternate_button))
        layout.addWidget(self.matrix_caption)
        layout.addWidget(self.matrix_table, 1)
        return tab

    def _decisions_tab(self) -> QWidget:
        self.decision_model = DecisionTableModel()
        self.decision_table = rows_table(self.decision_model, self.tr("Decisions of this meeting"), 1)
        self.decision_table.doubleClicked.connect(self._on_decision_table_double_clicked)
        self.record_decision_button = QPushButton(self.tr("Record decision…"))
        self.record_decision_button.setToolTip(self.tr("A decision on the agenda item selected in the Agenda tab"))
        self.record_decision_button.clicked.connect(self._on_record_decision_button_clicked)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.decision_table, 1)
        layout.addLayout(button_row(self.record_decision_button))
        return tab

    def _actions_tab(self) -> QWidget:
        self.raised_model = ActionTableModel()
        self.raised_table = rows_table(
            self.raised_model, self.tr("Actions raised at this meeting"), ActionColumn.ACTION
        )
        self.carried_model = ActionTableModel()
        self.carried_table = rows_table(
            self.carried_model, self.tr("Actions carried forward to this meeting"), ActionColumn.ACTION
        )
        for table in (self.raised_table, self.carried_table):
            table.doubleClicked.connect(lambda index, t=table: self._open_action(t, index.row()))
        self.raise_action_button = QPushButton(self.tr("Raise action…"))
        self.raise_action_button.setToolTip(self.tr("An action on the agenda item selected in the Agenda tab"))
        self.raise_action_button.clicked.connect(self._on_raise_action_button_clicked)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("Raised at this meeting")))
        layout.addWidget(self.raised_table, 1)
        layout.addLayout(button_row(self.raise_action_button))
        layout.addWidget(QLabel(self.tr("Carried forward to this meeting")))
        layout.addWidget(self.carried_table, 1)
        return tab

    def _write_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.prepare_button,
            self.add_item_button,
            self.edit_item_button,
            self.up_button,
            self.down_button,
            self.remove_item_button,
            self.alternate_button,
            self.add_paper_button,
            *self.minutes.write_buttons,
            self.record_decision_button,
            self.raise_action_button,
        )

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.group_combo,
            self.prepare_button,
            self.export_pack_button,
            self.meeting_table,
            self.tabs,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- loading ----------------------------------------------------------------------------------------

    def _load_groups(self) -> None:
        with self._db.read() as session:
            groups = choices(session, "engagement_group")
        blocked = self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for group in groups:
            self.group_combo.addItem(group.label, group.id)
        self.group_combo.blockSignals(blocked)
        self.prepare_button.setEnabled(bool(groups) and not self._db.readonly)
        self.reload_meetings()

    @property
    def group_id(self) -> int | None:
        value = self.group_combo.currentData()
        return int(value) if value is not None else None

    @property
    def db(self) -> Database:
        return self._db

    @property
    def meeting_id(self) -> int | None:
        return self._detail.id if self._detail is not None else None

    def reload_meetings(self, select: int | None = None) -> None:
        """Reload the group's meetings and select `select`, else the one selected before, else the next one due."""
        keep = select if select is not None else self.meeting_id
        group = self.group_id
        rows: tuple[reports.MeetingRow, ...] = ()
        if group is not None:
            with self._db.read() as session:
                rows = reports.group_meetings(session, group)
        self.meeting_model.set_rows(rows)
        row = self.meeting_model.row_of(keep) if keep is not None else None
        if row is None and rows:
            upcoming = [i for i, r in enumerate(rows) if r.meeting_date >= self.today()]
            row = upcoming[-1] if upcoming else 0
        if row is None:
            self._show_meeting(None)
            return
        self.meeting_table.selectRow(row)
        self._show_meeting(self.meeting_model.row(row).id)

    def refresh(self) -> None:
        self.reload_meetings()

    def _show_meeting(self, meeting_id: int | None) -> None:
        self.export_pack_button.setEnabled(meeting_id is not None)
        if meeting_id is None:
            self._detail = None
            self.header.setText(self.tr("No meeting yet: prepare the group's next meeting."))
            for model in (self.agenda_model, self.paper_model, self.attendance_model, self.decision_model):
                model.set_rows(())
            self.raised_model.set_rows(())
            self.carried_model.set_rows(())
            self.minutes.show_meeting(None)
            return
        today = self.today()
        with self._db.read() as session:
            detail = reports.meeting_detail(session, meeting_id)
            agenda = reports.agenda_rows(session, meeting_id)
            papers = reports.paper_rows(session, meeting_id)
            attendance = reports.attendance_rows(session, meeting_id)
            decisions = reports.decision_rows(session, meeting_id)
            raised = reports.action_rows(session, meeting_id, today)
            carried = reports.carried_actions(session, meeting_id, today)
            calendar = load_settings(session).calendar
            matrix = reports.attendance_matrix(session, detail.group_id, calendar.fiscal_year_of(detail.meeting_date))
            fy_label = calendar.label(calendar.fiscal_year_of(detail.meeting_date))
        self._detail = detail
        self.header.setText(self._header_text(detail))
        self.agenda_model.set_rows(agenda)
        self.paper_model.set_rows(papers)
        self.agenda_summary.setText(self._agenda_summary(detail, agenda))
        self.attendance_model.set_rows(attendance)
        self._fill_matrix(matrix, fy_label)
        self.decision_model.set_rows(decisions)
        self.raised_model.set_rows(raised)
        self.carried_model.set_rows(carried)
        self.minutes.show_meeting(detail)

    def _header_text(self, detail: reports.MeetingDetail) -> str:
        when = detail.meeting_date.strftime("%A %d %B %Y")
        times = ""
        if detail.start_time is not None:
            end = f"–{detail.end_time:%H:%M}" if detail.end_time is not None else ""
            times = f", {detail.start_time:%H:%M}{end}"
        return self.tr("<b>{0}</b> · {1}{2} · {3}<br>{4} · pack due {5} · marking {6}").format(
            detail.title,
            when,
            times,
            detail.venue or self.tr("venue to be set"),
            self.tr(detail.status.label),
            detail.pack_due.strftime("%d %b %Y"),
            detail.marking or self.tr("none"),
        )

    def _agenda_summary(self, detail: reports.MeetingDetail, agenda: tuple[reports.AgendaRow, ...]) -> str:
        total = sum(row.minutes for row in agenda)
        text = self.tr("{0} items, {1} minutes").format(len(agenda), total)
        ends = agenda[-1].end if agenda else None
        if ends is not None:
            text += self.tr("; runs to {0}").format(f"{ends:%H:%M}")
        if any(row.over_time for row in agenda) and detail.end_time is not None:
            text += self.tr(" — over time: the meeting is scheduled to end at {0}").format(f"{detail.end_time:%H:%M}")
        return text

    def _fill_matrix(self, matrix: reports.AttendanceMatrix, fy_label: str) -> None:
        self.matrix_caption.setText(self.tr("Attendance in {0}, agency by meeting").format(fy_label))
        self.matrix_table.clear()
        self.matrix_table.setColumnCount(len(matrix.meetings))
        self.matrix_table.setRowCount(len(matrix.rows))
        self.matrix_table.setHorizontalHeaderLabels([title for _, title, _ in matrix.meetings])
        self.matrix_table.setVerticalHeaderLabels([agency for agency, _ in matrix.rows])
        for r, (_, cells) in enumerate(matrix.rows):
            for c, text in enumerate(cells):
                self.matrix_table.setItem(r, c, QTableWidgetItem(self.tr(text) if text else ""))
        self.matrix_table.resizeColumnsToContents()

    # --- writing ----------------------------------------------------------------------------------------

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(MESSAGE_STYLES["error" if error else "info"])
        self.message.setVisible(bool(text))

    def write(self, write: Callable[[Session], object]) -> bool:
        """One user action as one write transaction; a refusal is shown in the message line, nothing half-saved."""
        try:
            with self._db.write() as session:
                write(session)
        except ValidationError as exc:
            self.show_message(" ".join(self.tr(m) for m in exc.errors.values()), error=True)
            return False
        except EditConflict as exc:
            # Someone saved the same rows meanwhile: show theirs, so that trying again starts from them.
            self.reload_meetings()
            self.show_message(self.tr("{0} The meeting was reloaded; try again.").format(exc), error=True)
            return False
        except (service.MeetingRefused, RecordInUse, RecordNotFound, DatabaseError) as exc:
            self.show_message(str(exc), error=True)
            return False
        self.sig_records_changed.emit()
        return True

    def prepare_next_meeting(self) -> None:
        group = self.group_id
        if group is None or self._db.readonly:
            return
        result: list[service.PreparedMeeting] = []
        if not self.write(lambda s: result.append(service.prepare_next_meeting(s, group, today=self.today()))):
            return
        prepared = result[0]
        self.reload_meetings(select=prepared.meeting_id)
        self.tabs.setCurrentIndex(0)
        opened = self.tr("Created") if prepared.created else self.tr("Opened")
        self.show_message(
            self.tr(
                "{0} {1}: {2} agenda items, {3} on the attendance list, {4} actions carried forward. Pack due {5}."
            ).format(
                opened,
                prepared.title,
                len(self.agenda_model.rows),
                len(self.attendance_model.rows),
                len(prepared.carried_action_ids),
                prepared.pack_due.strftime("%d %b %Y"),
            )
        )

    def _current_agenda_row(self) -> reports.AgendaRow | None:
        index = self.agenda_table.currentIndex()
        return self.agenda_model.row(index.row()) if index.isValid() else None

    def move_current_item(self, delta: int) -> None:
        row = self._current_agenda_row()
        if row is not None and not self._db.readonly:
            self._move_item(row.id, row.position + delta)

    def _on_agenda_model_item_dropped(self, item_id: int, position: int) -> None:
        if not self._db.readonly:
            self._move_item(item_id, position)

    def _move_item(self, item_id: int, position: int) -> None:
        version = next(r.version for r in self.agenda_model.rows if r.id == item_id)
        if self.write(lambda s: service.move_agenda_item(s, item_id, position, expected_version=version)):
            self._show_meeting(self.meeting_id)
            moved = next(i for i, r in enumerate(self.agenda_model.rows) if r.id == item_id)
            self.agenda_table.selectRow(moved)

    def _on_remove_item_button_clicked(self) -> None:
        row = self._current_agenda_row()
        if row is not None and self.write(lambda s: service.remove_agenda_item(s, row.id, row.version)):
            self._show_meeting(self.meeting_id)

    def _on_attendance_model_status_edited(self, attendance_id: int, version: int, status: str) -> None:
        if self.write(lambda s: service.set_attendance_status(s, attendance_id, version, AttendanceStatus(status))):
            self._show_meeting(self.meeting_id)

    def _on_alternate_button_clicked(self) -> None:
        index = self.attendance_table.currentIndex()
        if not index.isValid():
            self.show_message(self.tr("Select the member an alternate attends for."), error=True)
            return
        row = self.attendance_model.row(index.row())
        with self._db.read() as session:
            people = session.execute(
                sa.select(Person.id, Person.full_name)
                .where(Person.organisation_id == row.organisation_id, Person.archived.is_(False))
                .order_by(Person.full_name)
            ).all()
        options = [(int(pid), name) for pid, name in people if name != row.person]
        self.choice_dialog = ChoiceDialog(
            self.tr("Alternate attends"),
            self.tr("Who attends for {0} ({1})?").format(row.alternate_for or row.person, row.agency),
            self.tr("Alternate:"),
            options,
            self,
        )
        self.choice_dialog.accepted.connect(lambda: self._record_alternate(row))
        self.choice_dialog.open()

    def _record_alternate(self, row: reports.AttendanceRow) -> None:
        assert self.choice_dialog is not None
        person = self.choice_dialog.chosen
        if person is not None and self.write(lambda s: service.record_alternate(s, row.id, row.version, person)):
            self._show_meeting(self.meeting_id)

    # --- record editors ---------------------------------------------------------------------------------

    def _open_editor(self, entity: str, row_id: int | None, defaults: Mapping[str, Any] | None = None) -> None:
        from desktop.editing.dialog import RecordEditorDialog
        from desktop.editing.registers import EDITORS

        spec = EDITORS[entity]
        if defaults is not None:
            spec = dataclasses.replace(spec, new_defaults=dict(defaults))
        dialog = RecordEditorDialog(self._db, spec, row_id=row_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_record_saved.connect(self._on_editor_record_saved)
        self.editor = dialog
        dialog.show()

    def _on_editor_record_saved(self, _table: str, _row_id: int) -> None:
        self.sig_records_changed.emit()
        self.reload_meetings()

    def _on_add_item_button_clicked(self) -> None:
        if self.meeting_id is None:
            return
        position = len(self.agenda_model.rows) + 1
        self._open_editor(
            "agenda_items",
            None,
            {
                "meeting_id": self.meeting_id,
                "position": position,
                "purpose": AgendaPurpose.DISCUSSION,
                "minutes_allotted": 10,
            },
        )

    def _on_edit_item_button_clicked(self) -> None:
        row = self._current_agenda_row()
        if row is not None:
            self._open_editor("agenda_items", row.id)

    def _on_agenda_table_double_clicked(self, index: QModelIndex) -> None:
        self._open_editor("agenda_items", self.agenda_model.row(index.row()).id)

    def _on_paper_table_double_clicked(self, index: QModelIndex) -> None:
        self._open_editor("papers", self.paper_model.row(index.row()).id)

    def _on_add_paper_button_clicked(self) -> None:
        defaults = self._outcome_defaults(service.new_paper_values)
        if defaults is not None:
            self._open_editor("papers", None, defaults)

    def _on_decision_table_double_clicked(self, index: QModelIndex) -> None:
        self._open_editor("decisions", self.decision_model.row(index.row()).id)

    def _open_action(self, table: QTableView, row: int) -> None:
        model = table.model()
        assert isinstance(model, ActionTableModel)
        self._open_editor("actions", model.row(row).id)

    def _outcome_defaults(self, make: Callable[[Session, int, int | None], dict[str, Any]]) -> dict[str, Any] | None:
        if self.meeting_id is None:
            return None
        item = self._current_agenda_row()
        with self._db.read() as session:
            return make(session, self.meeting_id, item.id if item is not None else None)

    def _on_record_decision_button_clicked(self) -> None:
        defaults = self._outcome_defaults(service.new_decision_values)
        if defaults is not None:
            self._open_editor("decisions", None, defaults)

    def _on_raise_action_button_clicked(self) -> None:
        defaults = self._outcome_defaults(service.new_action_values)
        if defaults is not None:
            self._open_editor("actions", None, defaults)

    # --- slots ------------------------------------------------------------------------------------------

    def _on_group_combo_current_index_changed(self, _index: int) -> None:
        self.reload_meetings()

    def _on_meeting_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            meeting = self.meeting_model.row(current.row())
            if meeting.id != self.meeting_id:
                self.show_message("")
                self._show_meeting(meeting.id)

    def _on_export_pack_clicked(self) -> None:
        if self._detail is not None:
            self.sig_export_pack_requested.emit(self._detail.id)


class MeetingsPage(RegisterView):
    """The Meetings page: the workspace first, then the meetings and decisions registers."""

    def __init__(self, db: Database, entities: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(db, entities, parent)
        self.workspace = MeetingWorkspaceView(db)
        assert self._tabs is not None
        self._tabs.insertTab(0, self.workspace, self.tr("Workspace"))
        self._tabs.setCurrentIndex(0)
        self.workspace.sig_records_changed.connect(self._on_workspace_records_changed)

    @property
    def current_entity(self) -> str:
        # With the workspace in front, "new record" and "export this list" mean the meetings list.
        if self._tabs is not None and self._tabs.currentWidget() is self.workspace:
            return "meetings"
        return super().current_entity

    def show_workspace(self) -> MeetingWorkspaceView:
        assert self._tabs is not None
        self._tabs.setCurrentWidget(self.workspace)
        return self.workspace

    def refresh(self) -> None:
        super().refresh()
        self.workspace.refresh()

    def _on_workspace_records_changed(self) -> None:
        for view in self.lists.values():
            view.reload()
