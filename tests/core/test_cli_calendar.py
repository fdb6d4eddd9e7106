"""`cyberdesk export calendar` on the demo office: a file any calendar program imports, with no month-long blocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from core.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, run


def cli(*args: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    return run(list(args), out=lines.append), lines


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-calendar") / "demo.cyberdesk"
    assert cli("--db", str(path), "demo", "--as-at", "2025-08-15")[0] == EXIT_OK
    return path


def _events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_the_demo_calendar_imports_cleanly(demo_office: Path, tmp_path: Path) -> None:
    target = tmp_path / "forward.ics"
    code, lines = cli("--db", str(demo_office), "export", "calendar", "-o", str(target), "--as-at", "2025-08-15")
    assert code == EXIT_OK
    events = _events(target)
    assert lines == [f"Wrote {len(events)} events to forward.ics (marking OFFICIAL)."]
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) > 20
    tbc = [e for e in events if str(e["SUMMARY"]).endswith("(dates TBC)")]
    assert tbc, "the demo's forward calendar has month-precision events"
    for event in tbc:
        start = event["DTSTART"].dt
        assert start.day == 1 and event["DTEND"].dt - start == timedelta(days=1)
    # FY2026 and FY2027 of an office whose year starts in July
    starts = [e["DTSTART"].dt for e in events]
    assert all(date(2025, 7, 1) <= (s.date() if isinstance(s, datetime) else s) <= date(2027, 6, 30) for s in starts)
    assert any(str(e["CATEGORIES"].to_ical(), "utf-8") == "Engagement group meeting" for e in events)


def test_skip_tbc_and_a_narrower_window(demo_office: Path, tmp_path: Path) -> None:
    target = tmp_path / "q.ics"
    code, lines = cli(
        "--db", str(demo_office), "export", "calendar", "-o", str(target),
        "--from", "2025-09-01", "--to", "2026-06-30", "--skip-tbc",
    )  # fmt: skip
    assert code == EXIT_OK
    events = _events(target)
    assert events and not [e for e in events if "(dates TBC)" in str(e["SUMMARY"])]
    assert "with dates still to be confirmed left out" in lines[0]


def test_bad_dates_are_usage_errors_and_an_inverted_range_a_refusal(
    demo_office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.ics"
    assert cli("--db", str(demo_office), "export", "calendar", "-o", str(target), "--from", "1/9/2025")[0] == EXIT_USAGE
    code, _ = cli(
        "--db", str(demo_office), "export", "calendar", "-o", str(target), "--from", "2026-01-01", "--to", "2025-01-01"
    )
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("cyberdesk: Cannot export to x.ics: the range ends")
    assert not target.exists()
