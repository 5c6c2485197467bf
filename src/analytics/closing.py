"""Closing the campaign as the province ran it: the daily cut-off (the Department reported to the Provincial
People's Committee every day at 17:00), the units' commitments, the list of units called to report after their
deadline, and the weekly roll-up of the period.

Built on the public figures of ``metrics`` (same definitions); the few extra reads are named in ``queries``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

import pandas as pd

from analytics import metrics, queries, store
from analytics.errors import InvalidArgument
from analytics.i18n import fmt_date, t
from analytics.units import display_code

# Vietnam has no daylight-saving time: local time is always UTC+7. Upload times are stored in UTC.
VN_OFFSET = timedelta(hours=7)
CUTOFF_KEY = "cutoff_time"
DEFAULT_CUTOFF = time(17, 0)
ARRIVAL_ORDER = ["on_time", "late", "missing"]
COMMITMENT_ORDER = ["missed", "due", "kept"]


# --- the daily cut-off ------------------------------------------------------------------------------------

def parse_cutoff(text: str) -> time:
    """Read a cut-off time as people write it: "17:00", "17h", "17h30", "17 giờ 30". Raises on anything else."""
    raw = (text or "").strip().lower()
    m = re.fullmatch(r"(\d{1,2})\s*(?::|h|g|giờ)?\s*(\d{2})?\s*(?:phút|p)?", raw)
    if not m:
        raise InvalidArgument("cutoff.bad_time", value=text)
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidArgument("cutoff.bad_time", value=text)
    return time(hour, minute)


def cutoff_setting(value: time) -> str:
    """The stored form of a cut-off time (``HH:MM``)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_cutoff(value: time, lang: str = "vi") -> str:
    """17h (17h30) in Vietnamese, as the province writes "số liệu đến 17h"; 17:00 in English."""
    if lang == "vi":
        return f"{value.hour}h" if value.minute == 0 else f"{value.hour}h{value.minute:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def cutoff_time(con: store.Connection, province: str) -> time:
    """The province's daily cut-off (setting ``cutoff_time``); the default 17:00 when unset or unreadable."""
    raw = store.get_setting(con, province, CUTOFF_KEY, None)
    if not raw:
        return DEFAULT_CUTOFF
    try:
        return parse_cutoff(raw)
    except InvalidArgument:
        return DEFAULT_CUTOFF


def cutoff_utc(day: date, cutoff: time = DEFAULT_CUTOFF) -> datetime:
    """The cut-off of ``day`` (Vietnam time) as the naive UTC timestamp the uploads table stores."""
    return datetime.combine(day, cutoff) - VN_OFFSET


def to_local(moment: Any) -> datetime | None:
    """A stored (naive UTC) upload time in Vietnam time, for display."""
    if moment is None or (not isinstance(moment, datetime) and pd.isna(moment)):
        return None
    return pd.Timestamp(moment).to_pydatetime() + VN_OFFSET


def arrivals(con: store.Connection, v: metrics.View, district: str | None = None,
             cutoff: time | None = None) -> pd.DataFrame:
    """Every commune of the unit list on day D: when its report for D first arrived and whether that was by
    the cut-off ("on_time"), after it ("late") or not at all ("missing"); ``done_before`` marks a commune that
    already stood at 100 % before D (it has nothing left to report)."""
    cut = cutoff or cutoff_time(con, v.province)
    at = cutoff_utc(v.as_of, cut)
    df = con.execute(queries.CUTOFF_ARRIVALS, {"province": v.province, "day": v.as_of, "district": district}).df()
    done = con.execute(queries.FIRST_COMPLETE_DATES,
                       {"province": v.province, "as_of": v.as_of - timedelta(days=1)}).df()
    done_codes = set(done["commune_code"])
    first = pd.to_datetime(df["first_at"])
    status = []
    for arrived, demo in zip(first, df["demo"]):
        if pd.isna(arrived):
            status.append("missing")
        elif bool(demo) or arrived.to_pydatetime() <= at:
            status.append("on_time")
        else:
            status.append("late")
    df["status"] = status
    df["arrived_local"] = pd.Series([to_local(x) for x in first], index=df.index, dtype=object)
    df["done_before"] = df["commune_code"].isin(done_codes)
    return df


