"""How far each sheet of a workbook reaches, found before any reader allocates it.

python-calamine builds a dense grid from the first to the last cell that holds
a value, and a Rust allocation that fails aborts the whole process (no
exception to catch): a 5 KB .xlsx with one value at XFD1048576 asks for half a
terabyte. So the bytes are walked first, with bounded memory (a streaming XML
parser for .xlsx/.ods, the records of the BIFF stream for .xls), and the
caller refuses a sheet whose real extent is beyond the limits.

Only cells that hold something count, as for the reader: LibreOffice writes
empty cells repeated to column 1024 and rows repeated to 1 048 576, and Excel
writes formatted empty cells; those are not content. Where the reader would
count more than the cells (a .xls DIMENSIONS record, from which calamine
reserves memory; the container's sector chains; the shared-string count), that
is checked too. Everything here errs on the side of counting more than the
reader would, never less.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat


class Unreadable(Exception):
    """The structure cannot be walked safely (damaged or forged); ``detail`` says which part."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Extent:
    """The real extent of one sheet: 1-based last row and column holding a value (0 when empty)."""

    sheet: str
    rows: int = 0
    cols: int = 0
    content_rows: int = 0  # rows holding a value (repeated rows counted), to tell stray cells from long tables
    row_cell: tuple[int, int] = (0, 0)  # a cell in the last row
    col_cell: tuple[int, int] = (0, 0)  # a cell in the last column
    reserved: int = 0  # cells a reader reserves up front whatever the content (.xls DIMENSIONS)
    reserved_cell: tuple[int, int] = (0, 0)  # the last cell that reservation names
    _last_row: int = 0

    def add(self, row: int, col: int, nrows: int = 1, ncols: int = 1) -> None:
        """Cells ``row``..``row+nrows-1`` × ``col``..``col+ncols-1`` (1-based) hold a value."""
        last_row, last_col = row + nrows - 1, col + ncols - 1
        if last_row > self.rows:
            self.rows, self.row_cell = last_row, (last_row, last_col)
        if last_col > self.cols:
            self.cols, self.col_cell = last_col, (last_row, last_col)
        if row != self._last_row or nrows > 1:
            self.content_rows += nrows
            self._last_row = last_row

    @property
    def area(self) -> int:
        """Cells of the grid the reader builds (from A1, as the table is read with its empty margins)."""
        return max(self.rows * self.cols, self.reserved)


def column_name(col: int) -> str:
    """1 → A, 16384 → XFD."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out or "A"


def cell_name(row: int, col: int) -> str:
    return f"{column_name(col)}{row}"


MAX_SHEETS = 500  # a reader parses every sheet; thousands of sheets pointing at one stream cost sheets × stream
_CHUNK = 1 << 20


def _local(name: str) -> str:
    return name[name.rfind(":") + 1:]


class _Stop(Exception):
    pass


def _feed(stream: IO[bytes], parser: expat.XMLParserType, limit: int | None = None) -> None:
    """Parse a member chunk by chunk: memory stays one chunk whatever the member's size."""
    read = 0
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            parser.Parse(chunk, False)
            read += len(chunk)
            if limit is not None and read >= limit:
                return
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Unreadable(f"XML: {exc}") from None


