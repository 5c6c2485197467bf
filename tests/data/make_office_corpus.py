"""Make the office corpus: report files as district, province and ministry-style offices make them in
LibreOffice Calc, each saved by the real program as .xlsx, .xls, .ods and .csv.

Run from the project root (needs LibreOffice: ``soffice`` on the PATH, Debian's ``libreoffice-calc``):

    .venv/bin/python tests/data/make_office_corpus.py

Each document is drawn with openpyxl (title block, merged cells, hidden rows and columns, frozen panes, an
instruction sheet, numbers typed as text, real date cells, formulas, a column-number row, totals) and then
opened and saved by ``soffice --headless --convert-to``, so the committed files in tests/data/corpus/office/
are byte for byte what LibreOffice writes (formulas carry the values LibreOffice computed). The expected
outcome of each file — loaded or refused, and per district the communes loaded, Σ books_total and
Σ books_digitized — is written to tests/data/corpus/office/manifest.json from the figures drawn here, not
from the importer; tests/test_ingest.py loads every file through ``ingest.prepare`` and checks them.

Names and codes are the real Quảng Nam 2024 list (data/quang_nam_units_2024.csv):
total = 100 + code % 97, digitized = total * k // 10.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus" / "office"
ROOT = HERE.parent.parent
UNITS = ROOT / "data" / "quang_nam_units_2024.csv"
FORMATS = ("xlsx", "xls", "ods", "csv")
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods",
           # comma, double quote, UTF-8, first line 1, -, language, quote all text: no, -, save as shown,
           # formulas: no, -, the sheet to write (1 = the first)
           "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{sheet}"}

with open(UNITS, encoding="utf-8-sig", newline="") as fh:
    U = list(csv.DictReader(fh))
BY_DISTRICT: dict[str, list[dict]] = {}
for _u in U:
    BY_DISTRICT.setdefault(_u["district_code"], []).append(_u)
DNAME = {u["district_code"]: u["district_name"] for u in U}
BY_CODE = {u["commune_code"]: u for u in U}

manifest: list[dict] = []


def figures(code: str, k: int) -> tuple[int, int]:
    total = 100 + int(code) % 97
    return total, total * k // 10


def sums(rows: list[tuple[str, int, int]]) -> dict[str, list[int]]:
    """Per district: [communes, Σ books_total, Σ books_digitized] of the (code, total, digitized) loaded."""
    out: dict[str, list[int]] = {}
    for code, t, d in rows:
        s = out.setdefault(BY_CODE[code]["district_code"], [0, 0, 0])
        s[0] += 1
        s[1] += t
        s[2] += d
    return out


def bare(name: str) -> str:
    """A commune's name without its type word, as many district offices type it."""
    for word in ("Thị trấn ", "Phường ", "Xã "):
        if name.startswith(word):
            return name[len(word):]
    return name


def save(wb, name: str, tmp: Path, *, csv_sheet: int = 1) -> list[str]:
    """Write the workbook, then let LibreOffice open and save it in every format; the files' names."""
    src = tmp / f"{name}.xlsx"
    wb.save(src)
    made = []
    for fmt in FORMATS:
        target = OUT / f"{name}.{fmt}"
        out_dir = tmp / fmt
        out_dir.mkdir(exist_ok=True)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        FILTERS[fmt].format(sheet=csv_sheet), "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=180)
        # a CSV of one chosen sheet is written as NAME-SHEET.csv
        produced = out_dir / f"{name}.{fmt}" if fmt != "csv" else next(out_dir.glob(f"{name}*.csv"))
        shutil.copyfile(produced, target)
        made.append(target.name)
    return made


def expect(files: list[str], *, load: bool, rows: list[tuple[str, int, int]] | None = None,
           date: str | None = None, warnings: list[str] | None = None, errors: list[str] | None = None,
           **kw) -> None:
    for f in files:
        entry: dict = {"file": f, "load": load, "warnings": sorted(set(warnings or []))}
        if rows is not None:
            entry["rows"] = len(rows)
            entry["districts"] = sums(rows)
        if date:
            entry["report_dates"] = [date]
        if errors is not None:
            entry["errors"] = errors
        entry.update(kw)
        manifest.append(entry)


# --- the documents ---------------------------------------------------------------------------------------------

