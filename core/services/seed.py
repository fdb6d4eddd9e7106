"""Bulk-writes the reference data and the office row: validated, chunked Core inserts with batch audit entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.domain.audit import append_batch_entry
from core.domain.base import Base, Money, utcnow
from core.domain.forums import Forum, forum_tag
from core.domain.models import ChecklistTemplate, CostCategory, Marking, Office, Organisation, ReferenceItem
from core.domain.organisations import OrgType
from core.domain.reference import ReferenceKind
from core.domain.text import name_key
from core.services import seed_data
from core.services.checklists import default_template_rows
from core.services.seed_data import FORUMS, ForumSeed
from core.services.validation import ValidationError, validate_values

__all__ = [
    "BulkWriter",
    "ReferenceIds",
    "add_forums",
    "add_office",
    "add_reference_data",
    "seed_office_row",
    "seed_reference_data",
]

CHUNK_ROWS = 5_000
# Parents must reach the database before children (foreign keys are checked per statement), so a flush
# writes whole tables in dependency order; buffering this many rows keeps memory flat at large scales.
FLUSH_ROWS = 25_000
_TABLE_ORDER = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}

Target = type[Base] | sa.Table
_CENTS = "__cents"


@dataclass
class TableStats:
    rows: int = 0
    id_min: int | None = None
    id_max: int | None = None

    def note(self, row_id: int | None) -> None:
        self.rows += 1
        if row_id is not None:
            self.id_min = row_id if self.id_min is None else min(self.id_min, row_id)
            self.id_max = row_id if self.id_max is None else max(self.id_max, row_id)


def _table_of(target: Target) -> sa.Table:
    table = target if isinstance(target, sa.Table) else target.__table__
    assert isinstance(table, sa.Table)
    return table


class BulkWriter:
    """Validates each row with the shared field rules, allocates integer ids itself (no RETURNING needed),
    inserts through chunked executemany in foreign-key order, and writes one audit entry per table."""

    def __init__(self, conn: sa.Connection, *, chunk_rows: int = CHUNK_ROWS, flush_rows: int = FLUSH_ROWS) -> None:
        self.conn = conn
        self.chunk_rows = chunk_rows
        self.flush_rows = flush_rows
        self.stats: dict[str, TableStats] = {}
        self._buffers: dict[str, list[dict[str, Any]]] = {}
        self._tables: dict[str, sa.Table] = {}
        self._next_ids: dict[str, int] = {}
        self._statements: dict[tuple[str, tuple[str, ...]], tuple[sa.Insert, tuple[str, ...]]] = {}
        self._pending = 0

    def new_id(self, target: Target) -> int:
        table = _table_of(target)
        next_id = self._next_ids.get(table.name)
        if next_id is None:
            # Continue after whatever is already there, so a writer can add to a non-empty database.
            next_id = int(self.conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()) + 1
        self._next_ids[table.name] = next_id + 1
        return next_id

    def add(self, target: Target, row: dict[str, Any]) -> None:
        """Queue one row after checking it; a bad row raises ValidationError naming the table and row."""
        table = _table_of(target)
        if not isinstance(target, sa.Table):
            errors = validate_values(target, row)
            if errors:
                where = f"{table.name} {row.get('id', '')}".strip()
                raise ValidationError({f"{where}: {field}": message for field, message in errors.items()})
        self._buffers.setdefault(table.name, []).append(row)
        self._tables[table.name] = table
        self.stats.setdefault(table.name, TableStats()).note(row.get("id"))
        self._pending += 1

    def add_all(self, target: Target, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.add(target, row)

    def flush_if_full(self) -> None:
        """Flush only at points where every queued row's parents are queued or written already."""
        if self._pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        for name in sorted(self._buffers, key=_TABLE_ORDER.__getitem__):
            # executemany binds every row with the first row's keys, so rows are grouped by their key set.
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in self._buffers[name]:
                groups.setdefault(tuple(row), []).append(row)
            for keys, rows in groups.items():
                insert, money_keys = self._statement(self._tables[name], keys)
                for row in rows:
                    for key in money_keys:
                        row[key + _CENTS] = _stored_cents(row.pop(key))
                for start in range(0, len(rows), self.chunk_rows):
                    self.conn.execute(insert, rows[start : start + self.chunk_rows])
        self._buffers.clear()
        self._pending = 0

    def _statement(self, table: sa.Table, keys: tuple[str, ...]) -> tuple[sa.Insert, tuple[str, ...]]:
        """The INSERT for rows with these keys; Money columns are bound as the integer cents they store."""
        cache_key = (table.name, keys)
        if cache_key not in self._statements:
            money_keys = tuple(key for key in keys if isinstance(table.c[key].type, Money))
            insert = table.insert()
            if money_keys:
                insert = insert.values({key: sa.bindparam(key + _CENTS, type_=sa.BigInteger()) for key in money_keys})
            self._statements[cache_key] = (insert, money_keys)
        return self._statements[cache_key]

    def counts(self) -> dict[str, int]:
        return {name: stats.rows for name, stats in sorted(self.stats.items(), key=lambda kv: _TABLE_ORDER[kv[0]])}

    def write_audit(
        self, *, batch_id: str, actor: str | None, summary: Mapping[str, Any] | None = None
    ) -> dict[str, int]:
        """Flush, then one batch entry per table written, in dependency order; returns the row counts."""
        self.flush()
        for name, stats in sorted(self.stats.items(), key=lambda kv: _TABLE_ORDER[kv[0]]):
            append_batch_entry(
                self.conn,
                table_name=name,
                row_count=stats.rows,
                id_min=stats.id_min,
                id_max=stats.id_max,
                batch_id=batch_id,
                actor=actor,
                summary=summary,
            )
        return self.counts()