def _first_element(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, dict[str, str]] | None:
    """A member's root element (local name and attributes), reading no further; None when there is none."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        found.append((_local(name), dict(attrs)))
        raise _Stop

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with zf.open(info) as stream:
            _feed(stream, parser, limit=1)
    except _Stop:
        pass
    return found[0] if found else None


def _root_element(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The local name of a member's root element, or None when it is not XML."""
    try:
        root = _first_element(zf, info)
    except (Unreadable, zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError, expat.ExpatError):
        return None
    return root[0] if root else None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _worksheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str) -> Extent:
    """Cells with a value (<v> or an inline string) of an .xlsx worksheet, rows and cells without ``r`` counted
    on from the previous one, as Excel and the reader do. Written for speed (one call per element of a
    national file's 200 000): the state is in local variables, column letters are looked up once."""
    max_row = max_col = content_rows = last_content_row = 0
    row_cell = col_cell = (0, 0)
    row = col = cell_row = 0
    pending = False
    letters_seen: dict[str, int] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal max_row, max_col, content_rows, last_content_row, row_cell, col_cell, row, col, cell_row, pending
        if ":" in name:
            name = name[name.rfind(":") + 1:]
        if name == "v" or name == "is":
            if pending:
                pending = False
                if cell_row > max_row:
                    max_row, row_cell = cell_row, (cell_row, col)
                if col > max_col:
                    max_col, col_cell = col, (cell_row, col)
                if cell_row != last_content_row:
                    content_rows += 1
                    last_content_row = cell_row
        elif name == "c":
            pending = True
            ref = attrs.get("r")
            if not ref:
                col, cell_row = col + 1, row
                return
            letters = ref.rstrip("0123456789")
            digits = ref[len(letters):]
            if letters:
                number = letters_seen.get(letters)
                if number is None:
                    plain = letters.replace("$", "")
                    if not plain.isascii() or not plain.isalpha() or len(plain) > 12:
                        raise Unreadable(f"cell reference {ref[:20]!r}")
                    number = letters_seen[letters] = _col_number(plain)
                col = number
            else:
                col += 1
            if len(digits) > 12:
                raise Unreadable(f"cell reference {ref[:20]!r}")
            cell_row = int(digits) if digits else row
        elif name == "row":
            ref = attrs.get("r")
            if ref and ref.isdigit() and len(ref) <= 12:
                row = int(ref)
            elif ref:
                raise Unreadable(f"row number {ref[:20]!r}")
            else:
                row += 1
            col = 0
            pending = False

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with zf.open(info) as stream:
        _feed(stream, parser)
    return Extent(sheet, max_row, max_col, content_rows, row_cell, col_cell)


# A quick upper bound of a worksheet's extent, with C-level byte searches instead of one Python call per
# element. It holds only when every cell start tag is written ``<c r="`` (its position given, not counted on
# from the previous cell), as Excel, LibreOffice and openpyxl write them: every ``<c r="`` found also counts
# as a cell tag, so when the cell tags found (any spelling, fakes in comments included) are no more than the
# ``<c r="`` found, every real cell carries its reference there. Otherwise, or when the bound is past the
# limits, the exact walk above decides.
_CELL_START = re.compile(rb"<c[\s>/]")
_PREFIXED_CELL_START = re.compile(rb":c[\s>/]")
_CELL_REF = re.compile(rb'<c r="([A-Za-z]*)([0-9]+)')


def _worksheet_bound(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str) -> Extent | None:
    """An extent no smaller than the real one, or None when it cannot be bounded this way."""
    max_row = max_col = 0
    tail = b""
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(8 * _CHUNK)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
                data, tail = data[:cut], data[cut:]
            refs = _CELL_REF.findall(data)
            starts = len(_CELL_START.findall(data))
            if b":c" in data:
                starts += len(_PREFIXED_CELL_START.findall(data))
            if starts > len(refs):
                return None
            if refs:
                letters = {a for a, _ in refs}
                digits = {b for _, b in refs}
                if max(map(len, letters)) > 4 or max(map(len, digits)) > 8:
                    return None
                max_col = max(max_col, max(_col_number(a.decode()) for a in letters))
                max_row = max(max_row, max(map(int, digits)))
            if not chunk:
                break
            if len(tail) > _CHUNK:  # no tag end in megabytes: not what a worksheet looks like
                return None
    return Extent(sheet, max_row, max_col, max_row, (max_row, max_col), (max_row, max_col))


