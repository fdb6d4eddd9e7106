"""Tests for core.domain.fiscal: fiscal years, labels, --fy parsing, meeting titles and working days."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.fiscal import (
    FiscalCalendar,
    FiscalYearError,
    add_working_days,
    meeting_title,
    working_days_between,
)

JAN, APR, JUL, OCT = (FiscalCalendar(m) for m in (1, 4, 7, 10))

start_months = st.integers(min_value=1, max_value=12)
# Year 1 and 9999 are excluded because their fiscal years reach outside what datetime.date can represent.
dates = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))
label_years = st.integers(min_value=1900, max_value=2200)


# --- construction -----


@pytest.mark.parametrize("month", [0, 13, -1, 100])
def test_start_month_out_of_range(month: int) -> None:
    with pytest.raises(FiscalYearError):
        FiscalCalendar(month)


@pytest.mark.parametrize("month", [True, 7.0, "7"])
def test_start_month_wrong_type(month: object) -> None:
    with pytest.raises(TypeError):
        FiscalCalendar(month)  # type: ignore[arg-type]


def test_calendar_is_frozen_and_comparable() -> None:
    assert FiscalCalendar(7) == JUL
    assert hash(FiscalCalendar(7)) == hash(JUL)
    with pytest.raises(AttributeError):
        JUL.start_month = 1  # type: ignore[misc]


def test_fiscal_year_error_is_value_error() -> None:
    assert issubclass(FiscalYearError, ValueError)


# --- boundaries for start months 1, 4, 7, 10 -----


@pytest.mark.parametrize(
    ("cal", "d", "fy"),
    [
        (JAN, date(2025, 1, 1), 2025),
        (JAN, date(2025, 12, 31), 2025),
        (JAN, date(2024, 12, 31), 2024),
        (APR, date(2025, 3, 31), 2025),
        (APR, date(2025, 4, 1), 2026),
        (APR, date(2024, 4, 1), 2025),
        (JUL, date(2024, 6, 30), 2024),
        (JUL, date(2024, 7, 1), 2025),
        (JUL, date(2025, 6, 30), 2025),
        (JUL, date(2025, 7, 1), 2026),
        (OCT, date(2024, 9, 30), 2024),
        (OCT, date(2024, 10, 1), 2025),
        (OCT, date(2025, 9, 30), 2025),
        (FiscalCalendar(12), date(2024, 12, 1), 2025),
        (FiscalCalendar(12), date(2024, 11, 30), 2024),
    ],
)
def test_fiscal_year_of(cal: FiscalCalendar, d: date, fy: int) -> None:
    assert cal.fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("cal", "fy", "start", "end"),
    [
        (JAN, 2025, date(2025, 1, 1), date(2025, 12, 31)),
        (APR, 2025, date(2024, 4, 1), date(2025, 3, 31)),
        (JUL, 2025, date(2024, 7, 1), date(2025, 6, 30)),
        (OCT, 2025, date(2024, 10, 1), date(2025, 9, 30)),
        (FiscalCalendar(3), 2024, date(2023, 3, 1), date(2024, 2, 29)),  # leap year ends on 29 Feb
        (FiscalCalendar(3), 2025, date(2024, 3, 1), date(2025, 2, 28)),
        (FiscalCalendar(3), 2000, date(1999, 3, 1), date(2000, 2, 29)),  # 2000 is a leap year
        (FiscalCalendar(3), 1900, date(1899, 3, 1), date(1900, 2, 28)),  # 1900 is not
        (FiscalCalendar(12), 2025, date(2024, 12, 1), date(2025, 11, 30)),
    ],
)
def test_start_and_end(cal: FiscalCalendar, fy: int, start: date, end: date) -> None:
    assert cal.start_of(fy) == start
    assert cal.end_of(fy) == end


def test_leap_day_belongs_to_the_right_year() -> None:
    leap = date(2024, 2, 29)
    assert JUL.fiscal_year_of(leap) == 2024
    assert JUL.fiscal_month_of(leap) == 8
    assert JUL.quarter_of(leap) == 3
    assert FiscalCalendar(3).fiscal_year_of(leap) == 2024
    assert FiscalCalendar(3).fiscal_month_of(leap) == 12
    assert FiscalCalendar(2).quarter_range(2024, 1) == (date(2023, 2, 1), date(2023, 4, 30))
    assert FiscalCalendar(12).quarter_range(2024, 1) == (date(2023, 12, 1), date(2024, 2, 29))


@pytest.mark.parametrize(
    ("cal", "d", "month", "quarter"),
    [
        (JAN, date(2025, 1, 15), 1, 1),
        (JAN, date(2025, 4, 1), 4, 2),
        (JAN, date(2025, 12, 31), 12, 4),
        (APR, date(2025, 4, 1), 1, 1),
        (APR, date(2025, 3, 31), 12, 4),
        (APR, date(2025, 1, 1), 10, 4),
        (JUL, date(2024, 7, 1), 1, 1),
        (JUL, date(2024, 9, 30), 3, 1),
        (JUL, date(2024, 10, 1), 4, 2),
        (JUL, date(2025, 1, 1), 7, 3),
        (JUL, date(2025, 6, 30), 12, 4),
        (OCT, date(2024, 10, 1), 1, 1),
        (OCT, date(2025, 9, 30), 12, 4),
    ],
)
def test_fiscal_month_and_quarter(cal: FiscalCalendar, d: date, month: int, quarter: int) -> None:
    assert cal.fiscal_month_of(d) == month
    assert cal.quarter_of(d) == quarter


@pytest.mark.parametrize(
    ("cal", "fy", "fm", "ym"),
    [
        (JUL, 2025, 1, (2024, 7)),
        (JUL, 2025, 6, (2024, 12)),
        (JUL, 2025, 7, (2025, 1)),
        (JUL, 2025, 12, (2025, 6)),
        (JAN, 2025, 1, (2025, 1)),
        (JAN, 2025, 12, (2025, 12)),
        (APR, 2025, 9, (2024, 12)),
        (APR, 2025, 10, (2025, 1)),
        (OCT, 2025, 3, (2024, 12)),
        (OCT, 2025, 4, (2025, 1)),
    ],
)
def test_calendar_month(cal: FiscalCalendar, fy: int, fm: int, ym: tuple[int, int]) -> None:
    assert cal.calendar_month(fy, fm) == ym
    assert cal.month_start(fy, fm) == date(ym[0], ym[1], 1)


@pytest.mark.parametrize("fm", [0, 13, -1])
def test_bad_fiscal_month(fm: int) -> None:
    with pytest.raises(FiscalYearError):
        JUL.calendar_month(2025, fm)
    with pytest.raises(FiscalYearError):
        JUL.month_label(2025, fm)


@pytest.mark.parametrize(
    ("cal", "q", "rng"),
    [
        (JUL, 1, (date(2024, 7, 1), date(2024, 9, 30))),
        (JUL, 2, (date(2024, 10, 1), date(2024, 12, 31))),
        (JUL, 3, (date(2025, 1, 1), date(2025, 3, 31))),
        (JUL, 4, (date(2025, 4, 1), date(2025, 6, 30))),
        (JAN, 1, (date(2025, 1, 1), date(2025, 3, 31))),
        (JAN, 4, (date(2025, 10, 1), date(2025, 12, 31))),
        (APR, 4, (date(2025, 1, 1), date(2025, 3, 31))),
        (OCT, 1, (date(2024, 10, 1), date(2024, 12, 31))),
        (OCT, 2, (date(2025, 1, 1), date(2025, 3, 31))),
    ],
)
def test_quarter_range(cal: FiscalCalendar, q: int, rng: tuple[date, date]) -> None:
    assert cal.quarter_range(2025, q) == rng


@pytest.mark.parametrize("q", [0, 5, -1])
def test_bad_quarter(q: int) -> None:
    with pytest.raises(FiscalYearError):
        JUL.quarter_range(2025, q)
    with pytest.raises(FiscalYearError):
        JUL.quarter_label(2025, q)


@pytest.mark.parametrize("fy", [0, -5, 10000])
def test_unrepresentable_fiscal_years(fy: int) -> None:
    with pytest.raises(FiscalYearError):
        JUL.start_of(fy)
    with pytest.raises(FiscalYearError):
        JUL.end_of(fy)


def test_first_representable_year() -> None:
    with pytest.raises(FiscalYearError):
        JUL.start_of(1)  # would start in year 0
    assert JAN.start_of(1) == date(1, 1, 1)
    assert JUL.end_of(9999) == date(9999, 6, 30)


# --- labels -----


@pytest.mark.parametrize(
    ("cal", "fy", "label", "short"),
    [
        (JUL, 2025, "2024–25", "FY25"),
        (APR, 2025, "2024–25", "FY25"),
        (OCT, 2010, "2009–10", "FY10"),
        (JUL, 2000, "1999–00", "FY00"),
        (JUL, 2001, "2000–01", "FY01"),
        (JUL, 2100, "2099–00", "FY00"),
        (JAN, 2025, "2025", "FY25"),
        (JAN, 2000, "2000", "FY00"),
    ],
)
def test_labels(cal: FiscalCalendar, fy: int, label: str, short: str) -> None:
    assert cal.label(fy) == label
    assert cal.short_label(fy) == short


def test_label_uses_en_dash() -> None:
    assert JUL.label(2025)[4] == "\u2013"


def test_quarter_and_month_labels() -> None:
    assert JUL.quarter_label(2025, 1) == "2024–25 Q1"
    assert JUL.quarter_label(2025, 4) == "2024–25 Q4"
    assert JAN.quarter_label(2025, 2) == "2025 Q2"
    assert JUL.month_label(2025, 1) == "Jul 2024"
    assert JUL.month_label(2025, 6) == "Dec 2024"
    assert JUL.month_label(2025, 7) == "Jan 2025"
    assert JUL.month_label(2025, 12) == "Jun 2025"
    assert OCT.month_label(2025, 12) == "Sep 2025"
    assert [JAN.month_label(2025, m)[:3] for m in range(1, 13)] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]  # fmt: skip


# --- months_elapsed -----


@pytest.mark.parametrize(
    ("as_at", "n"),
    [
        (date(2024, 6, 30), 0),
        (date(2024, 7, 1), 1),
        (date(2024, 7, 31), 1),
        (date(2024, 8, 1), 2),
        (date(2024, 12, 31), 6),
        (date(2025, 1, 1), 7),
        (date(2025, 6, 29), 12),
        (date(2025, 6, 30), 12),
        (date(2025, 7, 1), 12),
        (date(2030, 1, 1), 12),
        (date(2000, 1, 1), 0),
    ],
)
def test_months_elapsed(as_at: date, n: int) -> None:
    assert JUL.months_elapsed(2025, as_at) == n


def test_months_elapsed_calendar_year() -> None:
    assert JAN.months_elapsed(2025, date(2024, 12, 31)) == 0
    assert JAN.months_elapsed(2025, date(2025, 3, 15)) == 3
    assert JAN.months_elapsed(2025, date(2026, 1, 1)) == 12


# --- parse_fy -----


@pytest.mark.parametrize(
    "text", ["2025", "FY2025", "fy2025", "Fy2025", "2024-25", "2024–25", "  2024–25 ", "\tFY2025\n", " 2025 "]
)
def test_parse_fy_accepted_forms(text: str) -> None:
    assert JUL.parse_fy(text) == 2025


def test_parse_fy_across_century() -> None:
    assert JUL.parse_fy("1999-00") == 2000
    assert JUL.parse_fy("1999–00") == 2000
    assert JUL.parse_fy("2099–00") == 2100


def test_parse_fy_calendar_years() -> None:
    assert JAN.parse_fy("2025") == 2025
    assert JAN.parse_fy("FY2025") == 2025
    with pytest.raises(FiscalYearError, match="single year"):
        JAN.parse_fy("2024-25")
    with pytest.raises(FiscalYearError, match="single year"):
        JAN.parse_fy("2024–25")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "25",
        "FY25",
        "2024/25",
        "2024—25",  # em dash
        "2024 - 25",
        "2024-2025",
        "FY2024-25",
        "FY 2025",
        "F2025",
        "2025a",
        "20255",
        "２０２５",  # fullwidth digits
        "٢٠٢٥",  # Arabic-Indic digits
        "2024-5",
        "+2025",
        "-2025",
        "2025.0",
    ],
)
def test_parse_fy_bad_forms(text: str) -> None:
    with pytest.raises(FiscalYearError, match="Enter a fiscal year such as"):
        JUL.parse_fy(text)


@pytest.mark.parametrize("text", ["2024-26", "2024–26", "2024-24", "2024-23", "1999-99"])
def test_parse_fy_span_must_be_consecutive(text: str) -> None:
    with pytest.raises(FiscalYearError, match="two consecutive years"):
        JUL.parse_fy(text)


@pytest.mark.parametrize("text", ["1899", "2201", "0000", "9999", "FY1800", "2200-01", "1898-99"])
def test_parse_fy_year_range(text: str) -> None:
    with pytest.raises(FiscalYearError, match="between 1900 and 2200"):
        JUL.parse_fy(text)


def test_parse_fy_range_edges() -> None:
    assert JUL.parse_fy("1900") == 1900
    assert JUL.parse_fy("2200") == 2200
    assert JUL.parse_fy("1899-00") == 1900
    assert JUL.parse_fy("2199-00") == 2200


# --- meeting titles -----


def test_meeting_title() -> None:
    assert meeting_title(9, JUL, date(2024, 8, 14)) == "Meeting 9 — 2024–25 Q1"
    assert meeting_title(10, JUL, date(2025, 6, 30)) == "Meeting 10 — 2024–25 Q4"
    assert meeting_title(11, JUL, date(2025, 7, 1)) == "Meeting 11 — 2025–26 Q1"
    assert meeting_title(1, JAN, date(2025, 5, 1)) == "Meeting 1 — 2025 Q2"
    assert "\u2014" in meeting_title(1, JAN, date(2025, 5, 1))


@pytest.mark.parametrize("n", [0, -1])
def test_meeting_title_rejects_bad_number(n: int) -> None:
    with pytest.raises(ValueError):
        meeting_title(n, JUL, date(2025, 1, 1))


# --- working days -----

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 6, 2) + timedelta(days=i) for i in range(7))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (MON, 0, MON),
        (SAT, 0, SAT),
        (MON, 1, TUE),
        (THU, 1, FRI),
        (FRI, 1, MON + timedelta(days=7)),
        (FRI, 5, FRI + timedelta(days=7)),
        (MON, 5, MON + timedelta(days=7)),
        (WED, 10, WED + timedelta(days=14)),
        (SAT, 1, MON + timedelta(days=7)),
        (SUN, 1, MON + timedelta(days=7)),
        (SAT, 5, FRI + timedelta(days=7)),
        (MON, -1, FRI - timedelta(days=7)),
        (TUE, -1, MON),
        (MON, -5, MON - timedelta(days=7)),
        (SAT, -1, FRI),
        (SUN, -1, FRI),
        (SUN, -5, MON),
        (WED, -3, FRI - timedelta(days=7)),
        (date(2024, 2, 28), 2, date(2024, 3, 1)),  # across a leap day
        (date(2024, 12, 31), 3, date(2025, 1, 3)),  # across a year end; public holidays are not excluded
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_pack_circulation_deadline() -> None:
    meeting = date(2025, 6, 12)  # a Thursday
    deadline = add_working_days(meeting, -5)
    assert deadline == date(2025, 6, 5)
    assert working_days_between(deadline, meeting) == 5


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [
        (MON, MON, 0),
        (MON, TUE, 1),
        (MON, FRI, 4),
        (FRI, SAT, 0),
        (FRI, SUN, 0),
        (FRI, MON + timedelta(days=7), 1),
        (SAT, MON + timedelta(days=7), 1),
        (MON, MON + timedelta(days=7), 5),
        (TUE, MON, -1),
        (MON + timedelta(days=7), FRI, -1),
        (date(2025, 1, 1), date(2026, 1, 1), 261),
    ],
)
def test_working_days_between(a: date, b: date, n: int) -> None:
    assert working_days_between(a, b) == n


def test_add_working_days_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        add_working_days(MON, 1.0)  # type: ignore[arg-type]


# --- properties -----


@given(dates, start_months)
def test_date_within_its_fiscal_year(d: date, month: int) -> None:
    cal = FiscalCalendar(month)
    fy = cal.fiscal_year_of(d)
    assert cal.start_of(fy) <= d <= cal.end_of(fy)
    assert cal.end_of(fy).year == fy
    assert cal.start_of(fy + 1) == cal.end_of(fy) + timedelta(days=1)


@given(dates, start_months)
def test_quarter_and_month_consistency(d: date, month: int) -> None:
    cal = FiscalCalendar(month)
    fy = cal.fiscal_year_of(d)
    q = cal.quarter_of(d)
    fm = cal.fiscal_month_of(d)
    first, last = cal.quarter_range(fy, q)
    assert first <= d <= last
    assert (q - 1) * 3 < fm <= q * 3
    assert cal.calendar_month(fy, fm) == (d.year, d.month)
    assert cal.month_start(fy, fm) == d.replace(day=1)
    assert cal.month_label(fy, fm).endswith(str(d.year))
    assert cal.months_elapsed(fy, d) == fm
    assert cal.fiscal_year_of(first) == cal.fiscal_year_of(last) == fy
    assert cal.quarter_of(first) == cal.quarter_of(last) == q


@given(label_years, start_months)
def test_quarters_tile_the_year(fy: int, month: int) -> None:
    cal = FiscalCalendar(month)
    ranges = [cal.quarter_range(fy, q) for q in range(1, 5)]
    assert ranges[0][0] == cal.start_of(fy)
    assert ranges[3][1] == cal.end_of(fy)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert start == end + timedelta(days=1)


@given(label_years, start_months)
def test_parse_fy_round_trips(fy: int, month: int) -> None:
    cal = FiscalCalendar(month)
    assert cal.parse_fy(cal.label(fy)) == fy
    assert cal.parse_fy(f"FY{fy}") == fy
    assert cal.parse_fy(f" fy{fy} ") == fy
    assert cal.parse_fy(str(fy)) == fy
    if month != 1:
        assert cal.parse_fy(cal.label(fy).replace("\u2013", "-")) == fy


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(-2000, 2000))
def test_add_working_days_never_lands_on_weekend(d: date, n: int) -> None:
    result = add_working_days(d, n)
    if n != 0:
        assert result.weekday() < 5
        assert (result > d) == (n > 0)
    else:
        assert result == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(-2000, 2000))
def test_working_days_between_inverts_add(d: date, n: int) -> None:
    if d.weekday() >= 5:
        # From a weekend only forward counting is exact (the weekend counts as the Friday before it).
        n = abs(n)
    assert working_days_between(d, add_working_days(d, n)) == n


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 60))
def test_working_days_between_matches_brute_force(d: date, span: int) -> None:
    end = d + timedelta(days=span)
    brute = sum(1 for i in range(1, span + 1) if (d + timedelta(days=i)).weekday() < 5)
    assert working_days_between(d, end) == brute
    assert working_days_between(end, d) == -brute


def test_parse_fy_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        JUL.parse_fy(2025)  # type: ignore[arg-type]
