"""What the Upload page shows about a prepared file, as plain text and small tables (no Streamlit here)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.i18n import fmt_date, fmt_int, fmt_pct, t

MEANING = {
    "report_date": "col.report_date", "district": "col.district", "district_code": "col.district",
    "commune_code": "col.commune_code", "commune": "col.commune", "books_total": "col.books_total",
    "books_digitized": "col.books_digitized", "records_digitized": "col.records_digitized",
    "province": "sidebar.province",
}


def recognized_text(prep: Any, lang: str = "vi") -> str:
    """Sheet, header row, report date and where it came from, rows read, communes matched."""
    source = t(f"upload.date_source.{prep.date_source}", lang) if prep.date_source else "–"
    dates = ", ".join(fmt_date(d) for d in prep.report_dates) or "–"
    header = str(prep.header_row) if prep.header_row else "–"
    if prep.header_row and prep.header_rows > 1:
        header = f"{prep.header_row}–{prep.header_row + prep.header_rows - 1}"
    return t("upload.recognized_detail", lang, sheet=prep.sheet or "–", header_row=header, date=dates,
             source=source, rows_read=fmt_int(prep.rows_read, lang), communes=fmt_int(prep.communes_matched, lang))


def columns_frame(prep: Any, lang: str = "vi") -> pd.DataFrame:
    """Each recognized column: its header in the file and what it was read as."""
    return pd.DataFrame({
        t("upload.column_in_file", lang): [str(v) for v in prep.columns.values()],
        t("upload.column_meaning", lang): [t(MEANING.get(k, k), lang) for k in prep.columns],
    })


def change_text(change: dict[str, Any], lang: str = "vi") -> str:
    """New and replaced reports; province completion before → after (same as-of date)."""
    if not change:
        return ""
    return t("upload.change_detail", lang, new=fmt_int(change["new_reports"], lang),
             replaced=fmt_int(change["replaced_reports"], lang), as_of=fmt_date(change["as_of"]),
             before=fmt_pct(change["completion_before"], lang), after=fmt_pct(change["completion_after"], lang))


def unmatched_choices(prep: Any) -> list[dict[str, Any]]:
    """Names to pick a unit for, once per (district, name), with candidate codes and labels."""
    seen: set[tuple] = set()
    out = []
    for u in prep.unmatched:
        key = (u["district_code"], u["alias_key"])
        if key in seen or not u["codes"] or not u["alias_key"]:
            continue
        seen.add(key)
        out.append(u)
    return out


def withdrawable(uploads: pd.DataFrame, lang: str = "vi") -> dict[int, str]:
    """Loaded uploads that can be withdrawn: id -> "No. 12 · file.xlsx · 25/02/2025 (30 rows)"."""
    loaded = uploads[(uploads["outcome"] == "loaded") & (uploads["source"] != "demo")]
    return {int(r.upload_id): f"{int(r.upload_id)} · {r.file_name} · {fmt_date(r.uploaded_at.to_pydatetime())} "
                              f"({fmt_int(r.row_count, lang)} {t('col.rows', lang).lower()})"
            for r in loaded.itertuples()}
