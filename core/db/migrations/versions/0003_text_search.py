"""text search: an FTS5 trigram index of the action log's text, kept in step by triggers

Revision ID: 0003_text_search
Revises: 0002_list_indexes
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_text_search"
down_revision = "0002_list_indexes"
branch_labels = None
depends_on = None

# A copy of core.db.text_search.TEXT_INDEXES as it stood for this step: a migration must not change with the code.
INDEXES = {"action": ("ref", "description", "progress_update")}


def _index(table: str) -> str:
    return f"{table}_text"


def _has_trigram_fts5() -> bool:
    """SQLite 3.34+ built with FTS5 (every Python since 3.11 on Windows and macOS; some Linux systems lack it)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False  # other databases: no index; PostgreSQL has its own branch
    try:
        bind.execute(sa.text("CREATE VIRTUAL TABLE temp._trigram_probe USING fts5(t, tokenize='trigram')"))
    except sa.exc.OperationalError:
        return False  # search keeps reading every row, as before this step
    bind.execute(sa.text("DROP TABLE temp._trigram_probe"))
    return True


def _pg_trigram_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_trgm"


def _upgrade_postgresql() -> None:
    """PostgreSQL: GIN trigram indexes that its planner uses for ILIKE '%text%' by itself, where the pg_trgm
    extension can be created (it needs the right on the database, or an administrator who created it already).
    Without it searching reads every row, as SQLite does without FTS5."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return
    for table, columns in INDEXES.items():
        for column in columns:
            op.execute(
                f"CREATE INDEX {_pg_trigram_index_name(table, column)} ON {table} USING gin ({column} gin_trgm_ops)"
            )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    if not _has_trigram_fts5():
        return
    for table, columns in INDEXES.items():
        index = _index(table)
        listed = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        # External content (the table itself holds the text), no positions (detail=none) and no column sizes: the
        # index only narrows a search that LIKE then checks, so it needs to know which rows hold which trigrams.
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({listed}, content='{table}', content_rowid='id',"
            " tokenize='trigram', detail='none', columnsize=0)"
        )
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN"
            f" INSERT INTO {index} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN"
            f" INSERT INTO {index} ({index}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF id, {listed} ON {table} BEGIN"
            f" INSERT INTO {index} ({index}, rowid, {listed}) VALUES ('delete', old.id, {old});"
            f" INSERT INTO {index} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in INDEXES.items():
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS {_pg_trigram_index_name(table, column)}")
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in INDEXES:
        index = _index(table)
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
