"""Charts: the right traces, status colours with labels (never colour alone), legends, Vietnamese formats."""

from datetime import date

import pandas as pd
import pytest

from analytics import charts, metrics, safetext
from analytics.metrics import View
from support import HOSTILE_MARKUP, figure_strings, markup_problems

V = View("99", date(2025, 3, 5), date(2025, 3, 1), date(2025, 3, 11), "Đợt thử")


def trend_frame():
    days = [date(2025, 3, d) for d in range(1, 6)]
    return pd.DataFrame({
        "day": days, "units_reporting": [4] * 5, "units_reported_on_day": [4, 1, 1, 0, 2],
        "books_total": [450.0] * 5, "books_digitized": [100.0, 110, 130, 130, 190],
        "records_digitized": [0.0, 50, 80, 80, 100],
        "completion_pct": [100 * x / 450 for x in (100, 110, 130, 130, 190)],
        "planned_pct": [22.2, 30, 38, 46, 53.3],
        "digitized_per_day": [None, 10, 20, 0, 60], "avg7_per_day": [None, 10, 15, 10, 22.5],
    })


def test_burnup_plan_actual_projection_goal_deadline():
    s = {"completion_pct": 100 * 190 / 450, "recent_per_day": 18.0, "books_total": 450}
    fig = charts.burnup(trend_frame(), V, s, "vi")
    names = [tr.name for tr in fig.data]
    assert "Kế hoạch" in names and "Thực tế" in names and "Dự báo theo tốc độ hiện tại" in names
    projection = next(tr for tr in fig.data if tr.name == "Dự báo theo tốc độ hiện tại")
    # 6 days at 18 books/day on 450 books: +24 points
    assert list(projection.y) == pytest.approx([100 * 190 / 450, 100 * 190 / 450 + 24.0])
    assert fig.layout.shapes[0].y0 == 100  # the goal line
    assert any("11/03/2025" in a.text for a in fig.layout.annotations)  # the deadline, day first
    assert fig.layout.separators == ",."


def test_daily_progress_books_and_records():
    fig = charts.daily_progress_measure(trend_frame(), V, "vi", "books")
    assert list(fig.data[0].y) == [10, 20, 0, 60]
    rec = charts.daily_progress_measure(trend_frame(), V, "en", "records")
    assert list(rec.data[0].y) == [50, 30, 0, 20]
    assert rec.data[0].name == "Records digitized per day"


def test_district_ranking_status_legend_and_planned_marker():
    districts = pd.DataFrame({
        "district": ["A", "B", "C"], "completion_pct": [100.0, 35.0, 50.0], "planned_pct": [60.0, 60.0, 55.0],
        "status": ["done", "behind", "slightly_behind"]})
    fig = charts.district_ranking(districts, V, "vi")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [tr.name for tr in bars] == ["✔ Đã hoàn thành", "▲ Chậm ≤ 10 điểm", "■ Chậm > 10 điểm"]
    assert [tr.marker.color for tr in bars] == [charts.STATUS_COLORS[s] for s in ("done", "slightly_behind", "behind")]
    assert bars[2].marker.pattern.shape == "x"  # colour is never the only signal
    assert list(fig.layout.yaxis.categoryarray) == ["B", "C", "A"]  # sorted, best on top
    assert fig.data[-1].name == "Kế hoạch đến ngày"


def test_treemap_hierarchy_and_legend():
    communes = pd.DataFrame({
        "commune_code": ["1", "2", "3"], "commune": ["X1", "X2", "X3"], "district_code": ["d1", "d1", "d2"],
        "district": ["H1", "H1", "H2"], "books_total": [100, 300, 0], "books_digitized": [100, 30, 0],
        "completion_pct": [100.0, 10.0, 100.0], "planned_pct": [50.0, 50.0, 100.0],
        "status": ["done", "behind", "done"]})
    fig = charts.treemap(communes, V, "Tỉnh Thử", "vi")
    tm = fig.data[0]
    assert list(tm.ids) == ["p:99", "d:d1", "c:1", "c:2"]  # a commune without books has no area
    assert list(tm.values) == [400, 400, 100, 300]
    assert tm.labels[2] == "✔ X1" and tm.labels[3] == "■ X2"
    assert tm.labels[1].startswith("■ H1")  # 130/400 = 32,5 % against 50 % planned
    assert tm.text[1] == "32,5 %"
    assert [tr.name for tr in fig.data[1:]] == ["✔ Đã hoàn thành", "■ Chậm > 10 điểm"]


