"""One agency's action-update workbook: its open actions and the next meeting's attendance, for a liaison to fill in.

The workbook goes out by e-mail and comes back through `core/io/imports/action_updates.py`. Each row carries the
record's id and version in hidden columns, so the import can tell which record a row is and whether it changed
while the workbook was away; the sheet is protected so that only the columns meant for the liaison are edited.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.db.engine import Database
from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.meetings import (
    CARRIED_FORWARD,
    Action,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    GroupMembership,
    Meeting,
    MeetingStatus,
)
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import Marking
from core.domain.text import name_key
from core.io.errors import ExportError
from core.io.progress import CancelToken, ProgressSink
from core.reports.lists import UnknownMarking, resolve_marking
from core.services.office import OfficeSettings, load_settings
from core.services.rag import action_rag

__all__ = [
    "ACTIONS_SHEET",
    "ACTION_COLUMNS",
    "ATTENDANCE_COLUMNS",
    "ATTENDANCE_SHEET",
    "FORMAT_VERSION",
    "KIND",
    "META_SHEET",
    "ActionUpdatesResult",
    "UnknownAgency",
    "action_updates_marking",
    "export_action_updates",
    "find_agency",
]

KIND: Final = "action-updates"
FORMAT_VERSION: Final = "1"
ACTIONS_SHEET: Final = "Actions"
ATTENDANCE_SHEET: Final = "Attendance"
META_SHEET: Final = "_cyberdesk"

# (key, header, width, editable). The import matches these headers by name; keys are shared with it.
ACTION_COLUMNS: Final[tuple[tuple[str, str, int, bool], ...]] = (
    ("action_id", "Action id", 8, False),
    ("version", "Version", 8, False),
    ("ref", "Ref", 9, False),
    ("description", "Action", 48, False),
    ("raised_at", "Raised at meeting", 22, False),
    ("due", "Due", 11, False),
    ("status", "Status", 12, False),
    ("rag", "RAG", 10, False),
    ("open_for", "Open for N meetings", 10, False),
    ("current_update", "Current update", 40, False),
    ("new_status", "New status", 13, True),
    ("progress_update", "Progress update", 48, True),
    ("new_due", "Proposed new due date", 14, True),
)
ATTENDANCE_COLUMNS: Final[tuple[tuple[str, str, int, bool], ...]] = (
    ("attendance_id", "Attendance id", 8, False),
    ("version", "Version", 8, False),
    ("meeting", "Meeting", 24, False),
    ("meeting_date", "Date", 11, False),
    ("name", "Name", 28, False),
    ("role", "Role", 22, False),
    ("status", "Status", 14, False),
    ("new_status", "Confirmed status", 16, True),
)
HIDDEN_KEYS: Final = frozenset({"action_id", "attendance_id", "version"})
INSTRUCTIONS: Final = (
    "Fill in the white columns and return this file to the secretariat. Leave a cell blank for no change; "
    "do not change the grey columns."
)
_READONLY_FILL: Final = "EDEDED"


class UnknownAgency(ValueError):
    """No agency has the code given; the message lists the codes there are."""


@dataclass(frozen=True)
class ActionUpdatesResult:
    path: Path
    agency: str
    actions: int
    attendance: int
    left_out: int
    marking: str | None
    meeting: str | None

    def summary(self) -> str:
        parts = [f"marking {self.marking}" if self.marking else "no marking"]
        if self.left_out:
            parts.append(f"{self.left_out} action{'s' if self.left_out != 1 else ''} above the ceiling left out")
        meeting = (
            f" and {self.attendance} attendee{'s' if self.attendance != 1 else ''} for {self.meeting}"
            if (self.meeting)
            else ""
        )
        return (
            f"Wrote {self.actions} open action{'s' if self.actions != 1 else ''}{meeting} for {self.agency} "
            f"to {self.path.name} ({'; '.join(parts)})."
        )


@dataclass(frozen=True)
class _ActionRow:
    action_id: int
    version: int
    ref: str
    description: str
    raised_at: str
    due: date
    status: str
    rag: str
    open_for: int
    current_update: str
    marking_rank: int | None


@dataclass(frozen=True)
class _AttendanceRow:
    attendance_id: int
    version: int
    meeting: str
    meeting_date: date
    name: str
    role: str
    status: str


def find_agency(session: Session, code: str) -> Organisation:
    """The agency whose code is `code` (case and spaces ignored); UnknownAgency lists the codes otherwise."""
    wanted = name_key(code)
    agencies = session.scalars(sa.select(Organisation).where(Organisation.code.is_not(None))).all()
    for agency in agencies:
        if agency.code is not None and name_key(agency.code) == wanted:
            return agency
    codes = ", ".join(sorted(a.code for a in agencies if a.code and a.org_type is OrgType.AGENCY)) or "none"
    raise UnknownAgency(f"No agency has the code {code!r}; the codes are: {codes}.")


class _MeetingsHeld:
    """Each group's meeting dates up to `as_at`, read once, for "open for N meetings" of every action."""

    def __init__(self, session: Session, as_at: date) -> None:
        self._session = session
        self._as_at = as_at
        self._dates: dict[int, list[date]] = {}

    def open_for(self, group_id: int, raised_on: date) -> int:
        # DESIGN §4: the group's meetings after the one that raised it, up to and including today's.
        if group_id not in self._dates:
            self._dates[group_id] = list(
                self._session.scalars(
                    sa.select(Meeting.meeting_date)
                    .where(
                        Meeting.group_id == group_id,
                        Meeting.status != MeetingStatus.CANCELLED,
                        Meeting.meeting_date <= self._as_at,
                    )
                    .order_by(Meeting.meeting_date)
                )
            )
        dates = self._dates[group_id]
        return len(dates) - bisect.bisect_right(dates, raised_on)


