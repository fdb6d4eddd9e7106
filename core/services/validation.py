"""Field-level validation shared by editors, services and bulk writers: one set of rules for every path in."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.domain.base import Base, LabelledEnum, Money
from core.domain.commitments import Commitment
from core.domain.forums import ForumEvent
from core.domain.meetings import Action, AgendaItem, GroupMembership, Meeting
from core.domain.money import MoneyError, to_cents
from core.domain.reference import Marking, Office
from core.domain.resources import StaffAllocation
from core.domain.secondments import ClearanceStatus, CoiStatus, Secondment, SecondmentStatus, SecondmentType
from core.domain.text import text_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Dates far outside a diplomatic office's horizon are typing mistakes (2205 for 2025), not data.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
MULTILINE_FROM_LENGTH = 400


# Columns the program fills in: identity, versioning and the normalised keys derived from typed names
# (a problem with a name is reported on the name, not on its key).
_NOT_TYPED_BY_USERS = frozenset(
    {"id", "version_id", "created_at", "updated_at", "name_key", "title_key", "label_key", "code_key"}
)


class ValidationError(Exception):
    """Invalid input: `errors` maps each field to a message to show next to it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))

    @property
    def first_field(self) -> str:
        return next(iter(self.errors))


RowCheck = Callable[[Mapping[str, Any]], dict[str, str]]

# (earlier field, later field, message attached to the later field)
DATE_ORDER: dict[type[Base], list[tuple[str, str, str]]] = {
    ForumEvent: [("start_date", "end_date", "The end date must be on or after the start date.")],
    GroupMembership: [("start_date", "end_date", "Membership must end on or after it starts.")],
    Meeting: [("start_time", "end_time", "The meeting must end after it starts.")],
    StaffAllocation: [("start_date", "end_date", "The allocation must end on or after it starts.")],
    Secondment: [
        ("start_date", "planned_end_date", "The end date must be after the start date."),
        ("start_date", "actual_end_date", "The actual end date must be after the start date."),
    ],
    Commitment: [
        ("signed_date", "effective_date", "The effective date cannot be before the signature."),
        ("effective_date", "expiry_date", "The expiry date must be after the effective date."),
    ],
    Action: [
        ("raised_on", "due_date", "The due date cannot be before the action was raised."),
        ("raised_on", "closed_on", "An action cannot be closed before it was raised."),
    ],
}


def _industry_loan_declared(row: Mapping[str, Any]) -> dict[str, str]:
    active = row.get("status") in (SecondmentStatus.ACTIVE, SecondmentStatus.EXTENDED)
    if not active or row.get("secondment_type") is not SecondmentType.INDUSTRY_LOAN:
        return {}
    errors: dict[str, str] = {}
    if row.get("coi_declaration_date") is None or row.get("coi_status") not in tuple(CoiStatus):
        errors["coi_declaration_date"] = "An industry loan cannot be active without a conflict-of-interest declaration."
    if not row.get("confidentiality_signed"):
        errors["confidentiality_signed"] = (
            "An industry loan cannot be active without a signed confidentiality undertaking."
        )
    return errors


