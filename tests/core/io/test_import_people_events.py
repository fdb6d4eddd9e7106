"""People and forum-event imports through the one pipeline: dry run, all or nothing, re-import updates in place,
one-line refusals of hostile files, and the CLI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.cli import run
from core.db.engine import Database
from core.domain.audit import AuditEntry, ImportBatch
from core.domain.forums import DatePrecision, EventStatus, ForumEvent
from core.domain.organisations import Organisation, Person
from core.io.imports import ImportRejected
from core.io.imports.events import EventsImporter
from core.io.imports.people import PeopleImporter
from core.io.imports.pipeline import run_import
from core.services.office import initialise_office
from tests.core.io.hostile import BILLION_LAUGHS, inline, raw_xlsx, sheet_xml

PEOPLE_HEADERS = ["Name", "Agency", "Role", "Email", "Office staff", "Notes"]
EVENT_HEADERS = ["Ref", "Forum", "Event", "Start date", "End date", "Dates known to", "Location", "Status",
                 "Briefing due", "Estimated travel cost", "Lead agency"]  # fmt: skip


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


def colleague_workbook(path: Path, headers: list[str], rows: list[list[Any]], sheet: str = "Contacts") -> Path:
    """A table starting at B4 under a title, on a sheet after a hidden decoy, as colleagues' files come."""
    wb = openpyxl.Workbook()
    decoy = wb.active
    decoy.title = "Old"
    decoy["A1"] = "Name"
    decoy.sheet_state = "hidden"
    ws = wb.create_sheet(sheet)
    wb.active = 1
    ws["A1"] = "Working list — do not circulate"
    for c, header in enumerate(headers, start=2):
        ws.cell(4, c, header)
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=2):
            ws.cell(r, c, value)
    wb.save(path)
    return path


PEOPLE = [
    ["Ada Lovelace", "MFA", "Cyber policy officer", "ada@example.org", "Yes", "@SUM(1+1)"],
    ["Alan Turing", "DEF", "Liaison", "", "No", ""],
    ["Grace Hopper", "Ministry of Defence — Cyber Policy", "", "", "", ""],
]


def people(db: Database) -> dict[str, Any]:
    with db.read() as s:
        rows = s.execute(
            sa.select(Person.full_name, Person.role_title, Person.is_office_staff, Person.notes, Person.version_id)
        ).all()
    return {row.full_name: row for row in rows}


def test_people_dry_run_changes_nothing_and_apply_adds_them_audited(db: Database, tmp_path: Path) -> None:
    path = colleague_workbook(tmp_path / "people.xlsx", PEOPLE_HEADERS, PEOPLE)
    dry = run_import(db, path, PeopleImporter(), dry_run=True)
    assert [c.ref for c in dry.plan.changes] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert "Role: — → Cyber policy officer" in str(dry.plan.changes[0])
    assert dry.summary().startswith("Dry run of people.xlsx: 3 changes in 3 rows read.")
    assert people(db) == {}
    result = run_import(db, path, PeopleImporter(), dry_run=False)
    assert result.applied and result.batch_id
    saved = people(db)
    assert saved["Ada Lovelace"].is_office_staff is True
    assert saved["Ada Lovelace"].notes == "@SUM(1+1)"  # kept as the text typed
    with db.read() as s:
        grace_org = s.scalar(
            sa.select(Organisation.code)
            .join(Person, Person.organisation_id == Organisation.id)
            .where(Person.full_name == "Grace Hopper")
        )
        batch = s.scalars(sa.select(ImportBatch).where(ImportBatch.batch_uuid == result.batch_id)).one()
        actors = set(s.scalars(sa.select(AuditEntry.actor).where(AuditEntry.table_name == "person")))
    assert grace_org == "DEF"  # found by the organisation's full name as well as its code
    assert (batch.kind, batch.row_count, batch.source_name) == ("people", 3, "people.xlsx")
    assert actors == {"import: people from people.xlsx"}


