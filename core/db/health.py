"""`check`: is this database sound? Integrity, foreign keys, schema version, audit chain and row counts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core.db import postgres as pg
from core.db import sqlite as sqlite_db
from core.db.engine import is_url
from core.db.errors import DatabaseMissing, DatabaseUnreachable, EmptyDatabase, NewerSchema, NotAnOfficeDatabase
from core.db.migrate import current_revisions, head_revision, known_revisions
from core.domain.audit import verify_chain
from core.domain.models import Base


@dataclass(frozen=True)
class HealthReport:
    database: str
    schema_version: str | None
    expected_schema_version: str
    integrity: str
    audit_entries: int
    audit_head_hash: str
    row_counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "ok": self.ok}, indent=2, sort_keys=True)


def check_database(value: str | Path) -> HealthReport:
    """Read-only from start to end: a check never changes the file it checks."""
    text = str(value)
    if is_url(text) and not text.startswith("sqlite"):
        engine = pg.create_server_engine(text)
        integrity = "not applicable (server database)"
        name = engine.url.render_as_string(hide_password=True)
        try:
            engine.connect().close()
        except sa.exc.OperationalError as exc:
            engine.dispose()
            raise DatabaseUnreachable(pg.unreachable_message(engine.url, exc)) from exc
    else:
        path = Path(sa.engine.make_url(text).database or "") if is_url(text) else Path(text).expanduser()
        if not path.exists():
            raise DatabaseMissing(f"No database at {path}.")
        state = sqlite_db.inspect_file(path, full_check=True)
        if state.kind is sqlite_db.FileKind.EMPTY:
            raise EmptyDatabase(f"{path.name} is empty: it holds no office.")
        if state.kind is sqlite_db.FileKind.FOREIGN:
            raise NotAnOfficeDatabase(f"{path.name} is an SQLite database of another application, not an office.")
        engine = sqlite_db.create_sqlite_engine(path, readonly=True)
        integrity = "ok"
        name = str(path)
    try:
        return _check_with(engine, name, integrity)
    finally:
        engine.dispose()


def _check_with(engine: sa.Engine, name: str, integrity: str) -> HealthReport:
    problems: list[str] = []
    with engine.connect() as conn:
        revisions = current_revisions(conn)
        unknown = revisions - known_revisions()
        if unknown:
            raise NewerSchema(
                f"{name} was written by a newer version of Cyber Affairs Desk (schema {', '.join(sorted(unknown))})."
            )
        head = head_revision()
        schema = ", ".join(sorted(revisions)) or None
        if revisions != {head}:
            problems.append(f"schema {schema} needs updating to {head} (open it once for writing)")
            return HealthReport(name, schema, head, integrity, 0, "", {}, problems)
        if engine.dialect.name == "sqlite":
            orphans = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            for table, rowid, parent, _ in orphans[:10]:
                problems.append(f"{table} row {rowid} refers to a missing {parent} row")
            if len(orphans) > 10:
                problems.append(f"... and {len(orphans) - 10} more broken references")
        counts = {
            table.name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
            for table in Base.metadata.sorted_tables
        }
        chain = verify_chain(conn)
        problems.extend(chain.problems)
    return HealthReport(name, schema, head, integrity, chain.entries, chain.head_hash, counts, problems)
