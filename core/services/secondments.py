"""Secondment use cases: the status lifecycle, extensions with their history, and the rules that need the stored row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.secondments import Secondment, SecondmentExtension, SecondmentStatus
from core.services.checklists import move_offboarding_due_dates
from core.services.validation import ValidationError, transition_problem, validate_values

__all__ = [
    "EXTENSION_IN_PROGRESS",
    "SECONDMENT_TRANSITIONS",
    "ExtensionRow",
    "extend_secondment",
    "extension_history",
    "secondment_db_problems",
]

_S = SecondmentStatus
# Where each status may go next. A new record may start at any status (an office records secondments already
# running); after that the secondment only moves forward, and an ended one stays ended.
SECONDMENT_TRANSITIONS: Mapping[SecondmentStatus, frozenset[SecondmentStatus]] = {
    _S.PROPOSED: frozenset({_S.APPROVED, _S.ACTIVE, _S.TERMINATED_EARLY}),
    _S.APPROVED: frozenset({_S.PROPOSED, _S.ACTIVE, _S.TERMINATED_EARLY}),
    _S.ACTIVE: frozenset({_S.EXTENDED, _S.COMPLETED, _S.TERMINATED_EARLY}),
    _S.EXTENDED: frozenset({_S.COMPLETED, _S.TERMINATED_EARLY}),
    _S.COMPLETED: frozenset(),
    _S.TERMINATED_EARLY: frozenset(),
}
_RUNNING = (_S.ACTIVE, _S.EXTENDED)

# Set in session.info by extend_secondment: the one way a running secondment's end date moves later.
EXTENSION_IN_PROGRESS = "secondment_extension_in_progress"


def secondment_db_problems(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    """Rules needing the stored row: the status moves only along the lifecycle, and a running secondment's end
    date moves later only through an extension (so the history keeps the reason)."""
    if row_id is None:
        return {}
    stored = session.execute(
        sa.select(Secondment.status, Secondment.planned_end_date).where(Secondment.id == row_id)
    ).first()
    if stored is None:
        return {}
    errors: dict[str, str] = {}
    new_status = values.get("status")
    if new_status is not None:
        problem = transition_problem(
            "secondment", SECONDMENT_TRANSITIONS, SecondmentStatus(stored.status), SecondmentStatus(new_status)
        )
        if problem:
            errors["status"] = problem
    new_end = values.get("planned_end_date")
    if (
        stored.status in _RUNNING
        and isinstance(new_end, date)
        and new_end > stored.planned_end_date
        and not session.info.get(EXTENSION_IN_PROGRESS)
    ):
        errors["planned_end_date"] = "Use Extend… to move the end date later, so the reason is kept in its history."
    return errors


@dataclass(frozen=True)
class ExtensionRow:
    id: int
    granted_on: date
    previous_end_date: date
    new_end_date: date
    reason: str


def extension_history(session: Session, secondment_id: int) -> tuple[ExtensionRow, ...]:
    """The secondment's extensions, oldest first: from the end date as first agreed to the current one."""
    rows = session.execute(
        sa.select(
            SecondmentExtension.id,
            SecondmentExtension.granted_on,
            SecondmentExtension.previous_end_date,
            SecondmentExtension.new_end_date,
            SecondmentExtension.reason,
        )
        .where(SecondmentExtension.secondment_id == secondment_id)
        .order_by(SecondmentExtension.new_end_date, SecondmentExtension.id)
    )
    return tuple(ExtensionRow(*row) for row in rows)


def extend_secondment(
    session: Session,
    secondment_id: int,
    expected_version: int,
    *,
    new_end_date: date | None,
    reason: str,
    granted_on: date,
) -> SecondmentExtension:
    """Move a running secondment's end date later, with the reason: the secondment becomes Extended and one
    history row keeps the previous and new end dates. Errors name the dialog's fields (new_end_date, reason);
    a scheme limit broken by the new date (IPA-style 4 years) is reported on new_end_date too."""
    # Imported here: records calls back into this module for its database rules.
    from core.services.records import get_for_update, update_record

    # A stale version is caught by update_record below, before anything is written.
    secondment = get_for_update(session, Secondment, secondment_id)
    errors: dict[str, str] = {}
    if secondment.status not in _RUNNING:
        errors["new_end_date"] = (
            f"Only an active or extended secondment can be extended; this one is {secondment.status.label.lower()}."
        )
    elif new_end_date is None:
        errors["new_end_date"] = "Give the new end date."
    elif new_end_date <= secondment.planned_end_date:
        errors["new_end_date"] = (
            f"The new end date must be after the current one ({secondment.planned_end_date:%d %b %Y})."
        )
    if not reason.strip():
        errors["reason"] = "Give the reason for the extension."
    else:
        errors.update(validate_values(SecondmentExtension, {"reason": reason}, partial=True))
    if errors:
        raise ValidationError(errors)
    assert new_end_date is not None
    previous = secondment.planned_end_date
    session.info[EXTENSION_IN_PROGRESS] = True
    try:
        update_record(
            session,
            Secondment,
            secondment_id,
            expected_version,
            {"planned_end_date": new_end_date, "status": SecondmentStatus.EXTENDED},
        )
    except ValidationError as exc:
        moved = {("new_end_date" if k == "planned_end_date" else k): v for k, v in exc.errors.items()}
        raise ValidationError(moved) from exc
    finally:
        session.info.pop(EXTENSION_IN_PROGRESS, None)
    extension = SecondmentExtension(
        secondment_id=secondment_id,
        granted_on=granted_on,
        previous_end_date=previous,
        new_end_date=new_end_date,
        reason=reason.strip(),
    )
    session.add(extension)
    session.flush()
    move_offboarding_due_dates(session, secondment_id, new_end_date)
    return extension
