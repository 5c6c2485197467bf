"""Plotly figures built from metric frames. No data access here: frames in, figures out.

Status colours are the Okabe-Ito colour-blind-safe palette, and each status
also has a symbol and a bar pattern, so colour is never the only signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analytics.i18n import fmt_date, fmt_int, fmt_pct, t
from analytics.images import _escape
from analytics.metrics import STATUS_ORDER, View
from analytics.safetext import markup

STATUS_COLORS = {
    "done": "#0072B2",            # blue
    "on_track": "#009E73",        # bluish green
    "slightly_behind": "#E69F00",  # orange (amber)
    "behind": "#D55E00",          # vermillion (red)
    "no_data": "#999999",
}
STATUS_ICONS = {"done": "✔", "on_track": "●", "slightly_behind": "▲", "behind": "■", "no_data": "○"}
STATUS_PATTERNS = {"done": "", "on_track": "", "slightly_behind": "/", "behind": "x", "no_data": "."}
ACTUAL = "#0072B2"
PLAN = "#666666"
FONT = "Be Vietnam Pro, Noto Sans, DejaVu Sans, Arial, sans-serif"
# every chart is drawn on plotly_white: named as plotly's default, a new figure takes it as already valid,
# where naming it on each figure validated the whole template again (20 ms a chart, at every page rerun)
pio.templates.default = "plotly_white"


def status_label(status: str, lang: str, amber: float = 10.0) -> str:
    amber_text = f"{amber:g}".replace(".", ",") if lang == "vi" else f"{amber:g}"
    return f"{STATUS_ICONS[status]} {t('status.' + status, lang, amber=amber_text)}"


def _names(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``df`` whose name columns are safe in a figure (``safetext.markup``).

    Plotly draws labels, ticks and hover text as a subset of HTML, and names come from files: every chart
    takes its names through here (or ``markup``) before they become a label, a category or hover text, and
    the hover templates only show those values (``%{y}``, ``%{label}``) next to our own words."""
    out = df.copy()
    for col in columns:
        out[col] = [markup(x) if isinstance(x, str) else x for x in out[col]]
    return out


def _layout(fig: go.Figure, title: str, lang: str, v: View | None = None) -> go.Figure:
    """Title (escaped: a commune's name or a page's title holding a district name), fonts, legend."""
    subtitle = t("chart.as_of", lang, date=fmt_date(v.as_of)) if v else ""
    title = markup(title)
    fig.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>" if subtitle else title, "x": 0.01},
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hoverlabel={"font": {"family": FONT}},
        separators=",." if lang == "vi" else ".,",
    )
    return fig


