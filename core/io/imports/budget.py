"""Importing budget lines from a spreadsheet (a colleague's workbook or the template the app writes).

One row per line, found by its headers wherever the table starts: a reference (the line's external reference,
so importing the same file again updates those lines instead of adding them twice), fiscal year, forum, cost
category, description and whole-year amounts. The file is all or nothing: any row with a problem blocks the import
and the dry run lists every one by row and column. Whole-year amounts are phased evenly over the twelve fiscal
months (the last month takes the odd cents); a change of a line's revised budget is recorded as a revision.

New lines go in through chunked Core executemany (not the ORM unit of work, ~20x slower at 100,000 rows) with one
batch audit entry per table, as DESIGN §4 asks of bulk writers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, Final, NoReturn, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.audit import (
    AuditEntry,
    AuditKind,
    EntryData,
    ImportBatch,
    append_batch_entry,
    append_entries,
    current_actor,
    encode_changes,
)
from core.domain.base import utcnow
from core.domain.fiscal import FiscalCalendar, FiscalYearError
from core.domain.forums import Forum
from core.domain.money import MoneyError, from_cents, parse_money, to_cents
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision, FundingType
from core.domain.text import name_key
from core.io.imports.errors import ImportRejected
from core.io.imports.pipeline import FieldChange, ImportPlan, RowChange, SourceFile
from core.io.imports.reader import ColumnSpec, Problem, SheetSpec, SourceRow, Table, WorkbookRead
from core.reports.budget import MONTHS, NO_FORUM
from core.services.office import load_settings
from core.services.validation import ValidationError, validate_values

if TYPE_CHECKING:
    from core.db.engine import Database

__all__ = [
    "BUDGET_IMPORT_COLUMNS",
    "BUDGET_IMPORT_SHEET",
    "KIND",
    "MONTH_COLUMNS",
    "BudgetImporter",
    "UndoResult",
    "phase_evenly",
    "undo_budget_import",
]

KIND: Final = "budget"
BUDGET_IMPORT_SHEET: Final = "Budget_Import"
_CHUNK: Final = 1000
_AMOUNTS: Final = ("original", "revised", "committed", "actual", "forecast")

_MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Optional: the revised budget phased by month, one column per calendar month, headed "Jul", "July", "Jul 2024"
# or "2024-07" (the calendar month decides the fiscal month; the year in a header is not checked).
MONTH_COLUMNS: Final = tuple(
    ColumnSpec(
        f"month_{number}",
        name[:3],
        required=False,
        aliases=(
            name,
            *(f"{year}-{number:02d}" for year in range(2000, 2100)),
            *(f"{name[:3]} {year}" for year in range(2000, 2100)),
        ),
    )
    for number, name in enumerate(_MONTH_NAMES, start=1)
)

BUDGET_IMPORT_COLUMNS: Final = (
    ColumnSpec("ref", "Reference", aliases=("Ref", "External ref", "External reference", "Line ref", "Line reference")),
    ColumnSpec("fiscal_year", "Fiscal year", aliases=("FY", "Year", "Financial year")),
    ColumnSpec("forum", "Forum", required=False, aliases=("Forum acronym", "Forum name")),
    ColumnSpec("category", "Category", aliases=("Cost category", "Category code")),
    ColumnSpec("cost_centre", "Cost centre", required=False, aliases=("Cost center", "Cost centre code")),
    ColumnSpec("description", "Description", aliases=("Line", "Budget line", "Item")),
    ColumnSpec(
        "funding_type",
        "Funding type",
        "choice",
        required=False,
        choices={**{f.label: f for f in FundingType}, **{f.value: f for f in FundingType}},
    ),
    ColumnSpec("oda", "ODA eligible", "choice", required=False, aliases=("ODA",), choices={"Yes": True, "No": False}),
    ColumnSpec("original", "Original", required=False, aliases=("Original budget", "Appropriation", "Allocation")),
    ColumnSpec("revised", "Revised", required=False, aliases=("Revised budget", "Budget")),
    ColumnSpec("committed", "Committed", required=False, aliases=("Committed not yet paid", "Obligated")),
    ColumnSpec("actual", "Actual", required=False, aliases=("Actual to date", "Actual YTD", "Spent")),
    ColumnSpec("forecast", "Forecast", required=False, aliases=("Forecast remaining", "Remaining forecast")),
    ColumnSpec("notes", "Notes", required=False, aliases=("Comment", "Comments")),
    *MONTH_COLUMNS,
)
SPEC: Final = SheetSpec(
    title=BUDGET_IMPORT_SHEET,
    sheet_names=(BUDGET_IMPORT_SHEET, "Budget lines", "Budget_Lines", "Lines"),
    columns=BUDGET_IMPORT_COLUMNS,
)


def phase_evenly(cents: int) -> list[int]:
    """`cents` over the twelve fiscal months: equal parts, the odd cents in the last month."""
    return list(_phased(cents))


@lru_cache(maxsize=8192)
def _phased(cents: int) -> tuple[int, ...]:
    # Integer division towards zero (a negative amount phases symmetrically), never through a float. Cached: a
    # file repeats amounts (zero above all) across many of its 500,000 amounts.
    part = abs(cents) // MONTHS * (1 if cents >= 0 else -1)
    return (part,) * (MONTHS - 1) + (cents - part * (MONTHS - 1),)


@dataclass(frozen=True)
class _Existing:
    line_id: int
    version: int
    revised: int  # cents


class _Lookups:
    def __init__(self, session: Session) -> None:
        self.calendar = load_settings(session).calendar
        # calendar month -> fiscal month, for the month columns
        self.fiscal_month = {m: self.calendar.fiscal_month_of(date(2000, m, 1)) for m in range(1, MONTHS + 1)}
        self.forums: dict[str, int | None] = {name_key(NO_FORUM): None}
        for forum_id, acronym, full_name in session.execute(sa.select(Forum.id, Forum.acronym, Forum.full_name)):
            self.forums[name_key(full_name)] = forum_id
            if acronym:
                self.forums.setdefault(name_key(acronym), forum_id)
        self.categories: dict[str, int] = {}
        for category_id, code, label in session.execute(
            sa.select(CostCategory.id, CostCategory.code, CostCategory.label)
        ):
            self.categories[name_key(label)] = category_id
            self.categories[name_key(code)] = category_id
        revised = (
            sa.select(BudgetMonth.budget_line_id, sa.func.sum(sa.type_coerce(BudgetMonth.revised, sa.BigInteger())))
            .group_by(BudgetMonth.budget_line_id)
            .subquery()
        )
        self.existing: dict[tuple[int, str], _Existing] = {}
        self._keys: dict[str, str] = {}
        self._years: dict[str, int | FiscalYearError] = {}
        self._amounts: dict[str, int | MoneyError] = {}
        for line_id, version, fy, ref, cents in session.execute(
            sa.select(
                BudgetLine.id, BudgetLine.version_id, BudgetLine.fiscal_year, BudgetLine.external_ref, revised.c[1]
            )
            .outerjoin(revised, revised.c.budget_line_id == BudgetLine.id)
            .where(BudgetLine.external_ref.is_not(None))
        ):
            self.existing[(fy, ref)] = _Existing(line_id, version, int(cents or 0))

    def state(self) -> tuple[object, ...]:
        """Everything a plan depends on besides the file: two plans from equal states are equal."""
        return (self.calendar, self.forums, self.categories, self.existing)

    def fiscal_year(self, text: str) -> int | FiscalYearError:
        """The fiscal year `text` names, or why it names none; a file repeats a few years on every row."""
        found = self._years.get(text)
        if found is None:
            try:
                found = self.calendar.parse_fy(text)
            except FiscalYearError as exc:
                found = exc
            self._years[text] = found
        return found

    def cents(self, text: str) -> int | MoneyError:
        """The amount `text` reads as, in cents, or why it reads as none; amounts repeat (zero above all)."""
        found = self._amounts.get(text)
        if found is None:
            try:
                found = to_cents(parse_money(text))
            except MoneyError as exc:
                found = exc
            if len(self._amounts) > 100_000:
                self._amounts.clear()
            self._amounts[text] = found
        return found

    def key(self, text: str) -> str:
        """name_key of a forum's or category's name as typed; a file repeats a few names on every row."""
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = name_key(text)
        return found


@dataclass(frozen=True, slots=True)
class _Parsed:
    problems: tuple[tuple[str, str], ...]  # (column key, message)
    ref: str
    fy: int
    forum_text: str
    category_text: str
    cents: dict[str, int]
    revised_months: list[int] | None
    values: dict[str, Any]  # the line's own fields (the forum and category are resolved per plan)


class BudgetImporter:
    """Budget lines from xlsx or csv: new references are added, known ones (same fiscal year) updated."""

    kind: str = KIND
    sheets: tuple[SheetSpec, ...] = (SPEC,)
    metadata_sheet: str | None = None
    accepts_csv = True

    def __init__(self) -> None:
        # The rows as parsed for the dry run, kept for the re-plan inside the write transaction: the file is the
        # same, only the database may have moved on, so only the lookups are done again.
        self._parsed: tuple[Table, FiscalCalendar, dict[int, _Parsed]] | None = None
        # ... and the plan itself, which stands as long as the lookups read inside the transaction are the same.
        self._planned: tuple[Table, SourceFile, tuple[object, ...], ImportPlan] | None = None

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan:
        table = read.tables[BUDGET_IMPORT_SHEET]
        lookups = _Lookups(session)
        state = lookups.state()
        planned = self._planned
        if planned is not None and planned[0] is table and planned[1] == source and planned[2] == state:
            return planned[3]
        plan = self._plan(table, lookups, read, source)
        self._planned = (table, source, state, plan)
        return plan

    def _plan(self, table: Table, lookups: _Lookups, read: WorkbookRead, source: SourceFile) -> ImportPlan:
        problems: list[Problem] = list(table.problems)
        bad_rows = {p.row for p in table.problems}
        changes: list[RowChange] = []
        seen: dict[tuple[int, str], int] = {}
        parsed = self._parse_rows(table, lookups)
        for row in table.rows:
            if row.number in bad_rows:
                continue
            outcome = self._plan_row(row.number, parsed[row.number], table, lookups, seen)
            if isinstance(outcome, RowChange):
                changes.append(outcome)
            else:
                problems.extend(outcome)
        added = sum(1 for c in changes if not c.record_id)
        return ImportPlan(
            kind=KIND,
            source=source,
            changes=tuple(changes),
            problems=tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or ""))),
            warnings=read.warnings,
            rows_read=len(table.rows),
            actor=f"import: budget from {source.path.name}"[:200],
            summary={"added": added, "updated": len(changes) - added},
        )

    def _parse_rows(self, table: Table, lookups: _Lookups) -> dict[int, _Parsed]:
        cached = self._parsed
        if cached is not None and cached[0] is table and cached[1] == lookups.calendar:
            return cached[2]
        bad_rows = {p.row for p in table.problems}
        parsed = {
            row.number: self._parse_row(row, table.columns, lookups) for row in table.rows if row.number not in bad_rows
        }
        self._parsed = (table, lookups.calendar, parsed)
        return parsed

    def _plan_row(
        self, number: int, parsed: _Parsed, table: Table, lookups: _Lookups, seen: dict[tuple[int, str], int]
    ) -> RowChange | list[Problem]:
        problems = [
            Problem(table.sheet, number, table.columns.get(key, ""), message) for key, message in parsed.problems
        ]

        def problem(key: str, message: str) -> None:
            problems.append(Problem(table.sheet, number, table.columns.get(key, ""), message))

        forum_text, category_text = parsed.forum_text, parsed.category_text
        forum_key = lookups.key(forum_text)
        forum_id = lookups.forums.get(forum_key) if forum_text else None
        if forum_text and forum_key not in lookups.forums:
            problem("forum", f"No forum is called {forum_text!r}; use its acronym, its full name or leave it blank.")
        category_id = lookups.categories.get(lookups.key(category_text)) if category_text else None
        if category_id is None:
            problem("category", f"Choose a cost category (its label or code), not {category_text!r}.")
        ref, fy = parsed.ref, parsed.fy
        line_key = (fy, ref)
        if ref and fy and line_key in seen:
            also = seen[line_key]
            problem("ref", f"The reference {ref!r} is used twice for {lookups.calendar.label(fy)} (also row {also}).")
        seen.setdefault(line_key, number)
        if problems:
            return problems
        existing = lookups.existing.get(line_key)
        revised = parsed.cents["revised"]
        fields = [
            FieldChange("Revised", "" if existing is None else _cents_text(existing.revised), _cents_text(revised))
        ]
        return RowChange(
            sheet=table.sheet,
            row=number,
            ref=ref,
            title=parsed.values["description"],
            fields=tuple(fields),
            table="budget_line",
            record_id=existing.line_id if existing else 0,
            version=existing.version if existing else 0,
            values={
                **parsed.values,
                "forum_id": forum_id,
                "category_id": category_id,
                "cents": parsed.cents,
                "revised_months": parsed.revised_months,
                "old_revised": existing.revised if existing else None,
            },
        )

    def _parse_row(self, row: SourceRow, letters: Mapping[str, str], lookups: _Lookups) -> _Parsed:
        """What a row says and its problems, checked without the database's forums, categories or lines."""
        problems: list[tuple[str, str]] = []

        def problem(key: str, message: str) -> None:
            problems.append((key, message))

        cells = row.cells

        def text(key: str) -> str:
            cell = cells.get(key)
            return "" if cell is None or cell.value is None else str(cell.value)

        ref = text("ref")
        if not ref:
            problem("ref", "Give each line a reference, so that importing the file again updates it.")
        fy = lookups.fiscal_year(text("fiscal_year"))
        if isinstance(fy, FiscalYearError):
            problem("fiscal_year", str(fy))
            fy = 0
        cents: dict[str, int] = {}
        revised_months = self._revised_months(row, letters, lookups, problem)
        for key in _AMOUNTS:
            raw = text(key)
            if not raw:
                if key == "revised" and revised_months is None:
                    problem(key, "Enter the revised budget of the line.")
                cents[key] = 0
                continue
            amount = lookups.cents(raw)
            if isinstance(amount, MoneyError):
                problem(key, str(amount))
            else:
                cents[key] = amount
        if revised_months is not None:
            by_month = sum(revised_months)
            if not text("revised"):
                cents["revised"] = by_month
            elif cents.get("revised", by_month) != by_month:
                problem(
                    "revised",
                    f"The months add up to {from_cents(by_month):,}, not the revised budget "
                    f"{from_cents(cents['revised']):,}.",
                )
        if not text("original") and "revised" in cents:
            cents["original"] = cents["revised"]  # a line with no separate original was approved as it stands
        funding = row.value("funding_type")
        values: dict[str, Any] = {
            "fiscal_year": fy,
            "cost_centre": text("cost_centre"),
            "description": text("description"),
            "funding_type": funding if isinstance(funding, FundingType) else FundingType.DEPARTMENTAL,
            "oda_eligible": bool(row.value("oda")),
            "notes": text("notes"),
            "external_ref": ref,
        }
        # The forum and category are checked against the database in _plan_row; stand-ins keep them out of this.
        for field, message in validate_values(BudgetLine, values | {"forum_id": None, "category_id": 0}).items():
            key = {"external_ref": "ref"}.get(field, field)
            if not any(k == key for k, _ in problems):
                problem(key, message)
        return _Parsed(tuple(problems), ref, fy, text("forum"), text("category"), cents, revised_months, values)

    @staticmethod
    def _revised_months(
        row: SourceRow, letters: Mapping[str, str], lookups: _Lookups, problem: Any
    ) -> list[int] | None:
        """The revised budget in fiscal month order from the month columns, or None when the file has none."""
        found = [column for column in MONTH_COLUMNS if column.key in letters]
        if all(_blank(row.value(column.key)) for column in found):
            return None  # no months given: the revised budget is phased evenly
        months = [0] * MONTHS
        for column in found:
            value = row.value(column.key)
            if _blank(value):
                continue
            raw = str(value)
            fiscal = lookups.fiscal_month[int(column.key.removeprefix("month_"))]
            try:
                months[fiscal - 1] = to_cents(parse_money(raw))
            except MoneyError as exc:
                problem(column.key, str(exc))
        return months

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        """New lines through chunked Core inserts; known ones updated in place, each with an audit entry holding
        what it was before, so that the whole batch can be undone while none of its lines changed since."""
        actor = plan.actor or current_actor()
        batch = session.info.get("import_batch")
        batch_pk, batch_uuid = (batch.id, batch.batch_uuid) if batch is not None else (None, None)
        line_table = cast(sa.Table, BudgetLine.__table__)
        written: dict[str, list[int]] = {"budget_line": [], "budget_revision": []}
        new = [c for c in plan.changes if not c.record_id]
        # Each new line is known by its fiscal year and reference (unique in the file, absent from the database),
        # so RETURNING gives them back in any order: asking for parameter order makes SQLAlchemy insert one row
        # per statement on SQLite, instead of a thousand.
        insert = line_table.insert().returning(line_table.c.id, line_table.c.fiscal_year, line_table.c.external_ref)
        for start in range(0, len(new), _CHUNK):
            chunk = new[start : start + _CHUNK]
            rows = [_line_values(c) | {"import_batch_id": batch_pk} for c in chunk]
            by_key = {(c.values["fiscal_year"], c.ref): c for c in chunk}
            inserted = [(line_id, by_key[fy, ref]) for line_id, fy, ref in session.execute(insert, rows)]
            written["budget_line"] += [line_id for line_id, _ in inserted]
            _insert_months(session, inserted)
        updates = [c for c in plan.changes if c.record_id]
        revisions = []
        for start in range(0, len(updates), _CHUNK):
            chunk = updates[start : start + _CHUNK]
            before = _snapshots(session, [c.record_id for c in chunk])
            entries = []
            for change in chunk:
                updated: sa.CursorResult[Any] = session.execute(  # type: ignore[assignment]
                    line_table.update()
                    .where(line_table.c.id == change.record_id, line_table.c.version_id == change.version)
                    .values(_line_values(change) | {"version_id": change.version + 1, "import_batch_id": batch_pk})
                )
                if updated.rowcount != 1:
                    raise ImportRejected(
                        f"Line {change.ref} was changed by someone else during the import; nothing was changed.",
                        plan.source.path,
                    )
                entries.append(
                    EntryData(
                        at=utcnow(),
                        actor=actor[:200],
                        kind=AuditKind.UPDATE,
                        table_name="budget_line",
                        row_id=change.record_id,
                        changes=encode_changes({"import": batch_uuid, **before[change.record_id]}),
                        batch_id=batch_uuid,
                    )
                )
                written["budget_line"].append(change.record_id)
                old, new_revised = change.values["old_revised"], change.values["cents"]["revised"]
                if old != new_revised:
                    revisions.append(
                        {
                            "budget_line_id": change.record_id,
                            "fiscal_month": None,
                            "measure": BudgetMeasure.REVISED,
                            "old_amount": from_cents(old),
                            "new_amount": from_cents(new_revised),
                            "reason": f"Imported from {plan.source.path.name}",
                            "changed_by": actor[:200],
                        }
                    )
            month_table = cast(sa.Table, BudgetMonth.__table__)
            session.execute(month_table.delete().where(month_table.c.budget_line_id.in_([c.record_id for c in chunk])))
            _insert_months(session, [(c.record_id, c) for c in chunk])
            append_entries(session.connection(), entries)
        if revisions:
            table = cast(sa.Table, BudgetRevision.__table__)
            written["budget_revision"] = list(
                session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), revisions).scalars()
            )
        return written


