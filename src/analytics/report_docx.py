"""The report to the Chairman after the period, as an editable Word document in the form of Nghị định
30/2020/NĐ-CP (Phụ lục I): A4, Times New Roman, the header block (issuing body, number, national motto, place
and date), "BÁO CÁO" and its subject, "Kính gửi", the three usual sections, "Nơi nhận", and an annex in a
landscape section with the table per commune and the weekly roll-up. Page numbers top centre, none on page 1.

The figures are those of ``metrics.summary`` at the start and the end of the period and of ``closing``; the
parts only the author can write (causes, proposals) are placeholders in brackets. ``gather`` reads the
database (keep the session short); ``render`` only builds the document.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from analytics import closing, metrics, safetext, store
from analytics.i18n import fmt_date, fmt_int, fmt_num, fmt_pct, t

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_PT = 14
# Nghị định 30/2020: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


@dataclass
class ReportData:
    """Everything the report shows, read in one short session."""

    view: metrics.View
    province_name: str
    start_day: date             # the figures "before the period": as of this day
    start: dict[str, Any]       # metrics.summary at start_day
    end: dict[str, Any]         # metrics.summary at D
    communes_start: pd.DataFrame
    communes_end: pd.DataFrame
    unfinished: pd.DataFrame    # closing.unfinished on D
    commitments: pd.DataFrame   # closing.commitments on D
    weekly: pd.DataFrame        # closing.weekly
    signed_on: date
    two_level: bool
    demo: bool
    trend: pd.DataFrame         # metrics.trend up to D (the burn-up chart of the annex)


def gather(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
           signed_on: date | None = None, measure: str | None = None) -> ReportData:
    """Read the figures of the report. The start of the period is the eve of the campaign start (the figures
    before the period began), or the start day itself when nothing was reported before it."""
    v = metrics.view(con, province, as_of, measure=measure)
    pin = v.as_of  # every day read in the structure of D's view: the same province and unit list
    eve = v.start - timedelta(days=1)
    start = metrics.summary(con, v.province, eve, structure=pin, measure=v.measure)
    if start["units_reporting"] == 0:
        eve = v.start
        start = metrics.summary(con, v.province, eve, structure=pin, measure=v.measure)
    end = metrics.summary(con, v.province, v.as_of, structure=pin, measure=v.measure)
    communes_end = metrics.commune_status(con, v)
    communes_start = metrics.commune_status(con, metrics.view(con, v.province, eve, structure=pin, measure=v.measure))
    return ReportData(
        view=v, province_name=end["province_name"], start_day=eve, start=start, end=end,
        communes_start=communes_start, communes_end=communes_end, unfinished=closing.unfinished(con, v),
        commitments=closing.commitments(con, v), weekly=closing.weekly(con, v),
        signed_on=signed_on or min(v.as_of + timedelta(days=1), date.today()),
        two_level=not communes_end["district_code"].notna().any(), demo=store.is_demo(con),
        trend=metrics.trend(con, v))


def chart_images(data: ReportData, lang: str = "vi") -> list[bytes]:
    """The burn-up chart and (with districts) the district ranking as PNG for the annex. Needs the image
    renderer (``images.renderer_ready()``; raises ``images.RendererMissing`` otherwise): the report is
    complete without them."""
    from analytics import charts, images

    v = data.view
    meta = images.ImageMeta(as_of=v.as_of, place=images.place_text(data.province_name), demo=data.demo, lang=lang)
    figures = [charts.burnup(data.trend, v, data.end, lang)]
    if not data.two_level and data.end["districts"]:
        figures.append(charts.district_ranking(metrics.districts_frame(data.end), v, lang))
    return [images.chart_png(f, meta) for f in figures]


# --- the province's name in the document -----------------------------------------------------------------

_TYPES = [("thành phố", "city"), ("tp.", "city"), ("tp ", "city"), ("tỉnh", "province")]


def province_parts(name: str) -> tuple[str, str]:
    """("tỉnh" or "thành phố", the place name): "Tỉnh Quảng Nam" → ("tỉnh", "Quảng Nam"),
    "Thành phố Đà Nẵng" → ("thành phố", "Đà Nẵng"); a name without a type word is a province."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    low = text.lower()
    for word, kind in _TYPES:
        if low.startswith(word):
            place = text[len(word):].strip(" .")
            return ("thành phố" if kind == "city" else "tỉnh"), place
    return "tỉnh", text


