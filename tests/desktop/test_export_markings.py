"""Every GUI export suggests a file name that starts with the marking the file itself carries in its header.

The office's ceiling is raised above anything it holds, so a name built from the ceiling instead of from what the
file contains would say PROTECTED over a file whose every page says OFFICIAL: Sensitive (or OFFICIAL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QWidget

from core.db.engine import Database
from core.domain.reference import Marking, Office
from core.domain.text import safe_filename_part
from desktop.action_updates import ExportActionUpdatesFlow
from desktop.calendar.view import CalendarExportFlow
from desktop.commitments.coverage import CoverageExportFlow
from desktop.exports import ICS_FILTER, ExportFlow, ExportListFlow
from desktop.jobs import JobRunner
from desktop.pack_export import ExportPackFlow
from desktop.resources.budget_commands import ExportBudgetFlow
from desktop.settings import AppSettings
from tests.desktop.conftest import DEMO_AS_AT
from tests.desktop.test_exports import TIMEOUT_MS, FakeDialogs, parent, runner, settings

__all__ = ["parent", "runner", "settings"]  # fixtures shared with the list export tests

CEILING = "PROTECTED"


def _raise_the_ceiling(db: Database) -> None:
    with db.write() as session:
        top = session.scalar(sa.select(sa.func.max(Marking.rank))) or 0
        marking = Marking(label=CEILING, label_key=CEILING.casefold(), rank=top + 10)
        session.add(marking)
        session.flush()
        office = session.get_one(Office, 1)
        office.max_marking_id = marking.id


def _list(*args: Any, **kwargs: Any) -> ExportFlow:
    parent, db, runner, settings = args
    return ExportListFlow(parent, db, "actions", runner, settings, **kwargs)


def _budget(*args: Any, **kwargs: Any) -> ExportFlow:
    return ExportBudgetFlow(*args, ask_year=lambda _p, _c, _l, items, _i: items.index("2024–25"), **kwargs)


def _coverage(*args: Any, **kwargs: Any) -> ExportFlow:
    return CoverageExportFlow(*args, fiscal_year=2026, **kwargs)


def _action_updates(*args: Any, **kwargs: Any) -> ExportFlow:
    def mfa(_parent: Any, _caption: Any, _label: Any, items: list[str]) -> int:
        return next(i for i, item in enumerate(items) if item.startswith("MFA — "))

    return ExportActionUpdatesFlow(*args, ask_agency=mfa, **kwargs)


def _calendar(*args: Any, **kwargs: Any) -> ExportFlow:
    return CalendarExportFlow(*args, **kwargs)


def _pack(*args: Any, **kwargs: Any) -> ExportFlow:
    parent, db, runner, settings = args
    return ExportPackFlow(parent, db, "next", runner, settings, **kwargs)


def _xlsx_marking(path: Path) -> str:
    """The marking every marked sheet's header shows (all agree), without the demo flag."""
    wb = openpyxl.load_workbook(path)
    shown = {ws.oddHeader.center.text for ws in wb.worksheets if ws.oddHeader.center.text}
    assert len(shown) == 1, shown
    return shown.pop().removesuffix(" — DEMO DATA").replace("&&", "&")


def _ics_marking(path: Path) -> str:
    description = next(line for line in path.read_text("utf-8").splitlines() if line.startswith("X-WR-CALDESC:"))
    return description.rsplit("; marking ", 1)[1]


EXPORTS: list[tuple[str, Callable[..., ExportFlow], str]] = [
    ("list", _list, "actions.xlsx"),
    ("budget", _budget, "budget.xlsx"),
    ("coverage", _coverage, "coverage.xlsx"),
    ("action updates", _action_updates, "updates.xlsx"),
    ("calendar", _calendar, "calendar.ics"),
    ("pack", _pack, "pack.xlsx"),
]


@pytest.mark.parametrize(("make", "file_name"), [(m, f) for _, m, f in EXPORTS], ids=[e[0] for e in EXPORTS])
def test_the_suggested_name_starts_with_the_marking_in_the_files_header(
    qtbot: QtBot,
    parent: QWidget,
    demo_db: Database,
    runner: JobRunner,
    settings: AppSettings,
    tmp_path: Path,
    make: Callable[..., ExportFlow],
    file_name: str,
) -> None:
    _raise_the_ceiling(demo_db)
    target = tmp_path / file_name
    dialogs = FakeDialogs(target, ICS_FILTER if file_name.endswith(".ics") else "Excel workbook (*.xlsx)")
    flow = make(parent, demo_db, runner, settings, ask_target=dialogs.ask_target, as_at=DEMO_AS_AT, today=DEMO_AS_AT)
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS):
        assert flow.start()
    (suggested,) = dialogs.suggested
    in_file = _ics_marking(target) if file_name.endswith(".ics") else _xlsx_marking(target)
    assert in_file and in_file != CEILING
    assert Path(suggested).name.startswith(safe_filename_part(in_file) + "_"), (suggested, in_file)
    assert Path(suggested).name.endswith(f"_{date(2025, 8, 15).isoformat()}{target.suffix}")
