"""Báo cáo nhanh: what the one-page brief holds, its page sizes, and the ``brief`` command."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import plotly.graph_objects as go
import pytest

from analytics import brief, images, metrics
from analytics.i18n import fmt_pct
from support import HOSTILE_MARKUP, markup_problems

MADE = datetime(2025, 3, 5, 17, 30)
needs_browser = pytest.mark.skipif(not images.renderer_ready(), reason="no chromium to render with")


def annotation_texts(fig: go.Figure) -> str:
    return "\n".join(a.text for a in fig.layout.annotations)


def table(fig: go.Figure) -> go.Table:
    return next(tr for tr in fig.data if tr.type == "table")


def test_gather_takes_the_ten_worst_communes(demo_con):
    data = brief.gather(demo_con, None, "2025-03-01")
    under = metrics.underperformers(demo_con, None, "2025-03-01")
    assert data.view.as_of == date(2025, 3, 1)
    assert list(data.worst["commune_code"]) == list(under["commune_code"][:10])
    assert data.behind_total == len(under) > 10
    assert data.demo is True
    assert len(data.districts) == 17  # Quảng Nam's districts on 1 Jan 2025, all ranked


@pytest.mark.parametrize("kind, width, height", [("png", 720, brief.PHONE.height), ("pdf", 794, 1123)])
def test_page_holds_headline_charts_ranking_and_worst(demo_con, kind, width, height):
    data = brief.gather(demo_con, None, "2025-03-05")
    fig = brief.figure(data, "vi", kind, MADE)
    assert (fig.layout.width, fig.layout.height) == (width, height)
    text = annotation_texts(fig)
    s = data.summary
    assert "BÁO CÁO NHANH TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH" in text
    assert "Tỉnh Quảng Nam · Số liệu đến 05/03/2025" in text
    assert "Còn 7 ngày đến hạn chót 12/03/2025" in text                  # countdown
    assert fmt_pct(s["completion_pct"], "vi") in text                   # headline figures
    assert "Tốc độ 7 ngày qua" in text and "Cần đạt mỗi ngày" in text    # pace
    assert "DỮ LIỆU MẪU" in text and "Lập lúc 05/03/2025 17:30" in text
    names = {tr.name for tr in fig.data}
    assert {"Thực tế", "Kế hoạch"} <= names                              # the burn-up chart
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert sum(len(b.y) for b in bars) == 17 and all(b.xaxis == "x2" for b in bars)  # every district ranked
    cells = table(fig).cells.values
    assert list(cells[1]) == list(data.worst["commune"])                 # the ten worst, in order
    assert len(cells[0]) == 10


def test_english_brief(demo_con):
    fig = brief.figure(brief.gather(demo_con), "en", "png", MADE)
    text = annotation_texts(fig)
    assert "DAILY BRIEF" in text and "Data as of 05/03/2025" in text and "7 days to the deadline" in text
    assert "DEMO DATA" in text and "Made 05/03/2025 17:30" in text


def test_no_commune_behind(tiny_con):
    """A province without any report: the page still builds and says so."""
    data = brief.gather(tiny_con, None, "2025-03-01")
    fig = brief.figure(data, "vi", "pdf", MADE)
    assert data.demo is False and "DỮ LIỆU MẪU" not in annotation_texts(fig)


def test_cli_refuses_other_formats(run_cli, tmp_path):
    code, out, err = run_cli("brief", "--out", str(tmp_path / "brief.jpg"))
    assert code == 1 and "phải có đuôi .png hoặc .pdf" in err
    assert not (tmp_path / "brief.jpg").exists()


@needs_browser
def test_cli_writes_phone_png(demo_con, run_cli, tmp_path):
    from PIL import Image

    out = tmp_path / "brief.png"
    code, stdout, err = run_cli("brief", "--as-of", "2025-03-01", "--out", str(out), "--json")
    assert code == 0, err
    result = json.loads(stdout)
    assert result["as_of"] == "2025-03-01" and result["bytes"] == out.stat().st_size
    img = Image.open(io.BytesIO(out.read_bytes()))
    assert img.size == (1080, int(brief.PHONE.height * 1.5))  # portrait, phone width
    assert img.size[1] > img.size[0]


@needs_browser
def test_cli_writes_one_a4_page_pdf(demo_con, run_cli, tmp_path):
    out = tmp_path / "brief.pdf"
    code, stdout, err = run_cli("brief", "--out", str(out), "--lang", "en")
    assert code == 0, err
    assert "Brief written" in stdout
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1  # one page
    w, h = (float(x) for x in boxes[0])
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2  # A4 in points


@pytest.mark.parametrize("evil", HOSTILE_MARKUP)
def test_brief_shows_hostile_names_as_text(demo_con, evil):
    import dataclasses

    from analytics import safetext

    data = brief.gather(demo_con, None, "2025-03-05")
    data.summary = {**data.summary, "province_name": evil}
    data.view = dataclasses.replace(data.view, campaign_name=evil)
    data.districts = data.districts.assign(district=[evil + str(i) for i in range(len(data.districts))])
    data.worst = data.worst.assign(commune=evil, district=evil)
    data.district_name = evil
    for kind in ("png", "pdf"):
        fig = brief.figure(data, "vi", kind, MADE)
        assert markup_problems(fig) == [], kind
        assert list(table(fig).cells.values[1]) == [safetext.markup(evil)] * len(data.worst)
        assert f"{safetext.markup(evil)}, {safetext.markup(evil)} · " in annotation_texts(fig)
