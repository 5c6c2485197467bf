"""Display-ready tables and texts: metric frames turned into what a page shows or a user downloads.

No Streamlit here; pages and exports call these so they show the same thing.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pandas as pd

from analytics import safetext
from analytics.i18n import fmt_date, fmt_int, fmt_num, fmt_pct, t
from analytics.units import display_code


def reason_text(row: dict[str, Any], lang: str = "vi") -> str:
    """Reasons in words: "chậm 12,5 điểm so với kế hoạch; không báo cáo 4 ngày"."""
    parts = []
    if row.get("last_report") is None or pd.isna(row.get("last_report")):
        parts.append(t("reason.never", lang))
    else:
        if "behind_schedule" in row.get("reasons", []):
            parts.append(t("reason.behind_points", lang, points=fmt_num(row.get("gap_pct"), lang, 1)))
        if "not_reporting" in row.get("reasons", []):
            parts.append(t("reason.no_report_days", lang, days=int(row.get("days_since_report") or 0)))
    return "; ".join(parts)


def underperformers_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The underperformers list with localized headers, numbers kept numeric for sorting."""
    rows = df.to_dict("records")
    out = pd.DataFrame({
        t("col.rank", lang): range(1, len(rows) + 1),
        t("col.commune_code", lang): [display_code(r["commune_code"]) for r in rows],
        t("col.commune", lang): [r["commune"] for r in rows],
        t("col.district", lang): [r["district"] for r in rows],
        t("col.completion", lang): [_round(r["completion_pct"]) for r in rows],
        t("col.planned", lang): [_round(r["planned_pct"]) for r in rows],
        t("col.gap", lang): [_round(r["gap_pct"]) for r in rows],
        t("col.last_report", lang): [fmt_date(r["last_report"]) if r["last_report"] else "–" for r in rows],
        t("col.reasons", lang): [reason_text(r, lang) for r in rows],
    })
    return out


def district_display(df: pd.DataFrame, lang: str = "vi", measure: str = "books") -> pd.DataFrame:
    return pd.DataFrame({
        t("col.district", lang): df["district"],
        t("col.books_digitized", lang, measure=measure): [fmt_int(x, lang) for x in df["books_digitized"]],
        t("col.books_total", lang, measure=measure): [fmt_int(x, lang) for x in df["books_total"]],
        t("col.completion", lang): [fmt_pct(x, lang) for x in df["completion_pct"]],
        t("col.planned", lang): [fmt_pct(x, lang) for x in df["planned_pct"]],
    })


def _round(x: Any) -> float | None:
    if x is None or pd.isna(x):
        return None
    return round(float(x), 1)


