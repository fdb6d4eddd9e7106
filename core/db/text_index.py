"""Keeping the FTS5 trigram index (core/db/text_search.py) usable wherever the office file travels.

A file indexed where SQLite has the trigram tokenizer (3.34 or newer), then opened by a SQLite without it (an older
Linux system library), can still be searched (text_search falls back to LIKE) but cannot be written: every insert
or update of an action runs the index's triggers, and they fail with "no such tokenizer". So at open for writing,
where the tokenizer is missing, the index and its triggers are dropped; where it is present and the index is not
(dropped so, or the file was made by such a SQLite), the index is built again. Both are one transaction.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from core.db.sqlite import BUSY_TIMEOUT_S, check_integrity, readwrite_uri
from core.db.text_search import TEXT_INDEXES, text_index_name

log = logging.getLogger(__name__)

_TRIGGER_EVENTS = ("insert", "delete", "update")
# The shadow tables of an external-content, columnsize=0 FTS5 index: the others are never made for it.
_SHADOW_SUFFIXES = ("_data", "_idx", "_config", "_docsize", "_content")
# Migration 0003 is where the index first exists; an older schema is migrated first, so this runs at head only.
_FIRST_REVISION_WITH_INDEX = "0003_text_search"


def trigram_available(conn: sqlite3.Connection) -> bool:
    """Can this SQLite build a trigram FTS5 index? (The capability probe; tests replace it.)"""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._trigram_probe USING fts5(t, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp._trigram_probe")
    return True


def reconcile_text_index(path: Path) -> str | None:
    """Drop the index this SQLite cannot maintain, or rebuild the one it can; returns what was done, if anything.
    The file's pages are checked before anything is written to it (as every write at open is)."""
    conn = sqlite3.connect(readwrite_uri(path), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        if not _has_revision_with_index(conn):
            return None
        capable = trigram_available(conn)
        done: list[str] = []
        for table, columns in TEXT_INDEXES.items():
            exists = _index_exists(conn, table)
            if exists and not capable:
                check_integrity(path)
                with _transaction(conn):
                    _drop_index(conn, table)
                done.append(f"dropped the text index of {table} (this SQLite has no trigram tokenizer)")
            elif not exists and capable:
                check_integrity(path)
                with _transaction(conn):
                    _create_index(conn, table, columns)
                done.append(f"rebuilt the text index of {table}")
    finally:
        conn.close()
    for line in done:
        log.info("%s: %s", path.name, line)
    return "; ".join(done) or None


def _has_revision_with_index(conn: sqlite3.Connection) -> bool:
    try:
        revisions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.OperationalError:
        return False
    # Revision ids sort in the order they were made (a four-digit prefix), so "at or after 0003" is a comparison.
    return any(revision >= _FIRST_REVISION_WITH_INDEX for revision in revisions)


def _index_exists(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (text_index_name(table),))
    return found.fetchone() is not None


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _drop_index(conn: sqlite3.Connection, table: str) -> None:
    index = text_index_name(table)
    for event in _TRIGGER_EVENTS:
        conn.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
    try:
        conn.execute(f"DROP TABLE {index}")
    except sqlite3.OperationalError:
        # DROP TABLE first opens the virtual table, which needs the missing tokenizer. Its shadow tables are
        # ordinary tables; the virtual table itself is one row of the schema, removed directly, and dropping
        # the shadow tables after it bumps the schema cookie so every connection rereads the schema.
        conn.execute("PRAGMA writable_schema = ON")
        try:
            conn.execute("DELETE FROM sqlite_master WHERE type = 'table' AND name = ?", (index,))
        finally:
            conn.execute("PRAGMA writable_schema = OFF")
        for suffix in _SHADOW_SUFFIXES:
            conn.execute(f"DROP TABLE IF EXISTS {index}{suffix}")


def _create_index(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> None:
    # The same index and triggers as migration 0003 (see there for why external content and detail=none).
    index = text_index_name(table)
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    conn.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5({listed}, content='{table}', content_rowid='id',"
        " tokenize='trigram', detail='none', columnsize=0)"
    )
    conn.execute(
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {index} (rowid, {listed}) VALUES (new.id, {new}); END"
    )
    conn.execute(
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {index} ({index}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
    )
    conn.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF id, {listed} ON {table} BEGIN"
        f" INSERT INTO {index} ({index}, rowid, {listed}) VALUES ('delete', old.id, {old});"
        f" INSERT INTO {index} (rowid, {listed}) VALUES (new.id, {new}); END"
    )
    conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