def burnup(trend: pd.DataFrame, v: View, summary: dict, lang: str = "vi", title: str | None = None) -> go.Figure:
    """Cumulative completion by day, the planned path, the 100 % goal, the deadline and the projection."""
    fig = go.Figure()
    days = list(trend["day"])
    fig.add_trace(go.Scatter(
        x=days, y=trend["planned_pct"], name=t("chart.planned", lang), mode="lines",
        line={"color": PLAN, "dash": "dash", "width": 2},
        hovertemplate="%{x|%d/%m/%Y}: %{y:.1f} %<extra>" + t("chart.planned", lang) + "</extra>",
    ))
    # the plan continues from D to 100 % at the deadline
    last_plan = trend["planned_pct"].dropna()
    if not last_plan.empty and v.as_of < v.deadline:
        fig.add_trace(go.Scatter(
            x=[v.as_of, v.deadline], y=[float(last_plan.iloc[-1]), 100.0], mode="lines", showlegend=False,
            line={"color": PLAN, "dash": "dash", "width": 2}, hoverinfo="skip",
        ))
    fig.add_trace(go.Scatter(
        x=days, y=trend["completion_pct"], name=t("chart.actual", lang), mode="lines+markers",
        line={"color": ACTUAL, "width": 3}, marker={"size": 6},
        hovertemplate="%{x|%d/%m/%Y}: %{y:.1f} %<extra>" + t("chart.actual", lang) + "</extra>",
    ))
    pct, pace = summary.get("completion_pct"), summary.get("recent_per_day") or 0
    total = summary.get("books_total") or 0
    if pct is not None and total and v.as_of < v.deadline:
        end_pct = min(100.0, pct + 100.0 * pace * (v.deadline - v.as_of).days / total)
        fig.add_trace(go.Scatter(
            x=[v.as_of, v.deadline], y=[pct, end_pct], name=t("chart.projection", lang), mode="lines",
            line={"color": "#CC79A7", "dash": "dot", "width": 3},
            hovertemplate="%{x|%d/%m/%Y}: %{y:.1f} %<extra>" + t("chart.projection", lang) + "</extra>",
        ))
    fig.add_hline(y=100, line={"color": "#009E73", "width": 1.5},
                  annotation_text=t("chart.goal", lang), annotation_position="top left")
    deadline_ts = pd.Timestamp(v.deadline).timestamp() * 1000
    fig.add_vline(x=deadline_ts, line={"color": "#D55E00", "width": 1.5, "dash": "dash"},
                  annotation_text=f"{t('chart.deadline', lang)} {fmt_date(v.deadline)}",
                  annotation_position="bottom left")
    start = min(days) if days else v.start
    fig.update_xaxes(range=[start - timedelta(days=1), max(v.deadline, v.as_of) + timedelta(days=1)],
                     tickformat="%d/%m", title=t("chart.date_axis", lang))
    fig.update_yaxes(range=[0, 105], title=t("chart.completion_axis", lang), ticksuffix=" %")
    return _layout(fig, title or t("overview.trend", lang), lang, v)


def district_ranking(districts: pd.DataFrame, v: View, lang: str = "vi", title: str | None = None,
                     marked: str | None = None) -> go.Figure:
    """Completion by district, sorted, planned % as a marker, coloured (and patterned) by status; the district
    ``marked`` (a code: the one the page is about) stands out among the others."""
    df = _names(districts, "district")
    df["completion_pct"] = df["completion_pct"].astype("float64")
    df = df.sort_values("completion_pct", ascending=True, na_position="first")
    fig = go.Figure()
    for status in STATUS_ORDER:
        part = df[df["status"] == status]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            y=part["district"], x=part["completion_pct"].fillna(0), orientation="h",
            name=status_label(status, lang, v.amber),
            marker={"color": STATUS_COLORS[status], "pattern": {"shape": STATUS_PATTERNS[status]}},
            customdata=[[fmt_pct(x, lang), fmt_pct(p, lang)] for x, p in zip(part["completion_pct"],
                                                                              part["planned_pct"])],
            hovertemplate="%{y}: %{customdata[0]}<br>" + t("chart.planned", lang)
            + ": %{customdata[1]}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        y=df["district"], x=df["planned_pct"], mode="markers", name=t("chart.planned_marker", lang),
        marker={"symbol": "line-ns-open", "size": 22, "color": "#000000", "line": {"width": 3, "color": "#000000"}},
        hovertemplate="%{y}: %{x:.1f} %<extra>" + t("chart.planned", lang) + "</extra>",
    ))
    # each value next to its name, not on the bar: a label printed over the hatching (or shrunk to fit a
    # short bar) cannot be read on a phone or in the brief; the bars keep the names as their y values,
    # so a click still says which district it was
    names = list(df["district"])
    is_marked = [marked is not None and str(c) == marked for c in df.get("district_code", [None] * len(df))]
    fig.update_yaxes(categoryorder="array", categoryarray=names, title=None, tickvals=names,
                     ticktext=[f"▶ <b>{n}  {fmt_pct(x, lang)}</b>" if m else f"{n}  <b>{fmt_pct(x, lang)}</b>"
                               for n, x, m in zip(names, df["completion_pct"], is_marked)])
    fig.update_xaxes(range=[0, 105], ticksuffix=" %", title=t("chart.completion_axis", lang))
    fig.update_layout(barmode="overlay", height=max(360, 28 * len(df) + 140))
    return _layout(fig, title or t("overview.by_district", lang), lang, v)