def parent_body(name: str, lang: str = "vi") -> str:
    """The parent body of the header block: "UBND TỈNH QUẢNG NAM", "UBND THÀNH PHỐ ĐÀ NẴNG"."""
    kind, place = province_parts(name)
    return t("report.parent_body", lang, unit=f"{kind} {place}".upper(), place=place.upper(),
             kind=t("report.kind_" + ("city" if kind == "thành phố" else "province"), lang).upper())


def place_date(name: str, day: date, lang: str = "vi") -> str:
    """"Quảng Nam, ngày 13 tháng 3 năm 2025" (Nghị định 30: a zero before days under 10 and months 1–2)."""
    _, place = province_parts(name)
    if lang != "vi":
        return f"{place}, {day.strftime('%d %B %Y')}"
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {dd} tháng {mm} năm {day.year}"


def file_name(as_of: date) -> str:
    return f"bao-cao-so-hoa-ho-tich-{as_of.isoformat()}.docx"


# --- building blocks ---------------------------------------------------------------------------------------

def _nbsp(text: str) -> str:
    """Text as the document holds it: no control characters (a .docx is XML, which cannot hold most of them,
    and one in an explanation would break the whole report), and "45,3 %" never breaks before the % sign."""
    return safetext.clean(text).replace(" %", "\u00a0%")


