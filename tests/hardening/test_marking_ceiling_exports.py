"""Every export that takes --max-marking ("for wider distribution") leaves out what is marked above it, says how much,
and holds none of its text. The commands are read from the CLI's parser, so a new export with --max-marking fails
here until it is given its arguments in EXPORT_ARGS."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.cli import EXIT_OK, build_parser, run
from core.db.backup import backup_to
from core.domain.forums import ForumEvent
from core.domain.meetings import Action, Meeting, action_tag
from core.domain.reference import ReferenceItem
from core.domain.resources import BudgetLine
from core.reports.coverage import COVERAGE_KINDS
from core.services.markings import marked_tables
from tests.core.reports.test_meeting_pack import AS_AT, build_pack_office

MARKER = "ABOVE-CEILING"
# Per export: its arguments besides -o, --as-at and --max-marking, and the file suffix it writes.
EXPORT_ARGS: dict[str, tuple[list[str], str]] = {
    "list": (["actions"], ".xlsx"),
    "pack": (["--meeting", "next"], ".xlsx"),
    "action-updates": (["--agency", "MFA"], ".xlsx"),
    "calendar": ([], ".ics"),
    "budget": (["--fy", "2026"], ".xlsx"),
    "coverage": (["--fy", "2026"], ".xlsx"),
}


def exports_with_a_ceiling() -> list[str]:
    parser = build_parser()
    export = next(
        a
        for a in parser._subparsers._group_actions[0].choices["export"]._actions  # type: ignore[union-attr]
        if isinstance(a, argparse._SubParsersAction)
    )
    return sorted(
        name
        for name, sub in export.choices.items()
        if any("--max-marking" in action.option_strings for action in sub._actions)
    )


@pytest.fixture(scope="module")
def marked_office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pack office with every record marked OFFICIAL: Sensitive (but the meetings, whose packs are asked for),
    and the text of the marked actions (tagged to a norm), events and budget lines carrying MARKER."""
    built = build_pack_office(tmp_path_factory.mktemp("ceiling") / "office.cyberdesk")
    with built.db.raw_write() as conn:
        for table in marked_tables():
            if table.name != Meeting.__tablename__:
                conn.execute(sa.update(table).values(marking_id=built.sensitive))
        conn.execute(sa.update(Action).values(description=MARKER + " " + Action.description))
        conn.execute(sa.update(ForumEvent).values(title=MARKER + " " + ForumEvent.title))
        conn.execute(sa.update(BudgetLine).values(description=MARKER + " " + BudgetLine.description))
        # Tagged to a norm, the marked actions are what the coverage export would show.
        norm = conn.execute(sa.select(ReferenceItem.id).where(ReferenceItem.kind.in_(COVERAGE_KINDS))).scalars().first()
        actions = conn.execute(sa.select(Action.id)).scalars().all()
        conn.execute(sa.insert(action_tag), [{"action_id": a, "reference_item_id": norm} for a in actions])
    assert built.db.path is not None
    built.db.close()
    return built.db.path


def file_text(path: Path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    return path.read_text(encoding="utf-8")


def test_every_export_with_a_ceiling_is_covered_here() -> None:
    assert exports_with_a_ceiling() == sorted(EXPORT_ARGS)


@pytest.mark.parametrize("kind", sorted(EXPORT_ARGS))
def test_an_export_under_a_ceiling_leaves_out_what_is_above_it_and_says_so(
    marked_office: Path, tmp_path: Path, kind: str
) -> None:
    office = tmp_path / "office.cyberdesk"
    backup_to(marked_office, office)
    args, suffix = EXPORT_ARGS[kind]
    common = ["--as-at", AS_AT.isoformat()]

    open_copy = tmp_path / f"all{suffix}"
    lines: list[str] = []
    assert run(["--db", str(office), "export", kind, *args, "-o", str(open_copy), *common], out=lines.append) == 0
    assert MARKER in file_text(open_copy), "the office must hold marked text this export would show"

    limited = tmp_path / f"wider{suffix}"
    lines = []
    code = run(
        ["--db", str(office), "export", kind, *args, "-o", str(limited), *common, "--max-marking", "OFFICIAL"],
        out=lines.append,
    )
    assert code == EXIT_OK, lines
    assert MARKER not in file_text(limited)
    summary = " ".join(lines)
    assert "left out" in summary and "above" in summary, summary
