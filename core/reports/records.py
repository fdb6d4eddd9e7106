"""Read models behind record editors: one record as plain values, picker choices, and a record's audit history."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.audit import AuditEntry, AuditKind
from core.domain.base import Base, LabelledEnum, Money
from core.domain.commitments import Commitment
from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.forums import Forum, ForumEvent
from core.domain.meetings import EngagementGroup, Meeting
from core.domain.money import MoneyError, format_money
from core.domain.organisations import Organisation, Person
from core.domain.reference import CostCategory, Marking, Office, ReferenceItem
from core.domain.resources import BudgetLine
from core.services.office import load_settings
from core.services.records import RecordNotFound

__all__ = [
    "CHOICE_TABLES",
    "Choice",
    "HistoryEntry",
    "RecordSnapshot",
    "UnknownChoices",
    "choices",
    "field_label",
    "load_record",
    "record_history",
]


class UnknownChoices(ValueError):
    """A table that has no picker labels (not a foreign-key target editors offer)."""


@dataclass(frozen=True)
class RecordSnapshot:
    """One row as the editor loaded it: its version for optimistic locking and every column as a plain value."""

    table: str
    row_id: int
    version: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Choice:
    """One option of a foreign-key picker."""

    id: int
    label: str
    archived: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry about a record, newest first in a history; `lines` are (field label, old, new)."""

    at: datetime
    actor: str
    kind: str
    note: str
    lines: tuple[tuple[str, str, str], ...]


def _table(model: type[Base]) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def load_record(session: Session, model: type[Base], row_id: int) -> RecordSnapshot:
    """The row's current values, read in one statement (no ORM object escapes to the GUI)."""
    table = _table(model)
    row = session.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise RecordNotFound(f"{table.name} {row_id} no longer exists.")
    values = {column.key: row[column.key] for column in table.columns}
    version = int(values.get("version_id") or 0)
    return RecordSnapshot(table.name, int(row_id), version, MappingProxyType(values))


# ----------------------------------------------------------------------------------------------------
# Picker choices


@dataclass
class _LabelContext:
    """Lazily loaded office facts some labels need (the fiscal calendar for meeting titles)."""

    session: Session
    _calendar: FiscalCalendar | None = None

    @property
    def calendar(self) -> FiscalCalendar:
        if self._calendar is None:
            self._calendar = load_settings(self.session).calendar
        return self._calendar


_Labeller = Callable[[sa.RowMapping, _LabelContext], str]


@dataclass(frozen=True)
class _Source:
    """How one table's rows are labelled and ordered in pickers: data, one statement per picker."""

    model: type[Base]
    columns: tuple[Any, ...]
    order_by: tuple[Any, ...]
    label: _Labeller
    joins: tuple[tuple[Any, Any], ...] = ()


def _with_code(name: str, code: str | None) -> str:
    return f"{name} ({code})" if code else name


def _first_text(*parts: object) -> str:
    return next((str(p) for p in parts if p), "")


def _meeting_label(row: sa.RowMapping, ctx: _LabelContext) -> str:
    title = meeting_title(int(row["number"]), ctx.calendar, row["meeting_date"])
    return f"{row['group']}: {title}" if row["group"] else title


_person_org = aliased(Organisation, name="person_org")
_meeting_group = aliased(EngagementGroup, name="meeting_group")
_line_category = aliased(CostCategory, name="line_category")

