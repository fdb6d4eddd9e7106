"""action refs by prefix: a case-insensitive index of the action log's references (SQLite)

Revision ID: 0005_action_ref_index
Revises: 0004_secondment_checklist
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005_action_ref_index"
down_revision = "0004_secondment_checklist"
branch_labels = None
depends_on = None

# A copy of core.db.text_search.REF_INDEX as it stood for this step: a migration must not change with the code.
_NAME = "ix_action_ref_nocase"


def upgrade() -> None:
    # Global search matches action refs from their start, ignoring case, like SQLite's LIKE: with the NOCASE
    # collation SQLite serves `ref LIKE 'A04%'` as a range of this index and lists it in ref order, so a search
    # stops at its first few refs instead of reading 200,000 actions. Not with `archived` beside ref: SQLite then
    # scanned this index to leave archived rows out of every sorted list (five times slower than the table).
    # PostgreSQL serves the same search from its trigram index.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX {_NAME} ON action (ref COLLATE NOCASE)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {_NAME}")
