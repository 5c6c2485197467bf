"""The audit log of every write that is not an upload."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from analytics import lazy, queries
from analytics.store.base import Connection, _now
from analytics.store.database import _JOINED, retry_conflicts, transaction

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame


def record_audit(con: Connection, user: str | None, action: str, target: str | None = None,
                 detail: Any = None, file_name: str | None = None, source: str | None = None) -> None:
    """One line in the audit log; call it inside the write's own transaction so both land or neither."""
    audit_id = int(con.execute(queries.NEXT_AUDIT_ID).fetchone()[0])
    text = None if detail is None else json.dumps(detail, ensure_ascii=False, default=str)
    con.execute(queries.AUDIT_INSERT, [audit_id, _now(), user, source, action, target, text, file_name])


@retry_conflicts
def record_refusal(con: Connection, user: str | None, action: str, target: str | None = None, detail: Any = None,
                   file_name: str | None = None, source: str | None = None) -> None:
    """Log a write that was refused (its change is not made): who tried what, and why it was refused."""

    def log(to: Connection) -> None:
        with transaction(to) as tx:
            record_audit(tx, user, action, target, detail, file_name=file_name, source=source)

    pending = _JOINED.get(id(con))
    if pending is None:
        log(con)
    else:  # inside a larger write that this refusal will roll back: logged once that one has ended
        pending.append(log)


def audit_log(con: Connection, limit: int = 1000) -> pd.DataFrame:
    """The audit log (writes other than uploads, sign-ins, account changes), newest first."""
    return con.execute(queries.AUDIT_LIST, [limit]).df()
