"""Workbooks built to exhaust the reader: a few KB with one value far out (XFD1048576), repeated content, forged
containers. Each is refused with a message before the reader allocates anything, or loads within bounds.

The reads run in a child process whose address space is capped (RLIMIT_AS, 1 GB): a regression makes the child
fail, never the machine, and the peak memory and time of each read are measured there, not trusted."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import analytics
from analytics import extent, ingest, readers, store
from analytics.errors import IngestRejected
from analytics.i18n import t
from support import SHEET_TABLE, sparse_ods, sparse_xls, sparse_xlsx

LIMIT_MB = 1024
LIBREOFFICE = Path(__file__).parent / "data" / "libreoffice"
CORPUS = Path(__file__).parent / "data" / "corpus"
SRC = str(Path(analytics.__file__).resolve().parent.parent)

CHILD = r"""
import json, resource, sys, time
limit = int(sys.argv[2]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[3])
from analytics import readers
data = open(sys.argv[1], "rb").read()
start = time.monotonic()
try:
    table = readers.read_table(sys.argv[1].rsplit("/", 1)[-1], data)
    out = {"outcome": "loaded", "rows": len(table.rows)}
except readers.ReadError as exc:
    p = exc.problem
    out = {"outcome": "refused", "key": p.problem_key, "fix": p.fix_key, "params": p.params,
           "text": p.as_dict("vi")["problem"] + " / " + p.as_dict("en")["problem"]}
out["seconds"] = time.monotonic() - start
# VmHWM is this program's own peak (ru_maxrss would carry the forking test process's size across exec)
with open("/proc/self/status") as fh:
    out["peak_mb"] = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
