"""A list's order read once (ListOrder) finds the pages of the searches typed next: the same rows in the same
order as filtering and sorting every row, for searches common, rare, narrowed by an index or not, archived rows
shown or not, under a marking ceiling, on any page; and an order for another sort or day is not used."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy
import pytest

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.reports import lists
from core.reports.lists import (
    ListOrder,
    count_list,
    fetch_list,
    order_worth_reading,
    read_list_order,
    resolve_marking,
)
from tests.core.reports.test_list_segments import SEARCHES, office, page
from tests.core.reports.test_lists import AS_AT, Office_

__all__ = ["office"]  # the fixture, shared with the segment tests

SORTS = ("status", "owner_agency", "rag", "open_for", "extensions")
# Beside the segment tests' searches: two letters (found first when few), a letter in nearly every row, and letters
# of a status that sorts late ("co": Completed).
TYPED = (*SEARCHES, "b-", "co", "zq")


def test_a_list_order_gives_the_pages_of_the_whole_sort(office: Office_, monkeypatch: pytest.MonkeyPatch) -> None:
    used: Counter[str] = Counter()  # pages found in the order, by how
    keys_in_order, listed_keys = lists._keys_in_order, lists._listed_keys
    listing: list[bool] = []

    def counting(*args: Any, **kwargs: Any) -> list[int] | None:
        listing.clear()
        keys = keys_in_order(*args, **kwargs)
        used["listed" if listing else "read"] += keys is not None
        used["given up"] += keys is None
        return keys

    def listed(*args: Any, **kwargs: Any) -> Any:
        listing.append(True)
        return listed_keys(*args, **kwargs)

    held = ListOrder.held

    def holding(order: ListOrder, *args: Any, **kwargs: Any) -> list[int]:
        used["others left out"] += kwargs.get("unless") is not None
        return held(order, *args, **kwargs)

    monkeypatch.setattr(lists, "_keys_in_order", counting)
    monkeypatch.setattr(lists, "_listed_keys", listed)
    monkeypatch.setattr(ListOrder, "held", holding)
    with office.db.read() as session:
        official = resolve_marking(session, "OFFICIAL")[1]
        orders = {
            (key, descending): read_list_order(session, "actions", as_at=AS_AT, sort=(key, descending))
            for key in SORTS
            for descending in (False, True)
        }
    cases = [
        {
            "sort": sort,
            "search": search,
            "offset": offset,
            "limit": 7,
            "max_marking_rank": ceiling,
            "include_archived": archived,
        }
        for sort in orders
        for search in TYPED
        for offset in (0, 60)
        for ceiling, archived in ((None, False), (official, True))
    ]
    whole = [page(office.db, **case) for case in cases]
    # Read in batches as on a big table; or in many tiny ones, listing or giving up soon.
    for probe, batch, most, left_out in ((6000, 4, 4000, 0.5), (20, 1, 3, 0.1)):
        with monkeypatch.context() as patch:
            patch.setattr(lists, "_LEFT_OUT_ABOVE", left_out)
            patch.setattr(lists, "_ORDER_PROBE", probe)
            patch.setattr(lists, "_FIRST_BATCH", batch)
            patch.setattr(lists, "_MAX_BATCH", most)
            in_order = [page(office.db, **case, order=orders[case["sort"]]) for case in cases]
        for case, mine, theirs in zip(cases, in_order, whole, strict=True):
            assert (mine.ids, mine.rows, mine.more, mine.total) == (theirs.ids, theirs.rows, theirs.more, theirs.total)
            assert mine.left_out_by_marking == theirs.left_out_by_marking, case
    # Each way was taken, many times: read in order, listed, and given up for the whole sort (without a search,
    # whose rows no index lists, far down the order); and a status most rows hold found by leaving out the others.
    assert used["read"] > 40 and used["listed"] > 40 and used["given up"] > 10, used
    assert used["others left out"] > 10, used


def test_an_order_for_another_sort_or_day_is_not_used(office: Office_, monkeypatch: pytest.MonkeyPatch) -> None:
    with office.db.read() as session:
        order = read_list_order(session, "actions", as_at=AS_AT, sort=("status", False))
    calls: list[object] = []
    monkeypatch.setattr(lists, "_keys_in_order", lambda *args: calls.append(args))
    other_day = replace(order, as_at=AS_AT + timedelta(days=1))
    for sort, given in ((("status", True), order), (("owner", False), order), (("status", False), other_day)):
        assert page(office.db, sort=sort, limit=5, order=given) == page(office.db, sort=sort, limit=5)
    assert calls == []
    page(office.db, sort=("status", False), limit=5, order=order)  # these are
    page(office.db, sort=("status", False), search="b", limit=5, order=order)
    assert len(calls) == 2


def test_a_list_order_holds_every_row_archived_or_not_once(office: Office_) -> None:
    with office.db.read() as session:
        order = read_list_order(session, "actions", as_at=AS_AT, sort=("status", True))
    every = page(office.db, sort=("status", True), include_archived=True)
    assert isinstance(order, ListOrder)
    assert list(order.keys) == list(every.ids)
    assert len(set(order.keys)) == len(order.keys) > 160


def test_an_order_is_read_only_where_searching_would_sort_every_row() -> None:
    # The list's own order and orders an index serves read their rows in order already.
    assert not order_worth_reading("actions", None)
    assert not order_worth_reading("actions", ("due", False))
    assert not order_worth_reading("actions", ("ref", True))  # SQLite's index of refs without case (0005)
    # A status sorts by its meaning (a CASE no index serves), names by another table's column, RAG and meetings
    # open are computed.
    for key in ("status", "owner", "group", "rag", "open_for", "extensions"):
        assert order_worth_reading("actions", (key, False)), key
    assert order_worth_reading("people", ("organisation", False))


def test_an_order_places_keys_whatever_their_numbers() -> None:
    # Row ids from 1 with few gaps: places by id; far apart (a sequence that jumped): a dict, not 8 GB.
    for keys in ([5, 3, 9, 1], [7, 2_000_000_000, 4, -3]):
        order = ListOrder.of("actions", ("status", False), AS_AT, keys)
        found = numpy.array([4, 9, 7, 5, 6, 2_000_000_000, 7, -3, 12, 10**15], dtype=numpy.int64)
        assert order.held(found) == [k for k in keys if k in {4, 9, 7, 5, 2_000_000_000, -3}]
        assert order.held(found, after=2) == [k for k in keys[2:] if k in {4, 9, 7, 5, 2_000_000_000, -3}]
        assert order.held(numpy.array([], dtype=numpy.int64)) == []
        # Every key but those left out, unless listed too.
        unless = numpy.array([keys[0], keys[1], 10**12], dtype=numpy.int64)
        assert order.held(numpy.array([keys[1]], dtype=numpy.int64), unless=unless) == keys[1:]
        assert order.held(numpy.array([], dtype=numpy.int64), unless=unless, after=3) == keys[3:]
    assert not isinstance(ListOrder.of("actions", ("status", False), AS_AT, [1, 2]).places, dict)
    assert isinstance(ListOrder.of("actions", ("status", False), AS_AT, [1, 10**9]).places, dict)


def test_a_list_order_gives_the_same_pages_on_both_databases(schema_db: Database) -> None:
    build_demo(schema_db, as_at=AS_AT)
    for sort in (("status", False), ("owner", True), ("rag", False), ("open_for", True)):
        with schema_db.read() as session:
            order = read_list_order(session, "actions", as_at=AS_AT, sort=sort)
            assert len(order.keys) == count_list(session, "actions", include_archived=True)
        for search in (None, "a", "MFA", "review", "zq"):
            for offset in (0, 7):
                with schema_db.read() as session:
                    query = {"as_at": AS_AT, "sort": sort, "search": search, "offset": offset, "limit": 7}
                    mine = fetch_list(session, "actions", **query, order=order)  # type: ignore[arg-type]
                    theirs = fetch_list(session, "actions", **query)  # type: ignore[arg-type]
                assert (mine.ids, mine.rows, mine.more) == (theirs.ids, theirs.rows, theirs.more), (sort, search)


def test_rows_are_listed_only_in_the_big_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # People are few: a search in their order reads rows in it, else sorts them all, as before listing. (A first
    # batch of one key per row needed: a search the first keys do not fill would be listed if anything were.)
    db = open_database(tmp_path / "demo.cyberdesk", create=True)
    build_demo(db, as_at=AS_AT)
    listed: list[object] = []
    listed_keys = lists._listed_keys
    monkeypatch.setattr(lists, "_listed_keys", lambda *args: listed.append(args) or listed_keys(*args))
    monkeypatch.setattr(lists, "_FIRST_BATCH", 1)
    for entity, sort in (("people", ("organisation", False)), ("actions", ("status", False))):
        with db.read() as session:
            order = read_list_order(session, entity, as_at=AS_AT, sort=sort)
            assert len(order.keys) > 40
            for search in ("a", "zq"):
                query: dict[str, Any] = {"as_at": AS_AT, "sort": sort, "search": search, "limit": 3}
                mine = fetch_list(session, entity, **query, order=order)
                theirs = fetch_list(session, entity, **query)
                assert (mine.ids, mine.rows) == (theirs.ids, theirs.rows)
        assert bool(listed) is (entity == "actions"), entity  # actions are listed
