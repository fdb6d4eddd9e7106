"""The meeting workspace on the demo office: prepare the next meeting, reorder the agenda, attendance, minutes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDialogButtonBox

from core.db.engine import Database
from core.domain.meetings import AgendaItem, Decision, Meeting, MeetingStatus, MinutesStatus
from core.services.records import update_record
from desktop.editing.registers import open_editor
from desktop.main_window import MainWindow
from desktop.meetings.table_model import AgendaColumn, AttendanceColumn
from desktop.meetings.view import MeetingsPage, MeetingWorkspaceView
from tests.desktop.conftest import DEMO_AS_AT


@pytest.fixture
def workspace(qtbot: QtBot, demo_db: Database) -> Iterator[MeetingWorkspaceView]:
    view = MeetingWorkspaceView(demo_db)
    qtbot.addWidget(view)
    view.today = lambda: DEMO_AS_AT
    view.reload_meetings()
    view.resize(1300, 800)
    view.show()
    yield view


def _meeting_numbered(db: Database, number: int) -> tuple[int, int]:
    with db.read() as session:
        row = session.execute(sa.select(Meeting.id, Meeting.version_id).where(Meeting.number == number)).one()
    return int(row[0]), int(row[1])


def _select(workspace: MeetingWorkspaceView, number: int) -> None:
    row = next(i for i, r in enumerate(workspace.meeting_model.rows) if r.number == number)
    workspace.meeting_table.selectRow(row)


def _agenda_titles(workspace: MeetingWorkspaceView) -> list[str]:
    model = workspace.agenda_model
    return [model.index(r, AgendaColumn.TITLE).data() for r in range(model.rowCount())]


def test_models_pass_qtmodeltester(qtmodeltester, workspace: MeetingWorkspaceView) -> None:  # type: ignore[no-untyped-def]
    for model in (
        workspace.meeting_model,
        workspace.agenda_model,
        workspace.paper_model,
        workspace.attendance_model,
        workspace.decision_model,
        workspace.raised_model,
        workspace.carried_model,
    ):
        qtmodeltester.check(model)
    _select(workspace, 12)
    for model in (workspace.paper_model, workspace.attendance_model, workspace.decision_model, workspace.raised_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_opens_on_the_next_meeting_with_its_agenda_times(workspace: MeetingWorkspaceView) -> None:
    assert "Meeting 13 — 2025–26 Q1" in workspace.header.text()
    assert "pack due 14 Aug 2025" in workspace.header.text()
    assert workspace.agenda_model.index(0, AgendaColumn.START).data() == "10:00"
    assert workspace.agenda_summary.text().startswith("9 items, 85 minutes; runs to 11:25")
    export = workspace.findChild(type(workspace.export_pack_button), "exportPackButton")
    assert export is workspace.export_pack_button and export.isEnabled()


def test_a_long_agenda_title_wraps_whole_and_its_row_grows_to_fit(workspace: MeetingWorkspaceView) -> None:
    """The title column stays narrow enough for the columns beside it; a longer title takes more lines."""
    table = workspace.agenda_table
    titles = _agenda_titles(workspace)
    width = table.columnWidth(AgendaColumn.TITLE)
    metrics = table.fontMetrics()
    row = max(range(len(titles)), key=lambda r: metrics.horizontalAdvance(titles[r]))
    bold = table.model().index(row, AgendaColumn.TITLE).data(Qt.ItemDataRole.FontRole)  # an item not standing
    metrics = QFontMetrics(bold if bold is not None else table.font())
    assert metrics.horizontalAdvance(titles[row]) > width  # on one line it would be cut
    needed = metrics.boundingRect(0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, titles[row]).height()
    assert table.rowHeight(row) >= needed >= 2 * metrics.lineSpacing()
    assert table.model().index(row, AgendaColumn.TITLE).data(Qt.ItemDataRole.ToolTipRole) == titles[row]
    table.setColumnWidth(AgendaColumn.TITLE, width * 3)  # widened by hand: the row takes one line again
    assert table.rowHeight(row) < 2 * metrics.lineSpacing()


def test_prepare_next_meeting_by_the_button(qtbot: QtBot, workspace: MeetingWorkspaceView, demo_db: Database) -> None:
    qtbot.mouseClick(workspace.prepare_button, Qt.MouseButton.LeftButton)
    assert workspace.message.text().startswith("Opened Meeting 13 — 2025–26 Q1: 9 agenda items")
    assert workspace.attendance_model.rowCount() > 10  # the draft list from the liaisons
    assert workspace.attendance_model.index(0, AttendanceColumn.STATUS).data() == "Expected"
    meeting, version = _meeting_numbered(demo_db, 13)
    with demo_db.write() as session:
        update_record(session, Meeting, meeting, version, {"status": MeetingStatus.HELD})
    qtbot.mouseClick(workspace.prepare_button, Qt.MouseButton.LeftButton)
    assert workspace.message.text().startswith("Created Meeting 14 — 2025–26 Q2")
    assert "Thursday 20 November 2025" in workspace.header.text()
    assert workspace.meeting_model.rows[0].title == "Meeting 14 — 2025–26 Q2"
    assert _agenda_titles(workspace)[:3] == [
        "Welcome and apologies",
        "Minutes of Meeting 13 — 2025–26 Q1",
        "Matters arising / action log",
    ]
    carried = workspace.carried_model
    assert carried.rowCount() > 0
    open_for = {carried.row(r).ref: carried.row(r).open_for for r in range(carried.rowCount())}
    assert all(n >= 1 for n in open_for.values())
    assert any(ref.startswith("A12.") and n == 2 for ref, n in open_for.items())


def test_reorder_by_keyboard_and_by_drag(qtbot: QtBot, workspace: MeetingWorkspaceView, demo_db: Database) -> None:
    before = _agenda_titles(workspace)
    workspace.agenda_table.setFocus()
    workspace.agenda_table.selectRow(3)
    qtbot.keyClick(workspace.agenda_table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    after = _agenda_titles(workspace)
    assert after[2] == before[3] and after[3] == before[2]
    assert workspace.agenda_table.currentIndex().row() == 2  # the moved item stays selected
    assert workspace.agenda_model.index(2, AgendaColumn.NUMBER).data() == "3"
    model = workspace.agenda_model
    dragged = model.mimeData([model.index(0, 0)])
    model.dropMimeData(dragged, Qt.DropAction.MoveAction, model.rowCount(), 0, QModelIndex())
    assert _agenda_titles(workspace)[-1] == before[0]
    with demo_db.read() as session:
        meeting, _ = _meeting_numbered(demo_db, 13)
        positions = session.scalars(
            sa.select(AgendaItem.position).where(AgendaItem.meeting_id == meeting).order_by(AgendaItem.position)
        ).all()
    assert positions == list(range(1, len(before) + 1))


def test_attendance_status_edited_in_place(workspace: MeetingWorkspaceView) -> None:
    workspace.prepare_next_meeting()
    model = workspace.attendance_model
    index = model.index(2, AttendanceColumn.STATUS)
    person = model.index(2, AttendanceColumn.PERSON).data()
    model.setData(index, "APOLOGY")
    row = next(r for r in model.rows if r.person == person)
    assert row.status_label == "Apology"


def test_an_alternate_attends_for_a_member(qtbot: QtBot, workspace: MeetingWorkspaceView) -> None:
    _select(workspace, 12)
    model = workspace.attendance_model
    member = next(i for i, r in enumerate(model.rows) if r.role == "Member" and r.agency == "NCSC")
    workspace.attendance_table.selectRow(member)
    name = model.row(member).person
    qtbot.mouseClick(workspace.alternate_button, Qt.MouseButton.LeftButton)
    dialog = workspace.choice_dialog
    assert dialog is not None and dialog.choice.count() > 0
    alternate = dialog.choice.currentText()
    dialog.ok_button.click()
    row = next(r for r in model.rows if r.person == alternate)
    assert (row.status_label, row.alternate_for, row.agency) == ("Alternate", name, "NCSC")


def test_new_agenda_item_and_outcomes_open_prefilled_editors(workspace: MeetingWorkspaceView) -> None:
    # The editors are non-modal; their starting values are checked and nothing is saved.
    workspace.add_item_button.click()
    editor = workspace.editor
    assert editor is not None and editor.windowTitle() == "New agenda item"
    assert editor.editor("minutes_allotted").field_value() == 10
    editor.close()
    workspace.agenda_table.selectRow(3)
    workspace.raise_action_button.click()
    editor = workspace.editor
    assert editor is not None and editor.editor("ref").field_value() == "A13.01"
    editor.close()
    workspace.add_paper_button.click()
    editor = workspace.editor
    assert editor is not None and editor.editor("ref").field_value() == "ICEG/M13/P2"  # the item's paper ref
    assert editor.editor("title").field_value() == _agenda_titles(workspace)[3]
    editor.close()
    workspace.record_decision_button.click()
    editor = workspace.editor
    assert editor is not None and editor.editor("ref").field_value() == "D13.1"
    editor.close()


def test_confirm_minutes_at_the_next_meeting_then_reopen_with_a_reason(
    qtbot: QtBot, workspace: MeetingWorkspaceView, demo_db: Database
) -> None:
    _select(workspace, 12)
    assert workspace.minutes.status.text() == "Minutes: Circulated"
    assert workspace.minutes.confirm_button.isEnabled() and not workspace.minutes.reopen_button.isEnabled()
    qtbot.mouseClick(workspace.minutes.confirm_button, Qt.MouseButton.LeftButton)
    dialog = workspace.minutes.choice_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.choice.currentText() == "Meeting 13 — 2025–26 Q1"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert workspace.minutes.status.text().startswith("Minutes confirmed at Meeting 13 — 2025–26 Q1; locked.")
    assert workspace.minutes.edit.isReadOnly() and not workspace.minutes.save_button.isEnabled()
    meeting, _ = _meeting_numbered(demo_db, 12)
    with demo_db.read() as session:
        stored = session.get(Meeting, meeting)
        assert stored is not None and stored.minutes_status is MinutesStatus.CONFIRMED
    qtbot.mouseClick(workspace.minutes.reopen_button, Qt.MouseButton.LeftButton)
    reason = workspace.minutes.reason_dialog
    assert reason is not None and not reason.ok_button.isEnabled()
    qtbot.keyClicks(reason.reason, "Apologies from TRD were left out")
    reason.ok_button.click()
    assert workspace.minutes.status.text() == "Minutes: Draft"
    assert not workspace.minutes.edit.isReadOnly()
    assert "reason is recorded" in workspace.message.text()


def test_locked_minutes_refusal_is_shown(workspace: MeetingWorkspaceView) -> None:
    _select(workspace, 5)  # confirmed at meeting 6
    assert workspace.minutes.edit.isReadOnly()
    workspace.minutes.edit.setReadOnly(False)
    workspace.minutes.edit.setPlainText("Rewritten")
    workspace.minutes.save_button.setEnabled(True)
    workspace.minutes.save_button.click()
    assert "confirmed and are locked" in workspace.message.text()


def test_meetings_page_leads_with_the_workspace(window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    window.actions["prepare_next_meeting"].trigger()
    page = window._stack.currentWidget()
    assert isinstance(page, MeetingsPage)
    assert page.current_entity == "meetings"
    assert "Meeting 14 —" in page.workspace.message.text() or "Meeting 13 —" in page.workspace.message.text()
    assert page.show_entity("decisions").model.rowCount() > 0


def test_event_editor_lists_linked_outcomes(qtbot: QtBot, demo_db: Database) -> None:
    with demo_db.read() as session:
        event = session.scalars(sa.select(Decision.forum_event_id).where(Decision.forum_event_id.is_not(None))).first()
    assert event is not None
    dialog = open_editor(None, demo_db, "events", event)
    qtbot.addWidget(dialog)
    assert dialog.linked_outcomes is not None and dialog.linked_outcomes.topLevelItemCount() > 0
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[-1].startswith("Linked outcomes (")


def test_items_past_the_end_time_are_flagged_over_time(workspace: MeetingWorkspaceView, demo_db: Database) -> None:
    meeting, version = _meeting_numbered(demo_db, 13)
    with demo_db.write() as session:
        update_record(session, Meeting, meeting, version, {"end_time": time(11, 0)})
    workspace.refresh()
    starts = [workspace.agenda_model.index(r, AgendaColumn.START).data() for r in range(4, 9)]
    assert starts == ["10:40", "10:55 (over time)", "11:05 (over time)", "11:15 (over time)", "11:20 (over time)"]
    assert workspace.agenda_summary.text().endswith("over time: the meeting is scheduled to end at 11:00")


def test_read_only_office_offers_no_changes(qtbot: QtBot, demo_path: Path) -> None:
    from core.db.engine import open_database

    with open_database(demo_path, readonly=True) as db:
        view = MeetingWorkspaceView(db)
        qtbot.addWidget(view)
        view.today = lambda: DEMO_AS_AT
        view.reload_meetings()
        assert not view.prepare_button.isEnabled()
        assert not view.up_button.isEnabled() and not view.minutes.save_button.isEnabled()
        assert view.minutes.edit.isReadOnly()
        view.move_current_item(1)  # a keyboard move on a read-only office does nothing
        view.close()


def test_meeting_editor_sets_the_times_the_agenda_counts_from(
    qtbot: QtBot, workspace: MeetingWorkspaceView, demo_db: Database
) -> None:
    meeting, _ = _meeting_numbered(demo_db, 13)
    dialog = open_editor(None, demo_db, "meetings", meeting)
    qtbot.addWidget(dialog)
    assert dialog.editor("start_time").field_value() == time(10, 0)
    dialog.editor("start_time").set_field_value(None)
    qtbot.keyClicks(dialog.editor("start_time").focus_widgets()[0], "25:00")
    assert dialog.editor("start_time").field_problem() == "Enter a time of day such as 10:00."
    dialog.editor("start_time").set_field_value(None)
    qtbot.keyClicks(dialog.editor("start_time").focus_widgets()[0], "9.30")
    with qtbot.waitSignal(dialog.sig_record_saved):
        dialog.save_button.click()
    workspace.refresh()
    assert workspace.agenda_model.index(0, AgendaColumn.START).data() == "09:30"


def test_a_change_saved_elsewhere_meanwhile_is_reloaded(workspace: MeetingWorkspaceView, demo_db: Database) -> None:
    first = workspace.agenda_model.row(0)
    with demo_db.write(actor="colleague") as session:
        update_record(session, AgendaItem, first.id, first.version, {"minutes_allotted": 7})
    workspace.agenda_table.selectRow(0)
    workspace.move_current_item(1)
    assert "changed by colleague" in workspace.message.text() and "try again" in workspace.message.text()
    assert workspace.agenda_model.row(0).minutes == 7
    workspace.agenda_table.selectRow(0)
    workspace.move_current_item(1)
    assert workspace.agenda_model.row(1).id == first.id