def district_title(tmp: Path) -> None:
    """A district's own report: the district only in the title, communes without codes and mostly without
    their type word, a "Tổng cộng" row right under the column numbers, a percentage formula, a hidden
    column, frozen panes, numbers typed as text, signatures under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "BC"
    ws["A1"] = "UBND HUYỆN PHƯỚC SƠN"
    ws.merge_cells("A1:C1")
    ws["E1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("E1:H1")
    ws["A2"] = "PHÒNG TƯ PHÁP"
    ws.merge_cells("A2:C2")
    ws["E2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("E2:H2")
    ws["E3"] = "Phước Sơn, ngày 26 tháng 02 năm 2025"
    ws.merge_cells("E3:H3")
    ws["A5"] = "BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH CỦA HUYỆN PHƯỚC SƠN"
    ws.merge_cells("A5:H5")
    ws["A6"] = "(Số liệu tính đến ngày 25 tháng 02 năm 2025)"
    ws.merge_cells("A6:H6")
    for ref in ("A1", "E1", "A5"):
        ws[ref].font = Font(bold=True)
        ws[ref].alignment = Alignment(horizontal="center")
    ws["A8"], ws["B8"], ws["C8"], ws["D8"] = "STT", "Tên đơn vị", "Mã nội bộ", "Số lượng sổ hộ tịch (quyển)"
    ws["F8"], ws["G8"] = "Tỷ lệ (%)", "Ghi chú"
    ws["D9"], ws["E9"] = "Tổng số", "Đã số hóa"
    for rng in ("A8:A9", "B8:B9", "C8:C9", "D8:E8", "F8:F9", "G8:G9"):
        ws.merge_cells(rng)
    for i, c in enumerate("ABCDEFG", start=1):
        ws[f"{c}10"] = f"({i})"
    ws.column_dimensions["C"].hidden = True  # an internal column the office keeps but does not print
    communes = BY_DISTRICT["511"]
    first, last = 12, 12 + len(communes) - 1
    ws["B11"] = "Tổng cộng"
    ws["D11"], ws["E11"] = f"=SUM(D{first}:D{last})", f"=SUM(E{first}:E{last})"
    ws["F11"] = "=E11/D11"
    ws["F11"].number_format = "0.0%"
    loaded = []
    for n, u in enumerate(communes):
        r = first + n
        t, d = figures(u["commune_code"], 6)
        ws.cell(r, 1, n + 1)
        ws.cell(r, 2, u["commune_name"] if n % 3 == 0 else bare(u["commune_name"]))
        ws.cell(r, 3, f"PS{n + 1:02d}")
        ws.cell(r, 4, str(t) if n % 4 == 1 else t)  # typed as text, as a clerk pasting from a message does
        ws.cell(r, 5, d)
        ws.cell(r, 6, f"=E{r}/D{r}").number_format = "0.0%"
        loaded.append((u["commune_code"], t, d))
    ws.cell(last + 2, 2, "Nơi nhận:")
    ws.cell(last + 3, 2, "- Sở Tư pháp;")
    ws.cell(last + 2, 6, "TRƯỞNG PHÒNG")
    ws.cell(last + 5, 6, "Nguyễn Văn An")
    ws.freeze_panes = "C11"
    ws.column_dimensions["B"].width = 26
    files = save(wb, "huyen_tieu_de", tmp)
    # Calc's SUM leaves out the numbers typed as text, so the stated total is short: a warning, as it should be
    expect(files, load=True, rows=loaded, date="2025-02-25", date_source="title",
           warnings=["check.district_from_title", "check.total_mismatch"])


def district_file_name(tmp: Path) -> None:
    """The district only in the file name; an instruction sheet first; a date column of real date cells;
    a "Toàn huyện" row at the end; a hidden row; "A B (1) (2)" numbering."""
    from openpyxl import Workbook

    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Hướng dẫn điền báo cáo"
    guide["A2"] = "1. Điền số sổ đã số hóa lũy kế đến ngày báo cáo."
    guide["A3"] = "2. Không sửa dòng tiêu đề của bảng."
    ws = wb.create_sheet("Số liệu")
    ws["A1"] = "BÁO CÁO SỐ HÓA SỔ HỘ TỊCH"
    ws.merge_cells("A1:F1")
    ws["A3"], ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"] = (
        "STT", "Xã, thị trấn", "Ngày báo cáo", "Tổng số sổ", "Số sổ đã số hóa", "Số trường hợp đã số hóa")
    for c, v in zip("ABCDEF", ("A", "B", "(1)", "(2)", "(3)", "(4)")):
        ws[f"{c}4"] = v
    communes = BY_DISTRICT["518"]
    loaded = []
    row = 5
    for n, u in enumerate(communes):
        t, d = figures(u["commune_code"], 5)
        ws.cell(row, 1, n + 1)
        ws.cell(row, 2, u["commune_name"])
        ws.cell(row, 3, datetime(2025, 2, 25)).number_format = "DD/MM/YYYY"
        ws.cell(row, 4, t)
        ws.cell(row, 5, d)
        ws.cell(row, 6, d * 7)
        loaded.append((u["commune_code"], t, d))
        if n == 3:
            ws.row_dimensions[row].hidden = True  # hidden for printing; its figures are still the commune's
        row += 1
    ws.cell(row, 2, "Toàn huyện")
    ws.cell(row, 4, f"=SUM(D5:D{row - 1})")
    ws.cell(row, 5, f"=SUM(E5:E{row - 1})")
    ws.cell(row + 2, 5, "Người lập biểu")
    ws.freeze_panes = "A5"
    files = save(wb, "bao_cao_phu_ninh_25-02", tmp, csv_sheet=2)
    expect(files, load=True, rows=loaded, date="2025-02-25", date_source="column",
           warnings=["check.district_from_file_name"])


def two_digitized_columns(tmp: Path, *, dated: bool) -> None:
    """Last week's "đã số hóa" kept (hidden) beside this week's; "THỊ XÃ ĐIỆN BÀN" only in the title;
    "TỔNG CỘNG" right under the header. Dated headers: the report date's column is read (a warning says
    which); undated: refused with a message naming both columns."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Tuần"
    ws["A1"] = "UBND THỊ XÃ ĐIỆN BÀN"
    ws["A3"] = "BÁO CÁO KẾT QUẢ SỐ HÓA SỔ HỘ TỊCH CỦA THỊ XÃ ĐIỆN BÀN"
    ws["A4"] = "Tính đến ngày 25 tháng 02 năm 2025"
    old, new = ("Đã số hóa đến 18/02", "Đã số hóa đến 25/02") if dated else ("Đã số hóa", "Đã số hóa")
    for c, v in zip("ABCDE", ("STT", "Tên xã, phường", "Tổng số sổ", old, new)):
        ws[f"{c}6"] = v
    communes = BY_DISTRICT["507"]
    ws["B7"] = "TỔNG CỘNG"
    ws["C7"], ws["D7"], ws["E7"] = (f"=SUM({c}8:{c}{7 + len(communes)})" for c in "CDE")
    loaded = []
    for n, u in enumerate(communes):
        r = 8 + n
        t, d = figures(u["commune_code"], 7)
        ws.cell(r, 1, n + 1)
        ws.cell(r, 2, u["commune_name"] if n % 2 else bare(u["commune_name"]))
        ws.cell(r, 3, t)
        ws.cell(r, 4, figures(u["commune_code"], 5)[1])
        ws.cell(r, 5, d)
        loaded.append((u["commune_code"], t, d))
    ws.column_dimensions["D"].hidden = True
    ws.freeze_panes = "C7"
    if dated:
        files = save(wb, "thi_xa_hai_cot_so_hoa", tmp)
        expect(files, load=True, rows=loaded, date="2025-02-25", date_source="title",
               warnings=["check.column_chosen", "check.district_from_title"], chosen="Đã số hóa đến 25/02")
    else:
        files = save(wb, "hai_cot_khong_ro", tmp)
        expect(files, load=False, errors=["check.columns_same_kind"])


