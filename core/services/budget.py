"""Changing budget amounts (each change a revision row) and starting the next fiscal year from this one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.audit import current_actor
from core.domain.base import utcnow
from core.domain.money import MoneyError, to_cents
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision
from core.services.validation import ValidationError

__all__ = ["AmountChange", "overcommitted", "roll_forward", "set_budget_amount", "set_staff_day_rate"]

_MONTHS = 12
_CHUNK = 1000
_COLUMN = {
    BudgetMeasure.ORIGINAL: "original",
    BudgetMeasure.REVISED: "revised",
    BudgetMeasure.COMMITTED: "committed",
    BudgetMeasure.ACTUAL: "actual",
    BudgetMeasure.FORECAST: "forecast",
}


@dataclass(frozen=True)
class AmountChange:
    """What `set_budget_amount` did: the revision it recorded and any warning to show beside the line."""

    revision_id: int | None  # None when the amount did not change
    old: Decimal
    new: Decimal
    warning: str


def overcommitted(session: Session, line_id: int) -> str:
    """The warning for a line whose committed + actual exceed its revised budget ("" when they do not)."""
    revised, committed, actual = session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(BudgetMonth.revised), 0),
            sa.func.coalesce(sa.func.sum(BudgetMonth.committed), 0),
            sa.func.coalesce(sa.func.sum(BudgetMonth.actual), 0),
        ).where(BudgetMonth.budget_line_id == line_id)
    ).one()
    over = Decimal(committed) + Decimal(actual) - Decimal(revised)
    return f"Committed + actual exceed the revised budget by {over:,.2f}" if over > 0 else ""


def set_budget_amount(
    session: Session,
    line_id: int,
    fiscal_month: int,
    measure: BudgetMeasure,
    amount: Decimal,
    *,
    reason: str,
    actor: str | None = None,
) -> AmountChange:
    """Set one month's amount of a line and record the change as a revision (old, new, reason, who, when).

    A change of the original or revised budget needs a reason; committed, actual and forecast record the
    reason given (or "Updated"). Raises ValidationError with the field's message."""
    errors: dict[str, str] = {}
    if not 1 <= fiscal_month <= _MONTHS:
        errors["fiscal_month"] = "A fiscal month is 1 to 12."
    try:
        to_cents(amount)
    except (MoneyError, TypeError) as exc:
        errors["amount"] = str(exc)
    reason = reason.strip()
    if measure in (BudgetMeasure.ORIGINAL, BudgetMeasure.REVISED) and not reason:
        errors["reason"] = "Say why the budget changes; the reason is kept with the revision."
    line = session.get(BudgetLine, line_id)
    if line is None:
        errors["budget_line_id"] = "No such budget line."
    if errors:
        raise ValidationError(errors)
    month = session.get(BudgetMonth, (line_id, fiscal_month))
    if month is None:
        month = BudgetMonth(budget_line_id=line_id, fiscal_month=fiscal_month)
        session.add(month)
        session.flush()
    column = _COLUMN[measure]
    old = cast(Decimal, getattr(month, column) or Decimal("0.00"))
    revision_id = None
    if old != amount:
        setattr(month, column, amount)
        assert line is not None
        line.updated_at = utcnow()  # bumps the line's version: an editor holding it sees the change
        revision = BudgetRevision(
            budget_line_id=line_id,
            fiscal_month=fiscal_month,
            measure=measure,
            old_amount=old,
            new_amount=amount,
            reason=reason or "Updated",
            changed_by=(actor or session.info.get("actor") or current_actor())[:200],
        )
        session.add(revision)
        session.flush()
        revision_id = revision.id
    return AmountChange(revision_id, old, amount, overcommitted(session, line_id))


