"""The due-soon panel shown on opening: what is overdue or falls due within the alert window, soonest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm import join as orm_join

from core.domain.base import LabelledEnum
from core.domain.commitments import Commitment, CommitmentStatus, Milestone
from core.domain.forums import Forum, ForumEvent
from core.domain.meetings import CARRIED_FORWARD, Action, EngagementGroup
from core.domain.organisations import Organisation, Person
from core.domain.secondments import ChecklistItem, Secondment, SecondmentStatus
from core.reports.list_filters import (
    briefing_due,
    checklist_item_due,
    clearance_expiring,
    declaration_missing,
    no_declaration,
    secondment_review_due,
)
from core.reports.lists import action_rag_case
from core.services.office import load_settings
from core.services.rag import DUE_SOON_DAYS, Rag, RagInput, rag

__all__ = [
    "DUE_KINDS",
    "SECONDMENT_ALERTS",
    "DueItem",
    "DueKind",
    "DueSoonReport",
    "alert_items",
    "due_soon",
    "secondment_alerts",
]

DueKind = Literal[
    "action",
    "secondment_end",
    "clearance_expiry",
    "missing_declaration",
    "milestone",
    "commitment_review",
    "briefing",
    "secondment_review",
    "checklist_item",
]
DUE_KINDS: tuple[DueKind, ...] = get_args(DueKind)

_ENDING_SECONDMENT = (SecondmentStatus.APPROVED, SecondmentStatus.ACTIVE, SecondmentStatus.EXTENDED)
_CLOSED_COMMITMENT = (CommitmentStatus.COMPLETED, CommitmentStatus.LAPSED, CommitmentStatus.WITHDRAWN)
_OVERRIDES = frozenset(r.value for r in (Rag.RED, Rag.AMBER, Rag.GREEN))


@dataclass(frozen=True)
class DueItem:
    """One thing needing attention; `entity` and `row_id` name the list and row that open it (a milestone opens
    its commitment, declarations and clearances their secondment). `days` is negative when overdue."""

    kind: DueKind
    row_id: int
    entity: str
    title: str
    due: date | None
    days: int
    rag: str
    detail: str

    @property
    def overdue(self) -> bool:
        return self.days < 0


@dataclass(frozen=True)
class DueSoonReport:
    as_at: date
    window_days: int  # the alert window for everything but actions, which use the 14 days of the RAG rule
    items: tuple[DueItem, ...]  # by due date, overdue first

    @property
    def counts(self) -> Mapping[DueKind, int]:
        """Items per kind, every kind present (0 when none)."""
        counts = dict.fromkeys(DUE_KINDS, 0)
        for item in self.items:
            counts[item.kind] += 1
        return counts

    @property
    def overdue(self) -> tuple[DueItem, ...]:
        return tuple(item for item in self.items if item.overdue)

    def of_kind(self, kind: DueKind) -> tuple[DueItem, ...]:
        return tuple(item for item in self.items if item.kind == kind)


def _text(*parts: object) -> str:
    shown = (p.label if isinstance(p, LabelledEnum) else "" if p is None else str(p) for p in parts)
    return " · ".join(text for text in shown if text)


def _item(kind: DueKind, entity: str, row: Any, title: str, detail: str, as_at: date, rag_input: RagInput) -> DueItem:
    due: date = row.due
    return DueItem(kind, int(row.id), entity, title, due, (due - as_at).days, rag(rag_input, as_at).value, detail)


def _due_only(row: Any) -> RagInput:
    # Alerts without a status of their own follow the action rule on their date: overdue Red, 14 days Amber.
    return RagInput(due=row.due)


def _actions(session: Session, as_at: date, _until: date) -> Iterable[DueItem]:
    group = aliased(EngagementGroup)
    agency = aliased(Organisation)
    # RAG, title and the rest come ready from SQL: an office of 200,000 actions can have tens of thousands
    # overdue, and per-row Python (the RAG rule, string building) was most of this report's time.
    rag_value = action_rag_case(Action, as_at=as_at, soon=as_at + timedelta(days=DUE_SOON_DAYS))
    stmt = (
        sa.select(
            Action.id,
            (Action.ref + ": " + Action.description).label("title"),
            Action.due_date.label("due"),
            Action.status,
            rag_value.label("rag"),
            sa.func.coalesce(sa.func.nullif(group.short_name, ""), group.name).label("group"),
            sa.func.coalesce(agency.code, agency.name).label("owner"),
        )
        .select_from(
            orm_join(Action, group, Action.group_id == group.id).join(agency, Action.owner_agency_id == agency.id)
        )
        # Served by ix_action_status_due: overdue, and due within the RAG rule's 14 days.
        .where(
            Action.status.in_(CARRIED_FORWARD),
            Action.due_date <= as_at + timedelta(days=DUE_SOON_DAYS),
            Action.archived.is_(sa.false()),
        )
    )
    for row_id, title, due, status, rag_text, group_label, owner in session.execute(stmt):
        detail = " · ".join(part for part in (group_label, owner, status.label) if part)  # as _text()
        yield DueItem("action", row_id, "actions", title, due, (due - as_at).days, rag_text, detail)


def _secondment_select(*columns: Any) -> sa.Select[Any]:
    person = aliased(Person)
    home = aliased(Organisation)
    return (
        sa.select(Secondment.id, person.full_name.label("person"), home.name.label("home"), *columns)
        .select_from(
            orm_join(Secondment, person, Secondment.person_id == person.id).join(
                home, Secondment.home_organisation_id == home.id
            )
        )
        .where(Secondment.archived.is_(sa.false()))
    )


def _secondment_ends(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    # An end already past while the secondment is still running is shown too: it needs closing or extending.
    stmt = _secondment_select(Secondment.planned_end_date.label("due"), Secondment.role_title, Secondment.status).where(
        Secondment.status.in_(_ENDING_SECONDMENT), Secondment.planned_end_date <= until
    )
    for row in session.execute(stmt):
        detail = _text(row.role_title, row.home, row.status)
        yield _item("secondment_end", "secondments", row, row.person, detail, as_at, _due_only(row))


def _clearance_expiries(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    stmt = _secondment_select(
        Secondment.clearance_expiry.label("due"), Secondment.clearance_required, Secondment.clearance_status
    ).where(clearance_expiring(until))
    for row in session.execute(stmt):
        detail = _text(f"{row.clearance_required.label} clearance", row.clearance_status, row.home)
        yield _item("clearance_expiry", "secondments", row, row.person, detail, as_at, _due_only(row))


def _missing_declarations(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    """Industry loans about to start without what activation will require (the rule in services.validation)."""
    stmt = _secondment_select(
        Secondment.start_date.label("due"),
        no_declaration().label("no_declaration"),
        Secondment.confidentiality_signed,
    ).where(declaration_missing(until))
    for row in session.execute(stmt):
        missing = [
            *(["conflict-of-interest declaration"] if row.no_declaration else []),
            *([] if row.confidentiality_signed else ["confidentiality undertaking"]),
        ]
        detail = _text(f"No {' or '.join(missing)}", row.home)
        yield _item("missing_declaration", "secondments", row, row.person, detail, as_at, _due_only(row))


def _milestones(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    stmt = (
        sa.select(Commitment.id, Milestone.title, Milestone.due_date.label("due"), Commitment.title.label("commitment"))
        .select_from(orm_join(Milestone, Commitment, Milestone.commitment_id == Commitment.id))
        .where(
            Milestone.done_date.is_(None),
            Milestone.due_date <= until,
            Commitment.status.not_in(_CLOSED_COMMITMENT),
            Commitment.archived.is_(sa.false()),
        )
    )
    for row in session.execute(stmt):
        yield _item("milestone", "commitments", row, row.title, row.commitment, as_at, _due_only(row))


def _commitment_reviews(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    stmt = sa.select(
        Commitment.id,
        Commitment.title,
        Commitment.next_review_date.label("due"),
        Commitment.commitment_type,
        Commitment.status,
        Commitment.rag_override,
    ).where(
        Commitment.next_review_date <= until,
        Commitment.status.not_in(_CLOSED_COMMITMENT),
        Commitment.archived.is_(sa.false()),
    )
    for row in session.execute(stmt):
        override = (row.rag_override or "").capitalize()
        rag_input = RagInput(due=row.due, override=override if override in _OVERRIDES else None)
        detail = _text("Review", row.commitment_type, row.status)
        yield _item("commitment_review", "commitments", row, row.title, detail, as_at, rag_input)


def _briefings(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    forum = aliased(Forum)
    stmt = (
        sa.select(
            ForumEvent.id,
            ForumEvent.title,
            ForumEvent.briefing_due.label("due"),
            ForumEvent.start_date,
            ForumEvent.location,
            sa.func.coalesce(sa.func.nullif(forum.acronym, ""), forum.full_name).label("forum"),
        )
        .select_from(orm_join(ForumEvent, forum, ForumEvent.forum_id == forum.id))
        .where(briefing_due(as_at, until), ForumEvent.archived.is_(sa.false()))
    )
    for row in session.execute(stmt):
        detail = _text(row.forum, f"starts {row.start_date.isoformat()}", row.location)
        yield _item("briefing", "events", row, row.title, detail, as_at, _due_only(row))


def _secondment_reviews(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    """The next review of a secondment still to run or running (domain-reference §7.2 review dates)."""
    stmt = _secondment_select(Secondment.next_review_date.label("due"), Secondment.role_title, Secondment.status).where(
        secondment_review_due(until)
    )
    for row in session.execute(stmt):
        detail = _text("Review", row.role_title, row.home, row.status)
        yield _item("secondment_review", "secondments", row, row.person, detail, as_at, _due_only(row))


def _checklist_items(session: Session, as_at: date, until: date) -> Iterable[DueItem]:
    """On- and off-boarding steps not yet ticked (the rule of list_filters.checklist_item_due)."""
    stmt = (
        _secondment_select(ChecklistItem.due_date.label("due"), ChecklistItem.title, ChecklistItem.phase)
        .join(ChecklistItem, ChecklistItem.secondment_id == Secondment.id)
        .where(checklist_item_due(until))
    )
    for row in session.execute(stmt):
        detail = _text(row.phase, row.person, row.home)
        yield _item("checklist_item", "secondments", row, row.title, detail, as_at, _due_only(row))


_Source = Callable[[Session, date, date], Iterable[DueItem]]
_SOURCES: tuple[_Source, ...] = (
    _actions,
    _secondment_ends,
    _clearance_expiries,
    _missing_declarations,
    _milestones,
    _commitment_reviews,
    _briefings,
    _secondment_reviews,
    _checklist_items,
)
_KIND_ORDER = {kind: i for i, kind in enumerate(DUE_KINDS)}


def due_soon(session: Session, *, as_at: date, window_days: int | None = None) -> DueSoonReport:
    """Everything overdue or due soon as at `as_at`: open actions overdue or due within 14 days, and within the
    alert window (default: the office's shortest, 30 days; both ends inclusive) secondment ends, clearance
    expiries, industry loans starting without declarations, milestones, commitment reviews, briefings,
    secondment reviews and on/off-boarding checklist items.
    One indexed query per kind; archived rows are left out."""
    if window_days is None:
        window_days = load_settings(session).shortest_alert_days
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0:
        raise ValueError("window_days must be a whole number of 0 or more")
    until = as_at + timedelta(days=window_days)
    items = [item for source in _SOURCES for item in source(session, as_at, until)]
    items.sort(key=lambda i: (i.due or date.max, _KIND_ORDER[i.kind], i.title.casefold(), i.row_id))
    return DueSoonReport(as_at=as_at, window_days=window_days, items=tuple(items))


# The secondment alerts besides its end, which lists of secondments show in their own columns.
SECONDMENT_ALERTS: tuple[DueKind, ...] = (
    "clearance_expiry",
    "missing_declaration",
    "secondment_review",
    "checklist_item",
)


def alert_items(session: Session, *, as_at: date, window_days: int, kinds: tuple[DueKind, ...]) -> tuple[DueItem, ...]:
    """The report's items of `kinds` only, soonest first: one query per kind asked for, none for the others (the
    dashboard and the pack need a few kinds, not the tens of thousands of overdue actions of a large office)."""
    until = as_at + timedelta(days=window_days)
    wanted = set(kinds)
    items = [
        item
        for kind, source in zip(DUE_KINDS, _SOURCES, strict=True)
        if kind in wanted
        for item in source(session, as_at, until)
    ]
    items.sort(key=lambda i: (i.due or date.max, _KIND_ORDER[i.kind], i.title.casefold(), i.row_id))
    return tuple(items)


def _when(days: int, soon: str, late: str) -> str:
    if days < 0:
        return late.format(n=-days, s="s" if days != -1 else "")
    return soon.format(n=days, s="s" if days != 1 else "") if days else soon.split(" in ")[0] + " today"


def secondment_alerts(session: Session, *, as_at: date, window_days: int) -> dict[int, tuple[str, ...]]:
    """Per secondment, the alerts of this report other than its end (which lists of secondments show already):
    clearance expiry, missing declarations, the next review and checklist items due, as short phrases."""
    phrases: dict[int, list[str]] = {}
    checklist: dict[int, int] = {}
    for item in alert_items(session, as_at=as_at, window_days=window_days, kinds=SECONDMENT_ALERTS):
        if item.kind == "clearance_expiry":
            text = _when(item.days, "Clearance expires in {n} day{s}", "Clearance expired {n} day{s} ago")
        elif item.kind == "missing_declaration":
            text = item.detail.split(" · ")[0]
        elif item.kind == "secondment_review":
            text = _when(item.days, "Review in {n} day{s}", "Review {n} day{s} overdue")
        elif item.kind == "checklist_item":
            checklist[item.row_id] = checklist.get(item.row_id, 0) + 1
            continue
        else:
            continue
        phrases.setdefault(item.row_id, []).append(text)
    for row_id, count in checklist.items():
        phrases.setdefault(row_id, []).append(f"{count} checklist item{'s' if count != 1 else ''} due")
    return {row_id: tuple(texts) for row_id, texts in phrases.items()}