def _stored_cents(value: Decimal | int | None) -> int | None:
    # add() has already run validate_values, whose Money check (to_cents) proved each amount exact to the
    # cent and in range; taking the cents directly skips Money's per-value bind processing, which cost more
    # than the inserts themselves in bulk writes.
    return None if value is None else int(Decimal(value).scaleb(2))


@dataclass
class ReferenceIds:
    """Ids of the seeded rows, by their natural codes, for callers that link to them."""

    markings: dict[str, int] = field(default_factory=dict)
    items: dict[tuple[ReferenceKind, str], int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    agencies: dict[str, int] = field(default_factory=dict)
    forums: dict[str, int] = field(default_factory=dict)
    checklist_templates: list[int] = field(default_factory=list)  # in the order of checklists.DEFAULT_TEMPLATES

    def item(self, kind: ReferenceKind, code: str) -> int:
        return self.items[(kind, code)]

    def issue(self, code: str) -> int:
        return self.items[(ReferenceKind.ISSUE_AREA, seed_data.ISSUE_CODE_ALIASES.get(code, code))]


def _stamped(row: dict[str, Any], at: datetime) -> dict[str, Any]:
    row["created_at"] = at
    row["updated_at"] = at
    return row


def add_reference_data(writer: BulkWriter, *, at: datetime) -> ReferenceIds:
    """Queue markings, reference lists, cost categories, the agency catalogue and the reference forums."""
    ids = ReferenceIds()
    for marking in seed_data.MARKINGS:
        ids.markings[marking.label] = row_id = writer.new_id(Marking)
        writer.add(
            Marking,
            {
                "id": row_id,
                "label": marking.label,
                "label_key": name_key(marking.label),
                "rank": marking.rank,
                "description": marking.description,
            },
        )
    for order, item in enumerate(seed_data.REFERENCE_ITEMS, start=1):
        ids.items[(item.kind, item.code)] = row_id = writer.new_id(ReferenceItem)
        writer.add(
            ReferenceItem,
            {
                "id": row_id,
                "kind": item.kind,
                "code": item.code,
                "code_key": name_key(item.code),
                "label": item.label,
                "description": item.description,
                "source": item.source,
                "sort_order": order,
            },
        )
    for order, category in enumerate(seed_data.COST_CATEGORIES, start=1):
        ids.categories[category.code] = row_id = writer.new_id(CostCategory)
        writer.add(
            CostCategory,
            {
                "id": row_id,
                "code": category.code,
                "label": category.label,
                "label_key": name_key(category.label),
                "description": category.description,
                "sort_order": order,
            },
        )
    for agency in seed_data.AGENCIES:
        ids.agencies[agency.code] = row_id = writer.new_id(Organisation)
        writer.add(
            Organisation,
            _stamped(
                organisation_row(
                    row_id,
                    agency.name,
                    OrgType.AGENCY,
                    code=agency.code,
                    short_name=agency.code,
                    agency_type=agency.agency_type,
                    parent_id=ids.agencies[agency.parent_code] if agency.parent_code else None,
                    is_core_member=agency.is_core_member,
                    notes=f"{agency.role} Typical representative: {agency.typical_rep}.",
                ),
                at,
            ),
        )
    ids.forums = add_forums(writer, ids, FORUMS, at=at)
    for row in default_template_rows():
        ids.checklist_templates.append(row_id := writer.new_id(ChecklistTemplate))
        writer.add(ChecklistTemplate, {"id": row_id, **row})
    return ids


def organisation_row(
    row_id: int,
    name: str,
    org_type: OrgType,
    *,
    code: str | None = None,
    short_name: str = "",
    agency_type: str = "",
    parent_id: int | None = None,
    is_core_member: bool = False,
    country: str = "",
    notes: str = "",
) -> dict[str, Any]:
    return {
        "id": row_id,
        "name": name,
        "name_key": name_key(name),
        "short_name": short_name,
        "code": code,
        "org_type": org_type,
        "agency_type": agency_type,
        "parent_id": parent_id,
        "is_core_member": is_core_member,
        "country": country,
        "notes": notes,
    }


def add_forums(
    writer: BulkWriter,
    ids: ReferenceIds,
    forums: Iterable[ForumSeed],
    *,
    at: datetime,
    suffix: str = "",
) -> dict[str, int]:
    """Queue forums and their issue tags; returns the new ids by acronym (without the suffix).

    A `suffix` marks synthetic copies (demo scale data): it keeps their names unique, and they leave out the
    reference cadence and notes, which belong to the real forum."""
    seeds = list(forums)
    forum_ids = {seed.acronym: writer.new_id(Forum) for seed in seeds}
    # A forum's successor must exist when the forum row is inserted, so successors go first.
    for seed in sorted(seeds, key=lambda s: s.successor is not None):
        forum_id = forum_ids[seed.acronym]
        full_name = seed.full_name + suffix
        writer.add(
            Forum,
            _stamped(
                {
                    "id": forum_id,
                    "full_name": full_name,
                    "name_key": name_key(full_name),
                    "acronym": f"{seed.acronym}{suffix}"[:60],
                    "forum_type": seed.forum_type,
                    "forum_subtype": seed.subtype,
                    "priority": seed.priority,
                    "lead_agency_id": ids.agencies[seed.lead_agency],
                    "participation_mode": seed.participation_mode,
                    "host_org": seed.host_org,
                    "secretariat_city": seed.secretariat_city,
                    "membership": seed.membership,
                    "established": seed.established,
                    "mandate_end": seed.mandate_end,
                    "successor_forum_id": forum_ids[seed.successor] if seed.successor else None,
                    "cadence": "" if suffix else seed.cadence,
                    "usual_months": seed.usual_months,
                    "usual_locations": seed.usual_locations,
                    "certainty": seed.certainty,
                    "notes": "Synthetic copy for scale testing (demo data)." if suffix else seed.notes,
                },
                at,
            ),
        )
        for code in seed_data.issue_area_codes(seed):
            writer.add(forum_tag, {"forum_id": forum_id, "reference_item_id": ids.issue(code)})
    return forum_ids


def office_row(
    *,
    name: str,
    currency: str,
    fy_start_month: int,
    default_marking_id: int,
    max_marking_id: int,
    at: datetime,
    home_state: str = "",
    is_demo: bool = False,
    demo_seed: int | None = None,
    demo_as_at: date | None = None,
    staff_day_rate: Decimal | None = None,
) -> dict[str, Any]:
    return _stamped(
        {
            "id": 1,
            "name": name,
            "home_state": home_state,
            "currency": currency,
            "fy_start_month": fy_start_month,
            "default_marking_id": default_marking_id,
            "max_marking_id": max_marking_id,
            "staff_day_rate": staff_day_rate,
            "is_demo": is_demo,
            "demo_seed": demo_seed,
            "demo_as_at": demo_as_at,
        },
        at,
    )


def add_office(writer: BulkWriter, markings: Mapping[str, int], **values: Any) -> None:
    """Queue the single office row with the scheme's default and highest markings."""
    writer.add(
        Office,
        office_row(
            default_marking_id=markings[seed_data.DEFAULT_MARKING],
            max_marking_id=markings[seed_data.MAX_MARKING],
            **values,
        ),
    )


def seed_reference_data(conn: sa.Connection, *, actor: str, batch_id: str) -> dict[str, int]:
    """Insert all reference data into an empty office database; returns the row count per table."""
    writer = BulkWriter(conn)
    add_reference_data(writer, at=utcnow())
    return writer.write_audit(batch_id=batch_id, actor=actor, summary={"source": "reference data"})


def seed_office_row(
    conn: sa.Connection,
    *,
    name: str,
    currency: str,
    fy_start_month: int,
    home_state: str = "",
    is_demo: bool = False,
    demo_seed: int | None = None,
    demo_as_at: date | None = None,
    batch_id: str | None = None,
    actor: str | None = None,
) -> None:
    """Insert the office row (id 1) after the markings; audited as a batch entry when `batch_id` is given."""
    marking = _table_of(Marking)
    markings = {label: marking_id for marking_id, label in conn.execute(sa.select(marking.c.id, marking.c.label))}
    writer = BulkWriter(conn)
    add_office(
        writer,
        markings,
        name=name,
        currency=currency,
        fy_start_month=fy_start_month,
        home_state=home_state,
        is_demo=is_demo,
        demo_seed=demo_seed,
        demo_as_at=demo_as_at,
        at=utcnow(),
    )
    if batch_id is None:
        writer.flush()
    else:
        writer.write_audit(batch_id=batch_id, actor=actor, summary={"source": "office settings"})
