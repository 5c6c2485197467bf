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


# --- the as-of state against a plain reference ------------------------------------------------------------------
# The commune table is read from each province's history with binary searches (metrics._state); here the same
# definitions are written plainly, one commune and one row at a time, and both must agree on any history.

from datetime import timedelta  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

START, DEADLINE = date(2025, 2, 21), date(2025, 3, 12)  # the tiny province's campaign
CODES = ["90001", "90002", "90003", "90004", "90005"]


def reference_in_measure(r, measure):
    """A report's (to do, done) in the measure, plainly: records only where both records figures are known."""
    if measure == "records":
        return (r[5], r[4]) if r[5] is not None and r[4] is not None else (None, None)
    return r[2], r[3]


def reference_pct(r, measure):
    total, done = reference_in_measure(r, measure)
    if total is None:
        return None
    return 100.0 if total == 0 else (None if done is None else 100.0 * done / total)


def reference(reports, day, measure, window=3):
    """Each commune's figures on ``day`` by the README's definitions, plainly: reports as (code, date, books_total,
    books_digitized, records_digitized, records_total)."""
    def in_measure(r):
        return reference_in_measure(r, measure)

    def pct(r):
        return reference_pct(r, measure)

    out = {}
    for code in CODES:
        rows = sorted((r for r in reports if r[0] == code and r[1] <= day), key=lambda r: r[1])
        if not rows:
            out[code] = {"last_report": None, "books_total": None, "completion_pct": None, "planned_pct": None,
                         "digitized_week_ago": None, "digitized_day_before": None, "not_reporting": True,
                         "reported_on_day": False, "base_pct": None, "records_total": None}
            continue
        last = rows[-1]
        total, done = in_measure(last)
        pre = [r for r in rows if r[1] <= START]
        known = [r for r in rows if pct(r) is not None]
        pre_known = [r for r in known if r[1] <= START]
        base_pct = pct(pre_known[-1]) if pre_known else (pct(known[0]) if known else None)
        base_date = START if pre else rows[0][1]
        if base_date >= DEADLINE or base_pct is None:
            planned = 100.0
        else:
            planned = min(100.0, max(base_pct, base_pct + (100.0 - base_pct) * (day - base_date).days
                                     / (DEADLINE - base_date).days))
        week = [r for r in rows if r[1] <= day - timedelta(days=7)]
        before = [r for r in rows if r[1] <= day - timedelta(days=1)]
        out[code] = {"last_report": last[1], "books_total": total, "completion_pct": pct(last),
                     "planned_pct": planned, "digitized_week_ago": in_measure(week[-1])[1] if week else None,
                     "digitized_day_before": in_measure(before[-1])[1] if before else None,
                     "not_reporting": last[1] < day - timedelta(days=window - 1), "reported_on_day": last[1] == day,
                     "base_pct": base_pct, "records_total": last[5], "first_date": rows[0][1],
                     "week_ago_date": week[-1][1] if week else None}
    return out


def load_reports(con, reports, sha):
    store.clear_reports(con)
    if not reports:
        return
    frame = pd.DataFrame(reports, columns=["commune_code", "report_date", "books_total", "books_digitized",
                                           "records_digitized", "records_total"])
    frame["report_date"] = [d.isoformat() for d in frame["report_date"]]
    frame["row_no"] = range(2, len(frame) + 2)
    store.commit_reports(con, file_name="p.csv", sha256=sha, rows=frame.astype(object).where(frame.notna(), None),
                         province_code="99")


def _none(x):
    return None if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT else x


