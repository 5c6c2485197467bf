"""From a file's bytes to a table of cells, whatever the format.

Reads CSV (UTF-8 with or without BOM, UTF-16 "Unicode text", Windows-1258,
legacy TCVN3 bytes; comma, semicolon, tab or bar delimited) and Excel
(.xlsx, legacy .xls, also .ods) through python-calamine. The table is found
in the sheet (title lines, one- or two-row headers with merged cells: see
``layout``). Every data row keeps its number as the user sees it in the
spreadsheet (the header is row 1 in a plain CSV), so every message points at
the right row.

Hostile input is bounded before it is parsed: the caller checks the file size
(``HOTICH_MAX_UPLOAD_MB``); an .xlsx (a zip) is refused when its members
would expand beyond ``HOTICH_MAX_XLSX_MB`` or are too many, and no
more than ``HOTICH_MAX_ROWS`` rows and ``HOTICH_MAX_COLS`` columns are read. A workbook's
real extent is measured before the reader opens it (``extent``): the reader
allocates the whole grid up to the farthest value, and a failed allocation
aborts the process, so a sheet reaching beyond those or
a grid larger than ``HOTICH_MAX_CELLS`` is refused first.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from analytics import extent, settings, tcvn3
from analytics.errors import Problem
from analytics.ingest import layout

Cell = Any

# the limits on rows, columns, cells (HOTICH_MAX_CELLS: ~100 bytes each in the reader and in Python, so
# its default bounds one read to a few hundred MB) and uncompressed size come from settings.current()
MAX_ZIP_MEMBERS = 2000


@dataclass
class RawTable:
    """Header cells and data rows of the table found in a file."""

    header: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]
    header_row: int = 1
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    title_lines: list[str] = field(default_factory=list)
    header_rows: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # canonical -> position
    extras: dict[str, int] = field(default_factory=dict)  # stt / percent / note -> position
    sheets: list[str] = field(default_factory=list)  # every sheet of a workbook
    data_sheets: list[str] = field(default_factory=list)  # the sheets that hold a table
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # file-level warnings (key, params)
    kind: str = "csv"


class ReadError(Exception):
    """The bytes are not a table we can read; carries the problem to show."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.problem_key)
        self.problem = problem


def _problem(file: str, key: str, fix: str, **params: Any) -> Problem:
    return Problem(file=file, row=None, column=None, value=None, problem_key=key, fix_key=fix, params=params)


_NOT_TABLES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"BM", b"II*\x00", b"MM\x00*", b"\x1f\x8b",
               b"Rar!", b"7z\xbc\xaf", b"MZ", b"\x7fELF", b"RIFF", b"ID3", b"\x00\x00\x01\x00")


def file_kind(name: str, data: bytes) -> str:
    """xlsx, xls, csv or "binary": by the bytes first (a renamed file is read as what it is), then the name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data.startswith(_NOT_TABLES) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    suffix = PurePath(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    return "csv"


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV: UTF-8 (±BOM), UTF-16 (±BOM), else TCVN3 or Windows-1258 by their bytes. NFC."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    elif (guess := _utf16_without_bom(data)) is not None:
        text, enc = data.decode(guess, errors="replace"), guess
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if tcvn3.bytes_look_tcvn3(data):
                text, enc = tcvn3.decode_bytes(data), "tcvn3"
            else:
                text, enc = data.decode("cp1258", errors="replace"), "cp1258"
    return unicodedata.normalize("NFC", text), enc


def looks_binary(text: str) -> bool:
    """Decoded bytes that are no text (control characters, replacement marks): no table to look for."""
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r") or ch == "\ufffd")
    return bad / len(sample) > 0.02


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one width (> 1)."""
    lines = [ln for ln in text.splitlines()[:40] if ln.strip()]
    best, best_score = ",", -1
    for delim in ("\t", ";", ",", "|"):
        widths: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=delim):
                n = len([c for c in row])
                widths[n] = widths.get(n, 0) + 1
        except csv.Error:
            continue
        common = [(count, width) for width, count in widths.items() if width > 1]
        if not common:
            continue
        count, width = max(common)
        score = count * 1000 + width
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(name: str, data: bytes) -> RawTable:
    lim = settings.current()
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    if looks_binary(text):
        raise ReadError(_problem(name, "read.not_table", "fix.send_table"))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[list[Cell]] = []
    try:
        for row in reader:
            if len(lines) >= lim.max_rows:
                raise ReadError(_problem(name, "read.too_many_rows", "fix.split_file", limit=lim.max_rows))
            lines.append([c.strip() if c.strip() else None for c in row[:lim.max_cols]])
    except csv.Error as exc:
        raise ReadError(_problem(name, "read.bad_csv", "fix.send_table", detail=str(exc)[:80])) from exc
    notes: list[tuple[str, dict[str, Any]]] = []
    if encoding == "tcvn3":
        notes.append(("read.tcvn3_converted", {}))
    else:
        converted = _fix_tcvn3(lines)
        if converted:
            notes.append(("read.tcvn3_converted", {}))
    table = _table_from_lines(name, lines, encoding=encoding, delimiter=delimiter)
    table.notes.extend(notes)
    return table


