"""Values taken from the URL, on every page: far and malformed dates, unknown codes, long values. The page shows
with defaults (the as-of date within the data's span, with a note when it was changed), never an error; and the
analytics functions stay bounded by the data whatever date they are given."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import brief, demo, metrics, store, workdays
from analytics.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["views/overview.py", "views/localities.py", "views/underperformers.py", "views/cutoff.py", "views/map.py",
         "views/upload.py", "views/settings.py", "views/admin.py"]
LAST_DEMO_REPORT = date(2025, 3, 5)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("url") / "demo.duckdb"
    with store.session(path) as con:
        demo.load_demo(con)
    return path


@pytest.fixture(scope="module")
def bounds(demo_file) -> tuple[date, date]:
    with store.session(demo_file) as con:
        return metrics.date_bounds(con, store.resolve_province(con, None))


def page(monkeypatch, path: Path, name: str, **params: str) -> AppTest:
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    monkeypatch.setenv("HOTICH_OPEN_MODE", "1")  # no account yet: every page is open
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if name != "views/overview.py":
        at.switch_page(name).run()
        assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def notes(at: AppTest) -> list[str]:
    """The sidebar's note about the link's date (the other sidebar warning is the open-mode one)."""
    return [w.value for w in at.sidebar.warning if w.icon == ":material/event_busy:"]


FAR = {"9999-12-31": "high", "0001-01-01": "low", "2100-01-01": "high", "1999-12-31": "low"}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("asked", sorted(FAR))
def test_far_dates_are_clamped_with_a_note(monkeypatch, demo_file, bounds, name, asked):
    started = time.monotonic()
    at = page(monkeypatch, demo_file, name, as_of=asked)
    shown = bounds[1] if FAR[asked] == "high" else bounds[0]
    assert at.sidebar.text_input(key="as_of_input").value == shown.strftime("%d/%m/%Y")
    [note] = notes(at)
    assert note == t("sidebar.as_of_clamped", asked=date.fromisoformat(asked).strftime("%d/%m/%Y"),
                     low=bounds[0].strftime("%d/%m/%Y"), high=bounds[1].strftime("%d/%m/%Y"),
                     shown=shown.strftime("%d/%m/%Y"))
    assert at.query_params["as_of"] == shown.isoformat()  # the link now says what is shown
    assert time.monotonic() - started < 120


MALFORMED = [
    {"as_of": "abc"}, {"as_of": "2025-02-30"}, {"as_of": "20250301"}, {"as_of": "2025-3-1"},
    {"as_of": "<script>alert(1)</script>" * 40}, {"district": "<script>alert(1)</script>"},
    {"province": "00"}, {"province": "x" * 5000}, {"measure": "x"}, {"lang": "xx"},
    {"district": "9" * 5000, "measure": "records", "lang": "en"}, {"structure": "<b>x</b>"},
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("params", MALFORMED, ids=[",".join(f"{k}={v[:12]}" for k, v in p.items()) for p in MALFORMED])
def test_malformed_values_fall_back_to_defaults(monkeypatch, demo_file, name, params):
    at = page(monkeypatch, demo_file, name, **params)
    lang = "en" if params.get("lang") == "en" else "vi"
    assert at.sidebar.selectbox(key="lang_select").value == lang
    if "as_of" in params:
        assert at.sidebar.text_input(key="as_of_input").value == LAST_DEMO_REPORT.strftime("%d/%m/%Y")
        [note] = notes(at)
        assert note.startswith(t("sidebar.as_of_invalid", lang, asked="", shown="").split("«")[0])
        if len(params["as_of"]) > 40:  # a long value is cut, and shown as text
            assert "…" in note and "<script>" not in note
        assert "as_of" not in at.query_params  # back to the default, which the URL leaves out
    else:
        assert not notes(at)
    if "district" in params:
        assert at.sidebar.selectbox(key="district_select").value == ""
    if params.get("measure") == "x":  # the campaign's measure (the demo counts in records)
        assert at.sidebar.radio(key="measure_select").value == "records"


def test_a_valid_date_in_the_span_has_no_note(monkeypatch, demo_file):
    at = page(monkeypatch, demo_file, "views/overview.py", as_of="2025-03-01")
    assert at.sidebar.text_input(key="as_of_input").value == date(2025, 3, 1).strftime("%d/%m/%Y") and not notes(at)


@pytest.mark.parametrize("asked", [date(9999, 12, 31), date(1, 1, 1), date(2200, 6, 1)])
def test_analytics_bounded_by_the_data_whatever_the_date(demo_file, asked):
    """No timing here: the work is bounded by construction (frames as long as the data's span, not D's)."""
    with store.session(demo_file) as con:
        province = store.resolve_province(con, None)
        low, high = metrics.date_bounds(con, province)
        v = metrics.view(con, None, asked)
        assert v.requested == asked and low <= v.as_of <= high
        span = (max(high, v.deadline) - min(low, v.start)).days + 2
        trend = metrics.trend(con, v)
        assert 1 <= len(trend) <= span and trend["day"].iloc[-1] == v.as_of
        summary = metrics.summary(con, None, asked)
        assert summary["as_of"] == v.as_of
        overview = metrics.overview(con, v)
        assert overview["working_days_left"] <= max(0, (v.deadline - v.as_of).days)
        league = metrics.commune_league(con, v)
        detail = metrics.commune_detail(con, v, league["commune_code"].iloc[0])
        assert len(detail["trend"]) <= span
        assert len(metrics.underperformers(con, None, asked)) <= len(league)
        assert brief.gather(con, None, asked).view.as_of == v.as_of


def test_trend_past_the_data_stops_at_the_last_change(demo_file):
    """A view built by hand (not clamped) far past the data: the days computed stop after the last report and
    the deadline, and D gets that day's figures."""
    with store.session(demo_file) as con:
        v = metrics.view(con)
        far = metrics.View(v.province, date(2100, 1, 1), v.start, v.deadline, v.campaign_name)
        trend = metrics.trend(con, far)
        assert len(trend) <= (v.deadline - v.start).days + 30
        last, before = trend.iloc[-1], trend.iloc[-2]
        assert last["day"] == date(2100, 1, 1) and last["completion_pct"] == before["completion_pct"]
        assert last["planned_pct"] == 100.0


