"""Small exception classes for user-facing errors.

Each carries a catalogue key and the values to fill in, so the edge (a page or
the CLI) renders it in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class HotichError(Exception):
    """Base class: an error the user caused or can fix; ``key`` names its catalogue text."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __str__(self) -> str:  # readable in logs and English tracebacks
        from analytics.i18n import t

        return t(self.key, "en", **self.values)

    def render(self, lang: str = "vi") -> str:
        from analytics.i18n import t

        return t(self.key, lang, **self.values)


class NotFoundError(HotichError):
    """A province, unit, upload or user that does not exist."""


class InvalidArgument(HotichError):
    """A value given on the command line or in a form that cannot be used."""


class UnknownProvince(NotFoundError):
    """A province name or code that fits no province of a unit list; ``codes`` are the closest ones."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key, **values)
        self.codes: list[str] = list(values.get("codes") or [])


class UnknownStructure(InvalidArgument):
    """A unit-list version (structure key) or a conversion between two that is not shipped."""


class DatabaseBusy(HotichError):
    """Another process holds the database for longer than the wait allowed."""


@dataclass
class Problem:
    """One thing wrong (or doubtful) in an uploaded file, located as the user sees it.

    ``row`` is the spreadsheet row number (header = row 1 in a plain file),
    ``None`` when the problem concerns the whole file.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem_key: str
    fix_key: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"  # "error" rejects the file; "warning" needs a confirmation

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        from analytics.i18n import t

        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "problem": t(self.problem_key, lang, **self.params),
            "fix": t(self.fix_key, lang, **self.params),
            "severity": self.severity,
        }


class IngestRejected(HotichError):
    """A file that cannot be loaded: every problem found, nothing written."""

    def __init__(self, file: str, problems: list[Problem], upload_id: int | None = None) -> None:
        super().__init__("ingest.rejected", file=file, count=len(problems))
        self.file = file
        self.problems = problems
        self.upload_id = upload_id
