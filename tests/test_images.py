"""Chart images: what ``images.annotate`` puts on a figure, the camera-button config, the renderer."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import images, safetext
from analytics.errors import HotichError
from support import HOSTILE_MARKUP, markup_problems

MADE = datetime(2025, 3, 5, 17, 30)


def simple_figure(title: str = "Tiến độ<br><sup>phụ đề cũ</sup>") -> go.Figure:
    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name="Thực tế"), go.Scatter(x=[1, 2], y=[2, 3], name="Kế hoạch")])
    fig.update_layout(title={"text": title}, height=400)
    return fig


def texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def heading(fig: go.Figure) -> list[str]:
    """The title and the subtitle ``annotate`` puts on a figure (its layout title)."""
    return [fig.layout.title.text, fig.layout.title.subtitle.text]


def footer_of(fig: go.Figure) -> str:
    """The footer: the annotation at the bottom right, its lines joined."""
    found = [a.text for a in fig.layout.annotations if a.x == 1 and a.yanchor == "bottom" and a.xanchor == "right"]
    assert len(found) == 1
    return found[0].replace("<br>", " ")


@pytest.mark.parametrize("lang, as_of_text, made_text, mark", [
    ("vi", "Số liệu đến 05/03/2025", "Lập lúc 05/03/2025 17:30", "DỮ LIỆU MẪU"),
    ("en", "Data as of 05/03/2025", "Made 05/03/2025 17:30", "DEMO DATA"),
])
def test_annotate_puts_title_place_date_footer_and_demo_mark(lang, as_of_text, made_text, mark):
    meta = images.ImageMeta(as_of=date(2025, 3, 5), place="Huyện Duy Xuyên, Tỉnh Quảng Nam", demo=True,
                            made_at=MADE, lang=lang)
    out = images.annotate(simple_figure(), meta)
    shown = heading(out)
    assert shown[0] == "<b>Tiến độ</b>"  # the figure's own title, without its old subtitle
    assert shown[1] == f"Huyện Duy Xuyên, Tỉnh Quảng Nam · {as_of_text}"
    assert mark in texts(out)  # across the chart
    footer = footer_of(out)
    assert footer.endswith(made_text) and mark in footer  # the source says demo too
    # the title pinned to the canvas's top left, not to the plot area (which moves with the axis's names)
    assert out.layout.title.xref == "container" and out.layout.title.x == 0 and out.layout.title.y == 1
    # the legend pinned above the footer, with a row for each of its 2 entries (a phone stacks them)
    assert out.layout.height == 400 + images.TOP + images.FOOTER + images.LEGEND_ROW
    assert out.layout.legend.yref == "container" and out.layout.legend.yanchor == "bottom"
    assert out.layout.legend.y * out.layout.height > images.FOOTER
    assert out.layout.margin.b >= images.FOOTER + 2 * images.LEGEND_ROW
    assert out.layout.showlegend is not False


def test_annotate_real_data_has_no_mark_and_keeps_the_original():
    fig = simple_figure()
    meta = images.ImageMeta(title="Tiêu đề riêng", as_of=date(2025, 3, 1), place="Tỉnh Quảng Nam", made_at=MADE)
    out = images.annotate(fig, meta)
    assert heading(out)[0] == "<b>Tiêu đề riêng</b>"
    assert "DỮ LIỆU MẪU" not in " ".join(texts(out) + heading(out))
    assert footer_of(out).startswith("Nguồn: báo cáo tiến độ")
    assert fig.layout.title.text == "Tiến độ<br><sup>phụ đề cũ</sup>"  # the input is not changed
    assert len(fig.layout.annotations) == 0


def test_names_from_files_are_shown_as_text():
    meta = images.ImageMeta(title="<b>x</b> & y", place="Xã <i>A</i>", made_at=MADE)
    out = images.annotate(simple_figure(), meta)
    assert heading(out)[0] == "<b>&lt;b&gt;x&lt;/b&gt; &amp; y</b>"
    assert heading(out)[1] == "Xã &lt;i&gt;A&lt;/i&gt;"


def test_camera_button_config_is_presentation_size():
    out = images.annotate(simple_figure(), images.ImageMeta(as_of=date(2025, 3, 5), made_at=MADE))
    cfg = images.camera_config(out, "tien-do-toan-tinh", date(2025, 3, 5))
    opts = cfg["toImageButtonOptions"]
    assert opts["filename"] == "tien-do-toan-tinh-2025-03-05"
    assert opts["format"] == "png"
    assert opts["width"] * opts["scale"] >= 1600
    assert opts["height"] == out.layout.height
    assert cfg["displaylogo"] is False


@pytest.mark.parametrize("province, district, expected", [
    ("Tỉnh Quảng Nam", None, "Tỉnh Quảng Nam"),
    ("Tỉnh Quảng Nam", "Huyện Duy Xuyên", "Huyện Duy Xuyên, Tỉnh Quảng Nam"),
    (None, None, ""),
])
def test_place_text(province, district, expected):
    assert images.place_text(province, district) == expected


def test_missing_browser_is_a_user_facing_error(monkeypatch, tmp_path):
    images.close_renderer()
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    assert images.find_browser() is None
    assert images.renderer_ready() is False
    with pytest.raises(images.RendererMissing) as info:
        images.render(simple_figure(), "png", 400, 300, 1)
    assert isinstance(info.value, HotichError)
    assert "chromium" in info.value.render("vi") and "camera" in info.value.render("en")


@pytest.mark.skipif(not images.renderer_ready(), reason="no chromium to render with")
def test_chart_png_is_2000_px_wide_and_drawn():
    from PIL import Image

    meta = images.ImageMeta(as_of=date(2025, 3, 5), place="Tỉnh Quảng Nam", demo=True, made_at=MADE)
    png = images.chart_png(simple_figure(), meta)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (2 * images.EXPORT_WIDTH, 2 * (400 + images.TOP + images.FOOTER + images.LEGEND_ROW))
    dark = sum(img.convert("L").histogram()[:100])
    assert dark > 2000  # text and lines were drawn, not a blank page


@pytest.mark.parametrize("evil", HOSTILE_MARKUP)
def test_annotated_charts_hold_no_markup_from_names(evil):
    """What the app draws (and the camera button saves): a chart whose title came from a name, a page title
    and a place holding names; each shown once, escaped once."""
    from analytics import charts
    from analytics.metrics import View

    v = View("99", date(2025, 3, 5), date(2025, 3, 1), date(2025, 3, 11), "Đợt")
    trend = pd.DataFrame({"day": [date(2025, 3, 5)], "planned_pct": [50.0], "completion_pct": [40.0]})
    for title in (None, f"Tiến độ {evil}"):  # the figure's own title (a commune's name), or the page's
        meta = images.ImageMeta(title=title, as_of=v.as_of, place=images.place_text("Tỉnh Thử", evil),
                                made_at=MADE)
        out = images.annotate(charts.commune_trend(trend, v, evil, "vi"), meta)
        assert markup_problems(out) == []
        shown = heading(out)  # annotate's title and place
        assert shown[0] == f"<b>{safetext.markup(title or evil)}</b>"  # not escaped twice
        assert shown[1].startswith(f"{safetext.markup(evil)}, Tỉnh Thử · ")
