"""The clean table of a plain file, built column-wise: the fast path of ``prepare``.

A national daily file has about 10,600 rows and a year's backfill about 3.9 million; walked row by row in
Python they take minutes. When a file is a plain table — one header row naming a commune code, a report date
and the figures, every row a commune with a known code whose name (if given) agrees, no totals, headings,
numbering row, blank template rows or two columns of one figure — the clean table (``model.Table``) is built
here from whole columns: the codes looked up once per distinct value, the cells kept as written. The same
``rules`` then check it as they check an office's file, so a wrong figure, a future date or a commune twice
is said in the same words, at the same rows, whichever way the table was built.

Anything else returns None before touching ``prep``, and ``layout.Walk`` reads the file. Large CSV files are
read columnar (pyarrow) instead of cell by cell; other files come through ``readers.read_table``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from analytics import readers, settings, store, tcvn3
from analytics.ingest import layout, model, rules
from analytics.ingest.model import Prepared, Table, Units
from analytics.units import UnitIndex

__all__ = ["plain_csv", "plain_table"]

REQUIRED = ("commune_code", "report_date", "books_total", "books_digitized")
SAFE_EXTRAS = {"stt", "note", "percent"}  # extra columns the rules know what to do with
HEAD_LINES = 40


class _NotPlain(Exception):
    """The file needs the walk (it has something only the walk decides)."""


def plain_csv(prep: Prepared, data: bytes, units: Units) -> layout.Walked | None:
    """The clean table of a plain CSV file, read column-wise; None (``prep`` untouched) when not plain."""
    if readers.file_kind(prep.file_name, data) != "csv":
        return None
    try:
        header, columns, n, meta = _read_plain_csv(data)
        return _build(prep, header, columns, np.arange(2, n + 2), meta, units, [])
    except _NotPlain:
        return None


def plain_table(prep: Prepared, table: readers.RawTable, units: Units) -> layout.Walked | None:
    """The same for a table read by ``readers`` (workbooks, small CSV files)."""
    if set(table.extras) - SAFE_EXTRAS or not table.rows:
        return None
    try:
        cols = dict(table.columns) if table.columns else layout.map_columns(table.header)[0]
        if any(c not in cols for c in REQUIRED):
            return None
        if any(layout.is_numbering_row(r) for r in table.rows[:2]) or layout.duplicate_columns(table.header):
            return None
        wanted = {**cols, **{f"extra:{k}": i for k, i in table.extras.items()}}
        columns = {canon: np.array([row[i] if i < len(row) else None for row in table.rows] + [None],
                                   dtype=object)[:-1] for canon, i in wanted.items()}
        return _build(prep, table.header, columns, np.asarray(table.row_numbers, dtype=np.int64),
                      {"cols": cols, "extras": dict(table.extras)}, units, table.title_lines)
    except _NotPlain:
        return None


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
    if readers.looks_binary(text):
        raise _NotPlain
    delimiter = readers.sniff_delimiter(text)
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


# --- building -----------------------------------------------------------------------------------------


def _codes(col: Any, code_of: Any, known: dict[str, str]) -> tuple[np.ndarray, list[Any]]:
    """Canonical commune codes: column-wise for a text column of digits (as ``store.canonical_code``:
    leading zeros off, then padded to 5), else once per distinct value."""
    if rules.is_arrow(col):
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_string(col.type) and pc.all(pc.match_substring_regex(col, r"^[0-9]{1,12}$")).as_py():
            canon = pc.utf8_lpad(pc.utf8_ltrim(col, characters="0"), width=5, padding="0")
            codes, values = rules.distinct(canon)
            if all(v in known for v in values):
                return codes, values
            raise _NotPlain
    codes, uniques = rules.distinct(col)
    return codes, [code_of(u) for u in uniques]


def _may_be_total(u: Any) -> bool:
    """Cheap sieve before ``layout.total_kind``: totals start with t(ổng/oàn/otal), c(ộng), g(rand), s(ubtotal)."""
    if not isinstance(u, str):
        return False
    head = u.lstrip(" :.-*\t").lower()[:1]
    return head in ("t", "c", "g", "s") or not head.isascii()


def _empty(col: Any) -> np.ndarray:
    """Which cells of a column are empty."""
    if rules.is_arrow(col):
        import pyarrow.compute as pc

        return pc.equal(col, "").to_numpy(zero_copy_only=False)
    return np.fromiter((model.is_empty(c) for c in col), dtype=bool, count=len(col))


def _build(prep: Prepared, header: list[str], columns: dict[str, Any], row_numbers: np.ndarray,
           meta: dict[str, Any], units: Units, title_lines: list[str]) -> layout.Walked:
    cols: dict[str, int] = meta["cols"]
    official, unit_id = units.by_official_code()

    # unit: by code, known; its name (if given) agrees; nothing looks like a total or a heading
    def code_of(u: Any) -> str:
        canon = store.canonical_code(u, "commune")
        if canon is None or canon not in official:
            raise _NotPlain
        return canon

    code_idx, code_values = _codes(columns["commune_code"], code_of, official)
    texts: list[Any] = list(code_values)
    if "commune" in columns:
        name_idx, names = rules.distinct(columns["commune"])
        texts += names
    for other in ("district", "extra:stt"):  # the walk reads a total's words from these too
        if other in columns:
            texts += rules.distinct(columns[other])[1]
    if any(_may_be_total(u) and layout.total_kind(u) is not None for u in texts):
        raise _NotPlain
    if "commune" in columns:
        pairs = pd.unique(code_idx * (len(names) + 1) + name_idx)
        for key in pairs:
            c, k = divmod(int(key), len(names) + 1)
            name, canon = names[k], code_values[c]
            if name is None or not str(name).strip():
                continue
            if str(name).strip() != official[canon] and not UnitIndex.names_agree(str(name), official[canon]):
                raise _NotPlain
    # a row without any figure is a template row the walk skips and counts
    figures = [c for c in model.COUNT_COLUMNS if c in columns]
    blank = np.logical_and.reduce([_empty(columns[c]) for c in figures])
    if blank.any():
        raise _NotPlain

    # plain: the clean table, and the Prepared filled as the walk would
    label = {canon: (header[i] or canon) for canon, i in cols.items()}
    cells = {c: columns[c] for c in ("report_date", *model.COUNT_COLUMNS) if c in columns}
    if "extra:percent" in columns:
        cells["extra:percent"] = columns["extra:percent"]
        label["extra:percent"] = header[meta["extras"]["percent"]]
    fallback, _, _ = layout.file_date(prep, title_lines, None, True)
    units_of_code = np.array([unit_id[c] for c in code_values] + [None], dtype=object)[:-1]
    table = Table(row_numbers.astype(np.int64), units_of_code[code_idx], cells, label, fallback_date=fallback,
                  unit_key=pd.factorize(units_of_code)[0].astype(np.int64)[code_idx])
    prep.columns = {canon: header[i] for canon, i in cols.items()}
    used = set(cols.values()) | set(meta.get("extras", {}).values())
    prep.ignored_columns = [h for i, h in enumerate(header) if h and i not in used]
    prep.date_source = "column"
    prep.date_found = fallback
    prep.matched.update(pd.unique(table.unit))
    if meta.get("kind") == "csv":
        prep.sheet, prep.header_row, prep.rows_read = None, 1, len(row_numbers)
        prep.kind, prep.encoding, prep.delimiter = "csv", meta["encoding"], meta["delimiter"]
        prep.header_rows, prep.title_lines = 1, []
    return layout.Walked(table, [], [], [])
