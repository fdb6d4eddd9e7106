"""Association tables linking records to reference items (norms, CBMs, functions, issue areas, tags)."""

import sqlalchemy as sa

from core.domain.base import Base


def tag_table(owner: str) -> sa.Table:
    """One link table per tagged entity keeps real foreign keys on both sides (no polymorphic id columns)."""
    return sa.Table(
        f"{owner}_tag",
        Base.metadata,
        sa.Column(f"{owner}_id", sa.ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "reference_item_id",
            sa.ForeignKey("reference_item.id", ondelete="RESTRICT"),
            primary_key=True,
            index=True,
        ),
    )


def link_table(name: str, left: str, right: str) -> sa.Table:
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(f"{left}_id", sa.ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(f"{right}_id", sa.ForeignKey(f"{right}.id", ondelete="RESTRICT"), primary_key=True, index=True),
    )
