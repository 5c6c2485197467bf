"""Helpers the tests import (conftest.py holds only fixtures: two conftest modules would clash)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TINY_UNITS = [
    # province_code, province_name, district_code, district_name, commune_code, commune_name, commune_type
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90001", "Xã An Hòa", "xã"),
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90002", "Xã Bình Thuỷ", "xã"),
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90003", "Thị trấn Cẩm Lệ", "thị trấn"),
    ("99", "Tỉnh Thử", "902", "Huyện Hai", "90004", "Phường Tân Thạnh", "phường"),
    ("99", "Tỉnh Thử", "902", "Huyện Hai", "90005", "Xã Tam Kỳ", "xã"),
]
UNIT_HEADER = ["province_code", "province_name", "district_code", "district_name", "commune_code",
               "commune_name", "commune_type"]


def write_units_csv(path: Path, rows=TINY_UNITS, extra_header: list[str] | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(UNIT_HEADER + (extra_header or []))
        w.writerows(rows)
    return path


def csv_bytes(header: list[str], rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@contextmanager
def fast_bcrypt(rounds: str = "4") -> Iterator[None]:
    """Cheap password hashes while building test databases (the real cost factor is for production)."""
    old = os.environ.get("HOTICH_BCRYPT_ROUNDS")
    os.environ["HOTICH_BCRYPT_ROUNDS"] = rounds
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("HOTICH_BCRYPT_ROUNDS", None)
        else:
            os.environ["HOTICH_BCRYPT_ROUNDS"] = old


# --- hostile names in charts (plotly draws a subset of HTML in labels, ticks, hover text, annotations) ----------

# every tag plotly knows, a style, a script, a link, entities already escaped, Vietnamese around them
HOSTILE_MARKUP = [
    '<a href="http://evil.example/x" target="_blank">EVIL link</a>',
    '<span style="font-size:90px;color:red">EVIL</span>',
    "Xã <b>EVIL</b> <i>Hòa</i> & Đông",
    "<sub>EVIL</sub><sup>x</sup><em>y</em><s>z</s><u>w</u>",
    "<br>EVIL<br/>",
    '<script>alert("EVIL")</script>',
    "&lt;a href=x&gt;EVIL&lt;/a&gt;",
]
# the markup our own code writes around text (titles, subtitles, hover templates)
OUR_TAGS = {"br", "b", "/b", "sup", "/sup", "extra", "/extra"}


def figure_strings(fig) -> list[str]:
    """Every string in a figure as plotly.js receives it: trace text, labels, categories, ticktext,
    hover templates and text, annotations, titles, legend names."""
    import json as _json

    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_json.loads(fig.to_json()))
    return out


def markup_problems(fig, marker: str = "EVIL") -> list[str]:
    """Tags in a figure's text that our code did not write, and hover templates holding data."""
    import re

    problems = []
    for s in figure_strings(fig):
        for tag in re.findall(r"<([^<>]*)>", s):  # plotly splits text on <...> and reads each as a tag
            name = re.match(r"\s*(/?[^ />]*)", tag).group(1).lower()
            if name not in OUR_TAGS:
                problems.append(f"<{tag}> in {s[:120]!r}")
        if re.search(r"<[^<>]*>\s*" + marker, s):
            problems.append(f"data inside our tag: {s[:120]!r}")
        if "%{" in s and marker in s:
            problems.append(f"data in a template: {s[:120]!r}")
    return problems


# --- tiny workbooks with far cells (hostile extents), written byte by byte so they stay a few KB ------------

SHEET_TABLE = [["commune_code", "books_total", "books_digitized", "report_date"],
               ["90001", 100, 50, "2025-03-01"]]


