"""Charts: the right traces, status colours with labels (never colour alone), legends, Vietnamese formats."""

import math
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


@pytest.mark.parametrize("lang, shown", [("vi", "35,0 %"), ("en", "35.0 %")])
def test_district_ranking_values_beside_the_names_and_the_marked_district(lang, shown):
    """A value printed on a hatched bar (or shrunk into a short one) cannot be read: each value sits next
    to its district's name; the district a page is about is marked; a click still gives the bare name."""
    districts = pd.DataFrame({
        "district_code": ["d1", "d2"], "district": ["A", "B"], "completion_pct": [60.0, 35.0],
        "planned_pct": [60.0, 60.0], "status": ["on_track", "behind"]})
    fig = charts.district_ranking(districts, V, lang, marked="d2")
    assert all(tr.text is None for tr in fig.data if tr.type == "bar")
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext))
    assert ticks["B"] == f"▶ <b>B  {shown}</b>" and ticks["A"].startswith("A  <b>")
    assert sorted(y for tr in fig.data if tr.type == "bar" for y in tr.y) == ["A", "B"]
    unmarked = charts.district_ranking(districts, V, lang)
    assert not any(t.startswith("▶") for t in unmarked.layout.yaxis.ticktext)


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
        "commune_map": charts.commune_map(communes.assign(lat=[15.5, 15.6, 15.7], lon=[108.4, 108.5, 108.6]),
                                          "vi", v=V, title=evil),
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


# --- the commune map ------------------------------------------------------------------


def map_frame():
    return pd.DataFrame({
        "commune_code": ["20335", "20338", "20341", "20344", "20347", "20350"],
        "commune": ["Phường <b>Tân</b> & Thạnh", "Xã A", "Xã B", "Xã C", "Xã D", "Xã E"],
        "district": ["Thành phố Tam Kỳ", "H <i>1</i>", "H1", "H1", "H2", "H2"],
        "lat": [15.58, 15.57, 15.56, None, 15.50, 15.52],
        "lon": [108.48, 108.47, 108.45, 108.40, 108.30, 108.35],
        "books_total": [400, 100, 900, 50, 0, 250],
        "completion_pct": [100.0, 55.0, 20.0, 10.0, None, 71.0],
        "status": ["done", "on_track", "behind", "behind", "no_data", "slightly_behind"],
    })


def test_commune_map_traces_in_status_order_and_only_placed_communes():
    fig = charts.commune_map(map_frame(), "vi", v=V)
    assert [tr.name for tr in fig.data] == [charts.status_label(s, "vi") for s in metrics.STATUS_ORDER]
    assert [tr.marker.color for tr in fig.data] == [charts.STATUS_COLORS[s] for s in metrics.STATUS_ORDER]
    assert len({tr.marker.symbol for tr in fig.data}) == 5  # shape too, never colour alone
    shown = [code for tr in fig.data for code, *_ in tr.customdata]
    assert sorted(shown) == ["20335", "20338", "20341", "20347", "20350"]  # 20344 has no coordinates
    assert fig.layout.meta["missing_coordinates"] == 1 and fig.layout.meta["shown"] == 5
    assert any("1 xã không có tọa độ" in a.text for a in fig.layout.annotations)


def test_commune_map_is_drawn_offline():
    fig = charts.commune_map(map_frame(), "en")
    assert {tr.type for tr in fig.data} == {"scattergl"}  # no scattergeo/scattermapbox/scattermap: no download
    assert not {"geo", "mapbox", "map"} & set(fig.to_plotly_json()["layout"])
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.yaxis.scaleanchor == "x"
    mean_lat = sum([15.58, 15.57, 15.56, 15.50, 15.52]) / 5
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(mean_lat)))


def test_commune_map_sizes_grow_with_the_target():
    frame = map_frame().assign(status="on_track")
    fig = charts.commune_map(frame, "vi", size="books_total")
    tr = fig.data[0]
    target = dict(zip(frame["commune_code"], frame["books_total"]))
    pairs = sorted((target[c[0]], s) for c, s in zip(tr.customdata, tr.marker.size))
    sizes = [s for _, s in pairs]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert charts.map_sizes(pd.Series([0, 100, 400]), max_px=20, min_px=4) == [4.0, 12.0, 20.0]  # area ∝ target


def test_commune_map_hover_shows_names_as_text():
    fig = charts.commune_map(map_frame(), "vi")
    done = fig.data[0]
    assert done.customdata[0][1] == "Phường &lt;b&gt;Tân&lt;/b&gt; &amp; Thạnh"
    on_track = fig.data[1]
    assert on_track.customdata[0][2] == "H &lt;i&gt;1&lt;/i&gt;"
    assert on_track.customdata[0][3] == "55,0 %"
    assert "<b>Tân" not in fig.to_json()


def test_commune_map_national_uses_province_and_records():
    frame = map_frame().drop(columns=["district"]).assign(province="Thành phố Đà Nẵng",
                                                          records_total=[1, 2, 3, 4, 5, 6])
    fig = charts.commune_map(frame, "en", size="records_total")
    assert fig.data[0].customdata[0][2] == "Thành phố Đà Nẵng"
    assert "Records in total" in fig.data[0].hovertemplate


def test_commune_map_frames_out_a_far_island():
    lat = [15.5 + 0.02 * i for i in range(20)] + [16.5]
    lon = [108.2 + 0.02 * i for i in range(20)] + [112.0]
    frame = pd.DataFrame({"commune_code": [f"{i:05d}" for i in range(21)],
                          "commune": [f"Xã {i}" for i in range(20)] + ["Đặc khu Hoàng Sa"],
                          "province": "Thành phố Đà Nẵng", "lat": lat, "lon": lon, "books_total": 10,
                          "completion_pct": 50.0, "status": "on_track"})
    fig = charts.commune_map(frame, "vi")
    assert fig.layout.meta["off_frame"] == ["Đặc khu Hoàng Sa"]
    assert fig.layout.xaxis.range[1] < 112.0  # framed on the mainland ...
    assert len(fig.data[0].x) == 21  # ... yet still drawn


def test_commune_map_goes_through_the_image_path():
    from analytics import images

    fig = charts.commune_map(map_frame(), "vi", v=V)
    meta = images.ImageMeta(as_of=V.as_of, place="Tỉnh Quảng Nam", demo=True, lang="vi")
    out = images.annotate(fig, meta)
    shown = [a.text for a in out.layout.annotations]
    assert out.layout.title.text == "<b>Bản đồ tiến độ các xã</b>"
    assert out.layout.title.subtitle.text == "Tỉnh Quảng Nam · Số liệu đến 05/03/2025"
    assert "DỮ LIỆU MẪU" in shown and "1 xã không có tọa độ nên không hiện trên bản đồ" in shown
    assert len(out.data) == len(fig.data) and out.layout.yaxis.scaleanchor == "x"
    assert out.layout.meta["missing_coordinates"] == 1
    out.to_json()  # serializable for st.plotly_chart and kaleido
