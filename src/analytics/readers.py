"""From a file's bytes to a table of cells, whatever the format.

The result keeps each data row's number as the user sees it in the
spreadsheet (the header is row 1 in a plain CSV), so every message can point
at the right row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from analytics.errors import Problem

Cell = Any


@dataclass
class RawTable:
    """Header cells and data rows of the table found in a file."""

    header: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]
    header_row: int = 1
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    title_lines: list[str] = field(default_factory=list)


class ReadError(Exception):
    """The bytes are not a table we can read; carries the problem to show."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.problem_key)
        self.problem = problem


def _problem(file: str, key: str, fix: str, **params: Any) -> Problem:
    return Problem(file=file, row=None, column=None, value=None, problem_key=key, fix_key=fix, params=params)


def file_kind(name: str, data: bytes) -> str:
    """xlsx, xls or csv: by the bytes first (a renamed file is read as what it is), then the name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    suffix = PurePath(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace"), "cp1258"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return bool(sample) and control / len(sample) > 0.05


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    return [list(r) for r in rows]


def read_csv(name: str, data: bytes) -> RawTable:
    if _looks_binary(data):
        raise ReadError(_problem(name, "read.not_table", "fix.send_table"))
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    sample = "\n".join(text.splitlines()[:20])
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ReadError(_problem(name, "read.bad_csv", "fix.send_table", detail=str(exc))) from exc
    return _table_from_lines(name, lines, encoding=encoding, delimiter=delimiter)


def _table_from_lines(name: str, lines: list[list[Cell]], **extra: Any) -> RawTable:
    """The first non-empty line is the header; empty lines are skipped but keep their numbers."""
    header_index = next((i for i, line in enumerate(lines) if any(not _is_blank(c) for c in line)), None)
    if header_index is None:
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    header = ["" if c is None else str(c).strip() for c in lines[header_index]]
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for i in range(header_index + 1, len(lines)):
        line = lines[i]
        if all(_is_blank(c) for c in line):
            continue
        rows.append(list(line) + [None] * (len(header) - len(line)))
        numbers.append(i + 1)
    return RawTable(header=header, rows=rows, row_numbers=numbers, header_row=header_index + 1, **extra)


def read_xlsx(name: str, data: bytes, sheet: str | None = None) -> RawTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise ReadError(_problem(name, "read.bad_excel", "fix.send_table", detail=type(exc).__name__)) from exc
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise ReadError(_problem(name, "read.no_sheet", "fix.pick_sheet", sheet=sheet, sheets=", ".join(names)))
        chosen = [sheet] if sheet else names
        for sheet_name in chosen:
            ws = wb[sheet_name]
            lines = [list(r) for r in ws.iter_rows(values_only=True)]
            if any(any(not _is_blank(c) for c in line) for line in lines):
                return _table_from_lines(name, lines, sheet=sheet_name)
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    finally:
        wb.close()


def read_table(name: str, data: bytes, sheet: str | None = None) -> RawTable:
    """Read the table a file holds; raise ReadError with a user-facing problem when it cannot."""
    if not data:
        raise ReadError(_problem(name, "read.empty", "fix.send_table"))
    kind = file_kind(name, data)
    if kind == "xlsx":
        return read_xlsx(name, data, sheet)
    if kind == "xls":
        raise ReadError(_problem(name, "read.xls_unsupported", "fix.save_xlsx"))
    return read_csv(name, data)


def cell_text(cell: Cell) -> str:
    """A cell as the user would read it, for messages."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y") if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