def column_letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def sparse_xlsx(far: list[tuple[int, int]], table: list[list] = SHEET_TABLE, dimension: str | None = None) -> bytes:
    """An .xlsx holding ``table`` at A1 and the text "x" at each 1-based (row, col) of ``far``."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(r: int, c: int, v) -> str:
        ref = f"{column_letters(c)}{r}"
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    rows: dict[int, list[str]] = {}
    for r, line in enumerate(table, 1):
        rows[r] = [cell(r, c, v) for c, v in enumerate(line, 1)]
    for r, c in far:
        rows.setdefault(r, []).append(cell(r, c, "x"))
    body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
        '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        f'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
        f'<sheet name="Báo cáo" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
        f'.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        f'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}>{dim}<sheetData>'
        f'{body}</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def sparse_ods(far: list[tuple[int, int]], table: list[list] = SHEET_TABLE, repeat_content: tuple[int, int] | None
               = None, libreoffice_padding: bool = True) -> bytes:
    """An .ods holding ``table`` at A1, "x" at each (row, col) of ``far`` (reached with repeated empty rows
    and cells, as LibreOffice writes them), optionally one value repeated over ``repeat_content`` = (rows,
    cols) under the table, and LibreOffice's usual padding (empty cells to column 1024, rows to 1048576)."""
    import zipfile
    from xml.sax.saxutils import escape

    def value(v) -> str:
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>' \
                   f'</table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    rows: list[str] = []
    row_no = 0

    def pad(width: int) -> str:
        return f'<table:table-cell table:number-columns-repeated="{1024 - width}"/>' \
            if libreoffice_padding and width < 1024 else ""

    for line in table:
        rows.append("<table:table-row>" + "".join(value(v) for v in line) + pad(len(line)) + "</table:table-row>")
        row_no += 1
    if repeat_content:
        n_rows, n_cols = repeat_content
        rows.append(f'<table:table-row table:number-rows-repeated="{n_rows}"><table:table-cell '
                    f'table:number-columns-repeated="{n_cols}" office:value-type="float" office:value="1">'
                    f'<text:p>1</text:p></table:table-cell></table:table-row>')
        row_no += n_rows
    for r, c in sorted(far):
        if r - 1 > row_no:
            rows.append(f'<table:table-row table:number-rows-repeated="{r - 1 - row_no}">'
                        f'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
        lead = f'<table:table-cell table:number-columns-repeated="{c - 1}"/>' if c > 1 else ""
        rows.append(f"<table:table-row>{lead}{value('x')}{pad(c)}</table:table-row>")
        row_no = r
    if libreoffice_padding and row_no < 1048576:
        rows.append(f'<table:table-row table:number-rows-repeated="{1048576 - row_no}">'
                    f'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
               '<office:spreadsheet><table:table table:name="Báo cáo"><table:table-column '
               'table:number-columns-repeated="1024"/>' + "".join(rows) +
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path='
                '"/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr(zipfile.ZipInfo("content.xml"), content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo("META-INF/manifest.xml"), manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _biff(typ: int, data: bytes = b"") -> bytes:
    import struct

    return struct.pack("<HH", typ, len(data)) + data


def sparse_xls(far: list[tuple[int, int]], table: list[list] = SHEET_TABLE,
               dimensions: tuple[int, int, int, int] | None = None) -> bytes:
    """A BIFF8 .xls (one sheet) in a version-3 compound file: ``table`` at A1 and the number 1 at each 1-based
    (row, col) of ``far`` (BIFF8 stores rows and columns as 16-bit numbers: up to 65536 × 65536, far past
    what Excel writes). ``dimensions`` = (first row, last row + 1, first col, last col + 1) overrides the
    DIMENSIONS record, from which the reader reserves memory."""
    import struct

    cells = [(r, c, v) for r, line in enumerate(table) for c, v in enumerate(line)]
    cells += [(r - 1, c - 1, 1) for r, c in far]
    bof = lambda kind: _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    name = "Báo cáo"

    def globals_(pos: int) -> bytes:
        sheet = _biff(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 1) + name.encode("utf-16-le"))
        return bof(0x0005) + _biff(0x0042, struct.pack("<H", 1200)) + sheet + _biff(0x000A)

    if dimensions is None:
        dimensions = (0, max(r for r, _, _ in cells) + 1, 0, max(c for _, c, _ in cells) + 1)
    body = bof(0x0010) + _biff(0x0200, struct.pack("<IIHHH", *dimensions, 0))
    for r, c, v in cells:
        if isinstance(v, str):
            body += _biff(0x0204, struct.pack("<HHHHB", r, c, 0, len(v), 1) + v.encode("utf-16-le"))
        else:
            body += _biff(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
    body += _biff(0x000A)
    stream = globals_(len(globals_(0))) + body
    return compound_file(stream.ljust(4096, b"\x00"))  # 4096 bytes and more: in the main sectors, not the mini


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """A minimal MS-CFB version 3 file (512-byte sectors) holding one stream of at least 4096 bytes."""
    import struct

    size = 512
    n_stream = (len(stream) + size - 1) // size
    stream = stream.ljust(n_stream * size, b"\x00")
    n_fat = 1
    while 1 + n_stream + n_fat > n_fat * 128:
        n_fat += 1
    fat = [0xFFFFFFFF] * (n_fat * 128)
    fat[0] = 0xFFFFFFFE  # sector 0: the directory
    for i in range(n_stream):  # sectors 1..n: the stream
        fat[1 + i] = 2 + i if i < n_stream - 1 else 0xFFFFFFFE
    for i in range(n_fat):
        fat[1 + n_stream + i] = 0xFFFFFFFD

    def entry(entry_name: str, kind: int, start: int, length: int, child: int = 0xFFFFFFFF) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\x00" * 36
                + struct.pack("<IIi", start, length, 0))

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + entry(name, 2, 1, len(stream))).ljust(size, b"\x00")
    difat = [1 + n_stream + i for i in range(n_fat)] + [0xFFFFFFFF] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, n_fat, 0, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", *difat))
    return header + directory + stream + struct.pack(f"<{len(fat)}I", *fat)
