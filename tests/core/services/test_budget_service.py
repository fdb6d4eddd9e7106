"""Budget amounts change only with a revision row; the next fiscal year starts from this one."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision
from core.services.budget import roll_forward, set_budget_amount
from core.services.validation import ValidationError
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)


def _line(session: sa.orm.Session, fy: int = 2026) -> BudgetLine:
    return session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == fy).order_by(BudgetLine.id)).first()


def test_changing_a_budget_amount_records_old_new_reason_who_and_when(demo: Database) -> None:
    with demo.write(actor="budget officer") as session:
        line = _line(session)
        version = line.version_id
        old = session.get(BudgetMonth, (line.id, 3)).revised
        change = set_budget_amount(
            session, line.id, 3, BudgetMeasure.REVISED, old + Decimal("100.00"), reason="Extra delegate"
        )
        line_id = line.id
    assert change.old == old and change.new == old + Decimal("100.00") and change.revision_id is not None
    with demo.read() as session:
        revision = session.get(BudgetRevision, change.revision_id)
        assert (revision.old_amount, revision.new_amount, revision.reason) == (old, old + 100, "Extra delegate")
        assert revision.changed_by == "budget officer" and revision.changed_at is not None
        assert revision.fiscal_month == 3
        assert session.get(BudgetLine, line_id).version_id == version + 1


def test_a_budget_change_needs_a_reason_and_a_real_month(demo: Database) -> None:
    with demo.write() as session:
        line_id = _line(session).id
        with pytest.raises(ValidationError) as raised:
            set_budget_amount(session, line_id, 13, BudgetMeasure.REVISED, Decimal("1.00"), reason=" ")
    assert set(raised.value.errors) == {"fiscal_month", "reason"}


def test_committed_and_actual_beyond_the_revised_budget_warn(demo: Database) -> None:
    with demo.write() as session:
        line_id = _line(session).id
        revised = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.revised)).where(BudgetMonth.budget_line_id == line_id)
        )
        change = set_budget_amount(session, line_id, 12, BudgetMeasure.ACTUAL, Decimal(revised) * 2, reason="")
    assert change.warning.startswith("Committed + actual exceed the revised budget by ")


def test_roll_forward_copies_lines_with_revised_as_the_new_plan(demo: Database) -> None:
    with demo.write() as session:
        before = session.scalar(
            sa.select(sa.func.count()).select_from(BudgetLine).where(BudgetLine.fiscal_year == 2026)
        )
        copied = roll_forward(session, 2026, 2027)
        assert copied == before
        with pytest.raises(ValidationError, match="already holds"):
            roll_forward(session, 2026, 2027)
    with demo.read() as session:

        def total(fy: int, column: str) -> Decimal:
            return session.scalar(
                sa.select(sa.func.sum(getattr(BudgetMonth, column)))
                .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
                .where(BudgetLine.fiscal_year == fy)
            )

        assert total(2027, "original") == total(2027, "revised") == total(2026, "revised")
        assert total(2027, "actual") == total(2027, "committed") == Decimal("0.00")


def test_the_staff_day_rate_is_set_from_typed_text_and_refused_when_bad(demo: Database) -> None:
    from core.domain.audit import AuditEntry
    from core.domain.reference import Office
    from core.services.budget import set_staff_day_rate

    with demo.write() as session:
        assert set_staff_day_rate(session, "1,250.50") == Decimal("1250.50")
    for bad, message in (("12x", "Enter an amount like 1,234.50."), ("-5", "cannot be negative")):
        with pytest.raises(ValidationError) as raised, demo.write() as session:
            set_staff_day_rate(session, bad)
        assert message in raised.value.errors["staff_day_rate"]
    with demo.read() as session:
        assert session.get(Office, 1).staff_day_rate == Decimal("1250.50")
        entry = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.table_name == "office" and "staff_day_rate" in str(entry.changes)
    with demo.write() as session:
        assert set_staff_day_rate(session, " ") is None
    with demo.read() as session:
        assert session.get(Office, 1).staff_day_rate is None
