"""Markings enforced (issue 9 item 6): nothing is saved above the office's ceiling, the ceiling cannot be lowered
below records already marked, and the editor says so next to the marking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from core.db.engine import Database, open_database
from core.domain.forums import Forum, ForumEvent
from core.domain.reference import Marking
from core.services.markings import (
    add_marking,
    count_marked,
    list_markings,
    move_marking,
    set_default_and_ceiling,
)
from core.services.office import load_settings
from core.services.records import create_record, update_record
from core.services.validation import ValidationError

SENSITIVE = "OFFICIAL: Sensitive"


@pytest.fixture
def db(office: Path) -> Iterator[Database]:
    """The small office, with PROTECTED added above its ceiling (OFFICIAL: Sensitive)."""
    database = open_database(office)
    with database.write() as session:
        add_marking(session, "PROTECTED")
    yield database
    database.close()


def marking(db: Database, label: str) -> int:
    with db.read() as session:
        return next(m.id for m in list_markings(session) if m.label == label)


def new_event(db: Database, title: str, marking_id: int | None = None) -> int:
    with db.write() as session:
        forum = session.scalars(sa.select(Forum.id).order_by(Forum.id)).first()
        values = {"forum_id": forum, "title": title, "start_date": date(2026, 3, 2), "end_date": date(2026, 3, 3)}
        if marking_id is not None:
            values["marking_id"] = marking_id
        return create_record(session, ForumEvent, values).id


def mark_directly(db: Database, event_id: int, marking_id: int) -> None:
    """As a file made before the ceiling was lowered, or by a bulk writer, would leave it."""
    with db.raw_write() as conn:
        conn.execute(sa.update(ForumEvent).where(ForumEvent.id == event_id).values(marking_id=marking_id))


def test_a_record_above_the_ceiling_cannot_be_created_or_raised_above_it(db: Database) -> None:
    protected = marking(db, "PROTECTED")
    with pytest.raises(ValidationError) as created:
        new_event(db, "Above the ceiling", protected)
    assert created.value.errors == {
        "marking_id": "“PROTECTED” is above this office's highest allowed marking, “OFFICIAL: Sensitive”: "
        "choose that or a lower marking."
    }
    event_id = new_event(db, "At the ceiling", marking(db, SENSITIVE))
    with pytest.raises(ValidationError) as raised, db.write() as session:
        update_record(session, ForumEvent, event_id, 1, {"marking_id": protected})
    assert set(raised.value.errors) == {"marking_id"}
    with db.read() as session:
        titles = dict(session.execute(sa.select(ForumEvent.title, ForumEvent.marking_id)).all())
    assert "Above the ceiling" not in titles  # nothing half-saved
    assert titles["At the ceiling"] == marking(db, SENSITIVE)


def test_a_record_left_above_the_ceiling_cannot_be_saved_until_it_is_lowered(db: Database) -> None:
    event_id = new_event(db, "Old and sensitive")
    mark_directly(db, event_id, marking(db, "PROTECTED"))
    with pytest.raises(ValidationError) as refused, db.write() as session:
        update_record(session, ForumEvent, event_id, 1, {"notes": "a change elsewhere"})
    assert "above this office's highest allowed marking" in refused.value.errors["marking_id"]
    with db.write() as session:
        update_record(session, ForumEvent, event_id, 1, {"notes": "lowered", "marking_id": marking(db, SENSITIVE)})


def test_lowering_the_ceiling_below_marked_records_is_refused_with_a_count(db: Database) -> None:
    official, sensitive, protected = (marking(db, m) for m in ("OFFICIAL", SENSITIVE, "PROTECTED"))
    with db.write() as session:  # raise the ceiling, then mark three records up to it
        settings = set_default_and_ceiling(session, load_settings(session).version, official, protected)
    for i in range(3):
        new_event(db, f"Protected {i}", protected)
    new_event(db, "Sensitive", sensitive)
    with pytest.raises(ValidationError) as refused, db.write() as session:
        set_default_and_ceiling(session, settings.version, official, sensitive)
    assert refused.value.errors == {
        "max_marking_id": "3 records are marked above “OFFICIAL: Sensitive”; lower their markings first."
    }
    with pytest.raises(ValidationError) as lower, db.write() as session:
        set_default_and_ceiling(session, settings.version, official, official)
    assert lower.value.errors["max_marking_id"].startswith("4 records are marked above “OFFICIAL”")
    with db.read() as session:
        assert load_settings(session).max_marking == "PROTECTED"
        assert count_marked(session, Marking.id == protected) == 3


def test_reordering_cannot_carry_marked_records_above_the_ceiling(db: Database) -> None:
    sensitive, protected = marking(db, SENSITIVE), marking(db, "PROTECTED")
    new_event(db, "Sensitive", sensitive)
    mark_directly(db, new_event(db, "Left above"), protected)
    # Moving the ceiling (Sensitive) above PROTECTED is fine: what PROTECTED marks comes under the ceiling.
    with db.write() as session:
        move_marking(session, sensitive, up=True)
    event_id = new_event(db, "Now allowed", protected)
    with pytest.raises(ValidationError) as refused, db.write() as session:
        move_marking(session, protected, up=True)  # would carry that record above the ceiling
    assert refused.value.errors == {
        "rank": "2 records are marked above “OFFICIAL: Sensitive”; lower their markings first."
    }
    with pytest.raises(ValidationError) as ceiling_down, db.write() as session:
        move_marking(session, sensitive, up=False)  # the same swap, asked of the ceiling
    assert ceiling_down.value.errors == refused.value.errors
    with db.read() as session:
        assert session.get_one(ForumEvent, event_id).marking_id == protected
        assert [m.label for m in list_markings(session)] == ["OFFICIAL", "PROTECTED", SENSITIVE]


def test_the_editor_says_so_next_to_the_marking(qtbot: QtBot, db: Database, edit: Callable[..., Any]) -> None:
    event_id = new_event(db, "Mailed in marked PROTECTED")
    mark_directly(db, event_id, marking(db, "PROTECTED"))
    dialog = edit(db, "events", event_id, "notes", "A change to something else")
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message_for("marking_id") == (
        "“PROTECTED” is above this office's highest allowed marking, “OFFICIAL: Sensitive”: "
        "choose that or a lower marking."
    )
    with db.read() as session:
        assert session.get_one(ForumEvent, event_id).notes == ""


def test_the_settings_dialog_refuses_a_lower_ceiling_next_to_it_with_the_count(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    from desktop.settings import AppSettings
    from desktop.settings_dialog import SettingsDialog

    official, protected = marking(db, "OFFICIAL"), marking(db, "PROTECTED")
    with db.write() as session:
        set_default_and_ceiling(session, load_settings(session).version, official, protected)
    for i in range(3):
        new_event(db, f"Protected {i}", protected)
    dialog = SettingsDialog(db, AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.max_picker.setCurrentIndex(dialog.max_picker.findText(SENSITIVE))
    with qtbot.assertNotEmitted(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message_for("max_marking_id") == (
        "3 records are marked above “OFFICIAL: Sensitive”; lower their markings first."
    )
    with db.read() as session:
        assert load_settings(session).max_marking == "PROTECTED"