def province_merged_districts(tmp: Path) -> None:
    """A province report: the district written once in a cell merged down over its communes, "TỔNG CỘNG"
    right under the column numbers, a date column, Tam Kỳ's Phường Phước Hòa and Phước Sơn's Xã Phước Hoà."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "Toàn tỉnh"
    ws["A1"] = "UBND TỈNH QUẢNG NAM"
    ws.merge_cells("A1:C1")
    ws["A2"] = "SỞ TƯ PHÁP"
    ws.merge_cells("A2:C2")
    ws["A4"] = "TỔNG HỢP TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH"
    ws.merge_cells("A4:G4")
    for c, v in zip("ABCDEFG", ("STT", "Huyện", "Xã", "Ngày báo cáo", "Tổng số sổ", "Số sổ đã số hóa", "Ghi chú")):
        ws[f"{c}6"] = v
    for i, c in enumerate("ABCDEFG", start=1):
        ws[f"{c}7"] = i
    picked = {"502": BY_DISTRICT["502"], "511": BY_DISTRICT["511"], "517": BY_DISTRICT["517"][:6]}
    n_rows = sum(len(v) for v in picked.values())
    ws["C8"] = "TỔNG CỘNG"
    ws["E8"], ws["F8"] = f"=SUM(E9:E{8 + n_rows})", f"=SUM(F9:F{8 + n_rows})"
    row, n, loaded = 9, 1, []
    for dcode, communes in picked.items():
        ws.cell(row, 2, DNAME[dcode]).alignment = Alignment(vertical="center")
        ws.merge_cells(start_row=row, start_column=2, end_row=row + len(communes) - 1, end_column=2)
        for u in communes:
            t, d = figures(u["commune_code"], 3 + n % 5)
            ws.cell(row, 1, n)
            ws.cell(row, 3, u["commune_name"])
            ws.cell(row, 4, datetime(2025, 2, 25)).number_format = "DD/MM/YYYY"
            ws.cell(row, 5, t)
            ws.cell(row, 6, d)
            loaded.append((u["commune_code"], t, d))
            row += 1
            n += 1
    ws.freeze_panes = "D8"
    files = save(wb, "tinh_huyen_gop_o", tmp)
    expect(files, load=True, rows=loaded, date="2025-02-25", date_source="column")


def names_by_type_word(tmp: Path) -> None:
    """A ministry-style list of communes by name only, no district anywhere: "Phường Phước Hòa" (Tam Kỳ) and
    "Xã Phước Hoà" (Phước Sơn) are told apart by their type word."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws["A1"] = "DANH SÁCH ĐƠN VỊ BÁO CÁO SỐ HÓA"
    ws["A2"] = "Ngày 25/02/2025"
    for c, v in zip("ABCD", ("TT", "Đơn vị cấp xã", "Tổng số quyển sổ", "Số quyển sổ đã số hóa")):
        ws[f"{c}4"] = v
    codes = ["20338", "20729", "20335", "20722", "20965", "20599", "20437"]
    loaded = []
    for n, code in enumerate(codes):
        t, d = figures(code, 8)
        ws.append([n + 1, BY_CODE[code]["commune_name"], t, d])
        loaded.append((code, t, d))
    files = save(wb, "ten_phan_biet_loai", tmp)
    expect(files, load=True, rows=loaded, date="2025-02-25", date_source="title")


