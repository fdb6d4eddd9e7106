"""The one import pipeline every importer goes through: pre-check, read, plan (the dry run), apply all or nothing.

An importer supplies what differs between kinds of file: the sheets and columns it reads (`SheetSpec`) and a
`plan` that turns the rows into changes, problems and refused rows against the database, and an `apply` that
makes the planned changes through the services. The pipeline does the rest the same way for every kind: the
limits, the dry run, the re-plan inside the write transaction (so a dry run that went stale cannot be applied
blindly), the ImportBatch row and its audit entry, and the rule that a file with problems changes nothing.

A budget importer plugs in with a SheetSpec of its columns and a `plan` that hands each SourceRow to its row
handler; `plan_rows` below does that loop for an importer that needs nothing more.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.domain.audit import ImportBatch, append_batch_entry
from core.io.imports.errors import ImportRejected
from core.io.imports.precheck import DEFAULT_LIMITS, ImportLimits, precheck_xlsx
from core.io.imports.reader import Problem, SheetSpec, SourceRow, Table, WorkbookRead, read_workbook
from core.io.progress import CancelToken, ExportCancelled, ProgressSink

__all__ = [
    "FieldChange",
    "ImportCancelled",
    "ImportPlan",
    "ImportResult",
    "Importer",
    "RowChange",
    "SourceFile",
    "plan_rows",
    "run_import",
]


# An importer with `accepts_csv = True` reads these as CSV (its first SheetSpec); everything else must be xlsx.
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


class ImportCancelled(ExportCancelled):
    """The user cancelled an import; nothing was changed (an ExportCancelled, so job runners treat it alike)."""

    def __init__(self, path: Path) -> None:
        Exception.__init__(self, f"Import of {path.name} cancelled; nothing was changed.")
        self.path = path


@dataclass(frozen=True)
class FieldChange:
    field: str  # the label the user sees ("Status")
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old or '—'} → {self.new or '—'}"


@dataclass(frozen=True)
class RowChange:
    """One record the import will change, as the dry run shows it, and what apply needs to change it."""

    sheet: str
    row: int
    ref: str  # how the user knows the record ("A07.03", "Jane Citizen")
    title: str
    fields: tuple[FieldChange, ...]
    table: str
    record_id: int
    version: int
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.ref}: " + "; ".join(str(f) for f in self.fields)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class ImportPlan:
    """The dry run: what would change, the rows refused (skipped, with a reason) and the problems that block."""

    kind: str
    source: SourceFile
    changes: tuple[RowChange, ...]
    refused: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    rows_read: int = 0
    actor: str = ""
    summary: Mapping[str, Any] = field(default_factory=dict)

    @property
    def can_apply(self) -> bool:
        return not self.problems and bool(self.changes)

    def lines(self) -> list[str]:
        """The dry run as text: each change, each refused row, each problem, then the warnings."""
        out = [f"{'Change' if change.record_id else 'Add'} {change}" for change in self.changes]
        out += [f"Refused {problem}" for problem in self.refused]
        out += [f"Problem {problem}" for problem in self.problems]
        out += [f"Note: {warning}" for warning in self.warnings]
        return out

    def headline(self) -> str:
        name = self.source.path.name
        parts = [f"{len(self.changes)} change{'s' if len(self.changes) != 1 else ''}"]
        if self.refused:
            parts.append(f"{len(self.refused)} row{'s' if len(self.refused) != 1 else ''} refused")
        if self.problems:
            parts.append(f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}")
        return f"{name}: {', '.join(parts)} in {self.rows_read} row{'s' if self.rows_read != 1 else ''} read."


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    applied: bool
    batch_id: str | None = None

    def summary(self) -> str:
        if self.applied and self.batch_id is None:
            return f"{self.plan.headline()} Nothing to change."
        if not self.applied:
            return f"Dry run of {self.plan.headline()} Nothing was changed."
        count = len(self.plan.changes)
        done = f"{count} record{'s' if count != 1 else ''} updated"
        if "added" in self.plan.summary:  # an importer that adds records as well as updating them
            done = f"{self.plan.summary['added']} added, {self.plan.summary.get('updated', 0)} updated"
        return (
            f"Imported {self.plan.source.path.name}: {done}"
            + (f", {len(self.plan.refused)} refused" if self.plan.refused else "")
            + f" (batch {self.batch_id})."
        )


class Importer(Protocol):
    """What one kind of import supplies to the pipeline (optionally also `accepts_csv = True`)."""

    kind: str
    sheets: tuple[SheetSpec, ...]
    metadata_sheet: str | None

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan: ...

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        """Make the planned changes through the services; return the ids written, by table."""
        ...


RowHandler = Callable[[SourceRow], "RowChange | Problem | None"]


def plan_rows(table: Table, handle: RowHandler) -> tuple[list[RowChange], list[Problem]]:
    """Hand each row of `table` that read cleanly to `handle`; rows with cell problems are left to those."""
    bad_rows = {p.row for p in table.problems}
    changes: list[RowChange] = []
    problems: list[Problem] = []
    for row in table.rows:
        if row.number in bad_rows:
            continue
        outcome = handle(row)
        if isinstance(outcome, RowChange):
            changes.append(outcome)
        elif isinstance(outcome, Problem):
            problems.append(outcome)
    return changes, problems


def _source(path: Path) -> SourceFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return SourceFile(path, digest.hexdigest(), size)


def read_for_import(
    path: Path, importer: Importer, *, limits: ImportLimits = DEFAULT_LIMITS, cancel: CancelToken | None = None
) -> tuple[WorkbookRead, SourceFile]:
    """Pre-check and read `path` for `importer`; ImportRejected on a file that must not or cannot be read."""

    def check_cancel() -> None:
        if cancel is not None and cancel.cancelled:
            raise ImportCancelled(path)

    if getattr(importer, "accepts_csv", False) and path.suffix.lower() in CSV_SUFFIXES:
        from core.io.imports.csv_reader import read_csv

        csv_read = read_csv(path, importer.sheets[0], limits=limits, check_cancel=check_cancel)
        return csv_read, _source(path)
    # Otherwise the content decides what a file is, never its name: a .xls or .csv renamed .xlsx gets the
    # pre-check's reason.
    report = precheck_xlsx(path, limits)
    check_cancel()
    read = read_workbook(
        report, importer.sheets, limits=limits, metadata_sheet=importer.metadata_sheet, check_cancel=check_cancel
    )
    check_cancel()
    return read, _source(path)


def run_import(
    db: Database,
    path: Path,
    importer: Importer,
    *,
    dry_run: bool,
    today: date | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Dry-run or apply `path` through `importer`.

    A dry run reads the database only. Applying re-plans inside one write transaction, so the versions checked
    are the ones the update sees; if any problem remains, ImportRejected is raised and nothing is written.
    Otherwise every planned change, the ImportBatch row and the batch's audit entry commit together.
    """
    today = today or date.today()
    if progress is not None:
        progress.report(0, 3)
    read, source = read_for_import(path, importer, limits=limits, cancel=cancel)
    if progress is not None:
        progress.report(1, 3)
    if dry_run:
        with db.read() as session:
            plan = importer.plan(session, read, source, today)
        if progress is not None:
            progress.report(3, 3)
        return ImportResult(plan, applied=False)

    with db.read() as session:
        first = importer.plan(session, read, source, today)
    if first.changes and not first.problems and db.path is not None:
        # DESIGN §5: a backup before every import that will write (a file database only; servers back up apart).
        db.backup("before-import")
    batch_id = str(uuid.uuid4())
    with db.write() as session:
        plan = importer.plan(session, read, source, today)
        if plan.problems:
            count = len(plan.problems)
            raise ImportRejected(
                f"Cannot import {path.name}: {count} problem{'s' if count != 1 else ''} in the file "
                f"(first: {plan.problems[0]}); nothing was changed.",
                path,
            )
        if cancel is not None and cancel.cancelled:
            raise ImportCancelled(path)
        if progress is not None:
            progress.report(2, 3)
        if not plan.changes:
            return ImportResult(plan, applied=True)
        # Every per-row audit entry of the apply names the import (and the agency) as the one who made it.
        session.info["actor"] = plan.actor or session.info.get("actor")
        batch = ImportBatch(
            batch_uuid=batch_id,
            kind=importer.kind,
            source_name=path.name[:400],
            source_sha256=source.sha256,
            actor=plan.actor,
        )
        session.add(batch)
        session.flush()
        # An importer that stamps its rows with the batch (so that the batch can be undone) finds it here.
        session.info["import_batch"] = batch
        written = {table: sorted(ids) for table, ids in importer.apply(session, plan, today).items() if ids}
        batch.row_count = sum(len(ids) for ids in written.values())
        session.flush()
        for table, ids in written.items():
            append_batch_entry(
                session.connection(),
                table_name=table,
                row_count=len(ids),
                id_min=ids[0],
                id_max=ids[-1],
                batch_id=batch_id,
                actor=plan.actor or None,
                source_sha256=source.sha256,
                summary={"kind": importer.kind, "file": path.name, "refused": len(plan.refused), **plan.summary},
            )
    if progress is not None:
        progress.report(3, 3)
    return ImportResult(plan, applied=True, batch_id=batch_id)
