"""Display-ready tables and texts: metric frames turned into what a page shows or a user downloads.

No Streamlit here; pages and exports call these so they show the same thing.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from analytics.i18n import fmt_date, fmt_int, fmt_num, fmt_pct, t


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
        t("col.commune_code", lang): [r["commune_code"] for r in rows],
        t("col.commune", lang): [r["commune"] for r in rows],
        t("col.district", lang): [r["district"] for r in rows],
        t("col.completion", lang): [_round(r["completion_pct"]) for r in rows],
        t("col.planned", lang): [_round(r["planned_pct"]) for r in rows],
        t("col.gap", lang): [_round(r["gap_pct"]) for r in rows],
        t("col.last_report", lang): [fmt_date(r["last_report"]) if r["last_report"] else "–" for r in rows],
        t("col.reasons", lang): [reason_text(r, lang) for r in rows],
    })
    return out


def district_display(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return pd.DataFrame({
        t("col.district", lang): df["district"],
        t("col.books_digitized", lang): [fmt_int(x, lang) for x in df["books_digitized"]],
        t("col.books_total", lang): [fmt_int(x, lang) for x in df["books_total"]],
        t("col.completion", lang): [fmt_pct(x, lang) for x in df["completion_pct"]],
        t("col.planned", lang): [fmt_pct(x, lang) for x in df["planned_pct"]],
    })


def _round(x: Any) -> float | None:
    if x is None or pd.isna(x):
        return None
    return round(float(x), 1)


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Excel (UTF-8 with BOM), with formula-like text neutralized."""
    safe = df.map(neutralize) if hasattr(df, "map") else df.applymap(neutralize)
    buf = io.StringIO()
    safe.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


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
        "required": t("kpi.per_day", lang, value=fmt_int(s["required_per_day"], lang)),
        "recent": t("kpi.per_day", lang, value=fmt_int(s["recent_per_day"], lang)),
        "projected": fmt_date(pf) if pf else "–",
        "projected_note": projected_note,
        "reporting": t("kpi.reporting_value", lang, done=fmt_int(s["units_reported_on_day"], lang),
                       total=fmt_int(s["units_total"], lang)),
        "behind": fmt_int(s["behind_schedule"], lang),
        "not_reporting": fmt_int(s["not_reporting"], lang),
        "completed": fmt_int(s["units_completed"], lang),
    }


def problems_table(problems: list, lang: str = "vi") -> pd.DataFrame:
    """Errors or warnings of a file: row as seen in the spreadsheet, column, value, problem, fix."""
    rows = [p.as_dict(lang) for p in problems]
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
        t("col.commune_code", lang): rows["commune_code"],
        t("col.commune", lang): [names.at[c, "commune"] if c in names.index else c for c in rows["commune_code"]],
        t("col.district", lang): [names.at[c, "district"] if c in names.index else "" for c in rows["commune_code"]],
        t("col.report_date", lang): [fmt_date(d) for d in rows["report_date"]],
        t("col.books_total", lang): rows["books_total"].astype("Int64"),
        t("col.books_digitized", lang): rows["books_digitized"].astype("Int64"),
        t("col.records_digitized", lang): rows["records_digitized"].astype("Int64"),
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