def check_against_reference(con, reports, day, measure):
    v = metrics.view(con, "99", day, exact=True, measure=measure)
    assert v.as_of == day
    table = by_code(metrics.commune_status(con, v))
    want = reference(reports, day, measure)
    for code, w in want.items():
        row = table.loc[code]
        assert _none(row["last_report"]) == w["last_report"], code
        for col in ("books_total", "digitized_week_ago", "digitized_day_before", "records_total"):
            assert _none(row[col]) == w[col], (code, col)
        for col in ("completion_pct", "planned_pct", "base_pct"):
            got = _none(row[col])
            assert (got is None) == (w[col] is None), (code, col, got, w[col])
            if got is not None:
                assert got == pytest.approx(w[col], rel=1e-12), (code, col)
        assert bool(row["not_reporting"]) == w["not_reporting"] and bool(row["reported_on_day"]) == w["reported_on_day"]
        if w["last_report"] is not None:
            assert pd.Timestamp(row["first_date"]).date() == w["first_date"]
            week_day = _none(row["week_ago_date"])
            assert (pd.Timestamp(week_day).date() if week_day is not None else None) == w["week_ago_date"]
    # the summary's totals are the table's sums
    s = metrics.summary(con, "99", day, exact=True, measure=measure)
    counted = [w for w in want.values() if w["last_report"] is not None]
    assert s["units_reporting"] == len(counted)
    assert s["books_total"] == sum(w["books_total"] for w in counted if w["completion_pct"] is not None)


DAYS = [date(2025, 2, 10) + timedelta(days=k) for k in range(40)]
_figure = st.integers(min_value=0, max_value=60)


@st.composite
def histories(draw):
    reports = []
    for code in CODES:
        for day in sorted(draw(st.sets(st.sampled_from(DAYS), max_size=6))):
            total = draw(_figure)
            done = draw(st.integers(min_value=0, max_value=total))
            records_total = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=600)))
            records_done = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=600)))
            reports.append((code, day, total, done, records_done, records_total))
    return reports


