"""The main window: navigation, views built on first use, the demo banner and the status bar. It only assembles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent

# Only what the shell (the first frame) needs: importing a widget class makes PySide build its enums and its bases'.
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from core import APP_NAME
from desktop.settings import AppSettings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from core.db.engine import Database
    from core.reports.list_filters import ListLink
    from desktop.action_updates import ActionUpdateCommands
    from desktop.calendar.imports import RegisterImportCommands
    from desktop.due_soon import DueSoonPanel
    from desktop.jobs import JobRunner
    from desktop.lists.register import RegisterView
    from desktop.live_refresh import LiveRefresh
    from desktop.resources.budget_commands import BudgetCommands

# (navigation label, the lists shown there); an empty tuple is a page still to be built.
NAVIGATION: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Dashboard", ()),
    ("Meetings", ("meetings", "decisions")),
    ("Actions", ("actions",)),
    ("Calendar", ("events",)),
    ("Forums", ("forums", "reference")),
    ("Resources", ("budget", "allocations")),
    ("Secondments", ("secondments", "checklist_templates")),
    ("Commitments", ("commitments",)),
    ("Organisations & People", ("organisations", "people")),
    ("Audit", ("audit",)),
)
# Pages that are more than their lists, imported on first visit: (navigation label) -> "module:class".
PAGE_CLASSES = {
    "Meetings": "desktop.meetings.view:MeetingsPage",
    "Calendar": "desktop.calendar.view:CalendarPage",
    "Commitments": "desktop.commitments.view:CommitmentsPage",
    "Resources": "desktop.resources.page:ResourcesPage",
}
DATA_ACTIONS = (
    "backup",
    "export_list",
    "search",
    "new_record",
    "open_record",
    "refresh",
    "due_soon",
    "settings",
    "prepare_next_meeting",
)
UPDATE_ACTIONS = ("export_action_updates", "import_action_updates", "export_budget", "import_budget", "budget_grid")
REGISTER_IMPORTS = ("import_events", "import_people")


# The page shown when an office opens: the Dashboard.
START_PAGE = 0


def _delete_on_close(dialog: QWidget) -> None:
    # Qt is imported where it is used: importing it builds the Qt namespace's enums, which the shell must not wait for.
    from PySide6.QtCore import Qt

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


def page_of(entity: str) -> int:
    return next(row for row, (_, entities) in enumerate(NAVIGATION) if entity in entities)


class MainWindow(QMainWindow):
    sig_database_opened = Signal(str)
    """A database was opened and its views reset: (its display name)."""

    sig_first_page_shown = Signal()
    """An office's first page has painted its data; the rest of the start-up work (checks, backup, due soon) follows."""

    def __init__(
        self, settings: AppSettings | None = None, jobs: JobRunner | None = None, *, shell_only: bool = False
    ) -> None:
        """`shell_only` makes only what the first frame shows (title, size, an empty page, a status line); the
        start-up calls build() once that frame has painted. Menus, toolbars, navigation and docks need the enums of
        the Qt namespace and their modules, which would hold the first frame back by a fifth of a second."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.db: Database | None = None
        self.settings = settings or AppSettings()
        self._given_jobs = jobs
        self.built = False
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.setCentralWidget(QWidget())
        self.statusBar().showMessage(self.tr("Starting…"))
        if not shell_only:
            self.build()

    def build(self) -> None:
        """Everything the shell leaves out: menus and toolbars, navigation, pages, docks, the status fields. Once."""
        if self.built:
            return
        self.built = True
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import (
            QDockWidget,
            QFrame,
            QHBoxLayout,
            QLabel,
            QListWidget,
            QPushButton,
            QSplitter,
            QStackedWidget,
            QVBoxLayout,
        )

        from desktop.actions import ActionRegistry
        from desktop.file_commands import FileCommands
        from desktop.jobs import JobRunner

        self.jobs = self._given_jobs or JobRunner(self)
        self.statusBar().clearMessage()
        self.actions = ActionRegistry(self)
        self.actions.set_enabled(DATA_ACTIONS, False)
        self.actions.set_enabled(UPDATE_ACTIONS, False)
        self.actions.set_enabled(REGISTER_IMPORTS, False)

        self._banner = QFrame(objectName="demoBanner")
        self._banner.setStyleSheet("#demoBanner { background: #fff4ce; border-bottom: 1px solid #d9b300; }")
        banner_layout = QHBoxLayout(self._banner)
        banner_layout.addWidget(QLabel(self.tr("DEMO DATA — fictional people and bilateral partners.")), 1)
        self.start_real_office = QPushButton(self.tr("Start a real office…"))
        banner_layout.addWidget(self.start_real_office)
        self._banner.setVisible(False)

        self._nav = QListWidget()
        self._nav.setAccessibleName(self.tr("Navigation"))
        for label, _ in NAVIGATION:
            self._nav.addItem(self.tr(label))
        self._nav.setMaximumWidth(230)
        self._nav.setStyleSheet("QListWidget::item { padding: 5px 10px; }")
        # Never narrower than its longest label: a wide page must not squeeze the navigation to "Secondm".
        self._nav.setMinimumWidth(self._nav.sizeHintForColumn(0) + 2 * self._nav.frameWidth() + 8)
        self._stack = QStackedWidget()
        self._pages: dict[int, QWidget] = {}
        for _ in NAVIGATION:
            self._stack.addWidget(QWidget())  # replaced by the real page on first visit

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._nav)
        splitter.addWidget(self._stack)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._banner)
        # Where the office is kept puts it at risk or keeps it read-only (sync folder, network drive, read-only
        # folder): said for as long as it is open, not only in a status message that the next one replaces.
        self.location_banner = QLabel(objectName="locationBanner", wordWrap=True)
        self.location_banner.setStyleSheet("#locationBanner { background: #fde7e9; padding: 6px 10px; }")
        self.location_banner.setVisible(False)
        layout.addWidget(self.location_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._status_db = QLabel()
        self._status_marking = QLabel()
        self._marking_reads = 0
        for label in (self._status_marking, self._status_db):
            label.setContentsMargins(12, 0, 12, 0)
            self.statusBar().addPermanentWidget(label)
        self._due_dock = QDockWidget(self.tr("Due soon"), self)
        self._due_dock.setObjectName("dueSoonDock")
        # Wide enough for a date and "12 days overdue" side by side; the dock can be closed on a small screen.
        self._due_dock.setMinimumWidth(250)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._due_dock)
        self._due_dock.hide()
        self.due_panel: DueSoonPanel | None = None
        self.integrity_box: QMessageBox | None = None

        self._nav.currentRowChanged.connect(self._on_nav_row_changed)
        self.actions.connect("quit", self.close)
        self.actions.connect("search", self.show_search)
        self.actions.connect("refresh", self.refresh_current)
        self.actions.connect("due_soon", self._due_dock.show)
        self.actions.connect("about", self._show_about)
        self.actions.connect("settings", self.show_settings)
        self.files = FileCommands(self)
        self.actions.connect("export_list", self.files.export_current_list)
        self.actions.connect("new_record", self.new_record)
        self.actions.connect("prepare_next_meeting", self.prepare_next_meeting)
        self.actions.connect("open_record", self._open_selected_record)
        self.actions.connect("backup", self.files.back_up_now)
        self.actions.connect("open_office", self.files.choose_and_open)
        self.actions.connect("new_office", self.files.create_new_office)
        self.actions.connect("connect_office", self.show_connect_dialog)
        self.live_refresh: LiveRefresh | None = None
        self.start_real_office.clicked.connect(self.files.create_new_office)
        self._updates: ActionUpdateCommands | None = None
        self.actions.connect("export_action_updates", lambda: self.updates.export_for_agency())
        self.actions.connect("import_action_updates", lambda: self.updates.import_updates())

        self._budget: BudgetCommands | None = None
        self.actions.connect("export_budget", lambda: self.budget.export_workbook())
        self.actions.connect("import_budget", lambda: self.budget.import_lines())
        self.actions.connect("budget_grid", lambda: self.budget.show_grid())
        self._register_imports: RegisterImportCommands | None = None
        self.actions.connect("import_events", lambda: self.register_imports.import_events())
        self.actions.connect("import_people", lambda: self.register_imports.import_people())

    @property
    def updates(self) -> ActionUpdateCommands:
        """The action-update commands, built on first use: their module brings the export flow, which the first
        frame has no need of."""
        if self._updates is None:
            from desktop.action_updates import ActionUpdateCommands

            self._updates = ActionUpdateCommands(self)
            self._updates.sig_import_applied.connect(self._on_editor_record_saved)
        return self._updates

    @property
    def budget(self) -> BudgetCommands:
        """The budget workbook, import and grid commands, built on first use like the action-update ones."""
        if self._budget is None:
            from desktop.resources.budget_commands import BudgetCommands

            self._budget = BudgetCommands(self)
            self._budget.sig_import_applied.connect(self._on_editor_record_saved)
        return self._budget

    @property
    def register_imports(self) -> RegisterImportCommands:
        """The forum-event and people imports, built on first use like the budget commands."""
        if self._register_imports is None:
            from desktop.calendar.imports import RegisterImportCommands

            self._register_imports = RegisterImportCommands(self)
            self._register_imports.sig_import_applied.connect(self._on_editor_record_saved)
        return self._register_imports

    # --- database ---------------------------------------------------------------------------------------

    def open_database(self, path: Path | str | None) -> bool:
        self.build()
        from PySide6.QtWidgets import QMessageBox

        from core.db.engine import open_database
        from core.db.errors import DatabaseError, ReadOnlyLocation
        from core.db.lock import DatabaseLocked
        from core.db.paths import default_database_path
        from desktop.connect_dialog import connect_in_background, is_server_url

        if path is not None and is_server_url(path):
            if not self.guard_unsaved_edits():
                return False
            connect_in_background(self, str(path))  # a server may take seconds to answer, or never
            return True
        target = path or default_database_path()
        if not self.guard_unsaved_edits():
            return False
        try:
            # The check of every page runs in the background once the first list is shown (_check_integrity).
            try:
                db = open_database(target, defer_integrity_check=True)
            except DatabaseLocked as locked:
                question = self.tr("{0}\n\nOpen it read-only?").format(locked)
                if QMessageBox.question(self, APP_NAME, question) != QMessageBox.StandardButton.Yes:
                    return False
                db = open_database(target, readonly=True, defer_integrity_check=True)
                # Said for as long as it is open, not only in the question: who to ask for the file.
                db.warning = self.tr("Read-only: {0}").format(locked)
            except ReadOnlyLocation as refused:
                db = open_database(target, readonly=True, defer_integrity_check=True)
                db.warning = str(refused)
        except DatabaseError as exc:
            self.files.explain_refusal(target, exc)  # offers the latest verified backup of an unreadable file
            return False
        self.set_database(db)
        return True

    def set_database(self, db: Database) -> None:
        from core.services.office import load_settings
        from desktop.app import after_first_frame
        from desktop.due_soon import DueSoonPanel

        self.build()
        self._close_database()
        self.db = db
        # The ambassador and managers open the app to the dashboard (issue 6); its charts follow its first figures.
        # The page first: it starts its queries on a worker thread, which runs them (SQLite lets go of Python's
        # lock while it reads) while this thread reads the office's name, builds the due-soon panel and the rest.
        first = START_PAGE
        self._nav.setCurrentRow(first)
        self._on_nav_row_changed(first)
        with db.read() as session:
            settings = load_settings(session)
        suffix = self.tr(" (read-only)") if db.readonly else ""
        self.setWindowTitle(f"{APP_NAME} — {settings.name}{suffix}")
        self._banner.setVisible(settings.is_demo)
        self._status_db.setText(db.name)
        self._status_marking.clear()  # read once the first page has its data (_after_first_list)
        if db.warning:
            self.statusBar().showMessage(db.warning)
        self.location_banner.setText(db.warning or "")
        self.location_banner.setVisible(bool(db.warning))
        self.due_panel = DueSoonPanel(db, jobs=self.jobs)
        self.due_panel.sig_item_chosen.connect(self.show_record)
        self._due_dock.setWidget(self.due_panel)
        panel = self.due_panel
        self._due_dock.show()
        self.actions.set_enabled(DATA_ACTIONS, True)
        self.actions.set_enabled(("new_record", "prepare_next_meeting"), not db.readonly)
        self.actions.set_enabled(UPDATE_ACTIONS, True)
        self.actions.set_enabled(("import_action_updates", "import_budget"), not db.readonly)
        self.actions.set_enabled(REGISTER_IMPORTS, not db.readonly)

        # Both after the first page has painted its data (a zero timer would fire before that paint): on a large
        # office the report and the page check each take longer than the first figures, and would compete with
        # them for the CPU. The dashboard computes its figures in the background: after those.
        def after_first_page() -> None:
            after_first_frame(self, lambda: self._after_first_list(db, panel), watched=QApplication.instance())

        page = self.current_page()
        figures = getattr(page, "sig_first_figures", None)
        if figures is None or getattr(page, "first_figures_shown", True):
            after_first_page()
        else:
            figures.connect(after_first_page)
        if db.path is not None:
            self.settings.add_recent_database(db.path)
            self.settings.last_database = db.path
        else:  # a shared office: other clients save too, and what is open follows them
            from desktop.live_refresh import LiveRefresh

            self.live_refresh = LiveRefresh(db, self.jobs, self)
            self.live_refresh.sig_changed.connect(lambda: self._on_editor_record_saved("", 0))
            self.live_refresh.start()
        self.sig_database_opened.emit(db.name)

    def show_connect_dialog(self) -> QWidget:
        from desktop.connect_dialog import show_connect_dialog

        return show_connect_dialog(self)

    def _after_first_list(self, db: Database, panel: DueSoonPanel) -> None:
        if self.db is not db:
            return  # another office was opened in the meantime
        self._update_marking_status()
        if db.integrity_pending:
            self.jobs.run(
                lambda *_job: db.check_integrity(),
                on_finished=lambda _: self.files.back_up_if_due(db),
                on_failed=lambda message, _details: self._on_integrity_failed(db, message),
            )
        else:
            self.files.back_up_if_due(db)
        panel.refresh()
        self.sig_first_page_shown.emit()

    def _on_integrity_failed(self, db: Database, message: str) -> None:
        """The background check found the open office damaged: core now refuses every write; say so plainly."""
        if self.db is not db:
            return
        from PySide6.QtWidgets import QMessageBox

        self.actions.set_enabled(("new_record",), False)
        self.setWindowTitle(self.tr("{0} (damaged: changes cannot be saved)").format(self.windowTitle()))
        self._status_db.setText(self.tr("{0} — damaged, read-only").format(db.name))
        self.statusBar().showMessage(self.tr("This office is damaged: changes cannot be saved."))
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            APP_NAME,
            self.tr("{0}\n\nYou can still read and export what is there.").format(message),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("integrityFailedBox")
        if db.path is not None:
            self.files.offer_backup_in(box, db.path)
        box.open()  # not exec(): the window stays usable behind it, and tests need no nested event loop
        self.integrity_box = box

    def _update_marking_status(self) -> None:
        """Read in the background: it looks at every marked table, 10 ms or more of a large office's opening and of
        each save. Only the newest read for the open office is shown."""
        from core.reports.markings import highest_marking_held

        db = self.db
        if db is None:
            return
        self._marking_reads += 1
        read_number = self._marking_reads

        def read(*_job: object) -> str | None:
            with db.read() as session:
                return highest_marking_held(session)

        def show(text: str, details: str = "") -> None:
            if read_number == self._marking_reads and self.db is db:
                self._status_marking.setText(text)
                self._status_marking.setToolTip(details)

        self.jobs.run(
            read,
            on_finished=lambda held: show(self.tr("Highest marking held: {0}").format(held or "—")),
            on_failed=lambda message, _details: show(self.tr("Highest marking held: could not be read"), message),
        )

    def close_database(self) -> None:
        """Close the open office (before a restore replaces its file)."""
        self._close_database()
        self.actions.set_enabled(DATA_ACTIONS + UPDATE_ACTIONS, False)
        self.location_banner.setVisible(False)

    def _close_database(self) -> None:
        if self.live_refresh is not None:
            self.live_refresh.stop()
            self.live_refresh.deleteLater()
            self.live_refresh = None
        for page in self._pages.values():
            index = self._stack.indexOf(page)
            placeholder = QWidget()
            self._stack.insertWidget(index, placeholder)
            self._stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()
        if self.db is not None:
            self.db.close()
            self.db = None

    # --- pages ------------------------------------------------------------------------------------------

    def page(self, row: int) -> QWidget:
        if row not in self._pages:
            self._pages[row] = self._build_page(row)
            old = self._stack.widget(row)
            self._stack.insertWidget(row, self._pages[row])
            self._stack.removeWidget(old)
            old.deleteLater()
        return self._pages[row]

    def _on_nav_row_changed(self, row: int) -> None:
        if row < 0 or self.db is None:
            return
        self._stack.setCurrentWidget(self.page(row))

    def _build_page(self, row: int) -> QWidget:
        label, entities = NAVIGATION[row]
        if label == "Dashboard" and self.db is not None:
            from desktop.dashboard.view import DashboardView  # its charts load pyqtgraph after its first frame

            dashboard = DashboardView(self.db, self.jobs, defer_charts=True)
            dashboard.sig_list_requested.connect(self.show_filtered_list)
            return dashboard
        if not entities or self.db is None:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QLabel

            placeholder = QLabel(self.tr("{0} is being built.").format(self.tr(label)))
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return placeholder
        import importlib

        from desktop.lists.register import RegisterView

        page_class: type[RegisterView] = RegisterView
        if label in PAGE_CLASSES:
            module, name = PAGE_CLASSES[label].split(":")
            page_class = getattr(importlib.import_module(module), name)
        view = page_class(self.db, entities)
        view.sig_record_opened.connect(self.show_record)
        if label == "Meetings":
            from desktop.meetings.view import MeetingsPage

            assert isinstance(view, MeetingsPage)
            view.workspace.sig_export_pack_requested.connect(self.files.export_meeting_pack)
        for entity, list_view in view.lists.items():
            self.settings.restore_columns(entity, list_view.table.horizontalHeader())
        return view

    def current_page(self) -> QWidget:
        return self._stack.currentWidget()

    def current_register(self) -> RegisterView | None:
        from desktop.lists.register import RegisterView

        page = self._stack.currentWidget()
        return page if isinstance(page, RegisterView) else None

    def show_list(self, entity: str) -> RegisterView:
        row = page_of(entity)
        self._nav.setCurrentRow(row)
        page = self.page(row)
        from desktop.lists.register import RegisterView

        assert isinstance(page, RegisterView)
        page.show_entity(entity)
        return page

    def show_filtered_list(self, link: ListLink) -> None:
        """Go to `link`'s list, filtered to what a dashboard tile or bar counts."""
        self.show_list(link.entity).show_entity(link.entity).apply_filter(
            link.filter, show_archived=link.show_archived, sort_key=link.sort_key
        )

    def prepare_next_meeting(self) -> None:
        from desktop.meetings.view import MeetingsPage

        row = page_of("meetings")
        self._nav.setCurrentRow(row)
        page = self.page(row)
        assert isinstance(page, MeetingsPage)
        page.show_workspace().prepare_next_meeting()

    def show_record(self, entity: str, row_id: int) -> QWidget | None:
        """Go to the record's list and open its editor (lists without an editor, such as audit, only navigate)."""
        self.show_list(entity)
        return self.open_editor(entity, row_id)

    def open_editor(self, entity: str, row_id: int | None) -> QWidget | None:
        from desktop.editing.registers import EDITORS, open_editor

        if self.db is None or entity not in EDITORS:
            return None
        dialog = open_editor(self, self.db, entity, row_id)
        _delete_on_close(dialog)
        dialog.sig_record_saved.connect(self._on_editor_record_saved)
        dialog.show()
        return dialog

    def new_record(self) -> QWidget | None:
        register = self.current_register()
        if register is None:
            return None
        return self.open_editor(register.current_entity, None)

    def _on_editor_record_saved(self, _table: str, _row_id: int) -> None:
        self._update_marking_status()
        for page in self._pages.values():
            if hasattr(page, "refresh"):
                page.refresh()
        if self.due_panel is not None:
            self.due_panel.refresh()

    def _open_selected_record(self) -> None:
        register = self.current_register()
        if register is None:
            return
        view = register.current_list
        index = view.table.currentIndex()
        if index.isValid():
            self.show_record(register.current_entity, view.model.row_id(index.row()))

    def refresh_current(self) -> None:
        register = self.current_register()
        if register is not None:
            register.refresh()
        if self.due_panel is not None:
            self.due_panel.refresh()

    def show_search(self) -> None:
        if self.db is None:
            return
        from desktop.search_dialog import SearchDialog

        dialog = SearchDialog(self.db, self)
        dialog.sig_hit_chosen.connect(self.show_record)
        _delete_on_close(dialog)
        dialog.open()

    def show_settings(self) -> QWidget | None:
        if self.db is None:
            return None
        from desktop.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.db, self.settings, self)
        _delete_on_close(dialog)
        dialog.sig_settings_saved.connect(self._on_settings_saved)
        dialog.open()
        return dialog

    def _on_settings_saved(self) -> None:
        from core.services.office import load_settings

        if self.db is None:
            return
        with self.db.read() as session:
            name = load_settings(session).name
        suffix = self.tr(" (read-only)") if self.db.readonly else ""
        self.setWindowTitle(f"{APP_NAME} — {name}{suffix}")
        self._on_editor_record_saved("office", 1)

    def _show_about(self) -> QWidget:
        from desktop.about import AboutDialog

        dialog = AboutDialog(self.db, self.settings.file_name, self)
        _delete_on_close(dialog)
        dialog.open()
        return dialog

    def guard_unsaved_edits(self) -> bool:
        """True when no open editor holds unsaved changes; otherwise bring one forward with its own question."""
        if "desktop.editing.dialog" not in sys.modules:
            return True  # no editor was ever opened; importing the editors only to find none costs a second
        from desktop.editing.dialog import RecordEditorDialog

        for dialog in self.findChildren(RecordEditorDialog):
            if dialog.isVisible() and dialog.is_dirty():
                dialog.raise_()
                dialog.activateWindow()
                dialog.reject()  # asks Discard / Keep editing without blocking
                return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.built:  # closed before it was built: nothing is open yet, only the window's place to remember
            self.settings.save_window(self)
            self.settings.sync()
            super().closeEvent(event)
            return
        if not self.guard_unsaved_edits():
            event.ignore()
            return
        self.jobs.cancel_all()
        self.jobs.wait_for_all(10_000)
        self.settings.save_window(self)
        for page in self._pages.values():
            for entity, list_view in getattr(page, "lists", {}).items():
                self.settings.save_columns(entity, list_view.table.horizontalHeader())
        self._close_database()
        self.settings.sync()
        super().closeEvent(event)
