"""Deadlines of single districts and communes: plan, pace needed and status against a unit's own deadline."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import metrics, store
from support import json_lines

D = date(2025, 2, 28)  # start 21/02, campaign deadline 12/03; district 901 given until 04/03


@pytest.fixture
def reported(tiny_con):
    rows = pd.DataFrame({
        "row_no": [2, 3, 4, 5],
        "commune_code": ["90001", "90001", "90004", "90004"],
        "report_date": [date(2025, 2, 20), D, date(2025, 2, 20), D],
        "books_total": [100, 100, 100, 100],
        "books_digitized": [20, 40, 20, 40],
        "records_digitized": [None, None, None, None],
    })
    store.commit_reports(tiny_con, file_name="t.csv", sha256="t", rows=rows, province_code="99")
    return tiny_con


def _row(con, code):
    df = metrics.commune_status(con, metrics.view(con, "99", D))
    return df.set_index("commune_code").loc[code]


def test_campaign_deadline_by_default(reported):
    r = _row(reported, "90001")
    assert r["planned_pct"] == pytest.approx(20 + 80 * 7 / 19)   # 49.47
    assert r["status"] == "slightly_behind"                        # 9.5 points behind
    assert r["required_per_day"] == pytest.approx(60 / 12)
    assert r["deadline"] == date(2025, 3, 12)


def test_district_deadline_changes_plan_pace_and_status(reported):
    store.set_unit_deadline(reported, "99", "district", "901", date(2025, 3, 4))
    r = _row(reported, "90001")
    assert r["planned_pct"] == pytest.approx(20 + 80 * 7 / 11)   # 70.91
    assert r["status"] == "behind"                                 # 30.9 points behind
    assert r["required_per_day"] == pytest.approx(60 / 4)
    assert r["deadline"] == date(2025, 3, 4)
    other = _row(reported, "90004")                                # district 902 keeps the campaign's
    assert other["planned_pct"] == pytest.approx(20 + 80 * 7 / 19) and other["deadline"] == date(2025, 3, 12)
    s = metrics.summary(reported, "99", D)
    # the province's plan is the target-weighted mean; its pace needed the sum of its communes'
    assert s["planned_pct"] == pytest.approx(((20 + 80 * 7 / 11) + (20 + 80 * 7 / 19)) / 2)
    assert s["required_per_day"] == pytest.approx(60 / 4 + 60 / 12)
    districts = {d["district_code"]: d for d in s["districts"]}
    assert districts["901"]["deadline"] == date(2025, 3, 4)
    o = metrics.overview(reported, metrics.view(reported, "99", D), "901")
    assert o["days_left"] == 4 and o["own_deadline"] is True
    trend = metrics.trend(reported, metrics.view(reported, "99", D)).set_index("day")
    assert trend.loc[D, "planned_pct"] == pytest.approx(s["planned_pct"])


def test_commune_deadline_wins_over_its_district(reported):
    store.set_unit_deadline(reported, "99", "district", "901", date(2025, 3, 4))
    store.set_unit_deadline(reported, "99", "commune", "90001", date(2025, 3, 7))
    assert _row(reported, "90001")["deadline"] == date(2025, 3, 7)
    store.set_unit_deadline(reported, "99", "commune", "90001", None)
    assert _row(reported, "90001")["deadline"] == date(2025, 3, 4)


@pytest.mark.parametrize("level, code, deadline, key", [
    ("province", "99", date(2025, 3, 4), "deadline.bad_level"),
    ("district", "977", date(2025, 3, 4), "deadline.unknown_unit"),
    ("district", "901", date(2025, 2, 1), "deadline.before_start"),
])
def test_refused(reported, level, code, deadline, key):
    from analytics.errors import HotichError

    with pytest.raises(HotichError) as err:
        store.set_unit_deadline(reported, "99", level, code, deadline)
    assert err.value.key == key


def test_cli(tiny_con, run_cli, db_path):
    tiny_con.close()
    code, out, err = run_cli("campaign", "--province", "99", "--unit", "901", "--deadline", "2025-03-04")
    assert code == 0, err
    assert json_lines(out)[0]["unit_deadlines"] == [{"level": "district", "code": "901", "name": "Huyện Một",
                                                     "deadline": "2025-03-04"}]
    code, out, err = run_cli("campaign", "--province", "99", "--unit", "901", "--clear")
    assert code == 0 and json_lines(out)[0]["unit_deadlines"] == []
    code, _, err = run_cli("campaign", "--province", "99", "--unit", "901")
    assert code == 1


def test_settings_page_sets_a_district_deadline_and_sets_up_another_province(monkeypatch, demo_template, tmp_path):
    import shutil
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from analytics import structures
    from analytics.i18n import t

    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90).run()
    at.switch_page("views/settings.py").run()
    assert not at.exception, [e.value for e in at.exception]
    with store.session(path) as con:
        v = metrics.view(con)
        district = metrics.district_options(con, v.province).iloc[0]["district_code"]
    at.selectbox(key="set_unit").set_value(f"district:{district}")
    at.text_input(key="set_unit_day").input("07/03/2025").run()
    next(b for b in at.button if b.label == t("settings.unit_deadline_save")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    with store.session(path) as con:
        own = store.unit_deadlines(con, v.province)
        assert list(own["unit_code"]) == [district] and own.iloc[0]["deadline"].date() == date(2025, 3, 7)
        audit = store.audit_log(con)
        assert "deadline" in set(audit["action"])
    at.selectbox(key="set_setup_list").set_value("2025-07")
    at.selectbox(key="set_setup_province").set_value("48")
    next(b for b in at.button if b.label == t("settings.setup_apply")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    with store.session(path) as con:
        chosen = store.default_province(con)
        assert structures.of_province(con, chosen).key == "2025-07"
    assert at.sidebar.selectbox(key="province_select").value == chosen
