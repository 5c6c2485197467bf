"""One path from a file's bytes to the database, shared by the CLI and the Upload page.

- ``model``: the clean table every file becomes (``Table``), the rows that load (``ROW_COLUMNS``), the
  problems found (``Problem``, ``RowProblem``) and the prepared file (``Prepared``);
- ``layout``: an office's layout (title lines, one or two header rows, headings, subtotals, footers, merged
  cells, blank template rows) walked into the clean table, its units matched by code or name;
- ``bulk``: the clean table of a plain file built column-wise (a national CSV of millions of rows);
- ``rules``: every import rule, once, over whole columns of the clean table, naming each failing row;
- ``compare``: the file against the database (before → after, reports replaced, figures that go down);
- ``prepare``: read + layout + matching + rules, nothing written; ``commit``: write in one transaction.
"""

from analytics.ingest.commit import IngestResult, commit, ingest_file, reject, sha256_of
from analytics.ingest.compare import change_preview, jump_pct
from analytics.ingest.layout import CANONICAL, SYNONYMS, header_key, row_has_figures
from analytics.ingest.model import (
                                    COUNT_COLUMNS,
                                    EMPTY_ROWS,
                                    MAX_PROBLEMS,
                                    ROW_COLUMNS,
                                    Prepared,
                                    Problem,
                                    cell_text,
)
from analytics.ingest.prepare import prepare, unit_list

__all__ = ["CANONICAL", "COUNT_COLUMNS", "EMPTY_ROWS", "MAX_PROBLEMS", "ROW_COLUMNS", "SYNONYMS", "IngestResult",
           "Prepared", "Problem", "cell_text", "change_preview", "commit", "header_key", "ingest_file",
           "jump_pct", "prepare", "reject", "row_has_figures", "sha256_of", "unit_list"]
