"""Create, update, archive and delete any record: validation, unique names, optimistic locking, audit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.domain.audit import AuditEntry, AuditKind
from core.domain.base import Base
from core.domain.commitments import Commitment, Milestone
from core.domain.meetings import Action, GroupMembership, Meeting, MinutesStatus
from core.domain.secondments import Secondment
from core.domain.text import name_key
from core.services.validation import ValidationError, marking_ceiling_problems, validate_values

M = TypeVar("M", bound=Base)

# Each normalised-key column and the field it is derived from (the one the user types).
KEY_SOURCES = {
    "name_key": ("name", "full_name"),
    "title_key": ("title",),
    "label_key": ("label",),
    "code_key": ("code",),
}
_KIND_LABELS = {"organisation": "An organisation", "forum": "A forum", "commitment": "A commitment"}


class EditConflict(Exception):
    """The record changed since it was loaded. Reload discards the edit; Keep mine reapplies it."""

    def __init__(self, table: str, row_id: int, current_version: int, changed_by: str, changed_at: datetime | None):
        self.table = table
        self.row_id = row_id
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        when = changed_at.strftime("%d %b %Y %H:%M UTC") if changed_at else "an unknown time"
        super().__init__(f"This record was changed by {changed_by} at {when} while you were editing it.")


class RecordInUse(Exception):
    """A referenced record cannot be deleted; it can be archived."""


class RecordNotFound(Exception):
    pass


DbCheck = Callable[[Session, Mapping[str, Any], int | None], dict[str, str]]


def _owner_agency_is_member(session: Session, values: Mapping[str, Any], _row_id: int | None) -> dict[str, str]:
    group_id, agency_id, raised = (
        values.get("group_id"),
        values.get("owner_agency_id"),
        values.get("raised_on"),
    )
    if group_id is None or agency_id is None or raised is None:
        return {}
    member = session.scalar(
        sa.select(sa.func.count())
        .select_from(GroupMembership)
        .where(
            GroupMembership.group_id == group_id,
            GroupMembership.organisation_id == agency_id,
            GroupMembership.start_date <= raised,
            sa.or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= raised),
        )
    )
    if not member:
        return {"owner_agency_id": "This agency was not a member of the group when the action was raised."}
    return {}


def _composite_unique_errors(
    session: Session, model: type[Base], values: Mapping[str, Any], row_id: int | None
) -> dict[str, str]:
    """Uniqueness over several columns (an action's ref within its group, a meeting's number, a code per list)."""
    table = _table(model)
    errors: dict[str, str] = {}
    for constraint in table.constraints:
        if not isinstance(constraint, sa.UniqueConstraint) or len(constraint.columns) < 2:
            continue
        columns = list(constraint.columns)
        if any(values.get(c.key) is None for c in columns):
            continue
        query = sa.select(table.c.id).where(*(c == values[c.key] for c in columns))
        if row_id is not None:
            query = query.where(table.c.id != row_id)
        if session.execute(query.limit(1)).first() is not None:
            shown = next((c for c in reversed(columns) if c.key not in KEY_SOURCES), columns[-1])
            field = next((s for s in KEY_SOURCES.get(shown.key, ()) if s in table.columns), shown.key)
            errors[field] = f"Another record already uses this {field.replace('_', ' ')} here."
    return errors


# Set in session.info by core.services.meetings.reopen_minutes, the one way out of confirmed minutes.
MINUTES_REOPEN_REASON = "minutes_reopen_reason"


def _confirmed_minutes_locked(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    """Confirmed minutes are the group's agreed record: their text cannot change, and they are reopened only
    with a reason; confirming names the meeting that adopted them."""
    errors: dict[str, str] = {}
    status = values.get("minutes_status")
    if status == MinutesStatus.CONFIRMED and values.get("minutes_confirmed_at_meeting_id") is None:
        errors["minutes_status"] = "Minutes are confirmed at a later meeting: confirm them from that meeting."
    if row_id is None:
        return errors
    stored = session.execute(sa.select(Meeting.minutes_status, Meeting.minutes).where(Meeting.id == row_id)).first()
    if stored is None or stored.minutes_status != MinutesStatus.CONFIRMED:
        return errors
    if values.get("minutes") != stored.minutes:
        errors["minutes"] = "These minutes were confirmed and are locked; reopen them, with a reason, to correct them."
    elif status != MinutesStatus.CONFIRMED and not session.info.get(MINUTES_REOPEN_REASON):
        errors["minutes_status"] = "Confirmed minutes are reopened only with a reason (Reopen minutes…)."
    return errors


def _one_meeting_a_quarter(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    """Said on the date the user typed, naming the meeting already in that quarter."""
    group_id, year, quarter = values.get("group_id"), values.get("fiscal_year"), values.get("fiscal_quarter")
    if group_id is None or year is None or quarter is None:
        return {}
    query = sa.select(Meeting.number).where(
        Meeting.group_id == group_id, Meeting.fiscal_year == year, Meeting.fiscal_quarter == quarter
    )
    if row_id is not None:
        query = query.where(Meeting.id != row_id)
    number = session.scalar(query.limit(1))
    if number is None:
        return {}
    return {"meeting_date": f"Meeting {number} is already in this quarter; a group meets at most once a quarter."}


def _secondment_rules(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    # Imported when called: core.services.secondments uses this module's update_record.
    from core.services.secondments import secondment_db_problems

    return secondment_db_problems(session, values, row_id)


def _commitment_rules(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    from core.services.commitments import commitment_db_problems

    return commitment_db_problems(session, values, row_id)


def _milestone_rules(session: Session, values: Mapping[str, Any], row_id: int | None) -> dict[str, str]:
    from core.services.commitments import milestone_db_problems

    return milestone_db_problems(session, values, row_id)


def _secondment_created(session: Session, secondment: Base) -> None:
    # Imported when called, as for the rules above.
    from core.services.checklists import copy_checklist

    assert isinstance(secondment, Secondment)
    copy_checklist(session, secondment.id)


# What a new record brings with it, in the same transaction (a secondment: the office's checklist items).
AFTER_CREATE: dict[type[Base], Callable[[Session, Base], None]] = {Secondment: _secondment_created}

DB_CHECKS: dict[type[Base], list[DbCheck]] = {
    Action: [_owner_agency_is_member],
    Meeting: [_one_meeting_a_quarter, _confirmed_minutes_locked],
    Secondment: [_secondment_rules],
    Commitment: [_commitment_rules],
    Milestone: [_milestone_rules],
}


# --- values the program derives, so that every path in (editor, import, script) agrees -------------------

Derive = Callable[[Session, Mapping[str, Any], Mapping[str, Any] | None], dict[str, Any]]


def _first_agreed(original: str, current: str) -> Derive:
    """On creation the "as first agreed" date is the current one; extensions later move only the current."""

    def derive(_s: Session, values: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
        if before is None and values.get(original) is None and values.get(current) is not None:
            return {original: values[current]}
        return {}

    return derive


def _action_extension(session: Session, values: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
    out = _first_agreed("original_due_date", "due_date")(session, values, before)
    if before is not None and values.get("due_date") and before.get("due_date"):
        moved_later = values["due_date"] > before["due_date"]
        if moved_later and values.get("extension_count") == before.get("extension_count"):
            # Moving a due date later is an extension; the RAG rule turns an extended action Amber.
            out["extension_count"] = int(before.get("extension_count") or 0) + 1
    return out


def _meeting_quarter(session: Session, values: Mapping[str, Any], _before: Mapping[str, Any] | None) -> dict[str, Any]:
    from core.domain.fiscal import FiscalCalendar
    from core.domain.reference import Office

    office = session.get(Office, 1)
    when = values.get("meeting_date")
    if office is None or when is None:
        return {}
    calendar = FiscalCalendar(office.fy_start_month)
    return {"fiscal_year": calendar.fiscal_year_of(when), "fiscal_quarter": calendar.quarter_of(when)}


def _derived_models() -> dict[type[Base], Derive]:
    from core.domain.meetings import Meeting

    return {
        Action: _action_extension,
        Meeting: _meeting_quarter,
        Secondment: _first_agreed("original_end_date", "planned_end_date"),
    }


DERIVED: dict[type[Base], Derive] = _derived_models()


def derive_values(
    session: Session, model: type[Base], values: Mapping[str, Any], before: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The row's values with the program-derived ones filled in (`before` is the stored row when updating)."""
    derive = DERIVED.get(model)
    return {**values, **derive(session, values, before)} if derive else dict(values)


