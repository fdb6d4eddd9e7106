"""Help ▸ About: what a user or an IT reviewer reads there."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from PySide6.QtWidgets import QApplication

from core import __version__
from core.db.paths import log_dir
from desktop.about import BUNDLED, AboutDialog
from desktop.main_window import MainWindow


def _open_about(window: MainWindow) -> AboutDialog:
    window.actions["about"].trigger()
    QApplication.processEvents()
    dialogs = window.findChildren(AboutDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def _licences(dialog: AboutDialog) -> dict[str, str]:
    table = dialog.licences
    return {table.item(row, 0).text(): table.item(row, 2).text() for row in range(table.rowCount())}


def test_about_shows_the_version_and_where_the_open_office_lives(
    window: MainWindow, demo_path: Path, tmp_path: Path
) -> None:
    assert window.open_database(demo_path)
    dialog = _open_about(window)
    assert __version__ in dialog.version_label.text()
    shown = {label: field.text() for label, field in dialog.location_labels.items()}
    assert shown["Database"] == str(demo_path)
    assert shown["Backups"] == str(demo_path.with_name(demo_path.name + "-backups"))
    assert shown["Log folder"] == str(log_dir())
    assert shown["Settings"] == str(tmp_path / "settings.ini")


def test_about_without_an_office_says_so(window: MainWindow) -> None:
    dialog = _open_about(window)
    assert dialog.location_labels["Database"].text() == "no office open"


def test_about_lists_each_component_with_the_licence_its_metadata_declares(window: MainWindow) -> None:
    licences = _licences(_open_about(window))
    assert "LGPL-3.0" in licences["PySide6_Essentials"]
    for name in ("SQLAlchemy", "alembic", "openpyxl", "pyqtgraph", "platformdirs"):
        assert "MIT" in licences[name], name
    assert "BSD" in licences["numpy"]
    assert "BSD" in licences["lxml"]
    assert "PSF" in licences["defusedxml"] or "Python Software Foundation" in licences["defusedxml"]


def test_every_runtime_dependency_is_listed() -> None:
    """Walk pyproject's dependencies as installed (markers evaluated for this machine): none may be missing from
    the About dialog's list, or a new dependency would ship without its licence shown."""
    needed: set[str] = set()
    todo = [Requirement(r) for r in metadata.requires("cyberdesk") or []]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = metadata.distribution(req.name).metadata["Name"]
        if name.lower() in needed:
            continue
        needed.add(name.lower())
        todo += [Requirement(r) for r in metadata.requires(name) or []]
    assert needed <= {name.lower() for name in BUNDLED}
