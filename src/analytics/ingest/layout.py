"""From an office's layout to the clean table.

An official Vietnamese report puts title lines above the table ("UBND TỈNH
QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", the title and its date), a
header of one or two rows (merged cells: "Số sổ hộ tịch" over "Tổng số" and
"Đã số hóa"), sometimes a row numbering the columns ("(1) (2) (3)"), then the
communes with district headings, subtotals and a "Tổng cộng" row. This module
recognizes the header (by what its cells say, in Vietnamese or English, with
or without accents, extra words or units in brackets), classifies rows, and
walks a table's rows (``Walk``) to find the unit each commune row names: the
result is a ``model.Table`` that ``rules`` checks like any other file's.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import numpy as np

from analytics import store
from analytics.ingest import model
from analytics.ingest.model import (
    Prepared,
    RowProblem,
    Table,
    Units,
    add,
    cell_text,
    fmt_date,
    is_empty,
    t_kind,
)
from analytics.units import Match, display_code, name_key
from analytics.values import (
    ValueProblem,
    date_from_file_name,
    date_from_lines,
    parse_count,
    parse_date,
)

if TYPE_CHECKING:
    from analytics.readers import RawTable

CANONICAL = [
    "report_date",
    "province",
    "district_code",
    "district",
    "commune_code",
    "commune",
    "books_total",
    "books_digitized",
    "records_digitized",
    "records_total",
]
# Exact header texts (compared as header_key: no accents, case, brackets or punctuation).
SYNONYMS: dict[str, list[str]] = {
    "report_date": ["report_date", "report date", "date", "ngay bao cao", "ngay", "ngay bc"],
    "province": ["province", "tinh", "tinh thanh pho", "tinh/thanh pho"],
    "district_code": ["district_code", "district code", "ma huyen", "ma quan huyen"],
    "district": ["district", "district_name", "huyen", "quan huyen", "quan/huyen", "don vi cap huyen", "ten huyen"],
    "commune_code": ["commune_code", "commune code", "ma xa", "ma don vi", "ma xa phuong", "ma dvhc"],
    "commune": ["commune", "commune_name", "xa", "ten don vi", "ten xa", "xa phuong thi tran", "don vi",
                "xa/phuong/thi tran", "don vi cap xa", "ten xa phuong"],
    "books_total": ["books_total", "books total", "tong so so", "tong so so ho tich", "tong so quyen so"],
    "books_digitized": ["books_digitized", "books digitized", "so so da so hoa", "so quyen so da so hoa",
                        "so so ho tich da so hoa", "da so hoa"],
    "records_digitized": ["records_digitized", "records digitized", "so truong hop da so hoa",
                          "truong hop da so hoa", "so du lieu da so hoa"],
    "records_total": ["records_total", "records total", "tong so truong hop", "tong so du lieu",
                      "tong so ho so truong hop can so hoa", "tong so truong hop can so hoa",
                      "tong so ho so/truong hop can so hoa"],
}
# columns recognized but not loaded
EXTRA_KINDS = ("stt", "percent", "note")
CORE = {"commune", "commune_code", "books_digitized", "books_total", "report_date", "district", "district_code",
        "records_digitized", "records_total"}


def fold(text: object) -> str:
    """Lower case without diacritics (đ -> d), NFC/NFD alike."""
    s = unicodedata.normalize("NFD", str(text if text is not None else "")).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in s if not unicodedata.combining(ch)).lower()


def header_key(text: object) -> str:
    """Compare headers without accents, case, brackets or punctuation."""
    s = fold(text)
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = re.sub(r"[^a-z0-9_/]+", " ", s)
    return " ".join(s.split())


_SYNONYM_INDEX = {header_key(syn): canon for canon, syns in SYNONYMS.items() for syn in syns}


def classify_header(text: object) -> str | None:
    """The canonical column a header cell names, "stt"/"percent"/"note" for known extras, else None."""
    return _classify("" if text is None else str(text)[:300])


@functools.lru_cache(maxsize=8192)
def _classify(raw: str) -> str | None:
    key = header_key(raw)
    if not key and "%" not in raw:
        return None
    exact = _SYNONYM_INDEX.get(key) or _SYNONYM_INDEX.get(key.replace("/", " "))
    if exact:
        return exact
    k = " " + key.replace("/", " ").replace("_", " ") + " "

    def has(*phrases: str) -> bool:
        return any(f" {p} " in k for p in phrases)

    if has("stt", "tt", "so tt", "so thu tu", "no", "#") and len(k.split()) <= 3:
        return "stt"
    if "%" in raw or has("ty le", "phan tram", "percent", "percentage", "rate", "pct"):
        return "percent"
    if has("ghi chu", "note", "notes", "remark", "remarks"):
        return "note"
    if ((has("ngay") and not has("so ngay")) or has("date")) and not _figure_then_date(k):
        return "report_date"
    if has("ma", "code", "ma so"):
        if has("huyen", "quan", "district"):
            return "district_code"
        if has("tinh", "province") and not has("xa", "commune"):
            return None
        return "commune_code"
    if has("truong hop", "records", "record", "ban ghi", "du lieu"):
        if has("tong", "total") and not has("so hoa", "digitized", "digitised"):
            return "records_total"  # "Tổng số trường hợp": the records to do
        return "records_digitized"
    if has("da so hoa", "digitized", "digitised", "so hoa xong", "hoan thanh", "done"):
        return "books_digitized"
    if has("tong", "total", "can so hoa", "phai so hoa", "ke hoach", "target"):
        return "books_total"
    if has("so hoa"):
        return "books_digitized"
    if has("huyen", "quan", "district") or (has("thi xa") and not has("xa phuong", "phuong xa")):
        return "district"
    if has("xa", "phuong", "thi tran", "don vi", "commune", "ten", "unit", "dia phuong", "name"):
        return "commune"
    if has("tinh", "province"):
        return "province"
    return None


def _figure_then_date(k: str) -> bool:
    """"Đã số hóa đến ngày 25/02": a figure whose header names its date, not a date column."""
    at = min((k.find(f" {w} ") for w in ("so hoa", "digitized", "tong so") if f" {w} " in k), default=-1)
    day = min((k.find(f" {w} ") for w in ("ngay", "date") if f" {w} " in k), default=-1)
    return at >= 0 and day > at


def map_columns(header: list[Any]) -> tuple[dict[str, int], dict[str, int]]:
    """(canonical column -> position, extra kind -> position); the first of a kind wins."""
    mapped: dict[str, int] = {}
    extras: dict[str, int] = {}
    for i, text in enumerate(header):
        kind = classify_header(text)
        if kind is None:
            continue
        target = extras if kind in EXTRA_KINDS else mapped
        if kind not in target:
            target[kind] = i
    return mapped, extras


COUNT_KINDS = ("books_total", "books_digitized", "records_digitized", "records_total")


def duplicate_columns(header: list[Any]) -> dict[str, list[int]]:
    """Figure columns named twice (last week's "Đã số hóa" kept beside this week's): kind -> positions.

    ``map_columns`` takes the first; a file with two must say which one counts (see ``ingest``)."""
    seen: dict[str, list[int]] = {}
    for i, text in enumerate(header):
        kind = classify_header(text)
        if kind in COUNT_KINDS:
            seen.setdefault(kind, []).append(i)
    return {k: v for k, v in seen.items() if len(v) > 1}


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and cell != cell)


def _text(cell: Any) -> str:
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_number(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return cell == cell
    return bool(re.fullmatch(r"[\d.,\s\u00a0]+%?", _text(cell))) and any(ch.isdigit() for ch in _text(cell))


def _combine(top: list[Any], sub: list[Any]) -> list[str]:
    """Two header rows read as one: the top cell (spread over merged neighbours) with the one below."""
    width = max(len(top), len(sub))
    top = list(top) + [None] * (width - len(top))
    sub = list(sub) + [None] * (width - len(sub))
    out: list[str] = []
    carry = ""
    for i in range(width):
        t, s = _text(top[i]), _text(sub[i])
        if t:
            carry = t if s else ""
        elif s and carry:
            t = carry  # a merged top cell spans this column
        else:
            carry = ""
        out.append(t if not s or s == t else (f"{t} {s}".strip()))
    return out


@dataclass
class Layout:
    """Where the table is: header row(s) (0-based), the header texts, the columns, the title lines above."""

    header_index: int
    header_rows: int
    header: list[str]
    columns: dict[str, int]
    extras: dict[str, int]
    title_lines: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_index + self.header_rows


def _score(mapped: dict[str, int]) -> int:
    core = set(mapped) & CORE
    if not (core & {"commune", "commune_code", "books_digitized", "books_total"}):
        return 0
    return len(core)


def find_layout(lines: list[list[Any]], scan: int = 40) -> Layout | None:
    """The header among the first ``scan`` non-empty rows: the row (or pair of rows) naming most columns."""
    best: tuple[int, int, int, list[str], dict[str, int], dict[str, int]] | None = None
    seen = 0
    for i, line in enumerate(lines):
        if seen >= scan:
            break
        if all(is_blank(c) for c in line):
            continue
        seen += 1
        texts = [_text(c) for c in line]
        if sum(1 for c in line if _is_number(c)) > max(2, len([t for t in texts if t]) // 2):
            continue  # a data row
        mapped, extras = map_columns(texts)
        candidates = [(_score(mapped), 1, texts, mapped, extras)]
        j = i + 1
        if j < len(lines) and not all(is_blank(c) for c in lines[j]):
            nxt = lines[j]
            numbers = sum(1 for c in nxt if _is_number(c))
            if numbers <= 1 or _is_numbering_row(nxt):
                both = _combine(line, nxt)
                m2, e2 = map_columns(both)
                if not _is_numbering_row(nxt):
                    candidates.append((_score(m2), 2, both, m2, e2))
        for score, rows, header, m, e in candidates:
            if score >= 2 and (best is None or score > best[0]):
                best = (score, i, rows, header, m, e)
    if best is None:
        return None
    score, index, rows, header, mapped, extras = best
    titles: list[str] = []
    for line in lines[:index]:
        parts: list[str] = []
        for c in line:
            t = _text(c)
            if t and t not in parts:  # a merged title repeats over its cells
                parts.append(t)
        if parts:
            titles.append(" ".join(parts))
    return Layout(index, rows, header, mapped, extras, titles)


_NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,2}|[a-zA-Z])\s*\)?\.?$")


def _is_numbering_row(line: list[Any]) -> bool:
    """A row that numbers the columns under the header: "(1) (2) (3)", "A B 1 2 3"."""
    cells = [_text(c) for c in line if not is_blank(c)]
    if len(cells) < 3 or not all(_NUMBERING_CELL.match(c) for c in cells):
        return False
    digits = [int(re.sub(r"\D", "", c)) for c in cells if re.search(r"\d", c)]
    return len(digits) >= 2 and digits == sorted(digits) and len(set(digits)) == len(digits)


is_numbering_row = _is_numbering_row

# "Tổng cộng", "Tổng số", "Toàn tỉnh", "Total": the whole file's totals; "Cộng", "Cộng huyện X": a subtotal.
# Compared with their accents ("Cộng" is not "Công"), or wholly without them for text typed without accents.
_TOTAL = re.compile(r"^(tổng cộng|tổng số|tổng|toàn tỉnh|cộng toàn tỉnh|grand total|total|toàn huyện|toàn thị xã"
                    r"|toàn thành phố|toàn quận)(\s|$|:)")
_SUBTOTAL = re.compile(r"^(cộng|subtotal|tổng cộng huyện|tổng huyện|cộng huyện|tổng cộng thành phố|tổng cộng thị xã)"
                       r"(\s|$|:)")
_TOTAL_PLAIN = re.compile(r"^(tong cong|tong so|tong|toan tinh|grand total|total|toan huyen|toan thi xa"
                          r"|toan thanh pho|toan quan)(\s|$|:)")
_SUBTOTAL_PLAIN = re.compile(r"^(cong|subtotal|tong cong huyen|tong huyen|cong huyen)(\s|$|:)")
_ROMAN = re.compile(r"^(?=[ivxlc]+\.?$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})\.?$")
DISTRICT_TYPES = re.compile(r"^(huyen|thanh pho|thi xa|quan|tp\.?|tx\.?|h\.)\s")


@functools.lru_cache(maxsize=16384)
def total_kind(text: str) -> str | None:
    """"total", "subtotal" or None for a row's name cell."""
    key = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)).lower()).strip(" :.-*")
    if not key:
        return None
    sub, tot = (_SUBTOTAL_PLAIN, _TOTAL_PLAIN) if key.isascii() else (_SUBTOTAL, _TOTAL)
    if sub.match(key):
        return "subtotal"
    if tot.match(key):
        # "Tổng cộng huyện X" / "Tổng huyện X" / "Toàn huyện X" name a district: a subtotal ("Toàn huyện"
        # alone is the whole of a district's own report)
        rest = re.sub(r"^(tổng cộng|tổng|tong cong|tong|toàn|toan)\s*", "", key)
        if re.fullmatch(r"(huyện|huyen|thị xã|thi xa|thành phố|thanh pho|quận|quan)\s*", rest):
            return "total"
        if rest.startswith(("huyện", "huyen", "thành phố", "thanh pho", "thị xã", "thi xa", "quận", "quan ")):
            return "subtotal"
        return "total"
    return None


