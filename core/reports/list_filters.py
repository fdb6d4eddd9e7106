"""Structured filters another view puts on a list: a dashboard tile or bar opens the list of exactly what it counts.

A `ListFilter` is plain data (condition names and values), so that a core report can say which rows a figure
stands for and a view can carry it; `filter_clause` turns it into SQL on the list's own table. The predicates are
the dashboard's own definitions (open, overdue, at risk, ending soon), so a list opened from a figure has as many
rows as the figure says (tests hold the two together).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

import sqlalchemy as sa

from core.domain.commitments import Commitment, CommitmentStatus, Milestone
from core.domain.forums import EventStatus, Forum, ForumEvent, Priority
from core.domain.meetings import CARRIED_FORWARD, Action, ActionStatus
from core.domain.resources import BudgetLine
from core.domain.secondments import (
    ChecklistItem,
    ChecklistPhase,
    ClearanceStatus,
    Secondment,
    SecondmentStatus,
    SecondmentType,
)
from core.services.rag import Rag

__all__ = [
    "CLOSED_COMMITMENT",
    "LIVE_SECONDMENT",
    "NOT_CLOSED_ACTIONS",
    "TO_RUN_OR_LIVE_SECONDMENT",
    "ListFilter",
    "ListLink",
    "UnknownFilter",
    "briefing_due",
    "checklist_item_due",
    "clearance_expiring",
    "commitment_at_risk",
    "commitment_overdue",
    "declaration_missing",
    "filter_clause",
    "next_open_milestone",
    "no_declaration",
    "secondment_end",
    "secondment_live_at",
    "secondment_other_alert",
    "secondment_review_due",
]

CLOSED_COMMITMENT = (CommitmentStatus.COMPLETED, CommitmentStatus.LAPSED, CommitmentStatus.WITHDRAWN)
LIVE_SECONDMENT = (SecondmentStatus.ACTIVE, SecondmentStatus.EXTENDED)
# Still to run or running: clearances, declarations, reviews and on-boarding matter only for these.
TO_RUN_OR_LIVE_SECONDMENT = (SecondmentStatus.PROPOSED, SecondmentStatus.APPROVED, *LIVE_SECONDMENT)
# What the actions lists' "open" condition selects, in the chip's words. Not "Open": that is one status of the three
# it lets through, and a user who sees In progress and Deferred rows under an "Open" chip rightly doubts the list.
NOT_CLOSED_ACTIONS = "Not closed ({})".format(
    ", ".join(status.label.lower() for status in ActionStatus if status in CARRIED_FORWARD)
)


class UnknownFilter(ValueError):
    """A condition the list does not know (a programming error: filters are made by reports, not typed)."""


@dataclass(frozen=True)
class ListFilter:
    """Conditions a row must all meet, as (name, value) pairs of the list's FILTERS; `label` says in words what
    they select, for the filter chip in the list's filter bar ("Overdue, owner DFAT")."""

    label: str
    conditions: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class ListLink:
    """Which list a figure opens, filtered to what it counts, and the column to sort by first (or None)."""

    entity: str
    filter: ListFilter
    sort_key: str | None = None
    show_archived: bool = False  # archived rows count in the figure (the year's money) and so show in the list


def next_open_milestone(commitments: Any) -> sa.ScalarSelect[Any]:
    """The due date of a commitment's earliest unfinished milestone (correlated to `commitments`)."""
    return (
        sa.select(sa.func.min(Milestone.due_date))
        .where(Milestone.commitment_id == commitments.id, Milestone.done_date.is_(None))
        .scalar_subquery()
    )


def commitment_overdue(review: Any, first_due: Any, override: Any, as_at: date) -> sa.ColumnElement[bool]:
    """A review or an unfinished milestone past due, or a Red override."""
    return sa.or_(review < as_at, first_due < as_at, override == Rag.RED.value)


def commitment_at_risk(review: Any, first_due: Any, override: Any, until: date) -> sa.ColumnElement[bool]:
    """One falling due by `until` (the end of the alert window), or an Amber override; overdue ones also match."""
    return sa.or_(review <= until, first_due <= until, override == Rag.AMBER.value)


def secondment_end(secondments: Any = Secondment) -> sa.ColumnElement[Any]:
    """When a secondment ends: its actual end, else its planned one."""
    return sa.func.coalesce(secondments.actual_end_date, secondments.planned_end_date)


# The due-soon panel's alert rules, as conditions on Secondment, ChecklistItem and ForumEvent rows: the panel's
# queries and the lists the dashboard's alert figures open both use them, so the two cannot count differently.


def secondment_live_at(day: date) -> sa.ColumnElement[bool]:
    """Running on `day`: live, started, not yet ended (the dashboard's tile and the list it opens)."""
    return sa.and_(Secondment.status.in_(LIVE_SECONDMENT), Secondment.start_date <= day, secondment_end() >= day)


def clearance_expiring(until: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        Secondment.status.in_(TO_RUN_OR_LIVE_SECONDMENT),
        Secondment.clearance_status != ClearanceStatus.LAPSED,
        Secondment.clearance_expiry <= until,
    )


def no_declaration() -> sa.ColumnElement[bool]:
    return sa.or_(Secondment.coi_declaration_date.is_(None), Secondment.coi_status.is_(None))