def _action_rows(
    session: Session,
    agency: Organisation,
    as_at: date,
    calendar: FiscalCalendar,
    ceiling: int | None,
    default_rank: int | None,
) -> tuple[list[_ActionRow], int]:
    raised = aliased(Meeting)
    query = (
        sa.select(Action, raised, Marking.rank)
        .join(raised, Action.raised_at_meeting_id == raised.id)
        .outerjoin(Marking, Action.marking_id == Marking.id)
        .where(
            Action.owner_agency_id == agency.id,
            Action.status.in_(CARRIED_FORWARD),
            Action.archived.is_(False),
        )
        .order_by(Action.due_date, Action.ref, Action.id)
    )
    rows: list[_ActionRow] = []
    left_out = 0
    held = _MeetingsHeld(session, as_at)
    for action, meeting, rank in session.execute(query).all():
        # An action without a marking carries the office default, as every list and export counts it.
        effective = rank if rank is not None else default_rank
        if ceiling is not None and effective is not None and effective > ceiling:
            left_out += 1
            continue
        rows.append(
            _ActionRow(
                action_id=action.id,
                version=action.version_id,
                ref=action.ref,
                description=action.description,
                raised_at=meeting_title(meeting.number, calendar, meeting.meeting_date),
                due=action.due_date,
                status=action.status.label,
                rag=action_rag(action, as_at).value,
                open_for=held.open_for(action.group_id, meeting.meeting_date),
                current_update=action.progress_update,
                marking_rank=rank,
            )
        )
    return rows, left_out


def next_meeting_for(session: Session, agency_id: int, as_at: date) -> Meeting | None:
    """The next scheduled meeting, on or after `as_at`, of a group the agency belongs to then."""
    groups = sa.select(GroupMembership.group_id).where(
        GroupMembership.organisation_id == agency_id,
        GroupMembership.start_date <= as_at,
        sa.or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= as_at),
    )
    return session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.group_id.in_(groups),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.meeting_date >= as_at,
            Meeting.archived.is_(False),
        )
        .order_by(Meeting.meeting_date, Meeting.id)
        .limit(1)
    ).first()


def _attendance_rows(
    session: Session, agency_id: int, meeting: Meeting | None, calendar: FiscalCalendar
) -> list[_AttendanceRow]:
    if meeting is None:
        return []
    title = meeting_title(meeting.number, calendar, meeting.meeting_date)
    query = (
        sa.select(Attendance, Person.full_name)
        .join(Person, Attendance.person_id == Person.id)
        .where(Attendance.meeting_id == meeting.id, Attendance.organisation_id == agency_id)
        .order_by(Person.full_name, Attendance.id)
    )
    return [
        _AttendanceRow(a.id, a.version_id, title, meeting.meeting_date, name, a.role, a.status.label)
        for a, name in session.execute(query).all()
    ]


def _marking_label(session: Session, settings: OfficeSettings, ranks: Sequence[int | None]) -> str | None:
    present = [r for r in ranks if r is not None]
    best = max(present, default=None)
    default = settings.default_marking
    if default is not None:
        default_rank = session.scalar(sa.select(Marking.rank).where(Marking.label == default))
        if best is None or (default_rank is not None and default_rank >= best):
            return default
    if best is None:
        return None
    return session.scalar(sa.select(Marking.label).where(Marking.rank == best))


# ----------------------------------------------------------------------------------------------------
# Writing


