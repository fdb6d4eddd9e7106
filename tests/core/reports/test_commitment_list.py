"""The commitments list: RAG in SQL agrees with the one rule, and progress from the milestones."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, Milestone
from core.reports.lists import _RAG_ORDER, commitment_rag_case, fetch_list
from core.services.commitments import commitment_progress
from core.services.office import initialise_office
from core.services.rag import DUE_SOON_DAYS

AS_AT = date(2024, 2, 29)
OFFSETS = (None, -1, 0, 13, 14, 15, 60)  # the earliest open milestone, in days from AS_AT


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    with schema_db.write() as s:
        cases = itertools.product(CommitmentStatus, OFFSETS, (None, -3), (None, "RED", "Green"))
        for i, (status, offset, review, override) in enumerate(cases):
            commitment = Commitment(
                title=f"C{i}",
                title_key=f"c{i}",
                commitment_type=CommitmentType.MOU,
                status=status,
                next_review_date=None if review is None else AS_AT + timedelta(days=review),
                rag_override=override,
            )
            s.add(commitment)
            s.flush()
            s.add(Milestone(commitment_id=commitment.id, title="done", due_date=AS_AT, done_date=AS_AT))
            if offset is not None:
                s.add(Milestone(commitment_id=commitment.id, title="open", due_date=AS_AT + timedelta(days=offset)))
    return schema_db


def test_sql_rag_agrees_with_the_rule_on_every_case(db: Database) -> None:
    case = commitment_rag_case(Commitment, as_at=sa.literal(AS_AT), soon=sa.literal(AS_AT + timedelta(DUE_SOON_DAYS)))
    with db.read() as s:
        rows = s.execute(sa.select(Commitment.id, case)).all()
        assert len(rows) == len(CommitmentStatus) * len(OFFSETS) * 2 * 3
        for row_id, sql_rag in rows:
            assert sql_rag == commitment_progress(s, row_id, AS_AT).rag.value, row_id


def test_the_list_shows_rag_and_progress_and_sorts_worst_first(db: Database) -> None:
    with db.read() as s:
        page = fetch_list(s, "commitments", as_at=AS_AT, sort=("rag", False), limit=500)
    keys = [c.key for c in page.columns]
    shown = [row[keys.index("rag")] for row in page.rows]
    assert [_RAG_ORDER[value] for value in shown] == sorted(_RAG_ORDER[value] for value in shown)
    first = page.rows[0]
    assert first[keys.index("milestones_done")] == 1
    assert first[keys.index("milestones")] in (1, 2)
