"""The main window: navigation, views built on first use, the demo banner and the status bar. It only assembles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import APP_NAME

if TYPE_CHECKING:
    from core.db.engine import Database

# (navigation label, list entity shown there); None = a placeholder until its own view is built.
NAVIGATION: tuple[tuple[str, str | None], ...] = (
    ("Dashboard", None),
    ("Meetings", "meetings"),
    ("Actions", "actions"),
    ("Calendar", "events"),
    ("Forums", "forums"),
    ("Resources", "budget"),
    ("Secondments", "secondments"),
    ("Commitments", "commitments"),
    ("Organisations & People", "organisations"),
    ("Audit", "audit"),
)


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.db: Database | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 760)

        self._banner = QFrame(objectName="demoBanner")
        self._banner.setStyleSheet("#demoBanner { background: #fff4ce; border-bottom: 1px solid #d9b300; }")
        banner_layout = QHBoxLayout(self._banner)
        self._banner_label = QLabel(self.tr("DEMO DATA — fictional people and bilateral partners."))
        banner_layout.addWidget(self._banner_label, 1)
        self._banner.setVisible(False)

        self._nav = QListWidget()
        self._nav.setAccessibleName(self.tr("Navigation"))
        for label, _ in NAVIGATION:
            self._nav.addItem(self.tr(label))
        self._nav.setFixedWidth(210)
        self._stack = QStackedWidget()
        self._views: dict[int, QWidget] = {}
        for _ in NAVIGATION:
            self._stack.addWidget(QWidget())  # replaced by the real view on first visit

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._nav)
        splitter.addWidget(self._stack)
        splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._status_db = QLabel()
        self.statusBar().addPermanentWidget(self._status_db)
        self._nav.currentRowChanged.connect(self._on_nav_row_changed)

    def open_database(self, path: Path | None) -> None:
        from core.db.engine import open_database
        from core.db.errors import DatabaseError
        from core.db.lock import DatabaseLocked
        from core.db.paths import default_database_path
        from core.services.office import load_settings

        target = path or default_database_path()
        try:
            try:
                db = open_database(target)
            except DatabaseLocked as locked:
                answer = QMessageBox.question(
                    self,
                    APP_NAME,
                    self.tr("{0}\nOpen it read-only?").format(locked),
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                db = open_database(target, readonly=True)
            with db.read() as session:
                settings = load_settings(session)
        except DatabaseError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.db = db
        suffix = self.tr(" (read-only)") if db.readonly else ""
        self.setWindowTitle(f"{APP_NAME} — {settings.name}{suffix}")
        self._banner.setVisible(settings.is_demo)
        self._status_db.setText(self.tr("{0} · {1}").format(db.name, settings.name))
        self._nav.setCurrentRow(0)
        self._on_nav_row_changed(0)

    def _on_nav_row_changed(self, row: int) -> None:
        if row < 0 or self.db is None:
            return
        if row not in self._views:
            self._views[row] = self._build_view(row)
            old = self._stack.widget(row)
            self._stack.insertWidget(row, self._views[row])
            self._stack.removeWidget(old)
            old.deleteLater()
        self._stack.setCurrentIndex(row)

    def _build_view(self, row: int) -> QWidget:
        label, entity = NAVIGATION[row]
        if entity is None or self.db is None:
            placeholder = QLabel(self.tr("{0} is being built.").format(self.tr(label)))
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return placeholder
        from desktop.lists.view import ListView

        return ListView(self.db, entity)

    def closeEvent(self, event: object) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        super().closeEvent(event)  # type: ignore[arg-type]
