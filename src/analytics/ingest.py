"""One path from a file's bytes to the database, shared by the CLI and the Upload page.

``prepare`` reads, finds the table, maps, parses, matches and checks a file
without writing anything; ``commit`` writes a prepared file in one
transaction; ``reject`` logs a refused attempt. ``ingest_file`` does all of it,
as the CLI does. ``change_preview`` tells what a prepared file would change
(province completion before and after) without writing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

import pandas as pd

from analytics import bulk, config, layout, queries, safetext, store, structures
from analytics.errors import IngestRejected, Problem
from analytics.layout import CANONICAL, SYNONYMS, header_key  # noqa: F401  (re-exported)
from analytics.readers import RawTable, ReadError, read_table
from analytics.readers import cell_text as _cell_text
from analytics.units import Match, UnitIndex, display_code, name_key
from analytics.values import ValueProblem, date_from_file_name, date_from_lines, parse_count, parse_date, parse_percent

COUNT_COLUMNS = ("books_total", "books_digitized", "records_digitized", "records_total")
ROW_COLUMNS = ["row_no", "commune_code", "report_date", "books_total", "books_digitized", "records_digitized",
               "records_total"]
MAX_PROBLEMS = 500  # a file wrong on every row reports this many, and says how many more


def map_columns(header: list[str]) -> dict[str, int]:
    """Canonical column -> position in the file; unknown columns are ignored, the first of a kind wins."""
    return layout.map_columns(header)[0]


@dataclass
class Prepared:
    """A file read and checked, ready to be committed (or rejected)."""

    file_name: str
    sha256: str
    rows: pd.DataFrame  # row_no, commune_code, report_date, books_total, books_digitized, records_digitized
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header text in the file
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0
    province_code: str | None = None
    new_reports: int = 0
    replaced_reports: int = 0
    # what was recognized, for the Upload page's report
    kind: str | None = None  # csv | xlsx | xls
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: int = 1
    title_lines: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    data_sheets: list[str] = field(default_factory=list)
    date_source: str | None = None  # column | form | title | file_name
    skipped: list[dict[str, Any]] = field(default_factory=list)  # headings, subtotals, totals: row, kind, text
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # names to pick a unit for: row, name, codes
    ignored_columns: list[str] = field(default_factory=list)
    matched: set[str] = field(default_factory=set)  # communes matched by any means, rows with other errors too
    date_found: date | None = None  # the file's one date (title, file name, form), even when rows were refused
    structure_id: int | None = None  # the unit structure the file was read in (None: the only one)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def report_dates(self) -> list[str]:
        if self.rows.empty:
            return []
        return sorted({d.isoformat() for d in pd.unique(self.rows["report_date"])})

    @property
    def communes_matched(self) -> int:
        """Communes the file names that were found in the unit list (by code, name or a remembered alias),
        counting rows refused for another reason: "0 matched" for a file of known codes would mislead."""
        loaded = 0 if self.rows.empty else int(self.rows["commune_code"].nunique())
        return max(loaded, len(self.matched))


@dataclass
class IngestResult:
    file: str
    upload_id: int
    rows: int
    communes: int
    report_dates: list[str]
    unchanged: bool
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "upload_id": self.upload_id,
            "rows": self.rows,
            "communes": self.communes,
            "report_dates": self.report_dates,
            "ok": True,
            "unchanged": self.unchanged,
        }
        if self.warnings:
            out["warnings"] = [w.as_dict(lang) for w in self.warnings]
        return out


EMPTY_ROWS = pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    kw: dict[str, Any] = dict(report_date=report_date, province=province, sheet=sheet, today=today, size=size)
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
            _add(attempt, None, None, None, "check.older_structure", "fix.older_structure", "warning",
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
    digest = sha256_of(data)
    prep = Prepared(file_name=file_name, sha256=digest, rows=EMPTY_ROWS.copy(), structure_id=structure_id)
    size = len(data) if size is None else size
    limit = config.max_upload_bytes()
    if size > limit or len(data) > limit:
        prep.errors.append(Problem(file_name, None, None, None, "read.too_large", "fix.split_file",
                                   {"size_mb": round(max(size, len(data)) / 1024 / 1024, 1),
                                    "limit_mb": round(limit / 1024 / 1024, 1)}))
        return prep
    if bulk.try_prepare_csv(con, prep, data, report_date=report_date, province=province, sheet=sheet,
                            today=today or date.today()):
        return prep  # a plain CSV, checked column by column (national files of millions of rows)
    try:
        table = read_table(file_name, data, sheet)
    except ReadError as exc:
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
        _add(prep, None, None, None, key, "fix." + key.split(".", 1)[1], "warning", **params)
    if not bulk.try_check_table(con, prep, table, report_date=report_date, province=province,
                                today=today or date.today()):  # a plain table, column by column
        _Checker(con, prep, table, report_date=report_date, province=province, today=today or date.today()).run()
    if len(prep.errors) > MAX_PROBLEMS:
        more = len(prep.errors) - MAX_PROBLEMS
        prep.errors = prep.errors[:MAX_PROBLEMS]
        _add(prep, None, None, None, "check.more_errors", "fix.more_errors", count=more)
    return prep


def cell_text(cell: Any) -> str:
    """A cell as the user reads it in messages, the upload log and the CLI's output, without control
    characters. A report's names are only matched against the unit list (``units.name_key`` already reads
    a control character as a space) and never stored as names, so a stray one is cleaned, not refused:
    refusing a day's figures over an invisible character would leave the officer nothing to look for."""
    return safetext.clean(_cell_text(cell))


