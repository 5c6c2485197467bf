"""Read and check a file without writing: every problem found, and the rows that would load.

A file is read (``readers``), its layout turned into the clean table (``layout.Walk``, or ``bulk`` for a plain
CSV or table, which reads it column-wise), its units matched, and the rules run on the table (``rules``). The
result, a ``model.Prepared``, is what the Upload page previews and ``commit`` writes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analytics import config, queries, readers, store, structures
from analytics.ingest import bulk, compare, layout, model, rules
from analytics.ingest.model import EMPTY_ROWS, MAX_PROBLEMS, Prepared, Problem, Units

__all__ = ["check_table", "prepare", "unit_list", "units_of"]


def prepare(
    con: store.Connection,
    data: bytes,
    file_name: str,
    *,
    report_date: date | None = None,
    province: str | None = None,
    sheet: str | None = None,
    today: date | None = None,
    size: int | None = None,
) -> Prepared:
    """Read and check a file without writing: every problem found, and the rows that would load.

    The file is read in the unit structure in force on its report date, unless its codes and names fit
    an older structure (last year's template): then in that one, with a warning that says so. See
    ``_prepare_in`` for the parameters.
    """
    kw: dict[str, Any] = {"report_date": report_date, "province": province, "sheet": sheet, "today": today, "size": size}
    options = structures.candidates_for(con, report_date or today or date.today())
    if len(options) == 1:
        return _prepare_in(con, data, file_name, None, **kw)
    first = _prepare_in(con, data, file_name, options[0].id, **kw)
    if report_date is None:
        # a file without a given date: the structure in force on its own dates (its rows'; when every row was
        # refused, e.g. for one misspelt name, the date its title or name states)
        day = max(date.fromisoformat(d) for d in first.report_dates) if first.ok else first.date_found
        if day is not None:
            current = structures.in_force(con, day)
            if current.id == options[0].id and first.ok:
                return first
            if current.id != options[0].id:
                options = structures.candidates_for(con, current.date_hint)
                first = _prepare_in(con, data, file_name, options[0].id, **kw)
    if first.ok or not first.rows_read:
        return first
    tried = [first]
    for older in options[1:]:
        attempt = _prepare_in(con, data, file_name, older.id, **kw)
        if not attempt.ok:
            tried.append(attempt)
            continue
        day = report_date or max(date.fromisoformat(d) for d in attempt.report_dates)
        current = structures.in_force(con, day)
        if current.id != older.id:  # last year's template: say which list the file was read in
            model.add(attempt, None, None, None, "check.older_structure", "fix.older_structure", "warning",
                      structure=older.label("vi"), current=current.label("vi"))
        return attempt
    # refused in every structure: report the problems of the one that knows most of its communes (a file
    # with one misspelt name is shown against its own list, not against one where nothing matches)
    return max(tried, key=lambda p: p.communes_matched)


def _prepare_in(
    con: store.Connection,
    data: bytes,
    file_name: str,
    structure_id: int | None,
    *,
    report_date: date | None = None,
    province: str | None = None,
    sheet: str | None = None,
    today: date | None = None,
    size: int | None = None,
) -> Prepared:
    """The file read and checked in one unit structure (None: the only one), nothing written.

    ``report_date`` is the date the user gave (CLI ``--date`` or the upload
    form); ``today`` (default: the real date) bounds report dates; ``size`` is
    the file's real size when the caller read only the first bytes of a file
    over the limit (the CLI does, so a huge file is never read whole).
    """
    from analytics.ingest.commit import sha256_of

    prep = Prepared(file_name=file_name, sha256=sha256_of(data), rows=EMPTY_ROWS.copy(), structure_id=structure_id)
    today = today or date.today()
    size = len(data) if size is None else size
    limit = config.max_upload_bytes()
    if size > limit or len(data) > limit:
        prep.errors.append(Problem(file_name, None, None, None, "read.too_large", "fix.split_file",
                                   {"size_mb": round(max(size, len(data)) / 1024 / 1024, 1),
                                    "limit_mb": round(limit / 1024 / 1024, 1)}))
        return prep
    units = units_of(con, province, structure_id)
    if report_date is None and sheet is None:
        plain = bulk.plain_csv(prep, data, units)
        if plain is not None:  # a plain CSV read column-wise (national files of millions of rows)
            check_table(con, prep, plain, units, today)
            return _capped(prep)
    try:
        table = readers.read_table(file_name, data, sheet)
    except readers.ReadError as exc:
        prep.errors.append(exc.problem)
        return prep
    except (MemoryError, RecursionError) as exc:  # a file built to exhaust the reader
        prep.errors.append(Problem(file_name, None, None, None, "read.bad_excel", "fix.send_table",
                                   {"detail": type(exc).__name__}))
        return prep
    prep.sheet, prep.header_row, prep.rows_read = table.sheet, table.header_row, len(table.rows)
    prep.kind, prep.encoding, prep.delimiter = table.kind, table.encoding, table.delimiter
    prep.header_rows, prep.title_lines = table.header_rows, table.title_lines
    prep.sheets, prep.data_sheets = table.sheets, table.data_sheets
    for key, params in table.notes:
        model.add(prep, None, None, None, key, "fix." + key.split(".", 1)[1], "warning", **params)
    walked = bulk.plain_table(prep, table, units) if report_date is None else None
    if walked is None:  # an office's layout: headings, subtotals, names to match
        walked = layout.Walk(con, prep, table, units, report_date=report_date).run()
    if walked is not None:
        check_table(con, prep, walked, units, today)
    return _capped(prep)


def _capped(prep: Prepared) -> Prepared:
    if len(prep.errors) > MAX_PROBLEMS:
        more = len(prep.errors) - MAX_PROBLEMS
        prep.errors = prep.errors[:MAX_PROBLEMS]
        model.add(prep, None, None, None, "check.more_errors", "fix.more_errors", count=more)
    return prep


def check_table(con: store.Connection, prep: Prepared, walked: layout.Walked, units: Units, today: date) -> None:
    """The rules on a clean table, however it was built; the rows that pass become ``prep.rows``."""
    table = walked.table
    checked = rules.check_rows(prep, table, units)
    row_problems = sorted([*walked.problems, *checked.problems], key=lambda p: (p.row, p.rank))
    prep.errors.extend(p.problem for p in row_problems)
    prep.warnings.extend(checked.warnings)
    if walked.district_column_needed:
        # a name found in several districts (the type word, when given, did not tell them apart): the
        # district column is the one problem to fix first
        prep.errors = [Problem(prep.file_name, prep.header_row, "district (Huyện)", None,
                               "check.missing_column", "fix.add_column", {"missing": "district (Huyện)"})]
        prep.unmatched = []
        return
    prep.warnings.extend(walked.notes)
    keep = rules.duplicates(prep, table, checked, units)
    if prep.errors:
        return
    frame = rules.rows_frame(table, checked, keep)
    if frame.empty:
        model.add(prep, None, None, None, "read.no_rows", "fix.send_table")
        return
    row_province = rules.provinces(table, checked, keep, units)
    rules.dates(con, prep, table, checked, keep, row_province, today)
    if prep.errors:
        return
    if walked.stated:
        rules.stated_totals(prep, table, frame, walked.stated, units.district_of())
    prep.rows = frame
    provinces = sorted(set(pd.unique(row_province)))
    prep.province_code = provinces[0] if len(provinces) == 1 else None
    compare.with_store(con, prep, table.label)


def unit_list(con: store.Connection, province: str | None, structure_id: int | None):  # -> pd.DataFrame
    """The communes a file may name: one structure's (all when None), of one province when given."""
    communes = store.all_communes(con)
    if structure_id is not None:
        communes = communes[communes["structure_id"] == structure_id]
    if province:
        code = store.canonical_code(province, "province")
        communes = communes[(communes["province_code"] == code) | (communes["province_ref"] == code)]
    return communes


_UNITS_CACHE: dict[tuple, Units] = {}


def units_of(con: store.Connection, province: str | None, structure_id: int | None = None) -> Units:
    """The unit list and its matching index, built once per state of the unit list and aliases (a
    fingerprint query), so a national file, the next upload or a page rerun does not rebuild it."""
    path = con.execute(queries.DATABASE_PATH).fetchone()[0]
    key = (path, con.execute(queries.UNITS_FINGERPRINT).fetchone(), province, structure_id) if path else None
    if key is not None and key in _UNITS_CACHE:
        return _UNITS_CACHE[key]
    communes = unit_list(con, province, structure_id)
    codes = communes["commune_code"].tolist()
    built = Units(communes, dict(zip(codes, communes["target_books_total"].tolist())),
                  dict(zip(codes, communes["province_code"].tolist())), store.aliases(con))
    if key is not None:
        if len(_UNITS_CACHE) > 8:
            _UNITS_CACHE.clear()
        _UNITS_CACHE[key] = built
    return built
