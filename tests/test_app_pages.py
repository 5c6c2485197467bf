"""The pages in Streamlit's AppTest, on the demo data and on an empty database: every page and every sidebar
control, with the figures on the page checked against the analytics functions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import metrics, present, store
from analytics.i18n import t
from analytics.units import display_code

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["views/overview.py", "views/localities.py", "views/underperformers.py", "views/settings.py", "views/cutoff.py"]


def demo_ids(path: Path) -> tuple[str, dict[str, str]]:
    """The demo province's id and its districts' ids by official code (ids carry their unit structure)."""
    with store.session(path) as con:
        v = metrics.view(con)
        return v.province, {display_code(c): c for c in metrics.district_options(con, v.province)["district_code"]}


def app(monkeypatch, path: Path, auto_demo: str = "0", **params: str) -> AppTest:
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", auto_demo)
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_kpis(path: Path, as_of: date | None = None, district: str | None = None, lang: str = "vi",
                  measure: str | None = None):
    district = demo_ids(path)[1].get(district, district) if district else None
    with store.session(path) as con:
        v = metrics.view(con, None, as_of, measure=measure)
        return present.overview_kpis(metrics.overview(con, v, district), lang)


def assert_overview(at: AppTest, k: dict[str, str], lang: str = "vi", measure: str = "records") -> None:
    got = metric_values(at)
    assert got[t("kpi.completion", lang)] == k["completion"]
    assert got[t("kpi.books_short", lang, measure=measure)] == k["books_done"]
    assert got[t("kpi.completed", lang)] == k["completed"]
    label = next(x for x in got if x.startswith(("Xã báo cáo", "Communes reporting")))
    assert label != t("kpi.reporting", lang)  # the demo's day is not today: the card says which day
    assert got[label] == k["reporting"]
    assert got[t("kpi.days_left", lang)] == k["days_left"]
    assert got[t("kpi.required_short", lang, measure=measure)] == k["required_value"]
    assert got[t("kpi.recent_short", lang, measure=measure)] == k["recent_value"]
    assert got[t("kpi.projected", lang)] == k["projected"]


def test_overview_on_demo(monkeypatch, demo_file):
    at = ok(app(monkeypatch, demo_file))
    assert at.title[0].value == t("overview.title")
    assert any(w.value == t("app.demo_banner") for w in at.warning)
    k = expected_kpis(demo_file)
    assert_overview(at, k)
    # the demo on 05/03/2025, counted in records (the campaign's measure): 1.029.948 of 1.443.893
    assert k["completion"] == "71,3 %" and k["books_done"] == "1.029.948"
    assert at.sidebar.radio(key="measure_select").value == "records" and "measure" not in at.query_params
    assert len(at.get("plotly_chart")) == 3  # burn-up, daily progress, district ranking
    assert at.sidebar.text_input(key="as_of_input").value == date(2025, 3, 5).strftime("%d/%m/%Y")


def test_sidebar_controls_and_url(monkeypatch, demo_file):
    at = ok(app(monkeypatch, demo_file, lang="en"))
    assert at.title[0].value == "Progress overview" and at.sidebar.selectbox(key="lang_select").value == "en"
    at.sidebar.text_input(key="as_of_input").input("01/03/2025").run()
    ok(at)
    assert at.query_params["as_of"] == "2025-03-01"
    assert_overview(at, expected_kpis(demo_file, date(2025, 3, 1), lang="en"), "en")
    at.sidebar.selectbox(key="district_select").set_value(demo_ids(demo_file)[1]["503"]).run()
    ok(at)
    assert at.query_params["district"] == "503"  # the URL holds the code people write
    assert_overview(at, expected_kpis(demo_file, date(2025, 3, 1), "503", "en"), "en")
    at.sidebar.radio(key="measure_select").set_value("books").run()
    ok(at)
    assert at.query_params["measure"] == "books"  # not the campaign's measure: the link says so
    assert "Books digitized" in metric_values(at) and "Records digitized" not in metric_values(at)
    assert_overview(at, expected_kpis(demo_file, date(2025, 3, 1), "503", "en", "books"), "en", "books")
    at.sidebar.radio(key="measure_select").set_value("records").run()
    ok(at)
    assert "measure" not in at.query_params and "Records digitized" in metric_values(at)
    # back to the defaults: the URL is clean again; then the language
    at.sidebar.selectbox(key="district_select").set_value("").run()
    assert "district" not in at.query_params
    at.sidebar.selectbox(key="lang_select").set_value("vi").run()
    ok(at)
    assert at.title[0].value == t("overview.title") and "lang" not in at.query_params
    assert at.query_params["as_of"] == "2025-03-01"


@pytest.mark.parametrize("measure", ["records", "books"])
def test_a_pasted_link_opens_the_same_view(monkeypatch, demo_file, measure):
    at = ok(app(monkeypatch, demo_file, lang="en", as_of="2025-02-27", district="503", measure=measure))
    assert at.sidebar.selectbox(key="lang_select").value == "en"
    assert at.sidebar.text_input(key="as_of_input").value == date(2025, 2, 27).strftime("%d/%m/%Y")
    assert at.sidebar.selectbox(key="district_select").value == demo_ids(demo_file)[1]["503"]
    assert at.sidebar.radio(key="measure_select").value == measure
    assert_overview(at, expected_kpis(demo_file, date(2025, 2, 27), "503", "en", measure), "en", measure)


def test_province_control_when_several(monkeypatch, own_demo, tmp_path):
    from support import write_units_csv

    with store.session(own_demo) as con:
        store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "u.csv")))
    at = ok(app(monkeypatch, own_demo))
    box = at.sidebar.selectbox(key="province_select")
    assert box.value == demo_ids(own_demo)[0] and box.options[0] == "Tỉnh Quảng Nam"  # the one with reports
    at.sidebar.selectbox(key="structure_select").set_value("2024").run()  # the list the tiny province is in
    ok(at)
    at.sidebar.selectbox(key="province_select").set_value("99").run()
    ok(at)
    assert at.query_params["province"] == "99" and at.query_params["structure"] == "2024"
    assert any(i.value == t("app.no_data") for i in at.info)


def test_localities_tables_and_commune_detail(monkeypatch, demo_file):
    at = app(monkeypatch, demo_file)
    at.switch_page("views/localities.py").run()
    ok(at)
    with store.session(demo_file) as con:
        v = metrics.view(con)
        districts = metrics.district_league(con, v)
        communes = metrics.commune_league(con, v)
    # the districts tab opens first; only the open tab is drawn
    district_table = at.dataframe[0].value
    assert district_table.iloc[0, 1] == t("loc.province_average")
    assert district_table.iloc[1, 1] == districts.iloc[0]["district"]
    assert len(district_table) == len(districts) + 1
    assert "tab" not in at.query_params  # the default tab leaves the URL clean
    # a district clicked on the ranking chart (kept in the session): its communes under the chart, worst first
    d503 = demo_ids(demo_file)[1]["503"]
    at.session_state["loc_drill"] = d503
    at.run()
    ok(at)
    assert any(h.value == "Các xã của Thành phố Hội An" for h in at.subheader)
    assert at.query_params["drill"] == "503"
    drill = at.dataframe[1].value
    assert set(drill.iloc[1:, 2]) == {"Thành phố Hội An"}
    assert len(drill) == 1 + int((communes["district_code"] == d503).sum())
    gaps = list(drill.iloc[1:][t("col.gap")].fillna(1e9))
    assert gaps == sorted(gaps, reverse=True)  # sorted by gap, not by name
    next(b for b in at.button if b.label == t("loc.drill_clear")).click().run()
    assert not any(h.value.startswith("Các xã của") for h in at.subheader)
    assert "drill" not in at.query_params
    # the communes tab (bound to the URL), filters, the select box drills too, then one commune
    at.session_state["loc_tab"] = t("loc.tab_communes")
    at.run()
    ok(at)
    assert at.query_params["tab"] == "xa"
    commune_table = at.dataframe[0].value
    assert len(commune_table) == len(communes) + 1
    at.selectbox(key="cl_filter").set_value("bottom")
    at.number_input(key="cl_n").set_value(5).run()
    ok(at)
    assert list(at.dataframe[0].value.iloc[1:, 1]) == list(communes[communes["completion_pct"].notna()]
                                                             .tail(5).iloc[::-1]["commune"])
    at.selectbox(key="loc_district").set_value(d503).run()
    ok(at)
    assert at.query_params["communes_of"] == "503"
    assert set(at.dataframe[0].value.iloc[1:, 2]) == {"Thành phố Hội An"}
    code = communes[communes["district_code"] == d503].iloc[0]["commune_code"]
    at.selectbox(key="loc_commune").set_value(code).run()
    ok(at)
    assert at.query_params["commune"] == code
    row = communes.set_index("commune_code").loc[code]
    assert metric_values(at)[t("kpi.completion")] == present.fmt_pct(row["completion_pct"])
    assert len(at.get("plotly_chart")) >= 1  # the commune's trend
    for tab in ("loc.tab_treemap", "loc.tab_heatmap"):
        at.session_state["loc_tab"] = t(tab)
        at.run()
        ok(at)
        assert len(at.get("plotly_chart")) == 1


def test_localities_link_opens_tab_drill_and_commune(monkeypatch, demo_file):
    """A pasted link: the tab, the communes' district and the commune come from the URL."""
    d503 = demo_ids(demo_file)[1]["503"]
    with store.session(demo_file) as con:
        communes = metrics.commune_league(con, metrics.view(con), d503)
    code = communes.iloc[0]["commune_code"]
    at = app(monkeypatch, demo_file, tab="xa", communes_of="503", commune=code)
    at.switch_page("views/localities.py").run()
    ok(at)
    assert at.session_state["loc_district"] == d503 and at.session_state["loc_commune"] == code
    assert metric_values(at)[t("kpi.completion")] == present.fmt_pct(communes.iloc[0]["completion_pct"])