_PLAN_ONLY: Final = frozenset({"cents", "revised_months", "old_revised"})
# What an undo puts back on a line the import updated (with its months).
_RESTORED: Final = (
    "fiscal_year",
    "forum_id",
    "category_id",
    "cost_centre",
    "description",
    "funding_type",
    "oda_eligible",
    "notes",
    "external_ref",
    "import_batch_id",
    "version_id",
)


def _cents_text(cents: int) -> str:
    """str(from_cents(cents)), without a decimal context per call: the dry run shows 100,000 of them."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def _line_values(change: RowChange) -> dict[str, Any]:
    return {k: v for k, v in change.values.items() if k not in _PLAN_ONLY}


# budget_month as integer cents: 1.2 million amounts through the Money type's Decimal checks would cost more than
# the insert itself, and the cents were checked when the row was planned.
_MONTH_COLUMNS: Final = ("budget_line_id", "fiscal_month", *_AMOUNTS)
_MONTH_CENTS: Final = sa.table(
    "budget_month",
    sa.column("budget_line_id", sa.Integer()),
    sa.column("fiscal_month", sa.Integer()),
    *(sa.column(amount, sa.BigInteger()) for amount in _AMOUNTS),
)
_MONTH_CHUNK: Final = _CHUNK * MONTHS


def _insert_month_rows(session: Session, months: Sequence[tuple[int, ...]]) -> None:
    """Rows of `_MONTH_COLUMNS`, as tuples straight to the driver's executemany: plain integers need none of
    SQLAlchemy's per-row parameter processing, which cost more than the insert at 1.2 million rows."""
    connection = session.connection()
    style = connection.dialect.paramstyle
    if style not in ("qmark", "format", "pyformat"):  # a driver with other placeholders goes the Core way
        insert = _MONTH_CENTS.insert()
        for start in range(0, len(months), _MONTH_CHUNK):
            chunk = months[start : start + _MONTH_CHUNK]
            session.execute(insert, [dict(zip(_MONTH_COLUMNS, row, strict=True)) for row in chunk])
        return
    marks = ", ".join(["?" if style == "qmark" else "%s"] * len(_MONTH_COLUMNS))
    sql = f"INSERT INTO budget_month ({', '.join(_MONTH_COLUMNS)}) VALUES ({marks})"
    for start in range(0, len(months), _MONTH_CHUNK):
        connection.exec_driver_sql(sql, list(months[start : start + _MONTH_CHUNK]))


