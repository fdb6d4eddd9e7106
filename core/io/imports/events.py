"""Importing forum events from a spreadsheet: one row per event, matched by reference or by forum, title and start."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date
from typing import Any, ClassVar, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.forums import DatePrecision, EventFormat, EventLevel, EventStatus, Forum, ForumEvent
from core.domain.money import MoneyError, parse_money
from core.domain.text import name_key
from core.io.imports.people import organisation_ids
from core.io.imports.reader import ColumnSpec, SheetSpec, SourceRow
from core.io.imports.registers import RegisterImporter, RowProblem, enum_choices

__all__ = ["EVENTS_IMPORT_COLUMNS", "EVENTS_IMPORT_SHEET", "KIND", "EventsImporter"]

KIND: Final = "events"
EVENTS_IMPORT_SHEET: Final = "Events_Import"

_PRECISION = {**enum_choices(DatePrecision), "Exact": DatePrecision.DAY, "TBC": DatePrecision.MONTH}
EVENTS_IMPORT_COLUMNS: Final = (
    ColumnSpec("ref", "Reference", required=False, aliases=("Ref", "External ref", "External reference", "ID")),
    ColumnSpec("forum", "Forum", aliases=("Forum acronym", "Forum name")),
    ColumnSpec("title", "Title", aliases=("Event", "Event title", "Meeting")),
    ColumnSpec("start_date", "Start", "date", aliases=("Start date", "From", "Date")),
    ColumnSpec("end_date", "End", "date", required=False, aliases=("End date", "To", "Until")),
    ColumnSpec(
        "date_precision", "Dates known to", "choice", required=False, aliases=("Precision",), choices=_PRECISION
    ),
    ColumnSpec("location", "Location", required=False, aliases=("City", "Venue", "Place")),
    ColumnSpec("event_format", "Format", "choice", required=False, choices=enum_choices(EventFormat)),
    ColumnSpec("level", "Level", "choice", required=False, choices=enum_choices(EventLevel)),
    ColumnSpec("lead_agency", "Lead agency", required=False, aliases=("Lead",)),
    ColumnSpec("objectives", "Objectives", required=False, aliases=("Objective", "Aims")),
    ColumnSpec("briefing_due", "Briefing due", "date", required=False, aliases=("Briefing due date", "Brief due")),
    ColumnSpec("status", "Status", "choice", required=False, choices=enum_choices(EventStatus)),
    ColumnSpec(
        "estimated_travel_cost",
        "Estimated travel cost",
        required=False,
        aliases=("Travel estimate", "Estimated cost"),
    ),
    ColumnSpec("notes", "Notes", required=False, aliases=("Comment", "Comments")),
)
SPEC: Final = SheetSpec(
    title=EVENTS_IMPORT_SHEET,
    sheet_names=(EVENTS_IMPORT_SHEET, "Events", "Forum events", "Calendar"),
    columns=EVENTS_IMPORT_COLUMNS,
)
_OPTIONAL: Final = ("location", "event_format", "level", "objectives", "briefing_due", "status", "notes")


class _Lookups:
    def __init__(self, session: Session) -> None:
        self.forums: dict[str, int] = {}
        for forum_id, acronym, full_name in session.execute(
            sa.select(Forum.id, Forum.acronym, Forum.full_name).order_by(Forum.archived, Forum.id)
        ):
            self.forums.setdefault(name_key(full_name), forum_id)
            if acronym:
                self.forums.setdefault(name_key(acronym), forum_id)
        self.organisations = organisation_ids(session)


class EventsImporter(RegisterImporter):
    """Forum events from xlsx or csv: new ones added, known ones (same reference, or same forum, title and start)
    updated in the cells filled in. Dates known only to the month are kept on the 1st, as the editor does."""

    kind: str = KIND
    sheets: tuple[SheetSpec, ...] = (SPEC,)
    model = ForumEvent
    noun = "event"
    key_column = "title"
    labels: ClassVar[Mapping[str, str]] = {
        "forum_id": "Forum",
        "title": "Title",
        "start_date": "Start",
        "end_date": "End",
        "date_precision": "Dates known to",
        "location": "Location",
        "event_format": "Format",
        "level": "Level",
        "lead_agency_id": "Lead agency",
        "objectives": "Objectives",
        "briefing_due": "Briefing due",
        "status": "Status",
        "estimated_travel_cost": "Estimated travel cost",
        "notes": "Notes",
        "external_ref": "Reference",
    }
    columns_of: ClassVar[Mapping[str, str]] = {
        "forum_id": "forum",
        "lead_agency_id": "lead_agency",
        "external_ref": "ref",
    }

    def lookups(self, session: Session) -> _Lookups:
        return _Lookups(session)

    def row_values(self, row: SourceRow, lookups: _Lookups, problem: RowProblem) -> dict[str, Any]:
        def text(key: str) -> str:
            value = row.value(key)
            return "" if value is None else str(value).strip()

        values: dict[str, Any] = {"title": text("title")}
        if not values["title"]:
            problem("title", "Give the event's title.")
        forum = text("forum")
        values["forum_id"] = lookups.forums.get(name_key(forum)) if forum else None
        if values["forum_id"] is None:
            problem(
                "forum",
                f"No forum is called {forum!r}; use its acronym or full name." if forum else "Give the event's forum.",
            )
        start, end = row.value("start_date"), row.value("end_date")
        precision = row.value("date_precision")
        if precision is not None:  # blank: a known event keeps its precision, a new one is exact (the default)
            values["date_precision"] = precision
        if not isinstance(start, date):
            problem("start_date", "Give the start date (for dates known only to the month, any day of that month).")
        else:
            values["start_date"] = start.replace(day=1) if precision is DatePrecision.MONTH else start
            if isinstance(end, date):
                values["end_date"] = end
        lead = text("lead_agency")
        if lead:
            values["lead_agency_id"] = lookups.organisations.get(name_key(lead))
            if values["lead_agency_id"] is None:
                problem("lead_agency", f"No organisation is called {lead!r}; use an agency's code or name.")
        if text("ref"):
            values["external_ref"] = text("ref")
        cost = text("estimated_travel_cost")
        if cost:
            try:
                values["estimated_travel_cost"] = parse_money(cost)
            except MoneyError as exc:
                problem("estimated_travel_cost", str(exc))
        for key in _OPTIONAL:
            if row.value(key) not in (None, ""):
                values[key] = row.value(key) if not isinstance(row.value(key), str) else text(key)
        return values

    def for_new_record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        # A one-day event needs no end date in the file; a known event keeps its stored end unless one is given.
        return {"end_date": values.get("start_date"), **values}

    def natural_key(self, values: Mapping[str, Any]) -> Hashable:
        return (values.get("forum_id"), name_key(str(values.get("title") or "")), values.get("start_date"))

    def describe(self, values: Mapping[str, Any]) -> tuple[str, str]:
        title = str(values.get("title") or "")
        start = values.get("start_date")
        label = f"{title} ({start.isoformat()})" if isinstance(start, date) else title
        return str(values.get("external_ref") or label), title
