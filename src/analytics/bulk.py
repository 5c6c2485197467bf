"""Whole-column checks of a plain report table: the fast path of ``ingest.prepare`` (issue 5).

A national daily file has about 10,600 rows and a year's backfill about 3.9 million; checked row by row
in Python they take minutes. When a file is a plain table — one header row naming a commune code, a
report date and the figures, every row a commune with a known code, a valid date and whole numbers, no
totals, headings, duplicates, percent column or anything to warn about except the warnings computed here
— the same checks run here on whole columns (each distinct cell value is parsed once, by the same
``values`` functions), with the same outcome as ``ingest._Checker``: the rows, the warnings, the counts.

Anything else returns False before touching ``prep``, and the general path runs, so every problem is
still reported by the general path, with its messages. Large CSV files are read columnar (pyarrow)
instead of cell by cell; other files come through ``readers.read_table`` as before.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics import layout, readers, settings, store, tcvn3
from analytics.errors import Problem
from analytics.units import UnitIndex
from analytics.values import ValueProblem, parse_count, parse_date

REQUIRED = ("commune_code", "report_date", "books_total", "books_digitized")
OBJECT_ROWS = 200_000  # up to this many rows the frame holds Python values exactly like the general path's;
# a larger one (a backfill) keeps numpy columns (int64, nullable Int64): the same values, a tenth of the memory
SAFE_EXTRAS = {"stt", "note"}  # extra columns that change nothing for a row with a code (a percent column does)
HEAD_LINES = 40


class _NotPlain(Exception):
    """The file needs the general path (it has something this path does not decide)."""


def try_prepare_csv(con: store.Connection, prep: Any, data: bytes, *, report_date: date | None,
                    province: str | None, sheet: str | None, today: date) -> bool:
    """Check a plain CSV file column-wise and fill ``prep``; False (``prep`` untouched) when not plain."""
    if report_date is not None or sheet is not None or readers.file_kind(prep.file_name, data) != "csv":
        return False
    try:
        header, columns, n, meta = _read_plain_csv(data)
        return _check(con, prep, header, columns, np.arange(2, n + 2), meta, province=province, today=today)
    except _NotPlain:
        return False


def try_check_table(con: store.Connection, prep: Any, table: readers.RawTable, *, report_date: date | None,
                    province: str | None, today: date) -> bool:
    """The same checks on a table read by ``readers`` (workbooks, small CSV files)."""
    if report_date is not None or set(table.extras) - SAFE_EXTRAS or not table.rows:
        return False
    try:
        cols = dict(table.columns) if table.columns else layout.map_columns(table.header)[0]
        if any(c not in cols for c in REQUIRED):
            return False
        if any(layout.is_numbering_row(r) for r in table.rows[:2]) or layout.duplicate_columns(table.header):
            return False
        wanted = {**cols, **{f"extra:{k}": i for k, i in table.extras.items()}}
        columns = {canon: pd.Series([row[i] if i < len(row) else None for row in table.rows], dtype=object)
                   for canon, i in wanted.items()}
        return _check(con, prep, table.header, columns, np.asarray(table.row_numbers),
                      {"cols": cols, "extras": dict(table.extras)}, province=province, today=today)
    except _NotPlain:
        return False


# --- reading ---------------------------------------------------------------------------------------


def _read_plain_csv(data: bytes) -> tuple[list[str], dict[str, Any], int, dict[str, Any]]:
    # UTF-8 (± BOM) only: the head is decoded here (as readers.decode_text would, NFC), the body is read
    # by pyarrow, which refuses invalid UTF-8 (then the general path decides what the bytes are)
    bom = data.startswith(b"\xef\xbb\xbf")
    raw = data[3:] if bom else data
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096] or not raw.strip():
        raise _NotPlain
    if b"\n\n" in raw or b"\n\r\n" in raw or b"\r\r" in raw or raw.startswith((b"\n", b"\r")):
        raise _NotPlain  # blank lines: the general path keeps their numbers
    head_bytes = raw[:65536]
    if len(raw) > len(head_bytes):
        head_bytes = head_bytes[:head_bytes.rfind(b"\n") + 1]
    try:
        text = unicodedata.normalize("NFC", head_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise _NotPlain from None
    encoding = "utf-8-sig" if bom else "utf-8"
    if readers._looks_binary(text):
        raise _NotPlain
    delimiter = readers._sniff_delimiter(text)
    head_text = "\n".join(text.split("\n", HEAD_LINES + 1)[:HEAD_LINES])
    head = [[c.strip() if c.strip() else None for c in row]
            for row in csv.reader(io.StringIO(head_text, newline=""), delimiter=delimiter)]
    found = layout.find_layout(head)
    if found is None or found.header_index != 0 or found.header_rows != 1 or set(found.extras) - SAFE_EXTRAS \
            or found.title_lines:
        raise _NotPlain
    cols = found.columns
    if any(c not in cols for c in REQUIRED) or len(found.header) > settings.current().max_cols \
            or layout.duplicate_columns(found.header):
        raise _NotPlain  # two columns of one figure: the row checks say which one counts
    if any(layout.is_numbering_row(r) for r in head[1:3]):
        raise _NotPlain
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(head[0])
    try:
        tbl = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        raise _NotPlain from None
    n = tbl.num_rows
    if tbl.num_columns != width or n == 0 or n + 1 > settings.current().max_rows:
        raise _NotPlain
    import pyarrow.compute as pc

    columns: dict[str, Any] = {}
    for i in range(width):
        col = pc.utf8_trim_whitespace(tbl.column(i).combine_chunks())
        if not pc.all(pc.string_is_ascii(col)).as_py():
            # text the general reader would convert from TCVN3 fonts (it adds a note): not plain
            uniques = pc.unique(col).to_pylist()
            if any(not u.isascii() and tcvn3.looks_tcvn3(unicodedata.normalize("NFC", u)) for u in uniques):
                raise _NotPlain
        for canon, j in [*cols.items(), *((f"extra:{k}", j) for k, j in found.extras.items())]:
            if j == i:
                columns[canon] = col
    meta = {"cols": cols, "extras": dict(found.extras), "encoding": encoding, "delimiter": delimiter,
            "kind": "csv"}
    return found.header, columns, n, meta


# --- checking ------------------------------------------------------------------------------------------


def _factorize(col: Any) -> tuple[np.ndarray, list[Any]]:
    """(index of each row's distinct value, the distinct values); empty text is None."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover
        pa = None
    if pa is not None and isinstance(col, (pa.Array, pa.ChunkedArray)):
        enc = pc.dictionary_encode(col)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        uniques = [None if u == "" else u for u in enc.dictionary.to_pylist()]
        return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), uniques
    codes, uniques = pd.factorize(pd.Series(col, dtype=object), use_na_sentinel=False)
    values = [None if u is None or (isinstance(u, float) and u != u) or (isinstance(u, str) and not u.strip())
              else u for u in uniques]
    return codes.astype(np.int64), values


