"""The Resources page's budget grid: totals, filters, drill-down to lines, editing in place and rolling forward."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from PySide6.QtCore import Qt

from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision
from desktop.jobs import JobRunner
from desktop.resources.grid import BudgetGridView
from desktop.resources.lines import BudgetLinesDialog
from tests.desktop.conftest import DEMO_AS_AT


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _grid(window, qtbot) -> BudgetGridView:  # type: ignore[no-untyped-def]
    grid = window.budget.show_grid()
    assert isinstance(grid, BudgetGridView)
    grid.year_box.setCurrentIndex(grid.year_box.findText("2024–25"))
    return grid


def test_grid_is_a_resources_tab_with_row_and_column_totals(window, demo_path, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    window.actions["budget_grid"].trigger()
    page = window.current_register()
    assert type(page).__name__ == "ResourcesPage" and page._tabs.currentWidget() is page.grid
    grid = _grid(window, qtbot)
    model = grid.model
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Forum",
        "Priority",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Year",
    ]
    last = model.rowCount() - 1
    assert model.index(last, 0).data() == "Total"
    with window.db.read() as session:
        revised = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.revised))
            .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
            .where(BudgetLine.fiscal_year == 2025)
        )
    year = _amount(model.index(last, 6).data())
    assert year == revised
    assert sum(_amount(model.index(last, c).data()) for c in range(2, 6)) == year
    assert sum(_amount(model.index(r, 6).data()) for r in range(last)) == year


def test_measure_month_toggle_and_priority_filter(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    grid = _grid(window, qtbot)
    grid.measure_box.setCurrentIndex(grid.measure_box.findText("Actual"))
    grid.by_month.setChecked(True)
    grid.priority_box.setCurrentIndex(grid.priority_box.findText("High"))
    model = grid.model
    assert model.columnCount() == 2 + 12 + 1
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Jul"
    assert model.rowCount() > 1
    assert {model.index(r, 1).data() for r in range(model.rowCount() - 1)} == {"High"}
    assert grid.note.text().startswith("Actual of 2024–25")
    with window.db.read() as session:
        from core.domain.forums import Forum, Priority

        actual = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.actual))
            .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
            .join(Forum, Forum.id == BudgetLine.forum_id)
            .where(BudgetLine.fiscal_year == 2025, Forum.priority == Priority.HIGH)
        )
    assert _amount(model.index(model.rowCount() - 1, 14).data()) == actual


def _drill(window, qtbot) -> tuple[BudgetGridView, BudgetLinesDialog, int]:  # type: ignore[no-untyped-def]
    grid = _grid(window, qtbot)
    row = max(range(grid.model.rowCount() - 1), key=lambda r: _amount(grid.model.index(r, 6).data()))
    dialog = grid.open_cell(row, 3)  # Q2
    assert dialog is not None
    return grid, dialog, row


def test_double_click_opens_the_lines_of_the_cell_adding_up_to_it(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    grid, dialog, row = _drill(window, qtbot)
    model = dialog.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (3, 4, 5)] == ["Oct 2024", "Nov 2024", "Dec 2024"]
    assert model.rowCount() > 0
    cell = sum(_amount(model.index(r, c).data()) for r in range(model.rowCount()) for c in (3, 4, 5))
    assert cell == _amount(grid.model.index(row, 3).data())
    assert grid.model.index(row, 0).data() in dialog.windowTitle()


def test_editing_an_amount_asks_the_reason_and_records_a_revision(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    grid, dialog, row = _drill(window, qtbot)
    asked: list[str] = []
    answers = iter([None, "", "Extra delegate"])

    def ask_reason(_parent, prompt):  # type: ignore[no-untyped-def]
        asked.append(prompt)
        return next(answers)

    dialog._ask_reason = ask_reason
    model = dialog.model
    line = model.line(0)
    index = model.index(0, 4)  # Nov 2024
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    before_cell = _amount(grid.model.index(row, 3).data())
    old = _amount(index.data())

    def revisions() -> int:
        with window.db.read() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(BudgetRevision)) or 0

    count = revisions()
    assert not model.setData(index, "12,34x")
    assert "Nov 2024" in dialog.message.text() and asked == []
    assert not model.setData(index, "1,234.50")  # reason dialog cancelled
    assert dialog.message.text().endswith("not changed.")
    assert not model.setData(index, "1,234.50")  # an empty reason for the revised budget
    assert "Say why the budget changes" in dialog.message.text()
    assert revisions() == count and _amount(index.data()) == old
    assert model.setData(index, "1,234.50")
    assert "from " in asked[-1] and "1,234.50" in asked[-1]
    with window.db.read() as session:
        month = session.get(BudgetMonth, (line.line_id, 5))
        revision = session.scalars(sa.select(BudgetRevision).order_by(BudgetRevision.id.desc())).first()
    assert month.revised == Decimal("1234.50")
    assert (revision.old_amount, revision.new_amount, revision.reason, revision.measure) == (
        old,
        Decimal("1234.50"),
        "Extra delegate",
        BudgetMeasure.REVISED,
    )
    assert _amount(grid.model.index(row, 3).data()) == before_cell - old + Decimal("1234.50")
    assert dialog.history.item(0, 5).text() == "Extra delegate"
    assert dialog.history.item(0, 1).text() == "Nov 2024"


def test_committed_beyond_the_budget_is_shaded_with_its_warning(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    grid, dialog, row = _drill(window, qtbot)
    grid.measure_box.setCurrentIndex(grid.measure_box.findText("Committed"))
    dialog = grid.open_cell(row, 0)  # the whole year
    dialog._ask_reason = lambda *_: "Contract signed"
    model = dialog.model
    assert model.columnCount() == 3 + 12 + 2
    assert model.setData(model.index(0, 3), "99,000,000.00")
    assert model.index(0, 3 + 12 + 1).data().startswith("Committed + actual exceed the revised budget by ")
    assert dialog.message.text().endswith(model.index(0, 16).data())
    assert grid.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "Committed + actual exceed this forum's revised budget"
    )


def test_start_the_next_fiscal_year_in_the_background(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    grid = window.budget.show_grid()
    grid.year_box.setCurrentIndex(grid.year_box.findText("2025–26"))
    questions: list[str] = []
    grid._confirm = lambda _parent, question: questions.append(question) or True
    with window.db.read() as session:
        lines = session.scalar(
            sa.select(sa.func.count())
            .select_from(BudgetLine)
            .where(BudgetLine.fiscal_year == 2026, BudgetLine.archived.is_(False))
        )
    assert grid.roll_forward()
    assert questions[0].startswith("Copy the 2025–26 budget lines into 2026–27?")
    assert grid.message_box is not None
    assert grid.message_box.text() == f"Started 2026–27 with {lines:,} budget line(s) copied forward."
    assert grid.year_box.findText("2026–27") >= 0
    with window.db.read() as session:
        assert (
            session.scalar(sa.select(sa.func.count()).select_from(BudgetLine).where(BudgetLine.fiscal_year == 2027))
            == lines
        )
    assert grid.roll_forward()  # the year is already started: refused, with the reason
    assert grid.message_box.text() == f"That fiscal year already holds {lines:,} budget line(s)."


def test_a_read_only_office_cannot_edit_or_roll_forward(demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from core.db.engine import open_database

    db = open_database(demo_path, readonly=True)
    try:
        grid = BudgetGridView(db, today=DEMO_AS_AT, jobs=JobRunner(synchronous=True))
        qtbot.addWidget(grid)
        grid.load.ensure()
        assert not grid.roll_button.isEnabled()
        dialog = grid.open_cell(0, 2)
        assert not dialog.model.flags(dialog.model.index(0, 3)) & Qt.ItemFlag.ItemIsEditable
    finally:
        db.close()


def test_staff_time_and_priorities_tab_with_the_day_rate_beside_it(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from core.domain.forums import Forum, Priority

    assert window.open_database(demo_path)
    page = window.show_list("budget")
    view = page.show_shares()
    view.year_box.setCurrentIndex(view.year_box.findText("2024–25"))
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[:4] == ["Forum", "Priority", "Revised budget", "Share of money"]
    view.rate_edit.setText("12x")
    assert not view.save_rate()
    assert view.rate_error.text() == "Enter an amount like 1,234.50."
    view.rate_edit.setText("500")
    assert view.save_rate() and view.rate_error.text() == ""
    assert view.warnings.text().endswith("Staff cost = staff days × 500.00 XTS a day.")
    assert view.shares is not None and view.shares.flags
    assert view.warnings.text().splitlines()[0] == view.shares.flags[0].sentence() + "."
    rows = view.table.rowCount()
    assert rows > 0
    for row in range(rows):
        days = _amount(view.table.item(row, 4).text())
        assert _amount(view.table.item(row, 6).text()) == days * 500
    with window.db.read() as session:
        high = {
            f.acronym or f.full_name for f in session.scalars(sa.select(Forum).where(Forum.priority == Priority.HIGH))
        }
    firsts = [view.table.item(r, 0).text() for r in range(rows) if view.table.item(r, 1).text() == "High"]
    assert firsts and set(firsts) <= high
    assert [view.table.item(r, 1).text() for r in range(len(firsts))] == ["High"] * len(firsts)


def test_the_budget_line_editor_shows_its_revision_history(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.editing.registers import open_editor
    from desktop.resources.editors import BudgetLineEditorDialog

    assert window.open_database(demo_path)
    _grid_view, dialog, _row = _drill(window, qtbot)
    dialog._ask_reason = lambda *_: "Venue moved"
    line = dialog.model.line(0)
    assert dialog.model.setData(dialog.model.index(0, 4), "2,500.00")
    with window.db.read() as session:
        revisions = session.scalar(
            sa.select(sa.func.count()).select_from(BudgetRevision).where(BudgetRevision.budget_line_id == line.line_id)
        )
    editor = open_editor(None, window.db, "budget", line.line_id)
    qtbot.addWidget(editor)
    assert isinstance(editor, BudgetLineEditorDialog)
    tab = editor.tabs.indexOf(editor.revisions)
    assert editor.tabs.isTabEnabled(tab) and editor.tabs.tabText(tab) == f"Revisions ({revisions})"
    headers = [editor.revisions.horizontalHeaderItem(c).text() for c in range(editor.revisions.columnCount())]
    assert headers == ["When", "Month", "Measure", "Old", "New", "Reason", "Who"]
    assert editor.revisions.rowCount() == revisions >= 1
    newest = [editor.revisions.item(0, c).text() for c in (1, 2, 4, 5)]
    assert newest == ["Nov 2024", "Revised", "2,500.00", "Venue moved"]
    assert editor.revisions.item(0, 6).text() != ""
    new_line = open_editor(None, window.db, "budget", None)
    qtbot.addWidget(new_line)
    assert not new_line.tabs.isTabEnabled(new_line.tabs.indexOf(new_line.revisions))


def test_an_allocation_over_one_fte_is_warned_beside_the_fte_field_then_saved(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from core.domain.organisations import Person
    from core.domain.resources import StaffAllocation
    from desktop.editing.registers import open_editor

    assert window.open_database(demo_path)
    with window.db.write() as session:
        person_id = session.scalars(
            sa.select(Person.id).where(Person.id.not_in(sa.select(StaffAllocation.person_id))).limit(1)
        ).one()
        october = {"start_date": date(2024, 10, 1), "end_date": date(2024, 10, 31)}
        session.add(StaffAllocation(person_id=person_id, fte_hundredths=70, **october))

    def allocations() -> list[int]:
        with window.db.read() as session:
            return list(
                session.scalars(
                    sa.select(StaffAllocation.fte_hundredths)
                    .where(StaffAllocation.person_id == person_id)
                    .order_by(StaffAllocation.id)
                )
            )

    editor = open_editor(None, window.db, "allocations", None)
    qtbot.addWidget(editor)
    editor.editor("person_id").set_field_value(person_id)
    editor.editor("start_date").set_field_value(date(2024, 10, 21))
    editor.editor("end_date").set_field_value(date(2024, 11, 8))
    editor.editor("fte_hundredths").set_field_value(30)
    assert editor.over_full_time_warning() is None  # 0.7 + 0.3 is exactly full time
    editor.editor("fte_hundredths").set_field_value(40)
    assert not editor.save()
    assert editor.message_for("fte_hundredths") == (
        "This takes the person to 1.10 FTE on 21 Oct 2024, over 1.0. Save again to keep it."
    )
    assert allocations() == [70]  # nothing saved on the warning
    assert editor.save()  # a warning, not a refusal
    assert allocations() == [70, 40]


def test_the_over_one_fte_warning_shows_beside_the_field_while_typing_and_save_then_keeps_it(  # type: ignore[no-untyped-def]
    window, demo_path, qtbot
) -> None:
    from datetime import date

    from core.domain.organisations import Person
    from core.domain.resources import StaffAllocation
    from desktop.editing.registers import open_editor

    assert window.open_database(demo_path)
    with window.db.write() as session:
        person_id = session.scalars(
            sa.select(Person.id).where(Person.id.not_in(sa.select(StaffAllocation.person_id))).limit(1)
        ).one()
        session.add(
            StaffAllocation(
                person_id=person_id, fte_hundredths=70, start_date=date(2024, 10, 1), end_date=date(2024, 10, 31)
            )
        )

    editor = open_editor(None, window.db, "allocations", None)
    qtbot.addWidget(editor)
    for key, value in (
        ("person_id", person_id),
        ("start_date", date(2024, 10, 21)),
        ("end_date", date(2024, 11, 8)),
        ("fte_hundredths", 30),
    ):
        with qtbot.waitSignal(editor.sig_fields_validated):
            editor.editor(key).set_field_value(value)
    assert editor.message_for("fte_hundredths") == ""  # 0.7 + 0.3 is exactly full time
    fte = editor.editor("fte_hundredths").focus_widgets()[0]
    with qtbot.waitSignal(editor.sig_fields_validated):
        fte.selectAll()
        qtbot.keyClicks(fte, "0.45")
    assert editor.message_for("fte_hundredths") == "This takes the person to 1.15 FTE on 21 Oct 2024, over 1.0."
    assert fte.accessibleDescription() == editor.message_for("fte_hundredths")
    with qtbot.waitSignal(editor.sig_fields_validated):
        editor.editor("end_date").set_field_value(date(2024, 10, 20))  # now before the overlap: nothing to warn
    assert editor.message_for("fte_hundredths") == ""
    with qtbot.waitSignal(editor.sig_fields_validated):
        editor.editor("end_date").set_field_value(date(2024, 11, 8))
    assert editor.message_for("fte_hundredths") != ""
    with qtbot.waitSignal(editor.sig_record_saved):
        assert editor.save()  # the user saw the warning: one Save keeps it
    with window.db.read() as session:
        saved = session.scalars(
            sa.select(StaffAllocation.fte_hundredths)
            .where(StaffAllocation.person_id == person_id)
            .order_by(StaffAllocation.id)
        ).all()
    assert list(saved) == [70, 45]


def test_an_amount_edited_in_the_grid_shows_in_the_priorities_tab_at_once(window, demo_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    page = window.show_list("budget")
    shares = page.show_shares()
    shares.year_box.setCurrentIndex(shares.year_box.findText("2024–25"))
    grid, dialog, row = _drill(window, qtbot)
    forum = grid.model.index(row, 0).data()

    def revised_in_shares() -> Decimal:
        rows = [r for r in range(shares.table.rowCount()) if shares.table.item(r, 0).text() == forum]
        assert len(rows) == 1
        return _amount(shares.table.item(rows[0], 2).text())

    before = revised_in_shares()
    dialog._ask_reason = lambda _parent, _prompt: "Extra delegate"
    index = dialog.model.index(0, 4)  # Nov 2024, revised
    old = _amount(index.data())
    assert dialog.model.setData(index, str(old + Decimal("1000")))
    assert revised_in_shares() == before + Decimal("1000")
