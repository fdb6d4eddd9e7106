"""File commands of the main window: new office, open, recent offices, back up now, export the current list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from core import APP_NAME

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


class FileCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        file_menu = window.actions.menus["&File"]
        self._recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        file_menu.insertMenu(window.actions["backup"], self._recent_menu)
        self._recent_menu.aboutToShow.connect(self._fill_recent_menu)
        window.actions.connect("export_pack", self.export_meeting_pack)

    def export_current_list(self) -> None:
        register = self._window.current_register()
        if register is None or self._window.db is None:
            return
        from desktop.exports import export_list_interactive

        view = register.current_list
        flow = export_list_interactive(
            self._window,
            self._window.db,
            register.current_entity,
            self._window.jobs,
            self._window.settings,
            query=view.export_query(),  # what the list shows, not the whole register
            as_at=view.model.as_at,
        )
        if flow is not None:
            action = self._window.actions["export_list"]
            action.setEnabled(False)
            for signal in (flow.sig_export_finished, flow.sig_export_failed, flow.sig_export_cancelled):
                signal.connect(lambda *_: action.setEnabled(True))

    def export_meeting_pack(self, meeting: int | None = None) -> None:
        """The pack of `meeting` (the workspace's button); File > Export meeting pack… gives none: then the next
        scheduled meeting's pack (the latest held when none is)."""
        db = self._window.db
        if db is None:
            return
        from desktop.pack_export import export_pack_from_gui, meeting_for_pack

        if meeting is None:
            meeting = meeting_for_pack(db)
        if meeting is None:
            QMessageBox.information(self._window, APP_NAME, self.tr("This office has no meetings yet."))
            return
        export_pack_from_gui(self._window, db, meeting, self._window.jobs, self._window.settings)

    def back_up_now(self) -> None:
        db = self._window.db
        if db is None:
            return

        def work(_progress: object, _cancel: object) -> Path:
            return db.backup("manual")

        self._window.statusBar().showMessage(self.tr("Backing up…"))
        self._window.jobs.run(
            work,
            on_finished=lambda path: self._window.statusBar().showMessage(
                self.tr("Backed up to {0}").format(path), 10_000
            ),
            on_failed=lambda message, _details: QMessageBox.warning(self._window, APP_NAME, message),
        )

    def choose_and_open(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = (
            str(self._window.db.path.parent) if self._window.db is not None and self._window.db.path is not None else ""
        )
        chosen, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open office"), start, self.tr("Offices (*.cyberdesk);;All files (*)")
        )
        if chosen:
            self._window.open_database(Path(chosen))

    def create_new_office(self) -> bool:
        from core.db.engine import open_database
        from core.db.paths import default_database_path
        from core.services.office import initialise_office
        from core.services.validation import ValidationError
        from desktop.office_dialogs import NewOfficeDialog

        default = default_database_path()
        if default.exists():
            default = default.with_name("new-office.cyberdesk")
        dialog = NewOfficeDialog(default, self._window)
        while dialog.exec() == NewOfficeDialog.DialogCode.Accepted:
            name, currency, fy_start = dialog.values()
            target = Path(dialog.path.text()).expanduser()
            db = open_database(target, create=True)
            try:
                initialise_office(db, name=name, currency=currency, fy_start_month=fy_start)
            except ValidationError as exc:
                db.close()
                dialog.show_errors(exc.errors)
                continue
            self._window.set_database(db)
            return True
        return False

    def _fill_recent_menu(self) -> None:
        self._recent_menu.clear()
        for path in self._window.settings.recent_databases:
            action = self._recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self._window.open_database(p))
        self._recent_menu.setEnabled(bool(self._window.settings.recent_databases))