def test_underperformers_list_explanation_and_exports(monkeypatch, own_demo):
    at = app(monkeypatch, own_demo)
    at.switch_page("views/underperformers.py").run()
    ok(at)
    with store.session(own_demo) as con:
        expected = metrics.underperformers_full(con, metrics.view(con))
    # first the brief's short list, in the brief's order; then every flagged commune
    from analytics import brief

    with store.session(own_demo) as con:
        worst = brief.gather(con).worst
    assert list(at.dataframe[0].value[t("col.commune")]) == list(worst["commune"])
    table = at.dataframe[1].value
    assert len(table) == len(expected)
    assert list(table[t("col.commune_code")]) == [display_code(c) for c in expected["commune_code"]]
    assert len(at.get("download_button")) == 2
    code = expected.iloc[0]["commune_code"]
    at.selectbox(key="explain_commune").set_value(code)
    at.text_area(key="explain_reason").input("Thiếu cán bộ")
    at.text_input(key="explain_responsible").input("Bà B")
    next(b for b in at.button if b.label == t("explain.save")).click().run()
    ok(at)
    with store.session(own_demo) as con:
        notes = store.explanations(con, demo_ids(own_demo)[0], code)
    assert list(notes["reason"]) == ["Thiếu cán bộ"] and notes.iloc[0]["responsible"] == "Bà B"
    assert any(s.value.startswith("Đã lưu giải trình") for s in at.success)
    assert "Thiếu cán bộ" in at.dataframe[1].value.iloc[0][t("col.explanation")]