def _add(prep: Prepared, row: int | None, column: str | None, value: Any, key: str, fix: str,
         severity: str = "error", **params: Any) -> None:
    problem = Problem(prep.file_name, row, column, None if value is None else cell_text(value), key, fix, params,
                      severity)
    (prep.errors if severity == "error" else prep.warnings).append(problem)


def _is_empty(cell: Any) -> bool:
    if cell is None:
        return True
    if type(cell) is str:
        return not cell or cell.isspace()
    return isinstance(cell, float) and cell != cell


def _lenient_count(cell: Any) -> int | None:
    try:
        return parse_count(cell)
    except ValueProblem:
        return None


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def row_has_figures(cells: Any) -> bool:
    """Whether a row gives any figure: the one rule for a row to load or be skipped as not filled in (a
    template row); ``bulk`` leaves every file with such a row to the row checks."""
    return any(not _is_empty(c) for c in cells)


def t_kind(kind: str) -> str:
    """The Vietnamese name of a figure column, for messages about its header."""
    return {"books_total": "Tổng số sổ", "books_digitized": "Số sổ đã số hóa",
            "records_digitized": "Số trường hợp đã số hóa", "records_total": "Tổng số trường hợp"}.get(kind, kind)


def _column_letter(i: int) -> str:
    """Spreadsheet column letters (0 -> A, 26 -> AA), as the user sees them."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


_HEADER_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2,4}))?(?!\d)")
_PREVIOUS = re.compile(r"\b(truoc|cu|ky truoc|tuan truoc|lan truoc|previous|last week|old)\b")
_PERIOD = re.compile(r"\b(trong ngay|trong tuan|trong ky|trong thang|tang them|phat sinh|this week only)\b")
_CUMULATIVE = re.compile(r"\b(luy ke|cong don|cumulative)\b")


def _pick_column(headers: list[str], report_date: date | None) -> int | None:
    """Which of several headers of one figure to read (index), or None when the headers do not say."""
    dates: list[tuple[int, int, int | None] | None] = []
    for h in headers:
        m = _HEADER_DATE.search(str(h))
        if m is None:
            dates.append(None)
            continue
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        if year is not None and year < 100:
            year += 2000
        ok = 1 <= day <= 31 and 1 <= month <= 12
        dates.append((day, month, year) if ok else None)
    if report_date is not None:
        same = [i for i, d in enumerate(dates) if d and (d[0], d[1]) == (report_date.day, report_date.month)
                and d[2] in (None, report_date.year)]
        if len(same) == 1:
            return same[0]
    if all(dates):
        keys = [((d[2] or (report_date.year if report_date else 0)), d[1], d[0]) for d in dates if d]
        latest = max(keys)
        if keys.count(latest) == 1:
            return keys.index(latest)
    folded = [" ".join(re.sub(r"[^a-z0-9]+", " ", layout.fold(h)).split()) for h in headers]
    cumulative = [i for i, f in enumerate(folded) if _CUMULATIVE.search(f)]
    if len(cumulative) == 1:
        return cumulative[0]
    current = [i for i, f in enumerate(folded) if not _PREVIOUS.search(f) and not _PERIOD.search(f)]
    if len(current) == 1:
        return current[0]
    return None


_UNITS_CACHE: dict[tuple, tuple] = {}


def unit_list(con: store.Connection, province: str | None, structure_id: int | None) -> pd.DataFrame:
    """The communes a file may name: one structure's (all when None), of one province when given."""
    communes = store.all_communes(con)
    if structure_id is not None:
        communes = communes[communes["structure_id"] == structure_id]
    if province:
        code = store.canonical_code(province, "province")
        communes = communes[(communes["province_code"] == code) | (communes["province_ref"] == code)]
    return communes