def cutoff_panel(con: store.Connection, v: metrics.View, district: str | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """What the 17:00 report to the Provincial People's Committee needs on day D: the counts, and the communes
    that had not reported by the cut-off (late or missing; those already complete before D are left out)."""
    cut = cutoff_time(con, v.province)
    df = arrivals(con, v, district, cut)
    owing = df[~df["done_before"]]
    pending = owing[owing["status"] != "on_time"].reset_index(drop=True)
    return {
        "day": v.as_of,
        "cutoff": cut,
        "cutoff_at": cutoff_utc(v.as_of, cut),
        "passed": cutoff_passed(cutoff_utc(v.as_of, cut), now),
        "units_total": int(len(df)),
        "done_before": int(df["done_before"].sum()),
        "on_time": int((df["status"] == "on_time").sum()),
        "late": int((pending["status"] == "late").sum()),
        "missing": int((pending["status"] == "missing").sum()),
        "not_in": pending,
        "two_level": not df["district_code"].notna().any(),
    }


def cutoff_passed(cutoff_at: datetime, now: datetime | None = None) -> bool:
    """Whether the cut-off (naive UTC) is past: before it, the list of communes without a report is provisional."""
    return (now or datetime.now(UTC).replace(tzinfo=None)) >= cutoff_at


def cutoff_text(panel: dict[str, Any], province_name: str, lang: str = "vi") -> str:
    """The list of communes without a report by the cut-off as plain text to paste into a chat group:
    title, the cut-off and date, the count, then the communes grouped by district."""
    cut = format_cutoff(panel["cutoff"], lang)
    day = fmt_date(panel["day"], lang)
    pending: pd.DataFrame = panel["not_in"]
    owing = panel["units_total"] - panel["done_before"]
    lines = [t("cutoff.text_title", lang), t("cutoff.text_as_of", lang, time=cut, date=day),
             t("cutoff.text_count", lang, province=province_name, count=len(pending), total=owing)]
    if pending.empty:
        lines.append(t("cutoff.text_all_in", lang))
        return "\n".join(lines)

    def line(r: dict[str, Any]) -> str:
        if r["status"] == "late" and (arrived := _moment(r["arrived_local"])) is not None:
            return "- " + t("cutoff.text_late_item", lang, commune=r["commune"], time=arrived.strftime("%H:%M"))
        return f"- {r['commune']}"

    if panel["two_level"]:
        lines.append("")
        lines += [line(r) for r in pending.to_dict("records")]
    else:
        for (_, name), part in pending.groupby(["district_code", "district"], sort=False, dropna=False):
            label = name if isinstance(name, str) and name else "–"
            lines.append("")
            lines.append(t("cutoff.text_district", lang, district=label, count=len(part)))
            lines += [line(r) for r in part.to_dict("records")]
    if panel["late"]:
        lines.append("")
        lines.append(t("cutoff.text_late_note", lang, count=panel["late"], time=cut))
    return "\n".join(lines)


def cutoff_table(pending: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The communes without a report by the cut-off, as users read them."""
    return pd.DataFrame({
        t("col.district", lang): [d if isinstance(d, str) and d else "–" for d in pending["district"]],
        t("col.commune_code", lang): [display_code(c) for c in pending["commune_code"]],
        t("col.commune", lang): list(pending["commune"]),
        t("cutoff.col_status", lang): [t("cutoff.status." + s, lang) for s in pending["status"]],
        t("cutoff.col_arrived", lang): [fmt_date(_moment(x), lang) for x in pending["arrived_local"]],
    })


# --- commitments -------------------------------------------------------------------------------------------

def commitments(con: store.Connection, v: metrics.View, district: str | None = None) -> pd.DataFrame:
    """Every committed completion date given on or before D, as "kept" (the commune stood at 100 % in a report
    dated on or before that date), "missed" (not kept and the date is past) or "due" (the date is D or later).
    Newest commitment first within each status; missed first."""
    notes = store.explanations(con, v.province, None, v.as_of)
    notes = notes[notes["new_completion_date"].notna()].copy()
    if district is not None:
        notes = notes[notes["district_code"] == district]
    done = con.execute(queries.FIRST_COMPLETE_DATES, {"province": v.province, "as_of": v.as_of}).df()
    completed_on = {c: pd.Timestamp(d).date() for c, d in zip(done["commune_code"], done["completed_on"])}
    status_df = metrics.commune_status(con, v).set_index("commune_code")
    rows = []
    for r in notes.to_dict("records"):
        committed = pd.Timestamp(r["new_completion_date"]).date()
        finished = completed_on.get(r["commune_code"])
        if finished is not None and finished <= committed:
            state = "kept"
        elif committed < v.as_of:
            state = "missed"
        else:
            state = "due"
        pct = status_df.at[r["commune_code"], "completion_pct"] if r["commune_code"] in status_df.index else None
        rows.append({"id": int(r["id"]), "commune_code": r["commune_code"], "commune": r["commune"],
                     "district_code": _text(r["district_code"]), "district": _text(r["district"]),
                     "explained_on": pd.Timestamp(r["explained_on"]).date(), "committed_on": committed,
                     "reason": r["reason"], "responsible": _text(r["responsible"]), "completed_on": finished,
                     "completion_pct": None if pct is None or pd.isna(pct) else float(pct), "status": state})
    cols = ["id", "commune_code", "commune", "district_code", "district", "explained_on", "committed_on", "reason",
            "responsible", "completed_on", "completion_pct", "status"]
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_order"] = out["status"].map({s: i for i, s in enumerate(COMMITMENT_ORDER)})
    out = out.sort_values(["_order", "committed_on", "id"], ascending=[True, False, False])
    return out.drop(columns="_order").reset_index(drop=True)


def missed_commitments(con: store.Connection, v: metrics.View) -> dict[str, date]:
    """Each commune's latest missed commitment on D (commune code → the date it had committed to)."""
    df = commitments(con, v)
    if df.empty:
        return {}
    missed = df[df["status"] == "missed"]
    return {c: max(part["committed_on"]) for c, part in missed.groupby("commune_code")}


def commitments_table(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Commitments as users read them."""
    return pd.DataFrame({
        t("col.district", lang): [d or "–" for d in df["district"]],
        t("col.commune", lang): list(df["commune"]),
        t("commit.col_committed", lang): [fmt_date(d, lang) for d in df["committed_on"]],
        t("commit.col_status", lang): [t("commit.status." + s, lang) for s in df["status"]],
        t("col.completion", lang): [None if x is None or pd.isna(x) else round(float(x), 1)
                                    for x in df["completion_pct"]],
        t("commit.col_completed_on", lang): [fmt_date(d, lang) if d is not None and not pd.isna(d) else "–"
                                             for d in df["completed_on"]],
        t("col.explained_on", lang): [fmt_date(d, lang) for d in df["explained_on"]],
        t("col.explanation", lang): list(df["reason"]),
        t("col.responsible", lang): [x or "–" for x in df["responsible"]],
    })


# --- units called to report after their deadline ------------------------------------------------------------

# A deadline per commune: one date for all (the campaign deadline when None), a Series or mapping indexed by
# commune code (codes it lacks take the campaign deadline), or a function of the commune code.
Deadlines: TypeAlias = date | pd.Series | Mapping[str, date] | Callable[[str], date | None] | None


def unit_deadlines(codes: list[str], v: metrics.View, deadlines: Deadlines = None) -> list[date]:
    """The deadline of each commune in ``codes`` (see ``Deadlines``)."""
    if deadlines is None:
        return [v.deadline] * len(codes)
    if isinstance(deadlines, date):
        return [deadlines] * len(codes)
    if isinstance(deadlines, (pd.Series, Mapping)):
        get = deadlines.get
    else:
        get = deadlines
    out = []
    for c in codes:
        d = get(c)
        out.append(v.deadline if d is None or (not isinstance(d, date) and pd.isna(d)) else pd.Timestamp(d).date())
    return out


def summon_list(con: store.Connection, v: metrics.View, deadlines: Deadlines = None,
                district: str | None = None) -> pd.DataFrame:
    """The communes whose deadline has passed on D (D is after it) and that do not stand at 100 %, with their
    figures, the gap, the latest explanation and the person responsible, and a missed commitment if any:
    the units the province calls to report. Grouped by district (code order), lowest completion first."""
    df = metrics.commune_status(con, v)
    if district is not None:
        df = df[df["district_code"] == district]
    df = df.copy()
    df["deadline"] = unit_deadlines(list(df["commune_code"]), v, deadlines)
    completed = (df["completion_pct"].astype("float64") >= 100.0).fillna(False)
    late = [v.as_of > d for d in df["deadline"]]
    out = df[pd.Series(late, index=df.index) & ~completed].copy()
    out["remaining"] = (out["books_total"] - out["books_digitized"]).clip(lower=0)
    out["gap_to_full"] = 100.0 - out["completion_pct"].astype("float64")
    notes = store.latest_explanations(con, v.province, v.as_of).set_index("commune_code")
    for col in ("reason", "new_completion_date", "responsible"):
        out["explanation_" + col] = [_none(notes.at[c, col]) if c in notes.index else None
                                     for c in out["commune_code"]]
    missed = missed_commitments(con, v)
    out["missed_commitment"] = [missed.get(c) for c in out["commune_code"]]
    out["_pct"] = out["completion_pct"].astype("float64").fillna(-1.0)
    out["_district"] = out["district_code"].fillna("")
    out = out.sort_values(["_district", "_pct", "sort_order"])
    cols = ["district_code", "district", "commune_code", "commune", "deadline", "books_total", "books_digitized",
            "remaining", "completion_pct", "gap_to_full", "last_report", "explanation_reason",
            "explanation_new_completion_date", "explanation_responsible", "missed_commitment"]
    return out[cols].reset_index(drop=True)


def unfinished(con: store.Connection, v: metrics.View, district: str | None = None) -> pd.DataFrame:
    """Every commune not at 100 % on D (reported or not), with the same columns as ``summon_list``: what the
    report to the Chairman lists under "Tồn tại, hạn chế"."""
    return summon_list(con, v, deadlines=date.min, district=district)


def summon_districts(con: store.Connection, v: metrics.View, communes: pd.DataFrame) -> pd.DataFrame:
    """The districts of the communes to summon, with the district's own figures on D and how many of its
    communes are listed (empty for a two-level province)."""
    cols = ["district_code", "district", "units_total", "units_completed", "summoned", "books_total",
            "books_digitized", "remaining", "completion_pct", "gap_to_full"]
    listed = communes[communes["district_code"].notna()]
    if listed.empty:
        return pd.DataFrame(columns=cols)
    table = metrics.district_table(con, v)
    table = table[table["district_code"].isin(set(listed["district_code"]))].copy()
    counts = listed.groupby("district_code")["commune_code"].count()
    table["summoned"] = [int(counts.get(d, 0)) for d in table["district_code"]]
    table["remaining"] = (table["books_total"] - table["books_digitized"]).clip(lower=0)
    table["gap_to_full"] = 100.0 - table["completion_pct"].astype("float64")
    return table[cols].reset_index(drop=True)


def summon_table(df: pd.DataFrame, lang: str = "vi", measure: str = "books") -> pd.DataFrame:
    """The communes to summon as users read them (the CSV export and the page's table)."""
    def d(x: Any) -> str:
        return "–" if x is None or (not isinstance(x, date) and pd.isna(x)) else fmt_date(pd.Timestamp(x).date(), lang)

    return pd.DataFrame({
        t("col.rank", lang): list(range(1, len(df) + 1)),
        t("col.district", lang): [x if isinstance(x, str) and x else "–" for x in df["district"]],
        t("col.commune_code", lang): [display_code(c) for c in df["commune_code"]],
        t("col.commune", lang): list(df["commune"]),
        t("summon.col_deadline", lang): [d(x) for x in df["deadline"]],
        t("summon.col_total", lang, measure=measure): [_int(x) for x in df["books_total"]],
        t("summon.col_digitized", lang): [_int(x) for x in df["books_digitized"]],
        t("summon.col_remaining", lang): [_int(x) for x in df["remaining"]],
        t("col.completion", lang): [_round(x) for x in df["completion_pct"]],
        t("summon.col_gap", lang): [_round(x) for x in df["gap_to_full"]],
        t("col.last_report", lang): [d(x) for x in df["last_report"]],
        t("col.explanation", lang): [x or "" for x in df["explanation_reason"]],
        t("col.new_completion_date", lang): [d(x) if x is not None else "" for x in df["explanation_new_completion_date"]],
        t("col.responsible", lang): [x or "" for x in df["explanation_responsible"]],
        t("summon.col_missed", lang): [d(x) if x is not None else "" for x in df["missed_commitment"]],
    })


# --- the weekly roll-up -------------------------------------------------------------------------------------

def week_spans(v: metrics.View) -> list[tuple[int, date, date]]:
    """The weeks of the period (7 days from the campaign start; the last one may be shorter), up to D or the
    deadline, whichever comes first."""
    end = min(v.as_of, v.deadline)
    spans = []
    first = v.start
    n = 1
    while first <= end:
        last = min(first + timedelta(days=6), end)
        spans.append((n, first, last))
        first = last + timedelta(days=1)
        n += 1
    return spans


def weekly(con: store.Connection, v: metrics.View) -> pd.DataFrame:
    """Figures per week of the period for the province and each district (``metrics.summary`` at the eve of
    each week and at its last day): books digitized and completion at the start and the end, the progress."""
    spans = week_spans(v)
    cols = ["week", "from", "to", "level", "code", "name", "start_digitized", "start_pct", "end_digitized",
            "end_pct", "books_total", "progress_books", "progress_points", "units_completed", "units_total"]
    if not spans:
        return pd.DataFrame(columns=cols)
    days = sorted({s[1] - timedelta(days=1) for s in spans} | {s[2] for s in spans})
    # every day read in the structure of D's view, so the province stays the same unit list
    states = {d: metrics.summary(con, v.province, d, structure=v.as_of, measure=v.measure) for d in days}
    two_level = not any(states[d]["districts"] for d in days)
    # a two-level province has no districts: its communes are the rows
    communes = ({d: _commune_states(con, v, d) for d in days} if two_level else {})
    rows = []
    for n, first, last in spans:
        a, b = states[first - timedelta(days=1)], states[last]
        units = [("province", v.province, b["province_name"], a, b)]
        before = {x["district_code"]: x for x in a["districts"]}
        units += [("district", x["district_code"], x["district"], before.get(x["district_code"], {}), x)
                  for x in b["districts"]]
        if two_level:
            c0, c1 = communes[first - timedelta(days=1)], communes[last]
            units += [("commune", code, rec["name"], c0.get(code, {}), rec) for code, rec in c1.items()]
        for level, code, name, s0, s1 in units:
            start_d = s0.get("books_digitized") or 0
            end_d = s1.get("books_digitized") or 0
            p0, p1 = _float(s0.get("completion_pct")), _float(s1.get("completion_pct"))
            rows.append({"week": n, "from": first, "to": last, "level": level, "code": code, "name": name,
                         "start_digitized": int(start_d), "start_pct": p0, "end_digitized": int(end_d),
                         "end_pct": p1, "books_total": int(s1.get("books_total") or 0),
                         "progress_books": int(end_d) - int(start_d),
                         "progress_points": None if p0 is None or p1 is None else p1 - p0,
                         "units_completed": int(s1.get("units_completed") or 0),
                         "units_total": int(s1.get("units_total") or 0)})
    return pd.DataFrame(rows, columns=cols)


def _commune_states(con: store.Connection, v: metrics.View, day: date) -> dict[str, dict[str, Any]]:
    """Each commune's figures on ``day`` in the shape of a summary (for the two-level roll-up)."""
    df = metrics.commune_status(con, metrics.view(con, v.province, day, structure=v.as_of, measure=v.measure))
    out = {}
    for r in df.to_dict("records"):
        reported = r["last_report"] is not None and not pd.isna(r["last_report"])
        pct = _float(r["completion_pct"]) if reported else None
        out[r["commune_code"]] = {"name": r["commune"], "books_digitized": int(r["books_digitized"]) if reported else 0,
                                  "books_total": int(r["books_total"]) if reported else 0, "completion_pct": pct,
                                  "units_completed": int(pct is not None and pct >= 100.0), "units_total": 1}
    return out


def week_label(n: int, first: date, last: date, lang: str = "vi") -> str:
    return t("weekly.week", lang, n=n, start=first.strftime("%d/%m"), end=last.strftime("%d/%m"))


def weekly_table(df: pd.DataFrame, lang: str = "vi", measure: str = "books") -> pd.DataFrame:
    """The roll-up in long form as users read it: one row per unit and week."""
    return pd.DataFrame({
        t("weekly.col_week", lang): [week_label(n, a, b, lang) for n, a, b in zip(df["week"], df["from"], df["to"])],
        t("weekly.col_unit", lang): list(df["name"]),
        t("weekly.col_start", lang): [_round(x) for x in df["start_pct"]],
        t("weekly.col_end", lang): [_round(x) for x in df["end_pct"]],
        t("weekly.col_points", lang): [_round(x) for x in df["progress_points"]],
        t("weekly.col_books", lang, measure=measure): [int(x) for x in df["progress_books"]],
        t("weekly.col_completed", lang): [f"{a}/{b}" for a, b in zip(df["units_completed"], df["units_total"])],
    })


def weekly_csv(df: pd.DataFrame, lang: str = "vi", measure: str = "books") -> bytes:
    from analytics import present

    return present.csv_bytes(weekly_table(df, lang, measure), lang)


# --- small helpers -----------------------------------------------------------------------------------------

def _moment(x: Any) -> datetime | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).to_pydatetime()


_none = metrics._none  # one rule for missing values in rows shown to people


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def _float(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _round(x: Any) -> float | None:
    x = _float(x) if x is not None and not (not isinstance(x, (int, float)) and pd.isna(x)) else None
    return None if x is None else round(x, 1)


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)