_SOURCES: dict[str, _Source] = {
    "organisation": _Source(
        Organisation,
        (Organisation.name, Organisation.code),
        (sa.func.lower(Organisation.name),),
        lambda r, _: _with_code(r["name"], r["code"]),
    ),
    "person": _Source(
        Person,
        (Person.full_name, _person_org.code, _person_org.short_name, _person_org.name.label("org_name")),
        (sa.func.lower(Person.full_name),),
        lambda r, _: f"{r['full_name']} ({_first_text(r['code'], r['short_name'], r['org_name'])})",
        joins=((_person_org, Person.organisation_id == _person_org.id),),
    ),
    "forum": _Source(
        Forum,
        (Forum.acronym, Forum.full_name),
        (sa.func.lower(sa.func.coalesce(sa.func.nullif(Forum.acronym, ""), Forum.full_name)),),
        lambda r, _: f"{r['acronym']} — {r['full_name']}" if r["acronym"] else str(r["full_name"]),
    ),
    "marking": _Source(Marking, (Marking.label,), (Marking.rank,), lambda r, _: str(r["label"])),
    "cost_category": _Source(
        CostCategory,
        (CostCategory.code, CostCategory.label),
        (CostCategory.sort_order, CostCategory.label),
        lambda r, _: f"{r['label']} ({r['code']})",
    ),
    "engagement_group": _Source(
        EngagementGroup,
        (EngagementGroup.name, EngagementGroup.short_name),
        (sa.func.lower(EngagementGroup.name),),
        lambda r, _: _with_code(r["name"], r["short_name"]),
    ),
    "meeting": _Source(
        Meeting,
        (Meeting.number, Meeting.meeting_date, _meeting_group.short_name.label("group")),
        (Meeting.meeting_date.desc(),),
        _meeting_label,
        joins=((_meeting_group, Meeting.group_id == _meeting_group.id),),
    ),
    "commitment": _Source(
        Commitment, (Commitment.title,), (sa.func.lower(Commitment.title),), lambda r, _: str(r["title"])
    ),
    "forum_event": _Source(
        ForumEvent,
        (ForumEvent.title, ForumEvent.start_date),
        (ForumEvent.start_date.desc(), ForumEvent.title),
        lambda r, _: f"{r['title']} ({r['start_date'].isoformat()})",
    ),
    "budget_line": _Source(
        BudgetLine,
        (BudgetLine.fiscal_year, BudgetLine.description, _line_category.label.label("category")),
        (BudgetLine.fiscal_year.desc(), sa.func.lower(BudgetLine.description)),
        lambda r, ctx: f"{ctx.calendar.label(int(r['fiscal_year']))} · {r['description']} ({r['category']})",
        joins=((_line_category, BudgetLine.category_id == _line_category.id),),
    ),
    "reference_item": _Source(
        ReferenceItem,
        (ReferenceItem.kind, ReferenceItem.code, ReferenceItem.label),
        (ReferenceItem.kind, ReferenceItem.sort_order, ReferenceItem.code),
        lambda r, _: f"{r['code']} — {r['label']}" if r["code"] != r["label"] else str(r["label"]),
    ),
}

CHOICE_TABLES: frozenset[str] = frozenset(_SOURCES)


def _source(target_table: str) -> _Source:
    try:
        return _SOURCES[target_table]
    except KeyError:
        known = ", ".join(sorted(_SOURCES))
        raise UnknownChoices(f"No picker for {target_table!r}; pickers exist for: {known}.") from None


def _archived(source: _Source) -> sa.ColumnElement[bool]:
    table = _table(source.model)
    return table.c.archived if "archived" in table.c else sa.false()


def _select(source: _Source) -> sa.Select[Any]:
    table = _table(source.model)
    archived = _archived(source)
    stmt = sa.select(table.c.id, archived.label("archived"), *source.columns).select_from(table)
    for target, onclause in source.joins:
        stmt = stmt.join(target, onclause)
    return stmt.order_by(*source.order_by, table.c.id)


def _highest_allowed_rank(session: Session) -> int | None:
    row = session.execute(
        sa.select(Marking.rank).join(Office, Office.max_marking_id == Marking.id).where(Office.id == 1)
    ).first()
    return None if row is None else int(row[0])


def choices(
    session: Session,
    target_table: str,
    *,
    include_ids: Iterable[int] = (),
    kind: str | None = None,
) -> tuple[Choice, ...]:
    """The (id, label) options of a picker for rows of `target_table`, in the order a user scans them.

    Archived rows are left out unless their id is in `include_ids` (a record's current value stays selectable).
    Markings above the office's highest allowed marking are left out the same way; `kind` narrows reference
    items to one list (FUNCTION, TAG, ...)."""
    source = _source(target_table)
    keep = {int(i) for i in include_ids}
    stmt = _select(source)
    if kind is not None and source.model is ReferenceItem:
        stmt = stmt.where(ReferenceItem.kind == kind)
    if source.model is Marking:
        ceiling = _highest_allowed_rank(session)
        if ceiling is not None:
            stmt = stmt.where(sa.or_(Marking.rank <= ceiling, Marking.id.in_(keep)))
    stmt = stmt.where(sa.or_(_archived(source).is_(sa.false()), _table(source.model).c.id.in_(keep)))
    ctx = _LabelContext(session)
    rows = session.execute(stmt).mappings()
    return tuple(Choice(int(row["id"]), source.label(row, ctx), bool(row["archived"])) for row in rows)


def _labels_for(session: Session, target_table: str, ids: Collection[int], ctx: _LabelContext) -> dict[int, str]:
    source = _SOURCES.get(target_table)
    if source is None or not ids:
        return {}
    stmt = _select(source).where(_table(source.model).c.id.in_(ids))
    return {int(row["id"]): source.label(row, ctx) for row in session.execute(stmt).mappings()}


# ----------------------------------------------------------------------------------------------------
# History

# Normalised keys repeat the name the user typed; showing both would say everything twice.
_HIDDEN_FIELDS = frozenset({"name_key", "title_key", "label_key", "code_key"})

