"""Reference data and the office row: what init seeds, validated, bulk-written and audited per table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.domain.audit import AuditKind, verify_chain
from core.domain.models import AuditEntry, Forum, Marking, Office, Organisation, ReferenceItem
from core.domain.reference import ReferenceKind
from core.domain.text import name_key
from core.services import seed_data
from core.services.seed import BulkWriter, seed_office_row, seed_reference_data
from core.services.validation import ValidationError

EXPECTED_KINDS = {
    ReferenceKind.ISSUE_AREA: 9,
    ReferenceKind.FUNCTION: 4,
    ReferenceKind.GGE_NORM: 11,
    ReferenceKind.PARIS_CALL: 9,
    ReferenceKind.OSCE_CBM: 16,
    ReferenceKind.OAS_CBM: 6,
    ReferenceKind.BUILDING_BLOCK: 7,
    ReferenceKind.RECOMMENDATION: 7,
    ReferenceKind.RESPONSE_TOOL: 7,
}


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "s.cyberdesk", create=True)
    yield db
    db.close()


@pytest.fixture
def seeded(empty_db: Database) -> tuple[Database, dict[str, int]]:
    with empty_db.raw_write() as conn:
        counts = seed_reference_data(conn, actor="tester", batch_id="batch-1")
        seed_office_row(conn, name="Office of the Ambassador", currency="EUR", fy_start_month=4)
    return empty_db, counts


def test_seed_data_is_consistent() -> None:
    codes = Counter((item.kind, item.code) for item in seed_data.REFERENCE_ITEMS)
    assert max(codes.values()) == 1
    assert Counter(item.kind for item in seed_data.REFERENCE_ITEMS) == EXPECTED_KINDS
    assert [f.number for f in seed_data.FORUMS] == list(range(1, 33))
    agency_codes = {agency.code for agency in seed_data.AGENCIES}
    issue_codes = {item.code for item in seed_data.ISSUE_AREAS}
    acronyms = {forum.acronym for forum in seed_data.FORUMS}
    for forum in seed_data.FORUMS:
        assert forum.lead_agency in agency_codes
        assert set(seed_data.issue_area_codes(forum)) <= issue_codes, forum.acronym
        assert forum.successor is None or forum.successor in acronyms
    assert [c.code for c in seed_data.COST_CATEGORIES] == [
        "STAFF", "SECOND", "TRAVEL", "EVENTS", "CONTRIB", "GRANTS", "CONSULT", "COMMS", "TRAIN", "OTHER"
    ]  # fmt: skip


def test_reference_data_counts_per_table(seeded: tuple[Database, dict[str, int]]) -> None:
    db, counts = seeded
    assert counts == {
        "cost_category": 10,
        "marking": 2,
        "organisation": 15,
        "reference_item": 76,
        "forum": 32,
        "forum_tag": sum(len(seed_data.issue_area_codes(f)) for f in seed_data.FORUMS),
        "secondment_checklist_template": 12,
    }
    with db.read() as session:
        kinds = Counter(session.scalars(sa.select(ReferenceItem.kind)))
        assert kinds == EXPECTED_KINDS
        for item in session.scalars(sa.select(ReferenceItem)):
            assert item.code_key == name_key(item.code)


def test_agencies_and_forums_link_up(seeded: tuple[Database, dict[str, int]]) -> None:
    db, _ = seeded
    with db.read() as session:
        agencies = {org.code: org for org in session.scalars(sa.select(Organisation))}
        assert set(agencies) == {a.code for a in seed_data.AGENCIES}
        assert [code for code, org in agencies.items() if not org.is_core_member] == ["ADV"]
        assert agencies["MFA-LEG"].parent_id == agencies["MFA"].id
        forums = {forum.acronym: forum for forum in session.scalars(sa.select(Forum))}
        assert forums["OEWG 2021–25"].successor_forum_id == forums["Global Mechanism"].id
        assert str(forums["OEWG 2021–25"].mandate_end) == "2025-07-11"
        assert forums["T-CY"].lead_agency_id == agencies["JUS"].id
        assert forums["FIRST"].lead_agency_id == agencies["NCSC"].id
        assert forums["NATO CCDCOE"].lead_agency_id == agencies["DEF"].id
        assert forums["ICANN GAC"].lead_agency_id == agencies["DIG"].id
        untagged = session.execute(
            sa.text("SELECT count(*) FROM forum f WHERE NOT EXISTS (SELECT 1 FROM forum_tag t WHERE t.forum_id = f.id)")
        ).scalar_one()
        assert untagged == 0


def test_office_row_uses_the_markings_of_the_scheme(seeded: tuple[Database, dict[str, int]]) -> None:
    db, _ = seeded
    with db.read() as session:
        office = session.get(Office, 1)
        assert office is not None
        default = session.get(Marking, office.default_marking_id)
        highest = session.get(Marking, office.max_marking_id)
        assert default is not None and highest is not None
        assert (default.label, highest.label) == ("OFFICIAL", "OFFICIAL: Sensitive")
        assert default.rank < highest.rank
        assert (office.currency, office.fy_start_month, office.is_demo) == ("EUR", 4, False)


def test_one_audit_batch_entry_per_table_and_the_chain_verifies(seeded: tuple[Database, dict[str, int]]) -> None:
    db, counts = seeded
    with db.read() as session:
        entries = list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
        assert verify_chain(session.connection()).problems == ()
    assert {e.kind for e in entries} == {AuditKind.BATCH}
    assert {e.table_name: e.row_count for e in entries} == counts
    assert len(entries) == len(counts)
    assert {e.batch_id for e in entries} == {"batch-1"}
    assert {e.actor for e in entries} == {"tester"}
    organisation = next(e for e in entries if e.table_name == "organisation")
    assert (organisation.id_min, organisation.id_max) == (1, 15)


def test_office_row_audited_when_given_a_batch(empty_db: Database) -> None:
    with empty_db.raw_write() as conn:
        seed_reference_data(conn, actor="tester", batch_id="b")
        seed_office_row(conn, name="Office", currency="AUD", fy_start_month=7, batch_id="b", actor="tester")
        office_entries = (
            conn.execute(sa.select(AuditEntry.row_count).where(AuditEntry.table_name == "office")).scalars().all()
        )
    assert office_entries == [1]


def test_an_invalid_row_is_refused_and_nothing_is_written(empty_db: Database) -> None:
    with pytest.raises(ValidationError) as caught, empty_db.raw_write() as conn:
        writer = BulkWriter(conn)
        writer.add(Marking, {"id": writer.new_id(Marking), "label": "OK", "label_key": "ok", "rank": 1})
        writer.flush()
        writer.add(Marking, {"id": writer.new_id(Marking), "label": "bad\nlabel", "label_key": "bad", "rank": 2})
    assert "marking 2: label" in caught.value.errors
    with empty_db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Marking)) == 0
