"""The dashboard's extra figures (issue 4) on a hand-made province with hand-computed answers.

Province 99, campaign 2025-03-01 → 2025-03-11 (10 days); plan = linear from the start to 100 % at the deadline.
* 90001 An Hòa (huyện 901): 01/03 (100, 0), 03/03 (100, 20), 05/03 (100, 40) — exactly on plan on 05/03;
* 90002 Bình Thuỷ (901): 01/03 (200, 0), 05/03 (200, 40) — 20 % against 40 % planned: 20 points behind;
* 90003 Cẩm Lệ (901): 01/03 (100, 100) — completed;
* 90004 Tân Thạnh (902): 01/03 (50, 0), 02/03 (50, 10) — 20 %, silent since 02/03;
* 90005 Tam Kỳ (902): never reports.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import metrics, store

ROWS = [
    ("90001", "2025-03-01", 100, 0, 0),
    ("90001", "2025-03-03", 100, 20, 300),
    ("90001", "2025-03-05", 100, 40, 700),
    ("90002", "2025-03-01", 200, 0, None),
    ("90002", "2025-03-05", 200, 40, None),
    ("90003", "2025-03-01", 100, 100, None),
    ("90004", "2025-03-01", 50, 0, None),
    ("90004", "2025-03-02", 50, 10, None),
]
D = date(2025, 3, 5)


def load(con, rows, name="hand.csv", sha="h1", source="cli"):
    frame = pd.DataFrame(rows, columns=["commune_code", "report_date", "books_total", "books_digitized",
                                        "records_digitized"])
    frame["row_no"] = range(2, len(frame) + 2)
    return store.commit_reports(con, file_name=name, sha256=sha, rows=frame, province_code="99", source=source)


@pytest.fixture
def hand(tiny_con):
    store.set_campaign(tiny_con, "99", start=date(2025, 3, 1), deadline=date(2025, 3, 11))
    load(tiny_con, ROWS)
    return tiny_con


def v_at(con, day):
    return metrics.view(con, "99", day)


def test_overview_figures_on_d(hand):
    o = metrics.overview(hand, v_at(hand, D))
    assert (o["units_total"], o["units_reporting"], o["units_reported_on_day"]) == (5, 4, 2)
    assert (o["books_total"], o["books_digitized"], o["remaining"]) == (450, 190, 260)
    assert o["completion_pct"] == pytest.approx(100 * 190 / 450)
    assert o["planned_pct"] == pytest.approx((40 * 100 + 40 * 200 + 100 * 100 + 40 * 50) / 450)
    # previous report day is 03/03 (90001 reported): (20 + 0 + 100 + 10) / 450
    assert o["previous_day"] == date(2025, 3, 3)
    assert o["change_pct"] == pytest.approx(100 * 190 / 450 - 100 * 130 / 450)
    # reports dated 05/03: two, both uploaded (now) after that day, so late
    assert (o["reports_on_day"], o["reports_late"], o["reports_on_time"]) == (2, 2, 0)
    assert o["reporting_rate"] == pytest.approx(40.0)
    # 6 calendar days left; working days 06, 07, 10, 11 March (weekend 08–09 skipped)
    assert (o["days_left"], o["working_days_left"]) == (6, 4)
    assert o["required_per_day"] == pytest.approx(260 / 6)
    assert o["required_per_working_day"] == pytest.approx(65.0)
    assert o["records_digitized"] == 700


def test_overview_projection_and_margin(hand):
    # on 08/03 a week ago is 01/03: (190 - 100) / 7 books a day; 260 left → 21 days → 29/03, 18 days late
    o = metrics.overview(hand, v_at(hand, date(2025, 3, 8)))
    assert o["recent_per_day"] == pytest.approx(90 / 7)
    assert o["projected_finish"] == date(2025, 3, 29)
    assert o["margin_days"] == -18
    assert o["beats_deadline"] is False


def test_overview_district_scope(hand):
    o = metrics.overview(hand, v_at(hand, D), district="902")
    assert (o["units_total"], o["units_reporting"], o["books_total"], o["books_digitized"]) == (2, 1, 50, 10)
    assert o["not_reporting"] == 2
    assert o["reports_on_day"] == 0


def test_calendar_setting_changes_working_days(hand):
    store.set_setting(hand, "99", "workday_calendar", "all")
    assert metrics.overview(hand, v_at(hand, D))["working_days_left"] == 6
    store.set_setting(hand, "99", "workday_calendar", "nonsense")
    assert metrics.calendar(hand, "99") == "vn"


def test_commune_league_ranking(hand):
    df = metrics.commune_league(hand, v_at(hand, D))
    # 100 %, 40 %, then the two at 20 % (same gap: list order), never-reported last
    assert list(df["commune_code"]) == ["90003", "90001", "90002", "90004", "90005"]
    assert list(df["rank"]) == [1, 2, 3, 4, 5]
    row = df.set_index("commune_code").loc["90001"]
    # 14 days 20/02 .. 05/03: nothing before the first report, +20 on 03/03 and on 05/03
    assert row["trend"] == [0.0] * 9 + [0.0, 0.0, 20.0, 0.0, 20.0]
    assert row["gap_pct"] == pytest.approx(0.0)


def test_district_league_ranking(hand):
    df = metrics.district_league(hand, v_at(hand, D))
    assert list(df["district_code"]) == ["901", "902"]
    first = df.iloc[0]
    assert first["completion_pct"] == pytest.approx(100 * 180 / 400)
    assert first["last_report"] == D
    assert df.iloc[1]["last_report"] == date(2025, 3, 2)
    assert first["trend"][-1] == pytest.approx(60.0)  # 05/03: +20 (90001) +40 (90002)


@pytest.mark.parametrize("how, expected", [
    ("all", ["90003", "90001", "90002", "90004", "90005"]),
    ("top", ["90003", "90001"]),
    ("bottom", ["90004", "90002"]),
    ("below_average", ["90001", "90002", "90004"]),
    ("behind_plan", ["90002", "90004"]),
    ("not_reporting", ["90003", "90004", "90005"]),  # the definition: 90003 is silent since 01/03
])
def test_league_filter(hand, how, expected):
    df = metrics.commune_league(hand, v_at(hand, D))
    average = metrics.overview(hand, v_at(hand, D))["completion_pct"]  # 42,2 %
    assert list(metrics.league_filter(df, how, 2, average)["commune_code"]) == expected


def test_underperformers_full_grouped_worst_first(hand):
    df = metrics.underperformers_full(hand, v_at(hand, D))
    # district 902 has two flagged communes, so it comes first: never-reported, then 20 points behind
    assert list(df["commune_code"]) == ["90005", "90004", "90002"]
    assert df.set_index("commune_code").loc["90004", "reasons"] == ["behind_schedule", "not_reporting"]
    assert all("not_completed" not in r for r in df["reasons"])


def test_not_completed_only_after_deadline(hand):
    after = metrics.underperformers_full(hand, v_at(hand, date(2025, 3, 12)))
    reasons = after.set_index("commune_code")["reasons"]
    assert "90003" not in reasons.index  # completed
    assert "not_completed" in reasons["90001"]
    # the CLI contract never carries the page's extra reason
    cli = metrics.underperformers_json(hand, "99", date(2025, 3, 12))
    assert all(set(r["reasons"]) <= {"behind_schedule", "not_reporting"} for r in cli)


def test_commune_daily_and_detail(hand):
    daily = metrics.commune_daily(hand, v_at(hand, D), 5, commune="90001")
    assert list(daily["day"]) == [date(2025, 3, d) for d in range(1, 6)]
    assert list(daily["books_day"].fillna(-1)) == [-1, 0, 20, 0, 20]
    assert list(daily["records_day"].fillna(-1)) == [-1, 0, 300, 0, 400]
    detail = metrics.commune_detail(hand, v_at(hand, D), "90002")
    trend = detail["trend"].set_index("day")
    assert trend.loc[date(2025, 3, 5), "planned_pct"] == pytest.approx(40.0)
    assert trend.loc[date(2025, 3, 3), "completion_pct"] == pytest.approx(0.0)
    assert trend.loc[date(2025, 3, 5), "completion_pct"] == pytest.approx(20.0)
    assert list(detail["history"]["report_date"]) == [date(2025, 3, 5), date(2025, 3, 1)]
    assert list(detail["uploads"]["file_name"]) == ["hand.csv"]


def test_previous_change_without_earlier_day():
    trend = pd.DataFrame({"day": [D], "units_reported_on_day": [3], "completion_pct": [50.0]})
    assert metrics.previous_change(trend, D)["change_pct"] is None


def test_records_reported(hand, tiny_con):
    assert metrics.records_reported(hand, "99") is True


def test_preview_units(hand):
    base = [
        {"province_code": "99", "province_name": "Tỉnh Thử", "district_code": "901", "district_name": "Huyện Một",
         "commune_code": "90001", "commune_name": "Xã An Hòa Mới", "commune_type": "xã", "books_total": None},
        {"province_code": "99", "province_name": "Tỉnh Thử", "district_code": "902", "district_name": "Huyện Hai",
         "commune_code": "90002", "commune_name": "Xã Bình Thuỷ", "commune_type": "xã", "books_total": None},
        {"province_code": "99", "province_name": "Tỉnh Thử", "district_code": "902", "district_name": "Huyện Hai",
         "commune_code": "90009", "commune_name": "Xã Mới", "commune_type": "xã", "books_total": None},
    ]
    p = store.preview_units(hand, base)
    assert [a["commune_code"] for a in p["added"]] == ["90009"]
    assert sorted(r["commune_code"] for r in p["removed"]) == ["90003", "90004", "90005"]
    assert sorted(r["commune_code"] for r in p["renamed"]) == ["90001", "90002"]  # renamed; moved to 902
    # reports that would stop counting: 90003 (1) + 90004 (2)
    assert p["orphaned_reports"] == 3
    # nothing written
    assert len(store.units_frame(hand, "99")) == 5
