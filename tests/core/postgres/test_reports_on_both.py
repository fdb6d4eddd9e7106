"""Every report gives the same answer on PostgreSQL as on SQLite: the demo office copied to the server, then each
list, the search, the dashboard, due soon, the calendar, coverage, the budget and a meeting pack read from both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.db.copy import copy_office
from core.db.engine import Database, open_database
from core.demo import build_demo
from core.reports.agency_view import agency_choices, agency_view
from core.reports.budget import budget_by_forum
from core.reports.calendar import forward_calendar
from core.reports.coverage import coverage
from core.reports.dashboard import build_dashboard
from core.reports.due_soon import due_soon
from core.reports.lists import LIST_ENTITIES, fetch_list
from core.reports.meeting_pack import build_meeting_pack
from core.reports.search import search_everything
from core.services.office import load_settings
from tests.pg_fixtures import PgServer

AS_AT = date(2025, 8, 15)
Pair = tuple[Database, Database]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, pg_server: PgServer) -> Iterator[Pair]:
    path = tmp_path_factory.mktemp("both") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=AS_AT)
    url = pg_server.new_database(template=None)
    copy_office(path, url)
    with open_database(path, readonly=True) as sqlite, open_database(url, readonly=True) as server:
        yield sqlite, server
    pg_server.drop(url)


def on_both(both: Pair, report: Callable[[Session], Any]) -> tuple[Any, Any]:
    answers = []
    for db in both:
        with db.read() as session:
            answers.append(report(session))
    return answers[0], answers[1]


def this_year(session: Session) -> int:
    return load_settings(session).calendar.fiscal_year_of(AS_AT)


@pytest.mark.parametrize("entity", LIST_ENTITIES)
def test_every_list_is_the_same(both: Pair, entity: str) -> None:
    on_sqlite, on_server = on_both(both, lambda s: fetch_list(s, entity, as_at=AS_AT, include_archived=True))
    assert on_server == on_sqlite


@pytest.mark.parametrize("text", ["cyber", "CYBER", "Meridia", "ACT-", "é", "50%", "no such text anywhere"])
def test_search_finds_the_same(both: Pair, text: str) -> None:
    on_sqlite, on_server = on_both(both, lambda s: search_everything(s, text, include_archived=True))
    assert on_server == on_sqlite


@pytest.mark.parametrize(
    "report",
    [
        pytest.param(lambda s: build_dashboard(s, this_year(s), AS_AT), id="dashboard"),
        pytest.param(lambda s: due_soon(s, as_at=AS_AT), id="due_soon"),
        pytest.param(lambda s: forward_calendar(s, as_at=AS_AT), id="calendar"),
        pytest.param(lambda s: coverage(s, this_year(s)), id="coverage"),
        pytest.param(lambda s: budget_by_forum(s, this_year(s), AS_AT), id="budget"),
        pytest.param(lambda s: agency_view(s, agency_choices(s)[0][0], AS_AT), id="agency_view"),
        pytest.param(
            lambda s: build_meeting_pack(s, "latest", as_at=AS_AT, generated_at=datetime(2025, 8, 15, tzinfo=UTC)),
            id="meeting_pack",
        ),
    ],
)
def test_every_report_is_the_same(both: Pair, report: Callable[[Session], Any]) -> None:
    on_sqlite, on_server = on_both(both, report)
    assert on_server == on_sqlite
