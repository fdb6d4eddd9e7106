"""The checklist tab of the secondment editor, as a desk officer uses it on a proposed industry loan."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from core.db.engine import Database
from core.domain.audit import current_actor
from core.domain.secondments import ChecklistItem, ChecklistPhase, ChecklistTemplate, Secondment, SecondmentType
from desktop.editing.registers import open_editor
from desktop.secondments.editor import SecondmentEditorDialog

PROPOSED_INDUSTRY_LOAN = 3
UNDERTAKING = "Confidentiality undertaking signed"


def _editor(qtbot: QtBot, db: Database, row_id: int | None) -> SecondmentEditorDialog:
    dialog = open_editor(None, db, "secondments", row_id)
    assert isinstance(dialog, SecondmentEditorDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_tick_an_onboarding_item_and_add_one_of_the_secondment_alone(qtbot: QtBot, demo_db: Database) -> None:
    editor = _editor(qtbot, demo_db, PROPOSED_INDUSTRY_LOAN)
    panel = editor.checklist
    assert panel is not None
    total = len(panel.rows)
    assert total > 0 and panel.done_count == 0  # a proposed secondment has done none of its on-boarding
    tab = editor.tabs.indexOf(panel)
    assert editor.tabs.tabText(tab) == f"Checklist (0/{total})"
    row = next(i for i, r in enumerate(panel.rows) if r.title == UNDERTAKING)
    assert panel.table.item(row, 0).text() == "Onboarding"
    panel.table.setCurrentCell(row, 1)
    with qtbot.waitSignal(panel.sig_checklist_changed):
        qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    with demo_db.read() as s:
        saved = s.scalars(
            sa.select(ChecklistItem).where(
                ChecklistItem.secondment_id == PROPOSED_INDUSTRY_LOAN, ChecklistItem.title == UNDERTAKING
            )
        ).one()
    assert (saved.done_on, saved.done_by) == (date.today(), current_actor())
    assert panel.table.item(row, 3).text() == date.today().strftime("%d %b %Y")
    assert editor.tabs.tabText(tab) == f"Checklist (1/{total})"

    assert not panel.add_item()  # no title: refused under the table, nothing written
    assert panel.message.text() == "Say what needs doing."
    panel.new_phase.setCurrentIndex(panel.new_phase.findData(ChecklistPhase.OFFBOARDING.value))
    qtbot.keyClicks(panel.new_title, "Laptop and building pass returned")
    assert panel.add_item()
    assert panel.table.item(len(panel.rows) - 1, 1).text() == "Laptop and building pass returned"
    assert panel.table.item(len(panel.rows) - 1, 0).text() == "Offboarding"
    assert editor.tabs.tabText(tab) == f"Checklist (1/{total + 1})"
    assert panel.copy_office_items() == 0  # it has every item of the office already


def test_an_item_is_ticked_done_on_the_date_given_and_a_future_date_is_refused_beside_it(
    qtbot: QtBot, demo_db: Database
) -> None:
    editor = _editor(qtbot, demo_db, PROPOSED_INDUSTRY_LOAN)
    panel = editor.checklist
    assert panel is not None
    editor.tabs.setCurrentWidget(panel)
    assert panel.done_on.field_value() == date.today()  # the date offered until the user gives another
    row = next(i for i, r in enumerate(panel.rows) if r.title == UNDERTAKING)
    panel.table.setCurrentCell(row, 1)

    def saved() -> tuple[date | None, str]:
        with demo_db.read() as s:
            item = s.scalars(
                sa.select(ChecklistItem).where(
                    ChecklistItem.secondment_id == PROPOSED_INDUSTRY_LOAN, ChecklistItem.title == UNDERTAKING
                )
            ).one()
            return item.done_on, item.done_by

    panel.done_on.set_field_value(date.today() + timedelta(days=1))
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert panel.done_on_error.isVisible()
    assert panel.done_on_error.text() == "An item cannot be done later than today: give the date it was done."
    assert not panel.message.isVisible()  # the problem is said beside the date, not under the table
    assert saved() == (None, "")  # nothing written
    assert panel.table.item(row, 3).text() == ""

    signed = date.today() - timedelta(days=12)
    panel.done_on.set_field_value(signed)
    assert not panel.done_on_error.isVisible()  # a new date clears the old problem
    with qtbot.waitSignal(panel.sig_checklist_changed):
        qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert saved() == (signed, current_actor())
    assert panel.table.item(row, 3).text() == signed.strftime("%d %b %Y")
    assert panel.done_count == 1


def test_a_new_secondment_has_no_checklist_tab_until_saved(qtbot: QtBot, demo_db: Database) -> None:
    editor = _editor(qtbot, demo_db, None)
    assert editor.checklist is None
    assert not any(editor.tabs.tabText(i).startswith("Checklist") for i in range(editor.tabs.count()))


def test_the_office_adds_an_item_for_industry_loans_and_an_existing_one_takes_it_on_demand(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = open_editor(None, demo_db, "checklist_templates", None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.editor("secondment_type").set_field_value(SecondmentType.INDUSTRY_LOAN)
    dialog.editor("days_from_anchor").set_field_value(-7)
    qtbot.keyClicks(dialog.editor("title").focus_widgets()[0], "Building pass issued")
    with qtbot.waitSignal(dialog.sig_record_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with demo_db.read() as s:
        template = s.scalars(
            sa.select(ChecklistTemplate).where(ChecklistTemplate.title == "Building pass issued")
        ).one()
        start = s.get(Secondment, PROPOSED_INDUSTRY_LOAN).start_date  # type: ignore[union-attr]
    assert (template.phase, template.direction, template.secondment_type) == (
        ChecklistPhase.ONBOARDING,
        None,
        SecondmentType.INDUSTRY_LOAN,
    )
    editor = _editor(qtbot, demo_db, PROPOSED_INDUSTRY_LOAN)
    panel = editor.checklist
    assert panel is not None
    assert "Building pass issued" not in [r.title for r in panel.rows]
    assert panel.copy_office_items() == 1
    added = next(r for r in panel.rows if r.title == "Building pass issued")
    assert added.due_date == start - timedelta(days=7)
    assert panel.message.text() == "Added 1 item(s) from the office's checklist."