def daily_progress(trend: pd.DataFrame, v: View, lang: str = "vi", title: str | None = None) -> go.Figure:
    """Books (or records: the view's measure) digitized per day (bars) with the 7-day average (line)."""
    df = trend.dropna(subset=["digitized_per_day"])
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df["day"], y=df["digitized_per_day"], name=t("chart.per_day", lang, measure=v.measure),
                         marker={"color": "#56B4E9"},
                         hovertemplate="%{x|%d/%m/%Y}: %{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=df["day"], y=df["avg7_per_day"], name=t("chart.avg7", lang), mode="lines",
                             line={"color": "#000000", "width": 2},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:,.0f}<extra></extra>"))
    fig.update_xaxes(tickformat="%d/%m", title=t("chart.date_axis", lang))
    fig.update_yaxes(title=t("chart.books_axis", lang, measure=v.measure), tickformat=",.0f")
    return _layout(fig, title or t("chart.per_day", lang, measure=v.measure), lang, v)


# --- the dashboard's further charts ---------------------------------------


def _status_legend(fig: go.Figure, statuses: list[str], lang: str, amber: float) -> None:
    """Legend entries for charts without their own (treemap): one marker per status, icon in the label."""
    for status in STATUS_ORDER:
        if status in statuses:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=status_label(status, lang, amber),
                                     marker={"color": STATUS_COLORS[status], "size": 12, "symbol": "square"},
                                     hoverinfo="skip", showlegend=True))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def treemap(communes: pd.DataFrame, v: View, province_name: str, lang: str = "vi",
            title: str | None = None) -> go.Figure:
    """Province > district > commune, sized by books in total, coloured (and labelled) by status."""
    df = _names(communes, "district", "commune")
    df["size"] = df["books_total"].astype("float64").fillna(0).clip(lower=0)
    df = df[df["size"] > 0]
    ids, labels, parents, values, colors, texts = [], [], [], [], [], []
    root = "p:" + v.province
    ids.append(root)
    labels.append(markup(province_name))
    parents.append("")
    values.append(float(df["size"].sum()))
    colors.append("#FFFFFF")
    texts.append("")
    for code, part in df.groupby("district_code", dropna=False, sort=True):
        did = f"d:{code}"
        name = part["district"].iloc[0] if pd.notna(part["district"].iloc[0]) else markup(province_name)
        digitized, total = float(part["books_digitized"].sum()), float(part["size"].sum())
        pct = 100.0 * digitized / total if total else None
        planned = float((part["planned_pct"].fillna(0) * part["size"]).sum() / total) if total else None
        status = classify_local(pct, planned, v.amber)
        ids.append(did)
        labels.append(f"{STATUS_ICONS[status]} {name}")
        parents.append(root)
        values.append(total)
        colors.append(STATUS_COLORS[status])
        texts.append(fmt_pct(pct, lang))
        for rec in part.to_dict("records"):
            ids.append("c:" + rec["commune_code"])
            labels.append(f"{STATUS_ICONS[rec['status']]} {rec['commune']}")
            parents.append(did)
            values.append(rec["size"])
            colors.append(STATUS_COLORS[rec["status"]])
            texts.append(fmt_pct(rec["completion_pct"], lang))
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total", text=texts,
        marker={"colors": colors, "line": {"color": "#FFFFFF", "width": 1}},
        texttemplate="%{label}<br>%{text}", maxdepth=2,
        hovertemplate="%{label}<br>%{text}<br>" + t("col.books_total", lang, measure=v.measure)
                      + ": %{value:,.0f}<extra></extra>",
    ))
    _status_legend(fig, sorted(set(df["status"])), lang, v.amber)
    fig.update_layout(height=560)
    return _layout(fig, title or t("loc.treemap", lang, measure=v.measure), lang, v)


