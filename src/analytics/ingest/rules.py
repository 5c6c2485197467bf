"""The import rules, each written once and checked over whole columns of the clean table.

Every file, an office's workbook walked by ``layout`` or a plain CSV read column-wise by ``bulk``, becomes a
``model.Table``; the rules below run on it the same way. A rule computes a boolean column (which rows fail)
and each failing row is named in a message with its file, its row as the user sees it (the sheet's row
number), its column, what is wrong and how to fix it. Cells are parsed once per distinct value (a national
file repeats one date 10,600 times), by the same ``values`` functions, so a file of millions of rows is
checked in seconds.

The rules, in the order a row's problems are listed:

- ``report_date``: a readable date (``value.bad_date``), the date the user gave (``check.date_differs``),
  present or stated by the file (``check.date_missing``);
- each figure: a whole number ≥ 0 (``value.not_number``, ``value.not_whole``, ``value.negative``);
- ``books_total`` given or planned for the unit (``check.total_missing``); ``books_digitized`` given
  (``check.digitized_missing``); done ≤ to do (``model.OVER_TOTAL``); the percent column agrees (a warning);
- the same commune and date twice (``check.duplicate``; with equal figures a warning, kept once);
- a date after today (``check.date_future``); before the province's campaign (a warning);
- the totals and subtotals the file states agree with its communes (a warning).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics import store
from analytics.ingest import model
from analytics.ingest.model import Prepared, RowProblem, Table, Units
from analytics.values import ValueProblem, parse_count, parse_date, parse_percent


@dataclass
class Checked:
    """The outcome of the row rules: problems by row, the rows that pass (positions) and their values."""

    problems: list[RowProblem]
    warnings: list[model.Problem]
    passed: np.ndarray  # positions into the table
    dates: np.ndarray  # object: each row's report date (None where it has none)
    counts: dict[str, np.ndarray]  # canonical -> values (int64, or object holding None)
    date_key: np.ndarray  # int64: rows with the same date have the same key
    unit_key: np.ndarray  # int64: rows of the same unit have the same key


# --- columns: each distinct cell parsed once ---------------------------------------------------------------


def is_arrow(cells: Any) -> bool:
    """A pyarrow column (``bulk`` reads plain CSV files with pyarrow; nothing else imports it)."""
    pa = sys.modules.get("pyarrow")
    return pa is not None and isinstance(cells, (pa.Array, pa.ChunkedArray))


def distinct(cells: Any) -> tuple[np.ndarray, list[Any]]:
    """(each row's index into the distinct cells, the distinct cells); empty text reads as None. Cells are told
    apart by type too (a cell holding True is not the number 1)."""
    if is_arrow(cells):
        import pyarrow as pa
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(cells)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        uniques = [None if u == "" else u for u in enc.dictionary.to_pylist()]
        return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), uniques
    seen: dict[Any, int] = {}
    uniques = []
    codes = np.empty(len(cells), dtype=np.int64)
    for i, c in enumerate(cells):
        key = (type(c), "nan") if isinstance(c, float) and c != c else (type(c), c)
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(uniques)
            uniques.append(c)
        codes[i] = k
    return codes, uniques


def cell(cells: Any, i: int) -> Any:
    """The cell at one position, as written (None when empty), for a message."""
    if is_arrow(cells):
        v = cells[int(i)].as_py()
        return None if v == "" else v
    return cells[int(i)]


@dataclass
class Parsed:
    """A column parsed: values (int64 without gaps, or object holding None), where it is empty, and the
    problem key of each row whose cell cannot be read (None: every cell could)."""

    values: np.ndarray
    missing: np.ndarray
    problems: np.ndarray | None
    codes: np.ndarray | None = None  # each row's index into ``uniques`` (the distinct cells' values)
    uniques: np.ndarray | None = None


def parse_column(cells: Any, parse: Any) -> Parsed:
    """``parse`` applied once per distinct cell; its ``ValueProblem`` becomes the row's problem key."""
    codes, uniques = distinct(cells)
    values = np.empty(len(uniques), dtype=object)
    keys = np.empty(len(uniques), dtype=object)
    for k, u in enumerate(uniques):
        try:
            values[k] = parse(u)
        except ValueProblem as exc:
            keys[k] = exc.key
    row_values = values[codes]
    row_keys = keys[codes] if any(k is not None for k in keys) else None
    return Parsed(row_values, np.equal(row_values, None), row_keys, codes, values)


def parse_counts(cells: Any) -> Parsed:
    """Whole numbers ≥ 0: a text column of plain digits is cast at once, anything else per distinct cell."""
    if is_arrow(cells):
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_string(cells.type) and len(cells) \
                and pc.all(pc.match_substring_regex(cells, r"^[0-9]{1,15}$")).as_py():
            values = pc.cast(cells, pa.int64()).to_numpy(zero_copy_only=False)
            return Parsed(values, np.zeros(len(values), dtype=bool), None)
    return parse_column(cells, parse_count)


# --- the row rules ---------------------------------------------------------------------------------------


def check_rows(prep: Prepared, table: Table, units: Units) -> Checked:
    """Dates and figures of every row (see the module's list); the units were found before (``table.unit``)."""
    n = len(table)
    label, cells = table.label, table.cells
    problems: list[RowProblem] = []
    row_no = table.row_no

    def fail(mask: np.ndarray, rank: int, column: str | None, key: str, fix: str, value: Any = None,
             **params: Any) -> None:
        """One problem per failing row; ``value``/``params`` may be functions of the row's position."""
        for i in np.flatnonzero(mask):
            v = value(i) if callable(value) else value
            ps = {k: (p(i) if callable(p) else p) for k, p in params.items()}
            problems.append(RowProblem(int(row_no[i]), rank,
                                       model.problem(prep, int(row_no[i]), column, v, key, fix, **ps)))

    bad = np.zeros(n, dtype=bool)
    # report date
    if "report_date" in cells:
        raw = cells["report_date"]
        parsed = parse_column(raw, parse_date)
        dates = parsed.values.copy()
        column = label["report_date"]
        if parsed.problems is not None:
            unreadable = np.not_equal(parsed.problems, None)
            for key in pd.unique(parsed.problems[unreadable]):
                fail(unreadable & (parsed.problems == key), model.RANK_DATE, column, key, "fix.date_format",
                     lambda i: cell(raw, i))
            bad |= unreadable
        if table.given_date is not None:
            differs = ~parsed.missing & ~bad & np.not_equal(dates, table.given_date).astype(bool)
            fail(differs, model.RANK_DATE_DIFFERS, column, "check.date_differs", "fix.date_same",
                 lambda i: cell(raw, i), given=model.fmt_date(table.given_date))
            bad |= differs
        empty = parsed.missing & ~bad
        if table.fallback_date is not None:
            dates[empty] = table.fallback_date
        else:
            fail(empty, model.RANK_DATE_MISSING, column, "check.date_missing", "fix.date_give",
                 lambda i: cell(raw, i))
            bad |= empty
        filled = parsed.uniques.copy()
        if table.fallback_date is not None:
            filled[np.equal(filled, None)] = table.fallback_date
        date_key = pd.factorize(filled)[0].astype(np.int64)[parsed.codes]
    else:
        dates = np.full(n, table.fallback_date, dtype=object)
        date_key = np.zeros(n, dtype=np.int64)
    # figures: whole numbers
    counts: dict[str, Parsed] = {}
    for r, canon in enumerate(model.COUNT_COLUMNS):
        if canon not in cells:
            continue
        raw = cells[canon]
        parsed = counts[canon] = parse_counts(raw)
        if parsed.problems is not None:
            unreadable = np.not_equal(parsed.problems, None)
            for key in pd.unique(parsed.problems[unreadable]):
                fail(unreadable & (parsed.problems == key), model.RANK_COUNT + r, label[canon], key,
                     "fix.whole_number", lambda i, raw=raw: cell(raw, i))
            bad |= unreadable
    ok = np.not_equal(table.unit, None) & ~bad
    # the planned total stands for a total left out
    if "books_total" in counts and not counts["books_total"].missing.any():
        total = counts["books_total"].values
        total_missing = np.zeros(n, dtype=bool)
    else:
        total = counts["books_total"].values.copy() if "books_total" in counts else np.full(n, None, dtype=object)
        total_missing = np.equal(total, None) & ok
    for i in np.flatnonzero(total_missing):
        target = units.targets.get(table.unit[i])
        if target is not None and not pd.isna(target):
            total[i] = int(target)
            total_missing[i] = False
    fail(total_missing, model.RANK_TOTAL_MISSING, label.get("books_total", "books_total"), "check.total_missing",
         "fix.total_give")
    ok &= ~total_missing
    digitized = counts["books_digitized"].values
    digitized_missing = ok & counts["books_digitized"].missing
    fail(digitized_missing, model.RANK_DIGITIZED_MISSING, label["books_digitized"], "check.digitized_missing",
         "fix.whole_number")
    ok &= ~digitized_missing
    values = {"books_total": total, "books_digitized": digitized}
    for canon in model.OPTIONAL_COUNTS:
        values[canon] = counts[canon].values if canon in counts else np.full(n, None, dtype=object)
    # done ≤ to do
    for rank, (done, todo, key) in enumerate(model.OVER_TOTAL, start=model.RANK_OVER_TOTAL):
        if done not in cells or todo not in values or (todo != "books_total" and todo not in cells):
            continue
        both = ok & np.not_equal(values[done], None) & np.not_equal(values[todo], None)
        over = np.zeros(n, dtype=bool)
        over[both] = np.asarray(values[done][both] > values[todo][both], dtype=bool)
        fail(over, rank, label[done], key, "fix.over_total", lambda i, raw=cells[done]: cell(raw, i),
             total=lambda i, todo=todo: int(values[todo][i]))
        ok &= ~over
    warnings = percent_agrees(prep, table, ok, values)
    unit_key = table.unit_key if table.unit_key is not None else pd.factorize(table.unit)[0].astype(np.int64)
    return Checked(problems, warnings, np.flatnonzero(ok), dates, values, date_key, unit_key)


def percent_agrees(prep: Prepared, table: Table, ok: np.ndarray, values: dict[str, np.ndarray]) -> list[Any]:
    """A percent column that disagrees with digitized / total by more than rounding: a warning per row."""
    raw = table.cells.get("extra:percent")
    if raw is None:
        return []
    out = []
    for i in np.flatnonzero(ok):
        pct = parse_percent(cell(raw, i))
        total = values["books_total"][i]
        if pct is None or not total:
            continue
        actual = 100.0 * values["books_digitized"][i] / total
        if min(abs(actual - pct), abs(actual - pct * 100.0)) > 0.6:
            out.append(model.problem(prep, int(table.row_no[i]), table.label["extra:percent"], cell(raw, i),
                                     "check.pct_mismatch", "fix.check_total", "warning",
                                     computed=f"{actual:.1f}".replace(".", ",")))
    return out


def duplicates(prep: Prepared, table: Table, checked: Checked, units: Units) -> np.ndarray:
    """The same commune and date twice: an error with different figures, a warning (kept once) when equal.
    Returns the positions that load (the first of each commune and date)."""
    passed = checked.passed
    if not len(passed):
        return passed
    unit_key, date_key = checked.unit_key[passed], checked.date_key[passed]
    pair = pd.Series(unit_key * (int(date_key.max()) + 1) + date_key)
    again = pair.duplicated(keep="first").to_numpy()
    if not again.any():
        return passed
    first_of = dict(zip(pair[~again], passed[~again]))
    column = table.label.get("commune_code") or table.label.get("commune")
    for i, key in zip(passed[again], pair[again]):
        first = first_of[key]
        same = all(_same(checked.counts[c][first], checked.counts[c][i]) for c in model.COUNT_COLUMNS
                   if c in checked.counts)
        model.add(prep, int(table.row_no[i]), column, units.unit_index().label(table.unit[i]),
                  "check.duplicate_same" if same else "check.duplicate", "fix.remove_duplicate",
                  "warning" if same else "error", first_row=int(table.row_no[first]))
    return passed[~again]


def _same(a: Any, b: Any) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def rows_frame(table: Table, checked: Checked, keep: np.ndarray) -> pd.DataFrame:
    """The rows that load (``model.ROW_COLUMNS``): Python values up to ``model.OBJECT_ROWS`` rows, numpy beyond."""
    columns: dict[str, Any] = {
        "row_no": table.row_no[keep], "commune_code": table.unit[keep], "report_date": checked.dates[keep]}
    for canon in model.ROW_COLUMNS[3:]:
        columns[canon] = checked.counts[canon][keep]
    if len(keep) <= model.OBJECT_ROWS:
        return pd.DataFrame({c: pd.Series([None if v is pd.NA else v for v in np.asarray(col).tolist()],
                                          dtype=object) for c, col in columns.items()})
    out = {}
    for c, col in columns.items():
        if c in ("books_total", "books_digitized", "row_no"):
            out[c] = np.asarray(col).astype(np.int64)
        elif c in model.OPTIONAL_COUNTS:
            out[c] = pd.array(list(col) if col.dtype == object else col, dtype="Int64")
        else:
            out[c] = col
    return pd.DataFrame(out)


# --- the dates of the rows that load ----------------------------------------------------------------------


def provinces(table: Table, checked: Checked, keep: np.ndarray, units: Units) -> np.ndarray:
    """The province of each row that loads (looked up once per unit)."""
    _, first_unit, unit_at = np.unique(checked.unit_key[keep], return_index=True, return_inverse=True)
    province_of_unit = np.array([units.province_of[u] for u in table.unit[keep[first_unit]]], dtype=object)
    return province_of_unit[unit_at]


def dates(con: store.Connection, prep: Prepared, table: Table, checked: Checked, keep: np.ndarray,
          row_province: np.ndarray, today: date) -> None:
    """A date in the future is an error; one before the campaign a warning (a baseline report is legitimate).
    Said once per date, at its first row (no row when the date is the file's own); ``keep``: the rows that load,
    ``row_province`` their provinces (``provinces``)."""
    column = table.label.get("report_date")
    _, first_day, day_key = np.unique(checked.date_key[keep], return_index=True, return_inverse=True)
    days = checked.dates[keep[first_day]]
    minima = pd.Series(table.row_no[keep]).groupby(day_key).min()
    firsts = dict(zip(minima.index.tolist(), minima.tolist()))
    pairs = pd.DataFrame({"d": day_key, "p": row_province}).drop_duplicates()
    by_day: dict[int, set[str]] = {}
    for k, p in zip(pairs["d"].tolist(), pairs["p"].tolist()):
        by_day.setdefault(k, set()).add(p)
    starts: dict[str, date] = store.campaign_starts(con)
    for k in sorted(firsts, key=lambda k: days[k]):
        d = days[k]
        row = None if prep.date_source != "column" else int(firsts[k])
        if d > today:
            model.add(prep, row, column, model.fmt_date(d), "check.date_future", "fix.date_format",
                      today=model.fmt_date(today))
            continue
        for p in sorted(by_day[k]):
            if p not in starts:
                starts[p] = store.get_campaign(con, p).start
            if d < starts[p]:
                model.add(prep, row, column, model.fmt_date(d), "check.date_before_campaign", "fix.confirm_date",
                          "warning", start=model.fmt_date(starts[p]))


def stated_totals(prep: Prepared, table: Table, frame: pd.DataFrame, stated: list[dict[str, Any]],
                  district_of: dict[str, str]) -> None:
    """Totals and subtotals the file states, against the sum of its communes (a warning on mismatch)."""
    if not stated or frame["report_date"].nunique() != 1:
        return
    by_district = frame.assign(district=frame["commune_code"].map(district_of)).groupby("district")[
        ["books_total", "books_digitized"]].sum()
    whole = frame[["books_total", "books_digitized"]].sum()
    for s in stated:
        if s["kind"] == "total":
            sums = whole
        elif s["district"] and s["district"] in by_district.index:
            sums = by_district.loc[s["district"]]
        else:
            continue
        for canon in ("books_total", "books_digitized"):
            value = s[canon]
            if value is None or canon not in table.label:
                continue
            if int(sums[canon]) != value:
                model.add(prep, s["row"], table.label[canon], value,
                          "check.total_mismatch" if s["kind"] == "total" else "check.subtotal_mismatch",
                          "fix.check_total", "warning", computed=int(sums[canon]), text=s["text"], stated=value)
