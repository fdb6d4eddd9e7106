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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.audit import current_actor
from core.domain.fiscal import FiscalYearError
from core.domain.forums import Forum
from core.domain.money import MoneyError, from_cents, parse_money, to_cents
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision, FundingType
from core.domain.text import name_key
from core.io.imports.errors import ImportRejected
from core.io.imports.pipeline import FieldChange, ImportPlan, RowChange, SourceFile
from core.io.imports.reader import ColumnSpec, Problem, SheetSpec, SourceRow, WorkbookRead
from core.reports.budget import MONTHS, NO_FORUM
from core.services.office import load_settings
from core.services.validation import validate_values

__all__ = ["BUDGET_IMPORT_COLUMNS", "BUDGET_IMPORT_SHEET", "KIND", "BudgetImporter", "phase_evenly"]

KIND: Final = "budget"
BUDGET_IMPORT_SHEET: Final = "Budget_Import"
_CHUNK: Final = 1000
_AMOUNTS: Final = ("original", "revised", "committed", "actual", "forecast")

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
    ColumnSpec("revised", "Revised", aliases=("Revised budget", "Budget")),
    ColumnSpec("committed", "Committed", required=False, aliases=("Committed not yet paid", "Obligated")),
    ColumnSpec("actual", "Actual", required=False, aliases=("Actual to date", "Actual YTD", "Spent")),
    ColumnSpec("forecast", "Forecast", required=False, aliases=("Forecast remaining", "Remaining forecast")),
    ColumnSpec("notes", "Notes", required=False, aliases=("Comment", "Comments")),
)
SPEC: Final = SheetSpec(
    title=BUDGET_IMPORT_SHEET,
    sheet_names=(BUDGET_IMPORT_SHEET, "Budget lines", "Budget_Lines", "Lines"),
    columns=BUDGET_IMPORT_COLUMNS,
)


def phase_evenly(cents: int) -> list[int]:
    """`cents` over the twelve fiscal months: equal parts, the odd cents in the last month."""
    part = int(cents / MONTHS)  # towards zero, so a negative amount phases symmetrically
    return [part] * (MONTHS - 1) + [cents - part * (MONTHS - 1)]


@dataclass(frozen=True)
class _Existing:
    line_id: int
    version: int
    revised: int  # cents


class _Lookups:
    def __init__(self, session: Session) -> None:
        self.calendar = load_settings(session).calendar
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
        for line_id, version, fy, ref, cents in session.execute(
            sa.select(
                BudgetLine.id, BudgetLine.version_id, BudgetLine.fiscal_year, BudgetLine.external_ref, revised.c[1]
            )
            .outerjoin(revised, revised.c.budget_line_id == BudgetLine.id)
            .where(BudgetLine.external_ref.is_not(None))
        ):
            self.existing[(fy, ref)] = _Existing(line_id, version, int(cents or 0))


