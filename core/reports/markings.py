"""The highest protective marking the open office holds, for the status bar and export stamps."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.reference import Marking, Office
from core.services.markings import marked_tables


def highest_marking_held(session: Session) -> str | None:
    """The label of the highest-ranked marking on any record (the office default when nothing is marked)."""
    ranks = [
        sa.select(sa.func.max(Marking.rank)).join(table, table.c.marking_id == Marking.id).scalar_subquery()
        for table in marked_tables()
    ]
    office = session.get(Office, 1)
    default = session.get(Marking, office.default_marking_id) if office and office.default_marking_id else None
    best = max((r for r in session.execute(sa.select(*ranks)).one() if r is not None), default=None) if ranks else None
    if best is None or (default is not None and default.rank >= best):
        return default.label if default is not None else None
    return session.scalars(sa.select(Marking.label).where(Marking.rank == best)).first()
