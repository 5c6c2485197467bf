"""The command line on a temporary database: the contract of issue 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analytics import store
from support import json_lines, write_units_csv

# every command runs on a DuckDB file and on PostgreSQL (conftest's ``backend``, through ``run_cli``)
BOTH_BACKENDS = True

HEADER = ["report_date", "district", "commune_code", "commune", "books_total", "books_digitized"]
GOOD = [
    ["2025-02-25", "Thành phố Tam Kỳ", "20335", "Phường Tân Thạnh", "100", "50"],
    ["2025-02-25", "Thành phố Tam Kỳ", "", "Phường Phước Hoà", "1.200", "600"],
    ["2025-02-26", "Thành phố Tam Kỳ", "020341", "Phường An Mỹ", "200", "20"],
]


def test_ingest_json_contract(run_cli, make_csv):
    path = make_csv("day.csv", HEADER, GOOD)
    code, out, err = run_cli("ingest", str(path), "--json")
    assert code == 0, err
    [obj] = json_lines(out)
    assert obj == {"file": str(path), "upload_id": obj["upload_id"], "rows": 3, "communes": 3,
                   "report_dates": ["2025-02-25", "2025-02-26"], "ok": True, "unchanged": False}
    code, out, _ = run_cli("ingest", str(path), "--json")
    again = json_lines(out)[0]
    assert code == 0
    assert again["unchanged"] is True and again["upload_id"] == obj["upload_id"]


def test_ingest_several_files_one_bad(run_cli, make_csv):
    good = make_csv("good.csv", HEADER, GOOD)
    bad = make_csv("bad.csv", HEADER, [["2025-02-25", "Thành phố Tam Kỳ", "20335", "Phường Tân Thạnh", "10", "11"]])
    code, out, err = run_cli("ingest", str(good), str(bad), "--json")
    assert code == 2
    first, second = json_lines(out)
    assert first["ok"] is True
    assert second["ok"] is False and second["file"] == str(bad)
    [e] = second["errors"]
    assert (e["row"], e["column"], e["value"]) == (2, "books_digitized", "11")
    assert set(e) >= {"file", "row", "column", "value", "problem", "fix"}
    assert "books_digitized" in err and "2" in err


def test_rejected_file_changes_no_figure(run_cli, make_csv, cli_db):
    run_cli("ingest", str(make_csv("good.csv", HEADER, GOOD)))
    _, before, _ = run_cli("summary")
    rows = [["2025-02-27", "Thành phố Tam Kỳ", "20335", "Phường Tân Thạnh", "100", "60"],
            ["2025-02-27", "Thành phố Tam Kỳ", "", "Phường Không Có", "100", "10"]]
    code, _, err = run_cli("ingest", str(make_csv("half.csv", HEADER, rows)))
    assert code == 2
    assert "Phường Không Có" in err
    _, after, _ = run_cli("summary")
    assert json.loads(after)["books_digitized"] == json.loads(before)["books_digitized"]
    with store.session(cli_db) as con:
        log = store.uploads(con)
    assert list(log["outcome"]) == ["rejected", "loaded"]


def test_date_option(run_cli, make_csv):
    header = ["commune_code", "books_total", "books_digitized"]
    path = make_csv("nodate.csv", header, [["20335", "100", "50"]])
    code, _, err = run_cli("ingest", str(path))
    assert code == 2 and "report_date" in err
    code, out, _ = run_cli("ingest", str(path), "--date", "2025-02-25", "--json")
    assert code == 0 and json_lines(out)[0]["report_dates"] == ["2025-02-25"]
    dated = make_csv("dated.csv", ["report_date"] + header, [["2025-02-26", "20335", "100", "50"]])
    code, out, err = run_cli("ingest", str(dated), "--date", "2025-02-25", "--json")
    assert code == 2


def test_missing_file(run_cli, tmp_path):
    code, out, _ = run_cli("ingest", str(tmp_path / "nope.csv"), "--json")
    assert code == 2
    assert json_lines(out)[0]["ok"] is False


def test_summary_and_underperformers(run_cli, make_csv):
    run_cli("ingest", str(make_csv("good.csv", HEADER, GOOD)))
    code, out, _ = run_cli("summary", "--as-of", "2025-02-25")
    s = json.loads(out)
    assert code == 0
    assert s["as_of"] == "2025-02-25" and s["units_reporting"] == 2
    assert s["books_total"] == 1300 and s["books_digitized"] == 650
    assert s["completion_pct"] == pytest.approx(50.0)
    assert [d["district_code"] for d in s["districts"]][:2] == ["502", "503"]
    assert len(s["districts"]) == 18
    keys = {"province", "province_name", "as_of", "start", "deadline", "days_left", "units_total", "units_reporting",
            "units_reported_on_day", "books_total", "books_digitized", "completion_pct", "required_per_day",
            "recent_per_day", "projected_finish", "behind_schedule", "not_reporting", "districts"}
    assert keys <= set(s)
    assert {"district_code", "district", "books_total", "books_digitized", "completion_pct", "behind_schedule",
            "not_reporting"} <= set(s["districts"][0])
    code, out, _ = run_cli("underperformers", "--as-of", "2025-02-26")
    rows = json.loads(out)
    assert code == 0
    # 238 never reported; 20335 and 20338 started on 25/02 and made no progress by 26/02 (behind their plan);
    # 20341 reported its first figures on D itself, so its plan is its own baseline
    assert len(rows) == 240
    assert "20341" not in {r["commune_code"] for r in rows}
    assert set(rows[0]) >= {"commune_code", "commune", "district", "completion_pct", "planned_pct", "last_report",
                            "reasons"}
    assert rows[0]["last_report"] is None


def test_campaign_show_and_change(run_cli):
    code, out, _ = run_cli("campaign")
    assert json.loads(out) == {"province": "49", "name": "Đợt cao điểm 20 ngày", "start": "2025-02-21",
                               "deadline": "2025-03-12", "default_measure": "books", "unit_deadlines": []}
    code, out, _ = run_cli("campaign", "--name", "Đợt 2", "--deadline", "2025-03-31")
    assert code == 0 and json.loads(out)["deadline"] == "2025-03-31"
    code, out, _ = run_cli("summary")
    assert json.loads(out)["deadline"] == "2025-03-31"
    code, _, err = run_cli("campaign", "--start", "2025-04-01")
    assert code == 1 and "2025-04-01" in err


def test_units_command(run_cli, tmp_path):
    path = write_units_csv(tmp_path / "units.csv")
    code, out, _ = run_cli("units", str(path), "--json")
    assert code == 0
    assert json.loads(out)["communes"] == 5
    code, out, _ = run_cli("summary", "--province", "99")
    assert json.loads(out)["units_total"] == 5
    code, _, err = run_cli("summary", "--province", "77")
    assert code == 1 and "77" in err


def test_demo_command(run_cli):
    code, out, _ = run_cli("demo", "--json")
    assert code == 0
    assert json.loads(out)["communes"] == 232
    code, out, _ = run_cli("summary")
    s = json.loads(out)
    assert s["as_of"] == "2025-03-05"
    # the seed campaign as it was: Quảng Nam in the unit list of 1 Jan 2025
    assert s["units_reporting"] == 232 and s["units_total"] == 233 and s["structure"] == "2025-01"


def test_python_dash_m_entry_point(cli_db):
    out = subprocess.run([sys.executable, "-m", "analytics", "summary", "--db", cli_db], capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out)["units_total"] == 241


# --- the measure: records or books ------------------------------------------------------------------------------


@pytest.fixture
def records_cli(run_cli, make_csv):
    header = ["report_date", "commune_code", "books_total", "books_digitized", "records_total", "records_digitized"]
    path = make_csv("r.csv", header, [["2025-02-25", "20335", "100", "40", "5000", "1000"],
                                      ["2025-02-25", "20338", "100", "10", "", "700"]])
    code, _, err = run_cli("ingest", str(path))
    assert code == 0, err
    return run_cli


@pytest.mark.parametrize("measure, completion", [("books", 25.0), ("records", 20.0)])
def test_summary_in_a_measure(records_cli, measure, completion):
    code, out, _ = records_cli("summary", "--json", "--measure", measure)
    s = json.loads(out)
    assert code == 0 and s["measure"] == measure
    # books: 50 of 200; records: 1,000 of 5,000 (20338 gives no records to do: left out, and counted)
    assert s["completion_pct"] == pytest.approx(completion)
    assert s["units_without_target"] == (1 if measure == "records" else 0)
    assert (s["books_total"], s["books_digitized"], s["records_total"], s["records_digitized"]) == (200, 50, 5000, 1700)


def test_communes_give_records_total_when_known(records_cli):
    code, out, _ = records_cli("communes", "--json", "--measure", "records")
    rows = {r["commune_code"]: r for r in json.loads(out)}
    assert code == 0
    assert (rows["20335"]["records_total"], rows["20335"]["records_digitized"]) == (5000, 1000)
    assert rows["20335"]["completion_pct"] == pytest.approx(20.0) and rows["20335"]["books_total"] == 100
    assert rows["20338"]["records_total"] is None and rows["20338"]["records_digitized"] == 700
    assert rows["20341"]["records_total"] is None and rows["20341"]["records_digitized"] is None  # no report


def test_campaign_measure_is_the_default_of_every_command(records_cli):
    code, out, _ = records_cli("campaign", "--measure", "records")
    assert code == 0 and json.loads(out)["default_measure"] == "records"
    _, out, _ = records_cli("summary", "--json")
    assert json.loads(out)["measure"] == "records" and json.loads(out)["completion_pct"] == pytest.approx(20.0)
    _, out, _ = records_cli("underperformers", "--json", "--measure", "books")
    assert all(r["completion_pct"] in (None, 40.0, 10.0) for r in json.loads(out))
    with pytest.raises(SystemExit) as exc:  # argparse refuses another word, exit 2
        records_cli("summary", "--measure", "pages")
    assert exc.value.code == 2
