"""Báo cáo nhanh: the one-page brief of the day, as a portrait PNG for phones and an A4 PDF.

One plotly figure holds the whole page (header, headline figures, countdown and
pace, the burn-up chart, the district ranking, the ten worst communes, footer),
so the PDF is vector and both formats come from the same drawing. The charts
are the dashboard's own (``charts.burnup``, ``charts.district_ranking``) moved
onto the page. The app's button and ``python -m analytics brief`` both call
``make``. Rendering is ``images.render`` (kaleido + Chromium, shipped Noto Sans).

No Streamlit here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, images, metrics, present, store
from analytics.errors import InvalidArgument
from analytics.i18n import fmt_date, fmt_pct, t
from analytics.images import FONT, WATERMARK_COLOR, _escape

WORST = 10


@dataclass
class BriefData:
    """Everything the page shows, read once from the database."""

    summary: dict[str, Any]
    view: metrics.View
    trend: pd.DataFrame
    districts: pd.DataFrame
    worst: pd.DataFrame          # the first ten of metrics.underperformers
    behind_total: int            # how many communes are on that list in all
    demo: bool
    district_name: str | None = None


def gather(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
           structure: date | str | None = None, *, exact: bool = False, measure: str | None = None) -> BriefData:
    s = metrics.summary(con, province, as_of, structure, exact=exact, measure=measure)
    v = metrics.view(con, s["province"], s["as_of"], exact=True, measure=s["measure"])
    under = metrics.underperformers(con, v.province, v.as_of, exact=True, measure=v.measure)
    return BriefData(summary=s, view=v, trend=metrics.trend(con, v), districts=metrics.districts_frame(s),
                     worst=under.head(WORST).reset_index(drop=True), behind_total=len(under),
                     demo=store.is_demo(con))


@dataclass(frozen=True)
class Page:
    """A page size in CSS px and where each block goes (top, bottom in px from the top)."""

    kind: str
    width: int
    height: int
    scale: float
    font: int
    kpi_cols: int
    kpi_box: tuple[int, int]
    burnup_box: tuple[float, float, int, int]      # x0, x1 (fractions), top, bottom (px)
    districts_box: tuple[float, float, int, int]
    table_box: tuple[int, int]
    side: int = 24                                  # page margin, px


# Portrait for phones: 720 CSS px × 1.5 = 1080 px wide. A4: 794 × 1123 CSS px = 210 × 297 mm at 96 dpi.
PHONE = Page("phone", 720, 1900, 1.5, 13, 3, (128, 420),
             (0.0, 1.0, 460, 800), (0.0, 1.0, 840, 1400), (1430, 1860))
A4 = Page("a4", 794, 1123, 1.0, 10, 5, (104, 252),
          (0.0, 0.47, 292, 700), (0.53, 1.0, 292, 700), (725, 1085))
PAGES = {"png": PHONE, "pdf": A4}


def _y(page: Page, px: float) -> float:
    """A distance from the top of the page in px as a paper fraction (0 at the bottom)."""
    return 1.0 - px / page.height


def _x(page: Page, frac: float) -> float:
    inner = page.width - 2 * page.side
    return (page.side + frac * inner) / page.width


def _text(fig: go.Figure, page: Page, text: str, x: float, top: float, size: float, color: str = "#1A1A1A",
          bold: bool = False, anchor: str = "left") -> None:
    fig.add_annotation(text=f"<b>{text}</b>" if bold else text, x=x, y=_y(page, top), xref="paper",
                       yref="paper", xanchor=anchor, yanchor="top", showarrow=False, align=anchor,
                       font={"size": size, "color": color, "family": FONT})


def _kpis(data: BriefData, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, note) of each headline card, in reading order."""
    s = data.summary
    k = present.kpis(s, lang)
    status = metrics.classify(s["completion_pct"], s["planned_pct"], data.view.amber)
    return [
        (t("kpi.completion", lang), k["completion"], charts.status_label(status, lang, data.view.amber)),
        (t("kpi.planned", lang), k["planned"], ""),
        (t("kpi.books", lang, measure=data.view.measure), k["books"], ""),
        (t("kpi.days_left", lang), k["days_left"], t("chart.deadline", lang) + " " + fmt_date(data.view.deadline)),
        (t("kpi.required", lang), k["required"], ""),
        (t("kpi.recent", lang), k["recent"], ""),
        (t("kpi.projected", lang), k["projected"], k["projected_note"]),
        (t("kpi.reporting", lang), k["reporting"], ""),
        (t("kpi.behind", lang), k["behind"], t("kpi.not_reporting", lang) + ": " + k["not_reporting"]),
        (t("kpi.completed", lang), k["completed"], ""),
    ]


