"""Cell values as Vietnamese offices write them: counts, percentages, dates (day first)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analytics.values import ValueProblem, date_from_file_name, date_from_lines, dates_in_text, parse_count, parse_date, parse_percent


@pytest.mark.parametrize("cell,expected", [
    ("1.234", 1234), ("1,234", 1234), ("1 234", 1234), ("1\u00a0234", 1234), ("1.234.567", 1234567),
    ("12", 12), (12, 12), (12.0, 12), ("12,0", 12), ("0", 0), ("-0", 0), ("", None), (None, None), ("–", None),
    (float("nan"), None), (" 7 ", 7),
])
def test_counts(cell, expected):
    assert parse_count(cell) == expected


@pytest.mark.parametrize("cell,key", [
    ("-3", "value.negative"), (-3, "value.negative"), ("(3)", "value.negative"), ("4,5", "value.not_whole"),
    (4.5, "value.not_whole"), ("abc", "value.not_number"), (True, "value.not_number"), ("1.23.4", "value.not_number"),
    (float("inf"), "value.not_number"), (date(2025, 1, 1), "value.not_number"), ("12a", "value.not_number"),
])
def test_bad_counts(cell, key):
    with pytest.raises(ValueProblem) as exc:
        parse_count(cell)
    assert exc.value.key == key


@pytest.mark.parametrize("cell,expected", [("45,5%", 45.5), ("45.5 %", 45.5), (45.5, 45.5), (0.455, 45.5),
                                           ("100%", 100.0), ("", None), ("x", None), (None, None)])
def test_percent(cell, expected):
    assert parse_percent(cell) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("cell,expected", [
    ("25/02/2025", date(2025, 2, 25)), ("5/3/2025", date(2025, 3, 5)), ("25-02-2025", date(2025, 2, 25)),
    ("25.02.2025", date(2025, 2, 25)), ("2025-02-25", date(2025, 2, 25)), ("2025-02-25 00:00:00", date(2025, 2, 25)),
    (datetime(2025, 2, 25, 0, 0), date(2025, 2, 25)), (date(2025, 2, 25), date(2025, 2, 25)),
    (45713, date(2025, 2, 25)), (45713.0, date(2025, 2, 25)), ("ngày 25 tháng 02 năm 2025", date(2025, 2, 25)),
    ("", None), (None, None),
])
def test_dates_day_first(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["02/25/2025", "32/01/2025", "2025-13-01", "hôm qua", 12.5, "25/02"])
def test_bad_dates(cell):
    with pytest.raises(ValueProblem):
        parse_date(cell)


def test_dates_in_title_lines():
    lines = ["UBND TỈNH QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Quảng Nam, ngày 26 tháng 02 năm 2025",
             "BÁO CÁO TIẾN ĐỘ", "(Số liệu tính đến ngày 25/02/2025)"]
    assert date_from_lines(lines) == (date(2025, 2, 25), [date(2025, 2, 25)])
    assert date_from_lines(["Quảng Nam, ngày 26 tháng 2 năm 2025"])[0] == date(2025, 2, 26)
    assert date_from_lines(["Ngay 26 thang 2 nam 2025"])[0] == date(2025, 2, 26)
    assert date_from_lines(["Từ 21/02/2025", "cập nhật 24/02/2025"]) == (None, [date(2025, 2, 21), date(2025, 2, 24)])
    assert date_from_lines(["không có ngày"]) == (None, [])
    assert dates_in_text("đến ngày 25/02/2025") == [(date(2025, 2, 25), True)]


@pytest.mark.parametrize("name,expected", [
    ("bao_cao_25-02-2025.xlsx", date(2025, 2, 25)), ("BC 25.02.2025.csv", date(2025, 2, 25)),
    ("2025-02-25.csv", date(2025, 2, 25)), ("bc_20250225.xls", date(2025, 2, 25)), ("bc_25022025.xls", date(2025, 2, 25)),
    ("bao_cao.csv", None), ("bc_25-02-2025_26-02-2025.csv", None),
])
def test_date_from_file_name(name, expected):
    assert date_from_file_name(name)[0] == expected
