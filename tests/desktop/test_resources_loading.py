"""The Resources page's reports run on a pool thread: the window stays free, shows "Loading…", and a result computed
for filters changed meanwhile is never shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

import core.reports.budget_grid as budget_grid_module
import core.reports.resource_shares as resource_shares_module
from core.db.engine import Database, open_database
from core.domain.forums import Priority
from desktop.jobs import JobRunner
from desktop.resources.grid import BudgetGridView
from desktop.resources.shares import ResourceSharesView
from tests.desktop.conftest import DEMO_AS_AT


@pytest.fixture
def db(demo_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    database = open_database(demo_path)
    yield database
    database.close()


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:  # type: ignore[no-untyped-def]
    jobs = JobRunner(max_read_threads=2)
    yield jobs
    jobs.cancel_all()
    assert jobs.wait_for_all(30_000)


def test_grid_loads_off_the_gui_thread_and_drops_a_stale_answer(db, runner, qtbot, monkeypatch, request) -> None:  # type: ignore[no-untyped-def]
    real = budget_grid_module.budget_grid
    release_first = threading.Event()
    request.addfinalizer(release_first.set)  # a failed assertion must not leave a pool thread waiting
    asked: list[Any] = []
    threads: list[str] = []

    def held_budget_grid(session, grid_filter, measure, *, by_month):  # type: ignore[no-untyped-def]
        asked.append(grid_filter)
        threads.append(threading.current_thread().name)
        # The first request (all priorities) answers only after the second, whichever pool thread starts first.
        if grid_filter.priority is None:
            release_first.wait(60)
        return real(session, grid_filter, measure, by_month=by_month)

    monkeypatch.setattr(budget_grid_module, "budget_grid", held_budget_grid)
    grid = BudgetGridView(db, today=DEMO_AS_AT, jobs=runner)
    qtbot.addWidget(grid)
    assert grid.model.grid is None  # built without computing anything
    grid.load.ensure()
    # Back on the GUI thread while the report is still held: it runs elsewhere.
    assert grid.load.loading and grid.note.text() == "Loading…"
    assert grid.open_cell(0, 2) is None
    grid.priority_box.setCurrentIndex(grid.priority_box.findText("High"))
    qtbot.waitUntil(lambda: not grid.load.loading, timeout=60_000)
    assert threading.main_thread().name not in threads
    assert grid.model.grid is not None
    priorities = {grid.model.index(r, 1).data() for r in range(grid.model.rowCount() - 1)}
    assert priorities == {"High"}
    assert grid.note.text().startswith("Revised of ")
    release_first.set()
    qtbot.waitUntil(lambda: runner.active_count == 0, timeout=60_000)
    assert sorted(str(f.priority) for f in asked) == sorted([str(None), str(Priority.HIGH)])
    # The first answer (every priority) came last and was dropped.
    assert {grid.model.index(r, 1).data() for r in range(grid.model.rowCount() - 1)} == {"High"}
    assert not grid.load.loading


def test_staff_time_tab_loads_in_the_background(db, runner, qtbot, monkeypatch, request) -> None:  # type: ignore[no-untyped-def]
    real = resource_shares_module.resource_shares
    release = threading.Event()
    request.addfinalizer(release.set)

    def held_resource_shares(session, fiscal_year):  # type: ignore[no-untyped-def]
        release.wait(60)
        return real(session, fiscal_year)

    monkeypatch.setattr(resource_shares_module, "resource_shares", held_resource_shares)
    view = ResourceSharesView(db, today=DEMO_AS_AT, jobs=runner)
    qtbot.addWidget(view)
    view.load.ensure()
    assert view.load.loading and view.warnings.text() == "Loading…" and view.table.rowCount() == 0
    release.set()
    qtbot.waitUntil(lambda: not view.load.loading, timeout=60_000)
    with db.read() as session:
        expected = real(session, int(view.year_box.currentData()))
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == [s.forum for s in expected.rows]
    assert view.warnings.text() != "Loading…"


def test_an_answer_for_a_view_closed_meanwhile_is_dropped(db, runner, qtbot, monkeypatch, request) -> None:  # type: ignore[no-untyped-def]
    import shiboken6

    real = budget_grid_module.budget_grid
    release = threading.Event()
    request.addfinalizer(release.set)
    answered: list[bool] = []

    def held_budget_grid(session, grid_filter, measure, *, by_month):  # type: ignore[no-untyped-def]
        release.wait(60)
        answered.append(True)
        return real(session, grid_filter, measure, by_month=by_month)

    monkeypatch.setattr(budget_grid_module, "budget_grid", held_budget_grid)
    grid = BudgetGridView(db, today=DEMO_AS_AT, jobs=runner)
    grid.load.ensure()
    shiboken6.delete(grid)  # as closing the office deletes its pages
    release.set()
    # pytest-qt fails the test if the late answer's slot raises on the deleted widget.
    qtbot.waitUntil(lambda: runner.active_count == 0, timeout=60_000)
    assert answered == [True]
