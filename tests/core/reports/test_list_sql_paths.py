"""The fast paths of the list read models: RAG in SQL (agreeing with the rule), pages by key, counts on demand."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.domain.base import enum_type
from core.domain.meetings import Action, ActionStatus, RagOverride
from core.reports.lists import action_rag_case, count_list, fetch_list
from core.services.rag import DUE_SOON_DAYS, Rag, action_rag_input, rag
from tests.core.reports.test_lists import AS_AT, Office_, build_office, by_id

SEVERITY = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.CANCELLED)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office_]:
    built = build_office(tmp_path / "t.cyberdesk")
    yield built
    built.db.close()


@pytest.mark.parametrize("as_at", [AS_AT, date(2024, 2, 29), date(2024, 12, 31)])
def test_sql_rag_agrees_with_the_rag_rule_on_every_case(as_at: date) -> None:
    probe = sa.Table(
        "rag_probe",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", enum_type(ActionStatus), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("blocked", sa.Boolean, nullable=False),
        sa.Column("extension_count", sa.Integer, nullable=False),
        sa.Column("rag_override", enum_type(RagOverride)),
    )
    offsets = (-400, -15, -14, -1, 0, 1, 13, 14, 15, 16, 60)  # days from as_at, around each boundary of the rule
    cases = list(
        itertools.product(ActionStatus, offsets, (False, True), (0, 1, 3), (None, *RagOverride)),
    )
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            probe.create(conn)
            conn.execute(
                probe.insert(),
                [
                    {
                        "id": i,
                        "status": status,
                        "due_date": as_at + timedelta(days=offset),
                        "blocked": blocked,
                        "extension_count": extensions,
                        "rag_override": override,
                    }
                    for i, (status, offset, blocked, extensions, override) in enumerate(cases)
                ],
            )
            soon = as_at + timedelta(days=DUE_SOON_DAYS)
            stmt = sa.select(
                probe.c.id,
                action_rag_case(probe.c, as_at=as_at, soon=soon),
                action_rag_case(probe.c, as_at=as_at, soon=soon, rank=True),
            ).order_by(probe.c.id)
            found = conn.execute(stmt).all()
    finally:
        engine.dispose()
    assert len(found) == len(cases) == 5 * len(offsets) * 2 * 3 * 4
    for (row_id, value, rank), (status, offset, blocked, extensions, override) in zip(found, cases, strict=True):
        item = action_rag_input(
            status,
            as_at + timedelta(days=offset),
            blocked=blocked,
            extensions=extensions,
            override=override.value if override is not None else None,
        )
        expected = rag(item, as_at)
        assert (value, rank) == (expected.value, SEVERITY.index(expected)), (row_id, cases[row_id])


def test_rag_sorts_in_sql_one_page_at_a_time(office: Office_) -> None:
    with office.db.read() as session:
        first = fetch_list(session, "actions", as_at=AS_AT, sort=("rag", False), limit=2)
        second = fetch_list(session, "actions", as_at=AS_AT, sort=("rag", False), offset=2, limit=2)
        backwards = fetch_list(session, "actions", as_at=AS_AT, sort=("rag", True), limit=10)
        whole = fetch_list(session, "actions", as_at=AS_AT, sort=("rag", False))
    assert [by_id(first, i)["rag"] for i in first.ids] == ["Red", "Green"]
    assert (first.total, first.more) == (3, True)
    assert [by_id(second, i)["rag"] for i in second.ids] == ["Blue"]
    assert (second.total, second.more) == (3, False)
    assert first.ids + second.ids == whole.ids
    assert [by_id(backwards, i)["rag"] for i in backwards.ids] == ["Blue", "Green", "Red"]


def test_a_page_counts_only_when_asked_and_knows_its_end(office: Office_) -> None:
    with office.db.read() as session:
        first = fetch_list(session, "actions", as_at=AS_AT, limit=2, count=False)
        last = fetch_list(session, "actions", as_at=AS_AT, offset=2, limit=2, count=False)
        beyond = fetch_list(session, "actions", as_at=AS_AT, offset=5, limit=2, count=False)
        counted = fetch_list(session, "actions", as_at=AS_AT, offset=5, limit=2)
        assert count_list(session, "actions") == 3
    assert (len(first.rows), first.more, first.total) == (2, True, None)
    assert (len(last.rows), last.more, last.total) == (1, False, 3)  # the end of the list is its count
    assert (beyond.rows, beyond.more, beyond.total) == ((), False, None)
    assert counted.total == 3


def test_search_on_linked_records_finds_them_without_joining_every_row(office: Office_, statements: list[str]) -> None:
    with office.db.read() as session:
        by_group = fetch_list(session, "actions", as_at=AS_AT, search="iceg", limit=10)
        by_owner = fetch_list(session, "actions", as_at=AS_AT, search="Alex", limit=10)
        by_agency = fetch_list(session, "actions", as_at=AS_AT, search="mfa", limit=10)
        statements.clear()
        assert count_list(session, "actions", search="alex") == 1
    assert set(by_group.ids) == {office.overdue, office.complete, office.sensitive}
    assert by_owner.ids == (office.overdue,)
    assert set(by_agency.ids) == set(by_group.ids)
    assert by_owner.rows[0][[c.key for c in by_owner.columns].index("owner")] == "Alex Citizen"
    # The list's count, not the text index's look at how many rows it would find (core.db.text_search).
    count = next(s for s in statements if "count(*)" in s and "FROM action " in s)
    assert " JOIN " not in count  # the action table alone; people are looked up through the foreign key
    assert "person" in count


def test_an_offset_page_of_a_text_sort_follows_the_first(office: Office_) -> None:
    with office.db.read() as session:
        pages = [
            fetch_list(session, "organisations", as_at=AS_AT, sort=("name", True), offset=offset, limit=4)
            for offset in (0, 4)
        ]
        whole = fetch_list(session, "organisations", as_at=AS_AT, sort=("name", True))
    assert pages[0].ids + pages[1].ids == whole.ids[:8]
    assert pages[0].more


@pytest.fixture
def statements(office: Office_) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(office.db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(office.db.engine, "before_cursor_execute", record)


def test_refs_sort_ignoring_case_page_by_page_in_both_directions(office: Office_) -> None:
    with office.db.write() as session:
        template = session.get(Action, office.overdue)
        assert template is not None
        same = ("group_id", "raised_at_meeting_id", "owner_agency_id", "raised_on", "due_date", "status")
        copied = {name: getattr(template, name) for name in same}
        for ref in ("b-10", "B-2", "a-7", "Z-1", "c-3"):
            session.add(Action(ref=ref, description=ref, original_due_date=template.due_date, **copied))
    for descending in (False, True):
        with office.db.read() as session:
            pages = [
                fetch_list(session, "actions", as_at=AS_AT, sort=("ref", descending), offset=offset, limit=3)
                for offset in (0, 3, 6)
            ]
        refs = [by_id(page, i)["ref"] for page in pages for i in page.ids]
        # Letters only: the same order on every database, whatever its collation does with other characters.
        assert refs == sorted(refs, key=str.lower, reverse=descending)
        assert set(refs) == {"A-1", "A-2", "A-3", "b-10", "B-2", "a-7", "Z-1", "c-3"}
        assert [page.more for page in pages] == [True, True, False]
