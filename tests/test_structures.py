"""Unit structures in time: reports follow the units across versions of the unit list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analytics import ingest, metrics, store, structures
from support import csv_bytes, json_lines, write_units_csv

# the old list (base structure): province 97 with three communes in one district
OLD = [
    ("97", "Tỉnh Cũ", "971", "Huyện Giữa", "97001", "Xã An", "xã"),
    ("97", "Tỉnh Cũ", "971", "Huyện Giữa", "97002", "Xã Bình", "xã"),
    ("97", "Tỉnh Cũ", "971", "Huyện Giữa", "97003", "Xã Cầu", "xã"),
]
# from 1 Jul 2025, two levels: a new ward reuses 97001 for An + Bình; Cầu is split between Đông (default)
# and the new 97001
NEW = [
    ("96", "Thành phố Mới", "", "", "97001", "Phường Hợp Nhất", "phường"),
    ("96", "Thành phố Mới", "", "", "97010", "Xã Đông", "xã"),
]
MAPPING = "old_commune_code,new_commune_code,is_default\n97001,97001,1\n97002,97001,1\n97003,97010,1\n97003,97001,0\n"
JULY = date(2025, 7, 1)
CODES = ["report_date", "commune_code", "books_total", "books_digitized"]


def _old_figures(day: date) -> dict[str, tuple[int, int]]:
    """Cumulative figures of the old communes: each gains a little every day."""
    n = (day - date(2025, 6, 20)).days
    return {"97001": (100, 40 + n), "97002": (200, 60 + 2 * n), "97003": (50, 10 + n)}


@pytest.fixture
def crossing(tmp_path, con):
    """A campaign that crosses 1 Jul 2025: old-structure reports until 30 June, new ones from 1 July."""
    con.execute("DELETE FROM units")  # only the test's provinces
    store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "old.csv", OLD)))
    mapping = tmp_path / "map.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    result = structures.add_version(con, store.read_units_csv(write_units_csv(tmp_path / "new.csv", NEW)), JULY,
                                    structures.read_mapping_csv(mapping))
    assert result["links"] == 4
    old_rows = []
    for i in range(11):  # 20 .. 30 June
        day = date(2025, 6, 20) + timedelta(days=i)
        for code, (total, done) in _old_figures(day).items():
            old_rows.append([day.isoformat(), code, total, done])
    prep = ingest.prepare(con, csv_bytes(CODES, old_rows), "thang6.csv", today=date(2026, 1, 1))
    assert prep.ok, [p.as_dict() for p in prep.errors]
    ingest.commit(con, prep)
    last = _old_figures(date(2025, 6, 30))
    merged = (last["97001"][0] + last["97002"][0], last["97001"][1] + last["97002"][1])
    new_rows = [["2025-07-01", "97001", merged[0], merged[1] + 1], ["2025-07-01", "97010", 50, last["97003"][1] + 1],
                ["2025-07-02", "97001", merged[0], merged[1] + 3], ["2025-07-02", "97010", 50, last["97003"][1] + 2]]
    prep = ingest.prepare(con, csv_bytes(CODES, new_rows), "thang7.csv", today=date(2026, 1, 1))
    assert prep.ok, [p.as_dict() for p in prep.errors]
    ingest.commit(con, prep)
    return con


def _new_province(con) -> str:
    return structures.resolve_province(con, "96")


def test_each_file_is_read_in_the_structure_in_force_on_its_date(crossing):
    old_id = structures.resolve_province(crossing, "97")
    new_id = _new_province(crossing)
    assert structures.of_province(crossing, old_id).id == store.BASE_STRUCTURE
    assert structures.of_province(crossing, new_id).key == "2025-07-01"
    counts = dict(crossing.execute(
        "SELECT u.province_code, count(*) FROM reports r JOIN units u ON u.level = 'commune' "
        "AND u.code = r.commune_code GROUP BY 1").fetchall())
    assert counts == {old_id: 33, new_id: 4}


def test_the_reused_code_is_two_units(crossing):
    ids = {ref: code for code, ref in crossing.execute(
        "SELECT code, ref_code FROM units WHERE level = 'commune' AND ref_code = '97001'").fetchall()}
    rows = crossing.execute("SELECT code FROM units WHERE level = 'commune' AND ref_code = '97001'").fetchall()
    assert len(rows) == 2 and len(ids) == 1  # one official code, two units with their own ids


def test_new_structure_on_30_june_is_the_rolled_up_old_reports(crossing):
    s = metrics.summary(crossing, "96", date(2025, 6, 30), structure=date(2025, 7, 1))
    last = _old_figures(date(2025, 6, 30))
    assert s["books_total"] == sum(t for t, _ in last.values())
    assert s["books_digitized"] == sum(d for _, d in last.values())
    df = metrics.commune_status(crossing, metrics.view(crossing, "96", date(2025, 6, 30), date(2025, 7, 1)))
    by_ref = dict(zip(df["ref_code"], df["books_digitized"]))
    # the new unit with the reused code gets the sum of its predecessors, not the old 97001's reports;
    # the split commune counts once, for its default new unit
    assert by_ref["97001"] == last["97001"][1] + last["97002"][1]
    assert by_ref["97010"] == last["97003"][1]


def test_no_drop_on_1_july(crossing):
    v = metrics.view(crossing, "96", date(2025, 7, 2), date(2025, 7, 1))
    trend = metrics.trend(crossing, v).set_index("day")
    digitized = trend["books_digitized"]
    assert digitized[date(2025, 7, 1)] >= digitized[date(2025, 6, 30)]
    assert digitized[date(2025, 7, 2)] >= digitized[date(2025, 7, 1)]
    assert (digitized.diff().dropna() >= 0).all()


def test_old_structure_on_30_june_is_the_old_reports_as_they_were(crossing):
    s = metrics.summary(crossing, "97", date(2025, 6, 30), structure=date(2025, 6, 30))
    last = _old_figures(date(2025, 6, 30))
    assert s["books_digitized"] == sum(d for _, d in last.values())
    assert s["units_total"] == 3
    # reports made in the newer structure are not counted here, and the summary says how many
    assert s["newer_reports"] == 4


def test_default_structure_follows_the_as_of_date(crossing):
    assert metrics.view(crossing, None, date(2025, 7, 2)).province == _new_province(crossing)
    assert metrics.view(crossing, "97", date(2025, 6, 25)).province == structures.resolve_province(crossing, "97")


def test_an_old_template_file_after_the_change_is_read_in_the_old_list_with_a_warning(crossing):
    # names of the old list, dated after 1 July: the new list does not know Xã Bình
    header = ["report_date", "commune_code", "commune", "books_total", "books_digitized"]
    prep = ingest.prepare(crossing, csv_bytes(header, [["2025-07-03", "97002", "Xã Bình", 200, 90]]), "mau-cu.csv",
                          today=date(2026, 1, 1))
    assert prep.ok
    assert any(w.problem_key == "check.older_structure" for w in prep.warnings)
    assert prep.structure_id == store.BASE_STRUCTURE


def test_communes_cli_contract(crossing, run_cli, db_path):
    crossing.close()
    code, out, err = run_cli("communes", "--json", "--province", "96", "--structure", "2025-07-01",
                             "--as-of", "2025-06-30")
    assert code == 0, err
    rows = json_lines(out)[0]
    assert [r["commune_code"] for r in rows] == ["97001", "97010"]
    assert set(rows[0]) == {"commune_code", "commune", "district_code", "district", "books_total",
                            "books_digitized", "records_total", "records_digitized", "completion_pct",
                            "planned_pct", "status", "last_report"}
    assert rows[0]["district"] is None and rows[0]["district_code"] is None
    code, out, err = run_cli("summary", "--province", "97", "--structure", "2025-06-01", "--as-of", "2025-06-30")
    assert code == 0, err
    assert json_lines(out)[0]["newer_reports"] == 4


def test_units_from_date_adds_a_version_and_keeps_the_old_one(tmp_path, run_cli, db_path, con):
    con.close()
    new = write_units_csv(tmp_path / "new.csv", [("49", "Tỉnh Quảng Nam", "502", "Thành phố Tam Kỳ", "20335",
                                                  "Phường Tân Thạnh", "phường")])
    code, out, err = run_cli("units", str(new), "--from", "2025-01-01", "--json")
    assert code == 0, err
    result = json_lines(out)[0]
    assert result["structure"] == "2025-01-01" and result["links"] == 1 and result["from_structure"] == "2024"
    with store.session(db_path) as c:
        assert len(structures.all_structures(c)) == 2
        assert c.execute("SELECT count(*) FROM units WHERE level = 'commune' AND structure_id = 1").fetchone()[0] == 241


def test_mapping_needs_a_split_default(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("old_commune_code,new_commune_code\n1,10\n1,11\n2,10\n", encoding="utf-8")
    frame = structures.read_mapping_csv(path)
    assert frame.groupby("old_commune_code")["is_default"].sum().to_dict() == {"00001": 1, "00002": 1}
    assert frame[frame["is_default"]].set_index("old_commune_code")["new_commune_code"].to_dict() == \
        {"00001": "00010", "00002": "00010"}


@pytest.fixture(scope="module")
def shipped_db(tmp_path_factory):
    """A database with the shipped lists of 2024 (Quảng Nam) and 1 Jan 2025 (the whole country)."""
    path = tmp_path_factory.mktemp("shipped") / "shipped.duckdb"
    with store.session(path) as c:
        structures.load_shipped(c, ("2024", "2025-01"))
    return path


def test_a_february_file_on_the_2024_template_rolls_up_into_the_absorbing_commune(shipped_db, tmp_path):
    import shutil

    path = tmp_path / "db.duckdb"
    shutil.copyfile(shipped_db, path)
    with store.session(path) as c:
        # Phường Phước Hòa (20338) was merged into An Xuân (20347) on 1 Jan 2025
        rows = [["2025-02-20", "20338", 300, 120], ["2025-02-20", "20347", 500, 250], ["2025-02-20", "20335", 90, 45]]
        prep = ingest.prepare(c, csv_bytes(CODES, rows), "bao-cao-mau-2024.csv", today=date(2025, 3, 1))
        assert prep.ok, [p.as_dict() for p in prep.errors]
        assert any(w.problem_key == "check.older_structure" for w in prep.warnings)
        ingest.commit(c, prep)
        v = metrics.view(c, "Quảng Nam", date(2025, 2, 20), date(2025, 2, 1))
        assert structures.of_province(c, v.province).key == "2025-01"
        df = metrics.commune_status(c, v)
        assert len(df) == 233 and df["district_code"].nunique() == 17
        an_xuan = df[df["ref_code"] == "20347"].iloc[0]
        assert (an_xuan["books_total"], an_xuan["books_digitized"]) == (800, 370)


def test_shipped_counts(shipped_db):
    with store.session(shipped_db) as c:
        counts = {s.key: c.execute("SELECT count(*) FROM units WHERE level = 'commune' AND structure_id = ?",
                                   [s.id]).fetchone()[0] for s in structures.all_structures(c)}
        assert counts == {"2024": 241, "2025-01": 10035}
        assert len(structures.provinces(c, structures.in_force(c, date(2025, 3, 1)).id)) == 63


@pytest.mark.parametrize("province, structure, expected, communes", [
    ("Đà Nẵng", "2025-07-01", "Thành phố Đà Nẵng", 94),
    ("da nang", "2025-03-01", "Thành phố Đà Nẵng", 47),
    ("Quảng Nam", "2025-03-01", "Tỉnh Quảng Nam", 233),
    ("Quảng Nam", "2025-07-01", "Thành phố Đà Nẵng", 94),  # it joined Đà Nẵng on 1 Jul 2025
])
def test_setup_any_province_in_either_structure(shipped_all, tmp_path, run_cli, db_path, province, structure,
                                                expected, communes):
    import shutil

    shutil.copyfile(shipped_all, db_path)
    code, out, err = run_cli("setup", "--province", province, "--structure", structure, "--json")
    assert code == 0, err
    result = json_lines(out)[0]
    assert result["province_name"] == expected
    assert result["structures"] == {"2024": 241, "2025-01": 10035, "2025-07": 3321}
    code, out, err = run_cli("summary")
    s = json_lines(out)[0]
    assert code == 0, err
    assert s["province_name"] == expected and s["units_total"] == communes


def test_setup_needs_a_province(run_cli):
    code, _, err = run_cli("setup")
    assert code == 1 and "--province" in err


@pytest.fixture(scope="module")
def shipped_all(tmp_path_factory):
    path = tmp_path_factory.mktemp("all") / "all.duckdb"
    with store.session(path) as c:
        structures.load_shipped(c)
    return path


def test_a_file_of_the_old_period_is_read_in_its_list_without_a_warning(crossing):
    # uploaded long after the change, dated before it; its code does not exist in the new list
    prep = ingest.prepare(crossing, csv_bytes(CODES, [["2025-06-25", "97002", 200, 80]]), "cham.csv",
                          today=date(2026, 1, 1))
    assert prep.ok and prep.structure_id == store.BASE_STRUCTURE
    assert not any(w.problem_key == "check.older_structure" for w in prep.warnings)
