"""Chart images that stand on their own, and the renderer that turns figures into PNG/PDF bytes.

A chart shared in a chat group or pasted into a report loses the page around it,
so ``annotate`` puts on the figure itself what the page showed: the title, the
province (and district), the as-of date, the legend, a footer with the data
source and the time the image was made, and "DỮ LIỆU MẪU" across it when the
data is demo. The app draws the same annotated figure, so the plotly toolbar's
camera button (``camera_config``) downloads the same picture with nothing on
the server.

Rendering (``render``) uses kaleido, which drives a headless Chromium (Debian's
``chromium`` package; ``scripts/setup.sh`` installs it). One browser is started
on first use and kept for the life of the process (about 4 s to start, then
under 1 s per image); calls are serialized. The fonts shipped in ``fonts/``
(Noto Sans, SIL OFL) are handed to the browser through fontconfig, so
Vietnamese diacritics render the same on any machine. Without a browser,
``render`` raises ``RendererMissing`` (a user-facing error): the app explains
it and the camera button still works.

No Streamlit here.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import tempfile
import textwrap
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from analytics import safetext, settings
from analytics.errors import HotichError
from analytics.i18n import fmt_date, t

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
EXPORT_WIDTH = 1000   # layout width in CSS px ...
EXPORT_SCALE = 2      # ... times 2: a 2000 px wide PNG (presentation quality, text stays readable)
DEFAULT_HEIGHT = 480
TOP = 96              # room for the title and the place/as-of line
FOOTER = 60           # room for the footer under the legend (three short lines)
LEGEND_ROW = 22       # one row of the legend (a phone puts each entry on a row of its own)
WATERMARK_COLOR = "rgba(213, 94, 0, 0.16)"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class RendererMissing(HotichError):
    """No browser to render images with (the camera button in the app still works)."""


class RenderFailed(HotichError):
    """The browser was there but the image could not be made."""


@dataclass(frozen=True)
class ImageMeta:
    """What an image must say about itself."""

    title: str | None = None          # None: the figure's own title
    as_of: date | None = None
    place: str = ""                   # "Tỉnh Quảng Nam" or "Huyện Duy Xuyên, Tỉnh Quảng Nam"
    demo: bool = False
    made_at: datetime | None = None   # None: now
    lang: str = "vi"
    source: str | None = None         # None: the default source text


def place_text(province_name: str | None, district_name: str | None = None) -> str:
    parts = [p for p in (district_name, province_name) if p]
    return ", ".join(parts)


def figure_title(fig: go.Figure) -> str:
    """The figure's title as plain text: without its subtitle line, markup or entities (names in it were
    escaped by ``charts``; ``annotate`` escapes the title again)."""
    text = fig.layout.title.text or ""
    text = text.split("<br>")[0]
    return safetext.unmarkup(re.sub(r"<[^>]+>", "", text)).strip()


def footer_text(meta: ImageMeta) -> str:
    made = meta.made_at or datetime.now()
    source = meta.source or t("image.source_demo" if meta.demo else "image.source", meta.lang)
    return t("image.footer", meta.lang, source=source, made=made.strftime("%d/%m/%Y %H:%M"))


def subtitle_text(meta: ImageMeta) -> str:
    parts = []
    if meta.place:
        parts.append(meta.place)
    if meta.as_of:
        parts.append(t("chart.as_of", meta.lang, date=fmt_date(meta.as_of)))
    return " · ".join(parts)


def annotate(fig: go.Figure, meta: ImageMeta, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` that stands on its own: title, place and date, legend, footer, demo watermark.

    The title and its subtitle are the layout title, pinned to the canvas's top left (not to the plot
    area, whose left edge moves with the longest name on the axis: on a phone a title starting there was
    cut off); the page's stylesheet can hide them on a phone, where the page writes them above the chart
    in text that wraps. The legend is pinned to the bottom of the canvas, above the footer, with room for
    one row per entry (a phone wraps it into that many rows), so it never runs into the footer.
    """
    return go.Figure(annotated_spec(fig, meta, height), _validate=False)  # validated when it was built


def annotated_spec(fig: go.Figure, meta: ImageMeta, height: int | None = None) -> dict[str, Any]:
    """``annotate``'s figure as plotly's plain dict (what the page sends to the browser and keeps in its
    cache). Built on the dict, not through plotly's objects: every property set on those is looked up and
    checked again, which cost more than the chart itself at every new day."""
    spec = fig.to_dict()  # a copy
    layout = spec.setdefault("layout", {})
    traces = spec.get("data") or []
    title = meta.title or figure_title(fig) or ""
    h = int(height or layout.get("height") or DEFAULT_HEIGHT)
    margin = layout.get("margin") or {}
    left = margin["l"] if margin.get("l") is not None else 10
    right = margin["r"] if margin.get("r") is not None else 10
    if not layout.get("showlegend") and len(traces) > 1:
        layout["showlegend"] = True
    # traces in the legend (a treemap or a map has no showlegend of its own)
    entries = 0 if layout.get("showlegend") is False else sum(
        1 for tr in traces if tr.get("showlegend") is not False and tr.get("name"))
    rows = max(entries, 1)
    total = h + TOP + FOOTER + LEGEND_ROW * (rows - 1)
    bottom = max(margin["b"] if margin.get("b") is not None else 10, 10) + FOOTER + 48 + LEGEND_ROW * rows
    sub = subtitle_text(meta)
    _merge(layout, {
        "height": total,
        "font": {"family": FONT},
        "margin": {"t": TOP, "b": bottom, "l": left, "r": right},
        "title": {"text": f"<b>{_escape(title)}</b>", "x": 0, "xref": "container", "xanchor": "left",
                  "y": 1, "yref": "container", "yanchor": "top", "pad": {"l": 10, "t": 12},
                  "font": {"size": 20, "color": "#1A1A1A", "family": FONT}, "automargin": False,
                  "subtitle": {"text": _escape(sub), "font": {"size": 14, "color": "#333333", "family": FONT}}},
        "legend": {"orientation": "h", "xref": "container", "x": 0.01, "xanchor": "left",
                   "yref": "container", "y": (FOOTER + 8) / total, "yanchor": "bottom"},
    })
    # the footer: bottom right, in short lines
    source, _, made = footer_text(meta).rpartition(" · ")
    lines = textwrap.wrap(source, 52) + [made]  # a phone's width holds 52 characters at 11 px
    notes = layout.setdefault("annotations", [])
    notes.append({"text": "<br>".join(_escape(x) for x in lines), "xref": "paper", "yref": "paper",
                  "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom", "yshift": -(bottom - 6),
                  "showarrow": False, "align": "right", "font": {"size": 11, "color": "#555555", "family": FONT}})
    if meta.demo:
        notes.append({"text": t("image.demo_mark", meta.lang), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                      "showarrow": False, "textangle": -18,
                      "font": {"size": 72, "color": WATERMARK_COLOR, "family": FONT}})
    return spec


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    """``new`` written over ``into`` as plotly's ``update_layout`` does: nested properties merged, not replaced."""
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _escape(text: str) -> str:
    """Names come from files: show them as text, not as plotly markup."""
    return safetext.markup(text)


