"""Text shorter than three characters filters a list by its names, refs and titles only, as global search does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import core.reports.lists as lists
from core.db.text_search import few_rows_narrowing
from core.domain.meetings import Action
from core.domain.organisations import Organisation
from core.reports.lists import LIST_ENTITIES, count_list, fetch_list, unsearched_columns
from core.reports.search import search_everything
from tests.core.reports import test_lists
from tests.core.reports.test_lists import AS_AT, Office_, build_office

statements = test_lists.statements  # the SQL sent, as a fixture


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office_]:
    built = build_office(tmp_path / "t.cyberdesk")
    with built.db.write() as session:
        # Text found only in an action's description and latest update, and in an organisation's notes.
        session.get_one(Action, built.overdue).description = "Exchange points of contact with the Xylo partners"
        session.get_one(Action, built.sensitive).progress_update = "Drafting the joint statement with Qwi"
        mfa = session.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        mfa.notes = "Ask about the Zuvo arrangement"
    yield built
    built.db.close()


def found(office: Office_, entity: str, search: str, **kwargs: object) -> set[int]:
    with office.db.read() as session:
        page = fetch_list(session, entity, as_at=AS_AT, search=search, **kwargs)  # type: ignore[arg-type]
        assert count_list(session, entity, search=search) == len(page.ids)
    return set(page.ids)


def test_two_letters_find_actions_by_ref_and_the_names_shown(office: Office_) -> None:
    every = {office.overdue, office.complete, office.sensitive}
    assert found(office, "actions", "-2") == {office.complete}  # ref A-2 (its description says "Action A-2" too)
    assert found(office, "actions", "Al") == {office.overdue}  # owner Alex Citizen
    assert found(office, "actions", "IC") == every  # group ICEG
    assert found(office, "actions", "mf") == every  # owner agency MFA
    assert found(office, "actions", "pl") == {office.complete}  # status Complete


def test_two_letters_do_not_look_in_an_actions_description_or_update_but_three_do(office: Office_) -> None:
    assert found(office, "actions", "Xy") == set()
    assert found(office, "actions", "Xyl") == {office.overdue}
    assert found(office, "actions", "qw") == set()
    assert found(office, "actions", " qwi ") == {office.sensitive}


def test_every_list_follows_the_rule_not_only_actions(office: Office_) -> None:
    with office.db.read() as session:
        mfa = session.scalars(sa.select(Organisation.id).where(Organisation.code == "MFA")).one()
    assert found(office, "organisations", "Zu") == set()
    assert found(office, "organisations", "Zuv") == {mfa}
    assert mfa in found(office, "organisations", "MF")  # by code


def test_global_search_and_the_lists_agree_on_short_text(office: Office_) -> None:
    with office.db.read() as session:
        assert [hit.row_id for hit in search_everything(session, "Xy") if hit.kind == "action"] == []
        assert [hit.row_id for hit in search_everything(session, "Xyl") if hit.kind == "action"] == [office.overdue]


def test_the_columns_short_text_leaves_out_are_the_long_text_of_each_list() -> None:
    headers = {entity: [c.header for c in unsearched_columns(entity, "zq")] for entity in LIST_ENTITIES}
    assert headers["actions"] == ["Action", "Latest update"]
    assert headers["organisations"] == headers["people"] == headers["forums"] == ["Notes"]
    assert headers["decisions"] == ["Decision"]
    assert headers["audit"] == ["Changes"]
    assert headers["checklist_templates"] == []  # titles and sources only: short text searches it all
    assert unsearched_columns("actions", "zqx") == ()
    assert unsearched_columns("actions", "  ") == ()
    assert [c.header for c in unsearched_columns("actions", " zq ")] == ["Action", "Latest update"]


@pytest.mark.parametrize("sort", [None, ("due", True), ("ref", False), ("rag", False), ("rag", True), ("owner", False)])
def test_short_text_finds_the_same_rows_in_the_same_order_whether_its_rows_are_found_first_or_not(
    office: Office_, statements: list[str], monkeypatch: pytest.MonkeyPatch, sort: tuple[str, bool] | None
) -> None:
    def pages() -> list[tuple[int, ...]]:
        return [
            fetch_list(session, "actions", as_at=AS_AT, sort=sort, search=text, limit=limit).ids
            for text in ("IC", "mf", "-1", "zq")
            for limit in (1, 10)
        ]

    with office.db.read() as session:
        narrowed = pages()
        assert any("json_each" in statement for statement in statements)
        statements.clear()
        monkeypatch.setattr(lists, "few_rows_narrowing", lambda *_args, **_kwargs: None)
        read_in_order = pages()
        assert not any("json_each" in statement for statement in statements)
    assert narrowed == read_in_order
    assert narrowed[1] and not narrowed[-1]


def test_rows_read_in_a_stored_columns_order_are_found_first_only_when_very_few(
    office: Office_, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "_IN_ORDER_NARROWED", 2)  # "IC" matches 3 actions
    with office.db.read() as session:
        by_due = fetch_list(session, "actions", as_at=AS_AT, sort=("due", False), search="IC", limit=10)
        assert not any("json_each" in statement for statement in statements)
        by_rag = fetch_list(session, "actions", as_at=AS_AT, sort=("rag", False), search="IC", limit=10)
        assert any("json_each" in statement for statement in statements)
    assert set(by_due.ids) == set(by_rag.ids) == {office.overdue, office.complete, office.sensitive}


def test_rows_are_found_first_only_on_a_big_table_and_only_when_few(office: Office_) -> None:
    actions, organisations = Action.__table__, Organisation.__table__
    assert isinstance(actions, sa.Table) and isinstance(organisations, sa.Table)
    with office.db.read() as session:
        in_group = [actions.c.group_id.isnot(None)]  # every action: four, the archived one too
        narrowing = few_rows_narrowing(session, actions, in_group, max_rows=4)
        assert narrowing is not None
        assert len(session.scalars(sa.select(actions.c.id).where(narrowing)).all()) == 4
        assert few_rows_narrowing(session, actions, in_group, max_rows=3) is None
        assert few_rows_narrowing(session, organisations, [organisations.c.id > 0]) is None  # small: read it all
