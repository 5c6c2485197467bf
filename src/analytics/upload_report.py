"""What the Upload page shows about a prepared file, as plain text and small tables (no Streamlit here)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.i18n import fmt_date, fmt_int, fmt_num, fmt_pct, t
from analytics.units import display_code

MEANING = {
    "report_date": "col.report_date", "district": "col.district", "district_code": "col.district",
    "commune_code": "col.commune_code", "commune": "col.commune", "books_total": "col.books_total",
    "books_digitized": "col.books_digitized", "records_digitized": "col.records_digitized",
    "province": "sidebar.province",
}


def recognized_text(prep: Any, lang: str = "vi") -> str:
    """Sheet, header row, report date and where it came from, rows read, communes matched."""
    source = t(f"upload.date_source.{prep.date_source}", lang) if prep.date_source else "–"
    found = getattr(prep, "date_found", None)
    dates = ", ".join(fmt_date(d) for d in prep.report_dates) or (fmt_date(found) if found else "–")
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
    """Names to pick a unit for, once per (level, district, name), with candidate codes and labels;
    districts first, since a commune is looked for within its district. A name without candidates is kept
    (``codes`` empty): the page says to correct it in the file."""
    seen: set[tuple] = set()
    out = []
    for u in prep.unmatched:
        level = u.get("level", "commune")
        key = (level, u["district_code"], u["alias_key"])
        if key in seen or not u["alias_key"]:
            continue
        seen.add(key)
        out.append({**u, "level": level})
    return sorted(out, key=lambda u: (u["level"] != "district", u["row"]))


def changes_frame(prep: Any, change: dict[str, Any], communes: pd.DataFrame,
                  lang: str = "vi") -> tuple[pd.DataFrame, int]:
    """Every commune whose figures the file changes, before → after, with what to check; and how many rows
    are flagged. A row is flagged when books digitized go down, or go up by more than ``jump_pct`` % of the
    commune's books per day since its previous report (a same-day replacement counts as one day).
    Figures the file repeats unchanged are left out. Against demo data nothing is compared (it goes away)."""
    previous = change.get("previous")
    rows = prep.rows
    if previous is None or rows.empty:
        return pd.DataFrame(), 0
    limit = float(change.get("jump_pct") or 0)
    names = communes.set_index("commune_code")["commune"].to_dict()
    prev = previous.set_index("row_no")
    out, flagged = [], 0
    for r in rows.itertuples(index=False):
        p: Any = prev.loc[r.row_no] if r.row_no in prev.index else None
        had = p is not None and pd.notna(p["prev_digitized"])
        old_d = int(p["prev_digitized"]) if had else 0  # read only when had
        old_t = int(p["prev_total"]) if had and pd.notna(p["prev_total"]) else None
        new_d, new_t = int(r.books_digitized), int(r.books_total)
        if had and old_d == new_d and old_t == new_t:
            continue
        flags = []
        if had and new_d < old_d:
            flags.append(t("upload.flag.lower", lang))
        elif had and new_t and limit > 0:
            prev_day = pd.Timestamp(p["prev_date"]).date()
            days = max((r.report_date - prev_day).days, 1)
            pct = 100.0 * (new_d - old_d) / new_t
            if pct > limit * days:
                flags.append(t("upload.flag.jump", lang, pct=fmt_num(pct, lang), days=days,
                               limit=fmt_int(limit, lang)))
        if flags:
            flagged += 1
        if had and old_t is not None and old_t != new_t:
            flags.append(t("upload.flag.total_changed", lang))
        dash = t("upload.no_previous", lang)
        out.append({
            t("col.row", lang): int(r.row_no),
            t("col.commune_code", lang): display_code(r.commune_code),  # as files write it, not the unit id
            t("col.commune", lang): names.get(r.commune_code, r.commune_code),
            t("upload.col.flag", lang): "; ".join(flags),  # next to the name: a wide table would hide it
            t("upload.col.for_date", lang): fmt_date(r.report_date),
            t("upload.col.digitized_change", lang): f"{fmt_int(old_d, lang) if had else dash} → {fmt_int(new_d, lang)}",
            t("upload.col.increase", lang): _signed(new_d - old_d, lang) if had else dash,
            t("upload.col.total_change", lang): (f"{fmt_int(old_t, lang) if old_t is not None else dash} → "
                                                 f"{fmt_int(new_t, lang)}"),
            t("upload.col.previous_date", lang): fmt_date(pd.Timestamp(p["prev_date"]).date()) if had else dash,
        })
    return pd.DataFrame(out), flagged


def _signed(value: int, lang: str) -> str:
    """+1.234 / −56: a change, signed, in the language's number format."""
    return ("+" if value >= 0 else "−") + fmt_int(abs(value), lang)


def withdrawable(uploads: pd.DataFrame, lang: str = "vi") -> dict[int, str]:
    """Loaded uploads that can be withdrawn: id -> "No. 12 · file.xlsx · 25/02/2025 (30 rows)"."""
    loaded = uploads[(uploads["outcome"] == "loaded") & (uploads["source"] != "demo")]
    return {int(r.upload_id): f"{int(r.upload_id)} · {r.file_name} · {fmt_date(r.uploaded_at.to_pydatetime())} "
                              f"({fmt_int(r.row_count, lang)} {t('col.rows', lang).lower()})"
            for r in loaded.itertuples()}