def _cards(fig: go.Figure, page: Page, data: BriefData, lang: str) -> None:
    cards = _kpis(data, lang)
    if page.kpi_cols == 3:
        cards = cards[:9]  # the phone grid: 3 × 3 (communes completed is in the ranking)
    cols = page.kpi_cols
    rows = -(-len(cards) // cols)
    top, bottom = page.kpi_box
    gap = 8
    cell_h = (bottom - top - gap * (rows - 1)) / rows
    inner = page.width - 2 * page.side
    cell_w = (inner - gap * (cols - 1)) / cols
    for i, (label, value, note) in enumerate(cards):
        r, c = divmod(i, cols)
        x0 = page.side + c * (cell_w + gap)
        y0 = top + r * (cell_h + gap)
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0 / page.width, x1=(x0 + cell_w) / page.width,
                      y0=_y(page, y0 + cell_h), y1=_y(page, y0), fillcolor="#F2F4F7",
                      line={"color": "#D0D5DD", "width": 1}, layer="below")
        xl = (x0 + 8) / page.width
        _text(fig, page, label, xl, y0 + 6, page.font - 1, "#475467")
        _text(fig, page, value, xl, y0 + 6 + page.font * 1.5, page.font * 1.55, "#101828", bold=True)
        if note:
            _text(fig, page, note, xl, y0 + 10 + page.font * 3.6, page.font - 2, "#475467")


def _move(fig: go.Figure, src: go.Figure, axis: str, legend: str, size: int) -> None:
    """Put a chart's traces, lines and labels on axis pair ``axis`` ("" or "2") of the page."""
    for trace in src.data:
        trace = trace.to_plotly_json()
        trace["xaxis"], trace["yaxis"] = "x" + axis, "y" + axis
        trace["legend"] = legend
        fig.add_trace(trace)
    for item, add, is_text in ((src.layout.shapes, fig.add_shape, False),
                                (src.layout.annotations, fig.add_annotation, True)):
        for obj in item:
            d = obj.to_plotly_json()
            for key in ("xref", "yref"):
                ref = d.get(key, "paper")
                if ref != "paper":
                    letter, _, rest = ref.partition(" ")
                    d[key] = (letter + axis + (" " + rest if rest else "")).strip()
            if is_text:
                d["font"] = {**d.get("font", {}), "size": size - 1}
            add(d)


def _axes(fig: go.Figure, page: Page, src: go.Figure, axis: str, box: tuple[float, float, int, int],
          left_pad: int, title: str, legend: str) -> None:
    x0, x1, top, bottom = box
    title_h = page.font * 2.2
    legend_h = page.font * 3.4
    axis_h = page.font * 3.6
    xd = [_x(page, x0) + left_pad / page.width, _x(page, x1)]
    yd = [_y(page, bottom - legend_h - axis_h), _y(page, top + title_h)]
    xa = src.layout.xaxis.to_plotly_json()
    ya = src.layout.yaxis.to_plotly_json()
    xa.update(domain=xd, anchor="y" + axis, automargin=False)
    ya.update(domain=yd, anchor="x" + axis, automargin=False)
    for a in (xa, ya):
        if "title" in a and a["title"].get("text"):
            a["title"]["font"] = {"size": page.font}
            a["title"]["standoff"] = 4
        a["tickfont"] = {"size": page.font - 1}
    if ya.get("categoryarray") is not None:
        ya["dtick"] = 1  # every district's name, never every other one
    fig.update_layout({"xaxis" + axis: xa, "yaxis" + axis: ya})
    _text(fig, page, title, _x(page, x0), top, page.font + 3, bold=True)
    fig.update_layout({legend: {"orientation": "h", "x": _x(page, x0), "xanchor": "left", "xref": "paper",
                                "y": _y(page, bottom - legend_h), "yanchor": "top", "yref": "paper",
                                "font": {"size": page.font - 1}, "bgcolor": "rgba(255,255,255,0)"}})


def _table(fig: go.Figure, page: Page, data: BriefData, lang: str) -> None:
    top, bottom = page.table_box
    heading = t("brief.worst", lang)
    if data.behind_total > len(data.worst):
        heading += " " + t("brief.more", lang, count=data.behind_total)
    _text(fig, page, heading, _x(page, 0), top, page.font + 3, bold=True)
    rows = data.worst.to_dict("records")
    if not rows:
        _text(fig, page, t("brief.worst_none", lang), _x(page, 0), top + page.font * 2.4, page.font)
        return
    header = [t("col.rank", lang), t("col.commune", lang), t("col.district", lang), t("col.completion", lang),
              t("col.planned", lang), t("col.reasons", lang)]
    cells = [
        [str(i + 1) for i in range(len(rows))],
        [_escape(r["commune"]) for r in rows],
        [_escape(r["district"] or "–") for r in rows],
        [fmt_pct(r["completion_pct"], lang) for r in rows],
        [fmt_pct(r["planned_pct"], lang) for r in rows],
        [_escape(present.reason_text(r, lang)) for r in rows],
    ]
    row_h = page.font * 2.0
    fig.add_trace(go.Table(
        domain={"x": [_x(page, 0), _x(page, 1)], "y": [_y(page, bottom - page.font * 1.8), _y(page, top + page.font * 2.2)]},
        columnwidth=[0.45, 2.0, 1.8, 1.15, 1.1, 2.9],
        header={"values": [f"<b>{h}</b>" for h in header], "fill": {"color": "#E4E7EC"}, "align": "left",
                "font": {"size": page.font - 1, "family": FONT, "color": "#101828"}, "height": row_h},
        cells={"values": cells, "align": ["right", "left", "left", "right", "right", "left"],
               "fill": {"color": [["#FFFFFF", "#F9FAFB"] * WORST]}, "height": row_h,
               "font": {"size": page.font - 1, "family": FONT, "color": "#101828"}},
    ))


