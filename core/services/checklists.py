"""On- and off-boarding checklists of secondments: the office's item templates, copying them, ticking items done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.secondments import (
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplate,
    Direction,
    Secondment,
    SecondmentType,
)
from core.services.validation import ValidationError

__all__ = [
    "DEFAULT_TEMPLATES",
    "ChecklistRow",
    "TemplateSeed",
    "add_checklist_item",
    "checklist",
    "copy_checklist",
    "default_template_rows",
    "default_templates_for",
    "due_date_of",
    "move_offboarding_due_dates",
    "set_item_done",
]

_ON, _OFF = ChecklistPhase.ONBOARDING, ChecklistPhase.OFFBOARDING
_IN, _OUT = Direction.INWARD, Direction.OUTWARD
_LOAN = SecondmentType.INDUSTRY_LOAN


@dataclass(frozen=True)
class TemplateSeed:
    phase: ChecklistPhase
    direction: Direction | None  # None: every direction
    secondment_type: SecondmentType | None  # None: every type
    title: str
    source: str
    days_from_anchor: int | None = 0  # 0: due on the start date (on-boarding) or the planned end (off-boarding)


# Only the steps domain-reference.md §7 names; each office edits, archives or adds its own.
DEFAULT_TEMPLATES: tuple[TemplateSeed, ...] = (
    TemplateSeed(
        _ON,
        None,
        None,
        "Written agreement signed (MOU, tripartite contract, IPA agreement or exchange of letters) covering "
        "entitlements, funding and conditions",
        "§7.1 APS Mobility Framework; UK interchange; US IPA",
    ),
    TemplateSeed(
        _ON,
        None,
        None,
        "Home and host roles, day-to-day direction and work health and safety agreed",
        "§7.1 APS Mobility Framework",
    ),
    TemplateSeed(_ON, None, None, "Cost sharing agreed and linked to a budget line", "§7.2 cost sharing"),
    TemplateSeed(
        _ON,
        _IN,
        None,
        "Conflict-of-interest declaration made and the handling of any conflict agreed in writing",
        "§7.1 UK Civil Service; APS Mobility Framework",
    ),
    TemplateSeed(_ON, _IN, None, "Security clearance granted or transferred at the level required", "§7.2 clearance"),
    TemplateSeed(_ON, _IN, _LOAN, "Confidentiality undertaking signed", "§7.2 validation"),
    TemplateSeed(
        _ON,
        _IN,
        _LOAN,
        "Kept out of bids and procurement involving the home organisation (mitigation recorded)",
        "§7.1 UK Civil Service",
    ),
    TemplateSeed(
        _OFF,
        _IN,
        _LOAN,
        "Reminded that commercially confidential information must not go back to the home organisation",
        "§7.1 UK Civil Service",
    ),
    TemplateSeed(_OFF, _IN, None, "Clearance recorded as transferred or lapsed", "§7.2 clearance status"),
    TemplateSeed(
        _OFF,
        _OUT,
        SecondmentType.IPA_STYLE,
        "Return to the home organisation agreed for a period equal to the assignment",
        "§7.1 US IPA",
    ),
    TemplateSeed(_OFF, None, None, "Cost-sharing reimbursements settled", "§7.2 cost sharing"),
    TemplateSeed(_OFF, None, None, "Outputs recorded in the secondment's notes", "§7.2 outputs"),
)


def default_template_rows() -> Iterable[dict[str, Any]]:
    """The default templates as rows for the bulk writer (ids left to it)."""
    for order, seed in enumerate(DEFAULT_TEMPLATES, start=1):
        yield {
            "phase": seed.phase,
            "direction": seed.direction,
            "secondment_type": seed.secondment_type,
            "title": seed.title,
            "days_from_anchor": seed.days_from_anchor,
            "source": seed.source,
            "sort_order": order,
        }


def default_templates_for(direction: Direction, kind: SecondmentType) -> Iterable[tuple[int, TemplateSeed]]:
    """The default templates (with their index) that apply to a secondment of this direction and type."""
    for index, seed in enumerate(DEFAULT_TEMPLATES):
        if seed.direction in (None, direction) and seed.secondment_type in (None, kind):
            yield index, seed


def due_date_of(phase: ChecklistPhase, days: int | None, start: date, end: date) -> date | None:
    """An item's due date: `days` after the start (on-boarding) or the planned end (off-boarding)."""
    if days is None:
        return None
    return (start if phase == _ON else end) + timedelta(days=days)


@dataclass(frozen=True)
class ChecklistRow:
    id: int
    version: int
    phase: ChecklistPhase
    title: str
    due_date: date | None
    done_on: date | None
    done_by: str
    note: str

    @property
    def done(self) -> bool:
        return self.done_on is not None


