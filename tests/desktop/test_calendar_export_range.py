"""The calendar export of chosen dates from the Calendar page: only events in the range reach the .ics file, and a
range the wrong way round is refused next to the dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import icalendar
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QWidget

from core.db.engine import Database
from desktop.calendar.view import CalendarPage
from desktop.exports import ICS_FILTER
from desktop.jobs import JobRunner
from desktop.settings import AppSettings
from tests.desktop.conftest import DEMO_AS_AT


def _day(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def test_export_only_the_dates_chosen(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    view = CalendarPage(demo_db, ("events",))
    qtbot.addWidget(view)
    target = tmp_path / "range.ics"

    def ask(_parent: QWidget | None, _caption: str, _suggested: str, _filters: str) -> tuple[str, str]:
        return str(target), ICS_FILTER

    first, last = date(2025, 9, 1), date(2025, 12, 31)
    view.date_from.set_field_value(first)
    view.date_to.set_field_value(date(2025, 8, 31))  # before the first day
    assert not view.range_message.isHidden()
    assert view.range_message.text() == "The last day must be on or after the first day."
    settings = AppSettings(tmp_path / "settings.ini")
    runner = JobRunner(synchronous=True)
    assert view.export_calendar(runner, settings, ask_target=ask, open_url=lambda _u: True, as_at=DEMO_AS_AT) is None
    assert not target.exists()

    view.date_to.set_field_value(last)
    assert view.range_message.isHidden()
    flow = view.export_calendar(runner, settings, ask_target=ask, open_url=lambda _u: True, as_at=DEMO_AS_AT)
    assert flow is not None and flow.result is not None
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert events
    for event in events:
        start = _day(event.decoded("DTSTART"))
        end = _day(event.decoded("DTEND")) if "DTEND" in event else start
        assert end >= first and start <= last, event["SUMMARY"]