def subtotal_name(text: str) -> str:
    """The district a subtotal names: "Cộng huyện Núi Thành" -> "huyện Núi Thành" ("" when none)."""
    s = re.sub(r"\s+", " ", str(text)).strip(" :.-*")
    folded = fold(s)
    for prefix in ("tong cong", "cong", "tong", "toan", "subtotal"):
        if folded.startswith(prefix):
            return s[len(prefix):].strip(" :.-*")
    return ""


def is_heading_number(stt: Any) -> bool:
    """STT of a heading row: a Roman numeral (I, II, IV) or a letter (A, B)."""
    text = _text(stt)
    if not text:
        return False
    folded = fold(text)
    return bool(_ROMAN.match(folded)) or bool(re.fullmatch(r"[a-z]\.?", folded))


@functools.lru_cache(maxsize=16384)
def looks_like_district_name(text: str) -> bool:
    return bool(DISTRICT_TYPES.match(fold(text).strip() + " "))


# --- the file's own date ------------------------------------------------------------------------------


def file_date(prep: Prepared, title_lines: list[str], given: date | None,
              has_date_column: bool) -> tuple[date | None, str | None, list[date]]:
    """(date, where it came from, the dates it could be) for rows without a date of their own: the date the
    user gave, else the one the title lines state, else the file name's. Several dates in one place: none
    (the candidates are returned, for the message that asks which one)."""
    title, title_all = date_from_lines(title_lines)
    named, named_all = date_from_file_name(prep.file_name)
    if given is not None:
        stated = title or named
        if stated is not None and stated != given and not has_date_column:
            add(prep, None, None, fmt_date(stated), "check.date_title_differs", "fix.date_same", "warning",
                given=fmt_date(given), stated=fmt_date(stated))
        return given, "form", []
    if title is not None:
        return title, "title", []
    if title_all:
        return None, None, title_all
    if named is not None:
        return named, "file_name", []
    return None, None, list(named_all)


