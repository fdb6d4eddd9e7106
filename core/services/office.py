"""The office itself: creating it, reading its settings, and the rules for changing them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.domain.audit import ImportBatch, current_actor
from core.domain.fiscal import FiscalCalendar
from core.domain.money import MoneyError, normalise_currency
from core.domain.reference import Marking, Office
from core.domain.resources import BudgetLine
from core.domain.text import NAME_MAX, text_problem
from core.services.records import update_record
from core.services.validation import ValidationError

DEFAULT_OFFICE_NAME = "Office of the Ambassador for Cyber Affairs"
DEFAULT_CURRENCY = "AUD"
DEFAULT_FY_START_MONTH = 7


class OfficeExists(Exception):
    pass


class OfficeMissing(Exception):
    pass


@dataclass(frozen=True)
class OfficeSettings:
    version: int
    name: str
    home_state: str
    currency: str
    fy_start_month: int
    paper_size: str
    default_marking: str | None
    max_marking: str | None
    alert_days: tuple[int, int, int]  # shortest, medium, longest
    variance_threshold_pct: int
    is_demo: bool
    demo_as_at: date | None
    timezone: str = ""  # an IANA zone name; blank: this computer's zone

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fy_start_month)

    @property
    def shortest_alert_days(self) -> int:
        return self.alert_days[0]

    @property
    def longest_alert_days(self) -> int:
        return self.alert_days[2]


def validate_new_office(name: str, currency: str, fy_start_month: int) -> tuple[str, str, int]:
    errors: dict[str, str] = {}
    name = name.strip()
    problem = "Give the office a name." if not name else text_problem(name, max_length=NAME_MAX)
    if problem:
        errors["name"] = problem
    try:
        currency = normalise_currency(currency)
    except MoneyError as exc:
        errors["currency"] = str(exc)
    if not 1 <= fy_start_month <= 12:
        errors["fy_start_month"] = "The fiscal year starts in a month from 1 (January) to 12 (December)."
    if errors:
        raise ValidationError(errors)
    return name, currency, fy_start_month


def office_exists(session: Session) -> bool:
    return session.get(Office, 1) is not None


def initialise_office(
    db: Database,
    *,
    name: str = DEFAULT_OFFICE_NAME,
    currency: str = DEFAULT_CURRENCY,
    fy_start_month: int = DEFAULT_FY_START_MONTH,
    actor: str | None = None,
) -> OfficeSettings:
    """A new, real office: settings plus the seeded reference data every office starts from."""
    name, currency, fy_start_month = validate_new_office(name, currency, fy_start_month)
    actor = actor or current_actor()
    batch_id = str(uuid.uuid4())
    # Here, not at the top: the seed's tables of reference data cost every start (the settings are read on each)
    # about 10 ms to import, and only a new office needs them.
    from core.services.seed import seed_office_row, seed_reference_data

    with db.raw_write() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(Office)).scalar():
            raise OfficeExists(f"{db.name} already holds an office.")
        conn.execute(sa.insert(ImportBatch).values(batch_uuid=batch_id, kind="init", actor=actor))
        seed_reference_data(conn, actor=actor, batch_id=batch_id)
        seed_office_row(
            conn, name=name, currency=currency, fy_start_month=fy_start_month, batch_id=batch_id, actor=actor
        )
    with db.read() as session:
        return load_settings(session)


def load_settings(session: Session) -> OfficeSettings:
    office = session.get(Office, 1)
    if office is None:
        raise OfficeMissing("This database holds no office yet. Create one with `cyberdesk init`.")
    labels: dict[int, str] = {row.id: row.label for row in session.execute(sa.select(Marking.id, Marking.label))}
    return OfficeSettings(
        version=office.version_id,
        name=office.name,
        home_state=office.home_state,
        currency=office.currency,
        fy_start_month=office.fy_start_month,
        paper_size=office.paper_size.value,
        default_marking=labels.get(office.default_marking_id) if office.default_marking_id else None,
        max_marking=labels.get(office.max_marking_id) if office.max_marking_id else None,
        alert_days=(office.alert_short_days, office.alert_medium_days, office.alert_long_days),
        variance_threshold_pct=office.variance_threshold_pct,
        is_demo=office.is_demo,
        demo_as_at=office.demo_as_at,
        timezone=office.timezone,
    )


RELABELLING_SETTINGS = frozenset({"currency", "fy_start_month"})
MARKING_SETTINGS = frozenset({"default_marking_id", "max_marking_id"})


def budget_line_count(session: Session) -> int:
    """How many budget lines exist, archived included: any of them would be relabelled by a currency change."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(BudgetLine)) or 0)


def update_settings(session: Session, expected_version: int, changes: dict[str, Any]) -> OfficeSettings:
    """Settings that relabel data (currency, fiscal-year start) may change only while no budget line exists."""
    if MARKING_SETTINGS & changes.keys():
        # The default-below-ceiling rule lives with the marking scheme.
        raise TypeError("change the office default and ceiling through core.services.markings")
    if RELABELLING_SETTINGS & changes.keys():
        lines = budget_line_count(session)
        if lines:
            field = next(iter(sorted(RELABELLING_SETTINGS & changes.keys())))
            raise ValidationError(
                {field: f"This cannot change once budget lines exist, as it would relabel them ({lines} so far)."}
            )
        if "currency" in changes:
            try:
                changes["currency"] = normalise_currency(changes["currency"])
            except MoneyError as exc:
                raise ValidationError({"currency": str(exc)}) from exc
    update_record(session, Office, 1, expected_version, changes)
    return load_settings(session)
