"""Norms and strategy coverage against a hand-built office: what implements each tag in a year, and the gaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, commitment_budget_line, commitment_tag
from core.domain.forums import Forum, forum_tag
from core.domain.meetings import Action, ActionStatus, EngagementGroup, GroupMembership, Meeting, action_tag
from core.domain.organisations import Organisation
from core.domain.reference import CostCategory, ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine, budget_line_tag
from core.io.coverage_xlsx import export_coverage
from core.io.errors import ExportError
from core.reports.coverage import coverage
from core.services.office import initialise_office
from core.services.records import create_record

FY = 2025  # July 2024 to June 2025


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db, fy_start_month=7)
    return schema_db


def _tag(s: Session, kind: ReferenceKind, code: str) -> int:
    found = s.scalar(sa.select(ReferenceItem.id).where(ReferenceItem.kind == kind, ReferenceItem.code == code))
    assert found is not None, code
    return int(found)


def _norm(s: Session, letter: str) -> int:
    return _tag(s, ReferenceKind.GGE_NORM, f"NORM-{letter}")


@pytest.fixture
def office(db: Database) -> dict[str, Any]:
    with db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        category = s.scalar(sa.select(CostCategory.id).order_by(CostCategory.id))
        forum = s.scalars(sa.select(Forum).where(Forum.acronym == "OEWG 2021–25")).one()
        group = create_record(s, EngagementGroup, {"name": "Cyber Engagement Group"})
        s.add(GroupMembership(group_id=group.id, organisation_id=mfa, start_date=date(2020, 1, 1)))
        meeting = create_record(s, Meeting, {"group_id": group.id, "number": 1, "meeting_date": date(2024, 8, 1)})

        def commitment(title: str, status: CommitmentStatus, *tags: int, **values: Any) -> int:
            row = create_record(
                s, Commitment, {"title": title, "commitment_type": CommitmentType.MOU, "status": status, **values}
            )
            for tag in tags:
                s.execute(sa.insert(commitment_tag).values(commitment_id=row.id, reference_item_id=tag))
            return int(row.id)

        def action(ref: str, status: ActionStatus, *tags: int, **values: Any) -> int:
            base = {
                "group_id": group.id,
                "ref": ref,
                "raised_at_meeting_id": meeting.id,
                "description": f"Action {ref}",
                "owner_agency_id": mfa,
                "raised_on": date(2024, 8, 1),
                "due_date": date(2024, 12, 1),
                "status": status,
            }
            row = create_record(s, Action, {**base, **values})
            for tag in tags:
                s.execute(sa.insert(action_tag).values(action_id=row.id, reference_item_id=tag))
            return int(row.id)

        def line(description: str, fiscal_year: int, *tags: int, **values: Any) -> int:
            row = create_record(
                s,
                BudgetLine,
                {"fiscal_year": fiscal_year, "category_id": category, "description": description, **values},
            )
            for tag in tags:
                s.execute(sa.insert(budget_line_tag).values(budget_line_id=row.id, reference_item_id=tag))
            return int(row.id)

        mou = commitment(
            "Home State–Partner MOU on CERT cooperation",
            CommitmentStatus.SIGNED,
            _norm(s, "C"),
            _norm(s, "J"),
            signed_date=date(2024, 9, 1),
        )
        s.execute(sa.insert(forum_tag).values(forum_id=forum.id, reference_item_id=_norm(s, "A")))
        out = {
            "mou": mou,
            "forum": forum.id,
            "mou_action": action("A01.01", ActionStatus.IN_PROGRESS, commitment_id=mou),
            "mou_line": line("CERT exchange travel", FY, commitment_id=mou),
            "linked_line": line("CERT exchange workshop", FY),
            "other_year_line": line("Next year's travel", FY + 1, commitment_id=mou),
            "proposed": commitment("Human rights pledge", CommitmentStatus.PROPOSED, _norm(s, "E")),
            "done_action": action("A01.02", ActionStatus.COMPLETE, _norm(s, "E"), closed_on=date(2024, 10, 1)),
            "open_action": action("A01.03", ActionStatus.OPEN, _norm(s, "H")),
            "later": commitment(
                "Signed after the year",
                CommitmentStatus.IN_IMPLEMENTATION,
                _norm(s, "K"),
                signed_date=date(2025, 7, 1),
            ),
            "archived": commitment("Archived pledge", CommitmentStatus.SIGNED, _norm(s, "B"), archived=True),
            "bb_line": line("Secondment host costs", FY, _tag(s, ReferenceKind.BUILDING_BLOCK, "BB-4")),
            "negotiation": commitment(
                "Treaty round",
                CommitmentStatus.IN_IMPLEMENTATION,
                function_id=_tag(s, ReferenceKind.FUNCTION, "NEGOTIATION"),
            ),
        }
        s.execute(sa.insert(commitment_budget_line).values(commitment_id=mou, budget_line_id=out["linked_line"]))
        return out


def _by_code(db: Database) -> dict[str, Any]:
    with db.read() as s:
        report = coverage(s, FY)
    assert (report.fy_label, report.start, report.end) == ("2024–25", date(2024, 7, 1), date(2025, 6, 30))
    return {t.code: t for t in report.tags}


def test_a_signed_mou_tagged_with_two_norms_covers_both_with_its_action_and_lines(
    db: Database, office: dict[str, Any]
) -> None:
    tags = _by_code(db)
    for code in ("NORM-C", "NORM-J"):
        tag = tags[code]
        assert [(c.row_id, c.status, c.working) for c in tag.commitments] == [
            (office["mou"], "Signed / endorsed", True)
        ]
        assert [(a.row_id, a.via) for a in tag.actions] == [
            (office["mou_action"], "Home State–Partner MOU on CERT cooperation")
        ]
        assert sorted(line.row_id for line in tag.budget_lines) == sorted([office["mou_line"], office["linked_line"]])
        assert not tag.gap


def test_gaps_are_tags_without_a_working_commitment_or_an_open_action(db: Database, office: dict[str, Any]) -> None:
    tags = _by_code(db)
    assert tags["NORM-E"].gap  # a proposal and a completed action do not implement it
    assert [c.status for c in tags["NORM-E"].commitments] == ["Proposed"]
    assert [a.status for a in tags["NORM-E"].actions] == ["Complete"]
    assert not tags["NORM-H"].gap and tags["NORM-H"].open_actions == 1  # an open action does
    assert tags["NORM-A"].gap and [f.row_id for f in tags["NORM-A"].forums] == [office["forum"]]  # a forum alone not
    assert tags["NORM-K"].gap and tags["NORM-K"].commitments == ()  # signed after the year
    assert tags["NORM-B"].gap and tags["NORM-B"].commitments == ()  # archived
    assert not tags["NEGOTIATION"].gap  # through the commitment's function
    assert tags["BB-4"].gap and [line.row_id for line in tags["BB-4"].budget_lines] == [office["bb_line"]]


def test_every_reported_list_is_there_and_issue_areas_are_not(db: Database, office: dict[str, Any]) -> None:
    with db.read() as s:
        report = coverage(s, FY)
    kinds = {t.kind for t in report.tags}
    assert kinds == {
        ReferenceKind.GGE_NORM,
        ReferenceKind.PARIS_CALL,
        ReferenceKind.OSCE_CBM,
        ReferenceKind.OAS_CBM,
        ReferenceKind.FUNCTION,
        ReferenceKind.BUILDING_BLOCK,
        ReferenceKind.RECOMMENDATION,
    }
    assert sum(1 for t in report.tags if t.kind is ReferenceKind.GGE_NORM) == 11
    assert {t.code for t in report.gaps} >= {"NORM-E", "NORM-A", "NORM-K", "NORM-B"}
    assert {"NORM-C", "NORM-J", "NORM-H", "NEGOTIATION"}.isdisjoint(t.code for t in report.gaps)


def test_the_coverage_workbook(db: Database, office: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "coverage.xlsx"
    result = export_coverage(db, FY, target, as_at=date(2025, 3, 1))
    assert result.summary().startswith("Wrote the 2024–25 coverage of ")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Coverage", "Implementation"]
    summary = wb["Coverage"]
    header = next(i for i, row in enumerate(summary.iter_rows(values_only=True), 1) if row[0] == "List")
    assert summary.freeze_panes == f"A{header + 1}"
    assert summary.auto_filter.ref is not None and summary.auto_filter.ref.startswith(f"A{header}:")
    rows = {row[1]: row for row in summary.iter_rows(min_row=header + 1, values_only=True)}
    assert rows["NORM-C"][9] is None and rows["NORM-E"][9] == "Gap"
    assert rows["NORM-C"][7] == 1 and "Home State–Partner MOU on CERT cooperation" in rows["NORM-C"][10]
    detail = [row for row in wb["Implementation"].iter_rows(values_only=True) if row[1] == "NORM-J"]
    assert {(row[3], row[6]) for row in detail} >= {
        ("Commitment", None),
        ("Action", "Home State–Partner MOU on CERT cooperation"),
        ("Budget line", "Home State–Partner MOU on CERT cooperation"),
    }


def test_user_text_stays_text_in_the_workbook(db: Database, office: dict[str, Any], tmp_path: Path) -> None:
    with db.write() as s:
        mou = s.get(Commitment, office["mou"])
        assert mou is not None
        mou.title = '=HYPERLINK("http://x")'
    target = tmp_path / "coverage.xlsx"
    export_coverage(db, FY, target)
    cells = [c for row in load_workbook(target)["Implementation"].iter_rows() for c in row if c.value]
    hyperlink = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert hyperlink and all(c.data_type == "s" for c in hyperlink)


def test_coverage_export_needs_an_xlsx_name(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"must end in \.xlsx"):
        export_coverage(db, FY, tmp_path / "coverage.csv")


@pytest.mark.sqlite_only  # the command line is handed the office's file; the server path is tested in core
def test_the_cli_exports_coverage_leaving_out_what_is_marked_above_the_limit(
    db: Database, office: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli import run
    from core.domain.reference import Marking

    with db.write() as s:
        sensitive = s.scalar(sa.select(Marking.id).where(Marking.label == "OFFICIAL: Sensitive"))
        mou = s.get(Commitment, office["mou"])
        assert mou is not None
        mou.marking_id = sensitive
    db_path = str(db.path)
    db.close()
    full, limited = tmp_path / "full.xlsx", tmp_path / "official.xlsx"
    assert run(["--db", db_path, "export", "coverage", "--fy", "2024-25", "-o", str(full)]) == 0
    assert "(marking OFFICIAL: Sensitive)" in capsys.readouterr().out
    args = ["--db", db_path, "export", "coverage", "--fy", "FY2025", "-o", str(limited), "--max-marking", "official"]
    assert run(args) == 0
    assert "(marking OFFICIAL)" in capsys.readouterr().out

    def norm_rows(path: Path) -> dict[str, Any]:
        sheet = load_workbook(path)["Coverage"]
        return {row[1]: row for row in sheet.iter_rows(values_only=True) if str(row[1]).startswith("NORM-")}

    assert norm_rows(full)["NORM-C"][9] is None
    limited_rows = norm_rows(limited)
    assert limited_rows["NORM-C"][9] == "Gap"  # to an OFFICIAL reader nothing implements it
    texts = [str(c) for row in load_workbook(limited)["Implementation"].iter_rows(values_only=True) for c in row]
    assert not any("Home State–Partner MOU" in text for text in texts)
    assert run(["--db", db_path, "export", "coverage", "--fy", "20x5", "-o", str(full)]) == 2
    assert run(["--db", db_path, "export", "coverage", "--fy", "2025", "-o", str(full), "--max-marking", "SECRET"]) == 1
    err = capsys.readouterr().err
    assert "Unknown marking 'SECRET'" in err and err.count("\n") == 2  # one line for each refusal