def _insert_months(session: Session, lines: Any) -> None:
    months: list[tuple[int, ...]] = []
    numbers = range(1, MONTHS + 1)
    for line_id, change in lines:
        cents = change.values["cents"]
        phased = {key: _phased(cents[key]) for key in _AMOUNTS}
        by_month = change.values.get("revised_months")
        if by_month is not None:
            phased["revised"] = by_month
            if cents["original"] == sum(by_month):
                phased["original"] = by_month  # approved as phased
        months.extend(zip(repeat(line_id), numbers, *(phased[key] for key in _AMOUNTS), strict=False))
    _insert_month_rows(session, months)


def _raw(column: Any) -> Any:
    return sa.type_coerce(column, sa.BigInteger())


def _snapshots(session: Session, line_ids: list[int]) -> dict[int, dict[str, Any]]:
    """line id -> {"before": its restorable fields, "months": fiscal month -> amounts in cents}."""
    found: dict[int, dict[str, Any]] = {}
    columns = [getattr(BudgetLine, name) for name in _RESTORED]
    for line_id, *values in session.execute(sa.select(BudgetLine.id, *columns).where(BudgetLine.id.in_(line_ids))):
        found[line_id] = {"before": dict(zip(_RESTORED, values, strict=True)), "months": {}}
    for line_id, month, *amounts in session.execute(
        sa.select(
            BudgetMonth.budget_line_id, BudgetMonth.fiscal_month, *(_raw(getattr(BudgetMonth, a)) for a in _AMOUNTS)
        ).where(BudgetMonth.budget_line_id.in_(line_ids))
    ):
        found[line_id]["months"][str(month)] = dict(zip(_AMOUNTS, (int(a) for a in amounts), strict=True))
    return found


