"""The filter bar says when its text is too short to be looked for in descriptions and notes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from core.db.engine import Database
from desktop.lists.view import ListView


def make_view(qtbot: QtBot, db: Database, entity: str) -> ListView:
    view = ListView(db, entity)
    qtbot.addWidget(view)
    view.show()
    return view


def test_the_hint_shows_beside_the_filter_while_the_text_is_short_and_goes_at_three_characters(
    qtbot: QtBot, demo_db: Database
) -> None:
    view = make_view(qtbot, demo_db, "actions")
    hint = view.short_search_hint
    assert not hint.isVisible()
    view.search.setText("z")
    assert hint.isVisible()
    assert hint.text() == "Type 3 or more characters to search descriptions and notes too"
    assert hint.toolTip() == "Not searched yet: Action, Latest update"
    view.search.setText("zq")
    assert hint.isVisible()
    view.search.setText("zqx")
    assert not hint.isVisible()
    view.search.setText("zq")
    assert hint.isVisible()
    view.search.clear()
    assert not hint.isVisible()


def test_the_hint_names_each_lists_own_long_text_and_leaves_a_list_without_any_alone(
    qtbot: QtBot, demo_db: Database
) -> None:
    people = make_view(qtbot, demo_db, "people")
    people.search.setText("al")
    assert people.short_search_hint.isVisible()
    assert people.short_search_hint.toolTip() == "Not searched yet: Notes"
    checklist = make_view(qtbot, demo_db, "checklist_templates")
    checklist.search.setText("al")
    assert not checklist.short_search_hint.isVisible()


def test_a_filter_set_by_another_view_clears_the_hint_with_the_text(qtbot: QtBot, demo_db: Database) -> None:
    view = make_view(qtbot, demo_db, "actions")
    view.search.setText("zq")
    assert view.short_search_hint.isVisible()
    view.apply_filter(None)
    assert view.search.text() == ""
    assert not view.short_search_hint.isVisible()
