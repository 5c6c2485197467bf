"""Charts on screen and their images, and the downloads built from the day's figures (brief, report)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

from analytics import structures
from analytics.errors import HotichError
from ui.data import Ask, built, data, make, read, read_at
from ui.state import Sidebar, district_name
from ui.text import md, tr

if TYPE_CHECKING:
    from analytics import images


def image_meta(state: Sidebar, title: str | None = None) -> images.ImageMeta:
    """What a chart image says about itself: title, province (and district), as-of date, demo or not."""
    from analytics import images

    provs = data(structures.provinces, at=state)
    match = provs[provs["province_code"] == state.province]
    province_name = str(match["province_name"].iloc[0]) if len(match) else state.province
    district = district_name(state) if getattr(state, "district", None) else None
    return images.ImageMeta(title=title, as_of=state.as_of, place=images.place_text(province_name, district),
                            demo=state.demo, lang=state.lang)


def plot(fig: Any, key: str, name: str, *, title: str | None = None, state: Sidebar | None = None,
         download: bool = True, on_select: Literal["ignore", "rerun"] = "ignore", place: str | None = None) -> Any:
    """Draw a chart. Every page draws charts through here, so image export is added in one place.

    ``name`` is the chart's file-name stem for downloads (e.g. "tien-do-toan-tinh"); ``title``
    replaces the figure's own title on the chart and its images; ``state`` defaults to the
    sidebar's. The chart is drawn with its title, area, as-of date, footer and demo mark on it
    (``images.annotate``), so the toolbar's camera button saves a picture that stands on its own
    (2000 px wide, nothing needed on the server); the "PNG" button renders the same at 2000 px
    on the server, only when clicked. ``on_select="rerun"`` returns the chart's selection (clicked points).
    """
    from analytics import images

    state = state or st.session_state.get("view")
    if state is None:  # outside the app's router: draw as is
        st.plotly_chart(make(fig) if isinstance(fig, Ask) else fig, key=key,
                        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name}})
        return
    # the chart on screen is stamped with the time its data version was first read, not "now": a stamp
    # that changed every minute would make Streamlit see a new chart and drop the user's selection
    meta = dataclasses.replace(image_meta(state, title), made_at=data(read_at, at=state))
    if place is not None:  # a chart of another area than the sidebar's (the whole country)
        meta = dataclasses.replace(meta, place=place)
    # a chart asked for (``ui.chart``) is built and annotated once per data version, view and text on it,
    # then served from the cache at every rerun; a figure handed over built is annotated here
    drawn = built(drawn_chart, fig, meta, at=state) if isinstance(fig, Ask) else drawn_chart(fig, meta)
    shown = go_figure(drawn["figure"])
    # on a phone the chart's own title would be cut at the screen's edge: the stylesheet hides it there and
    # shows this text, which wraps, in its place (and hides this on wider screens)
    with st.container(key=f"phone_title_{key}"):
        st.markdown(f"**{md(meta.title or drawn['title'])}**  \n{md(images.subtitle_text(meta))}")
    event = st.plotly_chart(shown, key=key, config=images.camera_config(shown, name, state.as_of),
                            on_select=on_select, selection_mode="points")
    if not download:
        return event
    if images.renderer_ready():
        def png() -> bytes:  # built only when clicked (the figure again, from the cached answers)
            return images.chart_png(make(fig, at=state) if isinstance(fig, Ask) else fig,
                                    dataclasses.replace(meta, made_at=None))

        st.download_button(tr("image.download_png"), data=png,
                           file_name=images.file_name(name, state.as_of, "png"), mime="image/png",
                           key=f"{key}_png", on_click="ignore", help=tr("image.download_help"),
                           icon=":material/image:")
    else:
        st.download_button(tr("image.download_png"), data=b"", key=f"{key}_png", disabled=True,
                           help=tr("image.no_renderer"), icon=":material/image:")
    return event


def drawn_chart(fig: Any, meta: images.ImageMeta) -> dict[str, Any]:
    """A chart as the page draws it: annotated (``images.annotate``), as plotly's plain dict (kept in the
    cache and copied out of it far faster than a figure object), with the figure's own title as text."""
    from analytics import images

    return {"figure": images.annotated_spec(fig, meta), "title": images.figure_title(fig)}


