"""Record editors on the demo office: create, edit, messages as typed, conflicts, archive, history, read-only, guard."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QWidget

from core.db.engine import Database, open_database
from core.db.errors import DatabaseBusy
from core.domain.audit import AuditEntry, AuditKind, current_actor
from core.domain.base import Base
from core.domain.forums import ForumEvent
from core.domain.meetings import Action, ActionStatus, RagOverride
from core.domain.organisations import Organisation, OrgType
from core.domain.secondments import CoiStatus, Secondment, SecondmentStatus, SecondmentType
from core.reports.records import choices, load_record
from desktop.editing.dialog import RecordEditorDialog
from desktop.editing.registers import EDITORS, open_editor

MFA = 1  # referenced by people, forums, actions...: it can only be archived
NORTHWIND = 28  # a firm, never a member of the engagement group
COUNCIL_OF_EUROPE = "Council of Europe"
ACTION = 120
EVENT = 2  # OSCE IWG expert meeting, 1–31 Jul 2022
PROPOSED_INDUSTRY_LOAN = 3


@pytest.fixture
def open_dialog(qtbot: QtBot, demo_db: Database) -> Iterator[Any]:
    def opener(entity: str, row_id: int | None = None, db: Database = demo_db) -> RecordEditorDialog:
        dialog = open_editor(None, db, entity, row_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    yield opener


def widget(dialog: RecordEditorDialog, key: str) -> QWidget:
    return dialog.editor(key).focus_widgets()[0]


def set_value(qtbot: QtBot, dialog: RecordEditorDialog, key: str, value: Any) -> None:
    with qtbot.waitSignal(dialog.sig_fields_validated):
        dialog.editor(key).set_field_value(value)


def type_into(qtbot: QtBot, dialog: RecordEditorDialog, key: str, text: str, *, replace: bool = True) -> None:
    target = widget(dialog, key)
    with qtbot.waitSignal(dialog.sig_fields_validated):
        if replace:
            dialog.editor(key).set_field_value(None)
        qtbot.keyClicks(target, text)


def save(qtbot: QtBot, dialog: RecordEditorDialog) -> tuple[str, int]:
    with qtbot.waitSignal(dialog.sig_record_saved) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    table, row_id = blocker.args
    return table, row_id


def values(db: Database, model: type[Base], row_id: int) -> dict[str, Any]:
    with db.read() as session:
        return dict(load_record(session, model, row_id).values)


def audit(db: Database, table: str, row_id: int) -> list[AuditEntry]:
    with db.read() as session:
        stmt = sa.select(AuditEntry).where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        return list(session.scalars(stmt.order_by(AuditEntry.id.desc())))


def count(db: Database, model: type[Base]) -> int:
    with db.read() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def click(qtbot: QtBot, button: QAbstractButton | None) -> None:
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def prompt_button(dialog: RecordEditorDialog, text: str) -> QAbstractButton:
    assert dialog.prompt is not None and dialog.prompt.isVisible()
    return next(b for b in dialog.prompt.buttons() if b.text() == text)


# --- organisations ----------------------------------------------------------------------------------------


def test_create_organisation(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("organisations")
    assert dialog.windowTitle() == "New organisation"
    assert dialog.marking_label.text() == "Marking: Office default (OFFICIAL)"
    type_into(qtbot, dialog, "name", "Cyber Policy Institute")
    type_into(qtbot, dialog, "code", "CPI")
    set_value(qtbot, dialog, "org_type", OrgType.UNIVERSITY)
    table, row_id = save(qtbot, dialog)
    assert table == "organisation"
    row = values(demo_db, Organisation, row_id)
    assert (row["name"], row["code"], row["org_type"]) == ("Cyber Policy Institute", "CPI", OrgType.UNIVERSITY)
    assert row["short_name"] == "" and row["parent_id"] is None
    assert [e.kind for e in audit(demo_db, "organisation", row_id)] == [AuditKind.INSERT]


def test_edit_sends_only_the_changed_field_and_is_audited(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("organisations", 5)
    type_into(qtbot, dialog, "country", "Meridia")
    assert dialog.changed_values() == {"country": "Meridia"}
    save(qtbot, dialog)
    assert values(demo_db, Organisation, 5)["country"] == "Meridia"
    latest = audit(demo_db, "organisation", 5)[0]
    assert latest.kind is AuditKind.UPDATE
    assert json.loads(latest.changes) == {"country": {"old": "", "new": "Meridia"}}


def test_duplicate_name_message_next_to_the_name_with_focus(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    before = count(demo_db, Organisation)
    dialog = open_dialog("organisations")
    type_into(qtbot, dialog, "name", "council of  EUROPE")
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.message_for("name") == "An organisation with this name already exists."
    assert widget(dialog, "name").accessibleDescription() == "An organisation with this name already exists."
    assert dialog.focusWidget() is widget(dialog, "name")
    assert dialog.editor("name").field_value() == "council of  EUROPE"  # the user's input is kept
    assert count(demo_db, Organisation) == before


def test_required_name_shows_as_typed(qtbot: QtBot, open_dialog: Any) -> None:
    dialog = open_dialog("organisations", 5)
    type_into(qtbot, dialog, "name", "   ")
    assert dialog.message_for("name") == "This is required."
    type_into(qtbot, dialog, "name", "Ministry of Justice")
    assert dialog.message_for("name") == ""


def test_archive_and_restore_a_referenced_organisation(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("organisations", MFA)
    assert dialog.archive_button.text() == "Archive"
    with qtbot.waitSignal(dialog.sig_record_saved) as blocker:
        click(qtbot, dialog.archive_button)
    assert blocker.args == ["organisation", MFA]
    assert values(demo_db, Organisation, MFA)["archived"] is True
    assert dialog.isVisible() and dialog.archive_button.text() == "Restore"
    assert "hidden from pickers" in dialog.message_area.text()
    with demo_db.read() as session:
        assert MFA not in {c.id for c in choices(session, "organisation")}
    with qtbot.waitSignal(dialog.sig_record_saved):
        click(qtbot, dialog.archive_button)
    assert values(demo_db, Organisation, MFA)["archived"] is False


def test_deleting_a_referenced_organisation_says_archive_instead(
    qtbot: QtBot, open_dialog: Any, demo_db: Database
) -> None:
    dialog = open_dialog("organisations", MFA)
    click(qtbot, dialog.delete_button)
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        click(qtbot, dialog.prompt_yes_button)
    assert dialog.isVisible()
    assert dialog.message_area.isVisible()
    assert "archive it instead of deleting it" in dialog.message_area.text()
    assert values(demo_db, Organisation, MFA)["archived"] is False


def test_deleting_an_unreferenced_organisation(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    creator = open_dialog("organisations")
    type_into(qtbot, creator, "name", "Mistaken Entry")
    _, row_id = save(qtbot, creator)
    dialog = open_dialog("organisations", row_id)
    click(qtbot, dialog.delete_button)
    with qtbot.waitSignal(dialog.sig_record_saved):
        click(qtbot, prompt_button(dialog, "Delete"))
    assert not dialog.isVisible()
    with demo_db.read() as session:
        assert session.get(Organisation, row_id) is None


def test_history_tab_lists_the_edit_and_the_demo_batch(qtbot: QtBot, open_dialog: Any) -> None:
    editing = open_dialog("organisations", 5)
    type_into(qtbot, editing, "country", "Meridia")
    save(qtbot, editing)
    dialog = open_dialog("organisations", 5)
    tree = dialog.history
    assert dialog.tabs.tabText(1) == "History"
    newest = tree.topLevelItem(0)
    assert newest is not None
    assert newest.text(1) == current_actor()
    assert newest.text(2) == "Changed"
    line = newest.child(0)
    assert line is not None
    assert (line.text(2), line.text(3), line.text(4)) == ("Country", "", "Meridia")
    oldest = tree.topLevelItem(tree.topLevelItemCount() - 1)
    assert oldest is not None
    assert oldest.text(2) == "Created in bulk"
    note = oldest.child(0)
    assert note is not None and note.text(0).startswith("Created by the demo batch")


def test_read_only_database(qtbot: QtBot, demo_path: Path) -> None:
    db = open_database(demo_path, readonly=True)
    try:
        dialog = open_editor(None, db, "organisations", 5)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.save_button.isVisible()
        assert not dialog.archive_button.isVisible() and not dialog.delete_button.isVisible()
        assert not widget(dialog, "name").isEnabled()
        assert "read-only" in dialog.message_area.text()
        assert dialog.close_button.text() == "Close"
        assert dialog.save() is False
        dialog.reject()  # nothing could change, so nothing to ask
        assert not dialog.isVisible()
    finally:
        db.close()


def test_unsaved_changes_guard(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("organisations", 5)
    type_into(qtbot, dialog, "country", "Meridia")
    dialog.close()
    assert dialog.isVisible()
    click(qtbot, prompt_button(dialog, "Keep editing"))
    assert dialog.isVisible()
    assert dialog.editor("country").field_value() == "Meridia"
    qtbot.keyClick(widget(dialog, "country"), Qt.Key.Key_Escape)
    assert dialog.isVisible()
    click(qtbot, prompt_button(dialog, "Discard"))
    assert not dialog.isVisible()
    assert values(demo_db, Organisation, 5)["country"] == ""


def test_busy_database_message_keeps_the_edit(
    qtbot: QtBot, open_dialog: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog("organisations", 5)
    type_into(qtbot, dialog, "country", "Meridia")

    @contextlib.contextmanager
    def busy(**_info: Any) -> Iterator[Any]:
        raise DatabaseBusy("office.cyberdesk is busy: another program is saving. Try again in a moment.")
        yield

    monkeypatch.setattr(demo_db, "write", busy)
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.message_area.isVisible()
    assert "is busy" in dialog.message_area.text()
    assert dialog.editor("country").field_value() == "Meridia"


def test_escape_closes_an_unchanged_editor_without_asking(qtbot: QtBot, open_dialog: Any) -> None:
    dialog = open_dialog("organisations", 5)
    qtbot.keyClick(widget(dialog, "country"), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.prompt is None


def test_ctrl_s_saves(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("organisations", 5)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    type_into(qtbot, dialog, "country", "Meridia")
    with qtbot.waitSignal(dialog.sig_record_saved):
        qtbot.keyClick(widget(dialog, "country"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert values(demo_db, Organisation, 5)["country"] == "Meridia"


# --- actions ----------------------------------------------------------------------------------------------


def test_create_action(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("actions")
    type_into(qtbot, dialog, "ref", "A99.01")
    type_into(qtbot, dialog, "description", "Circulate the draft national position")
    set_value(qtbot, dialog, "owner_agency_id", MFA)
    set_value(qtbot, dialog, "due_date", date.today().replace(day=1).replace(year=date.today().year + 1))
    _, row_id = save(qtbot, dialog)
    row = values(demo_db, Action, row_id)
    assert (row["ref"], row["group_id"], row["owner_agency_id"], row["status"]) == ("A99.01", 1, MFA, ActionStatus.OPEN)
    assert row["original_due_date"] == row["due_date"]  # as first agreed
    assert row["raised_on"] == date.today()


def test_action_owner_must_be_a_member_message_on_save(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    before = values(demo_db, Action, ACTION)
    dialog = open_dialog("actions", ACTION)
    set_value(qtbot, dialog, "owner_agency_id", NORTHWIND)
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (
        dialog.message_for("owner_agency_id") == "This agency was not a member of the group when the action was raised."
    )
    assert dialog.focusWidget() is widget(dialog, "owner_agency_id")
    assert values(demo_db, Action, ACTION)["version_id"] == before["version_id"]


def test_rag_override_needs_a_reason_as_typed(qtbot: QtBot, open_dialog: Any) -> None:
    dialog = open_dialog("actions", ACTION)
    set_value(qtbot, dialog, "rag_override", RagOverride.RED)
    assert dialog.message_for("rag_override_reason") == "Give a reason for overriding the RAG status."
    type_into(qtbot, dialog, "rag_override_reason", "Ministerial deadline moved")
    assert dialog.message_for("rag_override_reason") == ""


def test_edit_action_history_shows_old_and_new(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    old = values(demo_db, Action, ACTION)["progress_update"]
    dialog = open_dialog("actions", ACTION)
    type_into(qtbot, dialog, "progress_update", "Draft with the legal division")
    set_value(qtbot, dialog, "status", ActionStatus.IN_PROGRESS)
    save(qtbot, dialog)
    reopened = open_dialog("actions", ACTION)
    newest = reopened.history.topLevelItem(0)
    assert newest is not None
    lines = {
        newest.child(i).text(2): (newest.child(i).text(3), newest.child(i).text(4)) for i in range(newest.childCount())
    }
    assert lines["Latest update"] == (old, "Draft with the legal division")
    assert lines["Status"][1] == "In progress"


def test_action_editor_screenshot_with_a_message(qtbot: QtBot, open_dialog: Any) -> None:
    dialog = open_dialog("actions", ACTION)
    set_value(qtbot, dialog, "due_date", date(2000, 1, 1))
    assert dialog.message_for("due_date") == "The due date cannot be before the action was raised."
    assert not dialog.grab().isNull()


def _conflicting_pair(qtbot: QtBot, open_dialog: Any) -> tuple[RecordEditorDialog, RecordEditorDialog]:
    """Two users open the same action; the first saves a new update while the second rewords the action."""
    first = open_dialog("actions", ACTION)
    second = open_dialog("actions", ACTION)
    type_into(qtbot, first, "progress_update", "First user's update")
    save(qtbot, first)
    type_into(qtbot, second, "description", "Second user's wording")
    with qtbot.assertNotEmitted(second.sig_record_saved):
        qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    conflict = second.conflict_dialog
    assert conflict is not None and conflict.isVisible()
    assert conflict.message.text().startswith(f"This record was changed by {current_actor()} at ")
    assert conflict.message.text().endswith(" while you were editing it.")
    table = conflict.differences
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())}
    assert set(rows) == {"Action", "Latest update"}
    # Keep mine saves only the field this user changed: the other user's update stays.
    assert rows["Action"][0] == rows["Action"][2] == "Second user's wording"
    assert rows["Latest update"][1] == rows["Latest update"][2] == "First user's update"
    assert rows["Latest update"][0] != "First user's update"
    return first, second


def test_conflict_reload_discards_my_edit(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    original = values(demo_db, Action, ACTION)["description"]
    _, second = _conflicting_pair(qtbot, open_dialog)
    assert second.conflict_dialog is not None
    click(qtbot, second.conflict_dialog.reload_button)
    assert second.isVisible() and not second.is_dirty()
    assert second.editor("progress_update").field_value() == "First user's update"
    assert second.editor("description").field_value() == original
    assert "discarded" in second.message_area.text()
    row = values(demo_db, Action, ACTION)
    assert (row["description"], row["progress_update"]) == (original, "First user's update")
    assert audit(demo_db, "action", ACTION)[0].kind is AuditKind.UPDATE


def test_conflict_keep_mine_overwrites_only_my_fields(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    _, second = _conflicting_pair(qtbot, open_dialog)
    assert second.conflict_dialog is not None
    with qtbot.waitSignal(second.sig_record_saved):
        click(qtbot, second.conflict_dialog.keep_mine_button)
    assert not second.isVisible()
    row = values(demo_db, Action, ACTION)
    assert (row["description"], row["progress_update"]) == ("Second user's wording", "First user's update")
    latest = audit(demo_db, "action", ACTION)[0]
    assert latest.kind is AuditKind.OVERWRITE
    assert set(json.loads(latest.changes)) == {"description"}


def test_conflict_cancel_keeps_editing(qtbot: QtBot, open_dialog: Any) -> None:
    _, second = _conflicting_pair(qtbot, open_dialog)
    assert second.conflict_dialog is not None
    click(qtbot, second.conflict_dialog.cancel_button)
    assert second.isVisible()
    assert second.editor("description").field_value() == "Second user's wording"


# --- forum events -----------------------------------------------------------------------------------------


def test_create_forum_event(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("events")
    set_value(qtbot, dialog, "forum_id", 1)
    type_into(qtbot, dialog, "title", "Informal consultations")
    set_value(qtbot, dialog, "start_date", date(2026, 3, 2))
    set_value(qtbot, dialog, "end_date", date(2026, 3, 4))
    type_into(qtbot, dialog, "estimated_travel_cost", "4,070.50")
    _, row_id = save(qtbot, dialog)
    row = values(demo_db, ForumEvent, row_id)
    assert (row["title"], row["start_date"], row["end_date"]) == (
        "Informal consultations",
        date(2026, 3, 2),
        date(2026, 3, 4),
    )
    assert row["estimated_travel_cost"] == Decimal("4070.50")


def test_event_end_before_start_message_as_typed_and_nothing_saved(
    qtbot: QtBot, open_dialog: Any, demo_db: Database
) -> None:
    before = values(demo_db, ForumEvent, EVENT)
    dialog = open_dialog("events", EVENT)
    set_value(qtbot, dialog, "end_date", date(2022, 6, 30))
    assert dialog.message_for("end_date") == "The end date must be on or after the start date."
    assert dialog.message_for("start_date") == ""
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.focusWidget() is widget(dialog, "end_date")
    assert values(demo_db, ForumEvent, EVENT) == before
    set_value(qtbot, dialog, "start_date", date(2022, 6, 1))
    assert dialog.message_for("end_date") == ""


def test_money_typed_with_too_many_decimals(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("events", EVENT)
    assert dialog.editor("estimated_travel_cost").field_value() == Decimal("4070.00")
    type_into(qtbot, dialog, "estimated_travel_cost", "12.345")
    assert dialog.message_for("estimated_travel_cost") == "Use at most 2 decimal places (cents)."
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert values(demo_db, ForumEvent, EVENT)["estimated_travel_cost"] == Decimal("4070.00")


def test_event_marking_can_be_raised(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("events", EVENT)
    assert dialog.marking_label.text() == "Marking: OFFICIAL"
    set_value(qtbot, dialog, "marking_id", 2)
    assert dialog.marking_label.text() == "Marking: OFFICIAL: Sensitive"
    save(qtbot, dialog)
    assert values(demo_db, ForumEvent, EVENT)["marking_id"] == 2


# --- secondments ------------------------------------------------------------------------------------------


def test_create_secondment(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("secondments")
    set_value(qtbot, dialog, "person_id", 46)
    set_value(qtbot, dialog, "home_organisation_id", NORTHWIND)
    set_value(qtbot, dialog, "start_date", date(2026, 2, 1))
    set_value(qtbot, dialog, "planned_end_date", date(2027, 1, 31))
    set_value(qtbot, dialog, "fte_hundredths", 60)
    type_into(qtbot, dialog, "role_title", "Threat intelligence adviser")
    _, row_id = save(qtbot, dialog)
    row = values(demo_db, Secondment, row_id)
    assert row["secondment_type"] is SecondmentType.INDUSTRY_LOAN and row["status"] is SecondmentStatus.PROPOSED
    assert (row["fte_hundredths"], row["original_end_date"]) == (60, date(2027, 1, 31))


def test_industry_loan_active_without_declaration(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("secondments", PROPOSED_INDUSTRY_LOAN)
    set_value(qtbot, dialog, "status", SecondmentStatus.ACTIVE)
    assert dialog.message_for("coi_declaration_date") == (
        "An industry loan cannot be active without a conflict-of-interest declaration."
    )
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.focusWidget() in dialog.editor("coi_declaration_date").focus_widgets()
    assert values(demo_db, Secondment, PROPOSED_INDUSTRY_LOAN)["status"] is SecondmentStatus.PROPOSED
    set_value(qtbot, dialog, "coi_declaration_date", date(2025, 10, 1))
    set_value(qtbot, dialog, "coi_status", CoiStatus.DECLARED_MANAGED)
    set_value(qtbot, dialog, "confidentiality_signed", True)
    assert dialog.message_for("coi_declaration_date") == ""
    save(qtbot, dialog)
    row = values(demo_db, Secondment, PROPOSED_INDUSTRY_LOAN)
    assert (row["status"], row["coi_declaration_date"]) == (SecondmentStatus.ACTIVE, date(2025, 10, 1))


def test_secondment_fte_is_saved_in_hundredths(qtbot: QtBot, open_dialog: Any, demo_db: Database) -> None:
    dialog = open_dialog("secondments", 2)
    assert dialog.editor("fte_hundredths").field_value() == 100
    set_value(qtbot, dialog, "fte_hundredths", 50)
    assert dialog.changed_values() == {"fte_hundredths": 50}
    save(qtbot, dialog)
    assert values(demo_db, Secondment, 2)["fte_hundredths"] == 50


# --- every register ---------------------------------------------------------------------------------------


def _focus_order(chain: list[QWidget]) -> list[QWidget]:
    """The chain's widgets in the order Tab visits them, starting from the first."""
    wanted = set(chain)
    seen = [chain[0]]
    current = chain[0]
    for _ in range(2000):
        current = current.nextInFocusChain()
        if current in wanted and current not in seen:
            seen.append(current)
        if len(seen) == len(chain) or current is chain[0]:
            break
    return seen