def test_importing_people_again_updates_only_what_changed(db: Database, tmp_path: Path) -> None:
    path = colleague_workbook(tmp_path / "people.xlsx", PEOPLE_HEADERS, PEOPLE)
    run_import(db, path, PeopleImporter(), dry_run=False)
    again = run_import(db, path, PeopleImporter(), dry_run=False)
    assert again.plan.changes == () and again.batch_id is None
    assert again.summary().endswith("Nothing to change.")
    changed = [list(row) for row in PEOPLE]
    changed[1][2] = "Deputy head, cyber"
    changed[2][2] = ""  # a blank cell leaves the stored role as it is
    path = colleague_workbook(tmp_path / "people2.xlsx", PEOPLE_HEADERS, changed)
    result = run_import(db, path, PeopleImporter(), dry_run=False)
    assert [str(c) for c in result.plan.changes] == ["Alan Turing: Role: Liaison → Deputy head, cyber"]
    saved = people(db)
    assert (saved["Alan Turing"].role_title, saved["Alan Turing"].version_id) == ("Deputy head, cyber", 2)
    assert len(saved) == 3


def test_one_bad_person_blocks_the_file_and_names_row_and_column(db: Database, tmp_path: Path) -> None:
    rows = [*PEOPLE, ["Hedy Lamarr", "Acme Widgets", "", "", "", ""], ["Ada Lovelace", "MFA", "", "", "", ""]]
    path = colleague_workbook(tmp_path / "people.xlsx", PEOPLE_HEADERS, rows)
    dry = run_import(db, path, PeopleImporter(), dry_run=True)
    problems = [str(p) for p in dry.plan.problems]
    assert len(problems) == 2
    # Under the column's header, as a cell the reader cannot read is (not under the letter it was found in).
    assert problems[0].startswith("Contacts, row 8, Organisation: No organisation is called 'Acme Widgets'")
    assert problems[1].startswith("Contacts, row 9, Full name: ") and "on row 5 too" in problems[1]
    with pytest.raises(ImportRejected, match="2 problems in the file"):
        run_import(db, path, PeopleImporter(), dry_run=False)
    assert people(db) == {}


