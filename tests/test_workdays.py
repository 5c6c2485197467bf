"""Working-day countdown: weekends, Vietnamese public holidays (Tết), make-up Saturdays."""

from datetime import date

import pytest

from analytics import workdays


@pytest.mark.parametrize("first, last, calendar, expected", [
    # Tết 2025: 25/01 (Sat) .. 02/02 (Sun) is all days off; 27–31/01 are weekdays but holidays
    (date(2025, 1, 25), date(2025, 2, 2), "vn", 0),
    (date(2025, 1, 25), date(2025, 2, 2), "weekdays", 5),
    (date(2025, 1, 25), date(2025, 2, 2), "all", 9),
    # the week around Tết: 24/01 (Fri) and 03/02 (Mon) are worked
    (date(2025, 1, 24), date(2025, 2, 3), "vn", 2),
    # the campaign 21/02 .. 12/03/2025: 20 days, 14 weekdays, no holiday
    (date(2025, 2, 21), date(2025, 3, 12), "vn", 14),
    # 30/04 and 01/05 are holidays, 02/05 a day off in lieu; 26/04 (Sat) is a make-up working day
    (date(2025, 4, 26), date(2025, 5, 4), "vn", 3),
    (date(2025, 3, 12), date(2025, 3, 11), "vn", 0),
])
def test_working_days_between(first, last, calendar, expected):
    assert workdays.working_days_between(first, last, calendar) == expected


def test_days_left_counts_after_d_to_the_deadline():
    # D = Wed 05/03/2025, deadline Wed 12/03: 7 calendar days, working days 06, 07, 10, 11, 12
    assert workdays.days_left(date(2025, 3, 5), date(2025, 3, 12)) == {"calendar": 7, "working": 5}
    # across Tết: D = Fri 24/01, deadline Tue 04/02 → 03/02 and 04/02 only
    assert workdays.days_left(date(2025, 1, 24), date(2025, 2, 4)) == {"calendar": 11, "working": 2}
    # overdue: negative calendar days, no working day left
    assert workdays.days_left(date(2025, 3, 20), date(2025, 3, 12)) == {"calendar": -8, "working": 0}


def test_holidays_between_names_tet():
    days = [d for d, _ in workdays.holidays_between(date(2025, 1, 25), date(2025, 2, 2))]
    assert date(2025, 1, 29) in days and date(2025, 1, 25) not in days


def test_counting_by_year_matches_counting_day_by_day():
    """The arithmetic count (cost per year, not per day) agrees with is_working_day over many spans."""
    import random
    from datetime import timedelta

    rnd = random.Random(7)
    for _ in range(60):
        first = date(2023, 1, 1) + timedelta(days=rnd.randrange(1500))
        last = first + timedelta(days=rnd.randrange(-3, 800))
        for cal in workdays.CALENDARS:
            slow = sum(1 for i in range((last - first).days + 1)
                       if workdays.is_working_day(first + timedelta(days=i), cal))
            assert workdays.working_days_between(first, last, cal) == slow, (first, last, cal)


def test_a_countdown_to_year_9999_is_bounded():
    left = workdays.days_left(date(2025, 3, 5), date(9999, 12, 31))
    assert left["calendar"] == (date(9999, 12, 31) - date(2025, 3, 5)).days
    assert 0.69 * left["calendar"] < left["working"] < 0.72 * left["calendar"]
