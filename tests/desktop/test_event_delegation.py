"""Editing a forum event's delegation in its editor, as a desk officer preparing a trip would."""

from __future__ import annotations

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from core.db.engine import Database
from core.domain.forums import DelegationMember, ForumEvent
from core.domain.organisations import Person
from desktop.calendar.editor import EventEditorDialog
from desktop.editing.registers import open_editor


def test_add_a_delegate_refuse_a_repeat_and_remove_one(qtbot: QtBot, demo_db: Database) -> None:
    with demo_db.read() as s:
        event_id = s.scalar(sa.select(ForumEvent.id).order_by(ForumEvent.id))
        taken = set(s.scalars(sa.select(DelegationMember.person_id).where(DelegationMember.forum_event_id == event_id)))
        person_id, name = s.execute(
            sa.select(Person.id, Person.full_name).where(Person.id.not_in(taken)).order_by(Person.id)
        ).first()  # type: ignore[misc]
    editor = open_editor(None, demo_db, "events", event_id)
    assert isinstance(editor, EventEditorDialog)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    before = len(editor.delegates)
    assert editor.tabs.tabText(editor._delegation_tab) == f"Delegation ({before})"

    editor.choose_person(person_id)
    qtbot.keyClicks(editor.role, "Legal adviser")
    editor.head.setChecked(True)
    assert editor.add_to_delegation()
    assert editor.delegation.item(0, 0).text() == name  # the head is listed first
    assert (editor.delegation.item(0, 2).text(), editor.delegation.item(0, 3).text()) == ("Legal adviser", "Head")
    assert editor.tabs.tabText(editor._delegation_tab) == f"Delegation ({before + 1})"
    with demo_db.read() as s:
        heads = s.scalars(
            sa.select(DelegationMember.person_id).where(
                DelegationMember.forum_event_id == event_id, DelegationMember.is_head.is_(True)
            )
        ).all()
    assert heads == [person_id]

    editor.choose_person(person_id)
    assert not editor.add_to_delegation()
    assert editor.delegation_message.text() == f"{name} is already in the delegation."

    editor.delegation.setCurrentCell(0, 0)
    assert editor.remove_selected()
    assert name not in [r.person for r in editor.delegates]
    assert len(editor.delegates) == before