class BudgetImporter:
    """Budget lines from xlsx or csv: new references are added, known ones (same fiscal year) updated."""

    kind: str = KIND
    sheets: tuple[SheetSpec, ...] = (SPEC,)
    metadata_sheet: str | None = None
    accepts_csv = True

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan:
        table = read.tables[BUDGET_IMPORT_SHEET]
        lookups = _Lookups(session)
        problems: list[Problem] = list(table.problems)
        bad_rows = {p.row for p in table.problems}
        changes: list[RowChange] = []
        seen: dict[tuple[int, str], int] = {}
        letters = table.columns
        for row in table.rows:
            if row.number in bad_rows:
                continue
            outcome = self._plan_row(row, table.sheet, letters, lookups, seen)
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

    def _plan_row(
        self,
        row: SourceRow,
        sheet: str,
        letters: Mapping[str, str],
        lookups: _Lookups,
        seen: dict[tuple[int, str], int],
    ) -> RowChange | list[Problem]:
        problems: list[Problem] = []

        def problem(key: str, message: str) -> None:
            problems.append(Problem(sheet, row.number, letters.get(key, ""), message))

        def text(key: str) -> str:
            value = row.value(key)
            return "" if value is None else str(value)

        ref = text("ref")
        if not ref:
            problem("ref", "Give each line a reference, so that importing the file again updates it.")
        fy = 0
        try:
            fy = lookups.calendar.parse_fy(text("fiscal_year"))
        except FiscalYearError as exc:
            problem("fiscal_year", str(exc))
        forum_text = text("forum")
        forum_id = lookups.forums.get(name_key(forum_text)) if forum_text else None
        if forum_text and name_key(forum_text) not in lookups.forums:
            problem("forum", f"No forum is called {forum_text!r}; use its acronym, its full name or leave it blank.")
        category_text = text("category")
        category_id = lookups.categories.get(name_key(category_text)) if category_text else None
        if category_id is None:
            problem("category", f"Choose a cost category (its label or code), not {category_text!r}.")
        cents: dict[str, int] = {}
        for key in _AMOUNTS:
            raw = text(key)
            if not raw:
                if key == "revised":
                    problem(key, "Enter the revised budget of the line.")
                cents[key] = 0
                continue
            try:
                cents[key] = to_cents(parse_money(raw))
            except MoneyError as exc:
                problem(key, str(exc))
        if not text("original") and "revised" in cents:
            cents["original"] = cents["revised"]  # a line with no separate original was approved as it stands
        funding = row.value("funding_type")
        values: dict[str, Any] = {
            "fiscal_year": fy,
            "forum_id": forum_id,
            "category_id": category_id,
            "cost_centre": text("cost_centre"),
            "description": text("description"),
            "funding_type": funding if isinstance(funding, FundingType) else FundingType.DEPARTMENTAL,
            "oda_eligible": bool(row.value("oda")),
            "notes": text("notes"),
            "external_ref": ref,
        }
        for field, message in validate_values(BudgetLine, values).items():
            key = {"forum_id": "forum", "category_id": "category", "external_ref": "ref"}.get(field, field)
            if not any(p.column == letters.get(key, "") for p in problems):
                problem(key, message)
        line_key = (fy, ref)
        if ref and fy and line_key in seen:
            also = seen[line_key]
            problem("ref", f"The reference {ref!r} is used twice for {lookups.calendar.label(fy)} (also row {also}).")
        seen.setdefault(line_key, row.number)
        if problems:
            return problems
        existing = lookups.existing.get(line_key)
        fields = [
            FieldChange(
                "Revised",
                "" if existing is None else str(from_cents(existing.revised)),
                str(from_cents(cents["revised"])),
            )
        ]
        return RowChange(
            sheet=sheet,
            row=row.number,
            ref=ref,
            title=values["description"],
            fields=tuple(fields),
            table="budget_line",
            record_id=existing.line_id if existing else 0,
            version=existing.version if existing else 0,
            values={**values, "cents": cents, "old_revised": existing.revised if existing else None},
        )

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        actor = plan.actor or current_actor()
        line_table = cast(sa.Table, BudgetLine.__table__)
        month_table = cast(sa.Table, BudgetMonth.__table__)
        written: dict[str, list[int]] = {"budget_line": [], "budget_revision": []}
        new = [c for c in plan.changes if not c.record_id]
        for start in range(0, len(new), _CHUNK):
            chunk = new[start : start + _CHUNK]
            rows = [{k: v for k, v in c.values.items() if k not in ("cents", "old_revised")} for c in chunk]
            ids = list(
                session.execute(
                    line_table.insert().returning(line_table.c.id, sort_by_parameter_order=True), rows
                ).scalars()
            )
            written["budget_line"] += ids
            self._insert_months(session, month_table, zip(ids, chunk, strict=True))
        revisions = []
        for change in (c for c in plan.changes if c.record_id):
            updated: sa.CursorResult[Any] = session.execute(  # type: ignore[assignment]
                line_table.update()
                .where(line_table.c.id == change.record_id, line_table.c.version_id == change.version)
                .values(
                    {k: v for k, v in change.values.items() if k not in ("cents", "old_revised")}
                    | {"version_id": change.version + 1}
                )
            )
            if updated.rowcount != 1:
                raise ImportRejected(
                    f"Line {change.ref} was changed by someone else during the import; nothing was changed.",
                    plan.source.path,
                )
            session.execute(month_table.delete().where(month_table.c.budget_line_id == change.record_id))
            self._insert_months(session, month_table, [(change.record_id, change)])
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
        if revisions:
            table = cast(sa.Table, BudgetRevision.__table__)
            written["budget_revision"] = list(
                session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), revisions).scalars()
            )
        return written

    @staticmethod
    def _insert_months(session: Session, month_table: Any, lines: Any) -> None:
        months = []
        for line_id, change in lines:
            phased = {key: phase_evenly(change.values["cents"][key]) for key in _AMOUNTS}
            for m in range(MONTHS):
                months.append(
                    {"budget_line_id": line_id, "fiscal_month": m + 1}
                    | {key: from_cents(phased[key][m]) for key in _AMOUNTS}
                )
        for start in range(0, len(months), _CHUNK * MONTHS):
            session.execute(month_table.insert(), months[start : start + _CHUNK * MONTHS])
