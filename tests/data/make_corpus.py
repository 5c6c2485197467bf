"""Make the import test corpus: files in the shapes communes really send, good and bad.

Run from the project root:  .venv/bin/python tests/data/make_corpus.py
It rewrites tests/data/corpus/* and tests/data/corpus/manifest.json (each
file's expected outcome, read by tests/test_ingest.py). The files are small
and committed, so the tests do not need this script; .xls needs ``xlwt``
(unmaintained, not a project dependency: ``pip install xlwt==1.3.0`` to
regenerate it; without it the committed .xls is kept).

Figures are made from the real Quảng Nam unit list (data/quang_nam_units_2024.csv):
total = 100 + code % 97, digitized = total * k // 10 for a per-file k.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"
UNITS = HERE.parent.parent / "data" / "quang_nam_units_2024.csv"

manifest: list[dict] = []


def units() -> list[dict]:
    with open(UNITS, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


U = units()
BY_DISTRICT: dict[str, list[dict]] = {}
for u in U:
    BY_DISTRICT.setdefault(u["district_code"], []).append(u)
DNAME = {u["district_code"]: u["district_name"] for u in U}


def figures(code: str, k: int = 4) -> tuple[int, int]:
    total = 100 + int(code) % 97
    return total, total * k // 10


def expect(file: str, *, load: bool, rows: int | None = None, figures_: dict | None = None,
           dates: list[str] | None = None, warnings: list[str] | None = None, errors: list[dict] | None = None,
           **kw) -> None:
    entry = {"file": file, "load": load}
    if rows is not None:
        entry["rows"] = rows
    if figures_ is not None:
        entry["figures"] = {c: list(v) for c, v in figures_.items()}
    if dates is not None:
        entry["report_dates"] = dates
    entry["warnings"] = sorted(set(warnings or []))
    if errors is not None:
        entry["errors"] = errors
    entry.update(kw)
    manifest.append(entry)


def write_csv(name: str, header: list[str], rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8",
              bom: bool = False, before: list[list] | None = None) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for line in before or []:
        w.writerow(line)
    w.writerow(header)
    w.writerows(rows)
    text = buf.getvalue()
    if encoding == "cp1258":
        data = to_cp1258(text)
    elif encoding == "tcvn3":
        data = to_tcvn3(text)
    else:
        data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf"}.get(encoding, b"") + data
    (OUT / name).write_bytes(data)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = [c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def to_tcvn3(text: str) -> bytes:
    import sys

    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from analytics.tcvn3 import TO_UNICODE

    reverse = {v: k for k, v in sorted(TO_UNICODE.items(), reverse=True)}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in reverse:
            out.append(reverse[ch])
        elif ch.lower() in reverse:  # TCVN3 (ABC) has no capital toned letters: typed in the lower-case set
            out.append(reverse[ch.lower()])
        else:
            raise ValueError(f"no TCVN3 byte for {ch!r}")
    return bytes(out)


def tcvn3_latin1(text: str) -> str:
    """TCVN3 text as Excel shows it with a Western code page: one Latin-1 character per byte."""
    return to_tcvn3(text).decode("latin-1")


# --- good files ------------------------------------------------------------------------------------------

def official_xlsx(name: str, districts: list[str], *, k: int = 4, total_offset: int = 0, subtotal_offset: int = 0,
                  title_date: str = "(Số liệu tính đến ngày 25/02/2025)", sheets: list[tuple[str, int]] | None = None,
                  tcvn: bool = False, extra_sheet_first: bool = False) -> dict:
    """An official report: title lines, merged two-row header, column numbers, district rows, Tổng cộng."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    first = wb.active
    if extra_sheet_first:
        first.title = "Hướng dẫn"
        first["A1"] = "Hướng dẫn: điền số liệu vào trang Báo cáo, không sửa dòng tiêu đề."
        first["A2"] = "Liên hệ Sở Tư pháp khi cần hỗ trợ."
    result: dict = {}
    for idx, (sheet_name, sheet_k) in enumerate(sheets or [("Báo cáo", k)]):
        ws = first if (idx == 0 and not extra_sheet_first) else wb.create_sheet(sheet_name)
        ws.title = sheet_name
        tx = tcvn3_latin1 if tcvn else (lambda s: s)
        ws["A1"] = tx("UBND TỈNH QUẢNG NAM")
        ws.merge_cells("A1:C1")
        ws["D1"] = tx("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        ws.merge_cells("D1:G1")
        ws["A2"] = tx("SỞ TƯ PHÁP")
        ws.merge_cells("A2:C2")
        ws["D2"] = tx("Độc lập - Tự do - Hạnh phúc")
        ws.merge_cells("D2:G2")
        ws["D3"] = tx("Quảng Nam, ngày 26 tháng 02 năm 2025")
        ws.merge_cells("D3:G3")
        ws["A5"] = tx("BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH")
        ws.merge_cells("A5:G5")
        ws["A6"] = tx(title_date)
        ws.merge_cells("A6:G6")
        for cell in ("A1", "D1", "A5"):
            ws[cell].font = Font(bold=True)
        # header: rows 8-9, merged
        ws["A8"], ws["B8"], ws["C8"] = "STT", tx("Đơn vị"), tx("Số lượng sổ hộ tịch (quyển)")
        ws["E8"], ws["F8"] = tx("Tỷ lệ (%)"), tx("Ghi chú")
        ws["C9"], ws["D9"] = tx("Tổng số"), tx("Đã số hóa")
        ws.merge_cells("A8:A9")
        ws.merge_cells("B8:B9")
        ws.merge_cells("C8:D8")
        ws.merge_cells("E8:E9")
        ws.merge_cells("F8:F9")
        for c in "ABCDEF":
            ws[f"{c}8"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, c in enumerate("ABCDEF", start=1):
            ws[f"{c}10"] = f"({i})"
        row = 11
        grand_t = grand_d = 0
        figs: dict = {}
        roman = ["I", "II", "III", "IV", "V", "VI"]
        for di, dcode in enumerate(districts):
            communes = BY_DISTRICT[dcode]
            sub_t = sum(figures(u["commune_code"], sheet_k)[0] for u in communes)
            sub_d = sum(figures(u["commune_code"], sheet_k)[1] for u in communes)
            ws.cell(row, 1, roman[di])
            ws.cell(row, 2, tx(DNAME[dcode]))
            ws.cell(row, 3, sub_t + (subtotal_offset if di == 0 else 0))
            ws.cell(row, 4, sub_d)
            ws.cell(row, 5, round(100 * sub_d / sub_t, 1) / 100).number_format = "0.0%"
            for c in range(1, 6):
                ws.cell(row, c).font = Font(bold=True)
            row += 1
            for n, u in enumerate(communes, start=1):
                t, d = figures(u["commune_code"], sheet_k)
                ws.cell(row, 1, n)
                ws.cell(row, 2, tx(u["commune_name"]))
                ws.cell(row, 3, t)
                ws.cell(row, 4, d)
                ws.cell(row, 5, round(100 * d / t, 1) / 100).number_format = "0.0%"
                figs[u["commune_code"]] = (t, d)
                row += 1
            grand_t += sub_t
            grand_d += sub_d
        ws.cell(row, 2, tx("Tổng cộng"))
        ws.cell(row, 3, grand_t + total_offset)
        ws.cell(row, 4, grand_d)
        ws.cell(row, 5, round(100 * grand_d / grand_t, 1) / 100)
        row += 2
        ws.cell(row, 5, tx("NGƯỜI LẬP BIỂU"))
        ws.column_dimensions["B"].width = 28
        result[sheet_name] = figs
    wb.save(OUT / name)
    return result


def good_files() -> None:
    figs = official_xlsx("bao_cao_chinh_thuc.xlsx", ["502", "517"])["Báo cáo"]
    expect("bao_cao_chinh_thuc.xlsx", load=True, rows=len(figs), figures_=figs, dates=["2025-02-25"],
           sheet="Báo cáo", header_row=8, date_source="title", skipped=5)

    figs = official_xlsx("bao_cao_tong_sai.xlsx", ["516", "518"], total_offset=7, subtotal_offset=3)["Báo cáo"]
    expect("bao_cao_tong_sai.xlsx", load=True, rows=len(figs), figures_=figs, dates=["2025-02-25"],
           warnings=["check.total_mismatch", "check.subtotal_mismatch"])

    figs = official_xlsx("bao_cao_co_huong_dan.xlsx", ["502"], extra_sheet_first=True)["Báo cáo"]
    expect("bao_cao_co_huong_dan.xlsx", load=True, rows=len(figs), figures_=figs, dates=["2025-02-25"],
           sheet="Báo cáo")

    both = official_xlsx("hai_trang.xlsx", ["502"], sheets=[("24-02", 3), ("25-02", 5)])
    expect("hai_trang.xlsx", load=True, rows=len(both["24-02"]), figures_=both["24-02"], dates=["2025-02-25"],
           sheet="24-02", warnings=["read.several_sheets"])
    expect("hai_trang.xlsx", load=True, rows=len(both["25-02"]), figures_=both["25-02"], dates=["2025-02-25"],
           sheet="25-02", pick_sheet="25-02", warnings=[], case="pick sheet 25-02")

    figs = official_xlsx("bao_cao_tcvn3.xlsx", ["502"], tcvn=True)["Báo cáo"]
    expect("bao_cao_tcvn3.xlsx", load=True, rows=len(figs), figures_=figs, dates=["2025-02-25"],
           warnings=["read.tcvn3_converted"])

    # CSV, UTF-8 with BOM, semicolons, Vietnamese headers with extra words, another order, an extra column
    communes = BY_DISTRICT["502"][:6]
    header = ["Ghi chú", "Số sổ đã số hóa (quyển)", "Tên đơn vị", "Huyện/thị xã/thành phố", "Tổng số sổ (quyển)",
              "Ngày báo cáo"]
    rows, figs = [], {}
    for u in communes:
        t, d = figures(u["commune_code"], 6)
        rows.append(["", f"{d:,}".replace(",", "."), u["commune_name"], u["district_name"],
                     f"{t + 1000:,}".replace(",", "."), "25/02/2025"])
        figs[u["commune_code"]] = (t + 1000, d)
    write_csv("utf8_bom_champhay.csv", header, rows, delimiter=";", bom=True)
    expect("utf8_bom_champhay.csv", load=True, rows=6, figures_=figs, dates=["2025-02-25"])

    # UTF-8 without BOM, English headers, codes written 020335 / 20338.0, comma thousands in quotes
    header = ["commune_code", "Commune", "District", "Books total", "Books digitized", "Report date", "remarks"]
    rows, figs = [], {}
    for i, u in enumerate(BY_DISTRICT["503"][:5]):
        t, d = figures(u["commune_code"], 5)
        code = "0" + u["commune_code"] if i % 2 == 0 else u["commune_code"] + ".0"
        rows.append([code, u["commune_name"], u["district_name"], f"{t + 1000:,}", str(d), "2025-02-25", "ok"])
        figs[u["commune_code"]] = (t + 1000, d)
    write_csv("english_codes.csv", header, rows)
    expect("english_codes.csv", load=True, rows=5, figures_=figs, dates=["2025-02-25"])

    # Excel "Unicode text": UTF-16 LE with BOM, tab-separated
    header = ["Huyện", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Ngày báo cáo"]
    rows, figs = [], {}
    for u in BY_DISTRICT["517"][:8]:
        t, d = figures(u["commune_code"], 7)
        rows.append([u["district_name"], u["commune_name"], str(t), str(d), "25/02/2025"])
        figs[u["commune_code"]] = (t, d)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    (OUT / "unicode_text_utf16.txt").write_bytes(buf.getvalue().encode("utf-16"))
    expect("unicode_text_utf16.txt", load=True, rows=8, figures_=figs, dates=["2025-02-25"])

    # Windows-1258 with combining tone marks
    rows, figs = [], {}
    for u in BY_DISTRICT["518"]:
        t, d = figures(u["commune_code"], 2)
        rows.append([u["district_name"], u["commune_name"], str(t), str(d), "25/02/2025"])
        figs[u["commune_code"]] = (t, d)
    write_csv("windows_1258.csv", header, rows, encoding="cp1258")
    expect("windows_1258.csv", load=True, rows=len(rows), figures_=figs, dates=["2025-02-25"])

    # NFD text (macOS), tab-delimited UTF-8, the old tone placement ("Hoà") vs the new ("Hòa")
    rows, figs = [], {}
    for u in BY_DISTRICT["502"]:
        t, d = figures(u["commune_code"], 3)
        name = u["commune_name"].replace("Hoà", "Hòa") if "Hoà" in u["commune_name"] else \
            u["commune_name"].replace("Hòa", "Hoà")
        rows.append([unicodedata.normalize("NFD", u["district_name"]), unicodedata.normalize("NFD", name),
                     str(t), str(d), "25/02/2025"])
        figs[u["commune_code"]] = (t, d)
    write_csv("nfd_tab.csv", header, rows, delimiter="\t")
    expect("nfd_tab.csv", load=True, rows=len(rows), figures_=figs, dates=["2025-02-25"])

    # unaccented names and headers, type words abbreviated or dropped, district "TP. Tam Ky"
    header_plain = ["huyen", "ten xa", "tong so so", "so so da so hoa", "ngay bao cao"]
    rows, figs = [], {}
    for u in BY_DISTRICT["502"]:
        t, d = figures(u["commune_code"], 1)
        name = u["commune_name"].replace("Phường ", "P. ").replace("Xã ", "")
        plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
        plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
        rows.append(["TP. Tam Ky", plain, str(t), str(d), "25-02-2025"])
        figs[u["commune_code"]] = (t, d)
    write_csv("khong_dau.csv", header_plain, rows)
    expect("khong_dau.csv", load=True, rows=len(rows), figures_=figs, dates=["2025-02-25"])

    # numbers as offices type them: 1 234, 1,234 and 45,5% in a percentage column
    header = ["Mã xã", "Tên xã", "Tổng số sổ", "Số sổ đã số hóa", "Tỷ lệ %"]
    rows, figs = [], {}
    forms = [lambda n: f"{n:,}".replace(",", " "), lambda n: f"{n:,}", lambda n: f"{n:,}".replace(",", ".")]
    for i, u in enumerate(BY_DISTRICT["508"][:6]):
        t, d = figures(u["commune_code"], 4)
        t, d = t * 20, d * 20
        pct = f"{100 * d / t:.1f}".replace(".", ",") + "%"
        rows.append([u["commune_code"], u["commune_name"], forms[i % 3](t), forms[(i + 1) % 3](d), pct])
        figs[u["commune_code"]] = (t, d)
    write_csv("so_kieu_viet.csv", header, rows, delimiter=";")
    expect("so_kieu_viet.csv", load=True, rows=6, figures_=figs, dates=["2025-02-25"], date="2025-02-25",
           date_source="form")

    # the date in the file name only
    header = ["Mã xã", "Xã", "Tổng số sổ", "Số sổ đã số hóa"]
    rows, figs = [], {}
    for u in BY_DISTRICT["509"][:4]:
        t, d = figures(u["commune_code"], 5)
        rows.append([u["commune_code"], u["commune_name"], t, d])
        figs[u["commune_code"]] = (t, d)
    write_csv("bao_cao_26-02-2025.csv", header, rows)
    expect("bao_cao_26-02-2025.csv", load=True, rows=4, figures_=figs, dates=["2025-02-26"],
           date_source="file_name")

    # a baseline before the campaign: loads, with a warning to confirm
    rows = [[u["commune_code"], u["commune_name"], *figures(u["commune_code"], 1), "18/02/2025"]
            for u in BY_DISTRICT["510"][:3]]
    write_csv("dau_ky.csv", header + ["Ngày báo cáo"], rows)
    expect("dau_ky.csv", load=True, rows=3, dates=["2025-02-18"], warnings=["check.date_before_campaign"])

    # the same commune twice with the same figures: a warning, loaded once
    u = BY_DISTRICT["511"][0]
    t, d = figures(u["commune_code"])
    write_csv("trung_giong_nhau.csv", header + ["Ngày báo cáo"],
              [[u["commune_code"], u["commune_name"], t, d, "25/02/2025"]] * 2)
    expect("trung_giong_nhau.csv", load=True, rows=1, figures_={u["commune_code"]: (t, d)}, dates=["2025-02-25"],
           warnings=["check.duplicate_same"])

    # TCVN3 bytes in a CSV (typed with ABC in .VnTime)
    header = ["Huyện", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Ngày báo cáo"]
    rows, figs = [], {}
    for u in BY_DISTRICT["513"][:6]:
        t, d = figures(u["commune_code"], 8)
        rows.append([u["district_name"], u["commune_name"], str(t), str(d), "25/02/2025"])
        figs[u["commune_code"]] = (t, d)
    write_csv("tcvn3.csv", header, rows, encoding="tcvn3")
    expect("tcvn3.csv", load=True, rows=6, figures_=figs, dates=["2025-02-25"], warnings=["read.tcvn3_converted"])

    legacy_xls()


def legacy_xls() -> None:
    """A legacy .xls (BIFF8) with title lines, made with xlwt when it is installed."""
    target = OUT / "bao_cao_cu.xls"
    communes = BY_DISTRICT["514"][:5]
    figs = {u["commune_code"]: figures(u["commune_code"], 6) for u in communes}
    try:
        import xlwt
    except ImportError:
        if not target.exists():
            return
    else:
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("Sheet1")
        ws.write_merge(0, 0, 0, 4, "UBND HUYỆN TIÊN PHƯỚC")
        ws.write_merge(1, 1, 0, 4, "BÁO CÁO SỐ HÓA SỔ HỘ TỊCH NGÀY 25/02/2025")
        for c, h in enumerate(["STT", "Xã, thị trấn", "Tổng số sổ", "Số sổ đã số hóa", "Tỷ lệ (%)"]):
            ws.write(3, c, h)
        ws.write(4, 1, "Huyện Tiên Phước")
        for i, u in enumerate(communes):
            t, d = figs[u["commune_code"]]
            ws.write(5 + i, 0, i + 1)
            ws.write(5 + i, 1, u["commune_name"])
            ws.write(5 + i, 2, t)
            ws.write(5 + i, 3, d)
            ws.write(5 + i, 4, round(100 * d / t, 1))
        ws.write(5 + len(communes), 1, "Cộng")
        ws.write(5 + len(communes), 2, sum(v[0] for v in figs.values()))
        ws.write(5 + len(communes), 3, sum(v[1] for v in figs.values()))
        wb.save(str(target))
    expect("bao_cao_cu.xls", load=True, rows=5, figures_=figs, dates=["2025-02-25"], header_row=4)


# --- bad files -----------------------------------------------------------------------------------------

def bad_files() -> None:
    (OUT / "rong.csv").write_bytes(b"")
    expect("rong.csv", load=False, errors=[{"row": None, "key": "read.empty"}])

    # a PNG renamed .csv
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
           b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    (OUT / "anh_doi_ten.csv").write_bytes(png)
    expect("anh_doi_ten.csv", load=False, errors=[{"row": None, "key": "read.not_table"}])

    # a zip that is not a workbook, named .xlsx
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    (OUT / "khong_phai_excel.xlsx").write_bytes(buf.getvalue())
    expect("khong_phai_excel.xlsx", load=False, errors=[{"row": None, "key": "read.bad_excel"}])

    header = ["Mã xã", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Ngày báo cáo"]
    tk = BY_DISTRICT["502"]
    write_csv("thieu_cot.csv", ["Mã xã", "Xã", "Tổng số sổ", "Ngày báo cáo"],
              [[tk[0]["commune_code"], tk[0]["commune_name"], 10, "25/02/2025"]])
    expect("thieu_cot.csv", load=False, errors=[{"row": 1, "key": "check.missing_column"}])

    write_csv("khong_co_ngay.csv", header[:4], [[tk[0]["commune_code"], tk[0]["commune_name"], 10, 5]])
    expect("khong_co_ngay.csv", load=False, errors=[{"row": 1, "key": "check.missing_column"}])

    rows = [[tk[0]["commune_code"], tk[0]["commune_name"], 100, 40, "25/02/2025"],
            [tk[1]["commune_code"], tk[1]["commune_name"], 100, -4, "25/02/2025"],
            [tk[2]["commune_code"], tk[2]["commune_name"], "một trăm", 4, "25/02/2025"],
            [tk[3]["commune_code"], tk[3]["commune_name"], 100, 120, "25/02/2025"],
            [tk[4]["commune_code"], tk[4]["commune_name"], 100, "4,5", "25/02/2025"],
            [tk[5]["commune_code"], tk[5]["commune_name"], 100, 4, "32/01/2025"],
            [tk[6]["commune_code"], tk[6]["commune_name"], 100, 4, "02/25/2025"]]
    write_csv("so_lieu_sai.csv", header, rows)
    expect("so_lieu_sai.csv", load=False, errors=[
        {"row": 3, "column": "Số sổ đã số hóa", "value": "-4", "key": "value.negative"},
        {"row": 4, "column": "Tổng số sổ", "value": "một trăm", "key": "value.not_number"},
        {"row": 5, "column": "Số sổ đã số hóa", "value": "120", "key": "check.over_total"},
        {"row": 6, "column": "Số sổ đã số hóa", "value": "4,5", "key": "value.not_whole"},
        {"row": 7, "column": "Ngày báo cáo", "value": "32/01/2025", "key": "value.bad_date"},
        {"row": 8, "column": "Ngày báo cáo", "value": "02/25/2025", "key": "value.bad_date"},
    ])

    rows = [[tk[0]["commune_code"], tk[0]["commune_name"], 100, 40, "25/02/2025"],
            [tk[1]["commune_code"], tk[1]["commune_name"], 100, 40, "25/02/2025"],
            [tk[0]["commune_code"], tk[0]["commune_name"], 100, 45, "25/02/2025"]]
    write_csv("trung_khac_nhau.csv", header, rows)
    expect("trung_khac_nhau.csv", load=False, errors=[{"row": 4, "key": "check.duplicate"}])

    # unknown names (with candidates), a name ambiguous without accents, a code whose name differs
    header_n = ["Huyện", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Ngày báo cáo"]
    rows = [["Huyện Nam Trà My", "Xã Trà Lenh", 100, 40, "25/02/2025"],
            ["Huyen Nam Tra My", "Tra Don", 100, 40, "25/02/2025"],
            ["Huyện Phú Ninh", "Tam Dan", 100, 40, "25/02/2025"],
            ["Huyện Nam Trà Mi", "Xã Trà Mai", 100, 40, "25/02/2025"]]
    write_csv("ten_khong_khop.csv", header_n, rows)
    expect("ten_khong_khop.csv", load=False, errors=[
        {"row": 2, "column": "Xã", "value": "Xã Trà Lenh", "key": "check.unknown_commune", "mentions": "20935"},
        {"row": 3, "column": "Xã", "value": "Tra Don", "key": "check.ambiguous_commune", "mentions": "20956"},
        {"row": 4, "column": "Xã", "value": "Tam Dan", "key": "check.ambiguous_commune", "mentions": "20392"},
        {"row": 5, "column": "Huyện", "value": "Huyện Nam Trà Mi", "key": "check.unknown_district",
         "mentions": "516"},
    ])
    write_csv("ma_ten_lech.csv", header, [["20335", "Xã Trà Leng", 100, 40, "25/02/2025"]])
    expect("ma_ten_lech.csv", load=False, errors=[{"row": 2, "key": "check.name_mismatch_commune"}])

    write_csv("ngay_tuong_lai.csv", header, [[tk[0]["commune_code"], tk[0]["commune_name"], 100, 40, "25/02/2099"]])
    expect("ngay_tuong_lai.csv", load=False, errors=[{"row": 2, "key": "check.date_future"}])

    # two different dates in the title and no "đến ngày": the date is asked for
    official_xlsx("ngay_mo_ho.xlsx", ["502"], title_date="Từ ngày 21/02/2025, cập nhật 24/02/2025")
    expect("ngay_mo_ho.xlsx", load=False, errors=[{"row": None, "key": "check.date_ambiguous"}])
    expect("ngay_mo_ho.xlsx", load=True, rows=len(BY_DISTRICT["502"]), dates=["2025-02-25"], date="2025-02-25",
           date_source="form", warnings=[], case="date given on the form")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    good_files()
    bad_files()
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(manifest)} cases, {len(list(OUT.iterdir())) - 1} files in {OUT}")


if __name__ == "__main__":
    main()