def last_day_of_term(start: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` months from `start`: the day before its anniversary. The anniversary
    of a 29 February (or a 31st) in a shorter month is the 1st of the next month, so a term from 29 Feb 2024
    runs to 28 Feb 2026 and one from 31 Aug to the last day of February."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    days_in_month = calendar.monthrange(year, month0 + 1)[1]
    if start.day > days_in_month:
        return dt.date(year, month0 + 1, days_in_month)
    return dt.date(year, month0 + 1, start.day) - dt.timedelta(days=1)


# Scheme limits of domain-reference §7.1-7.2, in months: (first term at most, in all at most, at least).
IPA_FIRST_TERM_MONTHS = 24
IPA_LIMIT_MONTHS = 48
SNE_MIN_MONTHS = 6
SNE_LIMIT_MONTHS = 48


def _secondment_duration(row: Mapping[str, Any]) -> dict[str, str]:
    """IPA-style: agreed for up to 2 years, extendable to 4 in all; SNE-style: 6 months to 4 years."""
    start, end, first_end = row.get("start_date"), row.get("planned_end_date"), row.get("original_end_date")
    kind = row.get("secondment_type")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        return {}
    if kind == SecondmentType.IPA_STYLE:
        limit = last_day_of_term(start, IPA_LIMIT_MONTHS)
        if end > limit:
            return {
                "planned_end_date": f"An IPA-style assignment lasts at most 4 years with extensions: end by "
                f"{limit:%d %b %Y}."
            }
        first_term = last_day_of_term(start, IPA_FIRST_TERM_MONTHS)
        agreed = first_end if isinstance(first_end, dt.date) else end
        if agreed > first_term:
            return {
                "planned_end_date": f"An IPA-style assignment is first agreed for at most 2 years (to "
                f"{first_term:%d %b %Y}); extend it for longer."
            }
    if kind == SecondmentType.SNE_STYLE:
        shortest, limit = last_day_of_term(start, SNE_MIN_MONTHS), last_day_of_term(start, SNE_LIMIT_MONTHS)
        if end < shortest:
            return {
                "planned_end_date": f"A seconded national expert stays at least 6 months: end on or after "
                f"{shortest:%d %b %Y}."
            }
        if end > limit:
            return {"planned_end_date": f"A seconded national expert stays at most 4 years: end by {limit:%d %b %Y}."}
    return {}


_ENDED = (SecondmentStatus.COMPLETED, SecondmentStatus.TERMINATED_EARLY)


def _secondment_lifecycle(row: Mapping[str, Any]) -> dict[str, str]:
    """What each status needs: an ended secondment its end date, an extended one an extension, a granted
    clearance its expiry (the expiry alerts run on it)."""
    errors: dict[str, str] = {}
    status = row.get("status")
    if status in _ENDED and row.get("actual_end_date") is None:
        errors["actual_end_date"] = "Give the date the secondment ended."
    first_end, end = row.get("original_end_date"), row.get("planned_end_date")
    if status == SecondmentStatus.EXTENDED and first_end is not None and end is not None and end <= first_end:
        errors["status"] = "Use Extend… to record the new end date and the reason; the status follows."
    if row.get("clearance_status") == ClearanceStatus.GRANTED and row.get("clearance_expiry") is None:
        errors["clearance_expiry"] = "Give the date the granted clearance expires."
    share = row.get("host_cost_pct")
    if share is not None and not 0 <= share <= 100:
        errors["host_cost_pct"] = "Give a percentage from 0 to 100."
    return errors


def _override_has_reason(row: Mapping[str, Any]) -> dict[str, str]:
    if row.get("rag_override") and not str(row.get("rag_override_reason") or "").strip():
        return {"rag_override_reason": "Give a reason for overriding the RAG status."}
    return {}


def _positive_minutes(row: Mapping[str, Any]) -> dict[str, str]:
    minutes = row.get("minutes_allotted")
    if minutes is not None and not 0 <= minutes <= 600:
        return {"minutes_allotted": "Allot between 0 and 600 minutes."}
    return {}


def _fte(row: Mapping[str, Any]) -> dict[str, str]:
    fte = row.get("fte_hundredths")
    if fte is not None and not 1 <= fte <= 100:
        return {"fte_hundredths": "FTE must be more than 0 and at most 1.0."}
    return {}


def _secondment_fte(row: Mapping[str, Any]) -> dict[str, str]:
    fte = row.get("fte_hundredths")
    if fte is not None and not 10 <= fte <= 100:
        return {"fte_hundredths": "A secondment's FTE must be between 0.1 and 1.0."}
    return {}


def _meeting_quarter(row: Mapping[str, Any]) -> dict[str, str]:
    quarter = row.get("fiscal_quarter")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        return {"fiscal_quarter": "The quarter must be 1 to 4."}
    return {}


ALERT_KEYS = ("alert_short_days", "alert_medium_days", "alert_long_days")
_ALERT_NAMES = {"alert_short_days": "shortest", "alert_medium_days": "middle", "alert_long_days": "longest"}


def alert_window_problems(days: Mapping[str, int | None], edited: str | None) -> dict[str, str]:
    """Shortest ≤ middle ≤ longest, the shortest at least a day; `edited` (the field the user just changed)
    takes the message when two windows disagree, so it appears where the user is typing."""
    errors: dict[str, str] = {}
    shortest = days.get("alert_short_days")
    if shortest is not None and shortest < 1:
        errors["alert_short_days"] = "The shortest window must be at least 1 day."
    for shorter, longer in itertools.pairwise(ALERT_KEYS):
        low, high = days.get(shorter), days.get(longer)
        if low is None or high is None or low <= high:
            continue
        if edited == shorter:
            errors.setdefault(shorter, f"It cannot be longer than the {_ALERT_NAMES[longer]} window ({high} days).")
        else:
            errors.setdefault(longer, f"It cannot be shorter than the {_ALERT_NAMES[shorter]} window ({low} days).")
    return errors


def _office_settings(row: Mapping[str, Any]) -> dict[str, str]:
    errors = alert_window_problems({key: row.get(key) for key in ALERT_KEYS}, None)
    threshold = row.get("variance_threshold_pct")
    if threshold is not None and not 0 <= threshold <= 100:
        errors["variance_threshold_pct"] = "Give a percentage from 0 to 100."
    zone = row.get("timezone")
    if zone and zone_problem(zone):
        errors["timezone"] = zone_problem(zone) or ""
    return errors


def zone_problem(name: str) -> str | None:
    """Why `name` is not a time zone this computer knows (None when it is one)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"{name!r} is not a time zone; use a name such as Europe/London or Australia/Sydney."
    return None


ROW_CHECKS: dict[type[Base], list[RowCheck]] = {
    Secondment: [_industry_loan_declared, _secondment_fte, _secondment_duration, _secondment_lifecycle],
    Action: [_override_has_reason],
    AgendaItem: [_positive_minutes],
    StaffAllocation: [_fte],
    Meeting: [_meeting_quarter],
    Office: [_office_settings],
}


def _column_problem(column: sa.Column[Any], value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if not column.nullable and column.default is None and not column.primary_key:
            if column.foreign_keys:
                return "Choose one."
            return "This is required."
        return None
    col_type = column.type
    if isinstance(col_type, Money):
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            return "Enter an amount."
        try:
            to_cents(value)
        except MoneyError as exc:
            return str(exc)
        return None
    if isinstance(col_type, sa.Enum) and col_type.enum_class is not None:
        if not isinstance(value, col_type.enum_class):
            try:
                col_type.enum_class(value)
            except ValueError:
                return "Choose one of the listed values."
        return None
    if isinstance(col_type, sa.String | sa.Text) and isinstance(value, str):
        limit = col_type.length or 32000
        return text_problem(value, max_length=limit, multiline=limit >= MULTILINE_FROM_LENGTH)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and not EARLIEST_DATE <= value <= LATEST_DATE:
        return "Enter a date between 1900 and 2200."
    return None


@functools.cache
def _checked_columns(model: type[Base]) -> tuple[tuple[sa.Column[Any], bool], ...]:
    """The columns a user's values are checked against, each with whether it may be left out of a new row."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return tuple(
        (column, column.nullable or column.default is not None or column.server_default is not None)
        for column in table.columns
        if column.key not in _NOT_TYPED_BY_USERS
    )


def validate_values(model: type[Base], values: Mapping[str, Any], *, partial: bool = False) -> dict[str, str]:
    """Check a row's values against the model's columns and the office's rules; returns {field: message}.

    With `partial`, only the fields present are checked (an editor validating as the user types)."""
    errors: dict[str, str] = {}
    for column, optional in _checked_columns(model):
        if column.key not in values and (partial or optional):
            continue
        problem = _column_problem(column, values.get(column.key))
        if problem:
            errors[column.key] = problem
    for earlier, later, message in DATE_ORDER.get(model, []):
        first, second = values.get(earlier), values.get(later)
        if first is not None and second is not None and second < first and later not in errors:
            errors[later] = message
    if not partial:
        for check in ROW_CHECKS.get(model, []):
            for field, message in check(values).items():
                errors.setdefault(field, message)
    return errors


def transition_problem(
    noun: str, transitions: Mapping[Any, frozenset[Any]], old: LabelledEnum, new: LabelledEnum
) -> str | None:
    """The message when a status may not move from `old` to `new` along a lifecycle (None when it may)."""
    if old == new or new in transitions[old]:
        return None
    if not transitions[old]:
        return f"This {noun} is {old.label.lower()}; its status cannot change any more."
    allowed = ", ".join(status.label for status in type(old) if status in transitions[old])
    return f"A {noun} that is {old.label.lower()} can become: {allowed}."


def check_values(model: type[Base], values: Mapping[str, Any], *, partial: bool = False) -> None:
    errors = validate_values(model, values, partial=partial)
    if errors:
        raise ValidationError(errors)


def row_values(obj: Base) -> dict[str, Any]:
    table = obj.__table__
    assert isinstance(table, sa.Table)
    return {column.key: getattr(obj, column.key, None) for column in table.columns}


def marking_ceiling_problems(session: Session, model: type[Base], values: Mapping[str, Any]) -> dict[str, str]:
    """A record may not be saved marked above the office's highest allowed marking (said on its marking)."""
    table = model.__table__
    marking_id = values.get("marking_id")
    if model is Office or marking_id is None or not isinstance(table, sa.Table) or "marking_id" not in table.c:
        return {}
    ceiling = session.execute(
        sa.select(Marking.rank, Marking.label).join(Office, Office.max_marking_id == Marking.id).where(Office.id == 1)
    ).first()
    own = session.execute(sa.select(Marking.rank, Marking.label).where(Marking.id == marking_id)).first()
    if ceiling is None or own is None or own.rank <= ceiling.rank:
        return {}
    return {
        "marking_id": f"“{own.label}” is above this office's highest allowed marking, “{ceiling.label}”: "
        "choose that or a lower marking."
    }
