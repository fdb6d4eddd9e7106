"""Pages of the actions list found segment by segment (by RAG: open, complete, cancelled; by meetings open: none
first) give the same rows in the same order as sorting every row, for searches the text index finds common or
rare, with or without a probe long enough; and the index of migration 0006 serves them."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from core.db.engine import Database
from core.db.migrate import alembic_config
from core.domain.meetings import Action, ActionStatus, Meeting, RagOverride
from core.reports import lists
from core.reports.lists import RAG_SORT_INDEX, ListPage, fetch_list, resolve_marking
from core.services.office import initialise_office
from tests.core.reports.test_lists import AS_AT, Office_, build_office

WORDS = ("points of contact", "budget review", "cyber drill", "joint statement", "Appointment letter")
SEARCHES = (None, "poi", "POINT", "drill", "nowhere", "Alex", "in progress", "A-1")


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office_]:
    built = build_office(tmp_path / "t.cyberdesk")
    rng = random.Random(3)
    with built.db.write() as session:
        template = session.get(Action, built.overdue)
        assert template is not None
        copied = {"group_id": template.group_id, "owner_agency_id": template.owner_agency_id}
        meetings = session.scalars(sa.select(Meeting).where(Meeting.group_id == template.group_id)).all()
        sensitive = session.get(Action, built.sensitive)
        assert sensitive is not None and sensitive.marking_id is not None
        for number in range(160):
            status = rng.choice([*ActionStatus, ActionStatus.COMPLETE, ActionStatus.COMPLETE])
            override = rng.choice([None] * 8 + list(RagOverride))
            due = AS_AT + timedelta(days=rng.randrange(-30, 40, 3))  # repeated dates: ties broken by ref, then id
            raised = rng.choice(meetings)  # open for 0 to 2 meetings, as closed or not
            closed = raised.meeting_date + timedelta(days=rng.randrange(0, 250, 10))
            session.add(
                Action(
                    ref=f"{'b' if number % 2 else 'B'}-{number // 2}",  # refs equal but for case: ties broken by id
                    description=f"{rng.choice(WORDS)} {number}",
                    progress_update=rng.choice(["", "Booked a drill"]),
                    original_due_date=due,
                    due_date=due,
                    status=status,
                    blocked=rng.random() < 0.1,
                    extension_count=rng.choice([0, 0, 0, 1]),
                    rag_override=override,
                    rag_override_reason="Agreed" if override else "",
                    raised_at_meeting_id=raised.id,
                    raised_on=raised.meeting_date,
                    closed_on=closed if status is ActionStatus.COMPLETE else None,
                    archived=rng.random() < 0.05,
                    marking_id=rng.choice([None, None, sensitive.marking_id]),
                    **copied,
                )
            )
    yield built
    built.db.close()


def page(db: Database, **kwargs: Any) -> ListPage:
    with db.read() as session:
        return fetch_list(session, "actions", as_at=AS_AT, **kwargs)


def test_segment_pages_are_the_pages_of_the_whole_sort(office: Office_, monkeypatch: pytest.MonkeyPatch) -> None:
    found_in_segments: Counter[str] = Counter()  # pages found by segments, by sort key
    segmented_keys = lists._segmented_keys

    def counting(*args: Any, **kwargs: Any) -> list[int] | None:
        keys = segmented_keys(*args, **kwargs)
        if keys is not None:
            found_in_segments[args[2][0][0]] += 1
        return keys

    monkeypatch.setattr(lists, "_segmented_keys", counting)
    with office.db.read() as session:
        official = resolve_marking(session, "OFFICIAL")[1]
    cases = [
        {"sort": (key, descending), "search": search, "offset": offset, "limit": 7, "max_marking_rank": ceiling}
        for key in ("rag", "open_for")
        for descending in (False, True)
        for search in SEARCHES
        for offset in (0, 5, 60, 150)
        for ceiling in (None, official)
    ]
    # As found by the text index (rare: it narrows, and every matching row is sorted) and as too common for it,
    # with a probe long enough (read in one batch or in many, small ones) and one so short that segments give up
    # and every row is sorted after all.
    for common in (False, True):
        for factor, batch, most in ((8, 4, 4000), (8, 1, 4000), (8, 4, 3), (1, 4, 4000)):
            with monkeypatch.context() as patch:
                patch.setattr(lists, "_PROBE_FACTOR", factor)
                patch.setattr(lists, "_FIRST_BATCH", batch)
                patch.setattr(lists, "_MAX_BATCH", most)
                if common:
                    patch.setattr(lists, "text_index_rows", lambda *args, **kwargs: None)
                segmented = [page(office.db, **case) for case in cases]
                patch.setattr(lists, "_page_in_segments", lambda *args: False)
                whole = [page(office.db, **case) for case in cases]
            for case, mine, theirs in zip(cases, segmented, whole, strict=True):
                assert (mine.ids, mine.rows, mine.more) == (theirs.ids, theirs.rows, theirs.more), case
                assert mine.total == theirs.total, case
                assert mine.left_out_by_marking == theirs.left_out_by_marking, case
    # The segments found many of the pages, not only the whole sort.
    assert found_in_segments["rag"] > 100 and found_in_segments["open_for"] > 20
    open_for = [row[[c.key for c in whole[0].columns].index("open_for")] for row in page(office.db).rows]
    assert set(open_for) == {0, 1, 2}
    # The whole list in RAG order, as the rule orders it: severity first, then the list's own order.
    every = page(office.db, sort=("rag", False))
    rag = [column.key for column in every.columns].index("rag")
    severity = [lists._RAG_ORDER[str(row[rag])] for row in every.rows]
    assert severity == sorted(severity)
    assert set(severity) == {0, 1, 2, 3, 4}


@pytest.mark.sqlite_only
def test_the_rag_index_puts_open_actions_in_order_and_its_migration_goes_both_ways(schema_db: Database) -> None:
    with schema_db.write() as session:
        conn = session.connection()
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index'"
        command.downgrade(alembic_config(conn), "0005_action_ref_index")
        assert RAG_SORT_INDEX not in set(conn.execute(sa.text(indexes)).scalars())
        command.upgrade(alembic_config(conn), "head")
        assert RAG_SORT_INDEX in set(conn.execute(sa.text(indexes)).scalars())
    initialise_office(schema_db)
    seen: list[tuple[str, object]] = []

    def record(conn: object, cursor: object, statement: str, parameters: object, *args: object) -> None:
        seen.append((statement, parameters))

    sa.event.listen(schema_db.engine, "before_cursor_execute", record)
    try:
        page(schema_db, sort=("rag", False), limit=10)
    finally:
        sa.event.remove(schema_db.engine, "before_cursor_execute", record)
    # The open actions' first rows in RAG order, from the index alone (SQLite's own account of the query).
    with schema_db.read() as session:
        plans = [
            [row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]  # type: ignore[arg-type]
            for statement, parameters in seen
            if "FROM action" in statement and " IN (" in statement
        ]
    assert any(f"COVERING INDEX {RAG_SORT_INDEX} (status=?)" in line for plan in plans for line in plan), plans