def _per_unique(col: Any, fn: Any) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` applied once per distinct value (raising _NotPlain on a problem): (row -> index, values)."""
    codes, uniques = _factorize(col)
    values = np.empty(len(uniques), dtype=object)
    for k, u in enumerate(uniques):
        values[k] = fn(u)
    return codes, values


def _count(u: Any) -> int | None:
    # a row without figures (a template row left blank: ``ingest.row_has_figures``) makes a required column
    # hold None, so ``_counts`` gives the file to the row checks, which skip and count such rows
    try:
        return parse_count(u)
    except ValueProblem:
        raise _NotPlain from None


def _counts(col: Any, required: bool) -> np.ndarray:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(col, pa.Array) and pa.types.is_string(col.type):
            if pc.all(pc.match_substring_regex(col, r"^[0-9]{1,15}$")).as_py():
                return pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
    except ImportError:  # pragma: no cover
        pass
    codes, values = _per_unique(col, _count)
    out = values[codes]
    if required and any(v is None for v in values[np.flatnonzero(np.bincount(codes, minlength=len(values)))]):
        raise _NotPlain
    return out


def _codes(col: Any, code_of: Any, known: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """Canonical commune codes: column-wise for a text column of digits (as ``store.canonical_code``:
    leading zeros off, then padded to 5), else once per distinct value."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(col, pa.Array) and pa.types.is_string(col.type) \
                and pc.all(pc.match_substring_regex(col, r"^[0-9]{1,12}$")).as_py():
            canon = pc.utf8_lpad(pc.utf8_ltrim(col, characters="0"), width=5, padding="0")
            codes, values = _factorize(canon)
            if all(v in known for v in values):
                return codes, np.array(values, dtype=object)
            raise _NotPlain
    except ImportError:  # pragma: no cover
        pass
    return _per_unique(col, code_of)


def _may_be_total(u: Any) -> bool:
    """Cheap sieve before ``layout.total_kind``: totals start with t(ổng/oàn/otal), c(ộng), g(rand), s(ubtotal)."""
    if not isinstance(u, str):
        return False
    head = u.lstrip(" :.-*\t").lower()[:1]
    return head in ("t", "c", "g", "s") or not head.isascii()


def _check(con: store.Connection, prep: Any, header: list[str], columns: dict[str, Any],
           row_numbers: np.ndarray, meta: dict[str, Any], *, province: str | None, today: date) -> bool:
    from analytics import ingest

    cols: dict[str, int] = meta["cols"]
    n = len(row_numbers)
    communes = ingest.unit_list(con, province, prep.structure_id)
    # files write official codes; a unit's id differs when another structure uses the same code
    refs = [r if isinstance(r, str) and r else c for r, c in zip(communes["ref_code"], communes["commune_code"])]
    official = dict(zip(refs, communes["commune"].tolist()))
    province_of = dict(zip(refs, communes["province_code"].tolist()))
    unit_id = dict(zip(refs, communes["commune_code"].tolist()))

    # unit: by code, known; its name (if given) agrees; nothing looks like a total or a heading
    def code_of(u: Any) -> str:
        canon = store.canonical_code(u, "commune")
        if canon is None or canon not in official:
            raise _NotPlain
        return canon

    code_idx, code_values = _codes(columns["commune_code"], code_of, set(official))
    texts: list[Any] = [u for u in code_values]
    name_idx: Any = None
    names: list[Any] = []
    if "commune" in columns:
        name_idx, names = _factorize(columns["commune"])
        texts += names
    for other in ("district", "extra:stt"):  # the general path reads a total's words from these too
        if other in columns:
            texts += _factorize(columns[other])[1]
    if any(_may_be_total(u) and layout.total_kind(u) is not None for u in texts):
        raise _NotPlain
    if name_idx is not None:
        pairs = pd.unique(code_idx * (len(names) + 1) + name_idx)
        for key in pairs:
            c, k = divmod(int(key), len(names) + 1)
            name, canon = names[k], code_values[c]
            if name is None or not str(name).strip():
                continue
            if str(name).strip() != official[canon] and not UnitIndex.names_agree(str(name), official[canon]):
                raise _NotPlain

    # dates: each distinct cell parsed once; none missing, none in the future
    def date_of(u: Any) -> date:
        try:
            d = parse_date(u)
        except ValueProblem:
            raise _NotPlain from None
        if d is None or d > today:
            raise _NotPlain
        return d

    day_idx, day_values = _per_unique(columns["report_date"], date_of)
    total = np.asarray(_counts(columns["books_total"], True), dtype=np.int64)
    digitized = np.asarray(_counts(columns["books_digitized"], True), dtype=np.int64)
    records = _counts(columns["records_digitized"], False) if "records_digitized" in columns else None
    records_total = _counts(columns["records_total"], False) if "records_total" in columns else None
    if np.any(digitized > total):
        raise _NotPlain
    if records is not None and records_total is not None:  # more records done than to do: the row checks word it
        done, todo = pd.array(records, dtype="Int64"), pd.array(records_total, dtype="Int64")
        if bool((done > todo).fillna(False).any()):
            raise _NotPlain
    # the same commune and date twice (even with equal figures: a warning the general path words)
    canon_of_code = np.array(list(code_values), dtype=object)
    unit_key = pd.factorize(canon_of_code)[0][code_idx]
    pair_key = unit_key.astype(np.int64) * (len(day_values) + 1) + day_idx
    if pd.Series(pair_key).duplicated().any():
        raise _NotPlain
    frame = pd.DataFrame({
        "row_no": row_numbers.astype(np.int64),
        "commune_code": np.array([unit_id[c] for c in code_values], dtype=object)[code_idx],
        "report_date": day_values[day_idx],
        "books_total": total,
        "books_digitized": digitized,
        "records_digitized": (pd.array([None] * n, dtype="Int64") if records is None
                              else pd.array(records, dtype="Int64")),
        "records_total": (pd.array([None] * n, dtype="Int64") if records_total is None
                          else pd.array(records_total, dtype="Int64")),
    })

    if n <= OBJECT_ROWS:
        frame = _as_python_values(frame)

    # plain: fill the Prepared as the general path would
    label = {canon: (header[i] or canon) for canon, i in cols.items()}
    prep.columns = {canon: header[i] for canon, i in cols.items()}
    used = set(cols.values()) | set(meta.get("extras", {}).values())
    prep.ignored_columns = [h for i, h in enumerate(header) if h and i not in used]
    prep.date_source = "column"
    if meta.get("kind") == "csv":
        prep.sheet, prep.header_row, prep.rows_read = None, 1, n
        prep.kind, prep.encoding, prep.delimiter = "csv", meta["encoding"], meta["delimiter"]
        prep.header_rows, prep.title_lines = 1, []
    provinces_of_code = np.array([province_of[c] for c in code_values], dtype=object)
    _dates_before_campaign(con, prep, frame, day_idx, day_values, provinces_of_code[code_idx],
                           label.get("report_date"))
    prep.rows = frame
    provinces = sorted(set(provinces_of_code[np.flatnonzero(np.bincount(code_idx, minlength=len(code_values)))]))
    prep.province_code = provinces[0] if len(provinces) == 1 else None
    compare_with_store(con, prep, label)
    return True


def _as_python_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of Python values (int, str, date, None), as the general path builds them from its records."""
    out = {}
    for col in frame.columns:
        values = frame[col].tolist()
        out[col] = pd.Series([None if v is pd.NA else v for v in values], dtype=object)
    return pd.DataFrame(out)


def _dates_before_campaign(con: store.Connection, prep: Any, frame: pd.DataFrame, day_idx: np.ndarray,
                           day_values: np.ndarray, row_province: np.ndarray, column: str | None) -> None:
    """A date before the campaign of a province is a warning, at the date's first row (as the general path)."""
    from analytics import ingest

    firsts = pd.Series(frame["row_no"].to_numpy()).groupby(day_idx).min()
    pairs = pd.DataFrame({"d": day_idx, "p": row_province}).drop_duplicates()
    by_day = pairs.groupby("d")["p"].agg(lambda s: sorted(set(s)))
    starts: dict[str, date] = store.campaign_starts(con)
    for k in sorted(firsts.index, key=lambda k: day_values[k]):
        d = day_values[k]
        for p in by_day[k]:
            if p not in starts:
                starts[p] = store.get_campaign(con, p).start
            if d < starts[p]:
                ingest._add(prep, int(firsts[k]), column, ingest._fmt(d), "check.date_before_campaign",
                            "fix.confirm_date", "warning", start=ingest._fmt(starts[p]))


def compare_with_store(con: store.Connection, prep: Any, label: dict[str, str]) -> None:
    """New and replaced reports; a warning where a cumulative figure goes below the report before it (SQL)."""
    from analytics import ingest

    frame = prep.rows
    if frame.empty or store.is_demo(con):  # the first real upload replaces the demo figures
        prep.new_reports, prep.replaced_reports = len(frame), 0
        return
    replaced, lower = store.compare_incoming(con, frame)
    prep.replaced_reports = replaced
    prep.new_reports = len(frame) - replaced
    for row_no, value, previous, prev_date in lower:
        prep.warnings.append(Problem(
            prep.file_name, int(row_no), label["books_digitized"], str(int(value)),
            "check.lower_than_before", "fix.confirm_correction",
            {"previous": int(previous), "date": ingest._fmt(prev_date)}, "warning"))