_PLAIN_NUMBER_RE = re.compile(r"[+-]?[\d\s.,]*%?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize(value: Any) -> Any:
    """Text made safe for a spreadsheet cell, for every export and every table on screen (whose toolbar
    downloads CSV and copies to the clipboard): characters a workbook cannot hold are taken out
    (``safetext.clean``; one of them made openpyxl refuse the whole file), and text that a spreadsheet
    would run as a formula (=, +, -, @, tab, CR or LF first) is prefixed with a quote. A plain number
    written as text ("-5", "+1.234") runs nothing and is left as it is."""
    if not isinstance(value, str):
        return value
    value = safetext.clean(value)
    if value[:1] in _FORMULA_START and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def _needs_neutralizing(text: str) -> bool:
    return text[:1] in _FORMULA_START or safetext.has_control(text)


def shown_table(df: pd.DataFrame) -> pd.DataFrame:
    """A table as every page shows it (``ui.table``): text cells neutralized, numbers and lists untouched."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        if values.dtype != object:  # a text column (an upload's preview has 100,000 rows): each distinct text once
            fixes = {x: neutralize(x) for x in values.dropna().unique() if _needs_neutralizing(x)}
            if fixes:
                out[col] = values.replace(fixes)
            continue
        cells = values.to_numpy(dtype=object, copy=True)  # mixed cells (lists of a sparkline, None)
        changed = False
        for i, x in enumerate(cells):
            if isinstance(x, str) and _needs_neutralizing(x):
                cells[i] = neutralize(x)
                changed = True
        if changed:
            out[col] = cells
    return out


CSV_SEPARATOR = {"vi": ";", "en": ","}  # Excel's list separator under each language's regional settings


def csv_bytes(df: pd.DataFrame, lang: str = "vi") -> bytes:
    """CSV for Excel (UTF-8 with BOM), with formula-like text neutralized, in the user's language.

    In Vietnamese the numbers have a decimal comma and the cells are separated by ``;``, which is what Excel
    with Vietnamese regional settings expects (a ``,`` file opens there as one column, and ``71.6`` as text
    or a date); in English, ``,`` and the decimal point. Rows end with CRLF, so a cell holding a lone CR or
    LF is quoted and stays in its cell.
    """
    safe = df.map(neutralize)
    if lang == "vi":
        safe = safe.map(_decimal_comma)
    buf = io.StringIO()
    safe.to_csv(buf, index=False, lineterminator="\r\n", sep=CSV_SEPARATOR.get(lang, ","))
    return buf.getvalue().encode("utf-8-sig")


def _decimal_comma(x: Any) -> Any:
    """A fractional number written with a decimal comma (no thousands separator: Excel reads 1234,5, and a
    grouped 1.234,5 would be text under other settings); anything else as it is."""
    if isinstance(x, float) and not isinstance(x, bool) and x == x:
        return repr(float(x)).replace(".", ",")
    return x


def kpis(s: dict[str, Any], lang: str = "vi") -> dict[str, str]:
    """The headline figures as display strings."""
    days = s["days_left"]
    pf = s["projected_finish"]
    if pf is None:
        projected_note = t("kpi.projected_none", lang)
    else:
        diff = (s["deadline"] - pf).days
        if diff > 0:
            projected_note = t("kpi.projected_early", lang, days=diff)
        elif diff < 0:
            projected_note = t("kpi.projected_late", lang, days=-diff)
        else:
            projected_note = t("kpi.projected_ontime", lang)
    return {
        "completion": fmt_pct(s["completion_pct"], lang),
        "planned": fmt_pct(s["planned_pct"], lang),
        "books": f"{fmt_int(s['books_digitized'], lang)} / {fmt_int(s['books_total'], lang)}",
        "days_left": t("kpi.days_left_value", lang, days=days) if days >= 0 else t("kpi.overdue", lang, days=-days),
        "required": t("kpi.per_day", lang, value=fmt_int(s["required_per_day"], lang), measure=s.get("measure")),
        "recent": t("kpi.per_day", lang, value=fmt_int(s["recent_per_day"], lang), measure=s.get("measure")),
        "projected": fmt_date(pf) if pf else "–",
        "projected_note": projected_note,
        "reporting": t("kpi.reporting_value", lang, done=fmt_int(s["units_reported_on_day"], lang),
                       total=fmt_int(s["units_total"], lang)),
        "behind": fmt_int(s["behind_schedule"], lang),
        "not_reporting": fmt_int(s["not_reporting"], lang),
        "completed": fmt_int(s["units_completed"], lang),
    }


def problems_table(problems: list, lang: str = "vi", surface: str = "cli") -> pd.DataFrame:
    """Errors or warnings of a file: row as seen in the spreadsheet, column, value, problem, fix
    (worded for ``surface``: "page" names the page's controls, "cli" the command's flags)."""
    rows = [p.as_dict(lang, surface) for p in problems]
    return pd.DataFrame({
        t("col.row", lang): [r["row"] if r["row"] is not None else "–" for r in rows],
        t("col.column", lang): [r["column"] or "–" for r in rows],
        t("col.value", lang): [r["value"] if r["value"] not in (None, "") else "–" for r in rows],
        t("col.problem", lang): [r["problem"] for r in rows],
        t("col.fix", lang): [r["fix"] for r in rows],
    }).astype(str)


def describe_prepared(prep: Any, lang: str = "vi") -> str:
    """What was recognized in a file and the change it would make, in one paragraph."""
    columns = ", ".join(f"{src} → {canon}" for canon, src in prep.columns.items())
    recognized = t("upload.recognized", lang, sheet=prep.sheet or "–", header_row=prep.header_row or "–",
                   columns=columns)
    change = t("upload.summary", lang, rows=fmt_int(len(prep.rows), lang),
               communes=fmt_int(prep.rows["commune_code"].nunique(), lang),
               dates=", ".join(fmt_date(d) for d in prep.report_dates),
               new=fmt_int(prep.new_reports, lang), replaced=fmt_int(prep.replaced_reports, lang))
    return f"{recognized}\n\n{change}"


def preview_table(prep: Any, communes: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The rows that would be loaded, with the official unit names."""
    names = communes.set_index("commune_code")
    rows = prep.rows
    return pd.DataFrame({
        t("col.row", lang): rows["row_no"].astype("Int64"),
        t("col.commune_code", lang): rows["commune_code"].map(display_code),
        t("col.commune", lang): [names.at[c, "commune"] if c in names.index else c for c in rows["commune_code"]],
        t("col.district", lang): [names.at[c, "district"] if c in names.index else "" for c in rows["commune_code"]],
        t("col.report_date", lang): [fmt_date(d) for d in rows["report_date"]],
        t("col.books_total", lang): rows["books_total"].astype("Int64"),
        t("col.books_digitized", lang): rows["books_digitized"].astype("Int64"),
        t("col.records_digitized", lang): rows["records_digitized"].astype("Int64"),
        t("col.records_total", lang): (rows["records_total"] if "records_total" in rows
                                       else pd.Series([None] * len(rows))).astype("Int64"),
    })


def history_table(uploads: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The upload log as users read it: who, when, file, hash, rows, outcome."""
    return pd.DataFrame({
        t("col.upload_id", lang): uploads["upload_id"],
        t("col.uploaded_at", lang): [fmt_date(x.to_pydatetime()) if not pd.isna(x) else "–"
                                     for x in uploads["uploaded_at"]],
        t("col.user", lang): uploads["user_name"].fillna("–"),
        t("col.file", lang): uploads["file_name"],
        t("col.sha256", lang): uploads["sha256"].str.slice(0, 12),
        t("col.rows", lang): uploads["row_count"],
        t("col.outcome", lang): [t("outcome." + o, lang) for o in uploads["outcome"]],
    })


# --- the dashboard's tables and texts ---------------------------------------


def status_text(status: str, lang: str = "vi", amber: float = 10.0) -> str:
    """Icon and words of a status, so colour is never the only signal."""
    from analytics.charts import status_label

    return status_label(status, lang, amber)


def overview_kpis(o: dict[str, Any], lang: str = "vi") -> dict[str, Any]:
    """The overview's cards as display strings (from ``metrics.overview``)."""
    base: dict[str, Any] = kpis({**o, "units_completed": o["units_completed"]}, lang)  # "change" may be None
    change = o.get("change_pct")
    base["change"] = (t("kpi.change", lang, value=("+" if change >= 0 else "-") + fmt_num(abs(change), lang, 1),
                        date=fmt_date(o["previous_day"])) if change is not None else None)
    base["completed"] = t("kpi.of_total", lang, done=fmt_int(o["units_completed"], lang),
                          total=fmt_int(o["units_total"], lang))
    base["reporting"] = t("kpi.reporting_value", lang, done=fmt_int(o["units_reported_on_day"], lang),
                          total=fmt_int(o["units_total"], lang))
    base["reporting_note"] = t("kpi.reporting_note", lang, rate=fmt_pct(o["reporting_rate"], lang),
                               on_time=fmt_int(o["reports_on_time"], lang), late=fmt_int(o["reports_late"], lang))
    days = o["days_left"]
    base["working_days"] = t("kpi.working_days", lang, days=o["working_days_left"],
                             calendar=t("calendar." + o["calendar"], lang))
    base["days_left"] = (t("kpi.days_left_value", lang, days=days) if days >= 0
                         else t("kpi.overdue", lang, days=-days))
    base["required_working"] = t("kpi.per_working_day", lang, value=fmt_int(o["required_per_working_day"], lang))
    if o.get("recent_per_day") is not None and o.get("required_per_day"):
        ratio = 100.0 * o["recent_per_day"] / o["required_per_day"] if o["required_per_day"] else None
        base["pace_note"] = t("kpi.pace_ratio", lang, pct=fmt_pct(ratio, lang, 0))
    else:
        base["pace_note"] = ""
    base["records"] = fmt_int(o["records_digitized"], lang) if o.get("records_digitized") is not None else "–"
    base["books_done"] = fmt_int(o["books_digitized"], lang)
    base["books_total"] = t("kpi.books_total", lang, total=fmt_int(o["books_total"], lang), measure=o.get("measure"))
    base["no_target"] = (t("measure.no_target", lang, count=fmt_int(o["units_without_target"], lang))
                         if o.get("units_without_target") else "")
    base["required_value"] = fmt_int(o["required_per_day"], lang)
    base["recent_value"] = fmt_int(o["recent_per_day"], lang)
    return base


def _date_or_dash(x: Any) -> str:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return "–"
    return fmt_date(pd.Timestamp(x).date() if not hasattr(x, "strftime") else x)


def league_table(df: pd.DataFrame, lang: str = "vi", level: str = "commune",
                 average: dict[str, Any] | None = None, amber: float = 10.0, measure: str = "books") -> pd.DataFrame:
    """A league table (from ``metrics.commune_league``/``district_league``) with localized headers.

    Numbers stay numeric (completion 0–100 for a progress bar, sortable); ``average`` (a summary dict)
    adds the province average as the first row, without a rank.
    """
    name_col = "commune" if level == "commune" else "district"
    rows: list[dict[str, Any]] = []
    if average is not None:
        rows.append({
            "rank": None, "name": t("loc.province_average", lang), "district": "",
            "status": status_text(_status_of(average, amber), lang, amber),
            "completion": _round(average.get("completion_pct")), "planned": _round(average.get("planned_pct")),
            "gap": _round(_gap(average)), "pace": _round(average.get("recent_per_day")),
            "needed": _round(average.get("required_per_day")),
            "projected": _date_or_dash(average.get("projected_finish")),
            "last_report": "–", "trend": None,
        })
    for r in df.to_dict("records"):
        rows.append({
            "rank": r["rank"], "name": r[name_col], "district": r.get("district") or "",
            "status": status_text(r["status"], lang, amber),
            "completion": _round(r["completion_pct"]), "planned": _round(r["planned_pct"]),
            "gap": _round(r["gap_pct"]), "pace": _round(r["recent_per_day"]), "needed": _round(r["required_per_day"]),
            "projected": _date_or_dash(r["projected_finish"]), "last_report": _date_or_dash(r["last_report"]),
            "trend": list(r["trend"]) if r.get("trend") is not None else None,
        })
    out = pd.DataFrame(rows, columns=["rank", "name", "district", "status", "completion", "planned", "gap", "pace",
                                      "needed", "projected", "last_report", "trend"])
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    if level != "commune":
        out = out.drop(columns=["district"])
    if "deadline" in df and pd.Series(df["deadline"]).nunique() > 1:  # units with deadlines of their own
        out.insert(out.columns.get_loc("projected"), "deadline",
                   ([_date_or_dash(average.get("deadline"))] if average is not None else [])
                   + [_date_or_dash(d) for d in df["deadline"]])
    return out.rename(columns=league_headers(lang, level, measure))


def league_headers(lang: str = "vi", level: str = "commune", measure: str = "books") -> dict[str, str]:
    return {
        "rank": t("col.rank", lang),
        "name": t("col.commune" if level == "commune" else "col.district", lang),
        "district": t("col.district", lang),
        "status": t("col.status", lang),
        "completion": t("col.completion", lang),
        "planned": t("col.planned", lang),
        "gap": t("col.gap", lang),
        "pace": t("col.pace7", lang, measure=measure),
        "needed": t("col.needed", lang, measure=measure),
        "projected": t("col.projected", lang),
        "last_report": t("col.last_report", lang),
        "trend": t("col.trend14", lang),
        "deadline": t("col.deadline", lang),
    }


def _gap(s: dict[str, Any]) -> float | None:
    c, p = s.get("completion_pct"), s.get("planned_pct")
    return None if c is None or p is None else p - c


def _status_of(s: dict[str, Any], amber: float) -> str:
    from analytics.metrics import classify

    return classify(s.get("completion_pct"), s.get("planned_pct"), amber)


def reasons_text(row: dict[str, Any], lang: str = "vi") -> str:
    """``reason_text`` plus the after-deadline reason ("chưa hoàn thành sau hạn chót")."""
    text = reason_text(row, lang)
    if "not_completed" in (row.get("reasons") or []):
        extra = t("reason.not_completed", lang)
        text = f"{text}; {extra}" if text else extra
    if "missed_commitment" in (row.get("reasons") or []) and not _blank(row.get("missed_commitment_date")):
        extra = t("reason.missed_commitment", lang, date=pd.Timestamp(row["missed_commitment_date"]).strftime("%d/%m"))
        text = f"{text}; {extra}" if text else extra
    return text


def explanation_text(row: dict[str, Any], lang: str = "vi") -> str:
    """The latest explanation in one line: reason, commitment date, responsible person."""
    reason = row.get("explanation_reason")
    if _blank(reason):
        return ""
    parts = [str(reason)]
    if not _blank(row.get("explanation_new_completion_date")):
        parts.append(t("explain.commit_short", lang, date=_date_or_dash(row["explanation_new_completion_date"])))
    if not _blank(row.get("explanation_responsible")):
        parts.append(t("explain.responsible_short", lang, name=row["explanation_responsible"]))
    return " — ".join(parts)


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, str) and not x.strip()) or (not isinstance(x, (str, list)) and pd.isna(x))


