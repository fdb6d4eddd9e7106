"""The delegation to a forum event: who goes, in what role, who leads it; each change audited like any edit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.forums import DelegationMember, ForumEvent
from core.domain.organisations import Organisation, Person
from core.services.records import create_record, delete_record, get_for_update, update_record
from core.services.validation import ValidationError

__all__ = ["DelegateRow", "add_delegate", "delegation_of", "remove_delegate"]


@dataclass(frozen=True)
class DelegateRow:
    id: int
    version: int
    person_id: int
    person: str
    organisation: str
    role: str
    is_head: bool
    estimated_cost: Decimal | None


def delegation_of(session: Session, event_id: int) -> tuple[DelegateRow, ...]:
    """The event's delegation: its head first, then by name."""
    rows = session.execute(
        sa.select(
            DelegationMember.id,
            DelegationMember.version_id,
            Person.id,
            Person.full_name,
            sa.func.coalesce(Organisation.code, Organisation.name),
            DelegationMember.role,
            DelegationMember.is_head,
            DelegationMember.estimated_cost,
        )
        .join(Person, Person.id == DelegationMember.person_id)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(DelegationMember.forum_event_id == event_id)
        .order_by(DelegationMember.is_head.desc(), Person.full_name, DelegationMember.id)
    )
    return tuple(DelegateRow(*row) for row in rows)


def add_delegate(
    session: Session,
    event_id: int,
    person_id: int | None,
    *,
    role: str = "",
    is_head: bool = False,
    estimated_cost: Decimal | None = None,
) -> DelegationMember:
    """Add a person to the delegation; as its head, the previous head becomes an ordinary member (one head).
    Errors name the field: person_id (none chosen, already in it), role."""
    get_for_update(session, ForumEvent, event_id)  # RecordNotFound if the event went meanwhile
    if person_id is None:
        raise ValidationError({"person_id": "Choose the person to add."})
    already = session.scalar(
        sa.select(Person.full_name)
        .join(DelegationMember, DelegationMember.person_id == Person.id)
        .where(DelegationMember.forum_event_id == event_id, Person.id == person_id)
    )
    if already is not None:
        raise ValidationError({"person_id": f"{already} is already in the delegation."})
    if is_head:
        for head in session.scalars(
            sa.select(DelegationMember).where(
                DelegationMember.forum_event_id == event_id, DelegationMember.is_head.is_(True)
            )
        ):
            update_record(session, DelegationMember, head.id, head.version_id, {"is_head": False})
    return create_record(
        session,
        DelegationMember,
        {
            "forum_event_id": event_id,
            "person_id": person_id,
            "role": role.strip(),
            "is_head": is_head,
            "estimated_cost": estimated_cost,
        },
    )


def remove_delegate(session: Session, member_id: int, expected_version: int) -> None:
    """Take a person off the delegation (EditConflict if someone changed the entry meanwhile)."""
    delete_record(session, DelegationMember, member_id, expected_version)