def figure(data: BriefData, lang: str = "vi", kind: str = "png", made_at: datetime | None = None) -> go.Figure:
    """The whole page as one figure (``kind`` "png" = phone portrait, "pdf" = A4)."""
    page = PAGES[kind]
    s, v = data.summary, data.view
    fig = go.Figure()
    fig.update_layout(width=page.width, height=page.height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF", font={"family": FONT, "size": page.font},
                      template="plotly_white", separators=",." if lang == "vi" else ".,", showlegend=True)
    # header
    fig.add_shape(type="rect", xref="paper", yref="paper", x0=0, x1=1, y0=_y(page, 6), y1=1,
                  fillcolor="#0072B2", line={"width": 0})
    _text(fig, page, t("brief.title", lang), _x(page, 0), 18, page.font + 5, "#0B3B5C", bold=True)
    place = images.place_text(s["province_name"], data.district_name)
    _text(fig, page, f"{_escape(place)} · {t('chart.as_of', lang, date=fmt_date(v.as_of))}", _x(page, 0),
          18 + page.font * 2.3, page.font + 2, "#1A1A1A")
    days = s["days_left"]
    count = (t("brief.countdown", lang, days=days, deadline=fmt_date(v.deadline)) if days >= 0
             else t("brief.overdue", lang, days=-days, deadline=fmt_date(v.deadline)))
    _text(fig, page, f"{_escape(v.campaign_name)} · {count}", _x(page, 0), 18 + page.font * 4.2, page.font,
          "#475467")
    if data.demo:
        _text(fig, page, t("image.demo_mark", lang), _x(page, 1), 18, page.font + 5, "#C00000", bold=True,
              anchor="right")
    _cards(fig, page, data, lang)
    # charts
    burn = charts.burnup(data.trend, v, s, lang)
    _move(fig, burn, "", "legend", page.font)
    _axes(fig, page, burn, "", page.burnup_box, int(page.font * 5.2), t("overview.trend", lang), "legend")
    if not data.districts.empty:
        ranking = charts.district_ranking(data.districts, v, lang)
        _move(fig, ranking, "2", "legend2", page.font)
        pad = max(90, int(page.font * 0.62 * max(len(str(d)) for d in data.districts["district"])))
        x0, x1 = page.districts_box[:2]  # a very long name may not push the bars off the page
        pad = min(pad, int((x1 - x0) * (page.width - 2 * page.side) / 2))
        _axes(fig, page, ranking, "2", page.districts_box, pad, t("overview.by_district", lang), "legend2")
        fig.update_traces(selector={"type": "bar"}, textfont={"size": page.font - 1})
    _table(fig, page, data, lang)
    # footer and demo mark
    made = made_at or datetime.now()
    meta = images.ImageMeta(as_of=v.as_of, place=place, demo=data.demo, made_at=made, lang=lang)
    _text(fig, page, _escape(images.footer_text(meta)), _x(page, 0), page.height - page.font * 2.2,
          page.font - 2, "#555555")
    if data.demo:
        fig.add_annotation(text=t("image.demo_mark", lang), xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, textangle=-30, font={"size": page.width / 9, "color": WATERMARK_COLOR,
                                                                 "family": FONT})
    return fig


def make(con: store.Connection, fmt: str = "png", province: str | None = None, as_of: date | str | None = None,
         lang: str = "vi", made_at: datetime | None = None) -> bytes:
    """The brief as PNG (phone portrait, 1080 px wide) or PDF (one A4 page)."""
    if fmt not in PAGES:
        raise InvalidArgument("brief.bad_out", file=fmt)
    data = gather(con, province, as_of)
    return render(data, fmt, lang, made_at)


def render(data: BriefData, fmt: str = "png", lang: str = "vi", made_at: datetime | None = None) -> bytes:
    page = PAGES[fmt]
    fig = figure(data, lang, fmt, made_at)
    return images.render(fig, fmt, page.width, page.height, page.scale if fmt == "png" else 1)


def file_name(as_of: date, fmt: str) -> str:
    return f"bao-cao-nhanh-{as_of.isoformat()}.{fmt}"


def write(con: store.Connection, out: str | Path, province: str | None = None, as_of: date | str | None = None,
          lang: str = "vi") -> dict[str, Any]:
    """Write the brief to ``out`` (.png or .pdf); returns its size and the seconds it took."""
    path = Path(out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in PAGES:
        raise InvalidArgument("brief.bad_out", file=str(out))
    started = time.perf_counter()
    data = make(con, fmt, province, as_of, lang)
    path.write_bytes(data)
    return {"file": str(path), "bytes": len(data), "seconds": round(time.perf_counter() - started, 2)}


__all__ = ["BriefData", "gather", "figure", "make", "render", "write", "file_name", "PHONE", "A4"]