def underperformers_full_table(df: pd.DataFrame, lang: str = "vi", amber: float = 10.0) -> pd.DataFrame:
    """The Underperformers page's list (from ``metrics.underperformers_full``), grouped by district."""
    rows = df.to_dict("records")
    return pd.DataFrame({
        t("col.rank", lang): range(1, len(rows) + 1),
        t("col.district", lang): [r["district"] or "–" for r in rows],
        t("col.commune_code", lang): [display_code(r["commune_code"]) for r in rows],
        t("col.commune", lang): [r["commune"] for r in rows],
        t("col.status", lang): [status_text(r["status"], lang, amber) for r in rows],
        t("col.completion", lang): [_round(r["completion_pct"]) for r in rows],
        t("col.planned", lang): [_round(r["planned_pct"]) for r in rows],
        t("col.gap", lang): [_round(r["gap_pct"]) for r in rows],
        t("col.last_report", lang): [_date_or_dash(r["last_report"]) for r in rows],
        t("col.reasons", lang): [reasons_text(r, lang) for r in rows],
        t("col.explanation", lang): [explanation_text(r, lang) for r in rows],
    })


def explanations_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Explanations as users read them (from ``store.explanations``)."""
    return pd.DataFrame({
        t("col.explained_on", lang): [_date_or_dash(x) for x in df["explained_on"]],
        t("col.commune", lang): df["commune"].fillna("–"),
        t("col.explanation", lang): df["reason"],
        t("col.new_completion_date", lang): [_date_or_dash(x) for x in df["new_completion_date"]],
        t("col.responsible", lang): df["responsible"].fillna("–"),
        t("col.user", lang): df["created_by"].fillna("–"),
    })


def report_history_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return pd.DataFrame({
        t("col.report_date", lang): [_date_or_dash(x) for x in df["report_date"]],
        t("col.books_total", lang): [fmt_int(x, lang) for x in df["books_total"]],
        t("col.books_digitized", lang): [fmt_int(x, lang) for x in df["books_digitized"]],
        t("col.completion", lang): [fmt_pct(100.0 * d / tot if tot else 100.0, lang)
                                    for d, tot in zip(df["books_digitized"], df["books_total"])],
        t("col.records_digitized", lang): [fmt_int(x, lang) if pd.notna(x) else "–" for x in df["records_digitized"]],
        t("col.records_total", lang): [fmt_int(x, lang) if pd.notna(x) else "–"
                                       for x in (df["records_total"] if "records_total" in df else [None] * len(df))],
        t("col.upload_id", lang): df["upload_id"],
        t("col.file", lang): df["file_name"].fillna("–"),
    })


def commune_uploads_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return pd.DataFrame({
        t("col.upload_id", lang): df["upload_id"],
        t("col.uploaded_at", lang): [fmt_date(pd.Timestamp(x).to_pydatetime()) if pd.notna(x) else "–"
                                     for x in df["uploaded_at"]],
        t("col.user", lang): df["user_name"].fillna("–"),
        t("col.file", lang): df["file_name"],
        t("col.rows", lang): df["rows"],
        t("col.outcome", lang): [t("outcome." + o, lang) for o in df["outcome"]],
    })


def units_preview_tables(preview: dict[str, Any], lang: str = "vi") -> dict[str, pd.DataFrame]:
    """The unit-list change preview (``store.preview_units``) as three tables."""
    added = pd.DataFrame(preview["added"], columns=["commune_code", "commune", "district"])
    removed = pd.DataFrame(preview["removed"], columns=["commune_code", "commune", "district", "reports"])
    renamed = pd.DataFrame(preview["renamed"], columns=["commune_code", "old_name", "commune", "old_district",
                                                        "district"])
    heads = {"commune_code": t("col.commune_code", lang), "commune": t("col.commune", lang),
             "district": t("col.district", lang), "reports": t("col.reports_dropped", lang),
             "old_name": t("col.old_name", lang), "old_district": t("col.old_district", lang)}
    return {"added": added.rename(columns=heads), "removed": removed.rename(columns=heads),
            "renamed": renamed.rename(columns=heads)}


date_text = _date_or_dash


def underperformers_by_district(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """How many communes of each district are on the list, and why (the list's district order)."""
    rows = []
    for district, part in df.groupby("district", sort=False, dropna=False):
        reasons = part["reasons"]
        rows.append({
            t("col.district", lang): district if isinstance(district, str) and district else "–",
            t("under.col_count", lang): len(part),
            t("reason.behind_schedule", lang): int(sum("behind_schedule" in r for r in reasons)),
            t("reason.not_reporting", lang): int(sum("not_reporting" in r for r in reasons)),
            t("under.col_not_completed", lang): int(sum("not_completed" in r for r in reasons)),
            t("under.col_explained", lang): int(sum(not _blank(x) for x in part["explanation_reason"])),
        })
    return pd.DataFrame(rows)


def national_headers(lang: str = "vi", measure: str = "books") -> dict[str, str]:
    keys = {"rank": "col.rank", "province": "col.province", "status": "col.status", "completion": "col.completion",
            "planned": "col.planned", "gap": "col.gap", "pace": "col.pace7", "needed": "col.needed",
            "projected": "col.projected", "reporting": "col.reporting_rate", "communes": "col.communes_reporting"}
    return {k: t(v, lang, measure=measure) for k, v in keys.items()}


def national_table(df: pd.DataFrame, lang: str = "vi", amber: float = 10.0, measure: str = "books") -> pd.DataFrame:
    """The provinces ranked (``national.country``), with localized headers; numbers stay numeric."""
    h = national_headers(lang, measure)
    rows = df.to_dict("records")
    return pd.DataFrame({
        h["rank"]: [r["rank"] for r in rows],
        h["province"]: [r["province"] for r in rows],
        h["status"]: [status_text(r["status"], lang, amber) for r in rows],
        h["completion"]: [_round(r["completion_pct"]) for r in rows],
        h["planned"]: [_round(r["planned_pct"]) for r in rows],
        h["gap"]: [_round(r["gap_pct"]) for r in rows],
        h["pace"]: [_round(r["recent_per_day"]) for r in rows],
        h["needed"]: [_round(r["required_per_day"]) for r in rows],
        h["projected"]: [_date_or_dash(r["projected_finish"]) for r in rows],
        h["reporting"]: [_round(r["reporting_rate"]) for r in rows],
        h["communes"]: [f"{fmt_int(r['units_reported_on_day'], lang)}/{fmt_int(r['units_total'], lang)}" for r in rows],
    })


def unit_deadlines_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The units with deadlines of their own (``store.unit_deadlines``)."""
    return pd.DataFrame({
        t("col.level", lang): [t("level." + lv, lang) for lv in df["level"]],
        t("col.commune_code", lang): [display_code(c) for c in df["unit_code"]],
        t("col.unit", lang): list(df["name"]),
        t("col.deadline", lang): [_date_or_dash(d) for d in df["deadline"]],
    })


def reporting_label(as_of: date, today: date, lang: str = "vi") -> str:
    """"Communes reporting today" on today's view, else the day it is about."""
    return t("kpi.reporting", lang) if as_of == today else t("kpi.reporting_on", lang, date=fmt_date(as_of))
