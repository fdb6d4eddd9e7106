"""`cyberdesk export list ENTITY` with the list's filters: --search, --archived, --open, --overdue, --owner."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, run
from tests.core.io.test_table_export import read_csv, table
from tests.core.reports.test_lists import build_office


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small office of the list tests: A-1 open and overdue, A-2 complete, A-3 in progress and due later,
    A-4 open and overdue but archived; all owned by MFA."""
    path = tmp_path_factory.mktemp("cli") / "t.cyberdesk"
    build_office(path).db.close()
    return path


def export(office: Path, target: Path, *flags: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    argv = ["--db", str(office), "export", "list", *flags, "-o", str(target), "--as-at", "2025-08-15"]
    return run(argv, out=lines.append), lines


def refs(target: Path) -> list[str]:
    header, *rows = read_csv(target)
    return [row[header.index("Ref")] for row in rows]


@pytest.mark.parametrize(
    ("flags", "expected", "filter_line"),
    [
        ((), ["A-1", "A-2", "A-3"], None),
        (("--overdue",), ["A-1"], "Filter: Overdue"),
        (("--overdue", "--archived"), ["A-4", "A-1"], "Filter: Overdue; archived records included"),
        (("--open", "--owner", "mfa"), ["A-1", "A-3"], "Filter: Not closed (open, in progress, deferred), owner MFA"),
        (("--search", "action a-3"), ["A-3"], "Filter: search 'action a-3'"),
        (("--search", "=A-2"), [], "Filter: search '=A-2'"),
    ],
)
def test_filters_choose_the_rows_and_the_summary_names_them(
    office: Path, tmp_path: Path, flags: tuple[str, ...], expected: list[str], filter_line: str | None
) -> None:
    target = tmp_path / "actions.csv"
    code, lines = export(office, target, "actions", *flags)
    assert code == EXIT_OK
    assert refs(target) == expected
    noun = "action" if len(expected) == 1 else "actions"
    written = f"Wrote {len(expected)} {noun} to actions.csv"
    assert lines == [
        f"{written} (marking {'OFFICIAL: Sensitive' if 'A-3' in expected else 'OFFICIAL'})."
        + (f" {filter_line}." if filter_line else "")
    ]


@pytest.mark.parametrize(
    ("flags", "code", "message"),
    [
        (
            ("forums", "--overdue"),
            EXIT_USAGE,
            "cyberdesk: export list: --overdue applies only to actions and commitments",
        ),
        (("budget", "--owner", "MFA"), EXIT_USAGE, "cyberdesk: export list: --owner applies only to actions"),
        (("actions", "--owner", "XYZ"), EXIT_REFUSED, "cyberdesk: No organisation has the code 'XYZ'."),
    ],
)
def test_a_filter_the_list_lacks_or_an_unknown_agency_is_one_line_and_no_file(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], code: int, message: str
) -> None:
    target = tmp_path / "list.xlsx"
    assert export(office, target, *flags)[0] == code
    assert capsys.readouterr().err.splitlines() == [message]
    assert not target.exists()


def test_overdue_commitments_map_to_the_commitment_filter_not_the_actions_one(office: Path, tmp_path: Path) -> None:
    target = tmp_path / "commitments.csv"
    code, lines = export(office, target, "commitments", "--overdue")
    assert code == EXIT_OK
    assert lines[0].endswith("Filter: Overdue.")


def test_not_closed_is_named_as_the_app_chip_names_it_in_the_sheet_and_the_help(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--open lets In progress and Deferred rows through as well: "Open" would name only one of the three."""
    target = tmp_path / "actions.xlsx"
    assert export(office, target, "actions", "--open")[0] == EXIT_OK
    ws, header_row, _ = table(target)
    assert [ws.cell(r, 1).value for r in range(2, header_row)] == ["Filter: Not closed (open, in progress, deferred)"]
    code, lines = export(office, tmp_path / "commitments.csv", "commitments", "--open")
    assert code == EXIT_OK and lines[0].endswith("Filter: Not closed.")
    run(["export", "list", "--help"], out=print)
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--open actions, commitments: only those not closed (actions: open, in progress, deferred)" in help_text