# --- two columns of one figure ------------------------------------------------------------------------

_HEADER_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2,4}))?(?!\d)")
_PREVIOUS = re.compile(r"\b(truoc|cu|ky truoc|tuan truoc|lan truoc|previous|last week|old)\b")
_PERIOD = re.compile(r"\b(trong ngay|trong tuan|trong ky|trong thang|tang them|phat sinh|this week only)\b")
_CUMULATIVE = re.compile(r"\b(luy ke|cong don|cumulative)\b")


def pick_column(headers: list[str], report_date: date | None) -> int | None:
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
    folded = [" ".join(re.sub(r"[^a-z0-9]+", " ", fold(h)).split()) for h in headers]
    cumulative = [i for i, f in enumerate(folded) if _CUMULATIVE.search(f)]
    if len(cumulative) == 1:
        return cumulative[0]
    current = [i for i, f in enumerate(folded) if not _PREVIOUS.search(f) and not _PERIOD.search(f)]
    if len(current) == 1:
        return current[0]
    return None


def column_letter(i: int) -> str:
    """Spreadsheet column letters (0 -> A, 26 -> AA), as the user sees them."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def row_has_figures(cells: Any) -> bool:
    """Whether a row gives any figure: the one rule for a row to load or be skipped as not filled in (a
    template row); ``bulk`` leaves every file with such a row to the walk."""
    return any(not is_empty(c) for c in cells)


def _lenient_count(cell: Any) -> int | None:
    try:
        return parse_count(cell)
    except ValueProblem:
        return None


# --- the walk: an office's rows -> the clean table -------------------------------------------------------


@dataclass
class Walked:
    """What the walk found: the clean table, the problems of its units (row by row), the totals the file
    states, and the notes said after the rows' problems."""

    table: Table
    problems: list[RowProblem]
    stated: list[dict[str, Any]]
    notes: list[model.Problem]
    district_column_needed: bool = False


