"""Faults inside SQLite while saving: a full disk and a writer racing a read snapshot (RELIABILITY.md rows 4 and 11).
Each is explained, leaves what was committed intact, and writes nothing half-way."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core.db.engine import open_database
from core.db.errors import DatabaseUnavailable
from core.domain.organisations import Organisation, OrgType
from tests.core.db.test_engine import add_org

AGENCY = OrgType.AGENCY


def org_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM organisation").fetchone()[0])
    finally:
        conn.close()


def test_a_full_disk_while_saving_is_explained_and_keeps_what_was_committed(office: Path) -> None:
    db = open_database(office)
    try:
        add_org(db, "Committed before the disk filled")
        with db.read() as session:
            pages = int(session.execute(sa.text("PRAGMA page_count")).scalar_one())

        @event.listens_for(db.engine, "connect")
        def _small_disk(dbapi_conn: Any, _record: Any) -> None:
            # As a full disk looks to SQLite: the file may not grow by another page.
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        db.engine.dispose()  # new connections, each with the limit
        before = org_count(office)
        with pytest.raises(DatabaseUnavailable, match="is full") as refused, db.write(actor="tester") as session:
            for i in range(400):
                session.add(Organisation(name=f"Big {i}", name_key=f"big {i}", org_type=AGENCY, notes="x" * 3000))
        assert "your changes are still in the form" in str(refused.value)
        assert org_count(office) == before
        event.remove(db.engine, "connect", _small_disk)
        db.engine.dispose()
        add_org(db, "Saved once space was freed")
        db.check_integrity()
    finally:
        db.close()
    assert org_count(office) == before + 1


def test_a_write_never_fails_on_a_stale_read_snapshot(office: Path) -> None:
    """F7: a transaction that read, then writes after another connection committed, fails at once with
    SQLITE_BUSY_SNAPSHOT in WAL mode. The app's writes begin IMMEDIATE, so they never hold such a snapshot."""
    db = open_database(office)
    try:
        add_org(db, "Puts the file in WAL mode")
        reader = sqlite3.connect(office, isolation_level=None, timeout=0.2)
        other = sqlite3.connect(office, isolation_level=None, timeout=0.2)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM organisation").fetchone()
            other.execute("UPDATE organisation SET notes = 'changed elsewhere' WHERE name = 'Agency 1'")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                reader.execute("UPDATE organisation SET notes = 'stale' WHERE name = 'Agency 2'")
            reader.execute("ROLLBACK")

            with db.write(actor="tester") as session:  # the app's path: read, then write, in one transaction
                seen = session.scalar(sa.select(sa.func.count()).select_from(Organisation))
                other_write = other.execute  # a writer arriving now waits for this transaction, then times out
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other_write("UPDATE organisation SET notes = 'racing' WHERE name = 'Agency 3'")
                session.add(
                    Organisation(name="After the read", name_key="after the read", org_type=AGENCY, notes=str(seen))
                )
        finally:
            reader.close()
            other.close()
        with db.read() as session:
            assert session.scalar(sa.select(Organisation.notes).where(Organisation.name == "After the read")) == str(
                seen
            )
            assert session.scalar(sa.select(Organisation.notes).where(Organisation.name == "Agency 1")) == (
                "changed elsewhere"
            )
    finally:
        db.close()
