"""Write a prepared file in one transaction, or log why it was refused.

``ingest_file`` prepares and commits in one call, as the CLI does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analytics import store
from analytics.errors import IngestRejected, Problem
from analytics.ingest.model import Prepared

__all__ = ["IngestResult", "commit", "ingest_file", "reject", "sha256_of"]


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


def sha256_of(data: bytes) -> str:
    """The file's fingerprint: the same bytes giving the same dates change nothing."""
    return hashlib.sha256(data).hexdigest()


def _acting(user: Any, source: str) -> tuple[str | None, str]:
    """Who writes: the app passes an ``auth.User``; the CLI (the local operator) a name or None."""
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
    from analytics.ingest.prepare import prepare

    prep = prepare(con, data, file_name, report_date=report_date, province=province, sheet=sheet, today=today,
                   size=size)
    if prep.errors:
        raise reject(con, prep, user=user, source=source)
    if strict and prep.warnings:
        raise reject(con, prep, user=user, source=source, problems=prep.warnings)
    return commit(con, prep, user=user, source=source)