def classify_local(pct: float | None, planned: float | None, amber: float) -> str:
    from analytics.metrics import classify

    return classify(pct, planned, amber)


def heatmap(daily: pd.DataFrame, names: pd.DataFrame, v: View, lang: str = "vi", measure: str = "books",
            title: str | None = None) -> go.Figure:
    """Books (or records) digitized per commune per day: stalled communes (rows of zeros) at the top.

    ``daily`` comes from ``metrics.commune_daily``; ``names`` maps commune_code to commune and district.
    Days without a report are blank (no figure), days with no progress are pale orange, the rest blue, darker
    for more; the communes that stalled longest come first.
    """
    col = "books_day" if measure == "books" else "records_day"
    grid = daily.pivot(index="commune_code", columns="day", values=col)
    filled = grid.fillna(0).to_numpy()
    moving = filled > 0
    # days since the last progress (the whole window when none): the longest stalls first, then the least progress
    stalled = [len(row) if not row.any() else int(len(row) - 1 - row.nonzero()[0][-1]) for row in moving]
    rank = pd.DataFrame({"stalled": stalled, "total": filled.sum(axis=1)}, index=grid.index)
    grid = grid.loc[rank.sort_values(["stalled", "total"], ascending=[False, True], kind="stable").index]
    label = _names(names, "commune", "district").set_index("commune_code")
    ylabels = [f"{label.at[c, 'commune']} ({label.at[c, 'district']})" if c in label.index else markup(c)
               for c in grid.index]
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype="float64"), x=list(grid.columns), y=ylabels,
        colorscale=[[0.0, "#F4A582"], [0.001, "#DEEBF7"], [0.5, "#6BAED6"], [1.0, "#08306B"]],
        zmin=0, hoverongaps=False, xgap=1, ygap=1,
        colorbar={"title": {"text": t("chart.books_axis" if measure == "books" else "chart.records_axis", lang)}},
        hovertemplate="%{y}<br>%{x|%d/%m/%Y}: %{z:,.0f}<extra></extra>",
    ))
    fig.update_xaxes(tickformat="%d/%m", title=t("chart.date_axis", lang), side="top")
    fig.update_yaxes(autorange="reversed", title=None, tickfont={"size": 10})
    fig.update_layout(height=max(320, 14 * len(ylabels) + 140))
    return _layout(fig, title or t("loc.heatmap", lang, measure=measure), lang, v)


