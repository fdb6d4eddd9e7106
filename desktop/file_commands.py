"""File commands of the main window: new office, open, recent offices, back up and restore, export the current list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from core import APP_NAME

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.db.errors import DatabaseError
    from core.db.recovery import CheckedBackup, RestoreResult
    from desktop.main_window import MainWindow
    from desktop.office_dialogs import RestoreBackupDialog


class FileCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        file_menu = window.actions.menus["&File"]
        self._recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        file_menu.insertMenu(window.actions["connect_office"], self._recent_menu)  # right under Open…
        self._recent_menu.aboutToShow.connect(self._fill_recent_menu)
        window.actions.connect("export_pack", self.export_meeting_pack)
        window.actions.connect("restore_backup", self.choose_backup_to_restore)
        self.refusal_box: QMessageBox | None = None
        self.restore_dialog: RestoreBackupDialog | None = None

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

    # --- backups offered and restored ---------------------------------------------------------------------

    def back_up_if_due(self, db: Database) -> None:
        """The once-a-day backup, started after the first list has painted (never before the window is up)."""
        if db.path is None or db.readonly or db.damaged:
            return
        from core.db.recovery import backup_if_due

        path = db.path
        self._window.jobs.run(
            lambda *_job: backup_if_due(path),
            on_failed=lambda message, _details: self._window.statusBar().showMessage(
                self.tr("The daily backup failed: {0}").format(message)
            ),
        )

    def explain_refusal(self, target: Path, error: DatabaseError) -> None:
        """Say why `target` was refused; when it cannot be read as it is, offer its latest verified backup (found
        in the background: each candidate is checked page by page)."""
        from core.db.recovery import REFUSALS_WITH_BACKUP_OFFER, latest_verified_backup

        if not isinstance(error, REFUSALS_WITH_BACKUP_OFFER):
            QMessageBox.warning(self._window, APP_NAME, str(error))
            return
        self._window.jobs.run(
            lambda *_job: latest_verified_backup(target),
            on_finished=lambda found: self._show_refusal(target, str(error), found),
            on_failed=lambda *_: self._show_refusal(target, str(error), None),
        )

    def offer_backup_in(self, box: QMessageBox, target: Path) -> None:
        """Add "Restore backup from <date>…" to a message about `target` already shown, once one is found."""
        from core.db.recovery import latest_verified_backup

        self._window.jobs.run(
            lambda *_job: latest_verified_backup(target),
            on_finished=lambda found: self._add_restore_button(box, target, found) if found else None,
        )

    def _show_refusal(self, target: Path, message: str, found: CheckedBackup | None) -> None:
        if found is None:
            message += "\n\n" + self.tr("No verified backup of this office was found.")
        else:
            message += "\n\n" + self.tr("The latest verified backup is from {0}.").format(found.label)
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message, QMessageBox.StandardButton.Close, self._window)
        box.setObjectName("refusalBox")
        if found is not None:
            self._add_restore_button(box, target, found)
        box.open()  # not exec(): tests and the window stay free while it is up
        self.refusal_box = box

    def _add_restore_button(self, box: QMessageBox, target: Path, found: CheckedBackup) -> None:
        button = box.addButton(
            self.tr("Restore backup from {0}…").format(found.label), QMessageBox.ButtonRole.ActionRole
        )
        button.setObjectName("restoreBackupButton")
        button.clicked.connect(lambda: self.restore_from(found, target))

    def choose_backup_to_restore(self) -> None:
        """File > Restore from backup…: the current office's backups (or the last office's), checked in the
        background, in a dialog that lists them with date, size and whether each passed its check."""
        from core.db.paths import default_database_path
        from core.db.recovery import check_backups
        from desktop.office_dialogs import RestoreBackupDialog

        window = self._window
        target = (window.db.path if window.db is not None else None) or window.settings.last_database
        target = target or default_database_path()
        dialog = RestoreBackupDialog(target, window)
        self.restore_dialog = dialog
        dialog.accepted.connect(lambda: self._on_restore_dialog_accepted(dialog, target))
        dialog.open()
        window.jobs.run(
            lambda *_job: check_backups(target),
            on_finished=dialog.set_backups,
            on_failed=lambda message, _details: dialog.intro.setText(message),
        )

    def _on_restore_dialog_accepted(self, dialog: RestoreBackupDialog, target: Path) -> None:
        chosen = dialog.chosen()
        if chosen is not None:
            self.restore_from(chosen, target)

    def restore_from(self, backup: CheckedBackup, target: Path) -> bool:
        """Confirm, then replace `target` with `backup` (the current file backed up, or kept aside if unreadable)
        and open the restored office."""
        question = self.tr(
            "Replace {0} with the backup from {1}?\n\nThe current file is backed up first, or kept aside "
            "unchanged if it cannot be read."
        ).format(target.name, backup.label)
        if QMessageBox.question(self._window, APP_NAME, question) != QMessageBox.StandardButton.Yes:
            return False
        window = self._window
        if window.db is not None and window.db.path == target:
            if not window.guard_unsaved_edits():
                return False
            window.close_database()
        from core.db.recovery import restore_backup

        window.jobs.run(
            lambda *_job: restore_backup(backup.path, target),
            on_finished=lambda result: self._on_restored(result, backup),
            on_failed=lambda message, _details: QMessageBox.warning(window, APP_NAME, message),
        )
        return True

    def _on_restored(self, result: RestoreResult, backup: CheckedBackup) -> None:
        if self.refusal_box is not None:
            self.refusal_box.close()
            self.refusal_box = None
        if self._window.open_database(result.restored):
            kept = result.set_aside or result.previous_backup
            note = self.tr(" The previous file is kept as {0}.").format(kept.name) if kept else ""
            self._window.statusBar().showMessage(self.tr("Restored the backup from {0}.").format(backup.label) + note)
