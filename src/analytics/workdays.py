"""Working days for the countdown: weekends and Vietnamese public holidays skipped.

The calendar is a setting ("workday_calendar"): ``vn`` (Mon–Fri, Vietnamese
public holidays off, official make-up Saturdays worked; the ``holidays``
package), ``weekdays`` (Mon–Fri only) or ``all`` (every calendar day).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

CALENDARS = ("vn", "weekdays", "all")
DEFAULT_CALENDAR = "vn"


@lru_cache(maxsize=64)
def _vn(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: date, calendar: str = DEFAULT_CALENDAR) -> bool:
    if calendar == "all":
        return True
    if calendar == "weekdays":
        return day.weekday() < 5
    cal = _vn(day.year)
    if day in getattr(cal, "weekend_workdays", set()):
        return True
    return day.weekday() < 5 and day not in cal


HOLIDAY_YEARS = 30  # Vietnamese holidays are looked up for this many years; later years count Mon–Fri


def _weekdays_between(first: date, last: date) -> int:
    """Mon–Fri in first..last by arithmetic (a span of centuries costs nothing)."""
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (start + i) % 7 < 5)


def working_days_between(first: date, last: date, calendar: str = DEFAULT_CALENDAR) -> int:
    """Working days in first..last, both included (0 when last < first).

    Counted by arithmetic, then corrected by the holidays and make-up Saturdays of each year, so the cost
    is per year, not per day; years beyond ``HOLIDAY_YEARS`` from ``first`` count Monday–Friday."""
    if last < first:
        return 0
    if calendar == "all":
        return (last - first).days + 1
    count = _weekdays_between(first, last)
    if calendar == "weekdays":
        return count
    for year in range(first.year, min(last.year, first.year + HOLIDAY_YEARS - 1) + 1):
        cal = _vn(year)
        worked: set[date] = getattr(cal, "weekend_workdays", set())
        # as is_working_day: a make-up day is worked whatever else it is; a holiday on a weekday is off
        count -= sum(1 for day in cal if day.year == year and first <= day <= last and day.weekday() < 5
                     and day not in worked)
        count += sum(1 for day in worked if day.year == year and first <= day <= last and day.weekday() >= 5)
    return count


def days_left(as_of: date, deadline: date, calendar: str = DEFAULT_CALENDAR) -> dict[str, int]:
    """Days left after D up to and including the deadline: calendar days and working days.

    Calendar days are ``deadline - D`` (negative when overdue), as the summary counts them;
    working days count D+1 .. deadline (0 when overdue).
    """
    return {"calendar": (deadline - as_of).days,
            "working": working_days_between(as_of + timedelta(days=1), deadline, calendar)}


def holidays_between(first: date, last: date) -> list[tuple[date, str]]:
    """Vietnamese public holidays in first..last (for the Settings page)."""
    out: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        out.extend((d, name) for d, name in _vn(year).items() if first <= d <= last)
    return sorted(out)
