"""Fiscal years, quarters and months for a configurable start month, plus working-day arithmetic."""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "FiscalCalendar",
    "FiscalYearError",
    "add_working_days",
    "meeting_title",
    "working_days_between",
]


class FiscalYearError(ValueError):
    """A fiscal year, month or quarter that is invalid; the message is fit to show to a user."""


# Fixed English abbreviations: strftime("%b") follows the OS locale and would vary between machines.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_FY_MIN = 1900
_FY_MAX = 2200

# [0-9] rather than \d so other scripts' digits are not accepted as years.
_BARE_FY_RE = re.compile(r"(?:FY)?([0-9]{4})", re.IGNORECASE)
_SPAN_FY_RE = re.compile(r"([0-9]{4})[-\u2013]([0-9]{2})")

_EN_DASH = "\u2013"
_EM_DASH = "\u2014"


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; True as a month or year is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    return value


def _last_day(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class FiscalCalendar:
    """The office's fiscal calendar; a fiscal year is named by the calendar year in which it ends."""

    start_month: int

    def __post_init__(self) -> None:
        month = _require_int(self.start_month, "start_month")
        if not 1 <= month <= 12:
            raise FiscalYearError("The fiscal year must start in a month from 1 (January) to 12 (December).")

    @property
    def spans_two_years(self) -> bool:
        """True unless the fiscal year is the calendar year (start month January)."""
        return self.start_month != 1

    def _start_year(self, fy: int) -> int:
        _require_int(fy, "fy")
        start_year = fy - 1 if self.spans_two_years else fy
        # Outside these bounds the first or last day is not representable as a date.
        if start_year < 1 or fy > 9999:
            raise FiscalYearError(f"Fiscal year {fy} is out of range.")
        return start_year

    def _check_fiscal_month(self, fiscal_month: int) -> None:
        if not 1 <= _require_int(fiscal_month, "fiscal_month") <= 12:
            raise FiscalYearError("A fiscal month must be from 1 to 12.")

    def _check_quarter(self, q: int) -> None:
        if not 1 <= _require_int(q, "quarter") <= 4:
            raise FiscalYearError("A quarter must be from 1 to 4.")

    def fiscal_year_of(self, d: date) -> int:
        """The fiscal year (named by its ending calendar year) that contains ``d``."""
        return d.year + 1 if self.spans_two_years and d.month >= self.start_month else d.year

    def start_of(self, fy: int) -> date:
        """The first day of fiscal year ``fy``."""
        return date(self._start_year(fy), self.start_month, 1)

    def end_of(self, fy: int) -> date:
        """The last day of fiscal year ``fy`` (always in calendar year ``fy``)."""
        self._start_year(fy)
        return _last_day(fy, 12 if self.start_month == 1 else self.start_month - 1)

    def fiscal_month_of(self, d: date) -> int:
        """The fiscal month (1..12) containing ``d``; 1 is the start month."""
        return (d.month - self.start_month) % 12 + 1

    def quarter_of(self, d: date) -> int:
        """The fiscal quarter (1..4) containing ``d``."""
        return (self.fiscal_month_of(d) - 1) // 3 + 1

    def calendar_month(self, fy: int, fiscal_month: int) -> tuple[int, int]:
        """The (calendar year, calendar month) of ``fiscal_month`` in fiscal year ``fy``."""
        self._check_fiscal_month(fiscal_month)
        offset = self.start_month - 1 + fiscal_month - 1
        return self._start_year(fy) + offset // 12, offset % 12 + 1

    def month_start(self, fy: int, fiscal_month: int) -> date:
        """The first day of ``fiscal_month`` in fiscal year ``fy``."""
        year, month = self.calendar_month(fy, fiscal_month)
        return date(year, month, 1)

    def month_end(self, fy: int, fiscal_month: int) -> date:
        """The last day of ``fiscal_month`` in fiscal year ``fy``."""
        return _last_day(*self.calendar_month(fy, fiscal_month))

    def quarter_range(self, fy: int, q: int) -> tuple[date, date]:
        """First and last day (inclusive) of quarter ``q`` of fiscal year ``fy``."""
        self._check_quarter(q)
        return self.month_start(fy, 3 * q - 2), self.month_end(fy, 3 * q)

    def label(self, fy: int) -> str:
        """``2024–25`` if the year spans two calendar years (``1999–00`` across a century), else ``2025``."""
        start_year = self._start_year(fy)
        if not self.spans_two_years:
            return f"{fy:04d}"
        return f"{start_year:04d}{_EN_DASH}{fy % 100:02d}"

    def short_label(self, fy: int) -> str:
        """Compact form for narrow columns and chart axes: ``FY25`` (the ending year's last two digits)."""
        self._start_year(fy)
        return f"FY{fy % 100:02d}"

    def quarter_label(self, fy: int, q: int) -> str:
        """``2024–25 Q1``."""
        self._check_quarter(q)
        return f"{self.label(fy)} Q{q}"

    def month_label(self, fy: int, fiscal_month: int) -> str:
        """``Jul 2024`` for fiscal month 1 of 2024–25 with a July start."""
        year, month = self.calendar_month(fy, fiscal_month)
        return f"{_MONTH_ABBR[month - 1]} {year:04d}"

    def months_elapsed(self, fy: int, as_at: date) -> int:
        """Fiscal months of ``fy`` begun on or before ``as_at`` (0 before the year, 12 after it)."""
        if as_at < self.start_of(fy):
            return 0
        if as_at > self.end_of(fy):
            return 12
        return self.fiscal_month_of(as_at)

    def parse_fy(self, text: str) -> int:
        """Parse ``2025``, ``FY2025``, ``2024-25`` or ``2024–25`` (surrounding spaces allowed) to 2025."""
        if not isinstance(text, str):
            raise TypeError(f"Expected text, got {type(text).__name__}")
        candidate = text.strip()
        if bare := _BARE_FY_RE.fullmatch(candidate):
            fy = int(bare[1])
        elif span := _SPAN_FY_RE.fullmatch(candidate):
            if not self.spans_two_years:
                raise FiscalYearError(f"Fiscal years here match calendar years; enter a single year such as {span[1]}.")
            first = int(span[1])
            if int(span[2]) != (first + 1) % 100:
                raise FiscalYearError(
                    f"A fiscal year covers two consecutive years, such as {first}{_EN_DASH}{(first + 1) % 100:02d}."
                )
            fy = first + 1
        else:
            example = "2025, FY2025 or 2024–25" if self.spans_two_years else "2025 or FY2025"
            raise FiscalYearError(f"Enter a fiscal year such as {example}.")
        if not _FY_MIN <= fy <= _FY_MAX:
            raise FiscalYearError(f"Enter a fiscal year between {_FY_MIN} and {_FY_MAX}.")
        return fy


def meeting_title(number: int, calendar: FiscalCalendar, meeting_date: date) -> str:
    """``Meeting 9 — 2024–25 Q1``: the meeting's number and the fiscal quarter it falls in."""
    if _require_int(number, "number") < 1:
        raise ValueError("A meeting number must be 1 or more.")
    fy = calendar.fiscal_year_of(meeting_date)
    return f"Meeting {number} {_EM_DASH} {calendar.quarter_label(fy, calendar.quarter_of(meeting_date))}"


def _is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def add_working_days(d: date, n: int) -> date:
    """Move ``n`` working days (Monday–Friday) from ``d``, backwards when negative; 0 returns ``d``.

    Starting on a weekend, one working day forward is Monday and one back is Friday, so e.g. "circulate
    the pack 5 working days before the meeting" is ``add_working_days(meeting, -5)``.
    """
    _require_int(n, "n")
    if n == 0:
        return d
    step = 1 if n > 0 else -1
    # Treat a weekend start as the adjacent working day "behind" us, so the first step lands correctly.
    while _is_weekend(d):
        d -= timedelta(days=step)
    weeks, remainder = divmod(abs(n), 5)
    d += timedelta(days=7 * weeks * step)
    for _ in range(remainder):
        d += timedelta(days=step)
        while _is_weekend(d):
            d += timedelta(days=step)
    return d


def _working_days_through(d: date) -> int:
    # 0001-01-01 (ordinal 1) was a Monday, so weekday counting from it needs no calendar lookups.
    weeks, day = divmod(d.toordinal() - 1, 7)
    return weeks * 5 + min(day + 1, 5)


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    For a working day ``a``, ``working_days_between(a, add_working_days(a, n)) == n``.
    """
    return _working_days_through(b) - _working_days_through(a)