def _shared_string_count(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The ``uniqueCount`` a shared-string table declares: the reader reserves that many strings up front."""
    root = _first_element(zf, info)
    attrs = root[1] if root else {}
    found = []
    for key in ("uniqueCount", "count"):
        value = attrs.get(key, "")
        found.append(int(value) if value.isdigit() and len(value) <= 19 else (0 if not value else 1 << 62))
    return max(found, default=0)


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods_extents(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[Extent]:
    """Every table of an .ods content.xml. Repeated rows and cells count only when they hold something
    (a value type, a formula, or any content inside the cell), times their repeat count."""
    tables: list[Extent] = []
    ext: Extent | None = None
    depth_in_cell = 0  # elements open inside the current cell (a cell may hold text, notes, even a sub-table)
    row = 0  # rows done in this table
    row_repeat = 1
    row_max_col = 0
    col = 0  # cells done in this row
    cell_repeat = 1
    cell_content = False

    def repeat(attrs: dict[str, str], suffix: str) -> int:
        for key, value in attrs.items():
            if key.endswith(suffix):
                if not value.isdigit() or len(value) > 12:
                    raise Unreadable(f"repeat count {value[:20]!r}")
                return max(1, int(value))
        return 1

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal ext, depth_in_cell, row, row_repeat, row_max_col, col, cell_repeat, cell_content
        if depth_in_cell:
            depth_in_cell += 1
            cell_content = True
            return
        local = _local(name)
        if local == "table-cell" or local == "covered-table-cell":
            depth_in_cell = 1
            cell_repeat = repeat(attrs, "number-columns-repeated")
            cell_content = any(_local(k) in ("value-type", "value", "formula", "date-value", "time-value",
                                             "boolean-value", "string-value") for k in attrs)
        elif local == "table-row":
            row_repeat = repeat(attrs, "number-rows-repeated")
            row_max_col = 0
            col = 0
        elif local == "table":
            ext = Extent(next((v for k, v in attrs.items() if _local(k) == "name"), f"#{len(tables) + 1}"))
            tables.append(ext)
            if len(tables) > MAX_SHEETS:
                raise Unreadable(f"more than {MAX_SHEETS} sheets")
            row = 0

    def end(name: str) -> None:
        nonlocal depth_in_cell, row, row_max_col, col
        if depth_in_cell > 1:
            depth_in_cell -= 1
            return
        local = _local(name)
        if depth_in_cell == 1:
            depth_in_cell = 0
            if cell_content:
                row_max_col = col + cell_repeat
            col += cell_repeat
        elif local == "table-row":
            if row_max_col and ext is not None:
                ext.add(row + 1, row_max_col, nrows=row_repeat)
            row += row_repeat

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with zf.open(info) as stream:
        _feed(stream, parser)
    return tables


def _xlsx_sheet_names(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Member path → sheet name, as far as workbook.xml and its relationships say (for the messages only)."""
    out: dict[str, str] = {}
    for wb in (n for n in names if n.lower().endswith("workbook.xml")):
        folder = wb[: wb.rfind("/") + 1]
        rels_name = f"{folder}_rels/{wb[len(folder):]}.rels"
        if rels_name not in names:
            continue
        sheets: dict[str, str] = {}
        targets: dict[str, str] = {}

        def on_sheet(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), None)
                if rid and len(sheets) <= MAX_SHEETS:
                    sheets[rid] = attrs.get("name", "")

        def on_rel(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and len(targets) <= 10 * MAX_SHEETS:
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else folder + target
                targets[attrs.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", path)

        for member, handler in ((wb, on_sheet), (rels_name, on_rel)):
            parser = expat.ParserCreate()
            parser.StartElementHandler = handler
            try:
                with zf.open(member) as stream:
                    _feed(stream, parser)
            except (Unreadable, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError,
                    RuntimeError):
                pass
        if len(sheets) > MAX_SHEETS:
            raise Unreadable(f"more than {MAX_SHEETS} sheets")
        for rid, sheet in sheets.items():
            if rid in targets:
                out[targets[rid]] = sheet
    return out


def zip_extents(data: bytes, max_strings: int, exact: bool = True) -> list[Extent]:
    """Extents of every worksheet in an .xlsx/.xlsm or table in an .ods, found by what each member holds
    (its root element), not by its path: the reader resolves paths its own way. With ``exact=False`` an
    .xlsx worksheet may be given a quick upper bound instead (enough to accept a file within the limits)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if any(n.lower().endswith("workbook.bin") for n in names):
                raise Unreadable(".xlsb")
            sheet_names = _xlsx_sheet_names(zf, names)
            extents: list[Extent] = []
            for info in infos:
                if info.is_dir() or info.file_size == 0:
                    continue
                root = _root_element(zf, info)
                if root in ("worksheet", "macrosheet", "dialogsheet"):
                    name = sheet_names.get(info.filename) or info.filename.rsplit("/", 1)[-1]
                    bound = None if exact else _worksheet_bound(zf, info, name)
                    extents.append(bound or _worksheet_extent(zf, info, name))
                elif root == "document-content":
                    extents.extend(_ods_extents(zf, info))
                elif root == "sst" and _shared_string_count(zf, info) > max_strings:
                    raise Unreadable("sharedStrings count")
                if len(extents) > MAX_SHEETS:
                    raise Unreadable(f"more than {MAX_SHEETS} sheets")
            return extents
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        raise Unreadable(type(exc).__name__) from None


# --- .xls: the compound file (CFB) and its BIFF records ----------------------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_RESERVED = 0xFFFFFFFA
_DIFSECT = 0xFFFFFFFC
# BIFF records that put a value in a cell (BIFF2-8): NUMBER, LABEL, BOOLERR, FORMULA, RK, LABELSST, RSTRING, and
# the old BIFF2 forms. MULRK is handled apart (a run of columns). BLANK/MULBLANK hold no value.
_CELL_RECORDS = {0x0203, 0x0204, 0x0205, 0x0006, 0x0406, 0x027E, 0x00FD, 0x00D6, 0x0002, 0x0003, 0x0004,
                 0x0005}


class _Cfb:
    """Just enough of MS-CFB to hand back one stream, refusing whatever would make the reader allocate
    beyond the file: sector numbers past its end, chains that loop, header counts larger than the file."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise Unreadable("OLE header")
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise Unreadable("sector size")
        self.data = data
        self.size = 1 << shift
        self.version = struct.unpack_from("<H", data, 26)[0]
        self.count = max(0, (len(data) - self.size + self.size - 1) // self.size)  # sectors after the header
        fat_len, self.dir_start = struct.unpack_from("<II", data, 44)
        self.mini_fat_start, self.mini_fat_len, difat_start = struct.unpack_from("<III", data, 60)
        difat_reserve = struct.unpack_from("<I", data, 62)[0]  # the reader reserves from these bytes
        if fat_len > self.count + 1 or self.mini_fat_len > self.count + 1 or difat_reserve > 1 << 24:
            raise Unreadable("CFB header counts")
        difat = list(struct.unpack_from("<109I", data, 76))
        seen: set[int] = set()
        sector = difat_start
        per = self.size // 4
        while sector < _RESERVED:
            if sector in seen or sector >= self.count:
                raise Unreadable("CFB DIFAT chain")
            seen.add(sector)
            entries = list(struct.unpack_from(f"<{per}I", self._sector(sector)))
            difat.extend(entries[:-1])
            sector = entries[-1]
        self.fat: list[int] = []
        for sector in difat:
            if sector < _DIFSECT:
                if sector >= self.count:
                    raise Unreadable("CFB FAT sector")
                self.fat.extend(struct.unpack_from(f"<{per}I", self._sector(sector)))
        dirs = self._chain(self.dir_start, self.fat, self.size, None, "directory")
        self.dirs = []
        for off in range(0, len(dirs) - 127, 128):
            raw = dirs[off:off + 128]
            name = raw[:64].decode("utf-16-le", errors="ignore").split("\x00", 1)[0]
            start = struct.unpack_from("<I", raw, 116)[0]
            length = struct.unpack_from("<I" if self.size == 512 else "<Q", raw, 120)[0]
            self.dirs.append((name, start, length))
        if not self.dirs:
            raise Unreadable("CFB root")
        self.mini_stream = b""
        self.mini_fat: list[int] = []
        if self.mini_fat_len > 0:
            root = self.dirs[0]
            self.mini_stream = self._chain(root[1], self.fat, self.size, root[2], "mini stream")
            raw = self._chain(self.mini_fat_start, self.fat, self.size, self.mini_fat_len * self.size, "mini FAT")
            self.mini_fat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.size
        return self.data[start:start + self.size].ljust(self.size, b"\x00")

    def _chain(self, sector: int, fat: list[int], size: int, length: int | None, what: str,
               mini: bool = False) -> bytes:
        """A chain of sectors; a loop or a sector outside the file is refused (the reader would follow
        it forever, or size its buffer by the sector number)."""
        out = bytearray()
        seen: set[int] = set()
        limit = (len(self.mini_stream) + 63) // 64 if mini else self.count
        while sector != _ENDOFCHAIN:
            if sector in seen or sector >= limit or sector >= len(fat):
                raise Unreadable(f"CFB {what} chain")
            seen.add(sector)
            if mini:
                out += self.mini_stream[sector * 64:sector * 64 + 64]
            else:
                out += self._sector(sector)
            if length is not None and len(out) >= length:
                break
            sector = fat[sector]
        return bytes(out if length is None else out[:length])

    def stream(self, name: str) -> bytes | None:
        for entry, start, length in self.dirs:
            if entry == name:
                if length > len(self.data):
                    raise Unreadable(f"CFB {name} size")
                if length < 4096:
                    return self._chain(start, self.mini_fat, 64, length, name, mini=True)
                return self._chain(start, self.fat, self.size, length, name)
        return None


def _records(stream: bytes, pos: int):
    """(type, data) of the BIFF records from ``pos``, CONTINUE records included, until the stream ends or
    a record runs past it (where the reader stops with an error)."""
    end = len(stream)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            return
        yield typ, stream[pos + 4:pos + 4 + length]
        pos += 4 + length


def _dimensions_reserve(data: bytes) -> tuple[int, int, int]:
    """Cells the reader reserves for a DIMENSIONS record (u32 arithmetic as it does it, wrapping included),
    and the row and column it names."""
    if len(data) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", data)
    elif len(data) >= 14:
        rf, rl = struct.unpack_from("<II", data)
        cf, cl = struct.unpack_from("<HH", data, 8)
    else:
        return 0, 0, 0
    worst = 0
    for first_col in {cf, 0 if (cf > 0xFF or cl < cf) else cf}:  # older and newer readers
        if rl >= 1 and cl >= 1:
            end_r, end_c = rl - 1, cl - 1
        else:
            end_r, end_c = rf, first_col
        rows = ((end_r - rf) % 2**32 + 1) % 2**32
        cols = ((end_c - first_col) % 2**32 + 1) % 2**32
        worst = max(worst, rows * cols)
    return worst, rl, cl


def xls_extents(data: bytes) -> list[Extent]:
    """Extents of every sheet of a legacy .xls, following the BOUNDSHEET offsets as the reader does."""
    try:
        return _xls_extents(data)
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise Unreadable(f"BIFF: {type(exc).__name__}") from None


def _xls_extents(data: bytes) -> list[Extent]:
    cfb = _Cfb(data)
    stream = cfb.stream("Workbook")
    if stream is None:
        stream = cfb.stream("Book")
    if stream is None:
        return []
    biff8 = True
    sheets: list[tuple[int, str]] = []
    for typ, rec in _records(stream, 0):
        if typ == 0x0809 and len(rec) >= 2:
            biff8 = struct.unpack_from("<H", rec)[0] not in (0x0500, 0x0400, 0x0300, 0x0200, 0x0002, 0x0007)
        elif typ == 0x0085 and len(rec) >= 8:
            pos = struct.unpack_from("<I", rec)[0]
            cch = rec[6]
            if biff8:
                raw = rec[8:8 + 2 * cch] if rec[7] & 1 else rec[8:8 + cch]
                name = raw.decode("utf-16-le" if rec[7] & 1 else "latin-1", errors="replace")
            else:
                name = rec[7:7 + cch].decode("cp1252", errors="replace")
            sheets.append((pos, name.replace("\x00", "")))
            if len(sheets) > MAX_SHEETS:
                raise Unreadable(f"more than {MAX_SHEETS} sheets")
        elif typ == 0x000A:
            break
    cache: dict[int, Extent] = {}
    out: list[Extent] = []
    for pos, name in sheets:
        if pos >= len(stream):
            continue
        if pos not in cache:
            cache[pos] = _biff_sheet(stream, pos, name)
        found = cache[pos]
        out.append(Extent(name, found.rows, found.cols, found.content_rows, found.row_cell, found.col_cell,
                          found.reserved, found.reserved_cell))
    return out


def _biff_sheet(stream: bytes, pos: int, name: str) -> Extent:
    ext = Extent(name)
    depth = 0
    seen_bof = False
    for typ, rec in _records(stream, pos):
        if typ == 0x0809:
            if seen_bof:
                depth += 1  # an embedded chart: its records are counted too (older readers did not skip them)
            seen_bof = True
        elif typ == 0x000A:
            if depth == 0:
                break
            depth -= 1
        elif typ in _CELL_RECORDS and len(rec) >= 4:
            row, col = struct.unpack_from("<HH", rec)
            ext.add(row + 1, col + 1)
        elif typ == 0x00BD and len(rec) >= 6:  # MULRK: a run of columns
            row, first = struct.unpack_from("<HH", rec)
            ext.add(row + 1, first + 1, ncols=max(1, (len(rec) - 6) // 6))
        elif typ == 0x0200:
            reserve, last_row, last_col = _dimensions_reserve(rec)
            if reserve > ext.reserved:
                ext.reserved, ext.reserved_cell = reserve, (max(1, last_row), max(1, last_col))
    return ext