def _fix_tcvn3(lines: list[list[Cell]]) -> bool:
    """Convert text typed in TCVN3 fonts (read as Latin-1 look-alikes); True when some was."""
    texts = [c for line in lines for c in line if isinstance(c, str) and not c.isascii()]
    if not texts:
        return False
    flagged = [tcvn3.looks_tcvn3(c) for c in texts]
    if not any(flagged):
        return False
    whole_file = all(not tcvn3._OUTSIDE_LATIN1.search(c) for c in texts)
    for line in lines:
        for i, c in enumerate(line):
            if isinstance(c, str) and not c.isascii() and (whole_file or tcvn3.looks_tcvn3(c)):
                line[i] = tcvn3.to_unicode(c)
    return True


def _table_from_lines(name: str, lines: list[list[Cell]], found: layout.Layout | None = None,
                      **extra: Any) -> RawTable:
    """Find the header (title lines above are kept); empty lines are skipped but keep their numbers."""
    found = found or layout.find_layout(lines)
    if found is None:
        # no recognizable header: the first non-empty line, so the missing columns can be named
        first = next((i for i, line in enumerate(lines) if any(not layout.is_blank(c) for c in line)), None)
        if first is None:
            raise ReadError(_problem(name, "read.empty", "fix.send_table"))
        header = ["" if c is None else str(c).strip() for c in lines[first]]
        mapped, extras = layout.map_columns(header)
        found = layout.Layout(first, 1, header, mapped, extras, [])
    width = len(found.header)
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for i in range(found.data_start, len(lines)):
        line = lines[i]
        if all(layout.is_blank(c) for c in line):
            continue
        if len(line) < width:
            line = list(line) + [None] * (width - len(line))
        rows.append(line)
        numbers.append(i + 1)
    return RawTable(header=found.header, rows=rows, row_numbers=numbers, header_row=found.header_index + 1,
                    title_lines=found.title_lines, header_rows=found.header_rows, columns=found.columns,
                    extras=found.extras, **extra)


def _check_zip(name: str, data: bytes) -> None:
    """Refuse a zip that would expand too far (a decompression bomb) before any parser opens it."""
    lim = settings.current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=type(exc).__name__)) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ReadError(_problem(name, "read.bomb", "fix.send_table",
                                 limit_mb=lim.max_xlsx_bytes // (1024 * 1024)))
    total = sum(max(0, i.file_size) for i in infos)
    if total > lim.max_xlsx_bytes:
        raise ReadError(_problem(name, "read.bomb", "fix.send_table",
                                 limit_mb=lim.max_xlsx_bytes // (1024 * 1024)))


def _check_extents(name: str, data: bytes, kind: str) -> None:
    """Refuse a workbook whose sheets reach too far before the reader allocates their grids. An .xlsx is
    first given a quick upper bound (enough for nearly every file); past the limits, the exact walk decides
    and names the cell."""
    lim = settings.current()
    try:
        if kind == "xls":
            _judge_extents(name, extent.xls_extents(data))
            return
        try:
            _judge_extents(name, extent.zip_extents(data, max_strings=lim.max_cells, exact=False))
        except ReadError:
            _judge_extents(name, extent.zip_extents(data, max_strings=lim.max_cells, exact=True))
    except extent.Unreadable as exc:
        if exc.detail == ".xlsb":
            raise ReadError(_problem(name, "read.bad_excel", "fix.save_xlsx", detail=".xlsb")) from None
        raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=exc.detail[:80])) from None
    except ReadError:
        raise
    except Exception as exc:  # a structure the walk did not foresee: refused, since its extent is unknown
        raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=type(exc).__name__)) from None