def _fonts(element: Any) -> None:
    """Times New Roman for every script (Word picks the East Asian / complex-script font otherwise)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _run(p: Any, text: str, *, size: float | None = None, bold: bool = False, italic: bool = False,
         underline: bool = False, color: RGBColor | None = None) -> Any:
    r = p.add_run(_nbsp(text))
    r.bold, r.italic, r.underline = bold or None, italic or None, underline or None
    if size:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color
    return r


def _para(container: Any, text: str = "", *, size: float | None = None, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, after: float = 6, before: float = 0,
          underline: bool = False, keep: bool = False) -> Any:
    p = container.add_paragraph()
    f = p.paragraph_format
    f.alignment = align
    f.first_line_indent = Cm(1.27) if indent else Cm(0)
    f.space_after = Pt(after)
    f.space_before = Pt(before)
    if keep:
        f.keep_with_next = True
    if text:
        _run(p, text, size=size, bold=bold, italic=italic, underline=underline)
    return p


def _center(container: Any, text: str, **kw: Any) -> Any:
    kw.setdefault("after", 0)
    return _para(container, text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, **kw)


def _short_rule(cell: Any, width_cm: float) -> None:
    """The short line under the issuing body (a bottom border on an empty, narrow paragraph)."""
    p = cell.add_paragraph()
    f = p.paragraph_format
    f.alignment = WD_ALIGN_PARAGRAPH.CENTER
    f.space_after = Pt(0)
    cell_cm = cell.width.cm if cell.width else 7.0
    side = max((cell_cm - width_cm) / 2, 0)
    f.left_indent = Cm(side)
    f.right_indent = Cm(side)
    _bottom_border(p)


def _bottom_border(p: Any) -> None:
    """A thin line under an empty paragraph: the short rules of the header block."""
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), val)
    bdr.append(bottom)
    ppr.append(bdr)
    p.add_run().font.size = Pt(2)


def _page_field(p: Any) -> None:
    """A PAGE field (Word and LibreOffice fill in the number)."""
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        r = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        r._r.append(el)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table: Any, widths_cm: list[float]) -> None:
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _table_style(doc: Any, size: float) -> Any:
    """A paragraph style for table cells of one font size (no indent, no space after): one style instead of
    formatting thousands of cells one by one."""
    from docx.enum.style import WD_STYLE_TYPE

    name = f"Table Text {size:g}"
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        f = style.paragraph_format
        f.space_after, f.space_before, f.first_line_indent, f.line_spacing = Pt(0), Pt(0), Cm(0), 1.0
        return style


def _cell(cell: Any, text: str, style: Any, *, bold: bool = False, align: Any = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]
    p._p.style = style.style_id  # by id: ``p.style = style`` searches the style list for every cell
    if align != WD_ALIGN_PARAGRAPH.LEFT:
        p.alignment = align
    r = p.add_run(_nbsp(text))
    if bold:
        r.bold = True


def _grid(doc: Any, header: list[str], rows: list[tuple[list[str], bool]], widths_cm: list[float],
          size: float = 11, numeric_from: int = 2, centred: tuple[int, ...] = ()) -> Any:
    """A bordered table with a repeated, shaded header; ``rows`` are (cells, bold). Columns from
    ``numeric_from`` on are right-aligned (numbers), those in ``centred`` centred."""
    style = _table_style(doc, size)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(w) for w in widths_cm]
    for i, w in enumerate(widths):
        table.columns[i].width = w
    for i, h in enumerate(header):
        c = table.rows[0].cells[i]
        c.width = widths[i]
        _cell(c, h, style, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(c, "E7EEF5")
    _repeat_header(table.rows[0])
    aligns = [WD_ALIGN_PARAGRAPH.CENTER if i == 0 or i in centred else WD_ALIGN_PARAGRAPH.RIGHT if i >= numeric_from
              else WD_ALIGN_PARAGRAPH.LEFT for i in range(len(header))]
    for values, bold in rows:
        cells = table.add_row().cells  # add_row gives each cell its column's width
        for i, text in enumerate(values):
            _cell(cells[i], text, style, bold=bold, align=aligns[i])
    return table


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _pct(x: Any, lang: str) -> str:
    return fmt_pct(None if x is None or pd.isna(x) else float(x), lang)


def _points(x: Any, lang: str) -> str:
    return "–" if x is None or pd.isna(x) else fmt_num(float(x), lang, 1)


# --- the document ------------------------------------------------------------------------------------------

def render(data: ReportData, lang: str = "vi", charts: list[bytes] | None = None) -> bytes:
    """The report as .docx bytes (editable in Word or LibreOffice); ``charts`` (PNG, from ``chart_images``)
    go at the end of the annex."""
    doc = Document()
    _setup(doc)
    kind, _ = province_parts(data.province_name)
    k = "city" if kind == "thành phố" else "province"
    whole = t("report.whole_" + k, lang)
    _header_block(doc, data, lang)
    if data.demo:
        p = _center(doc, t("report.demo", lang), size=12, bold=True, before=8, after=0)
        p.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _center(doc, t("report.title", lang), size=14, bold=True, before=12)
    v = data.view
    _center(doc, t("report.subject", lang, campaign=v.campaign_name, start=fmt_date(v.start), end=fmt_date(v.as_of)),
            size=14, bold=True, after=0)
    _short_rule_doc(doc)
    _center(doc, t("report.to_" + k, lang), size=14, after=12)
    _para(doc, t("report.opening", lang, campaign=v.campaign_name, kind=t("report.kind_" + k, lang)))
    _section_results(doc, data, lang, whole, k)
    _section_issues(doc, data, lang)
    _section_proposals(doc, data, lang, k)
    _signature(doc, lang)
    _annex(doc, data, lang)
    for i, png in enumerate(charts or []):
        if i == 0:
            doc.add_page_break()
            _center(doc, t("report.annex_charts", lang), size=13, bold=True, after=6, keep=True)
        doc.add_picture(io.BytesIO(png), width=Cm(21))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _setup(doc: Any) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Table Grid",):
        _fonts(doc.styles[name].element)
    # page numbers top centre, none on page 1
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(hp)
    for r in hp.runs:
        r.font.size = Pt(13)
    doc.core_properties.author = "Sở Tư pháp"
    doc.core_properties.language = "vi-VN"


def _header_block(doc: Any, data: ReportData, lang: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [6.5, 10.0])
    left, right = table.rows[0].cells
    left.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].paragraph_format.space_after = Pt(0)
    _run(left.paragraphs[0], parent_body(data.province_name, lang), size=12)
    _center(left, t("report.issuer", lang), size=13, bold=True)
    _short_rule(left, 2.0)
    _center(left, t("report.number", lang), size=13, before=6)
    right.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    _run(right.paragraphs[0], t("report.motto", lang), size=12, bold=True)
    _center(right, t("report.motto_sub", lang), size=13.5, bold=True, underline=True)
    _center(right, place_date(data.province_name, data.signed_on, lang), size=14, italic=True, before=10)


def _short_rule_doc(doc: Any) -> None:
    p = doc.add_paragraph()
    f = p.paragraph_format
    f.alignment = WD_ALIGN_PARAGRAPH.CENTER
    f.space_after = Pt(8)
    f.left_indent = Cm(6.5)
    f.right_indent = Cm(6.5)
    _bottom_border(p)


def _heading(doc: Any, text: str) -> None:
    _para(doc, text, bold=True, before=6, keep=True)


def _section_results(doc: Any, data: ReportData, lang: str, whole: str, k: str) -> None:
    m = data.view.measure  # the figures' measure: "sổ" or "trường hợp" in the text
    s0, s1, v = data.start, data.end, data.view
    _heading(doc, t("report.sec1", lang))
    _para(doc, t("report.sec1_1", lang, whole=whole), bold=True, keep=True)
    _para(doc, t("report.start_figures", lang, measure=m, date=fmt_date(data.start_day), whole=whole,
                 done=fmt_int(s0["books_digitized"], lang), total=fmt_int(s0["books_total"], lang),
                 pct=_pct(s0["completion_pct"], lang), completed=s0["units_completed"], units=s0["units_total"]))
    gain = s1["books_digitized"] - s0["books_digitized"]
    points = (None if s0["completion_pct"] is None or s1["completion_pct"] is None
              else s1["completion_pct"] - s0["completion_pct"])
    _para(doc, t("report.end_figures", lang, measure=m, date=fmt_date(v.as_of), whole=whole,
                 done=fmt_int(s1["books_digitized"], lang), total=fmt_int(s1["books_total"], lang),
                 pct=_pct(s1["completion_pct"], lang), gain=fmt_int(gain, lang), points=_points(points, lang),
                 completed=s1["units_completed"], units=s1["units_total"]))
    if not data.two_level and s1["districts"]:
        done_d = sum(1 for d in s1["districts"] if (d["completion_pct"] or 0) >= 100.0)
        _para(doc, t("report.districts_completed", lang, completed=done_d, units=len(s1["districts"])))
    days = max((v.as_of - data.start_day).days, 1)
    pace = t("report.pace", lang, measure=m, avg=fmt_int(gain / days, lang), days=days,
             recent=fmt_int(s1["recent_per_day"], lang))
    if v.as_of <= v.deadline:
        proj = s1["projected_finish"]
        pace += " " + t("report.pace_before_deadline", lang, measure=m, remaining=fmt_int(s1["remaining"], lang),
                        required=fmt_int(s1["required_per_day"], lang), deadline=fmt_date(v.deadline),
                        projected=fmt_date(proj) if proj else t("report.no_projection", lang))
    else:
        pace += " " + t("report.pace_after_deadline", lang, measure=m, deadline=fmt_date(v.deadline),
                        remaining=fmt_int(s1["remaining"], lang))
    _para(doc, pace)
    if data.two_level:
        _para(doc, t("report.sec1_2_two_level", lang), bold=True, keep=True)
        _para(doc, t("report.see_annex", lang))
        return
    _para(doc, t("report.sec1_2", lang), bold=True, keep=True)
    start_by = {d["district_code"]: d for d in s0["districts"]}
    rows = []
    for i, d in enumerate(s1["districts"], start=1):
        d0 = start_by.get(d["district_code"], {})
        pts = (None if d0.get("completion_pct") is None or d["completion_pct"] is None
               else d["completion_pct"] - d0["completion_pct"])
        rows.append(([str(i), d["district"], f"{d['units_completed']}/{d['units_total']}",
                      fmt_int(d["books_total"], lang), _pct(d0.get("completion_pct"), lang),
                      _pct(d["completion_pct"], lang), _points(pts, lang)], False))
    rows.append((["", t("report.total_" + k, lang),
                  f"{s1['units_completed']}/{s1['units_total']}", fmt_int(s1["books_total"], lang),
                  _pct(s0["completion_pct"], lang), _pct(s1["completion_pct"], lang), _points(points, lang)], True))
    header = [t("report.col_no", lang), t("report.col_district", lang), t("report.col_communes_done", lang),
              t("report.col_books", lang, measure=m), t("report.col_start_pct", lang, date=data.start_day.strftime("%d/%m")),
              t("report.col_end_pct", lang, date=v.as_of.strftime("%d/%m")), t("report.col_points", lang)]
    _grid(doc, header, rows, [1.2, 4.6, 2.0, 2.2, 2.0, 2.0, 2.0], size=11)
    _para(doc, t("report.see_annex", lang), before=6)


def _unit_label(r: dict[str, Any], lang: str, two_level: bool) -> str:
    if two_level or not isinstance(r.get("district"), str) or not r.get("district"):
        return str(r["commune"])
    return t("report.unit_in_district", lang, commune=r["commune"], district=r["district"])


def _section_issues(doc: Any, data: ReportData, lang: str) -> None:
    v = data.view
    un = data.unfinished
    _heading(doc, t("report.sec2", lang))
    _para(doc, t("report.sec2_1", lang), bold=True, keep=True)
    if un.empty:
        _para(doc, t("report.all_completed", lang, date=fmt_date(v.as_of)))
    else:
        def item(r: dict[str, Any]) -> str:
            if r["last_report"] is None or pd.isna(r["last_report"]):
                return t("report.item_never", lang, commune=r["commune"])
            return t("report.item_pct", lang, commune=r["commune"], pct=_pct(r["completion_pct"], lang))

        if data.two_level:
            _para(doc, t("report.unfinished_two_level", lang, date=fmt_date(v.as_of), count=len(un)))
            _para(doc, "; ".join(item(r) for r in un.to_dict("records")) + ".")
        else:
            groups = list(un.groupby(["district_code", "district"], sort=False, dropna=False))
            _para(doc, t("report.unfinished", lang, date=fmt_date(v.as_of), count=len(un), districts=len(groups)))
            for (_, name), part in groups:
                label = name if isinstance(name, str) and name else "–"
                _para(doc, t("report.unfinished_district", lang, district=label, count=len(part),
                             items="; ".join(item(r) for r in part.to_dict("records"))))
    _para(doc, t("report.sec2_2", lang), bold=True, keep=True)
    explained = un[un["explanation_reason"].notna()] if len(un) else un
    if un.empty:
        _para(doc, t("report.no_unfinished_explanations", lang))
    else:
        for r in explained.to_dict("records"):
            parts = [t("report.expl_reason", lang, unit=_unit_label(r, lang, data.two_level),
                       reason=str(r["explanation_reason"]).strip().rstrip("."))]
            if r.get("explanation_new_completion_date") is not None:
                parts.append(t("report.expl_commit", lang, date=fmt_date(r["explanation_new_completion_date"])))
            parts.append(t("report.expl_person", lang, person=r["explanation_responsible"] or
                           t("report.expl_no_person", lang)))
            _para(doc, "- " + "; ".join(parts) + ".")
        silent = un[un["explanation_reason"].isna()]
        if len(silent) == len(un):
            _para(doc, t("report.none_explained", lang))
        elif len(silent):  # named in 1. above: a count is enough here
            _para(doc, t("report.not_explained", lang, count=len(silent)))
    _para(doc, t("report.sec2_3", lang), bold=True, keep=True)
    missed = data.commitments[data.commitments["status"] == "missed"] if len(data.commitments) else data.commitments
    if missed.empty:
        _para(doc, t("report.no_missed", lang))
    else:
        for r in missed.to_dict("records"):
            _para(doc, "- " + t("report.missed_item", lang, unit=_unit_label(r, lang, data.two_level),
                                committed=fmt_date(r["committed_on"]), date=fmt_date(v.as_of),
                                pct=_pct(r["completion_pct"], lang),
                                person=r["responsible"] or t("report.expl_no_person", lang)))
    _para(doc, t("report.sec2_4", lang), bold=True, keep=True)
    _para(doc, t("report.causes_placeholder", lang))


def _section_proposals(doc: Any, data: ReportData, lang: str, k: str) -> None:
    _heading(doc, t("report.sec3", lang))
    _para(doc, t("report.proposals_placeholder", lang))
    _para(doc, t("report.closing_" + k, lang))


def _signature(doc: Any, lang: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.0])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _run(p, t("report.recipients", lang), size=12, bold=True, italic=True)
    for line in t("report.recipients_list", lang).split("\n"):
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _run(q, line, size=11)
    p = right.paragraphs[0]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _run(p, t("report.signer_title", lang), size=14, bold=True)
    _center(right, t("report.signer_note", lang), size=13, italic=True)
    for _ in range(3):
        _center(right, "", size=14)
    _center(right, t("report.signer_name", lang), size=14, bold=True)


def _annex(doc: Any, data: ReportData, lang: str) -> None:
    m = data.view.measure  # the figures' measure: "sổ" or "trường hợp" in the text
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(25), Mm(15)
    sec.different_first_page_header_footer = False  # the annex's first page is numbered
    v = data.view
    _center(doc, t("report.annex", lang), size=14, bold=True)
    _center(doc, t("report.annex_title", lang, start=fmt_date(v.start), end=fmt_date(v.as_of)), size=13, bold=True)
    _center(doc, t("report.annex_ref", lang, date=fmt_date(data.signed_on)), size=13, italic=True, after=10)
    start_by = data.communes_start.set_index("commune_code")
    header = [t("report.col_no", lang), t("report.col_unit", lang), t("report.col_books", lang, measure=m),
              t("report.col_start_done", lang, date=data.start_day.strftime("%d/%m")),
              t("report.col_start_pct", lang, date=data.start_day.strftime("%d/%m")),
              t("report.col_end_done", lang, date=v.as_of.strftime("%d/%m")),
              t("report.col_end_pct", lang, date=v.as_of.strftime("%d/%m")), t("report.col_gain", lang, measure=m),
              t("report.col_last_report", lang), t("report.col_status", lang)]
    rows: list[tuple[list[str], bool]] = []
    end = data.communes_end

    def commune_row(no: int, r: dict[str, Any]) -> list[str]:
        code = r["commune_code"]
        s0: Any = start_by.loc[code] if code in start_by.index else None
        d0 = None if s0 is None or pd.isna(s0["last_report"]) else int(s0["books_digitized"])
        reported = r["last_report"] is not None and not pd.isna(r["last_report"])
        d1 = int(r["books_digitized"]) if reported else None
        state = ("report.state_never" if not reported else
                 "report.state_done" if (r["completion_pct"] or 0) >= 100.0 else "report.state_open")
        return [str(no), str(r["commune"]), fmt_int(r["books_total"], lang) if reported else "–",
                fmt_int(d0, lang) if d0 is not None else "–",
                _pct(s0["completion_pct"], lang) if d0 is not None else "–",
                fmt_int(d1, lang) if d1 is not None else "–", _pct(r["completion_pct"], lang),
                fmt_int(d1 - (d0 or 0), lang) if d1 is not None else "–",
                fmt_date(r["last_report"]) if reported else "–", t(state, lang)]

    def total_row(label: str, s0: dict[str, Any], s1: dict[str, Any]) -> list[str]:
        gain = (s1.get("books_digitized") or 0) - (s0.get("books_digitized") or 0)
        return ["", label, fmt_int(s1.get("books_total"), lang), fmt_int(s0.get("books_digitized"), lang),
                _pct(s0.get("completion_pct"), lang), fmt_int(s1.get("books_digitized"), lang),
                _pct(s1.get("completion_pct"), lang), fmt_int(gain, lang), "",
                t("report.state_units", lang, done=s1.get("units_completed", 0), total=s1.get("units_total", 0))]

    if data.two_level:
        for i, r in enumerate(end.to_dict("records"), start=1):
            rows.append((commune_row(i, r), False))
    else:
        start_d = {d["district_code"]: d for d in data.start["districts"]}
        end_d = {d["district_code"]: d for d in data.end["districts"]}
        no = 0
        groups = end.groupby("district_code", sort=False, dropna=False)
        for gi, (code, part) in enumerate(groups, start=1):
            name = part["district"].iloc[0]
            label = f"{_roman(gi)}. {name if isinstance(name, str) and name else '–'}"
            total = total_row(label, start_d.get(code, {}), end_d.get(code, {}))
            total[0] = ""
            rows.append((total, True))
            for r in part.to_dict("records"):
                no += 1
                rows.append((commune_row(no, r), False))
    kind, _ = province_parts(data.province_name)
    rows.append((total_row(t("report.total_" + ("city" if kind == "thành phố" else "province"), lang),
                           data.start, data.end), True))
    _grid(doc, header, rows, [1.2, 5.2, 2.0, 2.3, 2.0, 2.3, 2.0, 2.0, 2.3, 3.4], size=10.5, centred=(8, 9))
    _weekly_annex(doc, data, lang)


def _weekly_annex(doc: Any, data: ReportData, lang: str) -> None:
    m = data.view.measure  # the figures' measure: "sổ" or "trường hợp" in the text
    wk = data.weekly
    if wk.empty:
        return
    doc.add_page_break()  # the roll-up on a page of its own: a table split across pages reads badly
    _center(doc, t("report.annex_weekly", lang), size=13, bold=True, after=6, keep=True)
    weeks = wk[["week", "from", "to"]].drop_duplicates().sort_values("week").to_records(index=False)
    header = [t("report.col_no", lang), t("report.col_unit", lang), t("report.col_period_start", lang)]
    for n, a, b in weeks:
        label = closing.week_label(int(n), pd.Timestamp(a).date(), pd.Timestamp(b).date(), lang)
        header += [t("report.col_week_end", lang, week=label), t("report.col_week_gain", lang)]
    units = wk[["level", "code", "name"]].drop_duplicates()
    units = pd.concat([units[units["level"] != "province"], units[units["level"] == "province"]])
    rows = []
    for i, u in enumerate(units.to_dict("records"), start=1):
        part = wk[(wk["level"] == u["level"]) & (wk["code"] == u["code"])].sort_values("week")
        first = part.iloc[0]
        cells = ["" if u["level"] == "province" else str(i), str(u["name"]), _pct(first["start_pct"], lang)]
        for r in part.to_dict("records"):
            cells += [_pct(r["end_pct"], lang), t("report.week_gain_cell", lang, measure=m, books=fmt_int(r["progress_books"], lang),
                                                   points=_points(r["progress_points"], lang))]
        rows.append((cells, u["level"] == "province"))
    n = len(weeks)
    rest = (25.7 - 1.1 - 5.0 - 2.0) / max(n, 1)
    widths = [1.1, 5.0, 2.0] + [rest * 0.5, rest * 0.5] * n
    _grid(doc, header, rows, widths, size=10)
    _para(doc, t("report.weekly_note", lang, measure=m), size=11, italic=True, indent=False, before=4)