def go_figure(spec: dict[str, Any]) -> Any:
    """The figure of a dict ``drawn_chart`` made: plotly validated it when it was built, so not again (that
    cost as much as building it)."""
    import plotly.graph_objects as go

    return go.Figure(spec, _validate=False)


def selected_labels(event: Any) -> list[str]:
    """The category labels (bar charts: the y values) of the points clicked on a chart drawn by ``plot``,
    as the names they show (charts hold names escaped: ``safetext.markup``)."""
    from analytics import safetext

    try:
        points = event.selection.points
    except AttributeError:
        return []
    return [safetext.unmarkup(str(p["y"])) for p in points if isinstance(p, dict) and p.get("y") is not None]


def brief_button(state: Sidebar) -> None:
    """Báo cáo nhanh: one click downloads the day's one-page brief, PNG for phones or A4 PDF."""
    from analytics import brief, images

    def make(fmt: str) -> Any:
        def run() -> bytes:
            gathered = read(brief.gather, state.province, state.as_of, exact=True, measure=state.measure, at=state)
            return brief.render(gathered, fmt, state.lang)
        return run

    ready = images.renderer_ready()
    c1, c2, _ = st.columns([1, 1, 1])
    for col, fmt, label, mime, icon in ((c1, "png", "brief.png", "image/png", ":material/smartphone:"),
                                        (c2, "pdf", "brief.pdf", "application/pdf", ":material/print:")):
        col.download_button(f"{tr('brief.button')} ({tr(label)})", data=make(fmt) if ready else b"",
                            file_name=brief.file_name(state.as_of, fmt), mime=mime, key=f"brief_{fmt}",
                            on_click="ignore", disabled=not ready, icon=icon,
                            help=tr("brief.help") if ready else tr("image.no_renderer"),
                            width="stretch")
    if not ready:
        st.caption(tr("image.no_renderer"))


def report_button(state: Sidebar) -> None:
    """The report to the Chairman (Word), built only when clicked."""
    from analytics import report_docx

    def run() -> bytes:
        from analytics import images

        gathered = read(report_docx.gather, state.province, state.as_of, measure=state.measure, at=state)
        pictures: list[bytes] = []
        if images.renderer_ready():  # charts in the annex when the server can draw them; optional
            try:
                pictures = report_docx.chart_images(gathered, state.lang)
            except HotichError:
                pictures = []
        return report_docx.render(gathered, state.lang, pictures)

    st.download_button(tr("report.button"), data=run, file_name=report_docx.file_name(state.as_of),
                       mime=report_docx.DOCX_MIME, key="report_docx", on_click="ignore", icon=":material/description:",
                       help=tr("report.help"))


# --- charts of answers that hold their parts (a Country, a commune's detail): module functions, so that
# ``ui.chart`` can ask for them and each is built once per data version and view ---


def country_trend(c: Any, lang: str, title: str | None = None) -> Any:
    """The country's burn-up (``charts.burnup`` of a ``national.Country``)."""
    from analytics import charts

    return charts.burnup(c.trend, c.view, c.totals, lang, title)


def country_ranking(c: Any, lang: str, title: str | None = None) -> Any:
    """The provinces with figures ranked (``charts.district_ranking`` of a ``national.Country``)."""
    from analytics import charts, national

    shown = int((c.provinces["status"] != "no_data").sum())
    return charts.district_ranking(national.ranking_frame(c).iloc[:shown], c.view, lang, title)


def country_map_chart(frame: Any, c: Any, lang: str, title: str | None = None) -> Any:
    """Every commune of the country on the map, in the country's view."""
    from analytics import charts

    return charts.commune_map(frame, lang, v=c.view, title=title)


def commune_trend(detail: dict[str, Any], v: Any, lang: str) -> Any:
    """One commune's trend (``charts.commune_trend`` of ``metrics.commune_detail``)."""
    from analytics import charts

    return charts.commune_trend(detail["trend"], v, detail["status"]["commune"], lang)


def figure_meta(fig: Any) -> dict[str, Any]:
    """What a chart says about itself besides its picture (``layout.meta``: the map's missing coordinates)."""
    return dict(fig.layout.meta or {})


def chart_meta(recipe: Ask) -> dict[str, Any]:
    """``figure_meta`` of a chart asked for, cached with it (a page reads a note without building the chart)."""
    return dict(built(figure_meta, recipe))
