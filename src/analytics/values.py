"""Cell values: whole numbers, percentages and dates as Vietnamese offices write them."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\s\u00a0\u202f'])\d{3})(?:\1\d{3})*$")
_PLAIN_INT = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class ValueProblem(ValueError):
    """A cell that cannot be read: ``key`` names the problem in the catalogue."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_count(cell: Any) -> int | None:
    """A whole number ≥ 0 ("1.234", "1,234", "1 234", 1234.0); None for an empty cell."""
    if cell is None:
        return None
    if type(cell) is str and cell.isdigit() and cell.isascii():  # the common case, fast
        return int(cell)
    if isinstance(cell, bool):
        raise ValueProblem("value.not_number")
    if isinstance(cell, int):
        if cell < 0:
            raise ValueProblem("value.negative")
        return cell
    if isinstance(cell, (float, Decimal)):
        if cell != cell:
            return None
        if cell in (float("inf"), float("-inf")):
            raise ValueProblem("value.not_number")
        if cell != int(cell):
            raise ValueProblem("value.not_whole")
        if cell < 0:
            raise ValueProblem("value.negative")
        return int(cell)
    if isinstance(cell, (date, datetime)):
        raise ValueProblem("value.not_number")
    text = str(cell).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text or text in {"-", "–", "—"}:  # an empty cell, or a dash meaning "none yet"
        return None
    negative = text.startswith(("-", "−")) or (text.startswith("(") and text.endswith(")"))
    body = text.strip("()").lstrip("-−").strip()
    if _PLAIN_INT.match(body) or _THOUSANDS.match(body):
        value = int(re.sub(r"\D", "", body))
    elif _SPACES.sub("", body).isdigit():  # "1 2345": spaces typed inside a number
        value = int(_SPACES.sub("", body))
    elif _DECIMAL.match(body):
        whole, frac = re.split(r"[.,]", body)
        if set(frac) != {"0"}:
            raise ValueProblem("value.not_whole")
        value = int(whole)
    else:
        raise ValueProblem("value.not_number")
    if negative and value != 0:
        raise ValueProblem("value.negative")
    return value


def parse_percent(cell: Any) -> float | None:
    """A percentage: "45,5%", "45.5 %", 45.5, or Excel's 0.455 in a cell formatted as %; None when empty."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float, Decimal)):
        value = float(cell)
        if value != value:
            return None
        return value * 100.0 if 0 < abs(value) <= 1.0 and not float(value).is_integer() else value
    text = _SPACES.sub("", str(cell)).rstrip("%").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s.*)?$")
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(cell: Any) -> date | None:
    """A report date: ISO, day-first (25/02/2025, 25-02-2025, 25.02.2025), words, Excel dates and serials."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if cell != cell:
            return None
        if 20000 < cell < 80000 and float(cell).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(cell))
        raise ValueProblem("value.bad_date")
    text = str(cell).strip()
    if not text:
        return None
    return _parse_date_text(text)


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date:
    """A date written as text (cached: a file repeats its date on every row)."""
    try:
        m = _ISO.match(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as exc:
        raise ValueProblem("value.bad_date") from exc
    found = dates_in_text(text)
    if len({d for d, _ in found}) == 1:
        return found[0][0]
    raise ValueProblem("value.bad_date")


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).lower()


_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_ISO_IN = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_AS_OF = re.compile(r"(den|tinh den|tai|as of|until|to)\s*(ngay)?\s*$")


def dates_in_text(text: str) -> list[tuple[date, bool]]:
    """Every valid date written in a title line, with whether it reads as "up to" ("đến ngày ...").

    "ngày 25 tháng 02 năm 2025" and "25/02/2025" (day first) are both read.
    """
    folded = _fold(str(text))
    found: list[tuple[int, date, bool]] = []
    for pattern, order in ((_WORDS, "dmy"), (_NUMERIC, "dmy"), (_ISO_IN, "ymd")):
        for m in pattern.finditer(folded):
            a, b, c = (int(x) for x in m.groups())
            try:
                d = date(c, b, a) if order == "dmy" else date(a, b, c)
            except ValueError:
                continue
            before = folded[max(0, m.start() - 20):m.start()]
            as_of = bool(_AS_OF.search(before))
            found.append((m.start(), d, as_of))
    found.sort(key=lambda x: x[0])
    return [(d, as_of) for _, d, as_of in found]


def date_from_lines(lines: list[str]) -> tuple[date | None, list[date]]:
    """The report date stated in a report's title lines: (the date, or None; all candidates when unsure).

    A date introduced by "đến ngày"/"tính đến" wins; otherwise the one date the
    lines state. Several different dates and no "đến ngày": ambiguous, not guessed.
    """
    found = [x for line in lines for x in dates_in_text(line)]
    if not found:
        return None, []
    as_of = sorted({d for d, flag in found if flag})
    if len(as_of) == 1:
        return as_of[0], as_of
    if len(as_of) > 1:
        return None, as_of
    every = sorted({d for d, _ in found})
    return (every[0], every) if len(every) == 1 else (None, every)


_NAME_DMY = re.compile(r"(?<!\d)(\d{1,2})[._\-](\d{1,2})[._\-](\d{4})(?!\d)")
_NAME_YMD = re.compile(r"(?<!\d)(\d{4})[._\-](\d{1,2})[._\-](\d{1,2})(?!\d)")
_NAME_8 = re.compile(r"(?<!\d)(\d{8})(?!\d)")


def date_from_file_name(name: str) -> tuple[date | None, list[date]]:
    """A date in a file name ("bao_cao_25-02-2025.xlsx", "2025-02-25.csv", "BC_25022025.xls").

    Returns (the date, or None; the candidates): two readings of the same digits
    (25022025 vs 20250225 are fine; 01022025 could be 2025-02-01 only) or two
    different dates give None with the candidates, so the date is asked for.
    """
    stem = str(name).rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    found: set[date] = set()
    for m in _NAME_DMY.finditer(stem):
        try:
            found.add(date(int(m[3]), int(m[2]), int(m[1])))
        except ValueError:
            pass
    for m in _NAME_YMD.finditer(stem):
        try:
            found.add(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            pass
    for m in _NAME_8.finditer(stem):
        s = m[1]
        for y, mo, d in ((s[:4], s[4:6], s[6:]), (s[4:], s[2:4], s[:2])):
            try:
                cand = date(int(y), int(mo), int(d))
            except ValueError:
                continue
            if 2000 <= cand.year <= 2100:
                found.add(cand)
    ordered = sorted(found)
    return (ordered[0], ordered) if len(ordered) == 1 else (None, ordered)
