"""An event's delegation: adding people once each, one head, removing, all audited."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry
from core.domain.forums import DelegationMember, Forum, ForumEvent
from core.domain.organisations import Organisation, Person
from core.services.delegations import add_delegate, delegation_of, remove_delegate
from core.services.office import initialise_office
from core.services.records import EditConflict, create_record
from core.services.validation import ValidationError


@pytest.fixture
def ids(schema_db: Database) -> dict[str, int]:
    initialise_office(schema_db)
    with schema_db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        forum = s.scalar(sa.select(Forum.id).where(Forum.acronym == "IGF"))
        event = create_record(
            s,
            ForumEvent,
            {"forum_id": forum, "title": "IGF 2026", "start_date": date(2026, 6, 23), "end_date": date(2026, 6, 26)},
        )
        people = {
            name: create_record(s, Person, {"full_name": name, "organisation_id": mfa}).id
            for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper")
        }
        return {"event": event.id, **people}


def test_a_delegation_has_each_person_once_and_one_head(schema_db: Database, ids: dict[str, int]) -> None:
    event = ids["event"]
    with schema_db.write(actor="desk.officer") as s:
        add_delegate(s, event, ids["Alan Turing"], role="Technical adviser")
        add_delegate(s, event, ids["Ada Lovelace"], role="Head", is_head=True)
    with pytest.raises(ValidationError) as caught, schema_db.write() as s:
        add_delegate(s, event, ids["Alan Turing"])
    assert caught.value.errors == {"person_id": "Alan Turing is already in the delegation."}
    with pytest.raises(ValidationError) as caught, schema_db.write() as s:
        add_delegate(s, event, None)
    assert "person_id" in caught.value.errors
    with schema_db.write() as s:
        add_delegate(s, event, ids["Grace Hopper"], is_head=True)  # the new head replaces the old one
    with schema_db.read() as s:
        rows = delegation_of(s, event)
        entries = s.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.table_name == "delegation_member")
        )
    assert [(r.person, r.is_head, r.organisation) for r in rows] == [
        ("Grace Hopper", True, "MFA"),
        ("Ada Lovelace", False, "MFA"),
        ("Alan Turing", False, "MFA"),
    ]
    assert entries == 4  # three inserts and the old head's update


def test_removing_a_stale_entry_is_refused_then_done(schema_db: Database, ids: dict[str, int]) -> None:
    with schema_db.write() as s:
        member = add_delegate(s, ids["event"], ids["Ada Lovelace"])
        loaded = member.version_id
    with schema_db.write() as s:
        row = s.get(DelegationMember, member.id)
        assert row is not None
        row.role = "Legal adviser"
    with pytest.raises(EditConflict), schema_db.write() as s:
        remove_delegate(s, member.id, loaded)
    with schema_db.write() as s:
        remove_delegate(s, member.id, loaded + 1)
    with schema_db.read() as s:
        assert delegation_of(s, ids["event"]) == ()
