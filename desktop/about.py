"""Help ▸ About: the version, where this installation keeps its data, and the licences of the bundled components."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import APP_NAME, __version__
from desktop.assets import app_icon

if TYPE_CHECKING:
    from core.db.engine import Database

# Every distribution the application runs on (the runtime closure of pyproject's dependencies, which
# tests/installers/test_about.py recomputes so that a new dependency cannot go unlisted). Licences are read from
# each one's installed metadata when the dialog opens, never typed here, so an upgrade that changes a licence shows.
BUNDLED = (
    "PySide6_Essentials",
    "shiboken6",
    "SQLAlchemy",
    "alembic",
    "Mako",
    "MarkupSafe",
    "openpyxl",
    "et_xmlfile",
    "lxml",
    "pyqtgraph",
    "numpy",
    "colorama",
    "platformdirs",
    "defusedxml",
    "python-calamine",
    "typing_extensions",
    # The PostgreSQL driver, in builds made with the postgres extra.
    "psycopg",
    "psycopg-binary",
    "tzdata",
)


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


def licence_of(dist: metadata.Distribution) -> str:
    """The SPDX expression when the package declares one, else a short License field, else its classifiers."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "see the licence file in the package"


def bundled_components() -> list[Component]:
    found = []
    for name in BUNDLED:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # optional: the PostgreSQL driver, or a platform-only dependency
        found.append(Component(dist.metadata["Name"], dist.version, licence_of(dist)))
    return found


def data_locations(db: Database | None, settings_file: str) -> list[tuple[str, str]]:
    from core.db.paths import backup_dir_for, data_dir, log_dir

    if db is None:
        database = "no office open"
        backups = "beside the database, in a folder ending -backups"
    elif db.path is not None:
        database, backups = str(db.path), str(backup_dir_for(db.path))
    else:
        database, backups = db.name, "kept by the database server's administrators"
    return [
        ("Database", database),
        ("Backups", backups),
        ("Default data folder", str(data_dir())),
        ("Log folder", str(log_dir())),
        ("Settings", settings_file),
    ]


class AboutDialog(QDialog):
    def __init__(self, db: Database | None, settings_file: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {0}").format(APP_NAME))
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{APP_NAME}</h2>")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        self.version_label = QLabel(self.tr("Version {0}").format(__version__))
        layout.addWidget(icon)
        layout.addWidget(heading)
        layout.addWidget(self.version_label)
        layout.addWidget(
            QLabel(self.tr("No telemetry: the program connects to nothing but the PostgreSQL server you configure."))
        )

        form = QFormLayout()
        self.location_labels: dict[str, QLabel] = {}
        for label, value in data_locations(db, settings_file):
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(self.tr(label), field)
            self.location_labels[label] = field
        layout.addLayout(form)

        components = bundled_components()
        self.licences = QTableWidget(len(components), 3)
        self.licences.setHorizontalHeaderLabels([self.tr("Component"), self.tr("Version"), self.tr("Licence")])
        self.licences.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licences.verticalHeader().hide()
        self.licences.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, component in enumerate(components):
            for column, text in enumerate((component.name, component.version, component.licence)):
                self.licences.setItem(row, column, QTableWidgetItem(text))
        self.licences.resizeColumnsToContents()
        layout.addWidget(QLabel(self.tr("Bundled components and their licences:")))
        layout.addWidget(self.licences)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Qt is used under the LGPL version 3; its libraries are separate files in the installation "
                    "folder and can be replaced."
                )
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 560)
