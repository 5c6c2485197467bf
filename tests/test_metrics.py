"""The definitions of issue 2, on a hand-made province with hand-computed answers.

Province 99, campaign 2025-02-21 → 2025-03-12 (19 days), D = 2025-03-01:
* 90001 An Hòa: baseline 20/02 (100, 40), 25/02 (100, 60), 01/03 (100, 70), and 05/03 (100, 90) after D;
* 90002 Bình Thuỷ: first report after the start, 24/02 (200, 20), 01/03 (200, 50);
* 90003 Cẩm Lệ: books_total 0, one report 20/02 (0, 0): nothing to do, complete, but silent since;
* 90004 Tân Thạnh: joins within the last week, 27/02 (50, 10), 01/03 (50, 25);
* 90005 Tam Kỳ: never reports.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics import metrics, store

D = date(2025, 3, 1)

ROWS = [
    ("90001", "2025-02-20", 100, 40),
    ("90001", "2025-02-25", 100, 60),
    ("90001", "2025-03-01", 100, 70),
    ("90001", "2025-03-05", 100, 90),
    ("90002", "2025-02-24", 200, 20),
    ("90002", "2025-03-01", 200, 50),
    ("90003", "2025-02-20", 0, 0),
    ("90004", "2025-02-27", 50, 10),
    ("90004", "2025-03-01", 50, 25),
]

# the metrics read the DuckDB mirror of PostgreSQL exactly as they read the file (conftest: backend)
BOTH_BACKENDS = True


def load(con, rows, name="hand.csv", sha="x"):
    frame = pd.DataFrame(rows, columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = range(2, len(frame) + 2)
    return store.commit_reports(con, file_name=name, sha256=sha, rows=frame, province_code="99")


@pytest.fixture
def hand(tiny_con):
    load(tiny_con, ROWS)
    return tiny_con


def by_code(df):
    return df.set_index("commune_code")


def test_summary_totals_on_d(hand):
    s = metrics.summary_json(hand, as_of=D)
    assert s["province"] == "99"
    assert s["as_of"] == "2025-03-01"
    assert (s["start"], s["deadline"]) == ("2025-02-21", "2025-03-12")
    assert s["units_total"] == 5
    assert s["units_reporting"] == 4
    assert s["units_reported_on_day"] == 3
    assert s["books_total"] == 350
    assert s["books_digitized"] == 145
    assert s["completion_pct"] == pytest.approx(100 * 145 / 350)
    assert s["days_left"] == 11
    assert s["required_per_day"] == pytest.approx(205 / 11)
    # only 90001 and 90003 had a report by D-7 = 22/02: (70 - 40) + (0 - 0) over 7 days
    assert s["recent_per_day"] == pytest.approx(30 / 7)
    # 205 / (30/7) = 47.83 -> 48 days after D
    assert s["projected_finish"] == "2025-04-18"
    assert s["behind_schedule"] == 1
    assert s["not_reporting"] == 2


def test_planned_pct_per_commune(hand):
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", D)))
    # baseline on or before the start: b = 40, t_b = start (21/02): 40 + 60 * 8/19
    assert df.at["90001", "planned_pct"] == pytest.approx(40 + 60 * 8 / 19)
    # first report after the start: b = 10 on 24/02: 10 + 90 * 5/16
    assert df.at["90002", "planned_pct"] == pytest.approx(10 + 90 * 5 / 16)
    # books_total 0: complete, planned 100
    assert df.at["90003", "completion_pct"] == 100.0
    assert df.at["90003", "planned_pct"] == 100.0
    # joined on 27/02 at 20 %: 20 + 80 * 2/13
    assert df.at["90004", "planned_pct"] == pytest.approx(20 + 80 * 2 / 13)
    assert pd.isna(df.at["90005", "planned_pct"])
    assert pd.isna(df.at["90005", "completion_pct"])
    assert df.at["90002", "completion_pct"] == pytest.approx(25.0)
    assert bool(df.at["90002", "behind_schedule"]) is True
    assert bool(df.at["90001", "behind_schedule"]) is False


def test_report_after_d_is_ignored(hand):
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", D)))
    assert df.at["90001", "books_digitized"] == 70
    assert df.at["90001", "last_report"] == D
    later = by_code(metrics.commune_status(hand, metrics.view(hand, "99", date(2025, 3, 5))))
    assert later.at["90001", "books_digitized"] == 90


def test_default_as_of_is_latest_report(hand):
    assert metrics.summary_json(hand)["as_of"] == "2025-03-05"


def test_not_reporting_window(hand):
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", D)))
    assert list(df.index[df["not_reporting"]]) == ["90003", "90005"]
    # on 03/03 a report dated 01/03 is still within D-2..D
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", date(2025, 3, 3))))
    assert bool(df.at["90002", "not_reporting"]) is False
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", date(2025, 3, 4))))
    assert bool(df.at["90002", "not_reporting"]) is True


def test_underperformers_order_and_reasons(hand):
    rows = metrics.underperformers_json(hand, as_of=D)
    assert [r["commune_code"] for r in rows] == ["90005", "90002", "90003"]
    assert rows[0]["reasons"] == ["not_reporting"]
    assert rows[0]["completion_pct"] is None and rows[0]["last_report"] is None
    assert rows[1]["reasons"] == ["behind_schedule"]
    assert rows[1]["planned_pct"] == pytest.approx(10 + 90 * 5 / 16)
    assert rows[1]["last_report"] == "2025-03-01"
    assert rows[1]["district"] == "Huyện Một"
    assert rows[2]["reasons"] == ["not_reporting"]


def test_districts_in_code_order(hand):
    districts = metrics.summary_json(hand, as_of=D)["districts"]
    assert [d["district_code"] for d in districts] == ["901", "902"]
    one, two = districts
    assert (one["books_total"], one["books_digitized"]) == (300, 120)
    assert one["completion_pct"] == pytest.approx(40.0)
    assert (one["behind_schedule"], one["not_reporting"]) == (1, 1)
    assert (two["books_total"], two["books_digitized"]) == (50, 25)
    assert (two["behind_schedule"], two["not_reporting"]) == (0, 1)


def test_same_date_reuploaded_replaces(hand):
    load(hand, [("90001", "2025-03-01", 100, 75)], name="fix.csv", sha="y")
    s = metrics.summary_json(hand, as_of=D)
    assert s["books_digitized"] == 150
    # the log keeps both uploads
    assert len(store.uploads(hand)) == 2


def test_deadline_passed(hand):
    s = metrics.summary_json(hand, as_of=date(2025, 3, 15))
    assert s["days_left"] == -3
    # latest: 90001 90/100, 90002 50/200, 90003 0/0, 90004 25/50 -> remaining 10 + 150 + 25
    assert s["books_digitized"] == 165
    assert s["required_per_day"] == pytest.approx(185 / 1)
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", date(2025, 3, 15))))
    assert df.at["90002", "planned_pct"] == pytest.approx(100.0)


def test_planned_before_start_is_baseline(hand):
    df = by_code(metrics.commune_status(hand, metrics.view(hand, "99", date(2025, 2, 20))))
    assert df.at["90001", "planned_pct"] == pytest.approx(40.0)
    assert pd.isna(df.at["90002", "planned_pct"])  # no report on or before D


def test_first_report_after_deadline_plans_100(tiny_con):
    load(tiny_con, [("90001", "2025-03-14", 100, 50)])
    df = by_code(metrics.commune_status(tiny_con, metrics.view(tiny_con, "99", date(2025, 3, 14))))
    assert df.at["90001", "planned_pct"] == 100.0


def test_projection_when_done_and_when_stalled(tiny_con):
    load(tiny_con, [("90001", "2025-02-20", 100, 100)], sha="a")
    s = metrics.summary_json(tiny_con, as_of=date(2025, 3, 1))
    assert s["projected_finish"] == "2025-03-01"  # remaining 0 -> D
    load(tiny_con, [("90002", "2025-02-20", 100, 10), ("90002", "2025-03-01", 100, 10)], sha="b")
    s = metrics.summary_json(tiny_con, as_of=date(2025, 3, 1))
    assert s["recent_per_day"] == 0
    assert s["projected_finish"] is None  # pace 0 -> null


def test_empty_database(tiny_con):
    s = metrics.summary_json(tiny_con, as_of=D)
    assert s["units_reporting"] == 0
    assert s["completion_pct"] is None
    assert s["projected_finish"] is None
    assert s["books_total"] == 0
    assert s["not_reporting"] == 5
    assert s["behind_schedule"] == 0
    assert [r["commune_code"] for r in metrics.underperformers_json(tiny_con, as_of=D)] == [
        "90001", "90002", "90003", "90004", "90005"]


def test_empty_database_default_as_of_is_today(tiny_con):
    assert metrics.summary_json(tiny_con)["as_of"] == date.today().isoformat()


def test_all_zero_totals_count_as_complete(tiny_con):
    load(tiny_con, [("90003", "2025-02-25", 0, 0)])
    s = metrics.summary_json(tiny_con, as_of=date(2025, 2, 25))
    assert s["completion_pct"] == 100.0


@pytest.mark.parametrize(
    ("completion", "planned", "expected"),
    [
        (100.0, 100.0, "done"),
        (50.0, 40.0, "on_track"),
        (40.0, 40.0, "on_track"),
        (35.0, 40.0, "slightly_behind"),
        (30.0, 40.0, "slightly_behind"),
        (29.9, 40.0, "behind"),
        (None, None, "no_data"),
        (float("nan"), 10.0, "no_data"),
    ],
)
def test_classify(completion, planned, expected):
    assert metrics.classify(completion, planned, 10.0) == expected


def test_trend_matches_summary_each_day(hand):
    v = metrics.view(hand, "99", D)
    tr = metrics.trend(hand, v).set_index("day")
    assert tr.index[0] == date(2025, 2, 20)
    assert tr.index[-1] == D
    for day in (date(2025, 2, 20), date(2025, 2, 24), date(2025, 2, 27), D):
        s = metrics.summary_json(hand, as_of=day)
        assert tr.at[day, "books_digitized"] == s["books_digitized"]
        assert tr.at[day, "books_total"] == s["books_total"]
        assert tr.at[day, "units_reporting"] == s["units_reporting"]
        assert math.isclose(tr.at[day, "planned_pct"], s["planned_pct"], rel_tol=1e-9)


def test_json_is_plain(hand):
    import json

    text = json.dumps(metrics.summary_json(hand, as_of=D))
    assert "NaN" not in text


# --- the measure: records or books ------------------------------------------------------------------------------


def load_with_records(con, rows, per_book=10, without_target=()):
    """The hand-made reports with records beside the books: ``per_book`` records to a book, except the communes in
    ``without_target``, whose reports give records digitized but no records to do."""
    frame = pd.DataFrame(rows, columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = frame["books_digitized"] * per_book
    frame["records_total"] = [None if c in without_target else t * per_book
                              for c, t in zip(frame["commune_code"], frame["books_total"])]
    frame["row_no"] = range(2, len(frame) + 2)
    return store.commit_reports(con, file_name="rec.csv", sha256="rec", rows=frame, province_code="99")


@pytest.mark.parametrize("measure, scale", [("books", 1), ("records", 10)])
def test_every_figure_follows_the_measure(tiny_con, measure, scale):
    load_with_records(tiny_con, ROWS)
    s = metrics.summary_json(tiny_con, as_of=D, measure=measure)
    assert s["measure"] == measure and s["units_without_target"] == 0
    # both measures' counts as reported, whichever is chosen
    assert (s["books_total"], s["books_digitized"]) == (350, 145)
    assert (s["records_total"], s["records_digitized"]) == (3500, 1450)
    # the same shares, the paces and amounts in the measure's unit (the hand answers of test_summary_totals_on_d)
    assert s["completion_pct"] == pytest.approx(100 * 145 / 350)
    assert s["required_per_day"] == pytest.approx(scale * 205 / 11)
    assert s["recent_per_day"] == pytest.approx(scale * 30 / 7)
    assert s["projected_finish"] == "2025-04-18" and s["behind_schedule"] == 1
    v = metrics.view(tiny_con, "99", D, measure=measure)
    league = metrics.district_league(tiny_con, v)
    assert league["books_total"].sum() == scale * 350  # the target column of the leagues, in the measure
    tr = metrics.trend(tiny_con, v)
    assert float(tr[tr["day"] == D]["books_digitized"].iloc[0]) == scale * 145
    spark = metrics.commune_league(tiny_con, v).set_index("commune_code").at["90001", "trend"]
    assert spark[-1] == scale * 10  # 90001: 60 -> 70 books on D


def test_units_without_a_records_target_are_counted_apart(tiny_con):
    load_with_records(tiny_con, ROWS, without_target={"90002"})
    s = metrics.summary_json(tiny_con, as_of=D, measure="records")
    assert s["units_reporting"] == 4 and s["units_without_target"] == 1
    # 90001 (700/1000), 90003 (0/0), 90004 (250/500): 90002's 500 records done are not a share of anything
    assert s["completion_pct"] == pytest.approx(100 * 950 / 1500)
    assert s["records_total"] == 1500 and s["records_digitized"] == 1450  # as reported
    rows = {r["commune_code"]: r for r in metrics.communes_json(tiny_con, as_of=D, measure="records")}
    assert rows["90002"]["records_total"] is None and rows["90002"]["records_digitized"] == 500
    assert rows["90002"]["completion_pct"] is None and rows["90002"]["status"] == "no_data"
    assert rows["90001"]["records_total"] == 1000 and rows["90001"]["books_total"] == 100
    # in books nothing is missing
    b = metrics.summary_json(tiny_con, as_of=D, measure="books")
    assert b["units_without_target"] == 0 and b["completion_pct"] == pytest.approx(100 * 145 / 350)
    o = metrics.overview(tiny_con, metrics.view(tiny_con, "99", D, measure="records"))
    from analytics import present

    assert present.overview_kpis(o, "en")["no_target"].startswith("1 communes reported without records")


@pytest.mark.parametrize("setting, expected", [(None, "books"), ("records", "records"), ("books", "books")])
def test_the_campaign_measure_is_the_default(tiny_con, setting, expected):
    load_with_records(tiny_con, ROWS)
    if setting:
        store.set_default_measure(tiny_con, "99", setting)
    assert metrics.view(tiny_con, "99", D).measure == expected
    assert metrics.summary_json(tiny_con, as_of=D)["measure"] == expected
    other = "books" if expected == "records" else "records"
    assert metrics.view(tiny_con, "99", D, measure=other).measure == other  # a choice wins over the setting


def test_an_unknown_measure_is_refused(tiny_con):
    from analytics.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        metrics.view(tiny_con, "99", D, measure="pages")
