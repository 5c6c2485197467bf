"""Cell values: whole numbers and dates as Vietnamese offices write them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\s\u00a0\u202f])\d{3})(?:\1\d{3})*$")
_PLAIN_INT = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")


class ValueProblem(ValueError):
    """A cell that cannot be read: ``key`` names the problem in the catalogue."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_count(cell: Any) -> int | None:
    """A whole number ≥ 0 ("1.234", "1,234", "1 234", 1234.0); None for an empty cell."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueProblem("value.not_number")
    if isinstance(cell, int):
        if cell < 0:
            raise ValueProblem("value.negative")
        return cell
    if isinstance(cell, float):
        if cell != cell:
            return None
        if not cell.is_integer():
            raise ValueProblem("value.not_whole")
        if cell < 0:
            raise ValueProblem("value.negative")
        return int(cell)
    text = str(cell).strip().replace("\u00a0", " ")
    if not text:
        return None
    negative = text.startswith(("-", "−"))
    body = text.lstrip("-−").strip()
    if _PLAIN_INT.match(body) or _THOUSANDS.match(body):
        value = int(re.sub(r"\D", "", body))
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


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s.*)?$")
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(cell: Any) -> date | None:
    """A report date: ISO, day-first (25/02/2025, 25-02-2025, 25.02.2025), Excel dates and serials."""
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
    try:
        m = _ISO.match(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as exc:
        raise ValueProblem("value.bad_date") from exc
    raise ValueProblem("value.bad_date")