def copy_checklist(session: Session, secondment_id: int) -> int:
    """Copy the office's current templates for this secondment's direction and type onto it; templates already
    copied are skipped, so running it again on an existing secondment adds only new ones. Returns how many."""
    secondment = session.get(Secondment, secondment_id)
    if secondment is None:
        raise ValidationError({"": "The secondment no longer exists."})
    copied = set(
        session.scalars(
            sa.select(ChecklistItem.template_id).where(
                ChecklistItem.secondment_id == secondment_id, ChecklistItem.template_id.is_not(None)
            )
        )
    )
    templates = session.scalars(
        sa.select(ChecklistTemplate)
        .where(
            ChecklistTemplate.archived.is_(sa.false()),
            sa.or_(ChecklistTemplate.direction.is_(None), ChecklistTemplate.direction == secondment.direction),
            sa.or_(
                ChecklistTemplate.secondment_type.is_(None),
                ChecklistTemplate.secondment_type == secondment.secondment_type,
            ),
        )
        .order_by(ChecklistTemplate.phase, ChecklistTemplate.sort_order, ChecklistTemplate.id)
    ).all()
    added = 0
    for template in templates:
        if template.id in copied:
            continue
        session.add(
            ChecklistItem(
                secondment_id=secondment_id,
                template_id=template.id,
                phase=template.phase,
                title=template.title,
                days_from_anchor=template.days_from_anchor,
                due_date=due_date_of(
                    template.phase, template.days_from_anchor, secondment.start_date, secondment.planned_end_date
                ),
                sort_order=template.sort_order,
            )
        )
        added += 1
    session.flush()
    return added


def add_checklist_item(
    session: Session, secondment_id: int, *, phase: ChecklistPhase, title: str, due_date: date | None
) -> ChecklistItem:
    """An item for this secondment alone (not from a template)."""
    from core.services.records import create_record

    if not title.strip():
        raise ValidationError({"title": "Say what needs doing."})
    last = session.scalar(
        sa.select(sa.func.max(ChecklistItem.sort_order)).where(ChecklistItem.secondment_id == secondment_id)
    )
    return create_record(
        session,
        ChecklistItem,
        {
            "secondment_id": secondment_id,
            "phase": phase,
            "title": title.strip(),
            "due_date": due_date,
            "sort_order": (last or 0) + 1,
        },
    )


def checklist(session: Session, secondment_id: int) -> tuple[ChecklistRow, ...]:
    """The secondment's items: on-boarding first, each phase in the office's order."""
    rows = session.execute(
        sa.select(
            ChecklistItem.id,
            ChecklistItem.version_id,
            ChecklistItem.phase,
            ChecklistItem.title,
            ChecklistItem.due_date,
            ChecklistItem.done_on,
            ChecklistItem.done_by,
            ChecklistItem.note,
        )
        .where(ChecklistItem.secondment_id == secondment_id)
        .order_by(sa.case((ChecklistItem.phase == _ON, 0), else_=1), ChecklistItem.sort_order, ChecklistItem.id)
    )
    return tuple(ChecklistRow(*row) for row in rows)


def set_item_done(
    session: Session,
    item_id: int,
    expected_version: int,
    *,
    done: bool,
    on: date | None,
    by: str,
    today: date | None = None,
) -> ChecklistItem:
    """Tick an item done on a date, by someone, or untick it; audited like any edit and refused on a stale copy.
    A date after `today` (the real date unless given) is refused: ticked ahead of time, the item would leave the
    due-soon panel before anyone had done it."""
    from core.services.records import update_record

    if done and on is None:
        raise ValidationError({"done_on": "Give the date it was done."})
    if done and on is not None and on > (today or date.today()):
        raise ValidationError({"done_on": "An item cannot be done later than today: give the date it was done."})
    if done and not by.strip():
        raise ValidationError({"done_by": "Say who did it."})
    changes: dict[str, Any] = {"done_on": on, "done_by": by.strip()} if done else {"done_on": None, "done_by": ""}
    return update_record(session, ChecklistItem, item_id, expected_version, changes)


def move_offboarding_due_dates(session: Session, secondment_id: int, new_end: date) -> None:
    """After an extension: off-boarding items not yet done fall due relative to the new end date."""
    items = session.scalars(
        sa.select(ChecklistItem).where(
            ChecklistItem.secondment_id == secondment_id,
            ChecklistItem.phase == _OFF,
            ChecklistItem.done_on.is_(None),
            ChecklistItem.days_from_anchor.is_not(None),
        )
    )
    for item in items:
        assert item.days_from_anchor is not None
        item.due_date = new_end + timedelta(days=item.days_from_anchor)
    session.flush()
