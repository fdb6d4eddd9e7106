"""What the register importers (people, forum events) share: match rows to records, plan the differences, apply
them through the records service.

A row is matched by its Reference (the record's external reference) when it has one, otherwise by the register's
natural key (a person's name within an organisation; a forum's event by title and start date). A matched record
is updated only in the fields whose cells are filled and differ; a blank optional cell leaves the stored value as
it is. New records are created. Every row is checked with the same rules as the editor before anything is
written, so one bad row blocks the whole file; apply writes through create_record / update_record, so versions
bump and each change is audited under the import's name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.base import Base, LabelledEnum
from core.io.imports.errors import ImportRejected
from core.io.imports.pipeline import FieldChange, ImportPlan, RowChange, SourceFile
from core.io.imports.reader import Problem, SheetSpec, SourceRow, WorkbookRead
from core.reports.records import choices
from core.services.records import EditConflict, RecordNotFound, create_record, update_record, with_keys
from core.services.validation import ValidationError, validate_values

__all__ = ["YES_NO", "RegisterImporter", "RowProblem", "enum_choices", "shown"]

YES_NO: Mapping[str, object] = {"Yes": True, "No": False, "Y": True, "N": False, "True": True, "False": False}

RowProblem = Callable[[str, str], None]  # (column key, message)


def shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _linked_labels(session: Session, table: sa.Table, fields: Iterable[str]) -> dict[str, dict[int, str]]:
    """For each field that links to another register, the labels of its rows: a dry run says "Forum: OEWG",
    not the forum's row id."""
    found: dict[str, dict[int, str]] = {}
    for field in fields:
        column = table.c.get(field)
        for key in column.foreign_keys if column is not None else ():
            found[field] = {choice.id: choice.label for choice in choices(session, key.column.table.name)}
    return found


def _shown_field(field: str, value: object, linked: Mapping[str, Mapping[int, str]]) -> str:
    labels = linked.get(field)
    if labels is not None and isinstance(value, int) and value in labels:
        return labels[value]
    return shown(value)


def enum_choices(enum: type[LabelledEnum]) -> dict[str, object]:
    """A choice column's accepted cells: each member's label and its code."""
    return {**{m.label: m for m in enum}, **{m.value: m for m in enum}}