def roll_forward(session: Session, from_fy: int, to_fy: int, *, actor: str | None = None) -> int:
    """ "Start the next fiscal year from this one": copy the lines of `from_fy` (not archived) into `to_fy`, their
    revised budget becoming the new year's original and revised phasing, with nothing committed, spent or forecast.

    Refused (ValidationError) when `to_fy` already holds lines, so running it twice never duplicates a year.
    Returns the number of lines copied. Core executemany in chunks: a year may hold many lines."""
    if to_fy <= from_fy:
        raise ValidationError({"to_fy": "Copy lines forward into a later fiscal year."})
    existing = session.scalar(sa.select(sa.func.count()).select_from(BudgetLine).where(BudgetLine.fiscal_year == to_fy))
    if existing:
        raise ValidationError({"to_fy": f"That fiscal year already holds {existing:,} budget line(s)."})
    copied_columns = (
        "forum_id",
        "category_id",
        "cost_centre",
        "description",
        "funding_type",
        "oda_eligible",
        "commitment_id",
        "owner_person_id",
        "owner_agency_id",
        "grant_recipient",
        "notes",
        "marking_id",
        "external_ref",
    )
    lines = session.execute(
        sa.select(BudgetLine.id, *(getattr(BudgetLine, c) for c in copied_columns))
        .where(BudgetLine.fiscal_year == from_fy, BudgetLine.archived.is_(False))
        .order_by(BudgetLine.id)
    ).all()
    line_table = cast(sa.Table, BudgetLine.__table__)
    month_table = cast(sa.Table, BudgetMonth.__table__)
    zero = Decimal("0.00")
    count = 0
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start : start + _CHUNK]
        rows = [{"fiscal_year": to_fy, **dict(zip(copied_columns, row[1:], strict=True))} for row in chunk]
        new_ids = list(
            session.execute(
                line_table.insert().returning(line_table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        )
        old_ids = [row.id for row in chunk]
        phasing = session.execute(
            sa.select(BudgetMonth.budget_line_id, BudgetMonth.fiscal_month, BudgetMonth.revised).where(
                BudgetMonth.budget_line_id.in_(old_ids)
            )
        ).all()
        new_of = dict(zip(old_ids, new_ids, strict=True))
        months = [
            {
                "budget_line_id": new_of[old_id],
                "fiscal_month": m,
                "original": revised,
                "revised": revised,
                "committed": zero,
                "actual": zero,
                "forecast": zero,
            }
            for old_id, m, revised in phasing
        ]
        if months:
            session.execute(month_table.insert(), months)
        count += len(new_ids)
    if count:
        import uuid

        from core.domain.audit import append_batch_entry

        first_id = session.scalar(sa.select(sa.func.min(BudgetLine.id)).where(BudgetLine.fiscal_year == to_fy))
        last_id = session.scalar(sa.select(sa.func.max(BudgetLine.id)).where(BudgetLine.fiscal_year == to_fy))
        # A bulk write: one audit entry for the batch, as DESIGN §4 asks of year roll-over.
        append_batch_entry(
            session.connection(),
            table_name="budget_line",
            row_count=count,
            id_min=first_id,
            id_max=last_id,
            batch_id=str(uuid.uuid4()),
            actor=actor or session.info.get("actor") or current_actor(),
            summary={"kind": "roll-forward", "from_fiscal_year": from_fy, "to_fiscal_year": to_fy},
        )
    return count


def set_staff_day_rate(session: Session, text: str) -> Decimal | None:
    """Set the office's cost of one person-day from what the user typed ("" clears it): staff cost per forum is
    person-days × this rate. Audited as any change to the office row. Raises ValidationError with the message."""
    from core.domain.money import parse_money
    from core.domain.reference import Office
    from core.services.records import update_record

    rate: Decimal | None = None
    if text.strip():
        try:
            rate = parse_money(text)
        except MoneyError as exc:
            raise ValidationError({"staff_day_rate": str(exc)}) from exc
        if rate < 0:
            raise ValidationError({"staff_day_rate": "A day rate cannot be negative."})
    office = session.get(Office, 1)
    if office is None:
        raise ValidationError({"staff_day_rate": "This database holds no office yet."})
    update_record(session, Office, 1, office.version_id, {"staff_day_rate": rate})
    return rate
