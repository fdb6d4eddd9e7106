"""the dashboard's money sums read from an index alone: budget months' revised and actual amounts

Revision ID: 0006_budget_month_amounts
Revises: 0005_action_ref_index
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006_budget_month_amounts"
down_revision = "0005_action_ref_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The dashboard sums a fiscal year's revised and actual amounts by forum and by month on every refresh; with
    # them in the index the sums no longer visit each month's table row (a scale-100 office's 36,000 months of a
    # year: 35 -> 27 ms on SQLite).
    op.create_index("ix_budget_month_amounts", "budget_month", ["budget_line_id", "fiscal_month", "revised", "actual"])


def downgrade() -> None:
    op.drop_index("ix_budget_month_amounts", table_name="budget_month")