def test_projection_at_a_crawl_is_no_date():
    assert metrics._project(date(2025, 3, 5), 1000, 1e-9) is None
    assert metrics._project(date(9999, 12, 1), 1000, 1.0) is None  # past the calendar
    assert metrics._project(date(2025, 3, 5), 10, 1.0) == date(2025, 3, 15)


def test_cli_refuses_a_far_as_of(run_cli, db_path):
    with store.session(db_path) as con:
        demo.load_demo(con)
    for command in (["summary"], ["underperformers"], ["brief", "--out", str(db_path.parent / "b.png")]):
        code, out, err = run_cli(*command, "--as-of", "9999-12-31")
        assert code == 1 and out == "" and "9999-12-31" in err and "2025-02-20" in err, (command, err)
    code, out, _ = run_cli("summary", "--as-of", "2025-03-01")
    assert code == 0 and '"as_of": "2025-03-01"' in out


@pytest.mark.parametrize("start,deadline,key", [
    (date(2025, 2, 21), date(9999, 12, 31), "campaign.out_of_range"),
    (date(1900, 1, 1), date(2025, 3, 12), "campaign.out_of_range"),
    (date(2025, 2, 21), date(2040, 3, 12), "campaign.too_long"),
])
def test_campaign_dates_are_bounded(con, start, deadline, key):
    from analytics.errors import InvalidArgument

    with pytest.raises(InvalidArgument) as exc:
        store.set_campaign(con, "49", start=start, deadline=deadline)
    assert exc.value.key == key


def test_working_days_to_a_far_deadline_are_counted_by_the_year():
    left = workdays.days_left(date(2025, 3, 5), date(2025, 3, 5) + timedelta(days=3650))
    assert 2400 < left["working"] < 2620


def test_a_unit_deadline_is_bounded_and_the_trend_follows_it(own_demo_con):
    from analytics.errors import InvalidArgument

    con = own_demo_con
    v = metrics.view(con)
    district = str(metrics.district_options(con, v.province)["district_code"].iloc[0])
    with pytest.raises(InvalidArgument):
        store.set_unit_deadline(con, v.province, "district", district, date(9999, 12, 31))
    later = v.deadline + timedelta(days=30)
    store.set_unit_deadline(con, v.province, "district", district, later)
    far = metrics.View(v.province, date(2100, 1, 1), v.start, v.deadline, v.campaign_name)
    trend = metrics.trend(con, far)
    assert trend["day"].iloc[-2] > later  # the plan of that district rises until its own deadline
    assert trend["planned_pct"].iloc[-1] == 100.0


@pytest.fixture
def own_demo_con(tmp_path):
    with store.session(tmp_path / "demo.duckdb") as con:
        demo.load_demo(con)
        yield con
