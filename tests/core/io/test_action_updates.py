"""The liaison round trip: export an agency's workbook, fill it in as a liaison would, import it back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from core.cli import EXIT_OK, EXIT_REFUSED, run
from core.db.backup import backup_to
from core.db.engine import Database, open_database
from core.domain.audit import AuditEntry, AuditKind, ImportBatch
from core.domain.meetings import Action, ActionStatus, Attendance, AttendanceStatus
from core.domain.organisations import Organisation
from core.io.action_updates import export_action_updates
from core.io.errors import ExportError
from core.services.records import update_record
from tests.core.io.hostile import BILLION_LAUGHS, inline, raw_xlsx, sheet_xml

AS_AT = date(2025, 8, 15)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.demo import build_demo

    path = tmp_path_factory.mktemp("updates-demo") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=AS_AT)  # its next meeting has the secretariat's draft attendance list
    return path


@pytest.fixture
def office(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "office.cyberdesk"
    backup_to(demo_template, path)
    return path


@pytest.fixture
def db(office: Path) -> Iterator[Database]:
    with open_database(office) as opened:
        yield opened


def cli(*args: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    return run(list(args), out=lines.append), lines


def export(office: Path, tmp_path: Path, agency: str = "MFA") -> Path:
    target = tmp_path / f"{agency}-updates.xlsx"
    code, lines = cli(
        "--db",
        str(office),
        "export",
        "action-updates",
        "--agency",
        agency.lower(),
        "-o",
        str(target),
        "--as-at",
        AS_AT.isoformat(),
    )
    assert code == EXIT_OK, lines
    return target


def mfa_actions(office: Path) -> dict[str, Action]:
    with open_database(office, readonly=True) as db, db.read() as session:
        rows = session.scalars(
            sa.select(Action)
            .join(Organisation, Action.owner_agency_id == Organisation.id)
            .where(Organisation.code == "MFA")
            .order_by(Action.id)
        ).all()
        return {a.ref: a for a in rows}


def sheet_rows(path: Path, sheet: str = "Actions") -> tuple[Any, int, dict[str, int]]:
    """(worksheet, header row, header -> column index) of a workbook a liaison edits."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows():
        headers = [c.value for c in row]
        if "Version" in headers:
            return ws, row[0].row, {h: i + 1 for i, h in enumerate(headers) if isinstance(h, str)}
    raise AssertionError("no header")


def fill_in(path: Path, edits: dict[str, dict[str, object]], *, sheet: str = "Actions", key: str = "Ref") -> None:
    """What a liaison does in Excel: type into the white columns of the rows they mean, save."""
    ws, header, cols = sheet_rows(path, sheet)
    for row in range(header + 1, ws.max_row + 1):
        ref = ws.cell(row=row, column=cols[key]).value
        for column, value in edits.get(ref, {}).items():
            ws.cell(row=row, column=cols[column]).value = value
    ws.parent.save(path)


def audit_head(office: Path) -> dict[str, Any]:
    code, lines = cli("--db", str(office), "check", "--json")
    assert code == EXIT_OK
    report = json.loads("\n".join(lines))
    return {"head": report["audit_head_hash"], "rows": report["row_counts"]}


# ----------------------------------------------------------------------------------------------------


