"""An office indexed where SQLite has the trigram tokenizer, opened where it has not: it is still searched, an action
can still be saved (the index that would fail in its triggers is dropped at open), and the index comes back when a
capable SQLite opens the file again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

import core.db.text_index as text_index
from core.db.engine import open_database
from core.db.text_search import text_index_name, text_index_narrowing
from core.domain.meetings import Action
from core.reports.search import search_everything
from core.services.records import update_record
from tests.core.reports.test_meeting_pack import build_pack_office

INDEX = text_index_name("action")


def schema_objects(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'action_text%'")}
    finally:
        conn.close()


def as_an_older_sqlite_sees_it(path: Path) -> None:
    """The index names a tokenizer that this SQLite does not have, exactly as on a SQLite before 3.34."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(f"UPDATE sqlite_master SET sql = replace(sql, 'trigram', 'trigramx') WHERE name = '{INDEX}'")
    conn.close()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office with a group, its meetings and a handful of actions, closed."""
    built = build_pack_office(tmp_path / "office.cyberdesk")
    assert built.db.path is not None
    built.db.close()
    return built.db.path


def save_action(path: Path, action_id: int, description: str) -> None:
    """What the action editor does on Save: an update through the records service, in one write."""
    with open_database(path) as db, db.write(actor="tester") as session:
        version = session.get_one(Action, action_id).version_id
        update_record(session, Action, action_id, version, {"description": description})


def action_ids(path: Path) -> list[int]:
    with open_database(path, readonly=True) as db, db.read() as session:
        return list(session.scalars(sa.select(Action.id).order_by(Action.id)))


def test_a_file_indexed_elsewhere_can_still_be_written_here_and_is_reindexed_later(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = action_ids(office)[:2]
    save_action(office, first, "Coordinate points of contact with the regional CERTs")
    assert {INDEX, f"{INDEX}_insert", f"{INDEX}_update", f"{INDEX}_delete"} <= schema_objects(office)
    as_an_older_sqlite_sees_it(office)

    # Without the fix this save fails inside the index's trigger: "no such tokenizer: trigramx".
    monkeypatch.setattr(text_index, "trigram_available", lambda _conn: False)
    save_action(office, second, "Draft the points of contact paper")
    with open_database(office) as db:
        with db.read() as session:
            assert schema_objects(office) == set()  # the index and its triggers are gone, nothing else
            assert text_index_narrowing(session, Action.__table__, ["description"], ["points"]) is None  # type: ignore[arg-type]
            found = {hit.row_id for hit in search_everything(session, "points of contact") if hit.kind == "action"}
            assert {first, second} <= found  # searched by LIKE, finding the same
        db.check_integrity()

    # A capable SQLite opens it again: the index is rebuilt, with the rows written while it was away.
    monkeypatch.undo()
    with open_database(office) as db, db.read() as session:
        assert {INDEX, f"{INDEX}_insert"} <= schema_objects(office)
        narrowing = text_index_narrowing(session, Action.__table__, ["description"], ["paper"])  # type: ignore[arg-type]
        assert narrowing is not None
        assert set(session.scalars(sa.select(Action.id).where(narrowing))) == {second}
    save_action(office, first, "Indexed again as it is saved")
    with open_database(office, readonly=True) as db, db.read() as session:
        narrowing = text_index_narrowing(session, Action.__table__, ["description"], ["again as"])  # type: ignore[arg-type]
        assert narrowing is not None
        assert set(session.scalars(sa.select(Action.id).where(narrowing))) == {first}


def test_a_read_only_open_changes_nothing(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_action(office, action_ids(office)[0], "Points of contact")
    as_an_older_sqlite_sees_it(office)
    monkeypatch.setattr(text_index, "trigram_available", lambda _conn: False)
    before = office.read_bytes()
    with open_database(office, readonly=True) as db, db.read() as session:
        assert search_everything(session, "points of contact")
    assert office.read_bytes() == before
