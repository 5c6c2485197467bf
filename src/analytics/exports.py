"""The official report's export: the underperformers list as .xlsx (title, as-of date, Vietnamese headers,
formatted percentages, grouped by district) and as CSV. Text that a spreadsheet would run as a formula
is neutralized in both (``present.neutralize``)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analytics import present
from analytics.i18n import fmt_date, t
from analytics.units import display_code

PCT_FORMAT = '0.0" %"'
POINTS_FORMAT = "0.0"
DATE_FORMAT = "dd/mm/yyyy"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(x: Any) -> Any:
    if x is None or (not isinstance(x, (str, list)) and pd.isna(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    return present.neutralize(x) if isinstance(x, str) else x


def underperformers_xlsx(df: pd.DataFrame, *, as_of: date, province_name: str, campaign: str,
                         lang: str = "vi") -> bytes:
    """The list of ``metrics.underperformers_full`` as a workbook, one block per district."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("export.sheet", lang)[:31]
    headers = [t("col.rank", lang), t("col.commune_code", lang), t("col.commune", lang), t("col.completion", lang),
               t("col.planned", lang), t("col.gap", lang), t("col.last_report", lang), t("col.reasons", lang),
               t("col.explanation", lang), t("col.new_completion_date", lang), t("col.responsible", lang)]
    ws.append([present.neutralize(t("export.title", lang, province=province_name))])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([present.neutralize(t("export.subtitle", lang, campaign=campaign, date=fmt_date(as_of)))])
    ws.append([t("export.count", lang, count=len(df))])
    ws.append([])
    ws.append(headers)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rank = 0
    for district, part in df.groupby("district", sort=False, dropna=False):
        name = district if isinstance(district, str) and district else "–"
        ws.append([present.neutralize(t("export.district_row", lang, district=name, count=len(part)))])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
        for r in part.to_dict("records"):
            rank += 1
            pct = lambda x: None if x is None or pd.isna(x) else float(x)  # noqa: E731
            ws.append([rank, _value(display_code(r["commune_code"])), _value(r["commune"]), pct(r["completion_pct"]),
                       pct(r["planned_pct"]), pct(r["gap_pct"]), _value(r["last_report"]),
                       _value(present.reasons_text(r, lang)), _value(r.get("explanation_reason")),
                       _value(r.get("explanation_new_completion_date")), _value(r.get("explanation_responsible"))])
            row = ws.max_row
            ws.cell(row, 4).number_format = PCT_FORMAT
            ws.cell(row, 5).number_format = PCT_FORMAT
            ws.cell(row, 6).number_format = POINTS_FORMAT
            ws.cell(row, 7).number_format = DATE_FORMAT
            ws.cell(row, 10).number_format = DATE_FORMAT
    widths = [6, 10, 28, 13, 13, 13, 14, 40, 40, 14, 22]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def underperformers_csv(df: pd.DataFrame, lang: str = "vi", amber: float = 10.0) -> bytes:
    """The same list as CSV for Excel (UTF-8 with BOM), with the explanations' commitment and person."""
    table = present.underperformers_full_table(df, lang, amber)
    table[t("col.new_completion_date", lang)] = ["" if present._blank(x) else present.date_text(x)
                                                for x in df["explanation_new_completion_date"]]
    table[t("col.responsible", lang)] = ["" if present._blank(x) else x for x in df["explanation_responsible"]]
    return present.csv_bytes(table, lang)


def league_csv(table: pd.DataFrame, lang: str = "vi") -> bytes:
    """A league table as CSV in the user's language (the sparkline column left out)."""
    keep = [c for c in table.columns if not (len(table) and isinstance(table[c].dropna().iloc[0]
                                                                      if table[c].notna().any() else None, list))]
    return present.csv_bytes(table[keep], lang)


def summon_xlsx(communes: pd.DataFrame, districts: pd.DataFrame, *, as_of: date, province_name: str,
                campaign: str, lang: str = "vi", measure: str = "books") -> bytes:
    """The units called to report after their deadline (``closing.summon_list``): one sheet of communes
    (figures, gap, explanation, person responsible, missed commitment) and, with districts, one per district."""
    from analytics import closing

    wb = Workbook()
    ws = wb.active
    ws.title = t("summon.sheet", lang)[:31]
    ws.append([present.neutralize(t("summon.xlsx_title", lang, province=province_name))])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([present.neutralize(t("summon.xlsx_subtitle", lang, campaign=campaign, date=fmt_date(as_of)))])
    ws.append([])
    table = closing.summon_table(communes, lang, measure)
    _table_block(ws, table, {t("col.completion", lang): PCT_FORMAT, t("summon.col_gap", lang): POINTS_FORMAT},
                 [6, 24, 10, 26, 11, 11, 11, 11, 12, 12, 12, 40, 14, 22, 16])
    if len(districts):
        wd = wb.create_sheet(t("summon.sheet_districts", lang)[:31])
        dt = pd.DataFrame({
            t("col.district", lang): list(districts["district"]),
            t("summon.col_units", lang): [int(x) for x in districts["units_total"]],
            t("summon.col_completed", lang): [int(x) for x in districts["units_completed"]],
            t("summon.col_summoned", lang): [int(x) for x in districts["summoned"]],
            t("summon.col_total", lang, measure=measure): [int(x) for x in districts["books_total"]],
            t("summon.col_digitized", lang): [int(x) for x in districts["books_digitized"]],
            t("summon.col_remaining", lang): [int(x) for x in districts["remaining"]],
            t("col.completion", lang): [None if pd.isna(x) else round(float(x), 1) for x in districts["completion_pct"]],
            t("summon.col_gap", lang): [None if pd.isna(x) else round(float(x), 1) for x in districts["gap_to_full"]],
        })
        _table_block(wd, dt, {t("col.completion", lang): PCT_FORMAT, t("summon.col_gap", lang): POINTS_FORMAT},
                     [26, 10, 14, 14, 12, 12, 12, 12, 14])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table_block(ws: Any, table: pd.DataFrame, formats: dict[str, str], widths: list[int]) -> None:
    """A header row and the table's rows, every text cell neutralized, numbers kept numeric."""
    ws.append([present.neutralize(str(c)) for c in table.columns])
    head = ws.max_row
    for cell in ws[head]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for rec in table.itertuples(index=False):
        ws.append([_value(x) for x in rec])
    for j, col in enumerate(table.columns, start=1):
        if col in formats:
            for i in range(head + 1, ws.max_row + 1):
                ws.cell(i, j).number_format = formats[col]
    for i, w in enumerate(widths[:len(table.columns)], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.page_setup.orientation = "landscape"


def summon_csv(communes: pd.DataFrame, lang: str = "vi", measure: str = "books") -> bytes:
    """The units to summon as CSV for Excel (UTF-8 with BOM; text neutralized)."""
    from analytics import closing

    return present.csv_bytes(closing.summon_table(communes, lang, measure), lang)