def template_filled(tmp: Path) -> None:
    """The shipped template (every commune pre-filled), in which a clerk of Hiệp Đức fills in only the
    district's communes (date and figures) and leaves the other rows blank."""
    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd
    from openpyxl import load_workbook

    from analytics import templates

    frame = pd.DataFrame({"district": [u["district_name"] for u in U], "commune_code": [u["commune_code"] for u in U],
                          "commune": [u["commune_name"] for u in U]})
    wb = load_workbook(io.BytesIO(templates.template_xlsx(frame)))
    ws = wb.active
    loaded = []
    for r in range(2, ws.max_row + 1):
        code = str(ws.cell(r, 3).value)
        if BY_CODE[code]["district_code"] != "512":
            continue
        t, d = figures(code, 4)
        ws.cell(r, 1, datetime(2025, 2, 25)).number_format = "DD/MM/YYYY"
        ws.cell(r, 5, t)
        ws.cell(r, 6, d)
        loaded.append((code, t, d))
    files = save(wb, "mau_bao_cao_da_dien", tmp)
    expect(files, load=True, rows=loaded, date="2025-02-25", date_source="column",
           warnings=["check.rows_without_figures"], without_figures=len(U) - len(loaded))


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("soffice (LibreOffice) is needed: apt-get install libreoffice-calc")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        district_title(tmp)
        district_file_name(tmp)
        two_digitized_columns(tmp, dated=True)
        two_digitized_columns(tmp, dated=False)
        province_merged_districts(tmp)
        names_by_type_word(tmp)
        template_filled(tmp)
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(manifest)} files in {OUT}")


if __name__ == "__main__":
    main()
