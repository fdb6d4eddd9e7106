"""actions by RAG: an index holding every input of an action's RAG, so a page sorted by RAG is found from it (SQLite)

Revision ID: 0006_action_rag_index
Revises: 0005_action_ref_index
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006_action_rag_index"
down_revision = "0005_action_ref_index"
branch_labels = None
depends_on = None

# A copy of core.reports.lists.RAG_SORT_INDEX as it stood for this step: a migration must not change with the code.
_NAME = "ix_action_rag_inputs"


def upgrade() -> None:
    # RAG depends on today's date, so it cannot be stored; the actions list sorts by it as an SQL CASE over these
    # columns. With all of them (and the ref that breaks ties) in one index, the open actions of a search that
    # matches many rows are put in RAG order from the index alone, and only the first few are read to check the
    # search (core.reports.lists: _segmented_keys). PostgreSQL lists do not take that path.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE INDEX {_NAME} ON action (status, due_date, blocked, extension_count, rag_override, ref COLLATE NOCASE)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {_NAME}")
