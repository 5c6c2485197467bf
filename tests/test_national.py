"""The country: provinces ranked in either structure of 2025, national totals, the maps, and the pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import ingest, metrics, national, store, structures
from support import csv_bytes

DAY = date(2025, 3, 5)


def test_country_in_the_list_of_1_january_2025(demo_con):
    c = national.country(demo_con, "2025-01", DAY)
    assert len(c.provinces) == 63 and c.structure.key == "2025-01"
    first = c.provinces.iloc[0]
    s = metrics.summary(demo_con, "Quảng Nam", DAY)
    assert first["province"] == "Tỉnh Quảng Nam"
    assert first["completion_pct"] == pytest.approx(s["completion_pct"])
    assert first["books_digitized"] == s["books_digitized"]
    assert (c.provinces.iloc[1:]["status"] == "no_data").all()
    assert c.totals["books_digitized"] == s["books_digitized"] and c.totals["provinces_reporting"] == 1
    assert c.trend["day"].max() == DAY


@pytest.mark.parametrize("measure", [None, "records", "books"])
def test_country_in_the_list_of_1_july_2025_rolls_up_into_da_nang(demo_con, measure):
    c = national.country(demo_con, "2025-07", DAY, measure=measure)
    assert len(c.provinces) == 34
    assert c.view.measure == (measure or "records")  # the demo counts in records, in either structure
    with_figures = c.provinces[c.provinces["status"] != "no_data"]
    assert list(with_figures["province"]) == ["Thành phố Đà Nẵng"]
    quang_nam = metrics.summary(demo_con, "Quảng Nam", DAY, measure=measure)
    # every commune of Quảng Nam went into Đà Nẵng; a split one counts once
    assert with_figures.iloc[0]["books_digitized"] == quang_nam["books_digitized"]
    assert with_figures.iloc[0]["books_total"] == quang_nam["books_total"]


def test_two_provinces_ranked_and_summed(demo_con):
    hue = structures.resolve_province(demo_con, "Huế", DAY)
    commune = demo_con.execute("SELECT ref_code FROM units WHERE level = 'commune' AND province_code = ? "
                               "ORDER BY sort_order LIMIT 1", [hue]).fetchone()[0]
    rows = [["2025-03-05", commune, 1000, 990]]
    prep = ingest.prepare(demo_con, csv_bytes(["report_date", "commune_code", "books_total", "books_digitized"], rows),
                          "hue.csv", today=date(2025, 3, 6))
    assert prep.ok, [p.as_dict() for p in prep.errors]
    ingest.commit(demo_con, prep)  # the first real upload replaces the demo: Huế alone has figures now
    c = national.country(demo_con, "2025-01", DAY)
    top = c.provinces.iloc[0]
    assert top["province"] == "Thành phố Huế" and top["completion_pct"] == pytest.approx(99.0)
    assert c.totals["provinces_reporting"] == 1 and c.totals["books_total"] == 1000


def test_map_frames(demo_con):
    c = national.country(demo_con, "2025-01", DAY)
    frame = national.map_frame(demo_con, c)
    assert len(frame) == 10035
    assert frame["lat"].notna().sum() > 9000
    assert set(frame["status"]) <= set(metrics.STATUS_ORDER) and (frame["status"] != "no_data").sum() == 232
    v = metrics.view(demo_con, "Quảng Nam", DAY)
    province = metrics.map_frame(demo_con, v)
    assert len(province) == 233 and province["lat"].notna().sum() > 200


@pytest.mark.parametrize("page, charts", [("views/national.py", 3), ("views/map.py", 1)])
def test_pages(monkeypatch, demo_template, tmp_path, page, charts):
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == charts
    if page.endswith("national.py"):
        assert len(at.dataframe[0].value) == 63
        assert at.dataframe[0].value.iloc[0, 1] == "Tỉnh Quảng Nam"
        # in the list of 1 Jul 2025: 34 provinces, Đà Nẵng holds the figures
        at.sidebar.selectbox(key="structure_select").set_value("2025-07").run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.dataframe[0].value) == 34
        assert at.dataframe[0].value.iloc[0, 1] == "Thành phố Đà Nẵng"
        with store.session(path) as con:
            expected = metrics.summary(con, "Quảng Nam", DAY)["completion_pct"]
        assert at.dataframe[0].value.iloc[0, 3] == pytest.approx(round(expected, 1))


@pytest.mark.parametrize("size", [1, 32])
def test_the_memoized_country_is_the_computed_one(demo_con, monkeypatch, size):
    """The country page is kept per data version and day, its provinces' histories and daily sums apart
    (a small memo must drop answers, never give wrong ones); each caller gets frames of its own."""
    import pandas as pd

    days = [DAY, date(2025, 2, 26), DAY, date(2025, 2, 20)]
    monkeypatch.setattr(metrics, "MEMO_SIZE", 0)
    plain = [national.country(demo_con, key, d) for key in ("2025-01", "2025-07") for d in days]
    maps = [national.map_frame(demo_con, c) for c in plain]
    monkeypatch.setattr(metrics, "MEMO_SIZE", size)
    metrics._MEMO.clear()
    try:
        for _ in range(2):
            memo = [national.country(demo_con, key, d) for key in ("2025-01", "2025-07") for d in days]
            for a, b, m in zip(memo, plain, maps):
                pd.testing.assert_frame_equal(a.provinces, b.provinces)
                pd.testing.assert_frame_equal(a.trend, b.trend)
                assert a.totals == b.totals and a.as_of == b.as_of
                pd.testing.assert_frame_equal(national.map_frame(demo_con, a), m)
        memo[0].provinces.loc[0, "books_total"] = -1  # a caller's change stays its own
        assert national.country(demo_con, "2025-01", DAY).provinces.loc[0, "books_total"] != -1
    finally:
        metrics._MEMO.clear()
