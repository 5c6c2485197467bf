"""The store: a new database, units, campaign, uploads replacing and withdrawing figures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import config, store
from analytics.errors import InvalidArgument, NotFoundError
from support import write_units_csv

# every test that takes a database runs on the DuckDB file and on PostgreSQL (conftest: backend)
BOTH_BACKENDS = True


def rows(*items):
    frame = pd.DataFrame(items, columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = range(2, len(frame) + 2)
    return frame


def commit(con, frame, sha="s", name="f.csv"):
    return store.commit_reports(con, file_name=name, sha256=sha, rows=frame, province_code="49")


def test_new_database_has_units_and_campaign(con):
    provs = store.provinces(con)
    assert list(provs["province_code"]) == ["49"]
    assert int(provs.iloc[0]["communes"]) == 241
    units = store.units_frame(con, "49")
    assert units["district_code"].nunique() == 18
    assert units.iloc[0]["commune"] == "Phường Tân Thạnh"
    c = store.get_campaign(con, "49")
    assert (c.name, c.start, c.deadline) == ("Đợt cao điểm 20 ngày", date(2025, 2, 21), date(2025, 3, 12))
    assert store.schema_version(con) == store.SCHEMA_VERSION


def test_reopening_keeps_content(db_path):
    with store.session(db_path) as con:
        commit(con, rows(("20335", "2025-02-25", 10, 5)))
    with store.session(db_path) as con:
        assert store.report_count(con) == 1
        assert len(store.units_frame(con, "49")) == 241


def test_db_path_override(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTICH_DB", str(tmp_path / "x.duckdb"))
    assert config.db_path() == tmp_path / "x.duckdb"
    assert config.db_path(tmp_path / "y.duckdb") == tmp_path / "y.duckdb"
    monkeypatch.delenv("HOTICH_DB")
    assert config.db_path() == config.PROJECT_DIR / "data" / "hotich.duckdb"


@pytest.mark.parametrize(
    ("value", "level", "expected"),
    [("20335", "commune", "20335"), ("020335", "commune", "20335"), ("20335.0", "commune", "20335"),
     (20335.0, "commune", "20335"), (502, "district", "502"), ("49", "province", "49"), ("1", "province", "01"),
     ("", "commune", None), (None, "commune", None), (float("nan"), "commune", None), (" 20338 ", "commune", "20338")],
)
def test_canonical_code(value, level, expected):
    assert store.canonical_code(value, level) == expected


def test_later_upload_replaces_and_log_keeps_both(con):
    first, _ = commit(con, rows(("20335", "2025-02-25", 10, 5)), sha="a")
    second, _ = commit(con, rows(("20335", "2025-02-25", 10, 7)), sha="b")
    current = store.reports_of(con, ["20335"])
    assert list(current["books_digitized"]) == [7]
    assert int(current.iloc[0]["upload_id"]) == second
    log = store.uploads(con)
    assert list(log["upload_id"]) == [second, first]
    assert set(log["outcome"]) == {"loaded"}


def test_same_bytes_same_dates_unchanged(con):
    a, unchanged_a = commit(con, rows(("20335", "2025-02-25", 10, 5)), sha="same")
    b, unchanged_b = commit(con, rows(("20335", "2025-02-25", 10, 5)), sha="same")
    assert (unchanged_a, unchanged_b) == (False, True)
    assert a == b
    assert len(store.uploads(con)) == 1


def test_withdraw_restores_previous_figures(con):
    commit(con, rows(("20335", "2025-02-25", 10, 5), ("20338", "2025-02-25", 20, 2)), sha="a")
    second, _ = commit(con, rows(("20335", "2025-02-25", 10, 8), ("20341", "2025-02-25", 30, 3)), sha="b")
    version = store.data_version(con)
    store.withdraw_upload(con, second, user="admin")
    current = store.reports_of(con, ["20335", "20338", "20341"])
    assert dict(zip(current["commune_code"], current["books_digitized"])) == {"20335": 5, "20338": 2}
    assert store.data_version(con) > version
    log = store.uploads(con).set_index("upload_id")
    assert log.at[second, "outcome"] == "withdrawn"
    assert log.at[second, "withdrawn_by"] == "admin"
    with pytest.raises(InvalidArgument):
        store.withdraw_upload(con, second)
    with pytest.raises(NotFoundError):
        store.withdraw_upload(con, 999)


def test_rejected_attempt_logged_without_figures(con):
    store.log_rejected(con, "bad.csv", "h", 3, [{"problem": "x"}])
    assert store.report_count(con) == 0
    log = store.uploads(con)
    assert list(log["outcome"]) == ["rejected"]


def test_every_write_bumps_data_version(con):
    v0 = store.data_version(con)
    commit(con, rows(("20335", "2025-02-25", 10, 5)))
    v1 = store.data_version(con)
    store.set_campaign(con, "49", deadline=date(2025, 3, 20))
    v2 = store.data_version(con)
    assert v0 < v1 < v2


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [({"start": date(2025, 3, 20)}, "campaign.order"), ({"name": "   "}, "campaign.name_empty")],
)
def test_campaign_errors(con, kwargs, key):
    with pytest.raises(InvalidArgument) as err:
        store.set_campaign(con, "49", **kwargs)
    assert err.value.key == key


def test_replace_units_keeps_reports_of_removed_communes(tmp_path, con):
    commit(con, rows(("20335", "2025-02-25", 10, 5)))
    path = write_units_csv(tmp_path / "qn_small.csv", [
        ("49", "Tỉnh Quảng Nam", "502", "Thành phố Tam Kỳ", "20338", "Phường Phước Hòa", "phường"),
    ])
    result = store.replace_units(con, store.read_units_csv(path))
    assert result == {"provinces": 1, "communes": 1, "added": 0, "removed": 240, "orphaned_reports": 1,
                      "moved_from_other_provinces": 0}
    assert store.report_count(con) == 1  # kept, no longer counted
    assert list(store.units_frame(con, "49")["commune_code"]) == ["20338"]


def test_two_level_structure_fits(tmp_path, con):
    path = write_units_csv(tmp_path / "two_level.csv", [
        ("48", "Thành phố Đà Nẵng", "", "", "20335", "Phường Bàn Thạch", "phường"),
        ("48", "Thành phố Đà Nẵng", "", "", "20341", "Phường Tam Kỳ", "phường"),
    ])
    result = store.replace_units(con, store.read_units_csv(path))
    units = store.units_frame(con, "48")
    assert units["district_code"].isna().all()
    assert set(store.provinces(con)["province_code"]) == {"49", "48"}
    # the codes now belong to the new list; the old province keeps the rest
    assert result["moved_from_other_provinces"] == 2
    assert len(store.units_frame(con, "49")) == 239


def test_units_target_column(tmp_path, con):
    path = write_units_csv(tmp_path / "targets.csv", [
        ("99", "Tỉnh Thử", "901", "Huyện Một", "90001", "Xã An Hòa", "xã", "120"),
    ], extra_header=["books_total"])
    store.replace_units(con, store.read_units_csv(path))
    assert int(store.units_frame(con, "99").iloc[0]["target_books_total"]) == 120


@pytest.mark.parametrize(
    ("content", "key"),
    [("a,b\n1,2\n", "units.missing_columns"),
     ("province_code,province_name,district_code,district_name,commune_code,commune_name,commune_type\n", "units.empty"),
     ("province_code,province_name,district_code,district_name,commune_code,commune_name,commune_type,books_total\n"
      "99,T,901,H,90001,X,xã,-3\n", "units.bad_target")],
)
def test_bad_unit_lists(tmp_path, content, key):
    path = tmp_path / "u.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidArgument) as err:
        store.read_units_csv(path)
    assert err.value.key == key


def test_default_province_is_most_reported(tmp_path, con):
    path = write_units_csv(tmp_path / "other.csv")
    store.replace_units(con, store.read_units_csv(path))
    assert store.default_province(con) == "49"  # first in list order when tied at 0 reports
    store.commit_reports(con, file_name="t.csv", sha256="t", rows=rows(("90001", "2025-02-25", 5, 1)),
                         province_code="99")
    assert store.default_province(con) == "99"


def test_a_database_from_before_records_total_is_migrated(db_path, monkeypatch):
    # made by the previous schema: reports without the records to do
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION - 1)
    with store.session(db_path) as con:
        cols = {r[0] for r in con.execute("DESCRIBE reports").fetchall()}
        assert "records_total" not in cols
        con.execute("INSERT INTO reports (commune_code, report_date, books_total, books_digitized, "
                    "records_digitized, upload_id) VALUES ('20335', DATE '2025-02-25', 10, 5, 300, 1)")
    monkeypatch.undo()
    with store.session(db_path) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        for table in ("reports", "report_rows"):
            assert "records_total" in {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        assert store.reports_of(con, ["20335"])["records_total"].isna().all()  # unknown, not 0


@pytest.mark.parametrize("records_total", [None, 600])
def test_records_total_is_stored_and_withdrawal_restores_it(con, records_total):
    first = rows(("20335", "2025-02-25", 10, 5))
    first["records_digitized"], first["records_total"] = [300], [records_total]
    commit(con, first)
    second = rows(("20335", "2025-02-25", 10, 6))
    second["records_digitized"], second["records_total"] = [350], [700]
    upload_id, _ = store.commit_reports(con, file_name="b.csv", sha256="b", rows=second, province_code="49")
    assert int(store.reports_of(con, ["20335"])["records_total"].iloc[0]) == 700
    store.withdraw_upload(con, upload_id)
    back = store.reports_of(con, ["20335"])["records_total"].iloc[0]
    assert (None if pd.isna(back) else int(back)) == records_total


@pytest.mark.parametrize("measure", ["records", "books"])
def test_default_measure_is_a_campaign_setting(con, measure):
    assert store.default_measure(con, "49") == "books"  # before any choice: as the product always counted
    store.set_default_measure(con, "49", measure, user="t")
    assert store.default_measure(con, "49") == measure


def test_default_measure_refuses_another_word(con):
    with pytest.raises(InvalidArgument) as exc:
        store.set_default_measure(con, "49", "pages")
    assert exc.value.key == "campaign.bad_measure" and store.default_measure(con, "49") == "books"