def _judge_extents(name: str, extents: list[extent.Extent]) -> None:
    lim = settings.current()
    total = 0
    for ext in extents:
        if ext.rows > lim.max_rows or ext.cols > lim.max_cols:
            if ext.content_rows > lim.max_rows:
                raise ReadError(_problem(name, "read.too_many_rows", "fix.split_file", limit=lim.max_rows))
            far = ext.row_cell if ext.rows > lim.max_rows else ext.col_cell
            raise ReadError(_problem(name, "read.far_cell", "fix.stray_cells", sheet=ext.sheet,
                                     cell=extent.cell_name(*far), max_rows=lim.max_rows, max_cols=lim.max_cols))
        total += ext.area
        if total > lim.max_cells:
            corner = ext.reserved_cell if ext.reserved > ext.rows * ext.cols else (ext.rows, ext.cols)
            raise ReadError(_problem(name, "read.sheet_area", "fix.stray_cells", sheet=ext.sheet,
                                     cell=extent.cell_name(*corner), rows=corner[0], cols=corner[1],
                                     limit=lim.max_cells))


def _excel_cell(cell: Cell) -> Cell:
    if cell == "" or cell is None:
        return None
    if isinstance(cell, str):
        return unicodedata.normalize("NFC", cell.strip()) or None
    if isinstance(cell, time):  # a duration or time of day: not a figure we read
        return cell.isoformat()
    return cell


def _fill_merged(grid: list[list[Cell]], ranges: list[Any] | None) -> None:
    """Give every cell of a merged range its top-left value (a district merged down its communes, a header across)."""
    for rng in ranges or []:
        try:
            (r0, c0), (r1, c1) = rng
        except (TypeError, ValueError):
            continue
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else None
        if value is None:
            continue
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] is None:
                    row[c] = value


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MAX_SPANS = 100_000


def is_ods(data: bytes) -> bool:
    """An OpenDocument spreadsheet (LibreOffice's own format): a zip whose first member says so."""
    return data[:4] == b"PK\x03\x04" and _ODS_MIME in data[:200]