def test_the_workbook_shows_the_agency_its_open_actions(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    actions = {ref: a for ref, a in mfa_actions(office).items() if a.status.carries_forward}
    ws, header, cols = sheet_rows(path)
    wb = ws.parent
    assert wb.sheetnames == ["Actions", "Attendance", "_cyberdesk"]
    assert wb["_cyberdesk"].sheet_state == "veryHidden"
    assert list(cols)[:4] == ["Action id", "Version", "Ref", "Action"]
    assert [h for h in cols if h in ("New status", "Progress update", "Proposed new due date")] == [
        "New status",
        "Progress update",
        "Proposed new due date",
    ]
    shown = {ws.cell(row=r, column=cols["Ref"]).value: r for r in range(header + 1, ws.max_row + 1)}
    assert set(shown) == set(actions)
    for ref, row in shown.items():
        action = actions[ref]
        assert ws.cell(row=row, column=cols["Action id"]).value == action.id
        assert ws.cell(row=row, column=cols["Version"]).value == action.version_id
        assert ws.cell(row=row, column=cols["Status"]).value == action.status.label
        assert ws.cell(row=row, column=cols["Due"]).value.date() == action.due_date
        assert ws.cell(row=row, column=cols["Current update"]).value == action.progress_update
        assert ws.cell(row=row, column=cols["RAG"]).value in {"Red", "Amber", "Green"}
        assert ws.cell(row=row, column=cols["Raised at meeting"]).value.startswith("Meeting ")
        assert ws.cell(row=row, column=cols["New status"]).protection.locked is False
        assert ws.cell(row=row, column=cols["Ref"]).protection.locked is True
    # A10.10 was raised at meeting 10; meetings 11 and 12 have been held since.
    assert ws.cell(row=shown["A10.10"], column=cols["Open for N meetings"]).value == 2
    assert ws.protection.sheet is True
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    rules = ws.data_validations.dataValidation
    assert any(r.formula1 == '"Open,In progress,Complete,Deferred,Cancelled"' for r in rules)
    assert "OFFICIAL" in ws.oddHeader.center.text and "DEMO DATA" in ws.oddHeader.center.text
    assert ws.oddFooter.right.text == "Page &P of &N"
    assert ws.page_setup.orientation == "landscape"
    # Above the table, in the first column shown (A and B hold the hidden ids).
    assert ws["C1"].value.startswith("Action updates — Ministry of Foreign Affairs")
    assert ws["C3"].value == "DEMO DATA — FICTIONAL PEOPLE AND BILATERAL PARTNERS"
    attendance, a_header, a_cols = sheet_rows(path, "Attendance")
    assert attendance.cell(row=a_header + 1, column=a_cols["Status"]).value == "Present"
    assert attendance.cell(row=a_header + 1, column=a_cols["Confirmed status"]).protection.locked is False


def test_round_trip_changes_the_action_log_and_audits_the_agency(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    before = mfa_actions(office)
    new_due = before["A12.11"].due_date + timedelta(days=60)
    fill_in(
        path,
        {
            "A10.10": {"New status": "Complete", "Progress update": "Costings sent to Finance on 14 August."},
            "A12.11": {"Proposed new due date": new_due, "New status": "in progress"},
        },
    )

    before_state = audit_head(office)
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_OK
    assert (
        "Change A10.10: Status: In progress → Complete; Update: Work under way; update due at the next "
        "meeting. → Costings sent to Finance on 14 August." in lines
    )
    assert f"Change A12.11: Status: Open → In progress; Due: 2025-07-24 → {new_due.isoformat()}" in lines
    assert lines[-1].startswith("Dry run of MFA-updates.xlsx: 2 changes") and lines[-1].endswith("Nothing was changed.")
    assert audit_head(office) == before_state

    code, lines = cli("--db", str(office), "import", "action-updates", str(path))
    assert code == EXIT_OK, lines
    assert lines[-1].startswith("Imported MFA-updates.xlsx: 2 records updated (batch ")
    after = mfa_actions(office)
    done, moved = after["A10.10"], after["A12.11"]
    assert done.status is ActionStatus.COMPLETE and done.closed_on == date.today()
    assert done.progress_update == "Costings sent to Finance on 14 August."
    assert done.version_id == before["A10.10"].version_id + 1
    assert moved.status is ActionStatus.IN_PROGRESS and moved.due_date == new_due
    assert moved.extension_count == before["A12.11"].extension_count + 1
    with open_database(office, readonly=True) as db, db.read() as session:
        entries = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(3)).all()
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == "action-updates")).one()
    assert batch.kind == "action-updates" and batch.row_count == 2 and batch.actor == "import: action updates from MFA"
    assert entries[0].kind is AuditKind.BATCH and entries[0].batch_id == batch.batch_uuid
    assert json.loads(entries[0].changes)["agency"] == "MFA"
    assert {e.row_id for e in entries[1:]} == {done.id, moved.id}
    assert all(e.actor == "import: action updates from MFA" and e.kind is AuditKind.UPDATE for e in entries[1:])
    assert any(
        p.name.endswith("before-import.cyberdesk") for p in (office.parent / "office.cyberdesk-backups").iterdir()
    )

    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_OK and lines[-2] == f"Note: This file was already imported on {date.today():%d %b %Y}."
    assert all(line.startswith("Refused") for line in lines[:-2])