class RegisterImporter:
    """The plan and apply of a register import; a subclass names its sheet, model and columns."""

    kind: str
    sheets: tuple[SheetSpec, ...]  # one sheet
    model: ClassVar[type[Base]]
    noun: ClassVar[str]  # "person", "event"
    labels: ClassVar[Mapping[str, str]]  # model field -> label shown in the dry run (the fields compared)
    columns_of: ClassVar[Mapping[str, str]]  # model field -> the column key its problems are shown under
    key_column: ClassVar[str]  # the column a repeated natural key is reported under
    metadata_sheet: str | None = None
    accepts_csv = True

    # --- what a subclass supplies -------------------------------------------------------------------------

    def lookups(self, session: Session) -> Any:
        """Whatever row_values needs from the database (organisations by name, forums by acronym)."""
        raise NotImplementedError

    def row_values(self, row: SourceRow, lookups: Any, problem: RowProblem) -> dict[str, Any]:
        """The model's field values the row gives (only the cells filled in, plus required ones)."""
        raise NotImplementedError

    def for_new_record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values of a row that adds a record, with defaults for cells a new record cannot do without."""
        return dict(values)

    def natural_key(self, values: Mapping[str, Any]) -> Hashable:
        raise NotImplementedError

    def describe(self, values: Mapping[str, Any]) -> tuple[str, str]:
        """(how the user knows the record, its title) for the dry run."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------------------------

    def _table(self) -> sa.Table:
        table = self.model.__table__
        assert isinstance(table, sa.Table)
        return table

    def _existing(self, session: Session) -> tuple[dict[str, dict[str, Any]], dict[Hashable, dict[str, Any]]]:
        table = self._table()
        by_ref: dict[str, dict[str, Any]] = {}
        by_key: dict[Hashable, dict[str, Any]] = {}
        for mapping in session.execute(sa.select(table)).mappings():
            stored = dict(mapping)
            if stored.get("external_ref"):
                by_ref[stored["external_ref"]] = stored
            by_key.setdefault(self.natural_key(stored), stored)
        return by_ref, by_key

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan:
        table = read.tables[self.sheets[0].title]
        # A problem is shown under the column's header, as the reader shows a cell it cannot read: the letter a
        # column was found in means little once the user has the dry run's list rather than the sheet in front.
        headers = {column.key: column.header for column in self.sheets[0].columns}
        lookups = self.lookups(session)
        by_ref, by_key = self._existing(session)
        linked = _linked_labels(session, self._table(), self.labels)
        problems: list[Problem] = list(table.problems)
        bad_rows = {p.row for p in table.problems}
        changes: list[RowChange] = []
        seen: dict[Hashable, int] = {}
        unchanged = 0
        for row in table.rows:
            if row.number in bad_rows:
                continue
            found: list[Problem] = []

            def problem(key: str, message: str, row: SourceRow = row, found: list[Problem] = found) -> None:
                column = headers.get(key, "")
                if not any(p.column == column and column for p in found):
                    found.append(Problem(table.sheet, row.number, column, message))

            values = self.row_values(row, lookups, problem)
            if found:  # still list what else is wrong with the cells read, so one dry run shows it all
                for field, message in validate_values(self.model, values, partial=True).items():
                    problem(self.columns_of.get(field, field), message)
            outcome = None if found else self._plan_row(values, by_ref, by_key, seen, row.number, problem, linked)
            problems.extend(found)
            if isinstance(outcome, RowChange):
                changes.append(
                    RowChange(
                        table.sheet,
                        row.number,
                        outcome.ref,
                        outcome.title,
                        outcome.fields,
                        outcome.table,
                        outcome.record_id,
                        outcome.version,
                        outcome.values,
                    )
                )
            elif outcome == "unchanged":
                unchanged += 1
        added = sum(1 for c in changes if not c.record_id)
        return ImportPlan(
            kind=self.kind,
            source=source,
            changes=tuple(changes),
            problems=tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or ""))),
            warnings=read.warnings,
            rows_read=len(table.rows),
            actor=f"import: {self.kind} from {source.path.name}"[:200],
            summary={"added": added, "updated": len(changes) - added, "unchanged": unchanged},
        )

    def _plan_row(
        self,
        values: dict[str, Any],
        by_ref: Mapping[str, dict[str, Any]],
        by_key: Mapping[Hashable, dict[str, Any]],
        seen: dict[Hashable, int],
        number: int,
        problem: RowProblem,
        linked: Mapping[str, Mapping[int, str]],
    ) -> RowChange | str | None:
        ref = values.get("external_ref")
        key = self.natural_key(values)
        for mark in (("ref", ref) if ref else None, ("key", key)):
            if mark is None:
                continue
            if mark in seen:
                column = "ref" if mark[0] == "ref" else self.key_column
                problem(column, f"The same {self.noun} is on row {seen[mark]} too; keep one row for it.")
                return None
            seen[mark] = number
        stored = by_ref.get(ref) if ref else None
        if stored is None:
            stored = by_key.get(key)
            if stored is not None and ref and stored.get("external_ref") not in (None, ref):
                problem("ref", f"This {self.noun} is recorded with the reference {stored['external_ref']!r}.")
                return None
        if stored is None:
            values = self.for_new_record(values)
        merged = {**(stored or {}), **values}
        errors = validate_values(self.model, with_keys(self.model, merged))
        for field, message in errors.items():
            problem(self.columns_of.get(field, field), message)
        if errors:
            return None
        ref_text, title = self.describe(merged)
        if stored is None:
            fields = tuple(
                FieldChange(label, "", _shown_field(f, values[f], linked))
                for f, label in self.labels.items()
                if f in values
            )
            return RowChange("", number, ref_text, title, fields, self._table().name, 0, 0, values)
        changed = {f: v for f, v in values.items() if stored.get(f) != v}
        if not changed:
            return "unchanged"
        fields = tuple(
            FieldChange(label, _shown_field(f, stored.get(f), linked), _shown_field(f, changed[f], linked))
            for f, label in self.labels.items()
            if f in changed
        )
        return RowChange(
            "",
            number,
            ref_text,
            title,
            fields,
            self._table().name,
            int(stored["id"]),
            int(stored["version_id"]),
            changed,
        )

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        ids: list[int] = []
        for change in plan.changes:
            try:
                if change.record_id:
                    update_record(session, self.model, change.record_id, change.version, change.values)
                    ids.append(change.record_id)
                else:
                    ids.append(int(create_record(session, self.model, change.values).id))  # type: ignore[attr-defined]
            except (ValidationError, EditConflict, RecordNotFound) as exc:
                detail = "; ".join(getattr(exc, "errors", {}).values()) or str(exc)
                raise ImportRejected(
                    f"Cannot import {plan.source.path.name}: row {change.row} ({change.ref}): {detail} "
                    "Nothing was changed.",
                    plan.source.path,
                ) from exc
        return {self._table().name: ids}
