"""The clean table every file becomes, and the objects that carry what was found in it.

Whatever a file looks like (an office's workbook with headings and subtotals, or a plain national CSV), it is
turned into one ``Table``: a row per commune row of the file, its sheet row number, the unit it names (found
by ``layout``'s matching, or by code in ``bulk``) and the figure and date cells as written. ``rules`` checks that
table column by column; the rows that load become ``Prepared.rows`` (``ROW_COLUMNS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics import safetext
from analytics.errors import Problem

__all__ = [
    "COUNT_COLUMNS",
    "MAX_PROBLEMS",
    "OPTIONAL_COUNTS",
    "OVER_TOTAL",
    "ROW_COLUMNS",
    "Prepared",
    "Problem",
    "RowProblem",
    "Table",
    "Units",
    "add",
    "cell_text",
    "fmt_date",
]

# the figures a row may give, in the order their cells are checked (and their messages listed)
COUNT_COLUMNS = ("books_total", "books_digitized", "records_digitized", "records_total")
# figures a file may leave out entirely (books_total falls back to the unit's target; books_digitized is required)
OPTIONAL_COUNTS = ("records_digitized", "records_total")
# "done ≤ to do": (done, to do, message key). A pair is checked when the file gives both columns.
OVER_TOTAL = (("books_digitized", "books_total", "check.over_total"),
              ("records_digitized", "records_total", "check.records_over_total"))
# the columns of the rows that load (what ``store.commit_reports`` writes)
ROW_COLUMNS = ["row_no", "commune_code", "report_date", "books_total", "books_digitized", "records_digitized",
               "records_total"]
MAX_PROBLEMS = 500  # a file wrong on every row reports this many, and says how many more
OBJECT_ROWS = 200_000  # up to this many rows the loaded rows are Python values (int, str, date, None); a larger
# table (a backfill) keeps numpy columns (int64, nullable Int64): the same values, a tenth of the memory
EMPTY_ROWS = pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


@dataclass
class Table:
    """The clean table: one entry per commune row of the file, in the file's order.

    ``cells`` holds, per canonical column the file gives (``report_date`` and the ``COUNT_COLUMNS``; the
    percent column as ``extra:percent``), the cells as written, aligned with ``row_no`` (a list, an object
    array or a pyarrow string array). ``unit`` is the unit id a row names, None where no unit was found
    (that row's problem is already said). ``label`` names each column as the file's header does.
    """

    row_no: np.ndarray
    unit: np.ndarray
    cells: dict[str, Any]
    label: dict[str, str]
    fallback_date: date | None = None  # the file's own date (title, file name, form) for rows without one
    given_date: date | None = None  # the date the user gave (form, ``--date``): every row must have it
    unit_key: np.ndarray | None = None  # int64, the same for the rows of one unit (when the builder has it)

    def __len__(self) -> int:
        return len(self.row_no)


@dataclass
class Units:
    """The communes a file may name and what the checks need of them (built once per state of the unit list)."""

    communes: pd.DataFrame  # store.all_communes, of one structure and province when given
    targets: dict[str, Any]  # unit id -> planned books (a row without its total takes it)
    province_of: dict[str, str]  # unit id -> province
    aliases: pd.DataFrame | None = None  # store.aliases: names users matched to a unit before
    index: Any = None  # units.UnitIndex, built when first needed (``unit_index``)
    _by_ref: tuple[dict[str, str], dict[str, str]] | None = field(default=None, repr=False)
    _district_of: dict[str, Any] | None = field(default=None, repr=False)

    def unit_index(self) -> Any:
        """Matching by code and name (``units.UnitIndex``; its ``label`` names a unit in messages). Built on
        first use: a plain file of known codes never needs it, and building it for a national list costs
        more than checking the file."""
        if self.index is None:
            from analytics.units import UnitIndex

            self.index = UnitIndex(self.communes, self.aliases)
        return self.index

    def by_official_code(self) -> tuple[dict[str, str], dict[str, str]]:
        """(official code -> name, official code -> unit id): files write official codes, and a unit's id
        differs from its code when another structure uses the same code. Built once per unit list."""
        if self._by_ref is None:
            communes = self.communes
            refs = [r if isinstance(r, str) and r else c
                    for r, c in zip(communes["ref_code"].tolist(), communes["commune_code"].tolist())]
            self._by_ref = (dict(zip(refs, communes["commune"].tolist())),
                            dict(zip(refs, communes["commune_code"].tolist())))
        return self._by_ref

    def district_of(self) -> dict[str, Any]:
        """Unit id -> district code (for the subtotals a file states)."""
        if self._district_of is None:
            self._district_of = dict(zip(self.communes["commune_code"].tolist(),
                                         self.communes["district_code"].tolist()))
        return self._district_of


@dataclass(frozen=True)
class RowProblem:
    """A problem at one row of the table, with the rank of its check: problems are listed row by row and,
    within a row, in the order a reader checks the cells (date, figures, unit, then the figures' agreement)."""

    row: int
    rank: int
    problem: Problem


# ranks of the row checks (see RowProblem)
RANK_DATE, RANK_DATE_DIFFERS, RANK_DATE_MISSING, RANK_COUNT = 0, 1, 2, 3
RANK_UNIT = RANK_COUNT + len(COUNT_COLUMNS)
RANK_TOTAL_MISSING, RANK_DIGITIZED_MISSING, RANK_OVER_TOTAL = RANK_UNIT + 1, RANK_UNIT + 2, RANK_UNIT + 3


@dataclass
class Prepared:
    """A file read and checked, ready to be committed (or rejected)."""

    file_name: str
    sha256: str
    rows: pd.DataFrame  # ROW_COLUMNS
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


def cell_text(cell: Any) -> str:
    """A cell as the user reads it in messages, the upload log and the CLI's output, without control
    characters. A report's names are only matched against the unit list (``units.name_key`` already reads
    a control character as a space) and never stored as names, so a stray one is cleaned, not refused:
    refusing a day's figures over an invisible character would leave the officer nothing to look for."""
    from analytics import (
        readers,  # readers finds tables with ``layout``: imported when first needed
    )

    return safetext.clean(readers.cell_text(cell))


def problem(prep: Prepared, row: int | None, column: str | None, value: Any, key: str, fix: str,
            severity: str = "error", **params: Any) -> Problem:
    """A problem of ``prep``'s file, its value shown as the user reads the cell."""
    return Problem(prep.file_name, row, column, None if value is None else cell_text(value), key, fix, params,
                   severity)


def add(prep: Prepared, row: int | None, column: str | None, value: Any, key: str, fix: str,
        severity: str = "error", **params: Any) -> None:
    """Record a problem of ``prep``'s file (an error refuses the file, a warning asks to confirm)."""
    p = problem(prep, row, column, value, key, fix, severity, **params)
    (prep.errors if severity == "error" else prep.warnings).append(p)


def fmt_date(d: date) -> str:
    """A date as messages write it (day first)."""
    return d.strftime("%d/%m/%Y")


def is_empty(cell: Any) -> bool:
    """A cell with nothing in it (None, blank text, NaN)."""
    if cell is None:
        return True
    if type(cell) is str:
        return not cell or cell.isspace()
    return isinstance(cell, float) and cell != cell


def t_kind(kind: str) -> str:
    """The Vietnamese name of a figure column, for messages about its header."""
    return {"books_total": "Tổng số sổ", "books_digitized": "Số sổ đã số hóa",
            "records_digitized": "Số trường hợp đã số hóa", "records_total": "Tổng số trường hợp"}.get(kind, kind)