def test_a_row_changed_meanwhile_is_refused_by_name_and_the_rest_apply(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    before = mfa_actions(office)
    with open_database(office) as db, db.write(actor="alice") as session:
        action = before["A10.10"]
        update_record(session, Action, action.id, action.version_id, {"blocked": True})
    fill_in(path, {"A10.10": {"New status": "Complete"}, "A12.11": {"Progress update": "Started."}})
    code, lines = cli("--db", str(office), "import", "action-updates", str(path))
    assert code == EXIT_OK
    today = date.today().strftime("%d %b %Y")
    assert (
        f"Refused Actions, row {_row_of(path, 'A10.10')}: A10.10 was changed by alice on {today} since this "
        "workbook was made; this row was not applied."
    ) in lines
    after = mfa_actions(office)
    assert after["A10.10"].status is before["A10.10"].status and after["A10.10"].blocked
    assert after["A12.11"].progress_update == "Started."


def _row_of(path: Path, ref: str) -> int:
    ws, header, cols = sheet_rows(path)
    return next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=cols["Ref"]).value == ref)


def test_attendance_is_confirmed_through_the_same_file(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    ws, header, cols = sheet_rows(path, "Attendance")
    name = ws.cell(row=header + 1, column=cols["Name"]).value
    fill_in(path, {name: {"Confirmed status": "Apology"}}, sheet="Attendance", key="Name")
    code, lines = cli("--db", str(office), "import", "action-updates", str(path))
    assert code == EXIT_OK and f"Change {name}: Status: Present → Apology" in lines
    with open_database(office, readonly=True) as db, db.read() as session:
        attendance_id = ws.cell(row=header + 1, column=cols["Attendance id"]).value
        assert session.get(Attendance, attendance_id).status is AttendanceStatus.APOLOGY


def test_a_file_with_problems_changes_nothing_and_lists_them(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export(office, tmp_path)
    fill_in(
        path,
        {
            "A10.10": {"New status": "Finished"},
            "A12.11": {"Proposed new due date": "01/02/2026", "Progress update": "Fine."},
        },
    )
    before = audit_head(office)
    capsys.readouterr()
    code, lines = cli("--db", str(office), "import", "action-updates", str(path))
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2 problems in the file" in err and "nothing was changed" in err
    assert audit_head(office) == before
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_REFUSED
    assert any(
        "New status: Choose one of Open, In progress, Complete, Deferred, Cancelled; 'Finished'" in line
        for line in lines
    )
    assert any("Proposed new due date: Write the date as a date cell or as YYYY-MM-DD" in line for line in lines)
    assert "has 2 problems; nothing would be imported" in capsys.readouterr().err


def test_a_due_date_before_the_action_was_raised_is_a_problem(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    fill_in(path, {"A10.10": {"Proposed new due date": date(2001, 1, 1)}})
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_REFUSED
    assert any("Proposed new due date: The due date cannot be before the action was raised." in li for li in lines)


def test_tampered_ids_are_problems(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    fill_in(path, {"A10.10": {"Ref": "A99.99", "New status": "Complete"}})
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_REFUSED
    assert any("do not change the grey columns" in line for line in lines)


@pytest.mark.parametrize("kind", ["text", "bomb", "plain"])
def test_hostile_or_foreign_files_change_nothing_and_give_one_line(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "returned.xlsx"
    if kind == "text":
        path.write_text("Ref,New status\nA10.10,Complete\n")
        reason = "text file (perhaps CSV)"
    elif kind == "bomb":
        raw_xlsx(path, sheet_xml("<row r='1'>" + inline("A1", "&lol3;") + "</row>", prolog=BILLION_LAUGHS))
        reason = "declares a document type or entities"
    else:
        from tests.core.io.hostile import workbook

        workbook(
            path,
            [["Action id", "Version", "Ref", "New status", "Progress update", "Proposed new due date"]],
            title="Actions",
        )
        reason = "not an action-update workbook made by Cyber Affairs Desk"
    before = audit_head(office)
    capsys.readouterr()
    code, _ = cli("--db", str(office), "import", "action-updates", str(path))
    err = capsys.readouterr().err
    assert code == EXIT_REFUSED and err.count("\n") == 1 and reason in err
    assert audit_head(office) == before


def test_nothing_filled_in_is_nothing_to_change(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    code, lines = cli("--db", str(office), "import", "action-updates", str(path))
    assert code == EXIT_OK and lines[-1].endswith("Nothing to change.")


def test_export_refusals(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--db", str(office), "export", "action-updates", "--agency", "NOPE", "-o", str(tmp_path / "x.xlsx"))
    assert code == EXIT_REFUSED and "No agency has the code 'NOPE'; the codes are: ADV, DEF" in capsys.readouterr().err
    code, _ = cli("--db", str(office), "export", "action-updates", "--agency", "MFA", "-o", str(tmp_path / "x.csv"))
    assert code == EXIT_REFUSED and "must end in .xlsx" in capsys.readouterr().err


def test_marking_ceiling_leaves_out_sensitive_actions(db: Database, tmp_path: Path) -> None:
    result = export_action_updates(db, "MFA", tmp_path / "o.xlsx", as_at=AS_AT, max_marking="OFFICIAL")
    full = export_action_updates(db, "MFA", tmp_path / "f.xlsx", as_at=AS_AT)
    assert result.actions + result.left_out == full.actions and result.left_out >= 1
    assert (result.marking, full.marking) == ("OFFICIAL", "OFFICIAL: Sensitive")
    assert "above the ceiling left out" in result.summary()
    assert "Wrote" in result.summary() and "for MFA to o.xlsx" in result.summary()
    with pytest.raises(ExportError, match="Unknown marking"):
        export_action_updates(db, "MFA", tmp_path / "m.xlsx", max_marking="SECRET")


def test_an_agency_with_no_meeting_ahead(db: Database, tmp_path: Path) -> None:
    result = export_action_updates(db, "MFA", tmp_path / "late.xlsx", as_at=date(2030, 1, 1))
    assert result.meeting is None and result.attendance == 0
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "late.xlsx")["Attendance"]
    assert ws["C2"].value == "No meeting is scheduled on or after 2030-01-01; there is no attendance to confirm."


def test_attendance_changed_meanwhile_and_rows_without_ids(office: Path, tmp_path: Path) -> None:
    path = export(office, tmp_path)
    ws, header, cols = sheet_rows(path, "Attendance")
    name = ws.cell(row=header + 1, column=cols["Name"]).value
    attendance_id = ws.cell(row=header + 1, column=cols["Attendance id"]).value
    with open_database(office) as db, db.write(actor="bob") as session:
        row = session.get(Attendance, attendance_id)
        update_record(session, Attendance, row.id, row.version_id, {"role": "Deputy"})
    fill_in(path, {name: {"Confirmed status": "Apology"}}, sheet="Attendance", key="Name")
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_OK
    today = date.today().strftime("%d %b %Y")
    assert (
        f"Refused Attendance, row {header + 1}: The attendance of {name} was changed by bob on {today} since this "
        "workbook was made; this row was not applied." in lines
    )

    actions, _, a_cols = sheet_rows(path)
    extra = actions.max_row + 1
    actions.cell(row=extra, column=a_cols["Progress update"]).value = "A new action we took on."
    attendance = actions.parent["Attendance"]
    attendance.cell(row=attendance.max_row + 1, column=cols["Confirmed status"]).value = "Present"
    actions.parent.save(path)
    code, lines = cli("--db", str(office), "import", "action-updates", str(path), "--dry-run")
    assert code == EXIT_REFUSED
    assert (
        f"Problem Actions, row {extra}, Action id: This row has no action id or version; add new actions in "
        "Cyber Affairs Desk, not here." in lines
    )
    assert any("Attendance id: This row has no attendance id or version" in line for line in lines)