def _register(wb: Any) -> None:
    from openpyxl.styles import Alignment, Border, NamedStyle, PatternFill, Protection, Side

    from core.io.workbook_style import register_styles

    register_styles(wb)
    thin = Side(style="thin", color="BFBFBF")
    wb.add_named_style(
        NamedStyle(
            "cd_readonly",
            fill=PatternFill(fill_type="solid", start_color=_READONLY_FILL, end_color=_READONLY_FILL),
            alignment=Alignment(vertical="top", wrap_text=True),
            border=Border(bottom=thin),
        )
    )
    wb.add_named_style(
        NamedStyle(
            "cd_editable",
            alignment=Alignment(vertical="top", wrap_text=True),
            border=Border(left=thin, right=thin, bottom=thin),
            protection=Protection(locked=False),
        )
    )


def _write_banner(ws: Any, lines: Sequence[tuple[str, str]], column: int) -> int:
    """The lines above the table, in `column`: the first visible one (text in a hidden column is never shown)."""
    from core.io.cells import write_cell

    for row, (style, text) in enumerate(lines, 1):
        cell = ws.cell(row=row, column=column)
        cell.style = style
        write_cell(cell, text)
    return len(lines) + 1


@dataclass(frozen=True)
class _SheetContext:
    settings: OfficeSettings
    marking: str | None
    agency: str


def _write_sheet(
    ws: Any,
    ctx: _SheetContext,
    title_line: str,
    note: str,
    columns: Sequence[tuple[str, str, int, bool]],
    rows: Sequence[dict[str, object]],
    *,
    title: str,
    choices: Sequence[str],
) -> None:
    """A title line, a note, the DEMO DATA line for demo data, then the table with its print layout and rules."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from core.io.cells import write_cell
    from core.io.workbook_style import DEMO_LINE, set_header_footer, set_print_layout

    banner = [("cd_title", title_line), ("cd_label", note)]
    if ctx.settings.is_demo:
        banner.append(("cd_warning", DEMO_LINE))
    first_visible = next(i for i, (key, *_) in enumerate(columns, 1) if key not in HIDDEN_KEYS)
    header_row = _write_banner(ws, banner, first_visible)
    settings, marking, agency = ctx.settings, ctx.marking, ctx.agency

    for index, (_, header, _, _) in enumerate(columns, 1):
        cell = ws.cell(row=header_row, column=index)
        cell.style = "cd_header"
        write_cell(cell, header)
    for offset, values in enumerate(rows, 1):
        for index, (key, _, _, editable) in enumerate(columns, 1):
            cell = ws.cell(row=header_row + offset, column=index)
            value = values.get(key)
            style = "cd_editable" if editable else "cd_readonly"
            if key == "rag" and isinstance(value, str):
                style = f"cd_rag_{value}"
            cell.style = style
            write_cell(cell, value)
    last_row = header_row + max(len(rows), 1)
    last_col = get_column_letter(len(columns))
    set_print_layout(
        ws,
        paper_size=settings.paper_size,
        widths=[width for _, _, width, _ in columns],
        header_row=header_row,
        filter_ref=f"A{header_row}:{last_col}{last_row}",
    )
    set_header_footer(
        ws, office=settings.name, marking=marking, demo=settings.is_demo, header_right=title, footer_left=agency
    )
    for index, (key, _, _, editable) in enumerate(columns, 1):
        letter = get_column_letter(index)
        if key in HIDDEN_KEYS:
            ws.column_dimensions[letter].hidden = True
        if not editable or not rows:
            continue
        span = f"{letter}{header_row + 1}:{letter}{header_row + len(rows)}"
        if key == "new_status":
            # Excel limits a list typed into the rule to 255 characters; the labels are far shorter.
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            rule.error = "Choose one of the listed values, or leave the cell blank for no change."
        elif key == "new_due":
            rule = DataValidation(
                type="date",
                operator="between",
                formula1="DATE(1900,1,1)",
                formula2="DATE(2200,12,31)",
                allow_blank=True,
            )
            rule.error = "Enter a date, or leave the cell blank to keep the current due date."
        else:
            continue
        rule.showErrorMessage = True
        ws.add_data_validation(rule)
        rule.add(span)
    # Protected against accidental edits of the grey columns; sorting, filtering and resizing stay possible.
    protection = ws.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False


def _write_meta(wb: Any, meta: Sequence[tuple[str, str]]) -> None:
    from core.io.cells import write_cell

    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    for row, (key, value) in enumerate(meta, 1):
        write_cell(ws.cell(row=row, column=1), key)
        write_cell(ws.cell(row=row, column=2), value)
    ws.protection.sheet = True


def _open_actions(
    session: Session, settings: OfficeSettings, agency: Organisation, as_at: date, ceiling: int | None
) -> tuple[list[_ActionRow], int]:
    default_rank = session.scalar(sa.select(Marking.rank).where(Marking.label == settings.default_marking))
    return _action_rows(session, agency, as_at, settings.calendar, ceiling, default_rank)


def action_updates_marking(session: Session, agency_code: str, *, as_at: date | None = None) -> str | None:
    """The marking the agency's action-update workbook carries in its headers, known before it is written: the
    GUI's suggested file name starts with it. Raises UnknownAgency."""
    settings = load_settings(session)
    actions, _ = _open_actions(session, settings, find_agency(session, agency_code), as_at or date.today(), None)
    return _marking_label(session, settings, [a.marking_rank for a in actions])


