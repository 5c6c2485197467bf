"""The pages of "closing the campaign" in Streamlit's AppTest: the cut-off page and its text, the units to
summon and the commitments (Underperformers), the weekly roll-up (Localities), the cut-off setting, the report
button (Overview)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics import closing, metrics, store
from analytics.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def app(monkeypatch, path: Path, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_cutoff_page_lists_and_gives_the_text(monkeypatch, demo_file):
    at = app(monkeypatch, demo_file, "views/cutoff.py")
    assert at.title[0].value == t("cutoff.title", time="17h")
    with store.session(demo_file) as con:
        panel = closing.cutoff_panel(con, metrics.view(con))
        name = metrics.summary(con)["province_name"]
    assert at.code[0].value == closing.cutoff_text(panel, name)
    assert len(at.dataframe[0].value) == len(panel["not_in"])
    values = {m.label: m.value for m in at.metric}
    assert values[t("cutoff.kpi_missing")] == str(panel["missing"])


def test_summon_and_commitments_after_the_deadline(monkeypatch, own_demo):
    with store.session(own_demo) as con:
        v = metrics.view(con, None, date(2025, 3, 13))
        called = closing.summon_list(con, v)
        code = called.iloc[0]["commune_code"]
        store.add_explanation(con, v.province, code, date(2025, 3, 1), "Thiếu máy", date(2025, 3, 3), "Ông A")
    at = app(monkeypatch, own_demo, "views/underperformers.py", as_of="2025-03-13")
    subheaders = [s.value for s in at.subheader]
    assert t("summon.title") in subheaders and t("commit.title") in subheaders
    summon = next(df.value for df in at.dataframe if t("summon.col_missed") in df.value.columns)
    assert len(summon) == len(called)
    assert summon.iloc[0][t("col.responsible")] == "Ông A"
    labels = [b.label for b in at.get("download_button")]
    assert t("summon.download_xlsx") in labels and t("summon.download_csv") in labels
    promises = next(df.value for df in at.dataframe if t("commit.col_status") in df.value.columns)
    assert list(promises[t("commit.col_status")]) == [t("commit.status.missed")]
    # a later deadline for everyone: nobody is called yet
    at.text_input(key="summon_deadline").input("20/03/2025").run()
    assert any(i.value == t("summon.not_yet", deadline="20/03/2025") for i in at.info)


def test_weekly_roll_up_on_localities(monkeypatch, demo_file):
    at = app(monkeypatch, demo_file, "views/localities.py")
    with store.session(demo_file) as con:
        weeks = closing.weekly(con, metrics.view(con))
        districts = len(metrics.summary(con)["districts"])
    table = next(df.value for df in at.dataframe if t("weekly.col_week") in df.value.columns)
    assert len(table) == len(weeks) and len(weeks) == 2 * (1 + districts)  # 2 weeks × (province + districts)


def test_cutoff_setting_saved(monkeypatch, own_demo):
    at = app(monkeypatch, own_demo, "views/settings.py")
    at.time_input(key="set_cutoff").set_value(time(16, 30))
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    assert not at.exception
    with store.session(own_demo) as con:
        assert closing.cutoff_time(con, metrics.view(con).province) == time(16, 30)


def test_report_button_on_the_overview(monkeypatch, demo_file):
    at = app(monkeypatch, demo_file, "views/overview.py")
    assert t("report.button") in [b.label for b in at.get("download_button")]
