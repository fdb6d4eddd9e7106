"""The append-only, hash-chained audit trail: its table, canonical form, writers and verification."""

import enum
import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.domain.base import Base, LabelledEnum, UTCDateTime, enum_type, utcnow

GENESIS_HASH = "0" * 64


class AuditKind(LabelledEnum):
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    OVERWRITE = "OVERWRITE"
    BATCH = "BATCH"


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_table_row", "table_name", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[AuditKind] = mapped_column(enum_type(AuditKind))
    table_name: Mapped[str] = mapped_column(sa.String(60))
    row_id: Mapped[int | None] = mapped_column()
    changes: Mapped[str] = mapped_column(sa.Text(), default="{}")
    batch_id: Mapped[str | None] = mapped_column(sa.String(36))
    row_count: Mapped[int | None] = mapped_column()
    id_min: Mapped[int | None] = mapped_column()
    id_max: Mapped[int | None] = mapped_column()
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class ImportBatch(Base):
    """One bulk write (demo, import, roll-over): undo removes exactly the rows that carry its id."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    source_name: Mapped[str] = mapped_column(sa.String(400), default="")
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    row_count: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def current_actor() -> str:
    """The OS user: the desktop app runs as the person at the keyboard."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (service accounts, some containers)
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def canonical_value(value: Any) -> Any:
    """Values in one textual form so the chain hashes identically on SQLite and PostgreSQL."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return canonical_timestamp(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return canonical_value(value.value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    return str(value)


def canonical_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class EntryData:
    at: datetime
    actor: str
    kind: AuditKind
    table_name: str
    row_id: int | None
    changes: str
    batch_id: str | None = None
    row_count: int | None = None
    id_min: int | None = None
    id_max: int | None = None
    source_sha256: str | None = None

    def digest(self, prev_hash: str) -> str:
        body = {
            "prev": prev_hash,
            "at": canonical_timestamp(self.at),
            "actor": self.actor,
            "kind": str(self.kind.value),
            "table": self.table_name,
            "row_id": self.row_id,
            "changes": self.changes,
            "batch_id": self.batch_id,
            "row_count": self.row_count,
            "id_min": self.id_min,
            "id_max": self.id_max,
            "source_sha256": self.source_sha256,
        }
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_changes(changes: Mapping[str, Any]) -> str:
    return json.dumps(
        {k: canonical_value(v) for k, v in changes.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _head_hash(conn: Connection) -> str:
    table = AuditEntry.__table__
    head = conn.execute(sa.select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar()
    return head or GENESIS_HASH


def append_entries(conn: Connection, entries: Iterable[EntryData]) -> None:
    """Append entries in order, each chained to the one before, inside the caller's transaction."""
    prev = _head_hash(conn)
    rows = []
    for entry in entries:
        digest = entry.digest(prev)
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "kind": entry.kind,
                "table_name": entry.table_name,
                "row_id": entry.row_id,
                "changes": entry.changes,
                "batch_id": entry.batch_id,
                "row_count": entry.row_count,
                "id_min": entry.id_min,
                "id_max": entry.id_max,
                "source_sha256": entry.source_sha256,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if rows:
        conn.execute(sa.insert(AuditEntry), rows)


def append_batch_entry(
    conn: Connection,
    *,
    table_name: str,
    row_count: int,
    id_min: int | None,
    id_max: int | None,
    batch_id: str,
    actor: str | None = None,
    source_sha256: str | None = None,
    summary: Mapping[str, Any] | None = None,
) -> None:
    """One entry for a whole bulk write: table, row count, id range, source file hash and batch id."""
    append_entries(
        conn,
        [
            EntryData(
                at=utcnow(),
                actor=actor or current_actor(),
                kind=AuditKind.BATCH,
                table_name=table_name,
                row_id=None,
                changes=encode_changes(summary or {}),
                batch_id=batch_id,
                row_count=row_count,
                id_min=id_min,
                id_max=id_max,
                source_sha256=source_sha256,
            )
        ],
    )


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    problems: tuple[str, ...]


def verify_chain(conn: Connection) -> ChainReport:
    """Recompute every hash from the canonical form; any edit, insertion or deletion breaks the chain."""
    table = AuditEntry.__table__
    prev = GENESIS_HASH
    problems: list[str] = []
    count = 0
    result = conn.execute(sa.select(table).order_by(table.c.id)).mappings()
    for row in result:
        count += 1
        entry = EntryData(
            at=row["at"],
            actor=row["actor"],
            kind=AuditKind(row["kind"]),
            table_name=row["table_name"],
            row_id=row["row_id"],
            changes=row["changes"],
            batch_id=row["batch_id"],
            row_count=row["row_count"],
            id_min=row["id_min"],
            id_max=row["id_max"],
            source_sha256=row["source_sha256"],
        )
        if row["prev_hash"] != prev:
            problems.append(f"audit entry {row['id']} does not follow the entry before it")
        expected = entry.digest(row["prev_hash"])
        if expected != row["hash"]:
            problems.append(f"audit entry {row['id']} was altered after it was written")
        prev = row["hash"]
        if len(problems) >= 20:
            problems.append("(further audit problems not listed)")
            break
    return ChainReport(entries=count, head_hash=prev, problems=tuple(problems))


# --- per-change auditing of interactive edits -------------------------------------------------------------

_SKIP_COLUMNS = frozenset({"created_at", "updated_at", "version_id"})


def _pk(obj: Any) -> int | None:
    # The identity key is not assigned yet inside after_flush, but the primary key attributes are.
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    if len(key) == 1 and isinstance(key[0], int):
        return key[0]
    return None


def _column_values(obj: Any) -> dict[str, Any]:
    mapper = sa.inspect(obj).mapper
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs if attr.key not in _SKIP_COLUMNS}


def _changed_values(obj: Any) -> dict[str, Any]:
    state = sa.inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = {"old": canonical_value(old), "new": canonical_value(new)}
    return changes


def audit_flush(session: Session, flush_context: Any) -> None:
    """after_flush hook: one entry per inserted, updated or deleted row, in the same transaction."""
    if session.info.get("audit_disabled"):
        return
    actor = session.info.get("actor") or current_actor()
    update_kind = AuditKind(session.info.get("audit_update_kind", AuditKind.UPDATE))
    now = utcnow()
    entries: list[EntryData] = []
    for obj in session.new:
        if isinstance(obj, AuditEntry | ImportBatch):
            continue
        values = {k: canonical_value(v) for k, v in _column_values(obj).items()}
        entries.append(EntryData(now, actor, AuditKind.INSERT, obj.__tablename__, _pk(obj), encode_changes(values)))
    for obj in session.dirty:
        if isinstance(obj, AuditEntry | ImportBatch) or not session.is_modified(obj, include_collections=False):
            continue
        changed = _changed_values(obj)
        if changed:
            entries.append(EntryData(now, actor, update_kind, obj.__tablename__, _pk(obj), encode_changes(changed)))
    for obj in session.deleted:
        if isinstance(obj, AuditEntry | ImportBatch):
            continue
        values = {k: canonical_value(v) for k, v in _column_values(obj).items()}
        entries.append(EntryData(now, actor, AuditKind.DELETE, obj.__tablename__, _pk(obj), encode_changes(values)))
    if entries:
        append_entries(session.connection(), entries)
