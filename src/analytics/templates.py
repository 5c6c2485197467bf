"""Report templates with Vietnamese headers, pre-filled with the unit list (codes and names).

A template is for one day: the report date is written once, in the header block above the table
("Ngày báo cáo: __/__/____"), which the importer reads as the title date (``values.date_from_lines``),
instead of on every row. One template covers the whole province or one district (its communes only),
so a district clerk gets exactly the rows to fill.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pandas as pd

from analytics.present import neutralize
from analytics.units import display_code

HEADERS = {
    "report_date": "Ngày báo cáo",
    "district": "Huyện",
    "commune_code": "Mã xã",
    "commune": "Xã",
    "books_total": "Tổng số sổ",
    "books_digitized": "Số sổ đã số hóa",
    "records_total": "Tổng số trường hợp",
    "records_digitized": "Số trường hợp đã số hóa",
}
TITLE = "BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH"
DATE_LABEL = HEADERS["report_date"] + ":"
DATE_BLANK = "__/__/____"  # overwritten by the clerk; a cell still holding it gives no date (asked for)
HEADER_ROW = 4  # spreadsheet row of the table's header: title, date line, an empty line, then the table


def template_frame(communes: pd.DataFrame) -> pd.DataFrame:
    """One empty row per commune: the officer fills in the figures (the date goes in the header block).

    Names pass through ``present.neutralize``: a unit list is data, not formulas.
    """
    frame = pd.DataFrame({
        HEADERS["district"]: communes["district"].fillna("").astype(str),
        HEADERS["commune_code"]: communes["commune_code"].map(display_code).astype(str),
        HEADERS["commune"]: communes["commune"].astype(str),
        HEADERS["books_total"]: "",
        HEADERS["books_digitized"]: "",
        HEADERS["records_total"]: "",
        HEADERS["records_digitized"]: "",
    })
    return frame.map(neutralize)


def title_of(place: str | None = None) -> str:
    """The template's first line: the report's title and, for a district template, the district."""
    return f"{TITLE} · {place}" if place else TITLE


def _header_block(place: str | None) -> list[list[str]]:
    return [[neutralize(title_of(place))], [DATE_LABEL, DATE_BLANK], []]


def template_csv(communes: pd.DataFrame, place: str | None = None) -> bytes:
    """UTF-8 with BOM, so Excel opens the Vietnamese text correctly; the header block, then the table."""
    import csv

    frame = template_frame(communes)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(_header_block(place))
    writer.writerow(list(frame.columns))
    writer.writerows(frame.itertuples(index=False))
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx(communes: pd.DataFrame, place: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    frame = template_frame(communes)
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    for line in _header_block(place):
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"].font = Font(bold=True)
    ws["B2"].fill = PatternFill("solid", fgColor="FFF2CC")  # the one cell to fill above the table
    ws["B2"].number_format = "dd/mm/yyyy"
    ws.append(list(frame.columns))
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for rec in frame.itertuples(index=False):
        ws.append(list(rec))
    for col, width in zip("ABCDEF", (24, 14, 28, 14, 18, 24)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "@"  # codes stay text: 020335 keeps its zero
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(place: str | None, ext: str) -> str:
    """``mau_bao_cao.xlsx`` for the province, ``mau_bao_cao_tam-ky.xlsx`` for a district (ASCII, any OS)."""
    if not place:
        return f"mau_bao_cao.{ext}"
    folded = unicodedata.normalize("NFD", place.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40] or "huyen"
    return f"mau_bao_cao_{slug}.{ext}"
