"""Importing an agency's returned action-update workbook: the liaison's statuses, updates and new due dates.

Rows whose record changed since the workbook was made (its version moved on) are refused by name and the rest
apply; anything wrong with the file itself (an unknown status, a bad date, a tampered id) blocks the whole import,
because the liaison can fix the file and send it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.audit import ImportBatch
from core.domain.base import utcnow
from core.domain.meetings import Action, ActionStatus, Attendance, AttendanceStatus
from core.domain.organisations import Organisation
from core.io.action_updates import (
    ACTIONS_SHEET,
    ATTENDANCE_SHEET,
    KIND,
    META_SHEET,
    UnknownAgency,
    find_agency,
)
from core.io.imports.errors import ImportRejected
from core.io.imports.pipeline import FieldChange, ImportPlan, RowChange, SourceFile
from core.io.imports.reader import ColumnSpec, Problem, SheetSpec, SourceRow, Table, WorkbookRead
from core.services.records import derive_values, last_change, update_record, with_keys
from core.services.validation import row_values, validate_values

__all__ = ["ActionUpdatesImporter"]

_CLOSING: Final = frozenset({ActionStatus.COMPLETE, ActionStatus.CANCELLED})
_SHOWN_TEXT: Final = 60

ACTIONS_SPEC: Final = SheetSpec(
    title=ACTIONS_SHEET,
    sheet_names=(ACTIONS_SHEET,),
    columns=(
        ColumnSpec("action_id", "Action id", "int", aliases=("Id", "Action ID number")),
        ColumnSpec("version", "Version", "int"),
        ColumnSpec("ref", "Ref", aliases=("Reference", "Action ref")),
        ColumnSpec("new_status", "New status", "choice", choices={s.label: s for s in ActionStatus}),
        ColumnSpec("progress_update", "Progress update", aliases=("Update", "New update")),
        ColumnSpec("new_due", "Proposed new due date", "date", aliases=("New due date", "Proposed due date")),
    ),
)
ATTENDANCE_SPEC: Final = SheetSpec(
    title=ATTENDANCE_SHEET,
    sheet_names=(ATTENDANCE_SHEET,),
    required=False,
    first_visible_fallback=False,
    columns=(
        ColumnSpec("attendance_id", "Attendance id", "int"),
        ColumnSpec("version", "Version", "int"),
        ColumnSpec("name", "Name"),
        ColumnSpec("new_status", "Confirmed status", "choice", choices={s.label: s for s in AttendanceStatus}),
    ),
)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_TEXT else text[: _SHOWN_TEXT - 1] + "…"


def _when(at: Any) -> str:
    return at.strftime("%d %b %Y") if at is not None else "an unknown date"


@dataclass
class _Planner:
    session: Session
    agency: Organisation
    today: date
    changes: list[RowChange]
    refused: list[Problem]
    problems: list[Problem]

    def changed_since(self, sheet: str, row: SourceRow, table: str, record_id: int, ref: str) -> None:
        by, at = last_change(self.session, table, record_id)
        self.refused.append(
            Problem(
                sheet,
                row.number,
                None,
                f"{ref} was changed by {by} on {_when(at)} since this workbook was made; this row was not applied.",
            )
        )

    def action_row(self, row: SourceRow) -> None:
        sheet = ACTIONS_SHEET
        new_status = row.value("new_status")
        update = row.value("progress_update")
        new_due = row.value("new_due")
        if new_status is None and update is None and new_due is None:
            return  # nothing filled in: no change asked for
        action_id, version, ref = row.value("action_id"), row.value("version"), row.value("ref")
        if not isinstance(action_id, int) or not isinstance(version, int):
            self.problems.append(
                Problem(
                    sheet,
                    row.number,
                    "Action id",
                    "This row has no action id or version; add new actions in Cyber Affairs Desk, not here.",
                )
            )
            return
        action = self.session.get(Action, action_id)
        shown_ref = str(ref or f"action {action_id}")
        if action is None:
            self.refused.append(
                Problem(sheet, row.number, None, f"{shown_ref} no longer exists; this row was not applied.")
            )
            return
        if action.version_id != version:
            self.changed_since(sheet, row, "action", action.id, action.ref)
            return
        if action.owner_agency_id != self.agency.id or (ref is not None and str(ref) != action.ref):
            self.problems.append(
                Problem(
                    sheet,
                    row.number,
                    "Ref",
                    f"The hidden action id does not match {shown_ref} of {self.agency.code}; "
                    "do not change the grey columns (export a fresh workbook).",
                )
            )
            return
        values: dict[str, Any] = {}
        fields: list[FieldChange] = []
        if isinstance(new_status, ActionStatus) and new_status is not action.status:
            values["status"] = new_status
            fields.append(FieldChange("Status", action.status.label, new_status.label))
            if new_status in _CLOSING and action.closed_on is None:
                values["closed_on"] = self.today
        if isinstance(new_due, date) and new_due != action.due_date:
            values["due_date"] = new_due
            fields.append(FieldChange("Due", action.due_date.isoformat(), new_due.isoformat()))
        if isinstance(update, str) and update != action.progress_update:
            values["progress_update"] = update
            fields.append(FieldChange("Update", _shown(action.progress_update), _shown(update)))
        if not fields:
            return
        current = row_values(action)
        merged = derive_values(self.session, Action, with_keys(Action, {**current, **values}), current)
        errors = validate_values(Action, merged)
        labels = {
            "status": "New status",
            "due_date": "Proposed new due date",
            "progress_update": "Progress update",
            "closed_on": "New status",
        }
        for field, message in errors.items():
            self.problems.append(Problem(sheet, row.number, labels.get(field, field), message))
        if errors:
            return
        values["last_update_at"] = utcnow()
        self.changes.append(
            RowChange(
                sheet,
                row.number,
                action.ref,
                action.description,
                tuple(fields),
                "action",
                action.id,
                action.version_id,
                values,
            )
        )

    def attendance_row(self, row: SourceRow) -> None:
        sheet = ATTENDANCE_SHEET
        new_status = row.value("new_status")
        if new_status is None:
            return
        attendance_id, version = row.value("attendance_id"), row.value("version")
        name = str(row.value("name") or "")
        if not isinstance(attendance_id, int) or not isinstance(version, int):
            self.problems.append(
                Problem(
                    sheet,
                    row.number,
                    "Attendance id",
                    "This row has no attendance id or version; tell the secretariat who else will come.",
                )
            )
            return
        attendance = self.session.get(Attendance, attendance_id)
        shown = name or f"attendance {attendance_id}"
        if attendance is None:
            self.refused.append(
                Problem(
                    sheet, row.number, None, f"{shown} is no longer on the attendance list; this row was not applied."
                )
            )
            return
        if attendance.version_id != version:
            self.changed_since(sheet, row, "attendance", attendance.id, f"The attendance of {shown}")
            return
        if attendance.organisation_id != self.agency.id:
            self.problems.append(
                Problem(
                    sheet,
                    row.number,
                    "Name",
                    f"The hidden attendance id is not one of {self.agency.code}'s; do not change the grey columns.",
                )
            )
            return
        if not isinstance(new_status, AttendanceStatus) or new_status is attendance.status:
            return
        self.changes.append(
            RowChange(
                sheet,
                row.number,
                shown,
                "Attendance",
                (FieldChange("Status", attendance.status.label, new_status.label),),
                "attendance",
                attendance.id,
                attendance.version_id,
                {"status": new_status},
            )
        )


class ActionUpdatesImporter:
    """The liaison round trip's way back in (`cyberdesk import action-updates FILE`)."""

    kind: str = KIND
    sheets: tuple[SheetSpec, ...] = (ACTIONS_SPEC, ATTENDANCE_SPEC)
    metadata_sheet: str | None = META_SHEET

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan:
        meta = read.metadata
        if meta.get("kind") != KIND or not meta.get("agency_code"):
            raise ImportRejected(
                f"Cannot import {read.path.name}: it is not an action-update workbook made by Cyber Affairs Desk "
                "(export one for the agency with “Export action updates”).",
                read.path,
            )
        try:
            agency = find_agency(session, meta["agency_code"])
        except UnknownAgency as exc:
            raise ImportRejected(f"Cannot import {read.path.name}: {exc}", read.path) from exc
        planner = _Planner(session, agency, today, [], [], [])
        problems = list(read.problems)
        for title, handle in ((ACTIONS_SHEET, planner.action_row), (ATTENDANCE_SHEET, planner.attendance_row)):
            table: Table | None = read.tables.get(title)
            if table is None:
                continue
            bad = {p.row for p in table.problems}
            for row in table.rows:
                if row.number not in bad:
                    handle(row)
        problems.extend(planner.problems)
        rows_read = sum(len(t.rows) for t in read.tables.values())
        earlier = session.scalars(
            sa.select(ImportBatch.created_at)
            .where(
                ImportBatch.kind == KIND, ImportBatch.source_sha256 == source.sha256, ImportBatch.undone_at.is_(None)
            )
            .order_by(ImportBatch.id.desc())
            .limit(1)
        ).first()
        notes = read.warnings
        if earlier is not None:
            # Re-importing the same file refuses every row it applied (their versions moved on); say why.
            notes = (*notes, f"This file was already imported on {_when(earlier)}.")
        return ImportPlan(
            kind=KIND,
            source=source,
            changes=tuple(planner.changes),
            refused=tuple(planner.refused),
            problems=tuple(sorted(problems, key=lambda p: (p.sheet != ACTIONS_SHEET, p.row or 0))),
            warnings=notes,
            rows_read=rows_read,
            actor=f"import: action updates from {agency.code}",
            summary={"agency": agency.code, "exported_at": meta.get("exported_at", "")},
        )

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        models: dict[str, type[Action] | type[Attendance]] = {"action": Action, "attendance": Attendance}
        written: dict[str, list[int]] = {}
        for change in plan.changes:
            update_record(session, models[change.table], change.record_id, change.version, dict(change.values))
            written.setdefault(change.table, []).append(change.record_id)
        return written