def ods_merged_ranges(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged ranges of every sheet of an .ods, as calamine gives them for .xlsx ((r0, c0), (r1, c1)).

    calamine gives none for .ods, so a district written once in a cell merged down over its communes would
    be lost. content.xml is read streaming (``iterparse``, each row cleared once read): LibreOffice writes
    "1,048,000 empty rows" and "16,000 empty cells" as one element with a repeat count, so positions are
    counted, never expanded, and nothing past the row and column limits is kept. Unreadable XML gives
    what was found before it (calamine has already read the cells, so this never refuses a file).
    """
    lim = settings.current()
    import xml.etree.ElementTree as ET

    out: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    t = _ODS_TABLE
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
            depth = 0  # tables inside cells (rare) are not sheets
            sheet: list[tuple[tuple[int, int], tuple[int, int]]] = []
            row = col = 0
            row_repeat = 1
            count = 0
            for event, elem in ET.iterparse(fh, events=("start", "end")):
                tag = elem.tag
                if tag == t + "table":
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            sheet, row = out.setdefault(elem.get(t + "name") or "", []), 0
                    else:
                        depth -= 1
                        elem.clear()
                    continue
                if depth != 1:
                    continue
                if tag == t + "table-row":
                    if event == "start":
                        col, row_repeat = 0, _repeat(elem.get(t + "number-rows-repeated"))
                    else:
                        row += row_repeat
                        elem.clear()
                elif tag in (t + "table-cell", t + "covered-table-cell") and event == "start":
                    span_r = _repeat(elem.get(t + "number-rows-spanned"))
                    span_c = _repeat(elem.get(t + "number-columns-spanned"))
                    if (span_r > 1 or span_c > 1) and row < lim.max_rows and col < lim.max_cols \
                            and count < _ODS_MAX_SPANS:
                        sheet.append(((row, col), (min(row + span_r, lim.max_rows) - 1,
                                                   min(col + span_c, lim.max_cols) - 1)))
                        count += 1
                    col += _repeat(elem.get(t + "number-columns-repeated"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError, OSError, EOFError, NotImplementedError):
        pass
    return out


_ODS_LAST: list[tuple[str, dict]] = []


def _ods_merges_cached(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """content.xml parsed once per workbook, not once per sheet."""
    import hashlib

    digest = hashlib.sha1(data).hexdigest()
    if not _ODS_LAST or _ODS_LAST[0][0] != digest:
        _ODS_LAST[:] = [(digest, ods_merged_ranges(data))]
    return _ODS_LAST[0][1]


def _repeat(value: str | None) -> int:
    """A repeat or span count of ODF, bounded (a file may claim billions)."""
    try:
        return min(max(int(value), 1), 1 << 31) if value else 1
    except ValueError:
        return 1


def read_excel(name: str, data: bytes, sheet: str | None = None, kind: str = "xlsx") -> RawTable:
    """A workbook (.xlsx, .xls, .ods): the sheet asked for, else the first that holds a table."""
    lim = settings.current()
    from python_calamine import CalamineWorkbook

    if kind == "xlsx":
        _check_zip(name, data)
    _check_extents(name, data, kind)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in wb.sheets_metadata if str(getattr(m, "typ", "")).endswith("WorkSheet")] \
            or list(wb.sheet_names)
    except BaseException as exc:  # CalamineError, ZipError, XmlError, and a Rust panic (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=type(exc).__name__)) from None
    if sheet is not None and sheet not in names:
        raise ReadError(_problem(name, "read.no_sheet", "fix.pick_sheet", sheet=sheet, sheets=", ".join(names)))
    chosen = [sheet] if sheet else names
    found: list[RawTable] = []
    fallback: RawTable | None = None
    notes: list[tuple[str, dict[str, Any]]] = []
    for sheet_name in chosen:
        try:
            ws = wb.get_sheet_by_name(sheet_name)
            if ws.height > lim.max_rows:
                raise ReadError(_problem(name, "read.too_many_rows", "fix.split_file", limit=lim.max_rows))
            raw = ws.to_python(skip_empty_area=False, nrows=lim.max_rows)
            merged = ws.merged_cell_ranges if kind != "csv" else None
            if not merged and is_ods(data):
                merged = _ods_merges_cached(data).get(sheet_name)
        except ReadError:
            raise
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=type(exc).__name__)) from None
        grid = [[_excel_cell(c) for c in row[:lim.max_cols]] for row in raw]
        if not any(any(c is not None for c in row) for row in grid):
            continue
        _fill_merged(grid, merged)
        if _fix_tcvn3(grid) and ("read.tcvn3_converted", {}) not in notes:
            notes.append(("read.tcvn3_converted", {}))
        where = layout.find_layout(grid)
        if where is None:
            if fallback is None:
                fallback = _table_from_lines(name, grid, sheet=sheet_name)
            continue
        found.append(_table_from_lines(name, grid, where, sheet=sheet_name))
    if not found and fallback is None:
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    table = found[0] if found else fallback
    assert table is not None
    table.kind = kind
    table.sheets = names
    table.data_sheets = [t.sheet for t in found if t.sheet]
    table.notes.extend(notes)
    if len(found) > 1:
        table.notes.append(("read.several_sheets", {"sheet": table.sheet, "sheets": ", ".join(table.data_sheets)}))
    return table


def read_xlsx(name: str, data: bytes, sheet: str | None = None) -> RawTable:
    return read_excel(name, data, sheet, "xlsx")


def read_table(name: str, data: bytes, sheet: str | None = None) -> RawTable:
    """Read the table a file holds; raise ReadError with a user-facing problem when it cannot."""
    if not data or not data.strip():
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    kind = file_kind(name, data)
    if kind == "binary":
        raise ReadError(_problem(name, "read.not_table", "fix.send_table"))
    if kind in ("xlsx", "xls"):
        return read_excel(name, data, sheet, kind)
    table = read_csv(name, data)
    table.kind = "csv"
    return table


def cell_text(cell: Cell) -> str:
    """A cell as the user would read it, for messages."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y") if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()[:200]
