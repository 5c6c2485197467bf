"""Property-based tests (hypothesis) over the whole import path: any bytes end in a load or a clear rejection.

Run briefly in CI (HOTICH_FUZZ_EXAMPLES, default 200 examples per property) and longer on demand:
    HOTICH_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_ingest_properties.py -q
"""

from __future__ import annotations

import io
import os
import random
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import extent, ingest, readers, store
from analytics.errors import IngestRejected, Problem
from analytics.settings import current as current_settings
from support import sparse_ods, sparse_xls, sparse_xlsx

EXAMPLES = int(os.environ.get("HOTICH_FUZZ_EXAMPLES", "200"))
CORPUS = Path(__file__).parent / "data" / "corpus"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("HOTICH_FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
TODAY = date(2025, 3, 12)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One database for all examples of the module (rejections must leave it as it was)."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else \
        tmp_path_factory.mktemp("fuzz")  # a memory-backed folder spares thousands of disk syncs
    con = store.connect(folder / "fuzz.duckdb")
    yield con
    con.close()
    shutil.rmtree(folder, ignore_errors=True)


def _state(con) -> tuple:
    return (con.execute("SELECT * FROM reports ORDER BY ALL").fetchall(),
            con.execute("SELECT count(*) FROM report_rows").fetchone()[0],
            con.execute("SELECT count(*) FROM uploads WHERE outcome <> 'rejected'").fetchone()[0],
            store.data_version(con))


def _check(con, data: bytes, name: str, **kw) -> None:
    """The property: the import path never raises anything but IngestRejected; a rejection lists clear
    problems (located, with a fix) and changes no figure (only the attempt is logged); otherwise it loads."""
    before = _state(con)
    rejected_before = con.execute("SELECT count(*) FROM uploads WHERE outcome = 'rejected'").fetchone()[0]
    seen_before = con.execute("SELECT count(*) FROM uploads WHERE outcome = 'rejected' AND sha256 = ?",
                              [ingest.sha256_of(data)]).fetchone()[0]
    try:
        result = ingest.ingest_file(con, data, name, today=TODAY, **kw)
    except IngestRejected as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p, Problem) and p.severity == "error"
            d = p.as_dict("vi")
            assert d["problem"] and d["fix"] and d["problem"] != p.problem_key
            assert p.row is None or (isinstance(p.row, int) and p.row >= 1)
        assert _state(con) == before
        after = con.execute("SELECT count(*) FROM uploads WHERE outcome = 'rejected'").fetchone()[0]
        # logged once: the same bytes refused again for the same problems add no row (store.log_rejected)
        assert after == rejected_before + 1 or (seen_before and after == rejected_before)
    else:
        assert result.rows >= 1 and result.report_dates


NAMES = st.sampled_from(["f.csv", "f.xlsx", "f.xls", "f.txt", "f", "bao_cao_25-02-2025.csv", "f.ods"])


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES)
def test_any_bytes(db, data, name):
    _check(db, data, name)


HEADERS = ["Ngày báo cáo", "report_date", "Mã xã", "commune_code", "Xã", "Tên đơn vị", "Huyện", "district",
           "Tổng số sổ", "books_total", "Số sổ đã số hóa (quyển)", "books_digitized", "Số trường hợp đã số hóa",
           "STT", "Tỷ lệ (%)", "Ghi chú", "", "x"]
CELLS = st.one_of(
    st.sampled_from(["20335", "020335", "20335.0", "20338", "99999", "Phường Tân Thạnh", "Tam Ky", "Tra Don",
                     "Thành phố Tam Kỳ", "Huyện Núi Thành", "Tổng cộng", "Cộng", "I", "II", "(1)", "(2)", "(3)",
                     "25/02/2025", "2025-02-25", "32/01/2025", "ngày 25 tháng 02 năm 2025", "2099-01-01",
                     "1.234", "1,234", "1 234", "45,5%", "-3", "1e9", "nan", "inf", "=1+1", "", " ", "\u0301",
                     "X· Hßa", "UBND TỈNH QUẢNG NAM"]),
    st.integers(min_value=-5, max_value=10**12).map(str),
    st.text(max_size=12),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"])


@st.composite
def csv_like(draw):
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width))
    titles = draw(st.lists(st.lists(CELLS, min_size=1, max_size=3), max_size=3))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 1), max_size=12))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    lines = [delim.join(r) for r in titles] + [delim.join(header)] + [delim.join(r) for r in rows]
    text = "\r\n".join(lines)
    return text.encode(draw(ENCODINGS), errors="replace")


