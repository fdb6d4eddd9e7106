"""The forward calendar as an iCalendar file (RFC 5545): one VEVENT per forum event and group meeting.

Written by hand rather than with a library: the subset needed (VEVENT with DATE or UTC DATE-TIME values, TEXT
escaping, line folding) is small and exactly specified, and the program ships no dependency for it. The tests read
the file back with the independent `icalendar` package."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from core import APP_NAME, __version__
from core.db.engine import Database
from core.io.errors import ExportError
from core.io.progress import CancelToken, ProgressSink, track
from core.reports.calendar import CalendarEntry, CalendarReport, forward_calendar
from core.reports.lists import UnknownMarking, resolve_marking
from core.services.office import load_settings

__all__ = [
    "CalendarExportResult",
    "calendar_marking",
    "escape_text",
    "export_calendar",
    "fold_line",
    "render_calendar",
]

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped, every line break as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are split with CRLF and one space, never inside a UTF-8
    character; every physical line, the leading space included, is at most 75 octets."""
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    out.append("".join(current))
    return (CRLF + " ").join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _event_lines(entry: CalendarEntry, stamp: datetime, local: tzinfo | None) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{entry.uid}"
    yield f"DTSTAMP:{_utc(stamp)}"
    if entry.start_time is not None:
        start = datetime.combine(entry.start_date, entry.start_time, tzinfo=local)
        if local is None:
            start = start.astimezone()  # the workstation's zone, where the office keeps its times
        if entry.end_time is not None and entry.end_time > entry.start_time:
            end = start.replace(hour=entry.end_time.hour, minute=entry.end_time.minute, second=entry.end_time.second)
        else:
            end = start + timedelta(hours=1)  # no end given: a placeholder hour, as calendar programs assume
        yield f"DTSTART:{_utc(start)}"
        yield f"DTEND:{_utc(end)}"
    else:
        # All-day: DATE values, DTEND the day after the last day (exclusive), never a month-long block.
        yield f"DTSTART;VALUE=DATE:{_date(entry.start_date)}"
        yield f"DTEND;VALUE=DATE:{_date(entry.end_date + timedelta(days=1))}"
        yield "TRANSP:TRANSPARENT" if entry.month_only else "TRANSP:OPAQUE"
    yield f"SUMMARY:{escape_text(entry.title)}"
    if entry.location:
        yield f"LOCATION:{escape_text(entry.location)}"
    details = [f"{label}: {value}" for label, value in entry.details]
    if entry.marking:
        details.insert(0, f"Marking: {entry.marking}")
    yield f"DESCRIPTION:{escape_text(chr(10).join(details))}"
    yield f"STATUS:{entry.status}"
    yield f"SEQUENCE:{entry.sequence}"
    if entry.last_modified is not None:
        yield f"LAST-MODIFIED:{_utc(entry.last_modified)}"
    category = "Forum event" if entry.kind == "forum_event" else "Engagement group meeting"
    yield f"CATEGORIES:{escape_text(category)}"
    yield "END:VEVENT"


def render_calendar(
    report: CalendarReport,
    entries: Iterator[CalendarEntry] | tuple[CalendarEntry, ...],
    *,
    generated_at: datetime,
    local: tzinfo | None = None,
) -> bytes:
    """The whole file: UTF-8, CRLF line ends, folded lines. `local` is the zone meeting times are in (default:
    this computer's)."""
    name = f"{report.office} — forward calendar"
    if report.is_demo:
        name += " (DEMO DATA)"
    description = f"{report.date_from.isoformat()} to {report.date_to.isoformat()}; marking {report.marking or 'none'}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{APP_NAME}//cyberdesk {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-CALDESC:{escape_text(description)}",
    ]
    for entry in entries:
        lines.extend(_event_lines(entry, generated_at, local))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines).encode("utf-8")


def calendar_marking(
    session: Session, *, as_at: date | None = None, date_from: date | None = None, date_to: date | None = None
) -> str | None:
    """The marking the forward calendar of these dates states (the highest of its entries, else the office
    default), known before it is written: the GUI's suggested file name starts with it."""
    report = forward_calendar(session, as_at=as_at or date.today(), date_from=date_from, date_to=date_to)
    return report.marking


@dataclass(frozen=True)
class CalendarExportResult:
    path: Path
    events: int
    skipped_tbc: int
    left_out: int
    marking: str | None
    ceiling: str | None = None

    def summary(self) -> str:
        noun = "event" if self.events == 1 else "events"
        facts = [f"marking {self.marking}" if self.marking else "no marking"]
        if self.skipped_tbc:
            facts.append(f"{self.skipped_tbc:,} with dates still to be confirmed left out")
        if self.left_out:
            facts.append(f"{self.left_out:,} above {self.ceiling} left out")
        return f"Wrote {self.events:,} {noun} to {self.path.name} ({'; '.join(facts)})."


def office_zone(name: str, target: Path) -> tzinfo | None:
    """The office's zone for meeting times (None, blank setting: this computer's zone, as before the setting)."""
    if not name:
        return None
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ExportError(
            f"Cannot export to {target.name}: the office time zone {name!r} is unknown here.", target
        ) from exc


def export_calendar(
    db: Database,
    target: Path,
    *,
    as_at: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    skip_tbc: bool = False,
    max_marking: str | None = None,
    local: tzinfo | None = None,
    generated_at: datetime | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> CalendarExportResult:
    """Write the forward calendar to `target` exactly, atomically. Raises ExportError with a one-line message
    (a bad name, an inverted date range, an unknown marking, an unwritable target) or ExportCancelled."""
    from core.io.cells import atomic_write, check_target_writable

    if target.suffix.lower() != ".ics":
        raise ExportError(f"Cannot export to {target.name}: the file name must end in .ics.", target)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ExportError(
            f"Cannot export to {target.name}: the range ends ({date_to}) before it starts ({date_from}).", target
        )
    check_target_writable(target)
    with db.read() as session:
        try:
            ceiling = resolve_marking(session, max_marking) if max_marking is not None else None
        except UnknownMarking as exc:
            raise ExportError(str(exc), target) from exc
        report = forward_calendar(
            session,
            as_at=as_at or date.today(),
            date_from=date_from,
            date_to=date_to,
            max_marking_rank=ceiling[1] if ceiling else None,
        )
        zone_name = load_settings(session).timezone
    entries = tuple(e for e in report.entries if not (skip_tbc and e.month_only))
    if local is None:
        local = office_zone(zone_name, target)  # the office setting; an explicit zone (tests) wins
    stamp = generated_at or datetime.now(UTC)
    tracked = track(entries, len(entries), target, progress=progress, cancel=cancel)
    data = render_calendar(report, tracked, generated_at=stamp, local=local)

    def write(f: BinaryIO) -> None:
        f.write(data)

    atomic_write(target, write)
    return CalendarExportResult(
        path=target,
        events=len(entries),
        skipped_tbc=len(report.entries) - len(entries),
        left_out=report.left_out_by_marking,
        marking=report.marking,
        ceiling=ceiling[0] if ceiling else None,
    )
