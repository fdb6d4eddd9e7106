"""The partial index of open actions (migration 0007) serves the dashboard's counts and nothing else: a wider
index of actions once made SQLite sort the actions list 3-7 times slower, so its plans are checked here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.reports.dashboard import build_dashboard
from core.reports.lists import fetch_list
from tests.core.reports.test_dashboard import office  # noqa: F401 - the fixture
from tests.core.reports.test_meeting_pack import AS_AT, PackOffice

pytestmark = pytest.mark.sqlite_only


@contextmanager
def plans(session: Session) -> Iterator[list[str]]:
    """The query plan of every SELECT run inside the block, as one text each."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    connection = session.connection()
    sa.event.listen(connection, "before_cursor_execute", capture)
    found: list[str] = []
    try:
        yield found
    finally:
        sa.event.remove(connection, "before_cursor_execute", capture)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    for statement, parameters in statements:
        rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        found.append(" | ".join(str(row[-1]) for row in rows))


def test_dashboard_counts_open_actions_from_the_partial_index(office: PackOffice) -> None:  # noqa: F811
    with office.db.read() as session, plans(session) as found:
        dash = build_dashboard(session, 2026, AS_AT)
    assert (dash.kpis.open_actions, dash.kpis.overdue_actions) == (2, 1)
    using = [plan for plan in found if "ix_action_open" in plan]
    # The open actions overdue (by day raised and owner agency) and not yet due (by day raised): both read the
    # index alone.
    assert len(using) == 2
    assert all("COVERING INDEX ix_action_open" in plan for plan in using)


@pytest.mark.parametrize("sort", [None, ("ref", False), ("due", True), ("rag", False), ("open_for", False)])
def test_no_actions_list_query_uses_the_partial_index(office: PackOffice, sort: tuple[str, bool] | None) -> None:  # noqa: F811
    with office.db.read() as session:
        link = build_dashboard(session, 2026, AS_AT).tile_links["actions"]
        assert link is not None and link.entity == "actions"
        with plans(session) as found:
            for preset in (None, link.filter):
                fetch_list(session, "actions", as_at=date(2025, 8, 15), sort=sort, preset=preset, search="A-")
                fetch_list(session, "actions", as_at=date(2025, 8, 15), sort=sort, preset=preset)
    assert found
    assert not [plan for plan in found if "ix_action_open" in plan]
