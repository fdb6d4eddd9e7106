"""The budget commands from the File menu: the workbook of a chosen year, and an import dry-run then applied."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import sqlalchemy as sa

from core.domain.resources import BudgetLine
from desktop.resources.budget_commands import ExportBudgetFlow, ImportBudgetFlow
from tests.desktop.conftest import DEMO_AS_AT


def test_menu_has_both_budget_commands(window, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    export, imported = window.actions["export_budget"], window.actions["import_budget"]
    assert not export.isEnabled() and not imported.isEnabled()
    assert window.open_database(demo_path)
    assert export.isEnabled() and imported.isEnabled()
    assert export in window.actions.menus["&File"].actions()
    assert imported.text() == "Import bud&get lines…"


def test_export_the_workbook_of_the_chosen_year(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    target = tmp_path / "budget.xlsx"
    offered: list[list[str]] = []
    suggested: list[str] = []

    def ask_year(_parent, _caption, _label, items, current):  # type: ignore[no-untyped-def]
        offered.append(items)
        assert items[current] == "2025–26"  # the current year is offered first
        return items.index("2024–25")

    def ask_target(_parent, _caption, name, filters):  # type: ignore[no-untyped-def]
        suggested.append(Path(name).name)
        return str(target), filters

    flow = ExportBudgetFlow(
        window, window.db, window.jobs, window.settings, ask_year=ask_year, ask_target=ask_target, today=DEMO_AS_AT
    )
    with qtbot.waitSignal(flow.sig_export_finished):
        assert flow.start()
    assert offered == [["2022–23", "2023–24", "2024–25", "2025–26"]]
    assert suggested == ["OFFICIAL_Budget-2024–25_2025-08-15.xlsx"]  # the lines of 2024–25 are all OFFICIAL
    assert flow.message_box is not None
    assert flow.message_box.text().startswith("Wrote the budget workbook for 2024–25 to budget.xlsx")
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "Summary"


def test_import_budget_lines_dry_run_then_apply(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = tmp_path / "lines.csv"
    path.write_text(
        "Reference,Fiscal year,Forum,Category,Description,Revised\r\n"
        'GUI-1,2025-26,IGF,Travel,IGF delegation,"12,000.00"\r\n',
        encoding="utf-8-sig",
    )
    flow = ImportBudgetFlow(window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), ""))
    assert flow.start()
    dialog = flow.dialog
    assert dialog is not None and dialog.windowTitle() == "Import budget lines — lines.csv"
    assert "2 | GUI-1 | Revised: — → 12000.00" in dialog.lines()
    with qtbot.waitSignal(flow.sig_import_applied):
        dialog.apply_button.click()
    with window.db.read() as session:
        assert session.scalar(sa.select(BudgetLine.description).where(BudgetLine.external_ref == "GUI-1")) == (
            "IGF delegation"
        )
    assert flow.message_box is not None and flow.message_box.text().startswith("Imported lines.csv")


def test_the_self_test_writes_the_budget_workbook(demo_db, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop import selftest

    assert selftest._export_budget(demo_db, tmp_path) == []
    assert (tmp_path / "budget.xlsx").exists() and (tmp_path / "budget-template.xlsx").exists()
    assert "Wrote the budget workbook for" in capsys.readouterr().out


def test_the_import_result_offers_to_undo_the_import(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = tmp_path / "lines.csv"
    path.write_text(
        "Reference,Fiscal year,Forum,Category,Description,Revised\r\n"
        'GUI-1,2025-26,IGF,Travel,IGF delegation,"12,000.00"\r\n'
        'GUI-2,2025-26,,Travel,Office travel,"3,000.00"\r\n',
        encoding="utf-8-sig",
    )
    flow = ImportBudgetFlow(window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), ""))
    assert flow.start()
    with qtbot.waitSignal(flow.sig_import_applied):
        flow.dialog.apply_button.click()
    assert flow.message_box.text().startswith("Imported lines.csv: 2 added, 0 updated (batch ")

    def imported() -> int:
        with window.db.read() as session:
            return session.scalar(
                sa.select(sa.func.count()).select_from(BudgetLine).where(BudgetLine.external_ref.like("GUI-%"))
            )

    assert imported() == 2
    with qtbot.waitSignal(flow.sig_import_applied):
        flow.undo_button.click()
    assert imported() == 0
    assert flow.message_box.text().startswith("Undid the import of lines.csv (batch ")
    assert flow.message_box.text().endswith("2 line(s) removed, 0 put back as they were.")
