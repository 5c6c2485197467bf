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
    at.radio(key=f"alias_{digest}_0").set_value("20335").run()
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


# --- the clerk's day: a district's template, names fixed in the page, the demo, the preview ---------------------

import io  # noqa: E402
import re  # noqa: E402
from datetime import datetime  # noqa: E402

from analytics import demo, ingest, present, templates  # noqa: E402
from analytics.errors import Problem  # noqa: E402

TAM_KY = "Thành phố Tam Kỳ"


def _district_template(db: Path, name: str = TAM_KY) -> tuple[bytes, list[str], str]:
    """The district's .xlsx template as the page makes it (the province shown by default, in its unit list),
    its communes' ids and the district's id."""
    with store.session(db) as con:
        communes = store.units_frame(con, store.default_province(con))
    communes = communes[communes["district"] == name].reset_index(drop=True)
    return (templates.template_xlsx(communes, name), list(communes["commune_code"]),
            str(communes["district_code"].iloc[0]))


def _fill(template: bytes, day: datetime, figures: dict[int, tuple[int, int]], edits: dict[tuple[int, int], object]
          ) -> bytes:
    """Fill the template as a clerk does in Excel: the date cell, then (total, digitized) per table row."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    ws = wb.active
    ws["B2"] = day
    first = templates.HEADER_ROW + 1
    for i, (total, digitized) in figures.items():
        ws.cell(first + i, 4, total)
        ws.cell(first + i, 5, digitized)
    for (i, col), value in edits.items():
        ws.cell(first + i, col).value = value  # ws.cell(r, c, None) would leave the cell as it was
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _texts(at: AppTest) -> list[str]:
    """Every text a user reads on the page: messages, labels, options, table headers and problem cells."""
    out = []
    for kind in ("title", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "checkbox", "selectbox", "radio", "date_input", "expander", "file_uploader"):
        for el in getattr(at, kind, []):
            out.append(str(getattr(el, "label", "") or ""))
            out += [str(o) for o in getattr(el, "options", []) or []]
    out += [str(b.label) for b in at.get("download_button")]
    for d in at.dataframe:
        out += [str(c) for c in d.value.columns]
        if t("col.fix") in d.value.columns:
            out += [str(v) for v in d.value[t("col.fix")]] + [str(v) for v in d.value[t("col.problem")]]
    return out


def test_clerk_day_district_template_fix_names_demo_confirm_withdraw(monkeypatch, db):
    with store.session(db) as con:
        demo.load_demo(con)
    template, codes, district_id = _district_template(db)
    n = len(codes)
    assert n >= 10
    # the template filled in part (the last 3 communes have not reported); row 0 typed by hand (no code, a
    # misspelt name), row 1 with a misspelt district
    filled = n - 3
    data = _fill(template, datetime(2025, 3, 6), {i: (1000, 600) for i in range(filled)},
                 {(0, 2): None, (0, 3): "Phường Tân Thanh Mới", (1, 2): None, (1, 1): "TP Tam Kyy"})
    digest = hashlib.sha256(data).hexdigest()
    at = upload_page(monkeypatch, db)
    scope = at.selectbox(key="template_scope")
    assert scope.options[0] == t("upload.template_whole") and TAM_KY in scope.options
    scope.select(district_id).run()
    assert len(at.get("download_button")) == 2 and not at.exception
    at.file_uploader(key="upload_files").set_value([("mau_tam_ky.xlsx", data, XLSX)]).run()
    assert any("bị từ chối: 2 lỗi" in e.value for e in at.error)
    # matched by code or name, even with the file refused: not "0"
    assert any(f"xã khớp: {filled - 2}" in c.value and "06/03/2025 (dòng tiêu đề)" in c.value for c in at.caption)
    [errors] = _frames(at, "problems")
    assert all("--" not in fix and t("upload.pick_title") in fix for fix in errors[t("col.fix")])
    # the candidates are listed whole, the district first
    district, commune = at.radio(key=f"alias_{digest}_0"), at.radio(key=f"alias_{digest}_1")
    assert "TP Tam Kyy" in district.label and "Thành phố Tam Kỳ (502)" in district.options
    assert "Phường Tân Thạnh, Thành phố Tam Kỳ (20335)" in commune.options
    district.set_value(district_id)
    commune.set_value(codes[0]).run()
    at.button(key=f"save_alias_{digest}").click().run()
    assert not at.exception and not at.error
    # before the confirmation: the demo will be replaced, and nothing was written yet
    assert any(w.value == t("upload.demo_replaced") for w in at.warning)
    with store.session(db) as con:
        assert store.is_demo(con) and list(store.district_aliases(con).values()) == [district_id]
    [preview] = _frames(at, "preview")
    from analytics.units import display_code

    assert sorted(preview[t("col.commune_code")]) == sorted(display_code(c) for c in codes[:filled])
    [warnings] = _frames(at, "problems")  # the communes left blank: skipped, said once
    assert list(warnings[t("col.problem")]) == [t("check.rows_without_figures", count=3)]
    assert at.button(key=f"confirm_{digest}").disabled
    at.checkbox(key=f"warn_{digest}").check().run()
    at.button(key=f"confirm_{digest}").click().run()
    assert any(f"Đã nạp {filled} dòng ({filled} xã)" in s.value and "06/03/2025" in s.value for s in at.success)
    with store.session(db) as con:
        assert not store.is_demo(con) and store.report_count(con) == filled
        upload_id = int(store.uploads(con)["upload_id"].iloc[0])
    # withdrawing it leaves nothing in force: every page says why; an admin may load the demo again
    at.selectbox(key="withdraw_pick").select(upload_id).run()
    at.button(key="withdraw_go").click().run()
    assert any(i.value == t("app.demo_removed", upload_id=upload_id) for i in at.info)
    at.switch_page("views/overview.py").run()
    assert any(i.value == t("app.demo_removed", upload_id=upload_id) for i in at.info)
    at.switch_page("views/upload.py").run()
    at.button(key="demo_reload").click().run()
    assert not at.exception
    with store.session(db) as con:
        assert store.is_demo(con) and store.report_count(con) > 3000
        assert "demo" in list(store.audit_log(con)["action"])
    assert not [i for i in at.info if i.value.startswith("Chưa có số liệu")]


def test_demo_reload_is_for_admins_only(monkeypatch, db):
    from analytics import auth
    from support import fast_bcrypt

    with store.session(db) as con:
        demo.load_demo(con)
        first = ingest.ingest_file(con, csv_bytes(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"],
                                                  [["25/02/2025", "20335", "100", "40"]]), "a.csv")
        store.withdraw_upload(con, first.upload_id)
        with fast_bcrypt():
            auth.add_user(con, auth.OPEN_USER, "xa_tamky", "uploader", "mat-khau-dai", scopes=["district:502"])
    monkeypatch.setenv("HOTICH_DB", str(db))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user"] = "xa_tamky"
    at.run()
    at.switch_page("views/upload.py").run()
    assert any(i.value == t("app.demo_removed", upload_id=first.upload_id) for i in at.info)
    assert not [b for b in at.button if b.key == "demo_reload"]


def test_preview_shows_old_to_new_and_flags_jumps(monkeypatch, db):
    header = ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"]
    with store.session(db) as con:
        ingest.ingest_file(con, csv_bytes(header, [["25/02/2025", "20335", "100", "40"],
                                                   ["25/02/2025", "20338", "200", "150"],
                                                   ["25/02/2025", "20344", "50", "10"]]), "truoc.csv")
    data = csv_bytes(header, [["26/02/2025", "20335", "100", "90"],    # +50 % of its books in a day
                              ["26/02/2025", "20338", "200", "140"],   # lower than the day before
                              ["26/02/2025", "20341", "300", "30"],    # its first report
                              ["26/02/2025", "20344", "50", "10"],     # unchanged: not listed
                              ["26/02/2025", "20347", "1000", "1"]])
    digest = hashlib.sha256(data).hexdigest()
    at = upload_page(monkeypatch, db, ("ngay26.csv", data, "text/csv"))
    changes = next(d.value for d in at.dataframe if t("upload.col.digitized_change") in d.value.columns)
    by_code = changes.set_index(t("col.commune_code"))
    assert list(by_code.index) == ["20335", "20338", "20341", "20347"]
    assert by_code.loc["20335", t("upload.col.digitized_change")] == "40 → 90"
    assert by_code.loc["20335", t("upload.col.increase")] == "+50"
    assert by_code.loc["20335", t("upload.col.flag")].startswith("Tăng 50,0 % tổng số sổ trong 1 ngày")
    assert by_code.loc["20338", t("upload.col.digitized_change")] == "150 → 140"
    assert by_code.loc["20338", t("upload.col.flag")] == t("upload.flag.lower")
    assert by_code.loc["20341", t("upload.col.digitized_change")] == "– → 30"
    assert by_code.loc["20341", t("upload.col.flag")] == "" and by_code.loc["20347", t("upload.col.flag")] == ""
    assert any(w.value.startswith("2 xã cần xem lại") for w in at.warning)
    assert at.button(key=f"confirm_{digest}").disabled
    at.checkbox(key=f"warn_{digest}").check().run()
    assert not at.button(key=f"confirm_{digest}").disabled


def test_jump_limit_is_a_setting(monkeypatch, db):
    header = ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"]
    with store.session(db) as con:
        ingest.ingest_file(con, csv_bytes(header, [["25/02/2025", "20335", "100", "40"]]), "truoc.csv")
        store.set_setting(con, "49", "jump_pct", "60")
    data = csv_bytes(header, [["26/02/2025", "20335", "100", "90"]])
    at = upload_page(monkeypatch, db, ("ngay26.csv", data, "text/csv"))
    changes = next(d.value for d in at.dataframe if t("upload.col.digitized_change") in d.value.columns)
    assert list(changes[t("upload.col.flag")]) == [""]
    assert not [w for w in at.warning if "cần xem lại" in w.value]


def test_no_english_on_the_upload_page_in_vietnamese(monkeypatch, db):
    bad = (CORPUS / "so_lieu_sai.csv").read_bytes()
    no_date = csv_bytes(["Mã xã", "Tổng số sổ", "Số sổ đã số hóa"], [["20335", "100", "40"]])
    good = (CORPUS / "english_codes.csv").read_bytes()
    at = upload_page(monkeypatch, db, ("so_lieu_sai.csv", bad, "text/csv"), ("khong_ngay.csv", no_date, "text/csv"),
                     ("english_codes.csv", good, "text/csv"))
    texts = _texts(at)
    assert t("upload.drop_label") in texts and t("upload.drop_limits", limit_mb="20") in texts
    english = re.compile(r"\b(Upload|Drag|drop|Limit|Browse|files?|per|the|and|or|to|of|when|uploading)\b")
    leaks = [x for x in texts if english.search(x.replace("english_codes.csv", ""))]
    assert leaks == []
    assert not [x for x in texts if "--date" in x or "--sheet" in x]  # command-line flags, not the page's controls
    # the page's own control is named instead
    assert any(t("upload.use_date") in x for x in texts)
    # the widget's own English texts are hidden by the shipped stylesheet (Streamlit has no option for them)
    [css] = [h for h in at.get("html") if "st-key-upload_files" in h.proto.body]  # the app's layout sheet is another
    assert "stFileUploaderDropzoneInstructions" in css.proto.body


def test_rechecking_a_refused_file_logs_it_once(monkeypatch, db):
    bad = (CORPUS / "so_lieu_sai.csv").read_bytes()
    at = upload_page(monkeypatch, db, ("so_lieu_sai.csv", bad, "text/csv"))
    at.run()
    at.file_uploader(key="upload_files").set_value([]).run()  # removed, then dropped again
    at.file_uploader(key="upload_files").set_value([("so_lieu_sai.csv", bad, "text/csv")]).run()
    upload_page(monkeypatch, db, ("so_lieu_sai.csv", bad, "text/csv"))  # a new session: the page reloaded
    assert _counts(db) == (0, ["rejected"])
    fixed = bad.replace(b"-", b"")  # different bytes: a new attempt
    upload_page(monkeypatch, db, ("so_lieu_sai.csv", fixed, "text/csv"))
    assert _counts(db)[1].count("rejected") == 2


@pytest.mark.parametrize("surface, present_, absent", [
    ("page", t("upload.use_date"), "--date"),
    ("cli", "--date", t("upload.use_date")),
])
def test_fixes_are_worded_for_where_they_are_read(con, surface, present_, absent):
    prep = ingest.prepare(con, csv_bytes(["Mã xã", "Tổng số sổ", "Số sổ đã số hóa"], [["20335", "100", "40"]]),
                          "khong_ngay.csv")
    [fix] = list(present.problems_table(prep.errors, "vi", surface=surface)[t("col.fix")])
    assert present_ in fix and absent not in fix
    # the upload log keeps the wording of where the attempt was made
    from analytics import auth

    ingest.reject(con, prep, user=auth.OPEN_USER if surface == "page" else "clerk",
                  source="app" if surface == "page" else "cli")
    logged = store.uploads(con)["errors"].iloc[0]
    assert present_ in logged and absent not in logged


def test_a_fix_without_a_page_variant_reads_the_same_everywhere():
    p = Problem("f.csv", 2, "Xã", "x", "value.negative", "fix.whole_number")
    assert p.as_dict("vi", "page")["fix"] == p.as_dict("vi", "cli")["fix"] == t("fix.whole_number")