def test_settings_saved_through_the_store(monkeypatch, own_demo):
    at = app(monkeypatch, own_demo)
    at.switch_page("views/settings.py").run()
    ok(at)
    at.number_input(key="set_amber").set_value(5.0)
    at.number_input(key="set_window").set_value(4)
    at.selectbox(key="set_calendar").set_value("weekdays")
    at.number_input(key="set_jump").set_value(30.0)
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    ok(at)
    with store.session(own_demo) as con:
        v = metrics.view(con)
        assert (v.amber, v.window, metrics.calendar(con, v.province)) == (5.0, 4, "weekdays")
        from analytics import ingest

        assert ingest.jump_pct(con, v.province) == 30.0
    # a start after the deadline is refused, nothing changes
    at.text_input(key="set_start").input("01/04/2025").run()
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    assert any("phải trước hạn chót" in e.value for e in at.error)
    with store.session(own_demo) as con:
        assert store.get_campaign(con, metrics.view(con).province).start == date(2025, 2, 21)


def test_every_page_on_an_empty_database(monkeypatch, tmp_path):
    at = ok(app(monkeypatch, tmp_path / "empty.duckdb"))
    assert any(i.value == t("app.no_data") for i in at.info)
    assert not any(w.value == t("app.demo_banner") for w in at.warning)
    for page in PAGES[1:]:
        at.switch_page(page).run()
        ok(at)