_KIND_LABELS = {
    AuditKind.INSERT: "Created",
    AuditKind.UPDATE: "Changed",
    AuditKind.OVERWRITE: "Overwrote another user's change",
    AuditKind.DELETE: "Deleted",
    AuditKind.BATCH: "Created in bulk",
}


def field_label(key: str) -> str:
    """A readable label for a column when the editor gives none: `owner_agency_id` → "Owner agency"."""
    if key == "fte_hundredths":
        return "FTE"
    words = key.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _display(column: sa.Column[Any] | None, value: Any, fk_labels: Mapping[str, Mapping[int, str]]) -> str:
    """A stored audit value (its canonical JSON form) as the user would recognise it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column is None:
        return str(value)
    for fk in column.foreign_keys:
        label = fk_labels.get(fk.column.table.name, {}).get(value) if isinstance(value, int) else None
        return label or f"#{value}"
    enum_class = getattr(column.type, "enum_class", None)
    if isinstance(enum_class, type) and issubclass(enum_class, LabelledEnum):
        try:
            return enum_class(value).label
        except ValueError:
            return str(value)
    if isinstance(column.type, Money):
        try:
            return format_money(Decimal(str(value)))
        except (InvalidOperation, MoneyError, TypeError):
            return str(value)
    if column.key == "fte_hundredths" and isinstance(value, int):
        return f"{Decimal(value).scaleb(-2):.2f}"
    if isinstance(value, str) and isinstance(column.type, sa.Date) and not isinstance(column.type, sa.DateTime):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    return str(value)


def _decoded(changes: str) -> dict[str, Any]:
    try:
        data = json.loads(changes or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _fk_ids(table: sa.Table, payloads: Iterable[Mapping[str, Any]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for payload in payloads:
        for key, change in payload.items():
            column = table.columns.get(key)
            if column is None or not column.foreign_keys:
                continue
            target = next(iter(column.foreign_keys)).column.table.name
            values = (change.get("old"), change.get("new")) if isinstance(change, dict) else (change,)
            wanted.setdefault(target, set()).update(v for v in values if isinstance(v, int))
    return wanted


def record_history(
    session: Session,
    table: str,
    row_id: int,
    *,
    field_labels: Mapping[str, str] | None = None,
) -> tuple[HistoryEntry, ...]:
    """Every audit entry about one row, newest first: its own inserts, edits, overwrites and deletes, and the
    bulk batch (demo, import, roll-over) whose id range covers it."""
    sa_table = Base.metadata.tables.get(table)
    if sa_table is None:
        raise UnknownChoices(f"There is no table called {table!r}.")
    labels = dict(field_labels or {})
    own = sa.and_(AuditEntry.row_id == row_id, AuditEntry.kind != AuditKind.BATCH)
    in_batch = sa.and_(
        AuditEntry.kind == AuditKind.BATCH,
        AuditEntry.id_min <= row_id,
        AuditEntry.id_max >= row_id,
    )
    stmt = sa.select(AuditEntry).where(AuditEntry.table_name == table, sa.or_(own, in_batch))
    entries = session.scalars(stmt.order_by(AuditEntry.id.desc())).all()
    payloads = [_decoded(e.changes) for e in entries]
    ctx = _LabelContext(session)
    edits = (p for e, p in zip(entries, payloads, strict=True) if e.kind is not AuditKind.BATCH)
    fk_labels = {target: _labels_for(session, target, ids, ctx) for target, ids in _fk_ids(sa_table, edits).items()}
    history: list[HistoryEntry] = []
    for entry, payload in zip(entries, payloads, strict=True):
        kind = AuditKind(entry.kind)
        note = ""
        lines: list[tuple[str, str, str]] = []
        if kind is AuditKind.BATCH:
            source = str(payload.get("source") or "import")
            note = f"Created by the {source} batch {str(entry.batch_id or '')[:8]} ({entry.row_count or 0} rows)."
        else:
            for key, change in payload.items():
                if key in _HIDDEN_FIELDS:
                    continue
                column = sa_table.columns.get(key)
                label = labels.get(key) or field_label(key)
                if kind in (AuditKind.UPDATE, AuditKind.OVERWRITE) and isinstance(change, dict):
                    old, new = change.get("old"), change.get("new")
                    lines.append((label, _display(column, old, fk_labels), _display(column, new, fk_labels)))
                elif kind is AuditKind.INSERT and change not in (None, "", False):
                    lines.append((label, "", _display(column, change, fk_labels)))
                elif kind is AuditKind.DELETE and change not in (None, ""):
                    lines.append((label, _display(column, change, fk_labels), ""))
        history.append(HistoryEntry(entry.at, entry.actor, _KIND_LABELS[kind], note, tuple(lines)))
    return tuple(history)
