"""Connect to office database…: a shared office on a PostgreSQL server, reached off the GUI thread.

The password typed here goes into the connection in memory only; with "Remember" ticked it is kept in the operating
system's keyring after the connection succeeded (core/db/postgres.py), never in the settings file. Left empty, the
keyring, PGPASSWORD or ~/.pgpass supply it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import APP_NAME
from desktop.office_dialogs import add_field_rows

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.jobs import JobHandle, JobRunner
    from desktop.main_window import MainWindow

SSL_MODE_LABELS = (
    ("prefer", "Prefer TLS (use it when the server offers it)"),
    ("require", "Require TLS"),
    ("verify-ca", "Require TLS and a trusted certificate"),
    ("verify-full", "Require TLS, a trusted certificate and the host name"),
    ("disable", "No TLS"),
)


def is_server_url(target: object) -> bool:
    text = str(target)
    return "://" in text and not text.startswith("sqlite")


def connect_in_background(window: MainWindow, url: str) -> JobHandle:
    """Open a server database without blocking the window (`--db URL`); a failure is one message box."""
    from core.db.engine import open_database

    window.statusBar().showMessage(window.tr("Connecting to the office database…"))

    def failed(message: str, _details: str) -> None:
        window.statusBar().clearMessage()
        QMessageBox.warning(window, APP_NAME, message)

    return window.jobs.run(lambda *_job: open_database(url), on_finished=window.set_database, on_failed=failed)


class ConnectDialog(QDialog):
    """Host, port, database, login and TLS mode of a shared office; Connect tries them in the background."""

    sig_connected = Signal(object)
    """The opened Database (the dialog then closes)."""

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to office database"))
        self._jobs = jobs
        self.database: Database | None = None
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.dbname = QLineEdit("cyberdesk")
        self.user = QLineEdit()
        self.sslmode = QComboBox()
        for code, label in SSL_MODE_LABELS:
            self.sslmode.addItem(self.tr(label), code)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("empty: from the keyring or .pgpass"))
        self.remember = QCheckBox(self.tr("Remember the password in this computer's keyring"))
        form = QFormLayout()
        self.messages = add_field_rows(
            form,
            (
                ("host", self.tr("Server"), self.host),
                ("port", self.tr("Port"), self.port),
                ("database", self.tr("Database"), self.dbname),
                ("user", self.tr("Login"), self.user),
                ("sslmode", self.tr("TLS"), self.sslmode),
                ("password", self.tr("Password"), self.password),
            ),
        )
        form.addRow("", self.remember)
        self.status = QLabel(objectName="connectStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(self.tr("Connect"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def url(self) -> Any:
        from core.db.postgres import server_url

        return server_url(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.dbname.text().strip(),
            user=self.user.text().strip(),
            sslmode=str(self.sslmode.currentData()),
            password=self.password.text() or None,
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.messages.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)

    def try_connect(self) -> None:
        errors = {
            key: self.tr("Enter the {0}.").format(self.tr(name))
            for key, name, widget in (
                ("host", "server's name or address", self.host),
                ("database", "database's name", self.dbname),
                ("user", "login", self.user),
            )
            if not widget.text().strip()
        }
        if self.remember.isChecked() and not self.password.text():
            errors["password"] = self.tr("Type the password to remember.")
        self.show_errors(errors)
        if errors:
            return
        from core.db.engine import open_database

        target = self.url().render_as_string(hide_password=False)
        self.connect_button.setEnabled(False)
        self.status.setText(self.tr("Connecting…"))
        self._jobs.run(lambda *_job: open_database(target), on_finished=self._on_connected, on_failed=self._on_failed)

    def _on_failed(self, message: str, _details: str) -> None:
        self.connect_button.setEnabled(True)
        self.status.setText(message)

    def _on_connected(self, db: Database) -> None:
        if not self.isVisible():
            db.close()  # cancelled while connecting
            return
        if self.remember.isChecked():
            from core.db.postgres import KeyringUnavailable, store_password

            try:
                store_password(self.url(), self.password.text())
            except KeyringUnavailable as exc:
                QMessageBox.information(self, APP_NAME, str(exc))
        self.database = db
        self.sig_connected.emit(db)
        self.accept()


def show_connect_dialog(window: MainWindow) -> ConnectDialog:
    dialog = ConnectDialog(window.jobs, window)
    dialog.sig_connected.connect(window.set_database)
    dialog.open()
    return dialog