@dataclass(frozen=True)
class UndoResult:
    batch_id: str
    source_name: str
    removed: int  # lines the import had added
    restored: int  # lines it had updated, put back as they were

    def summary(self) -> str:
        return (
            f"Undid the import of {self.source_name} (batch {self.batch_id}): {self.removed} line(s) removed, "
            f"{self.restored} put back as they were."
        )


def undo_budget_import(db: Database, batch_id: str) -> UndoResult:
    """Revert a whole budget import: remove the lines it added and put back the lines it updated (fields, months,
    and the revisions it recorded), after a backup and in one transaction. Refused (ValidationError) when any of
    its lines changed since, when the batch is not a budget import, or when it was undone already."""
    batch_id = batch_id.strip()
    with db.read() as session:
        _undoable(session, batch_id)
    if db.path is not None:
        db.backup("before-undo")
    with db.write() as session:
        batch, snapshots = _undoable(session, batch_id)
        line_table = cast(sa.Table, BudgetLine.__table__)
        added = [
            line_id
            for line_id in session.scalars(sa.select(BudgetLine.id).where(BudgetLine.import_batch_id == batch.id))
            if line_id not in snapshots
        ]
        revision_range = session.execute(
            sa.select(AuditEntry.id_min, AuditEntry.id_max).where(
                AuditEntry.batch_id == batch_id,
                AuditEntry.kind == AuditKind.BATCH,
                AuditEntry.table_name == "budget_revision",
            )
        ).first()
        if revision_range is not None:
            session.execute(
                sa.delete(BudgetRevision).where(
                    BudgetRevision.id.between(*revision_range), BudgetRevision.budget_line_id.in_(list(snapshots))
                )
            )
        try:
            with session.begin_nested():
                for start in range(0, len(added), _CHUNK):
                    # Months and revisions go with their line (ON DELETE CASCADE).
                    session.execute(line_table.delete().where(line_table.c.id.in_(added[start : start + _CHUNK])))
        except sa.exc.IntegrityError as exc:
            raise ValidationError(
                {"batch": "Something recorded since refers to a line this import added; nothing was undone."}
            ) from exc
        _restore(session, snapshots)
        batch.undone_at = utcnow()
        touched = sorted([*added, *snapshots])
        if touched:
            append_batch_entry(
                session.connection(),
                table_name="budget_line",
                row_count=len(touched),
                id_min=touched[0],
                id_max=touched[-1],
                batch_id=batch_id,
                summary={"kind": "undo", "file": batch.source_name, "removed": len(added), "restored": len(snapshots)},
            )
        return UndoResult(batch_id, batch.source_name, len(added), len(snapshots))


