"""The text index: kept in step by its triggers, dropped and rebuilt by its migration, and never changing what a search
or a list filter finds (the demo office searched with and without it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from core.db.backup import backup_to
from core.db.engine import Database, open_database
from core.db.migrate import alembic_config
from core.db.text_search import PREFIX_INDEXES, TEXT_INDEXES, text_index_name, text_index_narrowing
from core.demo import build_demo
from core.domain.meetings import Action
from core.reports.lists import fetch_list
from core.reports.search import search_everything
from core.services.office import initialise_office

AS_AT = date(2025, 8, 15)
INDEX = text_index_name("action")


@dataclass(frozen=True)
class Pair:
    indexed: Database
    plain: Database  # the same office with the index dropped: search reads every row, as before the index
    descriptions: tuple[str, ...]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("text_search")
    indexed_path, plain_path = folder / "indexed.cyberdesk", folder / "plain.cyberdesk"
    with open_database(indexed_path, create=True) as db:
        build_demo(db, as_at=AS_AT)
    backup_to(indexed_path, plain_path)
    conn = sqlite3.connect(plain_path)
    with conn:
        conn.execute(f"DROP TABLE {INDEX}")
        for event in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER {INDEX}_{event}")
    conn.close()
    # Read-only: opening for writing would rebuild the index this copy is meant to be without.
    with open_database(indexed_path) as indexed, open_database(plain_path, readonly=True) as plain:
        with indexed.read() as session:
            texts = session.execute(sa.select(Action.description, Action.progress_update, Action.ref)).all()
        yield Pair(indexed, plain, tuple(t for row in texts for t in row if t))


def index_rows(session: Session, text: str) -> set[int]:
    """The actions the index alone finds for `text` (a superset of those holding it; these texts are unique)."""
    action = Action.__table__
    assert isinstance(action, sa.Table)
    narrowing = text_index_narrowing(session, action, ["description", "progress_update"], [text])
    assert narrowing is not None
    return set(session.scalars(sa.select(Action.id).where(narrowing)))


def integrity_check(conn: sa.Connection) -> None:
    # FTS5 compares the index with the table's current text and raises on any difference.
    conn.execute(sa.text(f"INSERT INTO {INDEX} ({INDEX}, rank) VALUES ('integrity-check', 1)"))


def test_the_demo_office_is_indexed_and_the_index_follows_every_change(tmp_path: Path) -> None:
    with open_database(tmp_path / "demo.cyberdesk", create=True) as db:
        build_demo(db, as_at=AS_AT)
        with db.write() as session:
            conn = session.connection()
            integrity_check(conn)
            action = session.scalars(sa.select(Action).order_by(Action.id).limit(1)).one()
            action_id = action.id
            action.description = "Circulate the Quokkaburra non-paper"
            session.flush()
            assert index_rows(session, "quokkaburra") == {action_id}
            action.progress_update = "Zyxwv agreed"
            session.flush()
            assert index_rows(session, "ZYXWV") == {action_id}
            session.delete(action)
            session.flush()
            assert index_rows(session, "quokkaburra") == set()
            integrity_check(conn)


@pytest.mark.sqlite_only
def test_the_migration_drops_the_index_and_builds_it_again(schema_db: Database) -> None:
    with schema_db.write() as session:
        conn = session.connection()
        command.downgrade(alembic_config(conn), "0002_list_indexes")
        names = set(conn.execute(sa.text("SELECT name FROM sqlite_master")).scalars())
        assert not {n for n in names if n.startswith(INDEX)}
        command.upgrade(alembic_config(conn), "head")
        triggers = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        assert {t for t in triggers if t.startswith(INDEX)} == {f"{INDEX}_{e}" for e in ("insert", "update", "delete")}
        integrity_check(conn)


@pytest.mark.sqlite_only
def test_the_ref_prefix_index_serves_a_ref_search_and_its_migration_goes_both_ways(schema_db: Database) -> None:
    (name,) = PREFIX_INDEXES
    with schema_db.write() as session:
        conn = session.connection()
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index'"
        command.downgrade(alembic_config(conn), "0004_secondment_checklist")
        assert name not in set(conn.execute(sa.text(indexes)).scalars())
        command.upgrade(alembic_config(conn), "head")
        assert name in set(conn.execute(sa.text(indexes)).scalars())
    seen: list[tuple[str, object]] = []

    def record(conn: object, cursor: object, statement: str, parameters: object, *args: object) -> None:
        seen.append((statement, parameters))

    initialise_office(schema_db)
    sa.event.listen(schema_db.engine, "before_cursor_execute", record)
    try:
        with schema_db.read() as session:
            search_everything(session, "a04.0")
    finally:
        sa.event.remove(schema_db.engine, "before_cursor_execute", record)
    ((statement, parameters),) = ((s, p) for s, p in seen if "FROM action" in s and "LIKE" in s)
    # SQLite's own account of how it reads the refs: a range of the index, not every action.
    with schema_db.read() as session:
        explained = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
        plan = [row[3] for row in explained]
    assert any(f"USING INDEX {name} (ref>? AND ref<?)" in line for line in plan), plan


def test_short_texts_and_other_tables_are_left_to_like(pair: Pair) -> None:
    action = Action.__table__
    assert isinstance(action, sa.Table)
    with pair.indexed.read() as session:
        assert text_index_narrowing(session, action, ["description"], ["po"]) is None
        assert text_index_narrowing(session, action, ["notes"], ["points"]) is None
        assert text_index_narrowing(session, action, ["description"], ["points"]) is not None
        assert text_index_narrowing(session, action, ["description"], ["points"], max_rows=0) is None
    assert set(TEXT_INDEXES) == {"action"}


def test_a_file_indexed_with_a_tokenizer_this_sqlite_lacks_is_still_searched(pair: Pair, tmp_path: Path) -> None:
    moved = tmp_path / "moved.cyberdesk"
    assert pair.indexed.path is not None
    backup_to(pair.indexed.path, moved)
    conn = sqlite3.connect(moved)
    with conn:
        # As an older SQLite sees the file: the index names a tokenizer it does not have.
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(f"UPDATE sqlite_master SET sql = replace(sql, 'trigram', 'trigramx') WHERE name = '{INDEX}'")
    conn.close()
    with open_database(moved, readonly=True) as db, db.read() as session, pair.plain.read() as plain:
        for text in ("points of contact", "zqx"):
            assert search_everything(session, text) == search_everything(plain, text)
            listed = fetch_list(session, "actions", as_at=AS_AT, search=text, limit=50, count=False)
            assert listed.ids == fetch_list(plain, "actions", as_at=AS_AT, search=text, limit=50, count=False).ids


def the_same_found(pair: Pair, text: str) -> None:
    found = []
    for db in (pair.indexed, pair.plain):
        with db.read() as session:
            hits = search_everything(session, text)
            listed = fetch_list(session, "actions", as_at=AS_AT, search=text, limit=50, count=False)
            by_rag = fetch_list(session, "actions", as_at=AS_AT, search=text, sort=("rag", False))
        found.append((hits, listed.ids, by_rag.ids))
    assert found[0] == found[1]


KNOWN = (
    "points of contact",
    "POINTS",
    "oint",
    "a",
    "po",
    "100%",
    "_",
    'say "no"',
    "\\",
    "Élysée",
    "zqx",
    "A0",
    "ICEG-1",
    "(OEWG)",
    "draft  paper",
)


@pytest.mark.parametrize("text", KNOWN)
def test_search_and_filter_find_the_same_rows_with_the_index(pair: Pair, text: str) -> None:
    the_same_found(pair, text)


@st.composite
def pieces_of_demo_text(draw: st.DrawFn, pair: Pair) -> str:
    """A piece of real text (so that most searches find something), cased or edited as a user might type it."""
    text = draw(st.sampled_from(pair.descriptions))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    piece = text[start : start + draw(st.integers(1, 24))]
    change = draw(st.sampled_from(["as is", "upper", "lower", "extra letter", "wildcard"]))
    if change == "upper":
        return piece.upper()
    if change == "lower":
        return piece.lower()
    if change == "extra letter":
        return piece + draw(st.sampled_from("eqzé%_\"'"))
    if change == "wildcard":
        return piece.replace(" ", draw(st.sampled_from(["%", "_", " "])))
    return piece


def test_search_and_filter_find_the_same_rows_for_any_piece_of_text(pair: Pair) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(pieces_of_demo_text(pair) | st.text(min_size=1, max_size=8))
    def check(text: str) -> None:
        the_same_found(pair, text)

    check()
