"""Finding the table in a report as offices lay it out.

An official Vietnamese report puts title lines above the table ("UBND TỈNH
QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", the title and its date), a
header of one or two rows (merged cells: "Số sổ hộ tịch" over "Tổng số" and
"Đã số hóa"), sometimes a row numbering the columns ("(1) (2) (3)"), then the
communes with district headings, subtotals and a "Tổng cộng" row. This module
recognizes the header (by what its cells say, in Vietnamese or English, with
or without accents, extra words or units in brackets) and classifies rows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

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