def file_name(stem: str, as_of: date | None, ext: str = "png") -> str:
    day = f"-{as_of.isoformat()}" if as_of else ""
    return f"{stem}{day}.{ext}"


def camera_config(fig: go.Figure, stem: str, as_of: date | None = None) -> dict[str, Any]:
    """The plotly config for the toolbar's camera button: file name, size and scale of the PNG."""
    height = int(fig.layout.height or DEFAULT_HEIGHT + TOP + FOOTER)
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_name(stem, as_of, "png")[:-4],
                                 "width": EXPORT_WIDTH, "height": height, "scale": EXPORT_SCALE},
    }


def chart_png(fig: go.Figure, meta: ImageMeta, annotated: bool = False) -> bytes:
    """The PNG of a chart at presentation quality (2000 px wide): annotated unless it already is."""
    fig2 = fig if annotated else annotate(fig, meta)
    height = int(fig2.layout.height or DEFAULT_HEIGHT + TOP + FOOTER)
    return render(fig2, "png", EXPORT_WIDTH, height, EXPORT_SCALE)


# --- the renderer -------------------------------------------------------------


def find_browser() -> str | None:
    """The browser kaleido will drive: $BROWSER_PATH, else chromium/chrome on the PATH."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def renderer_ready() -> bool:
    """Whether PNG/PDF files can be made here (cheap: looks for the browser, starts nothing)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return find_browser() is not None


def _fontconfig_file(tmp: Path) -> Path:
    """A fontconfig file adding the shipped fonts to the system's."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONT_DIR}</dir>\n  <cachedir>{tmp / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


class _Renderer:
    """One kaleido (headless Chromium) kept on its own event-loop thread; calls are serialized."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    def _start(self) -> None:
        browser = find_browser()
        try:
            import kaleido
        except ImportError as exc:
            raise RendererMissing("image.no_renderer") from exc
        if browser is None:
            raise RendererMissing("image.no_renderer")
        self._tmp = tempfile.TemporaryDirectory(prefix="hotich-render-")
        conf = _fontconfig_file(Path(self._tmp.name))
        loop = asyncio.new_event_loop()
        timeout = settings.current().render_timeout
        threading.Thread(target=loop.run_forever, name="hotich-renderer", daemon=True).start()

        async def open_() -> Any:
            k = kaleido.Kaleido(n=1, timeout=timeout, mathjax=False, path=browser)
            await k.open()
            return k

        old = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)  # read by the browser when it starts
        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_(), loop).result(timeout)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise RenderFailed("image.render_failed", detail=type(exc).__name__) from exc
        finally:
            if old is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = old
        self._loop = loop

    def render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
            assert self._loop is not None
            opts = {"format": fmt, "width": width, "height": height, "scale": scale}
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
            try:
                return future.result(settings.current().render_timeout + 5)
            except Exception as exc:
                self._close_locked()  # start afresh next time
                raise RenderFailed("image.render_failed", detail=type(exc).__name__) from exc

    def _close_locked(self) -> None:
        k, loop = self._kaleido, self._loop
        self._kaleido, self._loop = None, None
        if k is not None and loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
            except Exception:  # noqa: BLE001 the browser may already be gone
                pass
            loop.call_soon_threadsafe(loop.stop)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()


_RENDERER = _Renderer()
atexit.register(_RENDERER.close)


def render(fig: go.Figure, fmt: str = "png", width: int = EXPORT_WIDTH, height: int = DEFAULT_HEIGHT,
           scale: float = EXPORT_SCALE) -> bytes:
    """PNG or PDF bytes of a figure (``width``×``height`` CSS px; PNG pixels are times ``scale``)."""
    if fmt not in ("png", "pdf"):
        raise ValueError(fmt)
    return _RENDERER.render(fig, fmt, width, height, scale)


def close_renderer() -> None:
    """Stop the browser (tests; it is also stopped at exit)."""
    _RENDERER.close()


def with_meta(meta: ImageMeta, **changes: Any) -> ImageMeta:
    return replace(meta, **changes)


__all__ = ["ImageMeta", "annotate", "camera_config", "chart_png", "render", "renderer_ready", "find_browser",
           "file_name", "place_text", "RendererMissing", "RenderFailed", "close_renderer"]
