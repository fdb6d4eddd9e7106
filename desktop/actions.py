"""The action registry: every command of the main window declared once, with its menu, shortcut and toolbar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    menu: str
    shortcut: QKeySequence.StandardKey | str | None = None
    toolbar: bool = False
    tip: str = ""
    separator_before: bool = False  # starts a group in its menu


MENUS = ("&File", "&Edit", "&View", "&Help")

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_office", "&New office…", "&File", QKeySequence.StandardKey.New, tip="Create a new, empty office"),
    ActionSpec("open_office", "&Open…", "&File", QKeySequence.StandardKey.Open, tip="Open an office database"),
    ActionSpec("connect_office", "&Connect to office database…", "&File", tip="Open a shared office on a server"),
    ActionSpec("backup", "&Back up now", "&File", tip="Back up the database beside it", separator_before=True),
    ActionSpec("restore_backup", "&Restore from backup…", "&File", tip="Replace the office with one of its backups"),
    ActionSpec(
        "export_list",
        "&Export this list…",
        "&File",
        "Ctrl+E",
        toolbar=True,
        tip="Export to Excel or CSV",
        separator_before=True,
    ),
    ActionSpec(
        "export_action_updates",
        "Export action &updates for an agency…",
        "&File",
        tip="Write an agency's open actions to a workbook its liaison fills in",
    ),
    ActionSpec("export_pack", "Export meeting &pack…", "&File", tip="The next meeting's pack as Excel or PDF"),
    ActionSpec("export_budget", "Export bu&dget workbook…", "&File", tip="A fiscal year's budget workbook"),
    ActionSpec(
        "import_action_updates",
        "&Import action updates…",
        "&File",
        tip="Check a returned action-update workbook, then apply it",
        separator_before=True,
    ),
    ActionSpec("import_budget", "Import bud&get lines…", "&File", tip="Check a budget sheet, then import it"),
    ActionSpec("import_events", "Import forum e&vents…", "&File", tip="Check a calendar sheet, then import its events"),
    ActionSpec("import_people", "Import peop&le…", "&File", tip="Check a sheet of people, then import them"),
    ActionSpec("settings", "&Settings…", "&File", QKeySequence.StandardKey.Preferences, separator_before=True),
    ActionSpec("quit", "&Quit", "&File", QKeySequence.StandardKey.Quit),
    ActionSpec("search", "&Find anything…", "&Edit", "Ctrl+K", toolbar=True, tip="Search every register (Ctrl+K)"),
    ActionSpec("new_record", "&New record", "&Edit", "Ctrl+Shift+N", toolbar=True, tip="Add a record to this list"),
    ActionSpec("open_record", "&Open record", "&Edit", tip="Open the selected record (Enter or double-click)"),
    ActionSpec(
        "prepare_next_meeting",
        "&Prepare next meeting",
        "&Edit",
        "Ctrl+Shift+M",
        tip="Open the group's next meeting, or create it with its standing items, attendance and open actions",
    ),
    ActionSpec("refresh", "&Refresh", "&View", QKeySequence.StandardKey.Refresh, tip="Reload the current view"),
    ActionSpec("due_soon", "&Due soon", "&View", "Ctrl+D", toolbar=True, tip="What is overdue or due soon"),
    ActionSpec("budget_grid", "&Budget by forum and quarter…", "&View", tip="Each forum's quarters and totals"),
    ActionSpec("about", "&About Cyber Affairs Desk", "&Help"),
)


class ActionRegistry:
    """Builds the QActions, menus and toolbar from ACTIONS; the window connects handlers by key."""

    def __init__(self, window: QMainWindow) -> None:
        self._actions: dict[str, QAction] = {}
        menus: dict[str, QMenu] = {}
        for title in MENUS:
            menus[title] = window.menuBar().addMenu(window.tr(title))
        toolbar = QToolBar(window.tr("Main"), window)
        toolbar.setObjectName("mainToolbar")
        window.addToolBar(toolbar)
        for spec in ACTIONS:
            action = QAction(window.tr(spec.text), window)
            action.setObjectName(spec.key)
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            if spec.tip:
                action.setStatusTip(window.tr(spec.tip))
                action.setToolTip(window.tr(spec.tip))
            if spec.separator_before:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(action)
            if spec.toolbar:
                toolbar.addAction(action)
            self._actions[spec.key] = action
        self.toolbar = toolbar
        self.menus = menus

    def __getitem__(self, key: str) -> QAction:
        return self._actions[key]

    def connect(self, key: str, handler: Callable[[], object]) -> None:
        self._actions[key].triggered.connect(lambda _checked=False: handler())

    def set_enabled(self, keys: tuple[str, ...], enabled: bool) -> None:
        for key in keys:
            self._actions[key].setEnabled(enabled)
