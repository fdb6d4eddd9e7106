"""`cyberdesk --self-test`: open the main window offscreen, visit every view, run every export, exit 0."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db.engine import Database

# Before any Qt import creates the application: the self-test needs no screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _say(line: str) -> None:
    print(f"self-test: {line}", flush=True)  # noqa: T201 - the self-test reports on stdout


def run_self_test(db_path: Path | None = None) -> int:
    from core.db.backup import backup_to
    from core.db.engine import open_database
    from core.demo import build_demo
    from core.io.table_export import export_list
    from core.reports.lists import LIST_ENTITIES
    from desktop.app import make_application
    from desktop.jobs import JobRunner
    from desktop.main_window import NAVIGATION, MainWindow
    from desktop.search_dialog import SearchDialog
    from desktop.settings import AppSettings

    started = time.perf_counter()
    app = make_application([])
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cyberdesk-selftest-") as folder:
        work = Path(folder)
        office = work / "office.cyberdesk"
        if db_path is not None:
            backup_to(db_path, office)  # never the user's own file: a consistent copy of it
        else:
            with open_database(office, create=True) as db:
                build_demo(db, as_at=date.today())
        window = MainWindow(AppSettings(work / "settings.ini"), JobRunner(synchronous=True))
        window.show()
        if not window.open_database(office) or window.db is None:
            _say("could not open the office")
            return 1
        for row, (label, entities) in enumerate(NAVIGATION):
            window._nav.setCurrentRow(row)
            app.processEvents()
            page = window.page(row)
            workspace = getattr(page, "workspace", None)  # the meeting workspace leads the Meetings page
            if workspace is not None:
                shown = workspace.meeting_model.rowCount(), workspace.agenda_model.rowCount()
                _say(f"view {label} / workspace: {shown[0]} meetings, {shown[1]} agenda items shown")
            for entity in entities:
                rows = page.show_entity(entity).model.rowCount()  # type: ignore[attr-defined]
                _say(f"view {label} / {entity}: {rows} rows shown")
        search = SearchDialog(window.db, window)
        search.box.setText("OEWG")
        search.run_search()
        _say(f"search 'OEWG': {search.results.count()} results")
        search.close()
        for entity in LIST_ENTITIES:
            for suffix in (".xlsx", ".csv"):
                target = work / f"{entity}{suffix}"
                try:
                    result = export_list(window.db, entity, target)
                    _say(result.summary())
                except Exception as exc:  # report every failing export, not just the first
                    failures.append(f"export {entity}{suffix}: {exc}")
        failures += _action_updates_round_trip(window.db, work)
        failures += _export_packs(window.db, work)
        try:
            from core.io.ics import export_calendar

            _say(export_calendar(window.db, work / "calendar.ics").summary())
        except Exception as exc:  # reported with the others
            failures.append(f"export calendar.ics: {exc}")
        try:
            from core.io.coverage_xlsx import export_coverage
            from core.services.office import load_settings

            with window.db.read() as session:
                this_year = load_settings(session).calendar.fiscal_year_of(date.today())
            _say(export_coverage(window.db, this_year, work / "coverage.xlsx").summary())
        except Exception as exc:  # reported with the others
            failures.append(f"export coverage.xlsx: {exc}")
        failures += _export_budget(window.db, work)
        window.close()
        app.processEvents()
    for failure in failures:
        _say(f"FAILED {failure}")
    _say(f"{'passed' if not failures else 'failed'} in {time.perf_counter() - started:.1f} s")
    return 0 if not failures else 1


def _action_updates_round_trip(db: Database, work: Path) -> list[str]:
    """Export every coded agency's update workbook and dry-run importing it back; returns what failed."""
    from core.io.action_updates import export_action_updates
    from core.io.imports.action_updates import ActionUpdatesImporter
    from core.io.imports.pipeline import run_import
    from desktop.action_updates import agency_choices

    failures: list[str] = []
    for code, _ in agency_choices(db)[:3]:
        target = work / f"action-updates-{code}.xlsx"
        try:
            _say(export_action_updates(db, code, target).summary())
            result = run_import(db, target, ActionUpdatesImporter(), dry_run=True)
            _say(result.summary())
            if result.plan.problems or result.plan.changes:
                failures.append(f"action updates {code}: an untouched workbook should change nothing")
        except Exception as exc:  # report every failing agency, not just the first
            failures.append(f"action updates {code}: {exc}")
    return failures


def _export_packs(db: Database, work: Path) -> list[str]:
    """Both formats of the pack of the next meeting (the latest held when none is scheduled)."""
    from core.io.pack_export import export_pack
    from desktop.pack_export import meeting_for_pack
    from desktop.renderers import install_renderers

    install_renderers()
    meeting = meeting_for_pack(db)
    if meeting is None:
        _say("pack: this office has no meetings, nothing to export")
        return []
    failures = []
    for suffix in (".xlsx", ".pdf"):
        try:
            _say(export_pack(db, meeting, work / f"pack{suffix}").summary())
        except Exception as exc:  # report every failing export, not just the first
            failures.append(f"export pack{suffix}: {exc}")
    return failures


if __name__ == "__main__":
    sys.exit(run_self_test(Path(sys.argv[1]) if len(sys.argv) > 1 else None))


def _export_budget(db: Database, work: Path) -> list[str]:
    """The budget workbook of the current fiscal year and its import template."""
    from core.io.budget_xlsx import export_budget, export_budget_template
    from core.services.office import load_settings

    with db.read() as session:
        calendar = load_settings(session).calendar
    try:
        _say(export_budget(db, calendar.fiscal_year_of(date.today()), work / "budget.xlsx").summary())
        export_budget_template(db, work / "budget-template.xlsx")
        _say("budget import template written")
    except Exception as exc:  # report every failing export, not just the first
        return [f"export budget: {exc}"]
    return []
