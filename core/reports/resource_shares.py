"""Priorities against resources for the Resources page: each forum's priority beside its share of the year's money
and staff time, staff cost from the office's day rate, the misalignment flags and the people allocated over 1.0 FTE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.forums import Forum, Priority
from core.domain.reference import Office
from core.domain.resources import BudgetMeasure, StaffAllocation
from core.reports.budget import (
    NO_FORUM,
    PriorityFlag,
    _forum_label,
    _over_allocated,
    priority_flags,
    staff_days_by_forum,
    staff_time,
)
from core.reports.budget_grid import GridFilter, budget_grid
from core.services.office import load_settings

__all__ = ["ForumShare", "ResourceShares", "over_full_time", "resource_shares"]

_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class ForumShare:
    forum_id: int | None
    forum: str
    priority: str  # "" for the office-wide lines and staff time
    revised: int  # cents of revised budget in the year
    staff_days: Decimal  # person-days in the year
    money_share: float | None  # of the year's revised budget (0.25 = 25 %); None when nothing is budgeted
    staff_share: float | None  # of the year's person-days; None when no staff time is allocated
    staff_cost: Decimal | None  # staff_days × the office's day rate; None without a rate


@dataclass(frozen=True)
class ResourceShares:
    fiscal_year_label: str
    currency: str
    staff_day_rate: Decimal | None
    rows: tuple[ForumShare, ...]  # highest priority first, then by money
    flags: tuple[PriorityFlag, ...]
    over_allocated: tuple[tuple[str, date], ...]  # (person, the first day over 1.0 FTE) in the year


def resource_shares(session: Session, fy: int) -> ResourceShares:
    settings = load_settings(session)
    calendar = settings.calendar
    rate: Decimal | None = session.scalar(sa.select(Office.staff_day_rate).where(Office.id == 1))
    grid = budget_grid(session, GridFilter(fy), BudgetMeasure.REVISED, by_month=False)
    money = {row.forum_id: row.total for row in grid.rows}
    days = staff_days_by_forum(session, fy, calendar)
    forum_ids = [forum_id for forum_id in {*money, *days} if forum_id is not None]
    forums = {
        f.id: f
        for f in session.execute(
            sa.select(Forum.id, Forum.acronym, Forum.full_name, Forum.priority).where(Forum.id.in_(forum_ids))
        )
    }
    total_money, total_days = sum(money.values()), sum(days.values(), Decimal(0))
    rows = []
    for forum_id in {*money, *days}:
        forum = forums.get(forum_id) if forum_id is not None else None
        revised, staff_days = money.get(forum_id, 0), days.get(forum_id, Decimal(0))
        rows.append(
            ForumShare(
                forum_id=forum_id,
                forum=_forum_label(forum_id, forum.acronym, forum.full_name) if forum else NO_FORUM,
                priority=forum.priority.label if forum else "",
                revised=revised,
                staff_days=staff_days,
                money_share=revised / total_money if total_money else None,
                staff_share=float(staff_days / total_days) if total_days else None,
                staff_cost=(staff_days * rate).quantize(_CENTS) if rate is not None else None,
            )
        )
    priority_rank = {priority.label: i for i, priority in enumerate(Priority)}
    rows.sort(key=lambda r: (priority_rank.get(r.priority, len(priority_rank)), -r.revised, r.forum.casefold()))
    over: dict[str, date] = {}
    for row in staff_time(session, fy, calendar, rate):
        if row.over_allocated_on is not None:
            over[row.person] = row.over_allocated_on
    return ResourceShares(
        fiscal_year_label=calendar.label(fy),
        currency=settings.currency,
        staff_day_rate=rate,
        rows=tuple(rows),
        flags=tuple(priority_flags(rows)),
        over_allocated=tuple(sorted(over.items(), key=lambda pair: (pair[1], pair[0].casefold()))),
    )


class _Span(NamedTuple):
    person_id: int
    start_date: date
    end_date: date
    fte_hundredths: int


def over_full_time(
    session: Session, person_id: int, start: date, end: date, fte_hundredths: int, *, replacing: int | None = None
) -> tuple[date, int] | None:
    """(The first day in [start, end], that day's total FTE in hundredths) if an allocation of `fte_hundredths` over
    those dates (in place of allocation `replacing`, when editing one) would take the person over 1.0 FTE; else None.

    The same sweep as the staff time report, so the editor warns exactly when the Resources page would."""
    alloc = StaffAllocation
    query = sa.select(alloc.person_id, alloc.start_date, alloc.end_date, alloc.fte_hundredths).where(
        alloc.person_id == person_id, alloc.start_date <= end, alloc.end_date >= start
    )
    if replacing is not None:
        query = query.where(alloc.id != replacing)
    spans = [_Span(*row) for row in session.execute(query)]
    spans.append(_Span(person_id, start, end, fte_hundredths))
    day = _over_allocated(spans, start, end).get(person_id)
    if day is None:
        return None
    return day, sum(s.fte_hundredths for s in spans if s.start_date <= day <= s.end_date)