_EXAMPLES = [0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(reports=histories(), days=st.lists(st.sampled_from(DAYS + [date(2025, 3, 25)]), min_size=1, max_size=3),
       measure=st.sampled_from(["books", "records"]))
def test_the_as_of_state_follows_the_definitions_on_any_history(tiny_con, reports, days, measure):
    _EXAMPLES[0] += 1
    load_reports(tiny_con, reports, f"prop-{_EXAMPLES[0]}")
    low, high = metrics.date_bounds(tiny_con, "99")
    for day in days:
        check_against_reference(tiny_con, reports, metrics.clamp_day(day, (low, high)), measure)


EDGE = [("90001", date(2025, 2, 20), 100, 40, 400, 1000), ("90001", date(2025, 2, 22), 100, 50, None, 1000),
        ("90001", date(2025, 3, 1), 100, 70, 700, None), ("90002", date(2025, 2, 24), 200, 20, 100, 2000),
        ("90002", date(2025, 3, 1), 200, 50, 500, 2000), ("90003", date(2025, 2, 20), 0, 0, None, None)]


@pytest.mark.parametrize("day", [
    date(2025, 2, 20),  # the first report's day (D = a report day)
    date(2025, 2, 21),  # the campaign start, the day after the first report
    date(2025, 2, 27),  # D-7 is a report day (22/02 is not: 20/02 is the week-ago report of 90001)
    date(2025, 3, 1),   # D = a report day, D-7 = 22/02 exactly a report day of 90001
    date(2025, 3, 8),   # D-7 = 01/03, a report day
])
@pytest.mark.parametrize("measure", ["books", "records"])
def test_the_as_of_state_on_the_edge_days(tiny_con, day, measure):
    """A commune that never reports (90004, 90005), records missing on some days (90001: the records measure
    skips the report of 22/02 for the plan's base, not for the latest figures), a target of 0 (90003)."""
    load_reports(tiny_con, EDGE, "edge")
    check_against_reference(tiny_con, EDGE, day, measure)


def test_before_the_first_report_no_commune_has_figures(tiny_con):
    import dataclasses

    load_reports(tiny_con, EDGE, "edge")
    # a view moves such a day to the first report (date_bounds); the state itself still has to be empty
    v = dataclasses.replace(metrics.view(tiny_con, "99", date(2025, 2, 20), exact=True), as_of=date(2025, 2, 19))
    table = metrics.commune_status(tiny_con, v)
    assert table["last_report"].isna().all() and not table["reported_on_day"].any()
    assert table["not_reporting"].all() and table["planned_pct"].isna().all()
    s = metrics.province_totals(tiny_con, v)
    assert s["units_reporting"] == 0 and s["completion_pct"] is None and s["books_total"] == 0
    assert s["projected_finish"] is None and s["units_total"] == 5


def test_the_records_measure_reads_the_latest_report_even_without_records(tiny_con):
    """arg_max_null: the latest report's records figures, even when unknown (90001 on 01/03 gives no records
    target): no completion, though an earlier report had one."""
    load_reports(tiny_con, EDGE, "edge")
    v = metrics.view(tiny_con, "99", date(2025, 3, 1), exact=True, measure="records")
    row = by_code(metrics.commune_status(tiny_con, v)).loc["90001"]
    assert _none(row["books_total"]) is None and _none(row["completion_pct"]) is None
    assert row["records_digitized"] == 700 and row["books_count_total"] == 100
    assert row["base_pct"] == pytest.approx(40.0)  # 20/02, the latest report before the start with both records


# --- the daily trend against a plain reference -------------------------------------------------------------------
# The trend is summed over days from the same history with difference arrays (metrics._daily_sums); here each day
# is a plain loop over the communes: its latest report on or before the day, and a plan whose base is read from
# the commune's whole history (as one plan for the whole trend).

def trend_reference(reports, day, measure, codes, deadline_of):
    def in_measure(r):
        return reference_in_measure(r, measure)

    def pct(r):
        return reference_pct(r, measure)

    out = {"units_reporting": 0, "units_reported_on_day": 0, "books_total": None, "books_digitized": None,
           "records_digitized": None, "planned_books": None}

    def add(name, x):
        if x is not None:
            out[name] = x if out[name] is None else out[name] + x

    for code in codes:
        every = sorted((r for r in reports if r[0] == code), key=lambda r: r[1])
        rows = [r for r in every if r[1] <= day]
        if not rows:
            continue
        last = rows[-1]
        total, done = in_measure(last)
        out["units_reporting"] += 1
        out["units_reported_on_day"] += last[1] == day
        add("books_total", total)
        add("books_digitized", done)
        add("records_digitized", last[4])
        known = [r for r in every if pct(r) is not None]
        pre_known = [r for r in known if r[1] <= START]
        base_pct = pct(pre_known[-1]) if pre_known else (pct(known[0]) if known else None)
        base_date = START if every[0][1] <= START else every[0][1]
        deadline = deadline_of[code]
        if base_date >= deadline or base_pct is None:
            planned = 100.0
        else:
            planned = min(100.0, max(base_pct, base_pct + (100.0 - base_pct) * (day - base_date).days
                                     / (deadline - base_date).days))
        if total is not None:
            add("planned_books", planned * total / 100.0)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(reports=histories(), day=st.sampled_from(DAYS + [date(2025, 3, 25)]),
       measure=st.sampled_from(["books", "records"]), district=st.sampled_from([None, "901", "902"]),
       own=st.sampled_from([None, date(2025, 3, 4), date(2025, 2, 25)]))
def test_the_daily_trend_follows_the_definitions_on_any_history(tiny_con, reports, day, measure, district, own):
    from analytics import queries

    _EXAMPLES[0] += 1
    load_reports(tiny_con, reports, f"trend-{_EXAMPLES[0]}")
    store.set_unit_deadline(tiny_con, "99", "district", "901", own)
    low, high = metrics.date_bounds(tiny_con, "99")
    v = metrics.view(tiny_con, "99", metrics.clamp_day(day, (low, high)), exact=True, measure=measure)
    units = tiny_con.execute(queries.COMMUNES_OF_PROVINCE, ["99"]).df()
    codes = [c for c, d in zip(units["commune_code"], units["district_code"]) if district is None or d == district]
    deadline_of = {c: own if own is not None and d == "901" else DEADLINE
                   for c, d in zip(units["commune_code"], units["district_code"])}
    tr = metrics.trend(tiny_con, v, district)
    assert tr["day"].iloc[-1] == v.as_of  # (the days stop after the last change; D is the last one's copy)
    for row in tr.to_dict("records"):
        want = trend_reference(reports, row["day"], measure, codes, deadline_of)
        for col in ("units_reporting", "units_reported_on_day", "books_total", "books_digitized",
                    "records_digitized"):
            assert _none(row[col]) == want[col], (row["day"], col)
        got = _none(row["planned_books"])
        assert (got is None) == (want["planned_books"] is None), (row["day"], got, want["planned_books"])
        if got is not None:
            assert got == pytest.approx(want["planned_books"], rel=1e-9, abs=1e-9), row["day"]


# --- each commune's days against a plain reference ---------------------------------------------------------------
# The heat map, the sparklines and a commune's own trend read each commune's latest row on or before each day from
# the same history (metrics._commune_days); here each commune and day is a plain loop over its reports.

def days_reference(reports, code, day, measure):
    """(digitized in the measure, records digitized, completion %, reported that day) of ``code`` on ``day``."""
    rows = sorted((r for r in reports if r[0] == code and r[1] <= day), key=lambda r: r[1])
    if not rows:
        return None, None, None, False
    r = rows[-1]
    total, done = (r[5], r[4]) if measure == "records" else (r[2], r[3])
    if measure == "records" and (r[5] is None or r[4] is None):
        total = done = None
    pct = None if total is None else (100.0 if total == 0 else (None if done is None else 100.0 * done / total))
    return done, r[4], pct, r[1] == day


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(reports=histories(), day=st.sampled_from(DAYS + [date(2025, 3, 25)]), days=st.sampled_from([1, 5, 30, 70]),
       measure=st.sampled_from(["books", "records"]),
       scope=st.sampled_from([(None, None), ("901", None), ("902", None), (None, "90003")]))
def test_each_communes_days_follow_the_definitions_on_any_history(tiny_con, reports, day, days, measure, scope):
    from analytics import queries

    _EXAMPLES[0] += 1
    load_reports(tiny_con, reports, f"days-{_EXAMPLES[0]}")
    low, high = metrics.date_bounds(tiny_con, "99")
    v = metrics.view(tiny_con, "99", metrics.clamp_day(day, (low, high)), exact=True, measure=measure)
    district, commune = scope
    units = tiny_con.execute(queries.COMMUNES_OF_PROVINCE, ["99"]).df()
    codes = sorted(c for c, d in zip(units["commune_code"], units["district_code"])
                   if (district is None or d == district) and (commune is None or c == commune))
    got = metrics.commune_daily(tiny_con, v, days, district, commune)
    span = [v.as_of - timedelta(days=days - 1 - k) for k in range(days)]
    assert list(zip(got["commune_code"], got["day"])) == [(c, d) for c in codes for d in span]
    for row in got.to_dict("records"):
        done, records, pct, reported = days_reference(reports, row["commune_code"], row["day"], measure)
        before, records_before, _, _ = days_reference(reports, row["commune_code"], row["day"] - timedelta(days=1),
                                                      measure)
        want_day = None if done is None or before is None else done - before
        want_records = None if records is None or records_before is None else records - records_before
        assert _none(row["books_day"]) == want_day and _none(row["records_day"]) == want_records, row
        assert (_none(row["completion_pct"]) is None) == (pct is None), row
        if pct is not None:
            assert row["completion_pct"] == pytest.approx(pct, rel=1e-12), row
        assert bool(row["reported"]) == reported, row