@FUZZ
@given(data=csv_like(), name=st.sampled_from(["f.csv", "f.txt", "bao_cao_25-02-2025.csv"]),
       given_date=st.one_of(st.none(), st.just(date(2025, 2, 25))))
def test_table_like_text(db, data, name, given_date):
    _check(db, data, name, report_date=given_date)


SAMPLES = [p for p in sorted(CORPUS.iterdir()) if p.suffix in {".xlsx", ".xls"}]


@settings(FUZZ, max_examples=max(1, EXAMPLES // 2))
@given(sample=st.sampled_from(SAMPLES), seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40),
       cut=st.one_of(st.none(), st.integers(0, 8000)))
def test_damaged_workbooks(db, sample, seed, flips, cut):
    data = bytearray(sample.read_bytes())
    rnd = random.Random(seed)
    for _ in range(flips):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    if cut is not None:
        data = data[:cut]
    _check(db, bytes(data), sample.name)


@settings(FUZZ, max_examples=max(1, EXAMPLES // 4))
@given(member=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"]),
       payload=st.binary(max_size=2000))
def test_workbook_with_a_replaced_part(db, member, payload):
    src = CORPUS / "bao_cao_chinh_thuc.xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, payload if info.filename == member else zin.read(info.filename))
    _check(db, out.getvalue(), "f.xlsx")


@contextmanager
def bounded_address_space(extra_mb: int = 3072):
    """Cap this process's address space a few GB above its present size while a test runs: a reader that
    allocates a sheet's whole grid fails fast instead of taking the machine's memory."""
    import resource

    with open("/proc/self/status") as fh:
        vm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = (vm_kb << 10) + (extra_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


FAR_CELL = {"xlsx": (1048576, 16384), "ods": (1048576, 16384), "xls": (65536, 65536)}  # the format's reach


@st.composite
def sparse_workbooks(draw):
    """A few-KB workbook with values scattered anywhere the format can address, LibreOffice's padding, repeated
    content (.ods) or a forged DIMENSIONS record (.xls)."""
    fmt = draw(st.sampled_from(sorted(FAR_CELL)))
    rows, cols = FAR_CELL[fmt]
    coordinate = st.one_of(st.tuples(st.integers(1, rows), st.integers(1, cols)),
                           st.tuples(st.integers(1, min(rows, 120_000)), st.integers(1, 260)))  # near the limits
    far = draw(st.lists(coordinate, max_size=3, unique_by=lambda rc: rc[0]))
    if fmt == "xlsx":
        return fmt, sparse_xlsx(far, dimension=draw(st.sampled_from([None, "A1", "A1:XFD1048576"])))
    if fmt == "ods":
        repeat = draw(st.one_of(st.none(), st.tuples(st.integers(1, 2_000_000), st.integers(1, 20_000))))
        return fmt, sparse_ods(far, repeat_content=repeat, libreoffice_padding=draw(st.booleans()))
    dims = draw(st.one_of(st.none(), st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                                               st.integers(0, 2**16 - 1), st.integers(0, 2**16 - 1))))
    return fmt, sparse_xls(far, dimensions=dims)


@settings(FUZZ, max_examples=max(1, EXAMPLES // 2))
@given(workbook=sparse_workbooks())
def test_sparse_and_oversized_sheets(db, workbook):
    """Whatever a sheet's extent, the import loads it or refuses it with a message, within bounded memory;
    one reaching past the limits is always refused, and the attempt logged."""
    fmt, data = workbook
    lim = current_settings()
    with bounded_address_space():
        _check(db, data, f"f.{fmt}")
        try:
            found = extent.xls_extents(data) if fmt == "xls" else extent.zip_extents(data, lim.max_cells)
        except extent.Unreadable:
            return
        if fmt == "xlsx":  # the quick bound is never below the real extent
            quick = extent.zip_extents(data, lim.max_cells, exact=False)
            assert all(q.rows >= e.rows and q.cols >= e.cols for q, e in zip(quick, found, strict=True))
        if any(e.rows > lim.max_rows or e.cols > lim.max_cols for e in found) or \
                sum(e.area for e in found) > lim.max_cells:
            with pytest.raises(readers.ReadError):
                readers.read_table(f"f.{fmt}", data)


def test_the_corpus_files_hold_the_property(db):
    for sample in sorted(CORPUS.rglob("*")):  # the office corpus too (corpus/office)
        if sample.is_file() and sample.name != "manifest.json":
            _check(db, sample.read_bytes(), sample.name)
