"""The audit trail: one entry per change in the same transaction, chained so that tampering shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditKind,
    EntryData,
    append_batch_entry,
    canonical_timestamp,
    encode_changes,
    verify_chain,
)
from core.domain.organisations import Organisation, OrgType


def entries(db: Database) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_insert_update_delete_each_audited_with_field_changes(schema_db: Database) -> None:
    with schema_db.write(actor="alice") as session:
        org = Organisation(name="Ministry", name_key="ministry", org_type=OrgType.AGENCY)
        session.add(org)
    with schema_db.write(actor="bob") as session:
        found = session.get(Organisation, org.id)
        assert found is not None
        found.short_name = "MFA"
    with schema_db.write(actor="carol") as session:
        found = session.get(Organisation, org.id)
        session.delete(found)
    log = entries(schema_db)
    assert [(e.kind, e.actor, e.table_name, e.row_id) for e in log] == [
        (AuditKind.INSERT, "alice", "organisation", org.id),
        (AuditKind.UPDATE, "bob", "organisation", org.id),
        (AuditKind.DELETE, "carol", "organisation", org.id),
    ]
    assert json.loads(log[1].changes) == {"short_name": {"old": "", "new": "MFA"}}
    assert json.loads(log[0].changes)["name"] == "Ministry"
    assert log[0].at.tzinfo is not None


def test_rolled_back_edit_leaves_no_audit(schema_db: Database) -> None:
    with pytest.raises(RuntimeError), schema_db.write() as session:
        session.add(Organisation(name="Ghost", name_key="ghost", org_type=OrgType.AGENCY))
        session.flush()
        raise RuntimeError("user pressed cancel")
    assert entries(schema_db) == []


def test_chain_verifies_and_detects_tampering(schema_db: Database) -> None:
    for name in ("A", "B", "C"):
        with schema_db.write() as session:
            session.add(Organisation(name=name, name_key=name.lower(), org_type=OrgType.AGENCY))
    with schema_db.raw_write() as conn:
        append_batch_entry(conn, table_name="action", row_count=10, id_min=1, id_max=10, batch_id="b-1")
    with schema_db.read() as session:
        report = verify_chain(session.connection())
    assert report.problems == ()
    assert report.entries == 4
    with schema_db.raw_write() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    with schema_db.read() as session:
        report = verify_chain(session.connection())
    assert any("entry 2 was altered" in p for p in report.problems)
    with schema_db.raw_write() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE id = 1) WHERE id = 2"))
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = 3"))
    with schema_db.read() as session:
        report = verify_chain(session.connection())
    assert any("entry 4 does not follow" in p for p in report.problems)


def test_batch_entry_records_range_and_source(schema_db: Database) -> None:
    with schema_db.raw_write() as conn:
        append_batch_entry(
            conn,
            table_name="budget_line",
            row_count=120,
            id_min=1,
            id_max=120,
            batch_id="batch-42",
            actor="importer",
            source_sha256="ab" * 32,
        )
    (entry,) = entries(schema_db)
    assert (entry.kind, entry.row_count, entry.id_min, entry.id_max) == (AuditKind.BATCH, 120, 1, 120)
    assert entry.source_sha256 == "ab" * 32
    assert entry.prev_hash == GENESIS_HASH


def test_canonical_form_is_database_independent() -> None:
    naive = datetime(2025, 1, 2, 3, 4, 5, 6)
    aware = naive.replace(tzinfo=UTC)
    assert canonical_timestamp(naive) == canonical_timestamp(aware) == "2025-01-02T03:04:05.000006Z"
    assert encode_changes({"amount": Decimal("10.50"), "kind": OrgType.AGENCY}) == '{"amount":"10.50","kind":"AGENCY"}'
    entry = EntryData(aware, "a", AuditKind.INSERT, "t", 1, "{}")
    assert entry.digest(GENESIS_HASH) == entry.digest(GENESIS_HASH)
    assert entry.digest(GENESIS_HASH) != entry.digest("1" * 64)