def _units(con: store.Connection, province: str | None,
           structure_id: int | None = None) -> tuple[pd.DataFrame, UnitIndex, dict, dict]:
    """The unit list and its matching index, built once per state of the unit list and aliases (a
    fingerprint query), so a national file, the next upload or a page rerun does not rebuild it."""
    path = con.execute(queries.DATABASE_PATH).fetchone()[0]
    key = (path, con.execute(queries.UNITS_FINGERPRINT).fetchone(), province, structure_id) if path else None
    if key is not None and key in _UNITS_CACHE:
        return _UNITS_CACHE[key]
    communes = unit_list(con, province, structure_id)
    built = (communes, UnitIndex(communes, store.aliases(con)),
             dict(zip(communes["commune_code"], communes["target_books_total"])),
             dict(zip(communes["commune_code"], communes["province_code"])))
    if key is not None:
        if len(_UNITS_CACHE) > 8:
            _UNITS_CACHE.clear()
        _UNITS_CACHE[key] = built
    return built


class _Checker:
    """The checks of one file, in one pass over its rows (the unit index is built once)."""

    ambiguous: list[date]  # the dates a title or file name states, when it states several

    def __init__(self, con: store.Connection, prep: Prepared, table: RawTable, *, report_date: date | None,
                 province: str | None, today: date) -> None:
        self.con, self.prep, self.table = con, prep, table
        self.given_date, self.today = report_date, today
        self.cols = dict(table.columns) if table.columns else map_columns(table.header)
        self.extras = dict(table.extras)
        self.drop_code_column_without_codes()
        self.label = {canon: (table.header[i] or canon) for canon, i in self.cols.items()}
        prep.columns = {canon: table.header[i] for canon, i in self.cols.items()}
        used = set(self.cols.values()) | set(self.extras.values())
        prep.ignored_columns = [h for i, h in enumerate(table.header) if h and i not in used]
        self.communes, self.index, self.targets, self.province_of = _units(con, province, prep.structure_id)
        self.district_aliases = store.district_aliases(con)

    def match_district(self, name: Any) -> Any:
        """A district by name: a name a user matched to a district before wins, else the unit list."""
        code = self.district_aliases.get(name_key(name))
        if code in self.index.district_names:
            return Match(code)
        return self.index.match_district(name)

    def get(self, row: list[Any], canon: str) -> Any:
        i = self.cols.get(canon)
        return row[i] if i is not None and i < len(row) else None

    def extra(self, row: list[Any], kind: str) -> Any:
        i = self.extras.get(kind)
        return row[i] if i is not None and i < len(row) else None

    # --- the file's own date (title line, file name, form) ---------------------------------------
    def file_date(self) -> tuple[date | None, str | None]:
        """(date, where it came from) for rows without a date; an error when it cannot be known."""
        prep = self.prep
        title, title_all = date_from_lines(self.table.title_lines)
        named, named_all = date_from_file_name(prep.file_name)
        if self.given_date is not None:
            stated = title or named
            if stated is not None and stated != self.given_date and "report_date" not in self.cols:
                _add(prep, None, None, _fmt(stated), "check.date_title_differs", "fix.date_same", "warning",
                     given=_fmt(self.given_date), stated=_fmt(stated))
            return self.given_date, "form"
        if title is not None:
            return title, "title"
        if title_all:
            self.ambiguous = title_all
            return None, None
        if named is not None:
            return named, "file_name"
        if named_all:
            self.ambiguous = named_all
        return None, None

    def run(self) -> None:
        prep, table, cols, index = self.prep, self.table, self.cols, self.index
        self.ambiguous = []
        fallback_date, source = self.file_date()
        prep.date_found = fallback_date
        # required columns
        missing = []
        if "commune" not in cols and "commune_code" not in cols:
            missing.append("commune_code / commune (Mã xã / Tên đơn vị)")
        if "books_digitized" not in cols:
            missing.append("books_digitized (Số sổ đã số hóa)")
        if "report_date" not in cols and fallback_date is None and not self.ambiguous:
            missing.append("report_date (Ngày báo cáo)")
        for name in missing:
            fix = "fix.date_give" if name.startswith("report_date") else "fix.add_column"
            _add(prep, table.header_row, name, None, "check.missing_column", fix, missing=name)
        if "report_date" not in cols and self.ambiguous:
            _add(prep, None, None, None, "check.date_ambiguous", "fix.date_give",
                 dates=", ".join(_fmt(d) for d in self.ambiguous))
        self.pick_duplicate_columns(fallback_date)
        if prep.errors:
            return
        self.file_district, self.file_district_from = self.district_of_file()
        if not table.rows:
            _add(prep, None, None, None, "read.no_rows", "fix.send_table")
            return
        prep.date_source = "column" if "report_date" in cols else source
        records, stated = self.read_rows(fallback_date, source)
        if "commune_code" not in cols and index.three_level and "district" not in cols \
                and "district_code" not in cols and not self.headings_seen and self.file_district is None \
                and any(p.problem_key == "check.ambiguous_commune" for p in prep.errors):
            # a name found in several districts (the type word, when given, did not tell them apart): the
            # district column is the one problem to fix first
            prep.errors = [Problem(prep.file_name, table.header_row, "district (Huyện)", None,
                                   "check.missing_column", "fix.add_column", {"missing": "district (Huyện)"})]
            prep.unmatched = []
            return
        if self.used_file_district:
            where, text = self.file_district_from
            _add(prep, None, None, None, f"check.district_from_{where}", "fix.district_from_file", "warning",
                 district=index.district_names[self.file_district], text=text)
        if self.without_figures:
            _add(prep, None, None, None, "check.rows_without_figures", "fix.rows_without_figures", "warning",
                 count=self.without_figures)
        kept = self.deduplicate(records)
        if prep.errors:
            return
        frame = pd.DataFrame(kept, columns=ROW_COLUMNS, dtype=object)
        if frame.empty:
            _add(prep, None, None, None, "read.no_rows", "fix.send_table")
            return
        self.check_dates(frame)
        if prep.errors:
            return
        self.check_totals(frame, stated)
        prep.rows = frame
        provinces = sorted({self.province_of[c] for c in frame["commune_code"]})
        prep.province_code = provinces[0] if len(provinces) == 1 else None
        _compare_with_store(self.con, prep, self.label)

    # --- rows ---------------------------------------------------------------------------------
    def read_rows(self, fallback_date: date | None, source: str | None) -> tuple[list[dict], list[dict]]:
        prep, table, index = self.prep, self.table, self.index
        records: list[dict[str, Any]] = []
        stated: list[dict[str, Any]] = []  # totals and subtotals the file states
        current_district: str | None = self.file_district
        self.headings_seen = False
        self.used_file_district = False
        self.without_figures = 0
        has_date_col = "report_date" in self.cols
        name_col = self.cols.get("commune")
        after_total = False
        communes_seen = False  # a total above the communes (right under the header) does not end the table
        district_above: Any = None  # the district cell of the rows above, for the empty cells of its block
        for n, (row, row_no) in enumerate(zip(table.rows, table.row_numbers)):
            if n < 2 and layout.is_numbering_row(row):
                prep.skipped.append({"row": row_no, "kind": "numbering", "text": ""})
                continue
            if after_total:  # signatures and notes under the "Tổng cộng" row
                prep.skipped.append({"row": row_no, "kind": "footer", "text": ""})
                continue
            raw_code, raw_name = self.get(row, "commune_code"), self.get(row, "commune")
            raw_district = self.get(row, "district")
            stt = self.extra(row, "stt")
            # totals and subtotals ("Tổng cộng", "Cộng huyện X")
            text = next((c.strip() for c in (raw_name, stt, raw_district, raw_code)
                         if type(c) is str and c and not c.isspace()), "")
            if not text and name_col is None:
                text = next((cell_text(c) for c in row if isinstance(c, str) and c.strip()), "")
            kind = layout.total_kind(text) if text else None
            if kind is not None:
                district = current_district
                if kind == "subtotal":
                    named = layout.subtotal_name(text)
                    if named:
                        dm = self.match_district(named)
                        district = dm.code or district
                stated.append({"row": row_no, "kind": kind, "district": district if kind == "subtotal" else None,
                               "books_total": _lenient_count(self.get(row, "books_total")),
                               "books_digitized": _lenient_count(self.get(row, "books_digitized")), "text": text})
                prep.skipped.append({"row": row_no, "kind": kind, "text": text})
                after_total = kind == "total" and communes_seen
                continue
            if _is_empty(raw_code) and _is_empty(raw_name) and all(
                    _is_empty(self.get(row, c)) for c in COUNT_COLUMNS):
                prep.skipped.append({"row": row_no, "kind": "note", "text": cell_text(
                    next((c for c in row if not _is_empty(c)), ""))})
                continue
            # district headings (with or without the district's figures)
            if _is_empty(raw_code):
                heading = self.heading(raw_name, raw_district, stt, row)
                if heading is not None:
                    code, has_figures = heading
                    self.headings_seen = True
                    if code:
                        current_district = code
                    if has_figures and code:
                        stated.append({"row": row_no, "kind": "subtotal", "district": code,
                                       "books_total": _lenient_count(self.get(row, "books_total")),
                                       "books_digitized": _lenient_count(self.get(row, "books_digitized")),
                                       "text": cell_text(raw_name or raw_district)})
                    prep.skipped.append({"row": row_no, "kind": "heading",
                                         "text": cell_text(raw_name or raw_district or stt)})
                    district_above = None
                    continue
            # a district written once for its block (a merged cell, or left empty below): the cells under it
            filled = False
            if not _is_empty(raw_district):
                district_above = raw_district
            elif district_above is not None:
                raw_district, filled = district_above, True
            if not row_has_figures(self.get(row, c) for c in COUNT_COLUMNS if c in self.cols):
                # a template row the clerk left blank (every commune is pre-filled); text that is no unit is a note
                scope = current_district if _is_empty(raw_district) else self.match_district(raw_district).code
                if index.match_commune(None if _is_empty(raw_code) else raw_code,
                                       None if _is_empty(raw_name) else raw_name, scope).code:
                    self.without_figures += 1
                    prep.skipped.append({"row": row_no, "kind": "no_figures", "text": cell_text(raw_name or raw_code)})
                else:
                    prep.skipped.append({"row": row_no, "kind": "note", "text": cell_text(raw_name or raw_code)})
                continue
            communes_seen = True
            if _is_empty(raw_code) and _is_empty(raw_district) and current_district is not None \
                    and current_district == self.file_district and not self.headings_seen:
                self.used_file_district = True
            rec = self.read_record(row, row_no, raw_code, raw_name, raw_district, current_district,
                                   fallback_date, has_date_col, filled)
            if rec is not None:
                records.append(rec)
        return records, stated

    def district_of_file(self) -> tuple[str | None, tuple[str, str]]:
        """A district's own report names its district only above the table ("UBND HUYỆN PHƯỚC SƠN") or in
        the file name (bao_cao_phuoc_son_25-02.xlsx): (its code, (where, the text that named it)).

        Only when the rows have no codes and the unit list has districts; a title naming two is not guessed.
        """
        index, table = self.index, self.table
        if not index.three_level or "commune_code" in self.cols:
            return None, ("", "")
        named: dict[str, str] = {}
        for line in table.title_lines:
            for code in index.districts_in_text(line, typed=True):
                named.setdefault(code, line)
        if len(named) == 1:
            code, line = next(iter(named.items()))
            return code, ("title", line[:120])
        if named:
            return None, ("", "")
        stem = PurePath(self.prep.file_name).stem
        found = index.districts_in_text(stem, typed=False)
        if len(found) == 1:
            return next(iter(found)), ("file_name", self.prep.file_name)
        return None, ("", "")

    def drop_code_column_without_codes(self) -> None:
        """A "Mã ..." column none of whose cells is a number ("PS01", an office's own numbering) holds no unit
        codes: the names are read instead (the column is listed as ignored)."""
        i = self.cols.get("commune_code")
        if i is None or "commune" not in self.cols:
            return
        texts = 0
        for row in self.table.rows:
            if i < len(row) and not _is_empty(row[i]):
                canon = store.canonical_code(row[i], "commune")
                if canon is not None and canon.isdigit():
                    return
                texts += 1
        if texts:
            del self.cols["commune_code"]

    def latest_date_in_column(self) -> date | None:
        """The latest date of the date column (unreadable cells are reported later, by the row checks)."""
        if "report_date" not in self.cols:
            return None
        found = []
        for row in self.table.rows:
            try:
                d = parse_date(self.get(row, "report_date"))
            except ValueProblem:
                continue
            if d is not None:
                found.append(d)
        return max(found) if found else None

    def pick_duplicate_columns(self, report_date: date | None) -> None:
        """Two columns of one figure ("Đã số hóa đến 18/02" kept beside "... đến 25/02"): the one whose header
        names the report date, else the latest date, else this period's; else an error naming both."""
        prep, header = self.prep, self.table.header
        duplicates = layout.duplicate_columns(header)
        if duplicates and report_date is None:
            report_date = self.latest_date_in_column()
        for kind, positions in duplicates.items():
            chosen = _pick_column([header[i] for i in positions], report_date)
            if chosen is None:  # headers that do not say, but only one of the columns is filled in
                filled = [k for k, i in enumerate(positions)
                          if any(i < len(row) and not _is_empty(row[i]) for row in self.table.rows)]
                chosen = filled[0] if len(filled) == 1 else None
            names = ", ".join(f"«{header[i]}» ({_column_letter(i)})" for i in positions)
            if chosen is None:
                _add(prep, self.table.header_row, t_kind(kind), None, "check.columns_same_kind", "fix.columns_same_kind",
                     columns=names, kind=t_kind(kind))
                continue
            pos = positions[chosen]
            self.cols[kind] = pos
            self.label[kind] = header[pos] or kind
            prep.columns[kind] = header[pos]
            prep.ignored_columns = [h for h in prep.ignored_columns if h != header[pos]]
            for i in positions:
                if i != pos and header[i] and header[i] not in prep.ignored_columns:
                    prep.ignored_columns.append(header[i])
            _add(prep, self.table.header_row, header[pos], None, "check.column_chosen", "fix.column_chosen",
                 "warning", chosen=f"«{header[pos]}» ({_column_letter(pos)})", columns=names, kind=t_kind(kind))

    def heading(self, raw_name: Any, raw_district: Any, stt: Any, row: list[Any]) -> tuple[str | None, bool] | None:
        """(district code or None, whether the row carries figures) when the row heads a district; else None."""
        index = self.index
        figures = any(not _is_empty(self.get(row, c)) for c in ("books_total", "books_digitized"))
        if _is_empty(raw_name):
            if not _is_empty(raw_district) and "commune" in self.cols:
                dm = self.match_district(raw_district)
                return (dm.code, figures) if dm.code else None
            return None
        if not index.three_level:
            return ("", figures) if layout.is_heading_number(stt) and not figures else None
        name = str(raw_name)
        typed = layout.looks_like_district_name(name)
        numbered = layout.is_heading_number(stt)
        if not (typed or numbered or (_is_empty(stt) and not figures)):
            return None
        dm = self.match_district(name)
        if dm.code is None:
            return ("", figures) if numbered and not figures else None
        if typed or numbered:
            return dm.code, figures
        # a bare name without figures: a heading only when it is not also a commune's name
        cm = index.match_commune(None, name, dm.code)
        return (dm.code, figures) if cm.code is None else None

    def read_record(self, row: list[Any], row_no: int, raw_code: Any, raw_name: Any, raw_district: Any,
                    current_district: str | None, fallback_date: date | None, has_date_col: bool,
                    filled: bool = False) -> dict[str, Any] | None:
        prep, index, label = self.prep, self.index, self.label
        rec: dict[str, Any] = {"row_no": row_no}
        bad = False
        # date
        d = None
        if has_date_col:
            raw_date = self.get(row, "report_date")
            try:
                d = parse_date(raw_date)
            except ValueProblem as exc:
                _add(prep, row_no, label["report_date"], raw_date, exc.key, "fix.date_format")
                bad = True
            if d is not None and self.given_date is not None and d != self.given_date:
                _add(prep, row_no, label["report_date"], raw_date, "check.date_differs", "fix.date_same",
                     given=_fmt(self.given_date))
                bad = True
            if d is None and not bad:
                d = fallback_date
                if d is None:
                    _add(prep, row_no, label["report_date"], raw_date, "check.date_missing", "fix.date_give")
                    bad = True
        else:
            d = fallback_date
        rec["report_date"] = d
        # numbers
        for canon in COUNT_COLUMNS:
            if canon not in self.cols:
                rec[canon] = None
                continue
            raw = self.get(row, canon)
            try:
                rec[canon] = parse_count(raw)
            except ValueProblem as exc:
                _add(prep, row_no, label[canon], raw, exc.key, "fix.whole_number")
                rec[canon], bad = None, True
        # unit: by code; else by name within its district
        if _is_empty(raw_code) and _is_empty(raw_name):
            _add(prep, row_no, label.get("commune_code") or label.get("commune"), None, "check.no_commune",
                 "fix.give_commune")
            return None
        district_code, district_failed = None, False
        if _is_empty(raw_code) and index.three_level:
            raw_dcode = self.get(row, "district_code")
            if not _is_empty(raw_dcode):
                district_code = store.canonical_code(raw_dcode, "district")
                if district_code not in index.district_names:
                    _add(prep, row_no, label["district_code"], raw_dcode, "check.unknown_district",
                         "fix.check_name", candidates="")
                    district_failed = True
            elif not _is_empty(raw_district):
                dm = self.match_district(raw_district)
                if dm.code is None:
                    code_of = {f"{n} ({c})": c for c, n in index.district_names.items()}  # match_district's labels
                    codes = [code_of[c] for c in dm.candidates if c in code_of]
                    labels = [f"{index.district_names[c]} ({display_code(c)})" for c in codes]  # codes as written
                    _add(prep, row_no, label["district"], raw_district, f"check.{dm.reason}_district",
                         "fix.pick_unit" if codes else "fix.check_name",
                         candidates="; ".join(labels or dm.candidates) or "–")
                    prep.unmatched.append({"row": row_no, "name": cell_text(raw_district), "level": "district",
                                           "district_code": None, "alias_key": name_key(raw_district),
                                           "codes": codes, "candidates": labels})
                    district_failed = True
                district_code = dm.code
            else:
                district_code = current_district
        rec["commune_code"] = None
        if district_failed:
            return None
        m = index.match_commune(None if _is_empty(raw_code) else raw_code,
                                None if _is_empty(raw_name) else raw_name, district_code)
        if m.code is None and filled and m.reason == "unknown":
            # the district came from the rows above: a commune of another district left its cell empty
            other = index.match_commune(None, raw_name, None)
            m = other if other.code else m
        if m.code is None:
            by_code = not _is_empty(raw_code)
            column = label.get("commune_code") if by_code else label.get("commune")
            value = raw_code if by_code else raw_name
            if m.reason == "name_mismatch":
                value = f"{cell_text(raw_code)} / {cell_text(raw_name)}"
            pickable = not by_code and m.reason in ("unknown", "ambiguous") and bool(m.codes)
            _add(prep, row_no, column, value, f"check.{m.reason}_commune",
                 "fix.pick_unit" if pickable else "fix.check_name", candidates="; ".join(m.candidates) or "–")
            if not by_code and m.reason in ("unknown", "ambiguous"):
                prep.unmatched.append({"row": row_no, "name": cell_text(raw_name), "level": "commune",
                                       "district_code": district_code,
                                       "alias_key": name_key(raw_name), "codes": m.codes,
                                       "candidates": m.candidates})
            return None
        rec["commune_code"] = m.code
        prep.matched.add(m.code)
        if bad:
            return None
        # figures
        if rec["books_total"] is None:
            target = self.targets.get(m.code)
            if target is None or pd.isna(target):
                _add(prep, row_no, label.get("books_total", "books_total"), None, "check.total_missing",
                     "fix.total_give")
                return None
            rec["books_total"] = int(target)
        if rec["books_digitized"] is None:
            _add(prep, row_no, label["books_digitized"], None, "check.digitized_missing", "fix.whole_number")
            return None
        if rec["books_digitized"] > rec["books_total"]:
            _add(prep, row_no, label["books_digitized"], self.get(row, "books_digitized"), "check.over_total",
                 "fix.over_total", total=rec["books_total"])
            return None
        if rec["records_total"] is not None and rec["records_digitized"] is not None \
                and rec["records_digitized"] > rec["records_total"]:
            _add(prep, row_no, label["records_digitized"], self.get(row, "records_digitized"),
                 "check.records_over_total", "fix.over_total", total=rec["records_total"])
            return None
        pct = parse_percent(self.extra(row, "percent"))
        if pct is not None and rec["books_total"]:
            actual = 100.0 * rec["books_digitized"] / rec["books_total"]
            if min(abs(actual - pct), abs(actual - pct * 100.0)) > 0.6:
                column = self.table.header[self.extras["percent"]]
                _add(prep, row_no, column, self.extra(row, "percent"), "check.pct_mismatch", "fix.check_total",
                     "warning", computed=f"{actual:.1f}".replace(".", ","))
        return rec

    def deduplicate(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The same commune and date twice: an error with different figures, a warning (kept once) when equal."""
        prep, index = self.prep, self.index
        seen: dict[tuple[str, date], dict[str, Any]] = {}
        kept: list[dict[str, Any]] = []
        column = self.label.get("commune_code") or self.label.get("commune")
        for rec in records:
            key = (rec["commune_code"], rec["report_date"])
            first = seen.get(key)
            if first is None:
                seen[key] = rec
                kept.append(rec)
                continue
            same = all(first[c] == rec[c] for c in COUNT_COLUMNS)
            _add(prep, rec["row_no"], column, index.label(rec["commune_code"]),
                 "check.duplicate_same" if same else "check.duplicate", "fix.remove_duplicate",
                 "warning" if same else "error", first_row=first["row_no"])
        return kept

    def check_dates(self, frame: pd.DataFrame) -> None:
        """A date in the future is an error; one before the campaign a warning (a baseline report is legitimate)."""
        prep = self.prep
        column = self.label.get("report_date")
        firsts = frame.groupby("report_date", sort=True)["row_no"].min()
        starts: dict[str, date] = {}
        for d, row_no in firsts.items():
            row = None if prep.date_source != "column" else int(row_no)
            if d > self.today:
                _add(prep, row, column, _fmt(d), "check.date_future", "fix.date_format", today=_fmt(self.today))
                continue
            codes = frame.loc[frame["report_date"] == d, "commune_code"]
            for p in sorted({self.province_of[c] for c in codes}):
                if p not in starts:
                    starts[p] = store.get_campaign(self.con, p).start
                if d < starts[p]:
                    _add(prep, row, column, _fmt(d), "check.date_before_campaign", "fix.confirm_date", "warning",
                         start=_fmt(starts[p]))

    def check_totals(self, frame: pd.DataFrame, stated: list[dict[str, Any]]) -> None:
        """Totals and subtotals the file states, against the sum of its communes (a warning on mismatch)."""
        if not stated or frame["report_date"].nunique() != 1:
            return
        district_of = dict(zip(self.communes["commune_code"], self.communes["district_code"]))
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
                if value is None or canon not in self.cols:
                    continue
                if int(sums[canon]) != value:
                    _add(self.prep, s["row"], self.label[canon], value,
                         "check.total_mismatch" if s["kind"] == "total" else "check.subtotal_mismatch",
                         "fix.check_total", "warning", computed=int(sums[canon]), text=s["text"], stated=value)


def _compare_with_store(con: store.Connection, prep: Prepared, label: dict[str, str]) -> None:
    """Count new and replaced reports; warn where a cumulative figure goes down (one SQL query, bulk.py)."""
    bulk.compare_with_store(con, prep, label)


def change_preview(con: store.Connection, prep: Prepared) -> dict[str, Any]:
    """Province completion now and with the file applied (computed by ``metrics``, nothing written).

    Both are taken on the same as-of date: the later of the province's latest
    report and the file's latest date.
    """
    from analytics import metrics

    if prep.errors or prep.rows.empty:
        return {}
    province = prep.province_code or store.default_province(con)
    _, last = metrics.report_span(con, province)
    file_last = max(prep.rows["report_date"])
    as_of = max(d for d in (last, file_last) if d is not None)
    demo = store.is_demo(con)
    # in books whatever the campaign's measure: a file may give no records, and the preview's figures and
    # the implausible-jump check are books
    before = metrics.summary(con, province, as_of, measure="books")
    if demo:  # the demo goes away with this file: there is no real "before"
        before = {key: None for key in before}
    with store.what_if(con, prep.rows):
        after = metrics.summary(con, province, as_of, measure="books")
    return {
        "province": province,
        "as_of": as_of,
        "demo": demo,  # the first real upload replaces the demo: nothing to compare with
        "previous": None if demo else store.previous_figures(con, prep.rows),
        "jump_pct": jump_pct(con, province),
        "new_reports": prep.new_reports,
        "replaced_reports": prep.replaced_reports,
        "completion_before": before["completion_pct"],
        "completion_after": after["completion_pct"],
        "books_digitized_before": before["books_digitized"],
        "books_digitized_after": after["books_digitized"],
        "units_reporting_before": before["units_reporting"],
        "units_reporting_after": after["units_reporting"],
    }


def jump_pct(con: store.Connection, province: str) -> float:
    """The daily increase, in % of a commune's books, above which the Upload page asks to check a figure
    (setting ``jump_pct``; a 20-day campaign needs about 5 % a day, so 20 % a day is rarely real)."""
    try:
        return float(store.get_setting(con, province, "jump_pct", str(config.DEFAULT_JUMP_PCT)) or 0)
    except ValueError:
        return float(config.DEFAULT_JUMP_PCT)


def _acting(user: Any, source: str) -> tuple[str | None, str]:
    """Who writes (issue 7): the app passes an ``auth.User``; the CLI (the local operator) a name or None."""
    from analytics import auth

    if isinstance(user, auth.User):
        return user.name, source
    if source == "app" and _APP_NEEDS_USER:
        raise auth.Forbidden("auth.sign_in_needed")
    return user, source


_APP_NEEDS_USER = True  # the Upload page passes the signed-in ``auth.User``


def _surface(source: str) -> str:
    """Where the log's fixes will be read: a page's wording names its controls, the CLI's its flags."""
    return "page" if source == "app" else "cli"


def commit(con: store.Connection, prep: Prepared, *, user: Any = None, source: str = "cli") -> IngestResult:
    """Write a checked file in one transaction; the same bytes giving the same dates change nothing.

    ``user`` is an ``auth.User`` when the app writes: it must be allowed to upload for every commune of
    the file (``auth.Forbidden`` otherwise, nothing written)."""
    from analytics import auth

    if prep.errors:
        raise ValueError("commit() needs a file without errors")
    if isinstance(user, auth.User):
        auth.check(con, user, "upload", set(prep.rows["commune_code"]), target=prep.province_code,
                   file_name=prep.file_name)  # a refusal is logged in the audit, nothing else is written
    user, source = _acting(user, source)
    upload_id, unchanged = store.commit_reports(
        con,
        file_name=prep.file_name,
        sha256=prep.sha256,
        rows=prep.rows,
        province_code=prep.province_code,
        warnings=[w.as_dict("vi", surface=_surface(source)) for w in prep.warnings],
        user=user,
        source=source,
    )
    return IngestResult(prep.file_name, upload_id, len(prep.rows), int(prep.rows["commune_code"].nunique()),
                        prep.report_dates, unchanged, prep.warnings)


def reject(con: store.Connection, prep: Prepared, *, user: Any = None, source: str = "cli",
           problems: list[Problem] | None = None) -> IngestRejected:
    """Log a rejected attempt and return the exception to raise."""
    problems = prep.errors if problems is None else problems
    user, source = _acting(user, source)
    upload_id = store.log_rejected(con, prep.file_name, prep.sha256, prep.rows_read,
                                   [p.as_dict("vi", surface=_surface(source)) for p in problems], user=user,
                                   source=source)
    return IngestRejected(prep.file_name, problems, upload_id)


def ingest_file(
    con: store.Connection,
    data: bytes,
    file_name: str,
    *,
    report_date: date | None = None,
    province: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    user: str | None = None,
    source: str = "cli",
    today: date | None = None,
    size: int | None = None,
) -> IngestResult:
    """Prepare and commit one file: loaded whole, or rejected (logged) with every problem found."""
    prep = prepare(con, data, file_name, report_date=report_date, province=province, sheet=sheet, today=today,
                   size=size)
    if prep.errors:
        raise reject(con, prep, user=user, source=source)
    if strict and prep.warnings:
        raise reject(con, prep, user=user, source=source, problems=prep.warnings)
    return commit(con, prep, user=user, source=source)