def declaration_missing(until: date) -> sa.ColumnElement[bool]:
    """An industry loan about to start without what activation will require (the rule in services.validation)."""
    return sa.and_(
        Secondment.secondment_type == SecondmentType.INDUSTRY_LOAN,
        Secondment.status.in_((SecondmentStatus.PROPOSED, SecondmentStatus.APPROVED)),
        Secondment.start_date <= until,
        sa.or_(no_declaration(), Secondment.confidentiality_signed.is_(sa.false())),
    )


def secondment_review_due(until: date) -> sa.ColumnElement[bool]:
    return sa.and_(Secondment.status.in_(TO_RUN_OR_LIVE_SECONDMENT), Secondment.next_review_date <= until)


def checklist_item_due(until: date) -> sa.ColumnElement[bool]:
    """An item not yet ticked (with its secondment joined): on-boarding ones while the secondment is still to run
    or running, off-boarding ones until ticked (a secondment that has ended still needs closing properly)."""
    return sa.and_(
        ChecklistItem.done_on.is_(None),
        ChecklistItem.due_date <= until,
        sa.or_(ChecklistItem.phase == ChecklistPhase.OFFBOARDING, Secondment.status.in_(TO_RUN_OR_LIVE_SECONDMENT)),
    )


def secondment_other_alert(until: date) -> sa.ColumnElement[bool]:
    """Any alert of a secondment besides its end: clearance, declaration, review or a checklist item due."""
    checklist = sa.exists().where(ChecklistItem.secondment_id == Secondment.id, checklist_item_due(until))
    return sa.or_(clearance_expiring(until), declaration_missing(until), secondment_review_due(until), checklist)


def briefing_due(as_at: date, until: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        ForumEvent.briefing_due <= until,
        # A late briefing still matters until the event starts; after that it is history.
        sa.or_(ForumEvent.briefing_due >= as_at, ForumEvent.start_date > as_at),
        ForumEvent.status != EventStatus.CANCELLED,
    )


def _between(expr: Any, bounds: tuple[date | None, date | None]) -> sa.ColumnElement[bool]:
    low, high = bounds
    conds = [expr >= low] if low is not None else []
    if high is not None:
        conds.append(expr <= high)
    return sa.and_(sa.true(), *conds)


def _commitment_risk(bounds: tuple[date, date], *, overdue: bool) -> sa.ColumnElement[bool]:
    as_at, until = bounds
    first_due = next_open_milestone(Commitment)
    late = commitment_overdue(Commitment.next_review_date, first_due, Commitment.rag_override, as_at)
    if overdue:
        return late
    soon = commitment_at_risk(Commitment.next_review_date, first_due, Commitment.rag_override, until)
    return sa.case((late, 0), (soon, 1), else_=0) == 1  # at risk and not overdue, NULLs read as false


def _forum_in(value: tuple[tuple[int, ...], bool]) -> sa.ColumnElement[bool]:
    ids, office_wide = value
    conds = [BudgetLine.forum_id.in_(ids)] if ids else []
    if office_wide:
        conds.append(BudgetLine.forum_id.is_(None))
    return sa.or_(sa.false(), *conds)


Predicate: TypeAlias = Callable[[Any], sa.ColumnElement[bool]]

FILTERS: Mapping[str, Mapping[str, Predicate]] = {
    "actions": {
        "open": lambda _v: Action.status.in_(CARRIED_FORWARD),
        "overdue_at": lambda d: Action.due_date < d,
        "not_overdue_at": lambda d: Action.due_date >= d,
        "owner_agency": lambda agency_id: Action.owner_agency_id == agency_id,
        "raised_between": lambda bounds: _between(Action.raised_on, bounds),
    },
    "commitments": {
        "open": lambda _v: Commitment.status.not_in(CLOSED_COMMITMENT),
        "status": lambda code: Commitment.status == CommitmentStatus(code),
        "overdue": lambda bounds: _commitment_risk(bounds, overdue=True),
        "at_risk": lambda bounds: _commitment_risk(bounds, overdue=False),
        "overdue_or_at_risk": lambda bounds: sa.or_(
            _commitment_risk(bounds, overdue=True), _commitment_risk(bounds, overdue=False)
        ),
        "review_between": lambda bounds: _between(Commitment.next_review_date, bounds),
        "no_review": lambda _v: Commitment.next_review_date.is_(None),
    },
    "budget": {
        "fiscal_year": lambda fy: BudgetLine.fiscal_year == fy,
        "forum_in": _forum_in,
    },
    "secondments": {
        "live_at": secondment_live_at,
        "ending_between": lambda bounds: _between(secondment_end(), bounds),
        "other_alert_by": secondment_other_alert,
    },
    "events": {
        "briefing_due": lambda bounds: briefing_due(*bounds),
    },
    "forums": {
        "priority": lambda code: Forum.priority.is_(None) if code is None else Forum.priority == Priority(code),
    },
}


def filter_clause(entity: str, pk: Any, preset: ListFilter) -> sa.ColumnElement[bool]:
    """`preset` as one SQL condition on the list `entity` (whose primary key is `pk`); "ids" works on every list."""
    known = FILTERS.get(entity, {})
    clauses: list[sa.ColumnElement[bool]] = []
    for name, value in preset.conditions:
        if name == "ids":
            clauses.append(pk.in_(tuple(value)))
        elif name in known:
            clauses.append(known[name](value))
        else:
            raise UnknownFilter(f"The list {entity!r} has no filter {name!r}.")
    return sa.and_(sa.true(), *clauses)
