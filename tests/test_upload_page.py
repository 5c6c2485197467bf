"""The Upload page in Streamlit's AppTest (1.67 drives st.file_uploader): a good file shows its preview and
loads on confirm; a bad one shows its errors and loads nothing; warnings need a confirmation; unknown names
can be resolved by picking the unit (remembered); an upload can be withdrawn."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.i18n import t

from support import csv_bytes, sparse_xlsx

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CORPUS = Path(__file__).parent / "data" / "corpus"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path, template_db) -> Path:
    path = tmp_path / "page.duckdb"
    shutil.copy(template_db, path)
    return path


def upload_page(monkeypatch, db: Path, *files: tuple[str, bytes, str]) -> AppTest:
    monkeypatch.setenv("HOTICH_DB", str(db))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    monkeypatch.setenv("HOTICH_OPEN_MODE", "1")  # no account yet: everyone may upload
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    if files:
        at.file_uploader(key="upload_files").set_value(list(files)).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _frames(at: AppTest, kind: str):
    """The page's tables of one kind: "preview" (rows to load) or "problems" (errors or warnings)."""
    marker = {"preview": t("col.report_date"), "problems": t("col.fix")}[kind]
    return [d.value for d in at.dataframe if marker in d.value.columns]


def _counts(db: Path) -> tuple[int, list[str]]:
    with store.session(db) as con:
        return store.report_count(con), list(store.uploads(con)["outcome"])


def test_good_file_preview_then_load_on_confirm(monkeypatch, db):
    data = (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    at = upload_page(monkeypatch, db, ("bao_cao_chinh_thuc.xlsx", data, XLSX))
    [preview] = _frames(at, "preview")
    assert len(preview) == 30
    assert list(preview[t("col.commune")])[:2] == ["Phường Tân Thạnh", "Phường Phước Hòa"]
    assert list(preview[t("col.row")])[:1] == [12]
    info = " ".join(i.value for i in at.info)
    assert "30 báo cáo mới" in info and "–" in info  # completion before: nothing yet
    assert any("Báo cáo" in c.value and "8–9" in c.value and "25/02/2025" in c.value for c in at.caption)
    assert _counts(db) == (0, [])  # nothing written before the confirmation
    at.button(key=f"confirm_{digest}").click().run()
    assert not at.exception
    assert _counts(db) == (30, ["loaded"])
    assert any("Đã nạp 30 dòng" in s.value for s in at.success)


def test_bad_file_shows_errors_and_loads_nothing(monkeypatch, db):
    data = (CORPUS / "so_lieu_sai.csv").read_bytes()
    at = upload_page(monkeypatch, db, ("so_lieu_sai.csv", data, "text/csv"))
    assert any("bị từ chối: 6 lỗi" in e.value for e in at.error)
    [errors] = _frames(at, "problems")
    assert list(errors[t("col.row")]) == ["3", "4", "5", "6", "7", "8"]
    assert "Số âm" in list(errors[t("col.problem")])
    assert not [b for b in at.button if (b.key or "").startswith("confirm_")]
    at.run()  # a rerun does not log the attempt twice
    assert _counts(db) == (0, ["rejected"])


def test_warnings_need_confirmation_and_several_files(monkeypatch, db):
    base = (CORPUS / "dau_ky.csv").read_bytes()
    good = (CORPUS / "english_codes.csv").read_bytes()
    at = upload_page(monkeypatch, db, ("dau_ky.csv", base, "text/csv"), ("english_codes.csv", good, "text/csv"))
    d1, d2 = hashlib.sha256(base).hexdigest(), hashlib.sha256(good).hexdigest()
    assert len(_frames(at, "preview")) == 2
    [warnings] = _frames(at, "problems")
    assert "21/02/2025" in warnings[t("col.problem")].iloc[0]
    assert at.button(key=f"confirm_{d1}").disabled
    at.checkbox(key=f"warn_{d1}").check().run()
    at.button(key=f"confirm_{d1}").click().run()
    assert _counts(db) == (3, ["loaded"])
    at.button(key=f"confirm_{d2}").click().run()
    assert _counts(db)[0] == 8


def test_unknown_name_pick_unit_remembered(monkeypatch, db):
    data = csv_bytes(["Ngày báo cáo", "Huyện", "Xã", "Tổng số sổ", "Số sổ đã số hóa"],
                     [["25/02/2025", "Thành phố Tam Kỳ", "Phường Tân Thanh Mới", "100", "40"]])
    at = upload_page(monkeypatch, db, ("moi.csv", data, "text/csv"))
    digest = hashlib.sha256(data).hexdigest()
    assert at.error
    at.selectbox(key=f"alias_{digest}_0").select("20335").run()
    at.button(key=f"save_alias_{digest}").click().run()
    assert not at.exception
    assert any("Đã ghi nhớ 1" in s.value for s in at.success)
    [preview] = _frames(at, "preview")
    assert list(preview[t("col.commune_code")]) == ["20335"]


def test_withdraw_restores_and_is_logged(monkeypatch, db):
    first = csv_bytes(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"], [["25/02/2025", "20335", "100", "40"]])
    second = csv_bytes(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"], [["25/02/2025", "20335", "100", "60"]])
    with store.session(db) as con:
        from analytics import ingest

        ingest.ingest_file(con, first, "a.csv")
        up = ingest.ingest_file(con, second, "b.csv").upload_id
    at = upload_page(monkeypatch, db)
    at.selectbox(key="withdraw_pick").select(up).run()
    at.button(key="withdraw_go").click().run()
    assert not at.exception
    assert any(f"số {up}" in s.value for s in at.success)
    with store.session(db) as con:
        assert con.execute("SELECT books_digitized FROM reports").fetchall() == [(40,)]
        assert list(store.uploads(con)["outcome"]) == ["withdrawn", "loaded"]


def test_workbook_with_a_far_cell_is_refused_and_logged(monkeypatch, db):
    """A 2 KB .xlsx with a value at XFD1048576 once aborted the whole server: now a message and a log line."""
    at = upload_page(monkeypatch, db, ("xa.xlsx", sparse_xlsx([(1048576, 16384)]), XLSX))
    assert any("bị từ chối" in e.value for e in at.error)
    [errors] = _frames(at, "problems")
    assert "XFD1048576" in errors[t("col.problem")].iloc[0]
    assert "trang tính mới" in errors[t("col.fix")].iloc[0]
    assert _counts(db) == (0, ["rejected"])
