"""The forward calendar as iCalendar, read back with the independent `icalendar` package and checked field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import DatePrecision, EventStatus, Forum, ForumEvent
from core.domain.meetings import EngagementGroup, Meeting
from core.domain.reference import Marking
from core.io.errors import ExportError
from core.io.ics import escape_text, export_calendar, fold_line
from core.services.office import initialise_office
from core.services.records import create_record, update_record

AS_AT = date(2025, 8, 15)  # fiscal year from July: FY2026 (2025–26), and the next is 2026–27
CANBERRA = timezone(timedelta(hours=10))
STAMP = datetime(2025, 8, 15, 1, 2, 3, tzinfo=UTC)


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db, name="Office of the Ambassador, Meridia", fy_start_month=7)
    return schema_db


@pytest.fixture
def rows(db: Database) -> dict[str, int]:
    with db.write() as s:
        forum = s.scalars(sa.select(Forum).where(Forum.acronym == "OEWG 2021–25")).one()
        sensitive = s.scalars(sa.select(Marking).order_by(Marking.rank.desc())).first()
        assert sensitive is not None

        def event(**values: Any) -> int:
            base = {"forum_id": forum.id, "status": EventStatus.CONFIRMED}
            return int(create_record(s, ForumEvent, {**base, **values}).id)

        out = {
            "plenary": event(
                title="Substantive session; 11th, final",
                start_date=date(2025, 7, 7),
                end_date=date(2025, 7, 11),
                location="New York, UN HQ",
                objectives="Secure agreement on the Global Mechanism.\nBrief the minister first.",
                briefing_due=date(2025, 6, 30),
            ),
            "tbc": event(
                title="Global Mechanism organisational session",
                start_date=date(2026, 3, 1),
                end_date=date(2026, 3, 31),
                date_precision=DatePrecision.MONTH,
                status=EventStatus.TENTATIVE,
            ),
            "cancelled": event(
                title="Intersessional",
                start_date=date(2025, 12, 2),
                end_date=date(2025, 12, 2),
                status=EventStatus.CANCELLED,
            ),
            "long": event(
                title="Réunion d’experts — " + "sécurité des TIC " * 8,
                start_date=date(2026, 5, 4),
                end_date=date(2026, 5, 4),
                location="Genève",
            ),
            "secret": event(
                title="Closed consultations",
                start_date=date(2026, 2, 2),
                end_date=date(2026, 2, 3),
                marking_id=sensitive.id,
            ),
            "last_year": event(title="Old session", start_date=date(2025, 6, 30), end_date=date(2025, 6, 30)),
            "after": event(title="Too far", start_date=date(2027, 7, 1), end_date=date(2027, 7, 1)),
            "archived": event(title="Archived", start_date=date(2025, 9, 1), end_date=date(2025, 9, 1)),
        }
        archived = s.get(ForumEvent, out["archived"])
        assert archived is not None
        update_record(s, ForumEvent, archived.id, archived.version_id, {"archived": True})
        group = create_record(s, EngagementGroup, {"name": "Cyber Engagement Group", "short_name": "CEG"})
        out["timed"] = int(
            create_record(
                s,
                Meeting,
                {
                    "group_id": group.id,
                    "number": 9,
                    "meeting_date": date(2025, 9, 10),
                    "start_time": time(9, 30),
                    "end_time": time(12, 0),
                    "venue": "MFA, Room 4.12",
                },
            ).id
        )
        out["untimed"] = int(
            create_record(s, Meeting, {"group_id": group.id, "number": 10, "meeting_date": date(2025, 12, 10)}).id
        )
        return out


def _export(db: Database, tmp_path: Path, **options: Any) -> tuple[Path, dict[str, icalendar.Event], str]:
    target = tmp_path / "calendar.ics"
    export_calendar(db, target, as_at=AS_AT, local=CANBERRA, generated_at=STAMP, **options)
    raw = target.read_bytes()
    parsed = icalendar.Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    return target, events, raw.decode("utf-8")


def _uid(events: dict[str, icalendar.Event], prefix: str, row_id: int) -> icalendar.Event:
    found = [e for uid, e in events.items() if uid.startswith(f"{prefix}-{row_id}@")]
    assert len(found) == 1, f"{prefix} {row_id} not in the calendar"
    return found[0]


def test_the_file_is_valid_rfc5545(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    target, _, text = _export(db, tmp_path)
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cyber Affairs Desk//")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0"
    # icalendar keeps X- properties raw, so the escaped comma is checked in the text itself.
    assert "X-WR-CALNAME:Office of the Ambassador\\, Meridia — forward calendar\r\n" in text


def test_the_window_is_the_current_and_next_fiscal_year(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, events, _ = _export(db, tmp_path)
    ids = {uid.split("@")[0] for uid in events}
    expected_events = {"plenary", "tbc", "cancelled", "long", "secret"}
    assert ids == {f"forum-event-{rows[k]}" for k in expected_events} | {
        f"meeting-{rows['timed']}",
        f"meeting-{rows['untimed']}",
    }


def test_an_exact_date_event_is_all_day_with_an_exclusive_end(
    db: Database, rows: dict[str, int], tmp_path: Path
) -> None:
    _, events, _ = _export(db, tmp_path)
    plenary = _uid(events, "forum-event", rows["plenary"])
    assert plenary["DTSTART"].dt == date(2025, 7, 7) and not isinstance(plenary["DTSTART"].dt, datetime)
    assert plenary["DTEND"].dt == date(2025, 7, 12)
    assert str(plenary["SUMMARY"]) == "Substantive session; 11th, final"
    assert str(plenary["LOCATION"]) == "New York, UN HQ"
    assert str(plenary["STATUS"]) == "CONFIRMED"
    description = str(plenary["DESCRIPTION"])
    assert "Briefing due: 2025-06-30" in description
    assert "Objectives: Secure agreement on the Global Mechanism.\nBrief the minister first." in description
    assert description.startswith("Marking: OFFICIAL\n")
    assert plenary["DTSTAMP"].dt == STAMP


def test_a_month_precision_event_is_one_day_on_the_first_titled_tbc(
    db: Database, rows: dict[str, int], tmp_path: Path
) -> None:
    _, events, _ = _export(db, tmp_path)
    tbc = _uid(events, "forum-event", rows["tbc"])
    assert str(tbc["SUMMARY"]) == "Global Mechanism organisational session (dates TBC)"
    assert (tbc["DTSTART"].dt, tbc["DTEND"].dt) == (date(2026, 3, 1), date(2026, 3, 2))
    assert str(tbc["STATUS"]) == "TENTATIVE"
    assert str(tbc["TRANSP"]) == "TRANSPARENT"


def test_skip_tbc_leaves_month_precision_events_out(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "calendar.ics"
    result = export_calendar(db, target, as_at=AS_AT, skip_tbc=True, local=CANBERRA)
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert all("(dates TBC)" not in str(e["SUMMARY"]) for e in events)
    assert (result.events, result.skipped_tbc) == (6, 1)
    assert result.summary() == (
        "Wrote 6 events to calendar.ics (marking OFFICIAL: Sensitive; 1 with dates still to be confirmed left out)."
    )


def test_a_timed_meeting_is_in_utc(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, events, text = _export(db, tmp_path)
    timed = _uid(events, "meeting", rows["timed"])
    assert timed["DTSTART"].dt == datetime(2025, 9, 9, 23, 30, tzinfo=UTC)  # 09:30 in UTC+10
    assert timed["DTEND"].dt == datetime(2025, 9, 10, 2, 0, tzinfo=UTC)
    assert "DTSTART:20250909T233000Z" in text
    assert str(timed["SUMMARY"]) == "CEG: Meeting 9 — 2025–26 Q1"
    assert str(timed["LOCATION"]) == "MFA, Room 4.12"
    untimed = _uid(events, "meeting", rows["untimed"])
    assert (untimed["DTSTART"].dt, untimed["DTEND"].dt) == (date(2025, 12, 10), date(2025, 12, 11))


def test_cancelled_events_stay_in_as_cancelled(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, events, _ = _export(db, tmp_path)
    assert str(_uid(events, "forum-event", rows["cancelled"])["STATUS"]) == "CANCELLED"


def test_long_non_ascii_text_folds_between_characters(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, events, _ = _export(db, tmp_path)
    long = _uid(events, "forum-event", rows["long"])
    assert str(long["SUMMARY"]) == "Réunion d’experts — " + "sécurité des TIC " * 8
    assert str(long["LOCATION"]) == "Genève"


def test_uids_are_stable_and_a_change_bumps_the_sequence(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, first, _ = _export(db, tmp_path)
    with db.write() as s:
        event = s.get(ForumEvent, rows["plenary"])
        assert event is not None
        update_record(s, ForumEvent, event.id, event.version_id, {"location": "Geneva"})
    _, second, _ = _export(db, tmp_path)
    assert set(first) == set(second)
    before, after = _uid(first, "forum-event", rows["plenary"]), _uid(second, "forum-event", rows["plenary"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["LOCATION"]) == "Geneva"


def test_from_and_to_narrow_the_window(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    _, events, _ = _export(db, tmp_path, date_from=date(2025, 6, 1), date_to=date(2025, 9, 30))
    assert {uid.split("@")[0] for uid in events} == {
        f"forum-event-{rows['last_year']}",
        f"forum-event-{rows['plenary']}",
        f"meeting-{rows['timed']}",
    }


def test_max_marking_leaves_out_what_is_marked_above_it(db: Database, rows: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "calendar.ics"
    result = export_calendar(db, target, as_at=AS_AT, max_marking="official", local=CANBERRA)
    assert (result.left_out, result.marking, result.ceiling) == (1, "OFFICIAL", "OFFICIAL")
    assert "Closed consultations" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("calendar.txt", {}, "the file name must end in .ics"),
        ("calendar.ics", {"date_from": date(2025, 9, 1), "date_to": date(2025, 8, 1)}, "ends (2025-08-01) before"),
        ("calendar.ics", {"max_marking": "TOP SECRET"}, "Unknown marking 'TOP SECRET'"),
    ],
)
def test_refusals_leave_no_file(db: Database, tmp_path: Path, name: str, options: dict[str, Any], message: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        export_calendar(db, out / name, as_at=AS_AT, **options)
    assert list(out.iterdir()) == []


def test_text_escaping_and_folding_rules() -> None:
    assert escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "DESCRIPTION:" + "é" * 80
    folded = fold_line(line).encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in folded)
    assert all(part.startswith(b" ") for part in folded[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(folded)).decode("utf-8") == line