def commune_trend(trend: pd.DataFrame, v: View, name: str, lang: str = "vi") -> go.Figure:
    """One commune's completion by day against its own planned path, with the deadline."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=trend["day"], y=trend["planned_pct"], name=t("chart.planned", lang), mode="lines",
                             line={"color": PLAN, "dash": "dash", "width": 2},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:.1f} %<extra></extra>"))
    fig.add_trace(go.Scatter(x=trend["day"], y=trend["completion_pct"], name=t("chart.actual", lang),
                             mode="lines+markers", line={"color": ACTUAL, "width": 3},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:.1f} %<extra></extra>"))
    fig.add_hline(y=100, line={"color": "#009E73", "width": 1.5}, annotation_text=t("chart.goal", lang),
                  annotation_position="top left")
    fig.add_vline(x=pd.Timestamp(v.deadline).timestamp() * 1000, line={"color": "#D55E00", "dash": "dash"},
                  annotation_text=f"{t('chart.deadline', lang)} {fmt_date(v.deadline)}",
                  annotation_position="bottom left")
    fig.update_xaxes(tickformat="%d/%m", title=t("chart.date_axis", lang))
    fig.update_yaxes(range=[0, 105], ticksuffix=" %", title=t("chart.completion_axis", lang))
    return _layout(fig, name, lang, v)


def daily_progress_measure(trend: pd.DataFrame, v: View, lang: str = "vi", measure: str = "books",
                           title: str | None = None) -> go.Figure:
    """Books (or records) digitized per day with the 7-day average."""
    if measure == v.measure or measure == "books":  # the trend is in the view's measure already
        return daily_progress(trend, v, lang, title)
    df = trend.copy()
    df["digitized_per_day"] = df["records_digitized"].astype("float64").diff()
    df["avg7_per_day"] = df["digitized_per_day"].rolling(7, min_periods=1).mean()
    fig = daily_progress(df, v, lang, title or t("chart.records_per_day", lang))
    fig.update_yaxes(title=t("chart.records_axis", lang))
    fig.data[0].name = t("chart.records_per_day", lang)
    return fig


# --- communes on a map, drawn offline ---------------------------------------------
# Plotly's geo and map traces fetch their base map (topojson, tiles) from the internet, which the
# dashboard may not reach; a plain scatter of longitude against latitude needs nothing, and with
# the axes' scale fixed to the latitude it keeps the province's shape.

MAP_SYMBOLS = {"done": "diamond", "on_track": "circle", "slightly_behind": "triangle-up", "behind": "square",
               "no_data": "circle-open"}  # the icons' shapes: colour is never the only signal
MAP_SIZE_LABELS = {"books_total": "col.books_total", "records_total": "chart.map_records_total"}


def _map_text(value: object) -> str:
    """A name from a file, shown as text in a hover label (plotly reads its tags as markup)."""
    return "" if value is None or (isinstance(value, float) and value != value) else _escape(str(value))


def _formatted(values: pd.Series, fmt: Callable[[Any, str], str], lang: str) -> list[str]:
    """Each distinct value formatted once (babel costs ~30 µs a call; a national map has 10,000)."""
    seen: dict[float | None, str] = {}
    out = []
    for x in values:
        key = None if x is None or x != x else round(float(x), 1)
        if key not in seen:
            seen[key] = fmt(key, lang)
        out.append(seen[key])
    return out


def map_sizes(values: pd.Series, max_px: float, min_px: float = 4.0) -> list[float]:
    """Dot diameters whose AREA grows with the target (a diameter that did would exaggerate big ones)."""
    v = pd.to_numeric(values, errors="coerce").astype("float64").fillna(0).clip(lower=0)
    top = float(v.max()) if len(v) else 0.0
    if top <= 0:
        return [min_px] * len(v)
    return [min_px + (max_px - min_px) * (x / top) ** 0.5 for x in v]


def commune_map(frame: pd.DataFrame, lang: str = "vi", size: str = "books_total", v: View | None = None,
                title: str | None = None, amber: float | None = None) -> go.Figure:
    """Communes as dots at their centroids, sized by their target, coloured (and shaped) by status.

    ``frame``: commune_code, commune, district (or province, for the national map), lat, lon, the
    ``size`` column, completion_pct, status (as ``metrics.classify``). Communes without coordinates
    are left out and counted: ``fig.layout.meta["missing_coordinates"]``, and a note on the chart.
    """
    amber = v.amber if amber is None and v is not None else (10.0 if amber is None else amber)
    df = frame.copy()
    df["lat"] = pd.to_numeric(df["lat"], errors="coerce")
    df["lon"] = pd.to_numeric(df["lon"], errors="coerce")
    placed = df["lat"].notna() & df["lon"].notna()
    missing = int((~placed).sum())
    df = df[placed].reset_index(drop=True)
    df[size] = pd.to_numeric(df[size], errors="coerce").astype("float64")
    df["completion_pct"] = pd.to_numeric(df["completion_pct"], errors="coerce").astype("float64")
    place_col = "district" if "district" in df.columns and df["district"].notna().any() else "province"
    national = len(df) > 500
    df["_px"] = map_sizes(df[size], max_px=10.0 if national else 28.0, min_px=2.5 if national else 5.0)
    size_label = t(MAP_SIZE_LABELS.get(size, size), lang, measure=v.measure if v is not None else None)
    fig = go.Figure()
    for status in STATUS_ORDER:
        part = df[df["status"] == status].sort_values("_px", ascending=False, kind="stable")  # small on top
        if part.empty:
            continue
        label = status_label(status, lang, amber)
        # the per-commune parts in customdata, the labels once in the template: a national map stays small
        custom = list(zip(part["commune_code"], [_map_text(x) for x in part["commune"]],
                          [_map_text(x) for x in part[place_col]] if place_col in part else [""] * len(part),
                          _formatted(part["completion_pct"], fmt_pct, lang),
                          _formatted(part[size], fmt_int, lang)))
        template = (f"<b>%{{customdata[1]}}</b><br>%{{customdata[2]}}<br>{_map_text(t('col.completion', lang))}: "
                    f"%{{customdata[3]}}<br>{_map_text(size_label)}: %{{customdata[4]}}<br>{_map_text(label)}"
                    "<extra></extra>")
        outline = ({"width": 1.5, "color": STATUS_COLORS[status]} if MAP_SYMBOLS[status].endswith("-open")
                   else {"width": 0.5, "color": "#FFFFFF"})
        fig.add_trace(go.Scattergl(
            x=part["lon"], y=part["lat"], mode="markers", name=label, customdata=custom, hovertemplate=template,
            marker={"color": STATUS_COLORS[status], "size": list(part["_px"]), "symbol": MAP_SYMBOLS[status],
                    "opacity": 0.75 if national else 0.85, "line": outline},
        ))
    far = _far_points(df)
    near = df[~far]
    mean_lat = float(near["lat"].mean()) if len(near) else 16.0
    ratio = 1.0 / max(math.cos(math.radians(mean_lat)), 0.1)
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=ratio)
    height = 480
    if len(near):
        lat_span = float(near["lat"].max() - near["lat"].min()) or 0.1
        lon_span = float(near["lon"].max() - near["lon"].min()) or 0.1
        height = int(min(1000, max(480, 620 * lat_span * ratio / lon_span)))
        if far.any():  # frame the mainland; the toolbar's autoscale still shows the far islands
            pad_x, pad_y = 0.04 * lon_span, 0.04 * lat_span
            fig.update_xaxes(range=[float(near["lon"].min()) - pad_x, float(near["lon"].max()) + pad_x])
            fig.update_yaxes(range=[float(near["lat"].min()) - pad_y, float(near["lat"].max()) + pad_y])
    off_frame = [str(n) for n in df.loc[far, "commune"]]
    fig.update_layout(height=height, plot_bgcolor="#FFFFFF", hovermode="closest",
                      meta={"missing_coordinates": missing, "shown": len(df), "off_frame": off_frame})
    notes = []
    if missing:
        notes.append(t("chart.map_missing", lang, count=fmt_int(missing, lang)))
    if off_frame:
        notes.append(t("chart.map_off_frame", lang, names=_map_text(", ".join(off_frame))))
    if notes:
        fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper", x=1, y=1, xanchor="right",
                           yanchor="bottom", showarrow=False, align="right", font={"size": 11, "color": "#555555"})
    fig = _layout(fig, title or t("chart.commune_map", lang), lang, v)
    # no axis labels under a map: the legend sits right below it, also on a tall national map
    fig.update_layout(legend={"y": -0.02, "itemsizing": "constant"})
    return fig


def _far_points(df: pd.DataFrame) -> pd.Series:
    """Islands far out at sea (Hoàng Sa, 300 km off Đà Nẵng): framing them would shrink the province.

    A point is far when it lies over four times further from the median point than nine in ten
    points do; at most one point in twenty, else the frame keeps everything.
    """
    if len(df) < 10:
        return pd.Series(False, index=df.index)
    lat0, lon0 = float(df["lat"].median()), float(df["lon"].median())
    dist = ((df["lon"] - lon0) * math.cos(math.radians(lat0))).pow(2).add((df["lat"] - lat0).pow(2)).pow(0.5)
    far = dist > max(4.0 * float(dist.quantile(0.9)), 0.5)
    return far if far.sum() <= 0.05 * len(df) else pd.Series(False, index=df.index)
