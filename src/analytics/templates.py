"""Report templates with Vietnamese headers, pre-filled with the unit list (codes and names)."""

from __future__ import annotations

import io

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
    "records_digitized": "Số trường hợp đã số hóa",
}


def template_frame(communes: pd.DataFrame) -> pd.DataFrame:
    """One empty row per commune: the officer fills in the date and the figures.

    Names pass through ``present.neutralize``: a unit list is data, not formulas.
    """
    frame = pd.DataFrame({
        HEADERS["report_date"]: "",
        HEADERS["district"]: communes["district"].fillna("").astype(str),
        HEADERS["commune_code"]: communes["commune_code"].map(display_code).astype(str),
        HEADERS["commune"]: communes["commune"].astype(str),
        HEADERS["books_total"]: "",
        HEADERS["books_digitized"]: "",
        HEADERS["records_digitized"]: "",
    })
    return frame.map(neutralize)


def template_csv(communes: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens the Vietnamese text correctly."""
    return template_frame(communes).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def template_xlsx(communes: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    frame = template_frame(communes)
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in frame.itertuples(index=False):
        ws.append(list(rec))
    for col, width in zip("ABCDEFG", (14, 24, 10, 28, 14, 18, 24)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "@"  # codes stay text: 020335 keeps its zero
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
