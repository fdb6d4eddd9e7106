"""The office time zone: meeting times are kept as the office's wall-clock times and written to the .ics in UTC
with the offset in force on the day, either side of the daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import icalendar
import pytest

from core.db.engine import Database
from core.domain.meetings import EngagementGroup, Meeting
from core.io.ics import export_calendar
from core.services.office import initialise_office, load_settings, update_settings
from core.services.records import create_record
from core.services.validation import ValidationError

AS_AT = date(2025, 8, 15)


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db, fy_start_month=7)
    return schema_db


def _set_zone(db: Database, name: str) -> None:
    with db.write() as s:
        update_settings(s, load_settings(s).version, {"timezone": name})


def _meetings_at_0930(db: Database, days: list[date]) -> None:
    with db.write() as s:
        for number, day in enumerate(days, start=1):
            group = create_record(s, EngagementGroup, {"name": f"Group {number}", "short_name": f"G{number}"})
            values = {"group_id": group.id, "number": 1, "meeting_date": day, "start_time": time(9, 30)}
            create_record(s, Meeting, {**values, "end_time": time(11, 0)})


def _starts(db: Database, tmp_path: Path) -> dict[str, datetime]:
    target = tmp_path / "calendar.ics"
    export_calendar(db, target, as_at=AS_AT)
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert all(str(e["DTSTART"].to_ical().decode()).endswith("Z") for e in events)
    return {str(e["SUMMARY"]).split(":")[0]: e["DTSTART"].dt for e in events}


def test_sydney_either_side_of_both_daylight_saving_changes(db: Database, tmp_path: Path) -> None:
    _set_zone(db, "Australia/Sydney")
    # Summer time starts 2:00 on 5 Oct 2025 and ends 3:00 on 5 Apr 2026.
    _meetings_at_0930(db, [date(2025, 10, 4), date(2025, 10, 5), date(2026, 4, 4), date(2026, 4, 5)])
    assert _starts(db, tmp_path) == {
        "G1": datetime(2025, 10, 3, 23, 30, tzinfo=UTC),  # +10
        "G2": datetime(2025, 10, 4, 22, 30, tzinfo=UTC),  # +11 from the day it changes
        "G3": datetime(2026, 4, 3, 22, 30, tzinfo=UTC),  # +11
        "G4": datetime(2026, 4, 4, 23, 30, tzinfo=UTC),  # +10 again
    }


def test_london_on_the_spring_change_and_the_end_time(db: Database, tmp_path: Path) -> None:
    _set_zone(db, "Europe/London")
    _meetings_at_0930(db, [date(2026, 3, 28), date(2026, 3, 29)])  # BST from 1:00 on 29 Mar 2026
    assert _starts(db, tmp_path) == {
        "G1": datetime(2026, 3, 28, 9, 30, tzinfo=UTC),
        "G2": datetime(2026, 3, 29, 8, 30, tzinfo=UTC),
    }
    target = tmp_path / "calendar.ics"
    event = next(
        e
        for e in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
        if str(e["SUMMARY"]).startswith("G2")
    )
    assert event["DTEND"].dt == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)


def test_an_unknown_zone_is_refused_next_to_the_field_and_nothing_changes(db: Database) -> None:
    with pytest.raises(ValidationError) as caught, db.write() as s:
        update_settings(s, load_settings(s).version, {"timezone": "Mars/Olympus_Mons"})
    assert caught.value.errors["timezone"].startswith("'Mars/Olympus_Mons' is not a time zone")
    with db.read() as s:
        assert load_settings(s).timezone == ""