@pytest.mark.parametrize("entity", sorted(EDITORS))
def test_every_editor_names_its_fields_and_tabs_in_form_order(qtbot: QtBot, open_dialog: Any, entity: str) -> None:
    dialog = open_dialog(entity, 1)
    spec = EDITORS[entity]
    labels = {f.key: f.label for f in spec.fields} | {"marking_id": "Marking"}
    for key in dialog.field_keys:
        assert widget(dialog, key).accessibleName() == labels[key], key
    chain = [w for key in dialog.field_keys for w in dialog.editor(key).focus_widgets()]
    assert _focus_order(chain) == chain
    assert not dialog.is_dirty()  # loading a record is not an edit
    new = open_dialog(entity)
    assert new.windowTitle() == f"New {spec.title.lower()}"
    assert not new.is_dirty()


def test_a_one_line_field_shows_the_start_of_a_long_value(qtbot: QtBot) -> None:
    from desktop.editing.fields import LineField

    field = LineField(str, str)
    qtbot.addWidget(field)
    field.resize(120, field.sizeHint().height())
    field.show()
    field.set_field_value("Annual plenary: 2016 Washington, 2018 Singapore, 2022 The Hague, 2024 Brussels")
    assert field.cursorPosition() == 0
    assert field.field_value().startswith("Annual plenary")


def test_a_text_box_sits_beside_its_label_in_a_tall_editor(qtbot: QtBot, open_dialog: Any) -> None:
    dialog = open_dialog("organisations", 1)
    dialog.resize(680, 900)  # more height than the form needs: the notes row is given the rest
    qtbot.wait(10)
    notes = widget(dialog, "notes")
    label = next(lb for lb in dialog.findChildren(QLabel) if lb.buddy() is notes)
    label_top = label.mapTo(dialog, label.rect().topLeft()).y()
    assert abs(notes.mapTo(dialog, notes.rect().topLeft()).y() - label_top) < label.height()