def _undoable(session: Session, batch_id: str) -> tuple[ImportBatch, dict[int, dict[str, Any]]]:
    """The batch and, per line it updated, what the line was before; ValidationError when it cannot be undone."""

    def refuse(message: str) -> NoReturn:
        raise ValidationError({"batch": message})

    batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.batch_uuid == batch_id)).one_or_none()
    if batch is None:
        refuse(f"No import has the batch id {batch_id!r}.")
    if batch.kind != KIND:
        refuse(f"Batch {batch_id} is an import of {batch.kind}, not of budget lines.")
    if batch.undone_at is not None:
        refuse(f"Batch {batch_id} was undone already, on {batch.undone_at:%d %b %Y}.")
    snapshots = {
        int(row_id or 0): json.loads(changes)
        for row_id, changes in session.execute(
            sa.select(AuditEntry.row_id, AuditEntry.changes).where(
                AuditEntry.batch_id == batch_id,
                AuditEntry.kind == AuditKind.UPDATE,
                AuditEntry.table_name == "budget_line",
            )
        )
    }
    written = session.scalar(
        sa.select(AuditEntry.row_count).where(
            AuditEntry.batch_id == batch_id, AuditEntry.kind == AuditKind.BATCH, AuditEntry.table_name == "budget_line"
        )
    )
    carried = {
        line_id: (version, ref)
        for line_id, version, ref in session.execute(
            sa.select(BudgetLine.id, BudgetLine.version_id, BudgetLine.external_ref).where(
                BudgetLine.import_batch_id == batch.id
            )
        )
    }
    # A line still as the import left it carries the batch and the version the import gave it.
    changed = [
        ref
        for line_id, (version, ref) in carried.items()
        if version != (snapshots[line_id]["before"]["version_id"] + 1 if line_id in snapshots else 1)
    ]
    gone = (written or 0) - len(carried)
    if changed or gone:
        first = f" (first: {changed[0]})" if changed else ""
        refuse(
            f"{len(changed) + gone} line(s) of this import changed since{first}; it can no longer be undone as a "
            "whole. Change them back by hand, or import a corrected file."
        )
    return batch, snapshots


def _restore(session: Session, snapshots: Mapping[int, Mapping[str, Any]]) -> None:
    line_table = cast(sa.Table, BudgetLine.__table__)
    month_table = cast(sa.Table, BudgetMonth.__table__)
    ids = list(snapshots)
    for line_id, snapshot in snapshots.items():
        values = dict(snapshot["before"])
        values["funding_type"] = FundingType(values["funding_type"])
        # The version goes back with the fields: the line is exactly as before, so an earlier import of it can be
        # undone in turn, and an editor still holding the imported version gets a conflict.
        session.execute(line_table.update().where(line_table.c.id == line_id).values(values))
    for start in range(0, len(ids), _CHUNK):
        session.execute(month_table.delete().where(month_table.c.budget_line_id.in_(ids[start : start + _CHUNK])))
    months = [
        (line_id, int(month), *(int(amounts[key]) for key in _AMOUNTS))
        for line_id, snapshot in snapshots.items()
        for month, amounts in snapshot["months"].items()
    ]
    _insert_month_rows(session, months)