class Walk:
    """One pass over an office table's rows: headings, subtotals, footers, blank template rows and merged
    cells are recognized and skipped; every other row is a commune row whose unit is looked up. What the
    row's figures and date say is for ``rules``."""

    def __init__(self, con: store.Connection, prep: Prepared, table: RawTable, units: Units, *,
                 report_date: date | None) -> None:
        self.con, self.prep, self.table = con, prep, table
        self.given_date = report_date
        self.cols = dict(table.columns) if table.columns else map_columns(table.header)[0]
        self.extras = dict(table.extras)
        self.drop_code_column_without_codes()
        self.label = {canon: (table.header[i] or canon) for canon, i in self.cols.items()}
        prep.columns = {canon: table.header[i] for canon, i in self.cols.items()}
        used = set(self.cols.values()) | set(self.extras.values())
        prep.ignored_columns = [h for i, h in enumerate(table.header) if h and i not in used]
        self.communes, self.index = units.communes, units.unit_index()
        self.district_aliases = store.district_aliases(con)

    def match_district(self, name: Any) -> Match:
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

    def unit_problem(self, row_no: int, column: str | None, value: Any, key: str, fix: str, **params: Any) -> None:
        self.problems.append(RowProblem(row_no, model.RANK_UNIT,
                                        model.problem(self.prep, row_no, column, value, key, fix, **params)))

    def run(self) -> Walked | None:
        """The clean table, or None when the file cannot be read as a table (its problems are in ``prep``)."""
        prep, table, cols, index = self.prep, self.table, self.cols, self.index
        fallback_date, source, ambiguous = file_date(prep, table.title_lines, self.given_date,
                                                     "report_date" in cols)
        prep.date_found = fallback_date
        # required columns
        missing = []
        if "commune" not in cols and "commune_code" not in cols:
            missing.append("commune_code / commune (Mã xã / Tên đơn vị)")
        if "books_digitized" not in cols:
            missing.append("books_digitized (Số sổ đã số hóa)")
        if "report_date" not in cols and fallback_date is None and not ambiguous:
            missing.append("report_date (Ngày báo cáo)")
        for name in missing:
            fix = "fix.date_give" if name.startswith("report_date") else "fix.add_column"
            add(prep, table.header_row, name, None, "check.missing_column", fix, missing=name)
        if "report_date" not in cols and ambiguous:
            add(prep, None, None, None, "check.date_ambiguous", "fix.date_give",
                dates=", ".join(fmt_date(d) for d in ambiguous))
        self.pick_duplicate_columns(fallback_date)
        if prep.errors:
            return None
        self.file_district, self.file_district_from = self.district_of_file()
        if not table.rows:
            add(prep, None, None, None, "read.no_rows", "fix.send_table")
            return None
        prep.date_source = "column" if "report_date" in cols else source
        self.problems: list[RowProblem] = []
        kept, stated = self.read_rows()
        needed = "commune_code" not in cols and index.three_level and "district" not in cols \
            and "district_code" not in cols and not self.headings_seen and self.file_district is None \
            and any(p.problem.problem_key == "check.ambiguous_commune" for p in self.problems)
        notes: list[model.Problem] = []
        if self.used_file_district:
            where, text = self.file_district_from
            notes.append(model.problem(prep, None, None, None, f"check.district_from_{where}",
                                       "fix.district_from_file", "warning",
                                       district=index.district_names[self.file_district], text=text))
        if self.without_figures:
            notes.append(model.problem(prep, None, None, None, "check.rows_without_figures",
                                       "fix.rows_without_figures", "warning", count=self.without_figures))
        wanted = [c for c in ("report_date", *model.COUNT_COLUMNS) if c in cols]
        cells: dict[str, Any] = {c: [self.get(row, c) for row in kept] for c in wanted}
        label = dict(self.label)
        if "percent" in self.extras:
            cells["extra:percent"] = [self.extra(row, "percent") for row in kept]
            label["extra:percent"] = table.header[self.extras["percent"]]
        clean = Table(np.array(self.row_nos, dtype=np.int64), np.array(self.units, dtype=object), cells, label,
                      fallback_date=fallback_date, given_date=self.given_date)
        return Walked(clean, self.problems, stated, notes, needed)

    # --- rows ---------------------------------------------------------------------------------
    def read_rows(self) -> tuple[list[list[Any]], list[dict[str, Any]]]:
        """The commune rows (their units in ``self.units``), and the totals the file states."""
        prep, table, index = self.prep, self.table, self.index
        kept: list[list[Any]] = []
        self.row_nos: list[int] = []
        self.units: list[str | None] = []
        stated: list[dict[str, Any]] = []  # totals and subtotals the file states
        current_district: str | None = self.file_district
        self.headings_seen = False
        self.used_file_district = False
        self.without_figures = 0
        name_col = self.cols.get("commune")
        after_total = False
        communes_seen = False  # a total above the communes (right under the header) does not end the table
        district_above: Any = None  # the district cell of the rows above, for the empty cells of its block
        for n, (row, row_no) in enumerate(zip(table.rows, table.row_numbers)):
            if n < 2 and is_numbering_row(row):
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
            kind = total_kind(text) if text else None
            if kind is not None:
                district = current_district
                if kind == "subtotal":
                    named = subtotal_name(text)
                    if named:
                        dm = self.match_district(named)
                        district = dm.code or district
                stated.append({"row": row_no, "kind": kind, "district": district if kind == "subtotal" else None,
                               "books_total": _lenient_count(self.get(row, "books_total")),
                               "books_digitized": _lenient_count(self.get(row, "books_digitized")), "text": text})
                prep.skipped.append({"row": row_no, "kind": kind, "text": text})
                after_total = kind == "total" and communes_seen
                continue
            if is_empty(raw_code) and is_empty(raw_name) and all(
                    is_empty(self.get(row, c)) for c in model.COUNT_COLUMNS):
                prep.skipped.append({"row": row_no, "kind": "note", "text": cell_text(
                    next((c for c in row if not is_empty(c)), ""))})
                continue
            # district headings (with or without the district's figures)
            if is_empty(raw_code):
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
            if not is_empty(raw_district):
                district_above = raw_district
            elif district_above is not None:
                raw_district, filled = district_above, True
            if not row_has_figures(self.get(row, c) for c in model.COUNT_COLUMNS if c in self.cols):
                # a template row the clerk left blank (every commune is pre-filled); text that is no unit is a note
                scope = current_district if is_empty(raw_district) else self.match_district(raw_district).code
                if index.match_commune(None if is_empty(raw_code) else raw_code,
                                       None if is_empty(raw_name) else raw_name, scope).code:
                    self.without_figures += 1
                    prep.skipped.append({"row": row_no, "kind": "no_figures", "text": cell_text(raw_name or raw_code)})
                else:
                    prep.skipped.append({"row": row_no, "kind": "note", "text": cell_text(raw_name or raw_code)})
                continue
            communes_seen = True
            if is_empty(raw_code) and is_empty(raw_district) and current_district is not None \
                    and current_district == self.file_district and not self.headings_seen:
                self.used_file_district = True
            kept.append(row)
            self.row_nos.append(row_no)
            self.units.append(self.unit_of(row, row_no, raw_code, raw_name, raw_district, current_district, filled))
        return kept, stated

    def unit_of(self, row: list[Any], row_no: int, raw_code: Any, raw_name: Any, raw_district: Any, current_district: str | None,
                filled: bool) -> str | None:
        """The unit a commune row names (by code; else by name within its district), or None, said why."""
        prep, index, label = self.prep, self.index, self.label
        if is_empty(raw_code) and is_empty(raw_name):
            self.unit_problem(row_no, label.get("commune_code") or label.get("commune"), None, "check.no_commune",
                              "fix.give_commune")
            return None
        district_code = None
        if is_empty(raw_code) and index.three_level:
            raw_dcode = self.get(row, "district_code")
            if not is_empty(raw_dcode):
                district_code = store.canonical_code(raw_dcode, "district")
                if district_code not in index.district_names:
                    self.unit_problem(row_no, label["district_code"], raw_dcode, "check.unknown_district",
                                      "fix.check_name", candidates="")
                    return None
            elif not is_empty(raw_district):
                dm = self.match_district(raw_district)
                if dm.code is None:
                    code_of = {f"{n} ({c})": c for c, n in index.district_names.items()}  # match_district's labels
                    codes = [code_of[c] for c in dm.candidates if c in code_of]
                    labels = [f"{index.district_names[c]} ({display_code(c)})" for c in codes]  # codes as written
                    self.unit_problem(row_no, label["district"], raw_district, f"check.{dm.reason}_district",
                                      "fix.pick_unit" if codes else "fix.check_name",
                                      candidates="; ".join(labels or dm.candidates) or "–")
                    prep.unmatched.append({"row": row_no, "name": cell_text(raw_district), "level": "district",
                                           "district_code": None, "alias_key": name_key(raw_district),
                                           "codes": codes, "candidates": labels})
                    return None
                district_code = dm.code
            else:
                district_code = current_district
        m = index.match_commune(None if is_empty(raw_code) else raw_code,
                                None if is_empty(raw_name) else raw_name, district_code)
        if m.code is None and filled and m.reason == "unknown":
            # the district came from the rows above: a commune of another district left its cell empty
            other = index.match_commune(None, raw_name, None)
            m = other if other.code else m
        if m.code is None:
            by_code = not is_empty(raw_code)
            column = label.get("commune_code") if by_code else label.get("commune")
            value = raw_code if by_code else raw_name
            if m.reason == "name_mismatch":
                value = f"{cell_text(raw_code)} / {cell_text(raw_name)}"
            pickable = not by_code and m.reason in ("unknown", "ambiguous") and bool(m.codes)
            self.unit_problem(row_no, column, value, f"check.{m.reason}_commune",
                              "fix.pick_unit" if pickable else "fix.check_name",
                              candidates="; ".join(m.candidates) or "–")
            if not by_code and m.reason in ("unknown", "ambiguous"):
                prep.unmatched.append({"row": row_no, "name": cell_text(raw_name), "level": "commune",
                                       "district_code": district_code,
                                       "alias_key": name_key(raw_name), "codes": m.codes,
                                       "candidates": m.candidates})
            return None
        prep.matched.add(m.code)
        return m.code

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
            if i < len(row) and not is_empty(row[i]):
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
        duplicates = duplicate_columns(header)
        if duplicates and report_date is None:
            report_date = self.latest_date_in_column()
        for kind, positions in duplicates.items():
            chosen = pick_column([header[i] for i in positions], report_date)
            if chosen is None:  # headers that do not say, but only one of the columns is filled in
                filled = [k for k, i in enumerate(positions)
                          if any(i < len(row) and not is_empty(row[i]) for row in self.table.rows)]
                chosen = filled[0] if len(filled) == 1 else None
            names = ", ".join(f"«{header[i]}» ({column_letter(i)})" for i in positions)
            if chosen is None:
                add(prep, self.table.header_row, t_kind(kind), None, "check.columns_same_kind",
                    "fix.columns_same_kind", columns=names, kind=t_kind(kind))
                continue
            pos = positions[chosen]
            self.cols[kind] = pos
            self.label[kind] = header[pos] or kind
            prep.columns[kind] = header[pos]
            prep.ignored_columns = [h for h in prep.ignored_columns if h != header[pos]]
            for i in positions:
                if i != pos and header[i] and header[i] not in prep.ignored_columns:
                    prep.ignored_columns.append(header[i])
            add(prep, self.table.header_row, header[pos], None, "check.column_chosen", "fix.column_chosen",
                "warning", chosen=f"«{header[pos]}» ({column_letter(pos)})", columns=names, kind=t_kind(kind))

    def heading(self, raw_name: Any, raw_district: Any, stt: Any, row: list[Any]) -> tuple[str | None, bool] | None:
        """(district code or None, whether the row carries figures) when the row heads a district; else None."""
        index = self.index
        figures = any(not is_empty(self.get(row, c)) for c in ("books_total", "books_digitized"))
        if is_empty(raw_name):
            if not is_empty(raw_district) and "commune" in self.cols:
                dm = self.match_district(raw_district)
                return (dm.code, figures) if dm.code else None
            return None
        if not index.three_level:
            return ("", figures) if is_heading_number(stt) and not figures else None
        name = str(raw_name)
        typed = looks_like_district_name(name)
        numbered = is_heading_number(stt)
        if not (typed or numbered or (is_empty(stt) and not figures)):
            return None
        dm = self.match_district(name)
        if dm.code is None:
            return ("", figures) if numbered and not figures else None
        if typed or numbered:
            return dm.code, figures
        # a bare name without figures: a heading only when it is not also a commune's name
        cm = index.match_commune(None, name, dm.code)
        return (dm.code, figures) if cm.code is None else None
