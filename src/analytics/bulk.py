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
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics import layout, readers, store, tcvn3
from analytics.errors import Problem
from analytics.units import UnitIndex
from analytics.values import ValueProblem, parse_count, parse_date

REQUIRED = ("commune_code", "report_date", "books_total", "books_digitized")
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
    if report_date is not None or table.extras or not table.rows:
        return False
    try:
        cols = dict(table.columns) if table.columns else layout.map_columns(table.header)[0]
        if any(c not in cols for c in REQUIRED):
            return False
        if any(layout.is_numbering_row(r) for r in table.rows[:2]):
            return False
        columns = {canon: pd.Series([row[i] if i < len(row) else None for row in table.rows], dtype=object)
                   for canon, i in cols.items()}
        return _check(con, prep, table.header, columns, np.asarray(table.row_numbers), {"cols": cols},
                      province=province, today=today)
    except _NotPlain:
        return False


# --- reading ---------------------------------------------------------------------------------------


def _read_plain_csv(data: bytes) -> tuple[list[str], dict[str, pd.Series], int, dict[str, Any]]:
    text, encoding = readers.decode_text(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        raise _NotPlain
    text = text.lstrip("\ufeff")
    if not text.strip() or readers._looks_binary(text):
        raise _NotPlain
    if "\n\n" in text or "\n\r\n" in text or "\r\r" in text or text.startswith(("\n", "\r")):
        raise _NotPlain  # blank lines: the general path keeps their numbers
    delimiter = readers._sniff_delimiter(text)
    head_text = "\n".join(text.split("\n", HEAD_LINES + 1)[:HEAD_LINES])
    head = [[c.strip() if c.strip() else None for c in row]
            for row in csv.reader(io.StringIO(head_text, newline=""), delimiter=delimiter)]
    found = layout.find_layout(head)
    if found is None or found.header_index != 0 or found.header_rows != 1 or found.extras or found.title_lines:
        raise _NotPlain
    cols = found.columns
    if any(c not in cols for c in REQUIRED) or len(found.header) > readers.MAX_COLS:
        raise _NotPlain
    if any(layout.is_numbering_row(r) for r in head[1:3]):
        raise _NotPlain
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(head[0])
    body = text.encode("utf-8")
    try:
        tbl = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        raise _NotPlain from None
    n = tbl.num_rows
    if tbl.num_columns != width or n == 0 or n + 1 > readers.MAX_ROWS:
        raise _NotPlain
    columns: dict[str, pd.Series] = {}
    for canon, i in cols.items():
        s = tbl.column(i).to_pandas()
        s = s.str.strip()
        columns[canon] = s.where(s != "", None)
    # text the general reader would convert from TCVN3 fonts (it would add a note): not plain
    for i in range(width):
        s = tbl.column(i).to_pandas()
        uniques = pd.unique(s)
        if any(isinstance(u, str) and not u.isascii() and tcvn3.looks_tcvn3(u) for u in uniques):
            raise _NotPlain
    meta = {"cols": cols, "header_list": found.header, "encoding": encoding, "delimiter": delimiter, "kind": "csv"}
    return found.header, columns, n, meta


# --- checking ------------------------------------------------------------------------------------------


def _per_unique(series: pd.Series, fn: Any) -> np.ndarray:
    """``fn`` applied once per distinct value (raising _NotPlain on a problem), spread back to the rows."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    values = np.empty(len(uniques), dtype=object)
    for k, u in enumerate(uniques):
        values[k] = fn(None if u is None or (isinstance(u, float) and u != u) else u)
    return values[codes]


def _count(u: Any) -> int | None:
    try:
        return parse_count(u)
    except ValueProblem:
        raise _NotPlain from None


def _counts(series: pd.Series, required: bool) -> np.ndarray:
    if series.dtype != object and pd.api.types.is_string_dtype(series):
        plain = series.str.fullmatch(r"\d{1,15}").fillna(False).to_numpy(dtype=bool)
        if plain.all():
            return series.astype("int64").to_numpy()
    values = _per_unique(series, _count)
    if required and any(v is None for v in values):
        raise _NotPlain
    return values


def _check(con: store.Connection, prep: Any, header: list[str], columns: dict[str, pd.Series],
           row_numbers: np.ndarray, meta: dict[str, Any], *, province: str | None, today: date) -> bool:
    from analytics import ingest

    cols: dict[str, int] = meta["cols"]
    n = len(row_numbers)
    communes = store.all_communes(con)
    if province:
        communes = communes[communes["province_code"] == store.canonical_code(province, "province")]
    official = dict(zip(communes["commune_code"], communes["commune"]))
    province_of = dict(zip(communes["commune_code"], communes["province_code"]))

    # unit: by code, known; its name (if given) agrees; nothing looks like a total or a heading
    def code_of(u: Any) -> str:
        canon = store.canonical_code(u, "commune")
        if canon is None or canon not in official:
            raise _NotPlain
        return canon

    code = _per_unique(columns["commune_code"], code_of)
    for canon in ("commune", "district", "commune_code"):
        if canon in columns:
            for u in pd.unique(columns[canon]):
                if isinstance(u, str) and layout.total_kind(u) is not None:
                    raise _NotPlain
    if "commune" in columns:
        pairs = pd.DataFrame({"c": code, "n": columns["commune"].astype(object)}).drop_duplicates()
        for c, name in zip(pairs["c"], pairs["n"]):
            if name is None or (isinstance(name, float) and name != name) or not str(name).strip():
                continue
            if str(name).strip() != official[c] and not UnitIndex.names_agree(str(name), official[c]):
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

    day = _per_unique(columns["report_date"], date_of)
    total = _counts(columns["books_total"], True)
    digitized = _counts(columns["books_digitized"], True)
    records = _counts(columns["records_digitized"], False) if "records_digitized" in columns else None
    if np.any(np.asarray(digitized, dtype=np.int64) > np.asarray(total, dtype=np.int64)):
        raise _NotPlain
    frame = pd.DataFrame({
        "row_no": row_numbers.astype(np.int64),
        "commune_code": code,
        "report_date": day,
        "books_total": np.asarray(total, dtype=np.int64),
        "books_digitized": np.asarray(digitized, dtype=np.int64),
        "records_digitized": (pd.array([None] * n, dtype="Int64") if records is None
                              else pd.array(records, dtype="Int64")),
    })
    if frame.duplicated(["commune_code", "report_date"]).any():
        raise _NotPlain

    # plain: fill the Prepared as the general path would
    label = {canon: (header[i] or canon) for canon, i in cols.items()}
    prep.columns = {canon: header[i] for canon, i in cols.items()}
    prep.ignored_columns = [h for i, h in enumerate(header) if h and i not in set(cols.values())]
    prep.date_source = "column"
    if meta.get("kind") == "csv":
        prep.sheet, prep.header_row, prep.rows_read = None, 1, n
        prep.kind, prep.encoding, prep.delimiter = "csv", meta["encoding"], meta["delimiter"]
        prep.header_rows, prep.title_lines = 1, []
    _dates_before_campaign(con, prep, frame, province_of, label.get("report_date"))
    prep.rows = frame
    provinces = sorted({province_of[c] for c in pd.unique(frame["commune_code"])})
    prep.province_code = provinces[0] if len(provinces) == 1 else None
    ingest._compare_with_store(con, prep, label)
    return True


def _dates_before_campaign(con: store.Connection, prep: Any, frame: pd.DataFrame, province_of: dict[str, str],
                           column: str | None) -> None:
    """A date before the campaign of a province is a warning, at the date's first row (as the general path)."""
    from analytics import ingest

    firsts = frame.groupby("report_date", sort=True)["row_no"].min()
    pairs = pd.DataFrame({"d": frame["report_date"], "p": frame["commune_code"].map(province_of)}).drop_duplicates()
    by_day = pairs.groupby("d")["p"].agg(lambda s: sorted(set(s)))
    starts: dict[str, date] = {}
    for d, row_no in firsts.items():
        for p in by_day[d]:
            if p not in starts:
                starts[p] = store.get_campaign(con, p).start
            if d < starts[p]:
                ingest._add(prep, int(row_no), column, ingest._fmt(d), "check.date_before_campaign",
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
