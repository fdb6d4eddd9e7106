"""Saving records: every validation rule, unique names, optimistic locking with Reload and Keep mine."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry, AuditKind
from core.domain.forums import Forum, ForumEvent, ForumType
from core.domain.meetings import Action, EngagementGroup, GroupMembership, Meeting
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMonth, StaffAllocation
from core.domain.secondments import CoiStatus, Direction, Secondment, SecondmentStatus, SecondmentType
from core.services.records import (
    EditConflict,
    RecordInUse,
    archive_record,
    create_record,
    delete_record,
    update_record,
)
from core.services.validation import ValidationError, validate_values


def make_org(db: Database, name: str, code: str | None = None) -> int:
    with db.write() as session:
        return create_record(session, Organisation, {"name": name, "org_type": OrgType.AGENCY, "code": code}).id


def errors_of(db: Database, model: type, values: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as info, db.write() as session:
        create_record(session, model, values)
    return info.value.errors


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Travel", "travel"),
        ("ÄMTER", "ämter"),
        ("Café", "Cafe\u0301"),
        ("Travel", "Travel  "),
        ("Straße", "STRASSE"),
    ],
)
def test_names_unique_by_normalised_key(schema_db: Database, first: str, second: str) -> None:
    make_org(schema_db, first)
    errors = errors_of(schema_db, Organisation, {"name": second, "org_type": OrgType.AGENCY})
    assert errors == {"name": "An organisation with this name already exists."}


def test_required_fields_and_choices(schema_db: Database) -> None:
    errors = errors_of(schema_db, Organisation, {"name": "  ", "org_type": "PIRATES"})
    assert errors == {"name": "This is required.", "org_type": "Choose one of the listed values."}
    # nothing half-saved
    with schema_db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\u202egnp.exe", "right-to-left override"),
        ("Bad\x07bell", "control character"),
        ("x" * 201, "200 characters"),
        ("lone \ud800 surrogate", "invalid character"),
    ],
)
def test_text_rules(schema_db: Database, text: str, message: str) -> None:
    errors = errors_of(schema_db, Organisation, {"name": text, "org_type": OrgType.AGENCY})
    assert message in errors["name"]


def test_unicode_names_round_trip(schema_db: Database) -> None:
    for name in ("مكتب السفير", "Ünïcødé 😀", "Cafe\u0301"):
        make_org(schema_db, name)
    with schema_db.read() as session:
        assert set(session.scalars(sa.select(Organisation.name))) == {
            "مكتب السفير",
            "Ünïcødé 😀",
            "Cafe\u0301",
        }


def test_date_ranges_must_be_ordered(schema_db: Database) -> None:
    with schema_db.write() as session:
        forum = create_record(session, Forum, {"full_name": "IGF", "forum_type": ForumType.MULTISTAKEHOLDER})
    values = {
        "forum_id": forum.id,
        "title": "IGF 2025",
        "start_date": date(2025, 6, 27),
        "end_date": date(2025, 6, 23),
    }
    assert errors_of(schema_db, ForumEvent, values) == {"end_date": "The end date must be on or after the start date."}
    assert validate_values(
        StaffAllocation, {"start_date": date(2025, 2, 1), "end_date": date(2025, 1, 1)}, partial=True
    )
    assert (
        "between 1900 and 2200"
        in validate_values(ForumEvent, {"start_date": date(2205, 1, 1)}, partial=True)["start_date"]
    )


def test_amounts_exact_and_bounded() -> None:
    ok = {"budget_line_id": 1, "fiscal_month": 1, "original": Decimal("1234.56")}
    assert validate_values(BudgetMonth, ok, partial=True) == {}
    assert "2 decimal" in validate_values(BudgetMonth, {"original": Decimal("1.005")}, partial=True)["original"]
    assert validate_values(BudgetMonth, {"original": Decimal("NaN")}, partial=True)["original"]
    assert validate_values(BudgetMonth, {"original": Decimal("1E+400")}, partial=True)["original"]
    assert validate_values(BudgetMonth, {"original": 1.5}, partial=True)["original"] == "Enter an amount."


def secondment_values(person_id: int, org_id: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "person_id": person_id,
        "direction": Direction.INWARD,
        "secondment_type": SecondmentType.INDUSTRY_LOAN,
        "home_organisation_id": org_id,
        "start_date": date(2025, 1, 1),
        "planned_end_date": date(2025, 12, 31),
        "original_end_date": date(2025, 12, 31),
        "status": SecondmentStatus.ACTIVE,
    }
    values.update(overrides)
    return values


def test_industry_loan_cannot_be_active_without_declaration(schema_db: Database) -> None:
    firm = make_org(schema_db, "Northwind Security Ltd")
    with schema_db.write() as session:
        person = create_record(session, Person, {"full_name": "A. Secondee", "organisation_id": firm})
    errors = errors_of(schema_db, Secondment, secondment_values(person.id, firm))
    assert "conflict-of-interest declaration" in errors["coi_declaration_date"]
    assert "confidentiality undertaking" in errors["confidentiality_signed"]
    declared = secondment_values(
        person.id,
        firm,
        coi_declaration_date=date(2024, 12, 1),
        coi_status=CoiStatus.DECLARED_MANAGED,
        confidentiality_signed=True,
    )
    with schema_db.write() as session:
        assert create_record(session, Secondment, declared).id == 1
    # A proposed loan needs no declaration yet.
    assert "coi_declaration_date" not in validate_values(
        Secondment, secondment_values(person.id, firm, status=SecondmentStatus.PROPOSED)
    )


def group_with_meeting(db: Database, member: int, since: date) -> tuple[int, int]:
    with db.write() as session:
        group = create_record(session, EngagementGroup, {"name": "Engagement Group"})
        create_record(session, GroupMembership, {"group_id": group.id, "organisation_id": member, "start_date": since})
        meeting = create_record(
            session,
            Meeting,
            {
                "group_id": group.id,
                "number": 1,
                "meeting_date": date(2025, 2, 14),
                "fiscal_year": 2025,
                "fiscal_quarter": 3,
            },
        )
        return group.id, meeting.id


def action_values(group: int, meeting: int, agency: int, raised: date) -> dict[str, object]:
    return {
        "group_id": group,
        "ref": "A-1",
        "raised_at_meeting_id": meeting,
        "description": "Circulate the draft position",
        "owner_agency_id": agency,
        "raised_on": raised,
        "original_due_date": date(2025, 3, 15),
        "due_date": date(2025, 3, 15),
    }


def test_action_owner_must_be_member_when_raised(schema_db: Database) -> None:
    mfa = make_org(schema_db, "Ministry of Foreign Affairs", "MFA")
    late = make_org(schema_db, "Ministry of Trade", "TRD")
    group, meeting = group_with_meeting(schema_db, mfa, date(2022, 7, 1))
    with schema_db.write() as session:
        create_record(
            session,
            GroupMembership,
            {"group_id": group, "organisation_id": late, "start_date": date(2025, 6, 1)},
        )
    errors = errors_of(schema_db, Action, action_values(group, meeting, late, date(2025, 2, 14)))
    assert errors == {"owner_agency_id": "This agency was not a member of the group when the action was raised."}
    with schema_db.write() as session:
        assert create_record(session, Action, action_values(group, meeting, mfa, date(2025, 2, 14))).id


def test_due_date_cannot_precede_raising(schema_db: Database) -> None:
    mfa = make_org(schema_db, "Ministry of Foreign Affairs", "MFA")
    group, meeting = group_with_meeting(schema_db, mfa, date(2022, 7, 1))
    values = action_values(group, meeting, mfa, date(2025, 4, 1))
    assert errors_of(schema_db, Action, values) == {"due_date": "The due date cannot be before the action was raised."}


def test_conflict_between_two_editors_then_reload(schema_db: Database) -> None:
    org = make_org(schema_db, "Ministry")
    loaded_version = 1  # both Alice and Bob opened the editor at version 1
    with schema_db.write(actor="alice") as session:
        update_record(session, Organisation, org, loaded_version, {"short_name": "MIN"})
    with pytest.raises(EditConflict) as info, schema_db.write(actor="bob") as session:
        update_record(session, Organisation, org, loaded_version, {"notes": "Bob's note"})
    conflict = info.value
    assert conflict.changed_by == "alice"
    assert "changed by alice at" in str(conflict)
    # Reload: Bob discards his edit and sees Alice's.
    with schema_db.read() as session:
        row = session.get(Organisation, org)
        assert row is not None
        assert (row.short_name, row.notes, row.version_id) == ("MIN", "", 2)


def test_conflict_then_keep_mine_overwrites_and_is_audited(schema_db: Database) -> None:
    org = make_org(schema_db, "Ministry")
    with schema_db.write(actor="alice") as session:
        update_record(session, Organisation, org, 1, {"short_name": "MIN", "notes": "Alice"})
    bobs_changes = {"notes": "Bob"}
    with pytest.raises(EditConflict) as info, schema_db.write(actor="bob") as session:
        update_record(session, Organisation, org, 1, bobs_changes)
    with schema_db.write(actor="bob") as session:
        update_record(session, Organisation, org, info.value.current_version, bobs_changes, overwrite=True)
    with schema_db.read() as session:
        row = session.get(Organisation, org)
        assert row is not None
        assert (row.short_name, row.notes, row.version_id) == ("MIN", "Bob", 3)
        last = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (last.kind, last.actor) == (AuditKind.OVERWRITE, "bob")
    assert json.loads(last.changes) == {"notes": {"old": "Alice", "new": "Bob"}}


def test_stale_orm_copy_raises_at_flush(schema_db: Database) -> None:
    org = make_org(schema_db, "Ministry")
    with schema_db.read() as session:
        stale = session.get(Organisation, org)
    with schema_db.write() as session:
        update_record(session, Organisation, org, 1, {"notes": "fresh"})
    with pytest.raises(sa.orm.exc.StaleDataError), schema_db.write() as session:
        merged = session.merge(stale, load=False)
        merged.notes = "stale"
        session.flush()


def test_referenced_rows_are_archived_not_deleted(schema_db: Database) -> None:
    agency = make_org(schema_db, "Ministry")
    with schema_db.write() as session:
        create_record(session, Person, {"full_name": "Liaison", "organisation_id": agency})
    with pytest.raises(RecordInUse, match="1 person; archive it"), schema_db.write() as session:
        delete_record(session, Organisation, agency, 1)
    with schema_db.write() as session:
        archived = archive_record(session, Organisation, agency, 1)
        assert archived.archived is True
    lonely = make_org(schema_db, "Unused Agency")
    with schema_db.write() as session:
        delete_record(session, Organisation, lonely, 1)
    with schema_db.read() as session:
        assert session.get(Organisation, lonely) is None
        assert session.get(Organisation, agency) is not None


def test_budget_line_amounts_cascade_with_the_line(schema_db: Database) -> None:
    with schema_db.write() as session:
        category = create_record(session, CostCategory, {"code": "TRAVEL", "label": "Travel"})
        line = create_record(
            session,
            BudgetLine,
            {"fiscal_year": 2025, "category_id": category.id, "description": "OEWG travel"},
        )
        session.add(BudgetMonth(budget_line_id=line.id, fiscal_month=1, original=Decimal("1000.10")))
    with schema_db.read() as session:
        raw = session.execute(sa.text("SELECT original FROM budget_month")).scalar()
        total = session.scalar(sa.select(sa.func.sum(BudgetMonth.original)))
    assert raw == 100010  # stored as integer cents
    assert total == Decimal("1000.10")  # summed exactly in SQL, read back as Decimal


@pytest.mark.parametrize(
    ("model", "values", "field", "message"),
    [
        (StaffAllocation, {"fte_hundredths": 0}, "fte_hundredths", "FTE must be more than 0 and at most 1.0."),
        (StaffAllocation, {"fte_hundredths": 120}, "fte_hundredths", "FTE must be more than 0 and at most 1.0."),
        (Secondment, {"fte_hundredths": 5}, "fte_hundredths", "A secondment's FTE must be between 0.1 and 1.0."),
        (Meeting, {"fiscal_quarter": 5}, "fiscal_quarter", "The quarter must be 1 to 4."),
        (Action, {"rag_override": "RED", "rag_override_reason": " "}, "rag_override_reason", "Give a reason"),
    ],
)
def test_row_rules(model: type, values: dict, field: str, message: str) -> None:
    from core.domain.meetings import AgendaItem

    assert message in validate_values(model, values)[field]
    assert (
        validate_values(AgendaItem, {"minutes_allotted": 700})["minutes_allotted"] == "Allot between 0 and 600 minutes."
    )


def test_derived_values_and_extension_count(schema_db: Database) -> None:
    from core.services.office import initialise_office

    initialise_office(schema_db, fy_start_month=7)
    mfa = make_org(schema_db, "Ministry of Foreign Affairs (test)", "MFA-T")
    group, meeting = group_with_meeting(schema_db, mfa, date(2022, 7, 1))
    with schema_db.read() as session:
        stored = session.get(Meeting, meeting)
        assert stored is not None
        assert (stored.fiscal_year, stored.fiscal_quarter) == (2025, 3)  # 14 Feb 2025 in a July-June year
    values = action_values(group, meeting, mfa, date(2025, 2, 14))
    values.pop("original_due_date")
    with schema_db.write() as session:
        action = create_record(session, Action, values)
        assert action.original_due_date == date(2025, 3, 15)
        assert action.extension_count == 0
    with schema_db.write() as session:
        moved = update_record(session, Action, action.id, 1, {"due_date": date(2025, 4, 30)})
        assert (moved.extension_count, moved.original_due_date) == (1, date(2025, 3, 15))
    with schema_db.write() as session:
        earlier = update_record(session, Action, action.id, 2, {"due_date": date(2025, 4, 1)})
        assert earlier.extension_count == 1  # bringing a date forward is not an extension


def test_unique_across_columns_is_a_field_message(schema_db: Database) -> None:
    mfa = make_org(schema_db, "Ministry of Foreign Affairs", "MFA")
    group, meeting = group_with_meeting(schema_db, mfa, date(2022, 7, 1))
    with schema_db.write() as session:
        create_record(session, Action, action_values(group, meeting, mfa, date(2025, 2, 14)))
    errors = errors_of(schema_db, Action, action_values(group, meeting, mfa, date(2025, 2, 14)))
    assert errors == {"ref": "Another record already uses this ref here."}
    duplicate_meeting = {
        "group_id": group,
        "number": 1,
        "meeting_date": date(2025, 5, 14),
        "fiscal_year": 2025,
        "fiscal_quarter": 4,
    }
    assert errors_of(schema_db, Meeting, duplicate_meeting) == {
        "number": "Another record already uses this number here."
    }
