"""`cyberdesk copy`: move an office between an SQLite file and a PostgreSQL database, either way.

Every row of every table is copied with its id, the audit trail included, so the copy's audit chain is the same chain
(the same head hash) and ids in exported workbooks, links and the audit trail still point at the same records. The
target must hold no office yet: copying never merges. It is written in one transaction (all or nothing) without
auditing the copy row by row, since the rows' own history comes along; afterwards row counts and the chain's head are
compared on both sides, and on PostgreSQL the id sequences are moved past the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.db.errors import DatabaseError
from core.domain.audit import verify_chain
from core.domain.models import Base

CHUNK_ROWS = 2_000
Progress = Callable[[str, int], None]


class CopyRefused(DatabaseError):
    pass


@dataclass(frozen=True)
class CopyReport:
    row_counts: dict[str, int]
    audit_entries: int
    audit_head_hash: str

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def row_counts(conn: sa.Connection) -> dict[str, int]:
    return {
        table.name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        for table in Base.metadata.sorted_tables
    }


def copy_office(source: str | Path, target: str | Path, *, progress: Progress | None = None) -> CopyReport:
    """Copy the office at `source` into the empty database at `target` (created and migrated if need be)."""
    if str(source) == str(target):
        raise CopyRefused("The source and the target are the same database.")
    with open_database(source, readonly=True) as src:
        with src.engine.connect() as conn:
            expected = row_counts(conn)
            chain = verify_chain(conn)
        if chain.problems:
            raise CopyRefused(f"{src.name} fails its audit-chain check ({chain.problems[0]}); run `check` on it.")
        with open_database(target, create=True) as dst:
            _copy_rows(src, dst, progress)
            with dst.engine.connect() as conn:
                copied = row_counts(conn)
                copied_chain = verify_chain(conn)
            name = dst.name
    if copied != expected or copied_chain.head_hash != chain.head_hash or copied_chain.problems:
        raise DatabaseError(f"The copy in {name} does not match its source; it should be emptied and made again.")
    return CopyReport(copied, copied_chain.entries, copied_chain.head_hash)


def _copy_rows(src: Database, dst: Database, progress: Progress | None) -> None:
    tables = Base.metadata.sorted_tables
    with dst.raw_write() as out:
        filled = [name for name, count in row_counts(out).items() if count]
        if filled:
            raise CopyRefused(
                f"{dst.name} is not empty ({', '.join(filled[:3])}{', ...' if len(filled) > 3 else ''} hold rows): "
                "copy only into a new, empty database."
            )
        later: list[tuple[sa.Table, list[str]]] = []
        with src.engine.connect() as conn:
            for position, table in enumerate(tables):
                # References to a row not copied yet (a parent organisation with a higher id, a table later in the
                # order) are filled in once every row is there; the database checks each reference as it is written.
                pending = sorted(
                    {
                        fk.parent.name
                        for fk in table.foreign_keys
                        if fk.parent.nullable and _position(tables, fk.column.table) >= position
                    }
                )
                for rows in _chunks(conn, table):
                    out.execute(sa.insert(table), [{**row, **dict.fromkeys(pending)} for row in rows])
                    if progress is not None:
                        progress(table.name, len(rows))
                if pending:
                    later.append((table, pending))
            for table, columns in later:
                _fill_references(conn, out, table, columns)


def _position(tables: list[sa.Table], table: sa.Table) -> int:
    return tables.index(table) if table in tables else -1


def _chunks(conn: sa.Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns)
    result = conn.execution_options(yield_per=CHUNK_ROWS).execute(sa.select(table).order_by(*order))
    for chunk in result.mappings().partitions(CHUNK_ROWS):
        yield [dict(row) for row in chunk]


def _fill_references(conn: sa.Connection, out: sa.Connection, table: sa.Table, columns: list[str]) -> None:
    keys = list(table.primary_key.columns)
    wanted = sa.select(*keys, *(table.c[c] for c in columns)).where(sa.or_(*(table.c[c].is_not(None) for c in columns)))
    statement = (
        sa.update(table)
        .where(*(key == sa.bindparam(f"k_{key.name}") for key in keys))
        .values({c: sa.bindparam(f"v_{c}") for c in columns})
    )
    for chunk in conn.execute(wanted).mappings().partitions(CHUNK_ROWS):
        params = [
            {**{f"k_{key.name}": row[key.name] for key in keys}, **{f"v_{c}": row[c] for c in columns}} for row in chunk
        ]
        out.execute(statement, params)