def test_people_from_csv(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full name,Organisation,Liaison\nAda Lovelace,MFA,Yes\n", encoding="utf-8")
    run_import(db, path, PeopleImporter(), dry_run=False)
    with db.read() as s:
        assert s.scalar(sa.select(Person.is_liaison).where(Person.full_name == "Ada Lovelace")) is True


def test_hostile_files_are_refused_in_one_line_before_parsing(db: Database, tmp_path: Path) -> None:
    bomb = raw_xlsx(tmp_path / "laughs.xlsx", sheet_xml(inline("A1", "&lol3;"), prolog=BILLION_LAUGHS))
    renamed = tmp_path / "people.xlsx"
    renamed.write_text("Full name,Organisation\nAda,MFA\n", encoding="utf-8")
    for path, importer in ((bomb, PeopleImporter()), (renamed, EventsImporter())):
        with pytest.raises(ImportRejected) as caught:
            run_import(db, path, importer, dry_run=True)
        assert "\n" not in str(caught.value) and path.name in str(caught.value)


EVENTS = [
    ["IGF-2026", "IGF", "Internet Governance Forum 2026", date(2026, 6, 23), date(2026, 6, 26), "Day", "Oslo",
     "Confirmed", date(2026, 6, 9), "12,500.00", "MFA"],
    ["", "ITU", "ITU Council", date(2026, 7, 15), None, "TBC", "Geneva", "", None, "", ""],
]  # fmt: skip


def events(db: Database) -> dict[str, ForumEvent]:
    with db.read() as s:
        return {e.title: e for e in s.scalars(sa.select(ForumEvent))}


def test_events_are_added_with_month_precision_kept_on_the_first(db: Database, tmp_path: Path) -> None:
    path = colleague_workbook(tmp_path / "calendar.xlsx", EVENT_HEADERS, EVENTS, sheet="Forward calendar")
    result = run_import(db, path, EventsImporter(), dry_run=False)
    assert result.applied and len(result.plan.changes) == 2
    saved = events(db)
    igf = saved["Internet Governance Forum 2026"]
    assert (igf.start_date, igf.end_date, igf.status, igf.location) == (
        date(2026, 6, 23),
        date(2026, 6, 26),
        EventStatus.CONFIRMED,
        "Oslo",
    )
    assert (igf.briefing_due, igf.estimated_travel_cost, igf.external_ref) == (
        date(2026, 6, 9),
        Decimal("12500.00"),
        "IGF-2026",
    )
    itu = saved["ITU Council"]
    assert (itu.start_date, itu.end_date, itu.date_precision) == (
        date(2026, 7, 1),
        date(2026, 7, 1),
        DatePrecision.MONTH,
    )


def test_reimporting_an_event_by_reference_moves_it_and_keeps_its_stored_end(db: Database, tmp_path: Path) -> None:
    path = colleague_workbook(tmp_path / "calendar.xlsx", EVENT_HEADERS, EVENTS)
    run_import(db, path, EventsImporter(), dry_run=False)
    moved = [["IGF-2026", "IGF", "Internet Governance Forum 2026", date(2026, 6, 23), None, "", "Lillestrøm",
              "", None, "", ""]]  # fmt: skip
    path = colleague_workbook(tmp_path / "moved.xlsx", EVENT_HEADERS, moved)
    result = run_import(db, path, EventsImporter(), dry_run=False)
    assert [str(c) for c in result.plan.changes] == ["IGF-2026: Location: Oslo → Lillestrøm"]
    igf = events(db)["Internet Governance Forum 2026"]
    assert (igf.location, igf.end_date, igf.version_id) == ("Lillestrøm", date(2026, 6, 26), 2)
    assert len(events(db)) == 2


def test_bad_events_are_listed_by_row_and_nothing_is_added(db: Database, tmp_path: Path) -> None:
    rows = [
        *EVENTS,
        ["", "Atlantis Forum", "Plenary", date(2026, 9, 1), None, "", "", "", None, "", ""],
        ["", "IGF", "Side event", date(2026, 9, 2), date(2026, 9, 1), "", "", "", None, "lots", ""],
        ["", "IGF", "Workshop", "next Tuesday", None, "", "", "Maybe", None, "", ""],
    ]
    path = colleague_workbook(tmp_path / "calendar.xlsx", EVENT_HEADERS, rows)
    dry = run_import(db, path, EventsImporter(), dry_run=True)
    by_row: dict[int | None, list[str]] = {}
    for problem in dry.plan.problems:
        by_row.setdefault(problem.row, []).append(problem.message)
    assert set(by_row) == {7, 8, 9}
    assert any("No forum is called 'Atlantis Forum'" in m for m in by_row[7])
    assert any("The end date must be on or after the start date." in m for m in by_row[8])
    assert len(by_row[8]) == 2  # the travel cost "lots" too
    assert any("Maybe" in m for m in by_row[9])
    with pytest.raises(ImportRejected):
        run_import(db, path, EventsImporter(), dry_run=False)
    assert events(db) == {}


@pytest.mark.sqlite_only  # the command line is handed the office's file; the server path is tested in core
def test_cli_import_events_and_people(db: Database, tmp_path: Path, capsys: Any) -> None:
    calendar = colleague_workbook(tmp_path / "calendar.xlsx", EVENT_HEADERS, EVENTS)
    bad = colleague_workbook(tmp_path / "bad.xlsx", PEOPLE_HEADERS, [["Hedy Lamarr", "Acme", "", "", "", ""]])
    db_path = str(db.path)
    db.close()
    assert run(["--db", db_path, "import", "events", str(calendar), "--dry-run"]) == 0
    dry_run = capsys.readouterr().out
    assert "Dry run of calendar.xlsx: 2 changes" in dry_run
    assert "Forum: — → IGF — Internet Governance Forum; " in dry_run  # the forum by name, not its row id
    assert run(["--db", db_path, "import", "events", str(calendar)]) == 0
    assert "Imported calendar.xlsx: 2 added, 0 updated" in capsys.readouterr().out
    assert run(["--db", db_path, "import", "people", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("cyberdesk: Cannot import bad.xlsx: 1 problem in the file") and "\n" not in err


@pytest.mark.sqlite_only  # the command line is handed the office's file; the server path is tested in core
def test_templates_round_trip_through_the_imports(db: Database, tmp_path: Path, capsys: Any) -> None:
    db_path = str(db.path)
    db.close()
    events_file, people_file = tmp_path / "events.xlsx", tmp_path / "people.xlsx"
    assert run(["--db", db_path, "export", "events-template", "-o", str(events_file)]) == 0
    assert run(["--db", db_path, "export", "people-template", "-o", str(people_file)]) == 0
    assert "fill in the People_Import sheet" in capsys.readouterr().out
    wb = openpyxl.load_workbook(events_file)
    assert wb.sheetnames == ["Events_Import", "How_to_fill_in"]
    ws = wb["Events_Import"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Reference", "Forum", "Title", "Start"]
    row = {"Forum": "IGF", "Title": "IGF 2027", "Start": date(2027, 6, 1), "Dates known to": "Month"}
    for column, header in enumerate(headers, start=1):
        ws.cell(2, column, row.get(str(header)))
    wb.save(events_file)
    wb = openpyxl.load_workbook(people_file)
    ws = wb["People_Import"]
    people_headers = [c.value for c in ws[1]]
    for column, header in enumerate(people_headers, start=1):
        ws.cell(2, column, {"Full name": "Ada Lovelace", "Organisation": "MFA"}.get(str(header)))
    wb.save(people_file)
    assert run(["--db", db_path, "import", "events", str(events_file)]) == 0
    assert run(["--db", db_path, "import", "people", str(people_file)]) == 0
    assert "Imported people.xlsx: 1 added, 0 updated" in capsys.readouterr().out
    assert run(["--db", db_path, "export", "events-template", "-o", str(tmp_path / "events.csv")]) == 1
    assert "must end in .xlsx" in capsys.readouterr().err


def test_a_blank_precision_keeps_a_month_only_event_month_only(db: Database, tmp_path: Path) -> None:
    run_import(db, colleague_workbook(tmp_path / "a.xlsx", EVENT_HEADERS, EVENTS), EventsImporter(), dry_run=False)
    again = [["", "ITU", "ITU Council", date(2026, 7, 1), None, "", "Geneva (tbc)", "", None, "", ""]]
    result = run_import(
        db, colleague_workbook(tmp_path / "b.xlsx", EVENT_HEADERS, again), EventsImporter(), dry_run=False
    )
    assert [str(c) for c in result.plan.changes] == ["ITU Council (2026-07-01): Location: Geneva → Geneva (tbc)"]
    assert events(db)["ITU Council"].date_precision is DatePrecision.MONTH


def test_every_problem_of_a_register_import_is_shown_under_its_header(db: Database, tmp_path: Path) -> None:
    rows = [
        ["", "IGF", "Internet Governance Forum 2026", "the 23rd of June", None, "", "Oslo", "", None, "", "MFA"],
        ["", "IGF", "IGF open consultations", date(2026, 3, 4), None, "", "Geneva", "", None, "", "Acme Widgets"],
    ]
    path = colleague_workbook(tmp_path / "calendar.xlsx", EVENT_HEADERS, rows)
    problems = run_import(db, path, EventsImporter(), dry_run=True).plan.problems
    assert [(p.row, p.column) for p in problems] == [(5, "Start"), (6, "Lead agency")]  # not "E", "L"
    assert "No organisation is called 'Acme Widgets'" in problems[1].message
