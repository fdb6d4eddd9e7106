"""Secondment extensions, commitment milestones, the example library and the calendar export, as a user meets them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtWidgets import QWidget

from core.db.engine import Database
from core.domain.audit import AuditEntry, AuditKind
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, Milestone, commitment_tag
from core.domain.forums import DatePrecision, ForumEvent
from core.domain.reference import ReferenceItem
from core.domain.secondments import Secondment, SecondmentExtension, SecondmentStatus
from core.services.records import update_record
from desktop.calendar.view import CalendarPage
from desktop.commitments.editor import CommitmentEditorDialog
from desktop.commitments.view import CommitmentsPage
from desktop.editing.registers import open_editor
from desktop.exports import ICS_FILTER
from desktop.jobs import JobRunner
from desktop.secondments.editor import SecondmentEditorDialog
from desktop.settings import AppSettings
from tests.desktop.conftest import DEMO_AS_AT

ACTIVE_INDUSTRY_LOAN = 2
PROPOSED_INDUSTRY_LOAN = 3


def _open(qtbot: QtBot, db: Database, entity: str, row_id: int | None) -> Any:
    dialog = open_editor(None, db, entity, row_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_extend_a_secondment_and_see_the_history(qtbot: QtBot, demo_db: Database) -> None:
    editor = _open(qtbot, demo_db, "secondments", ACTIVE_INDUSTRY_LOAN)
    assert isinstance(editor, SecondmentEditorDialog)
    assert editor.extend_button.isVisible() and editor.extend_button.isEnabled()
    # The agreement and cost sharing are in the form (domain-reference §7.2).
    assert str(editor.editor("agreement_ref").field_value()).startswith("SEC-")
    assert editor.editor("host_cost_pct").field_value() == 30
    with demo_db.read() as s:
        before = s.get(Secondment, ACTIVE_INDUSTRY_LOAN)
        assert before is not None
        first_end = before.planned_end_date
    dialog = editor.open_extend_dialog()
    assert dialog is not None
    dialog.extend()  # no reason, date unchanged: both refused next to their fields
    assert dialog.message_for("new_end_date").startswith("The new end date must be after the current one")
    assert dialog.message_for("reason") == "Give the reason for the extension."
    dialog.new_end.set_field_value(date(2026, 9, 30))
    qtbot.keyClicks(dialog.reason.focus_widgets()[0], "Supply-chain guidance round")
    with qtbot.waitSignal(editor.sig_record_saved):
        assert dialog.extend()
    with demo_db.read() as s:
        row = s.get(Secondment, ACTIVE_INDUSTRY_LOAN)
        assert row is not None
        assert (row.status, row.planned_end_date, row.original_end_date) == (
            SecondmentStatus.EXTENDED,
            date(2026, 9, 30),
            first_end,
        )
        assert s.scalar(sa.select(sa.func.count()).select_from(SecondmentExtension).where(
            SecondmentExtension.secondment_id == ACTIVE_INDUSTRY_LOAN
        )) == 1  # fmt: skip
    assert editor.tabs.tabText(editor._extensions_tab) == "Extensions (1)"
    assert editor.extensions.item(0, 3).text() == "Supply-chain guidance round"
    assert editor.extensions.item(0, 2).text() == "30 Sep 2026"
    assert f"First agreed to end on {first_end:%d %b %Y}; now ends on 30 Sep 2026" in editor.extensions_summary.text()
    assert editor.editor("planned_end_date").field_value() == date(2026, 9, 30)


def test_a_proposed_secondment_cannot_be_extended_and_the_editor_says_why_for_the_end_date(
    qtbot: QtBot, demo_db: Database
) -> None:
    editor = _open(qtbot, demo_db, "secondments", PROPOSED_INDUSTRY_LOAN)
    assert not editor.extend_button.isEnabled()
    running = _open(qtbot, demo_db, "secondments", ACTIVE_INDUSTRY_LOAN)
    running.editor("planned_end_date").set_field_value(date(2027, 1, 31))
    assert not running.save()
    assert running.message_for("planned_end_date").startswith("Use Extend… to move the end date later")


def _commitment_with_milestones(db: Database) -> int:
    with db.read() as s:
        found = s.scalar(
            sa.select(Milestone.commitment_id)
            .where(Milestone.done_date.is_(None))
            .group_by(Milestone.commitment_id)
            .order_by(Milestone.commitment_id)
        )
    assert found is not None
    return int(found)


def test_commitment_milestones_progress_and_mark_done(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    assert isinstance(editor, CommitmentEditorDialog)
    text = editor.progress_label.text()
    assert "milestones done" in text and "RAG:" in text
    open_row = next(i for i, m in enumerate(editor._milestones) if not m.done)
    milestone = editor._milestones[open_row]
    done_before = sum(1 for m in editor._milestones if m.done)
    editor.milestones.setCurrentCell(open_row, 0)
    qtbot.mouseClick(editor.done_button, Qt.MouseButton.LeftButton)
    with demo_db.read() as s:
        saved = s.get(Milestone, milestone.id)
        assert saved is not None and saved.done_date == date.today()
    assert sum(1 for m in editor._milestones if m.done) == done_before + 1
    assert editor.tabs.tabText(editor._milestones_tab).startswith(f"Milestones ({done_before + 1}/")


def test_add_a_milestone_from_the_commitment_editor(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    count = editor.milestones.rowCount()
    dialog = editor.open_milestone(None)
    assert dialog is not None
    dialog.editor("title").set_field_value("Report to the OSCE IWG")
    dialog.editor("due_date").set_field_value(date(2026, 3, 31))
    with qtbot.waitSignal(dialog.sig_record_saved):
        assert dialog.save()
    assert editor.milestones.rowCount() == count + 1


def _row_of(editor: CommitmentEditorDialog, milestone_id: int) -> int:
    return next(i for i, m in enumerate(editor._milestones) if m.id == milestone_id)


def test_a_done_date_still_to_come_is_refused_next_to_the_field_and_a_past_one_saved(
    qtbot: QtBot, demo_db: Database
) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    milestone = next(m for m in editor._milestones if not m.done)
    dialog = editor.open_milestone(milestone.id)
    assert dialog is not None and dialog.delete_button.isVisible()
    with qtbot.waitSignal(dialog.sig_fields_validated):
        dialog.editor("done_date").set_field_value(date.today() + timedelta(days=3))
    assert dialog.message_for("done_date") == "A milestone cannot be done later than today: give the date it was done."
    with qtbot.assertNotEmitted(dialog.sig_record_saved):
        assert not dialog.save()
    assert dialog.message_for("done_date") == "A milestone cannot be done later than today: give the date it was done."
    with qtbot.waitSignal(dialog.sig_fields_validated):
        dialog.editor("done_date").set_field_value(date(2024, 11, 5))
    assert dialog.message_for("done_date") == ""
    with qtbot.waitSignal(dialog.sig_record_saved):
        assert dialog.save()
    row = _row_of(editor, milestone.id)
    assert editor.milestones.item(row, 2).text() == "05 Nov 2024"


def test_undo_done_reopens_a_milestone(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    milestone = next(m for m in editor._milestones if not m.done)
    editor.milestones.setCurrentCell(_row_of(editor, milestone.id), 0)
    assert not editor.undo_done_button.isEnabled()
    qtbot.mouseClick(editor.done_button, Qt.MouseButton.LeftButton)
    done_count = sum(1 for m in editor._milestones if m.done)
    editor.milestones.setCurrentCell(_row_of(editor, milestone.id), 0)
    assert editor.undo_done_button.isEnabled() and not editor.done_button.isEnabled()
    assert not editor.delete_milestone_button.isEnabled()  # a done milestone is undone before it is deleted
    qtbot.mouseClick(editor.undo_done_button, Qt.MouseButton.LeftButton)
    assert editor.message_area.text() == f"“{milestone.title}” is open again."
    assert editor.milestones.item(_row_of(editor, milestone.id), 2).text() == ""
    assert editor.tabs.tabText(editor._milestones_tab).startswith(f"Milestones ({done_count - 1}/")
    with demo_db.read() as s:
        saved = s.get(Milestone, milestone.id)
        assert saved is not None and saved.done_date is None


def test_delete_a_milestone_not_yet_done_after_confirming(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    milestone = next(m for m in editor._milestones if not m.done)
    count = editor.milestones.rowCount()
    editor.milestones.setCurrentCell(_row_of(editor, milestone.id), 0)
    qtbot.mouseClick(editor.delete_milestone_button, Qt.MouseButton.LeftButton)
    assert editor.prompt is not None and editor.prompt.isVisible()
    assert editor.prompt.text() == f"Delete the milestone “{milestone.title}”?"
    assert editor.prompt_yes_button is not None
    qtbot.mouseClick(editor.prompt_yes_button, Qt.MouseButton.LeftButton)
    assert editor.milestones.rowCount() == count - 1
    assert milestone.title not in {editor.milestones.item(r, 0).text() for r in range(count - 1)}
    with demo_db.read() as s:
        assert s.get(Milestone, milestone.id) is None


def test_the_milestones_tab_shows_every_tab_title_and_whole_owner_names(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    bar = editor.tabs.tabBar()
    every_tab_shows = bar.tabRect(bar.count() - 1).right() < bar.width()
    screen = editor.screen().availableGeometry().width()
    assert every_tab_shows or editor.width() >= screen - 40  # else as wide as the screen allows
    assert editor.width() > 680  # wider than the editors' usual width, which showed five of the nine tabs
    editor.tabs.setCurrentIndex(editor._milestones_tab)
    owner = editor.milestones.item(0, 3).text()
    assert " · " in owner  # an agency and a person
    metrics = editor.milestones.fontMetrics()
    assert editor.milestones.columnWidth(3) >= metrics.horizontalAdvance(owner)


def _changed_by_someone_else(db: Database, milestone_id: int) -> None:
    with db.write() as s:
        row = s.get(Milestone, milestone_id)
        assert row is not None
        update_record(s, Milestone, milestone_id, row.version_id, {"title": row.title + " (revised)"})


def test_mark_done_on_a_milestone_changed_meanwhile_offers_reload_or_keep_mine(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    milestone = next(m for m in editor._milestones if not m.done)
    _changed_by_someone_else(demo_db, milestone.id)
    editor.milestones.setCurrentCell(_row_of(editor, milestone.id), 0)
    qtbot.mouseClick(editor.done_button, Qt.MouseButton.LeftButton)
    conflict = editor.milestone_conflict
    assert conflict is not None and conflict.isVisible()
    assert conflict.differences.item(0, 0).text() == "Milestone"
    assert conflict.differences.item(0, 2).text() == milestone.title + " (revised)"
    qtbot.mouseClick(conflict.reload_button, Qt.MouseButton.LeftButton)
    assert editor.milestones.item(_row_of(editor, milestone.id), 0).text() == milestone.title + " (revised)"
    assert editor.milestones.item(_row_of(editor, milestone.id), 2).text() == ""

    reloaded = next(m for m in editor._milestones if m.id == milestone.id)
    _changed_by_someone_else(demo_db, milestone.id)
    editor.milestones.setCurrentCell(_row_of(editor, milestone.id), 0)
    qtbot.mouseClick(editor.done_button, Qt.MouseButton.LeftButton)
    conflict = editor.milestone_conflict
    assert conflict is not None and conflict.isVisible()
    qtbot.mouseClick(conflict.keep_mine_button, Qt.MouseButton.LeftButton)
    with demo_db.read() as s:
        saved = s.get(Milestone, milestone.id)
        assert saved is not None
        assert (saved.title, saved.done_date) == (reloaded.title + " (revised)", date.today())
        kind = s.scalar(
            sa.select(AuditEntry.kind)
            .where(AuditEntry.table_name == "milestone", AuditEntry.row_id == milestone.id)
            .order_by(AuditEntry.id.desc())
        )
    assert kind is AuditKind.OVERWRITE


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database) -> CommitmentsPage:
    view = CommitmentsPage(demo_db, ("commitments",))
    qtbot.addWidget(view)
    return view


def test_new_commitment_from_a_library_example(qtbot: QtBot, page: CommitmentsPage, demo_db: Database) -> None:
    library = page.open_library()
    library.choose(1)  # another state's MOU: for reference only
    assert not library.copy_button.isEnabled()
    library.choose(11)
    assert library.copy_button.isEnabled()
    library.accept()
    editor = page.editor
    assert editor is not None
    assert editor.editor("commitment_type").field_value() is CommitmentType.TREATY_ACTION
    assert editor.editor("instrument_ref").field_value() == "CETS 224"
    editor.editor("title").set_field_value("Home State signs the Second Additional Protocol")
    with qtbot.waitSignal(page.sig_record_saved):
        assert editor.save()
    with demo_db.read() as s:
        saved = s.scalars(
            sa.select(Commitment).where(Commitment.title == "Home State signs the Second Additional Protocol")
        ).one()
        assert (saved.instrument_ref, saved.commitment_type) == ("CETS 224", CommitmentType.TREATY_ACTION)


def test_export_the_calendar_from_the_calendar_page(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    view = CalendarPage(demo_db, ("events",))
    qtbot.addWidget(view)
    opened: list[QUrl] = []
    target = tmp_path / "forward"

    def ask(_parent: QWidget | None, _caption: str, suggested: str, filters: str) -> tuple[str, str]:
        assert suggested.endswith(".ics") and filters == ICS_FILTER
        return str(target), ICS_FILTER  # typed without an extension

    view.skip_tbc.setChecked(True)
    settings = AppSettings(tmp_path / "settings.ini")
    flow = view.export_calendar(
        JobRunner(synchronous=True), settings, ask_target=ask, open_url=opened.append, as_at=DEMO_AS_AT
    )
    assert flow is not None and flow.result is not None
    written = tmp_path / "forward.ics"
    events = icalendar.Calendar.from_ical(written.read_bytes()).walk("VEVENT")
    assert events and not [e for e in events if "(dates TBC)" in str(e["SUMMARY"])]
    assert flow.message_box is not None and flow.result.summary() in flow.message_box.text()
    (open_file,) = [b for b in flow.message_box.buttons() if b.text() == "Open file"]
    open_file.click()
    assert opened == [QUrl.fromLocalFile(str(written))]


def test_the_coverage_tab_shows_tags_gaps_and_opens_records(
    qtbot: QtBot, page: CommitmentsPage, demo_db: Database, tmp_path: Path
) -> None:
    page.show()
    view = page.show_coverage()
    qtbot.waitUntil(lambda: view.report is not None)
    assert page.current_entity == "commitments"
    report = view.report
    assert report is not None and report.gaps
    assert view.tree.topLevelItemCount() == len(report.tags)
    assert "gaps (no signed or in-implementation commitment and no open action)" in view.summary.text()
    view.gaps_only.setChecked(True)
    assert view.tree.topLevelItemCount() == len(report.gaps)
    assert all(view.tree.topLevelItem(i).text(6) == "Gap" for i in range(view.tree.topLevelItemCount()))
    view.gaps_only.setChecked(False)
    covered = next(i for i in range(view.tree.topLevelItemCount()) if view.tree.topLevelItem(i).childCount())
    child = view.tree.topLevelItem(covered).child(0)
    with qtbot.waitSignal(page.sig_record_opened) as opened:
        view.tree.itemActivated.emit(child, 0)
    assert opened.args is not None and opened.args[0] in ("forums", "actions", "commitments", "budget")

    target = tmp_path / "coverage.xlsx"
    flow = view.export(
        JobRunner(synchronous=True),
        AppSettings(tmp_path / "settings.ini"),
        ask_target=lambda *_: (str(target), "Excel workbook (*.xlsx)"),
        open_url=lambda _url: True,
    )
    assert flow is not None and flow.result is not None and target.exists()
    assert flow.result.gaps == len(report.gaps)


def test_tag_a_new_mou_to_norms_c_and_j_and_find_it_in_the_coverage(
    qtbot: QtBot, demo_db: Database, page: CommitmentsPage
) -> None:
    editor = _open(qtbot, demo_db, "commitments", None)
    editor.editor("title").set_field_value("Home State–Partner MOU on CERT cooperation")
    editor.editor("status").set_field_value(CommitmentStatus.SIGNED)
    editor.editor("signed_date").set_field_value(date(2025, 8, 1))
    editor.set_tag("NORM-C", True)
    editor.set_tag("NORM-J", True)
    assert editor.tabs.tabText(editor.link_tab_index("tags")) == "Norms and tags (2)"
    with qtbot.waitSignal(editor.sig_record_saved) as saved:
        assert editor.save()
    assert saved.args is not None
    row_id = saved.args[1]
    with demo_db.read() as s:
        assert set(s.scalars(
            sa.select(ReferenceItem.code).join(commitment_tag).where(commitment_tag.c.commitment_id == row_id)
        )) == {"NORM-C", "NORM-J"}  # fmt: skip
    view = page.show_coverage()
    view.show()
    view.reload()
    assert view.report is not None
    norm_c = next(t for t in view.report.tags if t.code == "NORM-C")
    assert row_id in [c.row_id for c in norm_c.commitments] and not norm_c.gap


def test_a_change_of_tags_alone_is_saved_and_in_the_history(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    editor.set_tag("NORM-K", True)
    assert editor.is_dirty() and editor.changed_values() == {}
    with qtbot.waitSignal(editor.sig_record_saved):
        assert editor.save()
    reopened = _open(qtbot, demo_db, "commitments", commitment_id)
    assert "NORM-K" in reopened.link_lists["tags"].chosen_codes()
    assert not reopened.is_dirty()
    history = [reopened.history.topLevelItem(i) for i in range(reopened.history.topLevelItemCount())]
    fields = [h.child(j).text(2) for h in history for j in range(h.childCount())]
    assert any("ags" in field for field in fields)


def test_the_month_view_lists_the_month_and_opens_records(qtbot: QtBot, demo_db: Database) -> None:
    with demo_db.read() as s:
        tbc = s.scalars(
            sa.select(ForumEvent)
            .where(ForumEvent.date_precision == DatePrecision.MONTH, ForumEvent.archived.is_(False))
            .order_by(ForumEvent.start_date)
        ).first()
        assert tbc is not None
        tbc_id, year, month_number, title = tbc.id, tbc.start_date.year, tbc.start_date.month, tbc.title
    view = CalendarPage(demo_db, ("events",))
    qtbot.addWidget(view)
    view.show()
    month = view.show_month_view()
    assert view.current_entity == "events"
    month.show_month(year, month_number)
    rows = {month.table.item(r, 1).text(): r for r in range(month.table.rowCount())}
    row = rows[f"{title} (dates TBC)"]
    assert month.table.item(row, 0).text() == date(year, month_number, 1).strftime("%b %Y")  # said once, in the title
    assert month.month.dateTextFormat(QDate(year, month_number, 1)).fontWeight() == 700
    with qtbot.waitSignal(view.sig_record_opened) as opened:
        month.table.cellActivated.emit(row, 1)
    assert opened.args == ["events", tbc_id]


def test_counterparties_supporting_agencies_and_forums_assigned(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    editor.link_lists["supporting_agencies"].set_checked("NCSC", True)
    counterparties = editor.link_lists["counterparties"]
    assert "MFA" in counterparties._codes  # agencies, firms, states and organisations alike
    assert "Northwind Security Ltd" in counterparties._codes
    counterparties.set_checked("Northwind Security Ltd", True)
    with qtbot.waitSignal(editor.sig_record_saved):
        assert editor.save()
    reopened = _open(qtbot, demo_db, "commitments", commitment_id)
    assert "NCSC" in reopened.link_lists["supporting_agencies"].chosen_codes()
    assert "Northwind Security Ltd" in reopened.link_lists["counterparties"].chosen_codes()

    secondment = _open(qtbot, demo_db, "secondments", ACTIVE_INDUSTRY_LOAN)
    forums = secondment.link_lists["forums"]
    assert forums.chosen_codes() == {"PMP", "WA"}  # as the demo assigned them
    forums.set_checked("CRI", True)
    with qtbot.waitSignal(secondment.sig_record_saved):
        assert secondment.save()
    again = _open(qtbot, demo_db, "secondments", ACTIVE_INDUSTRY_LOAN)
    assert again.link_lists["forums"].chosen_codes() == {"PMP", "WA", "CRI"}


def test_link_a_budget_line_from_the_commitment_editor(qtbot: QtBot, demo_db: Database) -> None:
    commitment_id = _commitment_with_milestones(demo_db)
    editor = _open(qtbot, demo_db, "commitments", commitment_id)
    lines = editor.link_lists["budget_lines"]
    before = editor.budget_lines.rowCount()
    code = next(code for code, line_id in lines._codes.items() if line_id not in lines.chosen())
    lines.set_checked(code, True)
    with qtbot.waitSignal(editor.sig_record_saved):
        assert editor.save()
    reopened = _open(qtbot, demo_db, "commitments", commitment_id)
    assert reopened.budget_lines.rowCount() == before + 1
    assert code in reopened.link_lists["budget_lines"].chosen_codes()