def _table(model: type[Base]) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def with_keys(model: type[Base], values: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the normalised-key columns from the fields the user typed."""
    out = dict(values)
    columns = _table(model).columns
    for key_column, sources in KEY_SOURCES.items():
        if key_column in columns:
            for source in sources:
                if source in out and isinstance(out[source], str):
                    out[key_column] = name_key(out[source])
    return out


def _unique_key_errors(
    session: Session, model: type[Base], values: Mapping[str, Any], row_id: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    table = _table(model)
    for key_column, sources in KEY_SOURCES.items():
        if key_column not in table.columns or values.get(key_column) is None:
            continue
        column = table.columns[key_column]
        if not column.unique:
            continue
        query = sa.select(table.c.id).where(column == values[key_column])
        if row_id is not None:
            query = query.where(table.c.id != row_id)
        if session.execute(query.limit(1)).first() is not None:
            source = next((s for s in sources if s in table.columns), key_column)
            thing = _KIND_LABELS.get(table.name, "A record")
            errors[source] = f"{thing} with this {source.replace('_', ' ')} already exists."
    return errors


def validate_record(session: Session, model: type[Base], values: Mapping[str, Any], row_id: int | None = None) -> None:
    errors = validate_values(model, values)
    if errors:  # the database checks below need well-formed values (a lone surrogate cannot even be bound)
        raise ValidationError(errors)
    for found in (
        _unique_key_errors(session, model, values, row_id),
        _composite_unique_errors(session, model, values, row_id),
    ):
        errors.update({k: v for k, v in found.items() if k not in errors})
    for check in DB_CHECKS.get(model, []):
        for field, message in check(session, values, row_id).items():
            errors.setdefault(field, message)
    for field, message in marking_ceiling_problems(session, model, values).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)


def _current_values(obj: Base) -> dict[str, Any]:
    return {column.key: getattr(obj, column.key) for column in _table(type(obj)).columns}


def create_record(session: Session, model: type[M], values: Mapping[str, Any]) -> M:
    """Validate and insert; the audit entry is written by the session's flush hook."""
    full = derive_values(session, model, with_keys(model, values))
    defaults = {
        c.key: c.default.arg
        for c in _table(model).columns
        if c.key not in full and isinstance(c.default, sa.ColumnDefault) and c.default.is_scalar
    }
    validate_record(session, model, {**defaults, **full})
    obj = model(**full)
    session.add(obj)
    session.flush()
    after = AFTER_CREATE.get(model)
    if after is not None:
        after(session, obj)
    return obj


def last_change(session: Session, table: str, row_id: int) -> tuple[str, datetime | None]:
    row = session.execute(
        sa.select(AuditEntry.actor, AuditEntry.at)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else ("another user", None)


def _conflict(session: Session, obj: Base) -> EditConflict:
    table = _table(type(obj)).name
    row_id = int(getattr(obj, "id"))  # noqa: B009 - every editable model has an integer id
    by, at = last_change(session, table, row_id)
    return EditConflict(table, row_id, int(getattr(obj, "version_id")), by, at)  # noqa: B009


def get_for_update(session: Session, model: type[M], row_id: int) -> M:
    obj = session.get(model, row_id, populate_existing=True)
    if obj is None:
        raise RecordNotFound(f"{_table(model).name} {row_id} no longer exists.")
    return obj


def update_record(
    session: Session,
    model: type[M],
    row_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    *,
    overwrite: bool = False,
) -> M:
    """Apply the user's changed fields to the row they loaded at `expected_version`.

    A stale version raises EditConflict (nothing is written). "Keep mine" calls again with the conflict's
    current_version and overwrite=True: the same changes land on the fresh row, audited as an OVERWRITE."""
    obj = get_for_update(session, model, row_id)
    if getattr(obj, "version_id") != expected_version:  # noqa: B009
        raise _conflict(session, obj)
    before = _current_values(obj)
    merged = derive_values(session, model, with_keys(model, {**before, **changes}), before)
    validate_record(session, model, merged, row_id)
    for key, value in merged.items():
        if before.get(key) != value:
            setattr(obj, key, value)
    if overwrite:
        session.info["audit_update_kind"] = AuditKind.OVERWRITE
    try:
        session.flush()
    except StaleDataError as exc:
        # Someone committed between our read and our UPDATE (possible on a shared server).
        session.rollback()
        fresh = get_for_update(session, model, row_id)
        raise _conflict(session, fresh) from exc
    finally:
        session.info.pop("audit_update_kind", None)
    return obj


def references_to(session: Session, model: type[Base], row_id: int) -> dict[str, int]:
    """How many rows of each other table point at this one (the reason it must be archived, not deleted)."""
    target = _table(model)
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is target and fk.ondelete != "CASCADE":
                n = session.scalar(sa.select(sa.func.count()).select_from(table).where(fk.parent == row_id)) or 0
                if n:
                    counts[table.name] = counts.get(table.name, 0) + int(n)
    return counts


def archive_record(session: Session, model: type[M], row_id: int, expected_version: int, archived: bool = True) -> M:
    if "archived" not in _table(model).columns:
        raise TypeError(f"{_table(model).name} rows cannot be archived")
    return update_record(session, model, row_id, expected_version, {"archived": archived})


def delete_record(session: Session, model: type[Base], row_id: int, expected_version: int) -> None:
    obj = get_for_update(session, model, row_id)
    if getattr(obj, "version_id", expected_version) != expected_version:
        raise _conflict(session, obj)
    refs = references_to(session, model, row_id)
    if refs:
        listed = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(refs.items()))
        raise RecordInUse(f"This record is used by {listed}; archive it instead of deleting it.")
    session.delete(obj)
    session.flush()