def export_action_updates(
    db: Database,
    agency_code: str,
    target: Path,
    *,
    as_at: date | None = None,
    max_marking: str | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> ActionUpdatesResult:
    """Write the action-update workbook for the agency with code `agency_code` to `target` (exactly)."""
    from openpyxl import Workbook

    from core.io.cells import check_target_writable, save_workbook
    from core.io.progress import ExportCancelled
    from core.io.workbook_style import set_document_properties

    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"Cannot export to {target.name}: the file name must end in .xlsx.", target)
    check_target_writable(target)
    as_at = as_at or date.today()
    if progress is not None:
        progress.report(0, 2)
    with db.read() as session:
        settings = load_settings(session)
        try:
            agency = find_agency(session, agency_code)
            ceiling = resolve_marking(session, max_marking)[1] if max_marking is not None else None
        except (UnknownAgency, UnknownMarking) as exc:
            raise ExportError(str(exc), target) from exc
        calendar = settings.calendar
        actions, left_out = _open_actions(session, settings, agency, as_at, ceiling)
        meeting = next_meeting_for(session, agency.id, as_at)
        attendance = _attendance_rows(session, agency.id, meeting, calendar)
        marking = _marking_label(session, settings, [a.marking_rank for a in actions])
        agency_label = f"{agency.name} ({agency.code})"
        agency_code = agency.code or agency_code
        meeting_label = meeting_title(meeting.number, calendar, meeting.meeting_date) if meeting else None
        meeting_id = meeting.id if meeting else None
        meeting_date = meeting.meeting_date if meeting else None
    if cancel is not None and cancel.cancelled:
        raise ExportCancelled(target)
    if progress is not None:
        progress.report(1, 2)

    wb = Workbook()
    _register(wb)
    title = f"Action updates — {agency_label}"
    set_document_properties(wb, title=f"{title} — {settings.name}", marking=marking, as_at=as_at)
    ws = wb.active
    ws.title = ACTIONS_SHEET
    sheet = _SheetContext(settings, marking, agency_label)
    _write_sheet(
        ws,
        sheet,
        f"{title} — {settings.name} — {marking or 'no marking'} — as at {as_at.isoformat()}",
        INSTRUCTIONS,
        ACTION_COLUMNS,
        [vars(row) for row in actions],
        title=title,
        choices=[s.label for s in ActionStatus],
    )
    if meeting_label is None:
        note = f"No meeting is scheduled on or after {as_at.isoformat()}; there is no attendance to confirm."
    elif not attendance:
        note = f"No one from {agency_label} is on the list for {meeting_label} yet; tell the secretariat who will come."
    else:
        note = f"Confirm who from {agency_label} will attend {meeting_label} on {meeting_date}."
    _write_sheet(
        wb.create_sheet(ATTENDANCE_SHEET),
        sheet,
        f"Attendance — {agency_label} — {meeting_label or 'no meeting scheduled'}",
        note,
        ATTENDANCE_COLUMNS,
        [vars(row) for row in attendance],
        title=f"Attendance — {agency_label}",
        choices=[s.label for s in AttendanceStatus],
    )
    _write_meta(
        wb,
        [
            ("kind", KIND),
            ("format", FORMAT_VERSION),
            ("agency_code", agency_code),
            ("office", settings.name),
            ("exported_at", datetime.now(UTC).isoformat(timespec="seconds")),
            ("as_at", as_at.isoformat()),
            ("meeting_id", str(meeting_id or "")),
        ],
    )
    save_workbook(wb, target)
    if progress is not None:
        progress.report(2, 2)
    return ActionUpdatesResult(
        path=target,
        agency=agency_code,
        actions=len(actions),
        attendance=len(attendance),
        left_out=left_out,
        marking=marking,
        meeting=meeting_label,
    )