print(json.dumps(out))
"""


def read_bounded(tmp_path: Path, name: str, data: bytes, limit_mb: int = LIMIT_MB) -> dict:
    """Read a file in a child process capped at ``limit_mb`` of address space; its outcome, time and peak RSS."""
    path = tmp_path / name
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(limit_mb), SRC], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "RUST_BACKTRACE": "0"})
    assert proc.returncode == 0, f"the reader died ({proc.returncode}): {proc.stderr[-500:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


BUILDERS = {"xlsx": sparse_xlsx, "ods": sparse_ods, "xls": sparse_xls}

# (format, the far cell (row, col), the refusal expected, the cell named in it)
FAR = [
    ("xlsx", (1048576, 16384), "read.far_cell", "XFD1048576"),
    ("xlsx", (100000, 702), "read.far_cell", "ZZ100000"),
    ("xlsx", (500000, 1024), "read.far_cell", "AMJ500000"),
    ("xlsx", (100001, 4), "read.far_cell", "D100001"),
    ("xlsx", (5, 201), "read.far_cell", "GS5"),
    ("xlsx", (99999, 200), "read.sheet_area", "GR99999"),  # inside both limits, but a 20-million-cell grid
    ("ods", (1048576, 16384), "read.far_cell", "XFD1048576"),
    ("ods", (100000, 702), "read.far_cell", "ZZ100000"),
    ("ods", (500000, 1024), "read.far_cell", "AMJ500000"),
    ("ods", (99999, 200), "read.sheet_area", "GR99999"),
    ("xls", (65536, 16384), "read.far_cell", "XFD65536"),  # BIFF8 holds 16-bit columns: past Excel's IV
    ("xls", (65536, 702), "read.far_cell", "ZZ65536"),
    ("xls", (65536, 256), "read.far_cell", "IV65536"),
    ("xls", (65536, 200), "read.sheet_area", "GR65536"),
]


@pytest.mark.parametrize("fmt,far,key,cell", FAR, ids=[f"{f}-{c}" for f, _, _, c in FAR])
def test_far_cell_refused_before_the_reader_allocates(tmp_path, fmt, far, key, cell):
    data = BUILDERS[fmt]([far])
    assert len(data) < 6000  # a few KB
    out = read_bounded(tmp_path, f"bao_cao.{fmt}", data)
    assert out["outcome"] == "refused" and out["key"] == key, out
    assert out["params"]["cell"] == cell and out["params"]["sheet"] == "Báo cáo"
    assert out["fix"] == "fix.stray_cells"
    assert cell in out["text"] and "Báo cáo" in out["text"]
    assert out["seconds"] < 15 and out["peak_mb"] < 200, out


INSIDE = [("xlsx", (100000, 30)), ("xlsx", (15000, 200)), ("ods", (100000, 30)), ("xls", (15000, 200)),
          ("ods", (3000, 26)), ("xls", (3000, 26))]


@pytest.mark.parametrize("fmt,far", INSIDE, ids=[f"{f}-{r}x{c}" for f, (r, c) in INSIDE])
def test_cell_just_inside_the_limits_loads_within_bounds(tmp_path, fmt, far):
    """Up to MAX_CELLS (100 000 rows × 30 columns) a sparse sheet loads; what it costs is bounded."""
    out = read_bounded(tmp_path, f"bao_cao.{fmt}", BUILDERS[fmt]([far]))
    assert out["outcome"] == "loaded" and out["rows"] == 2, out  # the data row and the far one
    assert out["seconds"] < 15 and out["peak_mb"] < 600, out


def test_repeated_content_refused(tmp_path):
    """One .ods cell repeated over 1 048 000 rows × 16 384 columns: tens of billions of values from 900 bytes."""
    out = read_bounded(tmp_path, "r.ods", sparse_ods([], repeat_content=(1048000, 16384)))
    assert out["outcome"] == "refused" and out["key"] == "read.too_many_rows", out
    out = read_bounded(tmp_path, "r.ods", sparse_ods([], repeat_content=(20, 16384)))
    assert out["outcome"] == "refused" and out["key"] == "read.far_cell" and out["params"]["cell"] == "XFD22"


def test_xls_dimensions_record_bounded(tmp_path):
    """The .xls reader reserves memory from the DIMENSIONS record, whatever the cells: a forged one is refused."""
    out = read_bounded(tmp_path, "d.xls", sparse_xls([], dimensions=(0, 4_000_000_000, 0, 60000)))
    assert out["outcome"] == "refused" and out["key"] == "read.sheet_area", out
    out = read_bounded(tmp_path, "d.xls", sparse_xls([], dimensions=(5, 2, 0, 4)))  # last < first: wraps around
    assert out["outcome"] == "refused" and out["key"] == "read.sheet_area", out


def _patched(data: bytes, offset: int, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, offset, value)
    return bytes(out)


def _with_member(data: bytes, name: str, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info.filename))
        zout.writestr(name, text)
    return out.getvalue()


def _forged() -> list[tuple[str, str, bytes]]:
    xls = sparse_xls([])
    fat = len(xls) - 512  # the FAT is the last sector of the files sparse_xls writes
    sst = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           'uniqueCount="100000000000"><si><t>a</t></si></sst>')
    return [
        ("directory chain loops", "x.xls", _patched(xls, fat, 0)),
        ("DIFAT chain loops", "x.xls", _patched(_patched(xls, 68, 1), 512 + 512 + 508, 1)),
        ("header counts past the file", "x.xls", _patched(xls, 64, 0xFFFF)),
        ("stream longer than the file", "x.xls", _patched(xls, 512 + 128 + 120, 0xFFFFFFF0)),
        ("sector past the end", "x.xls", _patched(xls, 512 + 128 + 116, 0x7FFFFFFF)),
        ("shared strings count", "x.xlsx", _with_member(sparse_xlsx([]), "xl/sharedStrings.xml", sst)),
    ]


@pytest.mark.parametrize("what,name,data", _forged(), ids=[w for w, _, _ in _forged()])
def test_forged_container_refused(tmp_path, what, name, data):
    """Counts and chains the reader trusts (several of these abort the process when read as they are)."""
    out = read_bounded(tmp_path, name, data)
    assert out["outcome"] == "refused" and out["key"] == "read.bad_excel", out
    assert out["seconds"] < 15 and out["peak_mb"] < 200


@pytest.mark.parametrize("name", ["bao_cao_chinh_thuc.ods", "bao_cao_chinh_thuc.xls", "bao_cao_chinh_thuc_lo.xlsx"])
def test_libreoffice_saved_files_still_load(name):
    """LibreOffice pads a sheet with empty cells to column 16384 and rows to 1 048 576: not content."""
    reference = readers.read_table("r.xlsx", (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes())
    data = (LIBREOFFICE / name).read_bytes()
    if name.endswith(".ods"):
        assert b'number-rows-repeated="1048530"' in zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    table = readers.read_table(name, data)
    assert (table.header_row, table.sheet) == (reference.header_row, reference.sheet)
    assert [r[:4] for r in table.rows] == [r[:4] for r in reference.rows]


def test_ordinary_files_have_their_real_extent():
    ods = zipfile.ZipFile(io.BytesIO((LIBREOFFICE / "bao_cao_chinh_thuc.ods").read_bytes()))
    [ext] = extent._ods_extents(ods, ods.getinfo("content.xml"))
    assert (ext.rows, ext.cols) == (45, 6)
    [ext] = extent.xls_extents((CORPUS / "bao_cao_cu.xls").read_bytes())
    assert ext.rows < 100 and ext.cols < 10
    # formatted empty cells, a value-less formula and an empty row far out are no content; cells without
    # a reference count on from the previous one
    data = sparse_xlsx([])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" s="1"/><c r="XFC1048576">'
                          '<f>1+1</f></c></row><row r="900000" ht="20"/><row><c><v>1</v></c><c><v>2</v></c></row>'
                          "</sheetData>")
    [ext] = extent.zip_extents(_with_member(data, "xl/worksheets/sheet1.xml", sheet), max_strings=10)
    assert (ext.rows, ext.cols, ext.row_cell) == (900001, 4, (900001, 1))


@pytest.mark.parametrize("row,col,name", [(1, 1, "A1"), (1048576, 16384, "XFD1048576"), (100000, 702, "ZZ100000"),
                                          (500000, 1024, "AMJ500000"), (3, 27, "AA3")])
def test_cell_names(row, col, name):
    assert extent.cell_name(row, col) == name


def test_messages_in_both_languages():
    for key in ("read.far_cell", "read.sheet_area", "fix.stray_cells"):
        params = {"sheet": "S", "cell": "XFD1048576", "max_rows": 1, "max_cols": 1, "rows": 1, "cols": 1, "limit": 1}
        vi, en = t(key, "vi", **params), t(key, "en", **params)
        assert vi != en and "{" not in vi + en
    assert "ô XFD1048576" in t("read.far_cell", "vi", **params)
    assert "trang tính mới" in t("fix.stray_cells", "vi")


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_refusal_is_logged_on_the_cli(run_cli, db_path, tmp_path, fmt):
    path = tmp_path / f"bao_cao.{fmt}"
    path.write_bytes(BUILDERS[fmt]([(1048576, 16384) if fmt != "xls" else (65536, 16384)]))
    code, out, err = run_cli("ingest", str(path))
    assert code == 2 and "XFD" in err and "trang tính mới" in err
    with store.session(db_path) as con:
        log = store.uploads(con)
    assert list(log["outcome"]) == ["rejected"] and "XFD" in log["errors"].iloc[0]


def test_refusal_is_logged_through_ingest(tiny_con):
    with pytest.raises(IngestRejected) as exc:
        ingest.ingest_file(tiny_con, sparse_xlsx([(1048576, 16384)]), "b.xlsx")
    assert exc.value.upload_id is not None
    assert exc.value.problems[0].problem_key == "read.far_cell"
    assert list(store.uploads(tiny_con)["outcome"]) == ["rejected"]


def test_table_constant_is_what_the_builders_write():
    table = readers.read_table("a.xlsx", sparse_xlsx([]))
    assert table.header == SHEET_TABLE[0]


@pytest.mark.parametrize("variant", ["plain", "no_reference", "prefixed", "reference_in_comment", "tab"])
def test_quick_bound_never_below_the_real_extent(variant):
    """The quick .xlsx bound (byte searches) must never be smaller than the exact walk: whatever hides a cell
    from it sends the file to the exact walk."""
    data = sparse_xlsx([(7, 3)])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="900000"><c r="A900000"/>' + "<c><v>1</v></c>" * 300 + "</row>"
    sheet = sheet.replace("</sheetData>", {
        "plain": '<row r="900000"><c r="XFD900000"><v>1</v></c></row>',
        "no_reference": far,
        "prefixed": '<x:row r="900000"><x:c r="XFD900000"><x:v>1</x:v></x:c></x:row>',
        "reference_in_comment": "<!-- <c r=\"A1\"> -->" + far,
        "tab": '<row r="900000"><c\tr="XFD900000"><v>1</v></c></row>',
    }[variant] + "</sheetData>").replace("<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                         'spreadsheetml/2006/main" ')
    data = _with_member(data, "xl/worksheets/sheet1.xml", sheet)
    [exact] = extent.zip_extents(data, max_strings=10, exact=True)
    [quick] = extent.zip_extents(data, max_strings=10, exact=False)
    assert quick.rows >= exact.rows and quick.cols >= exact.cols
    assert exact.rows == 900000 and exact.cols >= 300
    with pytest.raises(readers.ReadError) as exc:
        readers.read_table("b.xlsx", data)
    assert exc.value.problem.problem_key == "read.far_cell"
