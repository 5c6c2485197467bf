"""The demonstration: deterministic, realistic, marked as demo."""

from __future__ import annotations

from datetime import date

import pytest

from analytics import config, demo, ingest, metrics, store, templates


def test_demo_is_deterministic_and_shaped(con):
    communes = store.units_frame(con, "49")
    a = demo.demo_reports(communes, date(2025, 2, 21), date(2025, 3, 12))
    b = demo.demo_reports(communes, date(2025, 2, 21), date(2025, 3, 12))
    assert a.equals(b)
    assert a["report_date"].min() == date(2025, 2, 20)  # baseline before the start
    assert a["report_date"].max() == date(2025, 3, 5)
    assert a["commune_code"].nunique() == 240  # one never reports
    assert (a["books_digitized"] <= a["books_total"]).all()
    # cumulative: never goes down
    assert (a.sort_values(["commune_code", "report_date"]).groupby("commune_code")["books_digitized"]
            .diff().dropna() >= 0).all()


def test_load_demo_marks_database(con):
    result = demo.load_demo(con)
    assert result["communes"] == 232  # the 233 communes of 1 Jan 2025; one never reports
    assert store.is_demo(con)
    s = metrics.summary_json(con)
    assert s["as_of"] == "2025-03-05"
    assert s["structure"] == "2025-01" and s["units_total"] == 233
    assert len({d["district_code"] for d in s["districts"]}) == 17
    assert 0 < s["behind_schedule"] < 233
    assert s["not_reporting"] >= 3  # a few stopped, one never reported
    assert 40 < s["completion_pct"] < 95


def test_first_real_upload_replaces_demo(con):
    demo.load_demo(con)
    data = b"commune_code,report_date,books_total,books_digitized\n20335,2025-02-25,100,50\n"
    ingest.ingest_file(con, data, "real.csv")
    assert not store.is_demo(con)
    assert store.report_count(con) == 1


def test_shipped_templates_match_unit_list(con):
    communes = store.units_frame(con, "49")
    assert (config.TEMPLATES_DIR / "mau_bao_cao.csv").read_bytes() == templates.template_csv(communes)
    assert (config.TEMPLATES_DIR / "mau_bao_cao.xlsx").exists()


def test_filled_template_loads(con):
    communes = store.units_frame(con, "49").head(3)
    frame = templates.template_frame(communes)
    frame[templates.HEADERS["report_date"]] = "25/02/2025"
    frame[templates.HEADERS["books_total"]] = [100, 200, 300]
    frame[templates.HEADERS["books_digitized"]] = [10, 20, 30]
    result = ingest.ingest_file(con, frame.to_csv(index=False).encode("utf-8-sig"), "mau.csv")
    assert result.rows == 3 and result.report_dates == ["2025-02-25"]


def test_demo_counts_the_seed_campaign_in_records(demo_con):
    """Quảng Nam's real orders of magnitude: 642,806 of 1,443,893 records (44.5 %) on the eve of the campaign."""
    assert store.default_measure(demo_con, metrics.view(demo_con).province) == "records"
    eve = metrics.summary_json(demo_con, as_of="2025-02-20")
    assert eve["measure"] == "records" and eve["units_total"] == 233 and len(eve["districts"]) == 17
    assert (eve["records_total"], eve["records_digitized"]) == (1_443_893, 642_806)
    assert eve["completion_pct"] == pytest.approx(44.52, abs=0.01) and eve["units_without_target"] == 0
    # the books are still there, and the demo's books figures as before
    books = metrics.summary_json(demo_con, measure="books")
    assert (books["books_total"], books["books_digitized"]) == (236_525, 169_397)
    assert books["completion_pct"] == pytest.approx(71.62, abs=0.01)
    # records never go back, never exceed the records to do
    frame = demo_con.execute("SELECT commune_code, report_date, records_total, records_digitized FROM reports "
                             "ORDER BY commune_code, report_date").df()
    assert (frame["records_digitized"] <= frame["records_total"]).all()
    assert (frame.groupby("commune_code")["records_digitized"].diff().dropna() >= 0).all()
