"""Editor read models: a record as plain values, picker choices without archived rows, and a record's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import Forum, ForumEvent
from core.domain.meetings import EngagementGroup, Meeting
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import Marking, Office, ReferenceKind
from core.reports.records import (
    CHOICE_TABLES,
    UnknownChoices,
    choices,
    field_label,
    load_record,
    record_history,
)
from core.services.office import initialise_office
from core.services.records import RecordNotFound, archive_record, create_record, update_record


@pytest.fixture
def office(schema_db: Database) -> Database:
    initialise_office(schema_db, actor="setup")
    return schema_db


def _org(db: Database, name: str, code: str | None = None) -> int:
    with db.write(actor="alice") as session:
        return create_record(session, Organisation, {"name": name, "org_type": OrgType.AGENCY, "code": code}).id


def _mfa(db: Database) -> int:
    with db.read() as session:
        return int(session.scalars(sa.select(Organisation.id).where(Organisation.code == "MFA")).one())


def test_load_record_gives_plain_values_and_version(office: Database) -> None:
    org = _org(office, "Cyber Policy Institute", "CPI")
    with office.write() as session:
        update_record(session, Organisation, org, 1, {"country": "Meridia"})
    with office.read() as session:
        snapshot = load_record(session, Organisation, org)
    assert (snapshot.table, snapshot.row_id, snapshot.version) == ("organisation", org, 2)
    assert snapshot.values["name"] == "Cyber Policy Institute"
    assert snapshot.values["org_type"] is OrgType.AGENCY
    assert snapshot.values["country"] == "Meridia"
    with pytest.raises(TypeError):
        snapshot.values["name"] = "changed"  # type: ignore[index]


def test_load_record_of_a_missing_row(office: Database) -> None:
    with office.read() as session, pytest.raises(RecordNotFound):
        load_record(session, Organisation, 999_999)


def test_organisation_and_people_labels(office: Database) -> None:
    mfa = _mfa(office)
    with office.write() as session:
        create_record(session, Person, {"full_name": "Alex Citizen", "organisation_id": mfa})
    with office.read() as session:
        orgs = {c.id: c.label for c in choices(session, "organisation")}
        people = [c.label for c in choices(session, "person")]
    assert orgs[mfa].endswith("(MFA)")
    assert "Alex Citizen (MFA)" in people


def test_archived_rows_are_left_out_unless_they_are_the_current_value(office: Database) -> None:
    kept = _org(office, "Kept Agency")
    gone = _org(office, "Gone Agency")
    with office.write() as session:
        archive_record(session, Organisation, gone, 1)
    with office.read() as session:
        plain = {c.id for c in choices(session, "organisation")}
        current = {c.id: c for c in choices(session, "organisation", include_ids=[gone])}
    assert kept in plain and gone not in plain
    assert current[gone].archived and not current[kept].archived


def test_pickers_sort_as_a_user_scans_them(office: Database) -> None:
    _org(office, "aardvark agency")
    _org(office, "Zebra Agency")
    with office.read() as session:
        labels = [c.label for c in choices(session, "organisation")]
        markings = [c.label for c in choices(session, "marking")]
    assert labels == sorted(labels, key=str.casefold)
    assert markings == ["OFFICIAL", "OFFICIAL: Sensitive"]  # by rank, not by name


def test_markings_above_the_office_ceiling_are_not_offered(office: Database) -> None:
    with office.write() as session:
        secret = create_record(session, Marking, {"label": "SECRET", "rank": 99}).id
        highest = session.scalars(sa.select(Marking.id).where(Marking.label == "OFFICIAL: Sensitive")).one()
        office_row = session.get(Office, 1)
        assert office_row is not None
        office_row.max_marking_id = highest
    with office.read() as session:
        offered = [c.label for c in choices(session, "marking")]
        kept = [c.label for c in choices(session, "marking", include_ids=[secret])]
    assert "SECRET" not in offered
    assert "SECRET" in kept


def test_reference_items_narrow_to_one_list(office: Database) -> None:
    with office.read() as session:
        functions = choices(session, "reference_item", kind=ReferenceKind.FUNCTION.value)
        everything = choices(session, "reference_item")
    assert 0 < len(functions) < len(everything)


def test_meetings_are_titled_by_the_office_calendar(office: Database) -> None:
    with office.write() as session:
        group = create_record(session, EngagementGroup, {"name": "Interagency Group", "short_name": "IG"}).id
        create_record(
            session,
            Meeting,
            {
                "group_id": group,
                "number": 9,
                "meeting_date": date(2024, 8, 1),
                "fiscal_year": 2025,
                "fiscal_quarter": 1,
            },
        )
    with office.read() as session:
        assert [c.label for c in choices(session, "meeting")] == ["IG: Meeting 9 — 2024–25 Q1"]


def test_every_picker_table_answers(office: Database) -> None:
    with office.read() as session:
        for table in CHOICE_TABLES:
            assert isinstance(choices(session, table), tuple)


def test_unknown_picker_table(office: Database) -> None:
    with office.read() as session, pytest.raises(UnknownChoices, match="organisation"):
        choices(session, "audit_log")


def test_history_newest_first_with_labels_for_ids_enums_and_money(office: Database) -> None:
    mfa = _mfa(office)
    with office.write(actor="alice") as session:
        forum = create_record(session, Forum, {"full_name": "Open-ended Working Group", "forum_type": "MULTILATERAL"})
        event = create_record(
            session,
            ForumEvent,
            {"forum_id": forum.id, "title": "Session", "start_date": date(2025, 3, 3), "end_date": date(2025, 3, 7)},
        ).id
    with office.write(actor="bob") as session:
        update_record(
            session,
            ForumEvent,
            event,
            1,
            {"lead_agency_id": mfa, "status": "CONFIRMED", "estimated_travel_cost": Decimal("12500.50")},
        )
    with office.write(actor="carol") as session:
        update_record(session, ForumEvent, event, 2, {"title": "Eleventh session"}, overwrite=True)
    with office.read() as session:
        history = record_history(session, "forum_event", event, field_labels={"title": "Event"})
    assert [(h.actor, h.kind) for h in history] == [
        ("carol", "Overwrote another user's change"),
        ("bob", "Changed"),
        ("alice", "Created"),
    ]
    assert history[0].lines == (("Event", "Session", "Eleventh session"),)
    changed = {label: (old, new) for label, old, new in history[1].lines}
    assert changed["Lead agency"][1].endswith("(MFA)")
    assert changed["Status"] == ("Tentative", "Confirmed")
    assert changed["Estimated travel cost"] == ("", "12,500.50")
    created = {label: new for label, _, new in history[2].lines}
    assert created["Start date"] == "2025-03-03"


def test_history_includes_the_batch_that_created_the_row(office: Database) -> None:
    mfa = _mfa(office)
    with office.read() as session:
        history = record_history(session, "organisation", mfa)
    assert len(history) == 1
    assert history[0].kind == "Created in bulk"
    assert history[0].note.startswith("Created by the reference data batch")
    assert history[0].actor == "setup"


def test_history_of_archiving(office: Database) -> None:
    org = _org(office, "Short-lived Agency")
    with office.write(actor="dave") as session:
        archive_record(session, Organisation, org, 1)
    with office.read() as session:
        latest = record_history(session, "organisation", org)[0]
    assert latest.lines == (("Archived", "No", "Yes"),)


def test_history_of_an_unknown_table(office: Database) -> None:
    with office.read() as session, pytest.raises(UnknownChoices):
        record_history(session, "nothing_here", 1)


def test_field_labels_read_like_the_lists() -> None:
    assert field_label("owner_agency_id") == "Owner agency"
    assert field_label("fte_hundredths") == "FTE"
    assert field_label("start_date") == "Start date"


def test_highest_marking_held_follows_the_most_sensitive_record(schema_db) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from core.domain.forums import Forum, ForumEvent, ForumType
    from core.domain.reference import Marking
    from core.reports.markings import highest_marking_held
    from core.services.office import initialise_office

    initialise_office(schema_db)
    with schema_db.read() as session:
        assert highest_marking_held(session) == "OFFICIAL"
    with schema_db.write() as session:
        sensitive = session.scalars(sa.select(Marking).where(Marking.label == "OFFICIAL: Sensitive")).one()
        forum = session.scalars(sa.select(Forum).where(Forum.forum_type == ForumType.MULTILATERAL)).first()
        assert forum is not None
        session.add(
            ForumEvent(
                forum_id=forum.id,
                title="Closed briefing",
                start_date=date(2025, 3, 3),
                end_date=date(2025, 3, 3),
                marking_id=sensitive.id,
            )
        )
    with schema_db.read() as session:
        assert highest_marking_held(session) == "OFFICIAL: Sensitive"
