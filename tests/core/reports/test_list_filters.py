"""Every dashboard figure opens a list of exactly the rows it counts: the list's structured filter, run in SQL,
gives as many rows (or the same money) as the tile or bar says."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.reports.dashboard import NO_PRIORITY, Dashboard, build_dashboard
from core.reports.due_soon import SECONDMENT_ALERTS, due_soon
from core.reports.list_filters import ListFilter, ListLink, UnknownFilter
from core.reports.lists import count_list, fetch_list

AS_AT = date(2025, 8, 15)
LATER = date(2026, 2, 20)  # the next half of the year: other actions overdue, other secondments ending


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("filters") / "demo.cyberdesk"
    db = open_database(path, create=True)
    build_demo(db, as_at=AS_AT)
    yield db
    db.close()


def _count(session: Session, link: ListLink | None) -> int:
    assert link is not None
    return count_list(session, link.entity, preset=link.filter, include_archived=link.show_archived)


def _column(session: Session, link: ListLink | None, key: str, as_at: date) -> list[object]:
    assert link is not None
    page = fetch_list(session, link.entity, as_at=as_at, preset=link.filter, include_archived=link.show_archived)
    index = [c.key for c in page.columns].index(key)
    return [row[index] for row in page.rows]


def _dashboard(session: Session, as_at: date) -> Dashboard:
    return build_dashboard(session, 2026, as_at)


@pytest.mark.parametrize("as_at", [AS_AT, LATER])
def test_each_tile_opens_the_rows_it_counts(demo: Database, as_at: date) -> None:
    with demo.read() as s:
        dash = _dashboard(s, as_at)
        k, links = dash.kpis, dash.tile_links
        assert _count(s, links["actions"]) == k.open_actions > 0
        assert _count(s, links["secondments"]) == k.secondments_ending_soon
        assert _count(s, links["commitments"]) == k.commitments_overdue + k.commitments_at_risk > 0
        if k.next_meeting_id is None:  # nothing scheduled that late in the demo: the tile opens the whole list
            assert "meeting" not in links
        else:
            assert _column(s, links["meeting"], "date", as_at) == [k.next_meeting_date]
        revised = _column(s, links["spend"], "revised", as_at)
        assert revised and sum(revised, Decimal(0)) == sum((m.planned for m in dash.spend_by_month), Decimal(0))
    assert (
        links["actions"].filter.label == "Not closed (open, in progress, deferred)"
        and links["actions"].sort_key == "rag"
    )


# Dates with both alert figures above zero (the demo's own date has none: its office is up to date that day).
@pytest.mark.parametrize("as_at", [date(2025, 9, 26), LATER])
def test_the_alert_figures_open_the_rows_the_due_soon_panel_counts(demo: Database, as_at: date) -> None:
    with demo.read() as s:
        dash = _dashboard(s, as_at)
        k, links = dash.kpis, dash.tile_links
        panel = due_soon(s, as_at=as_at, window_days=k.alert_days)
        alerted = {i.row_id for i in panel.items if i.kind in SECONDMENT_ALERTS}
        briefings = panel.of_kind("briefing")
        assert k.secondments_with_alerts > 0 and k.briefings_due > 0
        # The panel, the tile and the list agree on the number and on which rows.
        assert _count(s, links["secondment_alerts"]) == k.secondments_with_alerts == len(alerted)
        assert _count(s, links["briefings"]) == k.briefings_due == len(briefings)
        link = links["secondment_alerts"]
        assert set(fetch_list(s, link.entity, as_at=as_at, preset=link.filter).ids) == alerted
        due = _column(s, links["briefings"], "briefing_due", as_at)
        assert due == sorted(i.due for i in briefings)  # soonest (or latest overdue) first
    assert links["briefings"].filter.label == f"Briefings due within {k.alert_days} days of {as_at.isoformat()}"


def test_ending_soon_counts_the_secondments_a_tile_shows(demo: Database) -> None:
    with demo.read() as s:
        # A day 20 days before some live secondment's end: the tile then counts at least that one.
        ends = _column(s, ListLink("secondments", ListFilter("live", (("live_at", AS_AT),))), "planned_end", AS_AT)
        soon = min(e for e in ends if isinstance(e, date) and e > AS_AT + timedelta(days=20)) - timedelta(days=20)
        dash = _dashboard(s, soon)
        assert dash.kpis.secondments_ending_soon > 0
        assert _count(s, dash.tile_links["secondments"]) == dash.kpis.secondments_ending_soon


@pytest.mark.parametrize("as_at", [AS_AT, LATER])
def test_each_bar_opens_the_rows_it_draws(demo: Database, as_at: date) -> None:
    with demo.read() as s:
        dash = _dashboard(s, as_at)
        assert dash.budget_by_forum
        for bar in dash.budget_by_forum:
            revised = _column(s, bar.link, "revised", as_at)
            assert sum(revised, Decimal(0)) == bar.revised, bar.label
        assert dash.commitments
        for cell in dash.commitments:
            assert _count(s, cell.link) == cell.count, cell
            assert set(_column(s, cell.link, "status", as_at)) == {cell.status}
        for bucket in dash.ageing:
            assert _count(s, bucket.on_time_link) == bucket.on_time, bucket.label
            assert _count(s, bucket.overdue_link) == bucket.overdue, bucket.label
        assert sum(b.overdue for b in dash.ageing) == dash.kpis.overdue_actions
        assert dash.overdue_by_agency
        for row in dash.overdue_by_agency:
            assert _count(s, row.link) == row.overdue
            assert set(_column(s, row.link, "owner_agency", as_at)) == {row.agency}
            assert set(_column(s, row.link, "rag", as_at)) == {"Red"}
        for secondment in dash.secondments:
            assert _column(s, secondment.link, "person", as_at) == [secondment.person]
        for share in dash.priorities:
            if share.priority == NO_PRIORITY:
                assert sum(_column(s, share.link, "revised", as_at), Decimal(0)) == share.revised
            else:
                assert set(_column(s, share.link, "priority", as_at)) == {share.priority}


def test_a_filter_the_list_does_not_know_is_refused(demo: Database) -> None:
    with demo.read() as s, pytest.raises(UnknownFilter, match="no filter 'fiscal_year'"):
        count_list(s, "actions", preset=ListFilter("x", (("fiscal_year", 2026),)))


def test_a_filter_and_a_search_narrow_together(demo: Database) -> None:
    with demo.read() as s:
        row = _dashboard(s, AS_AT).overdue_by_agency[0]
        assert row.link is not None
        described = fetch_list(s, "actions", as_at=AS_AT, preset=row.link.filter)
        word = str(described.rows[0][[c.key for c in described.columns].index("description")]).split()[0]
        both = count_list(s, "actions", preset=row.link.filter, search=word)
        assert 0 < both <= row.overdue