@pytest.mark.parametrize("url_path", ["cham-tien-do", "dia-ban", "tong-quan"])
def test_deep_link_as_the_first_request_of_a_process(monkeypatch, demo_file, url_path):
    """A link such as http://localhost:8501/cham-tien-do opened right after a restart shows its page, with no
    "Page not found". With a folder named pages/ next to app.py, Streamlit ran the first session of a process
    in its old folder mode, where these url paths do not exist (the page scripts live in views/)."""
    import functools

    from streamlit.commands import navigation
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import local_script_runner

    not_found = []
    real = navigation.send_page_not_found
    monkeypatch.setattr(navigation, "send_page_not_found", lambda ctx: not_found.append(url_path) or real(ctx))
    # the browser's first request names the page by its url path, as a deep link does
    monkeypatch.setattr(local_script_runner, "RerunData", functools.partial(RerunData, page_name=url_path))
    at = ok(app(monkeypatch, demo_file))  # AppTest starts from a fresh page registry, as a new process does
    assert not not_found
    page = at._registered_pages[at._finished_page_script_hash]  # the page that ran
    assert page["url_pathname"] == url_path
    assert not (Path(APP).parent / "pages").exists()


def test_settings_choose_the_campaign_measure_and_the_sidebar_follows(monkeypatch, own_demo):
    at = app(monkeypatch, own_demo)
    at.switch_page("views/settings.py").run()
    ok(at)
    assert at.radio(key="set_measure").value == "records"  # the demo counts in records
    at.radio(key="set_measure").set_value("books")
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    ok(at)
    with store.session(own_demo) as con:
        assert store.default_measure(con, metrics.view(con).province) == "books"
    fresh = ok(app(monkeypatch, own_demo))  # a new visitor: the campaign's measure now
    assert fresh.sidebar.radio(key="measure_select").value == "books" and "measure" not in fresh.query_params
    assert t("kpi.books_short") in metric_values(fresh)


def test_localities_downloads_are_built_when_clicked_and_hold_the_tables(monkeypatch, demo_file):
    """The CSV buttons hand Streamlit a function (called on a click, not at every rerun): it gives the
    table on screen and the weekly roll-up of the view."""
    import csv
    import io

    import streamlit as st

    from analytics import closing

    made = {}
    real = st.download_button

    def spy(label, data, *args, **kwargs):
        made[kwargs.get("key")] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    at = app(monkeypatch, demo_file)
    at.switch_page("views/localities.py").run()
    ok(at)
    assert callable(made["dl_csv"]) and callable(made["weekly_csv"])
    with store.session(demo_file) as con:
        v = metrics.view(con)
        districts = metrics.district_league(con, v)
        weekly = closing.weekly_csv(closing.weekly(con, v), "vi", v.measure)
    assert made["weekly_csv"]() == weekly
    rows = list(csv.reader(io.StringIO(made["dl_csv"]().decode("utf-8-sig")), delimiter=";"))  # Vietnamese CSV
    shown = at.dataframe[0].value
    assert len(rows) == 1 + len(shown) == 2 + len(districts)  # the header, the province average, each district
    assert [c for c in shown.columns if c in rows[0]] == rows[0] and len(rows[0]) == len(shown.columns) - 1  # no sparkline
    assert {r[rows[0].index(t("col.district"))] for r in rows[2:]} == set(districts["district"])
