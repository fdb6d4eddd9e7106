"""Commitment use cases: the status lifecycle, milestones and the progress and RAG they give, the example library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.commitments import (
    Commitment,
    CommitmentStatus,
    CommitmentType,
    LegalStatus,
    Milestone,
    commitment_budget_line,
)
from core.domain.forums import Forum
from core.domain.money import from_cents
from core.domain.organisations import Organisation, Person
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMonth
from core.services.rag import Rag, RagInput, rag
from core.services.records import delete_record, get_for_update, update_record
from core.services.seed_data import COMMITMENT_EXAMPLES, CommitmentExample
from core.services.validation import ValidationError, transition_problem

__all__ = [
    "COMMITMENT_TRANSITIONS",
    "CommitmentProgress",
    "LinkedBudgetLine",
    "MilestoneRow",
    "budget_lines_of",
    "commitment_db_problems",
    "commitment_progress",
    "commitment_rag_input",
    "delete_milestone",
    "done_date_problem",
    "example",
    "examples",
    "milestone_db_problems",
    "milestones_of",
    "set_milestone_done",
    "values_from_example",
]

_C = CommitmentStatus
# Before signature a commitment moves freely between proposal and negotiation; once signed or endorsed it never
# goes back to them. A completed or lapsed commitment can be taken up again (renewed); a withdrawn one is closed.
COMMITMENT_TRANSITIONS: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = {
    _C.PROPOSED: frozenset({_C.UNDER_NEGOTIATION, _C.SIGNED, _C.WITHDRAWN}),
    _C.UNDER_NEGOTIATION: frozenset({_C.PROPOSED, _C.SIGNED, _C.WITHDRAWN}),
    _C.SIGNED: frozenset({_C.IN_IMPLEMENTATION, _C.COMPLETED, _C.LAPSED, _C.WITHDRAWN}),
    _C.IN_IMPLEMENTATION: frozenset({_C.COMPLETED, _C.LAPSED, _C.WITHDRAWN}),
    _C.COMPLETED: frozenset({_C.IN_IMPLEMENTATION}),
    _C.LAPSED: frozenset({_C.SIGNED, _C.IN_IMPLEMENTATION}),
    _C.WITHDRAWN: frozenset(),
}
_CLOSED = (_C.COMPLETED, _C.LAPSED, _C.WITHDRAWN)


def commitment_db_problems(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    """The status moves only along the lifecycle (a new record may start at any status)."""
    new_status = values.get("status")
    if row_id is None or new_status is None:
        return {}
    stored = session.scalar(sa.select(Commitment.status).where(Commitment.id == row_id))
    if stored is None:
        return {}
    problem = transition_problem(
        "commitment", COMMITMENT_TRANSITIONS, CommitmentStatus(stored), CommitmentStatus(new_status)
    )
    return {"status": problem} if problem else {}


# --- milestones, progress and RAG ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    version: int
    title: str
    due_date: date
    done_date: date | None
    owner: str  # the owner agency (code or name), then the person, as the pack shows them

    @property
    def done(self) -> bool:
        return self.done_date is not None


@dataclass(frozen=True)
class CommitmentProgress:
    done: int
    total: int
    next_due: date | None  # the earliest milestone not yet done
    rag: Rag

    @property
    def percent(self) -> int | None:
        """Share of milestones done, rounded down (None without milestones: no progress to speak of)."""
        return None if self.total == 0 else self.done * 100 // self.total

    @property
    def text(self) -> str:
        return "no milestones" if self.total == 0 else f"{self.done} of {self.total} milestones done ({self.percent}%)"


def milestones_of(session: Session, commitment_id: int) -> tuple[MilestoneRow, ...]:
    agency, person = aliased(Organisation), aliased(Person)
    rows = session.execute(
        sa.select(
            Milestone.id,
            Milestone.version_id,
            Milestone.title,
            Milestone.due_date,
            Milestone.done_date,
            sa.func.coalesce(sa.func.nullif(agency.code, ""), agency.name),
            person.full_name,
        )
        .outerjoin(agency, Milestone.owner_agency_id == agency.id)
        .outerjoin(person, Milestone.owner_person_id == person.id)
        .where(Milestone.commitment_id == commitment_id)
        .order_by(Milestone.due_date, Milestone.id)
    )
    return tuple(
        MilestoneRow(row_id, version, title, due, done, " · ".join(p for p in (agency_label, person_name) if p))
        for row_id, version, title, due, done, agency_label, person_name in rows
    )


def done_date_problem(done: date | None, today: date) -> str | None:
    """A milestone is done on a day that has come: a date ahead would count it done before the work is."""
    if done is not None and done > today:
        return "A milestone cannot be done later than today: give the date it was done."
    return None


def milestone_db_problems(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    """Every path that saves a milestone (its editor, Mark done, a script) refuses a done date still to come."""
    problem = done_date_problem(values.get("done_date"), date.today())
    return {"done_date": problem} if problem else {}


def set_milestone_done(
    session: Session, milestone_id: int, expected_version: int, on: date | None, *, overwrite: bool = False
) -> Milestone:
    """Mark the milestone done on `on` (any day up to today), or None to undo it; audited, and raising
    `EditConflict` when someone changed it since it was loaded (unless `overwrite`: the user chose Keep mine)."""
    return update_record(session, Milestone, milestone_id, expected_version, {"done_date": on}, overwrite=overwrite)


def delete_milestone(session: Session, milestone_id: int, expected_version: int) -> None:
    """Delete a milestone not yet done (a mistaken or dropped step). A done one is the commitment's record of
    progress: undo done first, so that deleting it is a deliberate second step."""
    milestone = get_for_update(session, Milestone, milestone_id)
    if milestone.done_date is not None and milestone.version_id == expected_version:
        raise ValidationError({"done_date": "This milestone is done: undo done before deleting it."})
    delete_record(session, Milestone, milestone_id, expected_version)


def commitment_rag_input(
    status: CommitmentStatus, next_due: date | None, review: date | None, override: str | None
) -> RagInput:
    """The one RAG rule applied to a commitment: done when completed, no RAG once withdrawn or lapsed, and
    otherwise judged on the earliest open milestone (or, without one, the next review); work has started once it
    is in implementation."""
    return RagInput(
        due=next_due if next_due is not None else review,
        done=status == CommitmentStatus.COMPLETED,
        cancelled=status in (CommitmentStatus.WITHDRAWN, CommitmentStatus.LAPSED),
        started=status == CommitmentStatus.IN_IMPLEMENTATION,
        override=override or None,
    )


def commitment_progress(session: Session, commitment_id: int, as_at: date) -> CommitmentProgress:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise LookupError(f"commitment {commitment_id} no longer exists")
    milestones = milestones_of(session, commitment_id)
    done = sum(1 for m in milestones if m.done)
    next_due = min((m.due_date for m in milestones if not m.done), default=None)
    rag_input = commitment_rag_input(commitment.status, next_due, commitment.next_review_date, commitment.rag_override)
    return CommitmentProgress(done, len(milestones), next_due, rag(rag_input, as_at))


@dataclass(frozen=True)
class LinkedBudgetLine:
    id: int
    fiscal_year: int
    description: str
    category: str
    revised: Decimal


def budget_lines_of(session: Session, commitment_id: int) -> tuple[LinkedBudgetLine, ...]:
    """The budget lines that fund the commitment: those pointing at it and those it is linked to."""
    linked = sa.select(commitment_budget_line.c.budget_line_id).where(
        commitment_budget_line.c.commitment_id == commitment_id
    )
    # Summed as the stored cents; Money turns them into an amount once, below.
    revised = (
        sa.select(sa.func.coalesce(sa.func.sum(sa.type_coerce(BudgetMonth.revised, sa.BigInteger())), 0))
        .where(BudgetMonth.budget_line_id == BudgetLine.id)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(BudgetLine.id, BudgetLine.fiscal_year, BudgetLine.description, CostCategory.label, revised)
        .join(CostCategory, BudgetLine.category_id == CostCategory.id)
        .where(sa.or_(BudgetLine.commitment_id == commitment_id, BudgetLine.id.in_(linked)))
        .order_by(BudgetLine.fiscal_year, BudgetLine.id)
    )
    return tuple(
        LinkedBudgetLine(i, fy, text, category, from_cents(int(amount))) for i, fy, text, category, amount in rows
    )


# --- the reference library -------------------------------------------------------------------------------------


def examples() -> tuple[CommitmentExample, ...]:
    return COMMITMENT_EXAMPLES


def example(number: int) -> CommitmentExample:
    found = next((e for e in COMMITMENT_EXAMPLES if e.number == number), None)
    if found is None:
        raise LookupError(f"There is no example {number} in the library.")
    return found


def values_from_example(session: Session, chosen: CommitmentExample) -> dict[str, Any]:
    """The fields of a new commitment copied from an example: a proposal of the office's own, to be edited
    before it is saved. The title is left for the user to make the office's ("Home State joins ...")."""
    forum_id = None
    if chosen.forum_acronym:
        forum_id = session.scalar(
            sa.select(Forum.id).where(Forum.acronym == chosen.forum_acronym, Forum.archived.is_(sa.false()))
        )
    source = f"Reference library example {chosen.number}: {chosen.title} ({chosen.parties}, {chosen.when})."
    return {
        "title": chosen.title,
        "commitment_type": CommitmentType(chosen.commitment_type),
        "legal_status": LegalStatus(chosen.legal_status),
        "forum_id": forum_id,
        "instrument_ref": chosen.instrument_ref,
        "status": CommitmentStatus.PROPOSED,
        "is_public": True,
        "notes": source,
    }


def is_closed(status: CommitmentStatus) -> bool:
    return status in _CLOSED