def test_heatmap_puts_stalled_communes_first():
    days = [date(2025, 3, d) for d in (3, 4, 5)]
    daily = pd.DataFrame({
        "commune_code": ["1"] * 3 + ["2"] * 3 + ["3"] * 3, "day": days * 3,
        "books_day": [5.0, 5, 5, 9, 0, 0, None, None, None], "records_day": [None] * 9})
    names = pd.DataFrame({"commune_code": ["1", "2", "3"], "commune": ["A", "B", "C"], "district": ["H"] * 3})
    fig = charts.heatmap(daily, names, V, "vi")
    assert list(fig.data[0].y) == ["C (H)", "B (H)", "A (H)"]
    assert fig.data[0].z[1].tolist() == [9, 0, 0]


def test_status_classification_thresholds():
    assert metrics.classify(100.0, 80.0) == "done"
    assert metrics.classify(80.0, 80.0) == "on_track"
    assert metrics.classify(70.0, 80.0) == "slightly_behind"  # exactly 10 points
    assert metrics.classify(69.9, 80.0) == "behind"
    assert metrics.classify(69.9, 80.0, amber=15) == "slightly_behind"
    assert metrics.classify(None, 80.0) == "no_data"


# --- names from files are text, never plotly markup ------------------------------------------------------


@pytest.mark.parametrize("evil", HOSTILE_MARKUP)
def test_every_chart_shows_hostile_names_as_text(evil):
    vn = "Xã An Hòa"
    districts = pd.DataFrame({"district": [evil, "Huyện Điện Bàn"], "completion_pct": [35.0, 100.0],
                              "planned_pct": [60.0, 60.0], "status": ["behind", "done"]})
    communes = pd.DataFrame({
        "commune_code": ["1", "2", "3"], "commune": [evil, vn, evil + "2"], "district_code": ["d1", "d1", "d2"],
        "district": [evil, evil, "Huyện Điện Bàn"], "books_total": [100, 300, 50], "books_digitized": [100, 30, 0],
        "completion_pct": [100.0, 10.0, 0.0], "planned_pct": [50.0, 50.0, 50.0],
        "status": ["done", "behind", "behind"]})
    days = [date(2025, 3, d) for d in (4, 5)]
    daily = pd.DataFrame({"commune_code": ["1", "1", "2", "2"], "day": days * 2, "books_day": [1.0, 0, 2, 3],
                          "records_day": [None] * 4})
    s = {"completion_pct": 42.0, "recent_per_day": 18.0, "books_total": 450}
    figures = {
        "district_ranking": charts.district_ranking(districts, V, "vi"),
        "treemap": charts.treemap(communes, V, evil, "vi"),
        "heatmap": charts.heatmap(daily, communes, V, "vi"),
        "commune_trend": charts.commune_trend(trend_frame(), V, evil, "vi"),
        "burnup": charts.burnup(trend_frame(), V, s, "vi", title=f"Tiến độ {evil}"),
        "daily": charts.daily_progress_measure(trend_frame(), V, "vi", "records", title=evil),
    }
    for name, fig in figures.items():
        assert markup_problems(fig) == [], name
        strings = figure_strings(fig)
        assert any(safetext.markup(evil) in x for x in strings), name  # the name is there, escaped
    ranking = figures["district_ranking"]
    assert list(ranking.layout.yaxis.categoryarray) == [safetext.markup(evil), "Huyện Điện Bàn"]
    shown = sorted(safetext.unmarkup(y) for tr in ranking.data[:-1] for y in tr.y)
    assert shown == sorted([evil, "Huyện Điện Bàn"])  # a clicked bar gives the name back
    tm = figures["treemap"].data[0]
    assert f"■ {vn}" in tm.labels  # Vietnamese untouched
    assert figures["heatmap"].data[0].y[-1] == f"{vn} ({safetext.markup(evil)})"
