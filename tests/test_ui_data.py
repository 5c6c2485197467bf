"""ui.data: one cache for every page's figures, keyed on the database, its data version and the arguments."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from datetime import date
from pathlib import Path

import pytest

from analytics import ingest, metrics, store
from support import csv_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ui  # noqa: E402

HEADER = ["report_date", "commune_code", "books_total", "books_digitized"]


def _count(con: store.Connection) -> int:
    return store.report_count(con)


@pytest.fixture
def tiny(tiny_con, db_path, monkeypatch):
    monkeypatch.setenv("HOTICH_DB", str(db_path))
    return tiny_con


def _upload(con, day: str, digitized: int) -> None:
    data = csv_bytes(HEADER, [[day, "90001", 100, digitized], [day, "90002", 50, digitized // 2]])
    result = ingest.ingest_file(con, data, f"bao-cao-{day}.csv")
    assert result.rows == 2


def test_a_new_upload_gives_new_data(tiny):
    first = ui.current()
    assert ui.data(_count, at=first) == 0
    _upload(tiny, "2025-03-01", 40)
    after = ui.current()
    assert after.version > first.version and after.path == first.path
    assert ui.data(_count, at=after) == 2  # the new version is read, not the cached 0
    assert ui.data(_count, at=first) == 0  # each version keeps its own answer


def test_the_same_version_is_served_from_the_cache(tiny):
    _upload(tiny, "2025-03-01", 40)
    at = ui.current()
    assert ui.data(_count, at=at) == 2
    tiny.execute("DELETE FROM reports")  # behind the version's back: no write of the app does this
    assert ui.data(_count, at=at) == 2
    assert ui.data(_count, at=ui.At(at.path, at.version + 1)) == 0


def test_arguments_and_scope_are_part_of_the_key(tiny):
    _upload(tiny, "2025-03-01", 40)
    _upload(tiny, "2025-03-03", 80)
    at = ui.current()
    early, late = ui.Scope("99", date(2025, 3, 1)), ui.Scope("99", date(2025, 3, 3))
    o1, o3 = ui.data(metrics.overview, early, None, at=at), ui.data(metrics.overview, late, None, at=at)
    v = metrics.view(tiny, "99", date(2025, 3, 3), exact=True)
    assert o3 == metrics.overview(tiny, v, None)  # the Scope became the View inside the session
    assert o1["completion_pct"] < o3["completion_pct"]
    assert ui.data(metrics.overview, late, "901", at=at) == metrics.overview(tiny, v, "901")
    assert ui.view(late, at=at) == v


def test_a_view_argument_is_one_field_of_scope():
    """Every Scope field is an argument of metrics.view and a field of the sidebar's state: adding one (the
    measure, say) is one line in Scope, and every cached answer is keyed on it."""
    params = inspect.signature(metrics.view).parameters
    sidebar = {f.name for f in dataclasses.fields(ui.Sidebar)}
    for f in dataclasses.fields(ui.Scope):
        assert f.name in params
        assert f.name in sidebar or f.default is not dataclasses.MISSING, f.name
    state = ui.Sidebar("x.duckdb", 3, "99", date(2025, 3, 1), "vi", False, district="901")
    assert (state.scope.province, state.scope.as_of, state.scope.exact) == ("99", date(2025, 3, 1), True)
    for f in dataclasses.fields(ui.Scope):  # the sidebar's value of each field it holds goes into the key
        if f.name in sidebar:
            assert getattr(state.scope, f.name) == getattr(state, f.name)


def test_read_is_not_cached(tiny):
    at = ui.current()
    assert ui.read(_count, at=at) == 0
    _upload(tiny, "2025-03-01", 40)
    assert ui.read(_count, at=at) == 2  # read now, whatever the version said


def test_pages_open_no_store_session():
    """Pages say what they show; the ui package reads and writes for them."""
    for path in sorted((ROOT / "views").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for word in ("store.", "session(", "connect(", "transaction("):
            assert word not in text, (path.name, word)


def test_only_a_module_s_named_functions_are_cached(tiny):
    """Two lambdas (or two local helpers of one name) would share their answers: refused."""
    def local(con):
        return 2

    for fn in (lambda con: 1, local):
        with pytest.raises(ValueError):
            ui.data(fn, at=ui.current())


# --- charts and frames built from answers (ui.chart, ui.built): cached with the answers they come from ---


def _drawn(recipe: ui.Ask, at: ui.At, day: date, lang: str = "vi") -> str:
    """The chart as the page draws it (cached), as the JSON the browser gets."""
    import plotly.io as pio

    from analytics import images
    from ui.charts import drawn_chart

    meta = images.ImageMeta(as_of=day, place="Tỉnh Thử", lang=lang)
    return pio.to_json(ui.built(drawn_chart, recipe, meta, at=at)["figure"], validate=False)


def _burnup(scope: ui.Scope, district: str | None = None, lang: str = "vi") -> ui.Ask:
    from analytics import charts

    return ui.chart(charts.burnup, ui.ask(metrics.trend, scope, district), scope,
                    ui.ask(metrics.overview, scope, district), lang)


def test_a_chart_asked_for_is_the_chart_built_from_the_answers(tiny):
    import plotly.io as pio

    from analytics import charts

    _upload(tiny, "2025-03-01", 40)
    at, scope = ui.current(), ui.Scope("99", date(2025, 3, 1))
    v = metrics.view(tiny, "99", date(2025, 3, 1), exact=True)
    direct = charts.burnup(metrics.trend(tiny, v, None), v, metrics.overview(tiny, v, None), "vi")
    assert pio.to_json(ui.make(_burnup(scope), at=at)) == pio.to_json(direct)  # what a PNG download draws


def test_a_drawn_chart_follows_the_data_version(tiny):
    _upload(tiny, "2025-03-01", 40)
    scope = ui.Scope("99", date(2025, 3, 1))
    first = ui.current()
    before = _drawn(_burnup(scope), first, scope.as_of)
    assert _drawn(_burnup(scope), first, scope.as_of) == before  # the same version: the same chart
    _upload(tiny, "2025-03-01", 90)  # an upload replaces the day's figures and bumps the version
    after = ui.current()
    assert after.version > first.version
    now = _drawn(_burnup(scope), after, scope.as_of)
    assert now != before
    assert now == _drawn(_burnup(scope), ui.At(after.path, after.version), scope.as_of)


@pytest.mark.parametrize("other", ["day", "district", "lang"])
def test_a_drawn_chart_follows_the_view(tiny, other):
    _upload(tiny, "2025-03-01", 40)
    _upload(tiny, "2025-03-03", 80)
    at = ui.current()
    day = date(2025, 3, 3)
    base = _drawn(_burnup(ui.Scope("99", day)), at, day)
    changed = {"day": lambda: _drawn(_burnup(ui.Scope("99", date(2025, 3, 1))), at, date(2025, 3, 1)),
               "district": lambda: _drawn(_burnup(ui.Scope("99", day), "902"), at, day),
               "lang": lambda: _drawn(_burnup(ui.Scope("99", day), lang="en"), at, day, "en")}[other]()
    assert changed != base


def test_a_built_frame_follows_the_data_version_and_its_arguments(tiny):
    from analytics import closing

    _upload(tiny, "2025-03-01", 40)
    at, scope = ui.current(), ui.Scope("99", date(2025, 3, 1))
    table = ui.built(closing.weekly_table, ui.ask(closing.weekly, scope), "vi", "books", at=at)
    v = metrics.view(tiny, "99", date(2025, 3, 1), exact=True)
    expected = closing.weekly_table(closing.weekly(tiny, v), "vi", "books")
    assert table.equals(expected)
    assert not ui.built(closing.weekly_table, ui.ask(closing.weekly, scope), "en", "books", at=at).equals(expected)
    _upload(tiny, "2025-03-01", 90)
    fresh = ui.built(closing.weekly_table, ui.ask(closing.weekly, scope), "vi", "books", at=ui.current())
    assert not fresh.equals(expected)
    assert fresh.equals(closing.weekly_table(closing.weekly(tiny, v), "vi", "books"))


def _moved_charts(con, scope: ui.Scope) -> dict:
    """Each chart a page asks for (``ui.chart``), beside the same chart built directly from analytics."""
    from analytics import charts, national

    v = metrics.view(con, "99", scope.as_of, exact=True)
    c = national.country(con, None, scope.as_of)
    country = ui.ask(national.country, None, scope.as_of)
    frame = ui.ask(ui.country_map, None, scope.as_of)
    shown = c.provinces["status"] != "no_data"
    return {
        "map": (ui.chart(charts.commune_map, ui.ask(metrics.map_frame, scope, None), "vi", "books_total", scope,
                         title="Bản đồ"),
                charts.commune_map(metrics.map_frame(con, v, None), "vi", v=v, title="Bản đồ")),
        "national_trend": (ui.chart(ui.country_trend, country, "vi", "Toàn quốc"),
                           charts.burnup(c.trend, c.view, c.totals, "vi", "Toàn quốc")),
        "national_ranking": (ui.chart(ui.country_ranking, country, "vi", "Xếp hạng"),
                             charts.district_ranking(national.ranking_frame(c).iloc[:int(shown.sum())], c.view,
                                                     "vi", "Xếp hạng")),
        "national_map": (ui.chart(ui.country_map_chart, frame, country, "vi", "Bản đồ"),
                         charts.commune_map(national.map_frame(con, c), "vi", v=c.view, title="Bản đồ")),
        "commune_trend": (ui.chart(ui.commune_trend, ui.ask(metrics.commune_detail, scope, "90001"), scope, "vi"),
                          charts.commune_trend(metrics.commune_detail(con, v, "90001")["trend"], v,
                                               metrics.commune_detail(con, v, "90001")["status"]["commune"], "vi")),
    }


@pytest.mark.parametrize("name", ["map", "national_trend", "national_ranking", "national_map", "commune_trend"])
def test_a_moved_chart_is_the_chart_built_directly(tiny, name):
    import plotly.io as pio

    _upload(tiny, "2025-03-01", 40)
    at, scope = ui.current(), ui.Scope("99", date(2025, 3, 1))
    recipe, direct = _moved_charts(tiny, scope)[name]
    assert pio.to_json(ui.make(recipe, at=at)) == pio.to_json(direct)
    assert _drawn(recipe, at, scope.as_of)  # drawn as the page draws it, from the cache


def test_the_map_s_note_comes_from_the_chart_asked_for(tiny):
    from analytics import charts

    _upload(tiny, "2025-03-01", 40)
    scope = ui.Scope("99", date(2025, 3, 1))
    recipe = ui.chart(charts.commune_map, ui.ask(metrics.map_frame, scope, None), "vi", "books_total", scope)
    v = metrics.view(tiny, "99", scope.as_of, exact=True)
    direct = charts.commune_map(metrics.map_frame(tiny, v, None), "vi", v=v)
    assert ui.built(ui.charts.figure_meta, recipe, at=ui.current()) == dict(direct.layout.meta or {})


@pytest.mark.parametrize("name", ["cutoff", "summon", "commitments", "worst", "full", "by_district"])
def test_a_moved_table_is_the_table_built_directly(tiny, name):
    from analytics import closing, present

    _upload(tiny, "2025-03-01", 40)
    at, day = ui.current(), date(2025, 3, 1)
    scope = ui.Scope("99", day)
    v = metrics.view(tiny, "99", day, exact=True)
    full = ui.ask(metrics.underperformers_full, scope, None)
    cases = {
        "cutoff": (ui.built(ui.cutoff_table, ui.ask(closing.cutoff_panel, scope, None), "vi", at=at),
                   lambda: closing.cutoff_table(closing.cutoff_panel(tiny, v, None)["not_in"], "vi")),
        "summon": (ui.built(ui.summon_table, ui.ask(ui.summon, scope, date(2025, 2, 1), None), "vi", "books", at=at),
                   lambda: closing.summon_table(ui.summon(tiny, v, date(2025, 2, 1), None)[0], "vi", "books")),
        "commitments": (ui.built(closing.commitments_table, ui.ask(closing.commitments, scope, None), "vi", at=at),
                        lambda: closing.commitments_table(closing.commitments(tiny, v, None), "vi")),
        "worst": (ui.built(present.underperformers_table, ui.ask(metrics.worst_communes, scope, None), "vi", at=at),
                  lambda: present.underperformers_table(metrics.worst_communes(tiny, v, None), "vi")),
        "full": (ui.built(present.underperformers_full_table, full, "vi", v.amber, at=at),
                 lambda: present.underperformers_full_table(metrics.underperformers_full(tiny, v, None), "vi", v.amber)),
        "by_district": (ui.built(present.underperformers_by_district, full, "vi", at=at),
                        lambda: present.underperformers_by_district(metrics.underperformers_full(tiny, v, None), "vi")),
    }
    table, direct = cases[name]
    assert table.equals(direct())
