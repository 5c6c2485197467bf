"""Writes from the pages. Each is one call of ``act``: the role is checked, ONE transaction holds every
change (several writes land together or not at all), an error is shown in the user's language, and the
outcome says whether it was written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analytics import auth, demo, ingest, store
from analytics.errors import HotichError
from ui.auth import current_user
from ui.data import Source, _source
from ui.text import show_error


@dataclass(frozen=True)
class Outcome:
    """What a write gave: ``ok`` (true when it was written) and its result."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def act(action: str, fn: Callable[..., Any], *args: Any, at: Source | None = None, **kwargs: Any) -> Outcome:
    """``fn(con, user, *args, **kwargs)`` in one transaction, when the signed-in account may ``action``.

    Refused (the role, or communes not assigned inside ``fn``) or failing, nothing is written and the
    message is shown; a refusal is still logged for the administrator (``auth.check``)."""
    user = current_user()
    try:
        with store.session(_source(at).path) as con:
            auth.check(con, user, action)  # before anything: a refused account writes nothing but the log line

            @store.retry_conflicts
            def run() -> Any:
                with store.transaction(con) as tx:  # every write of fn joins this one
                    return fn(tx, user, *args, **kwargs)

            return Outcome(True, run())
    except HotichError as exc:
        show_error(exc)
        return Outcome(False)


# --- writes whose analytics function is not shaped (con, user, ...) ------------------------------------------


def commit_upload(con: store.Connection, user: auth.User, prep: ingest.Prepared) -> ingest.IngestResult:
    return ingest.commit(con, prep, user=user, source="app")  # refuses communes not assigned


def log_rejected(con: store.Connection, user: auth.User, prep: ingest.Prepared) -> None:
    ingest.reject(con, prep, user=user, source="app")


def load_demo(con: store.Connection, user: auth.User) -> dict[str, int]:
    """Fill an emptied database with the demo again (the same load as the CLI's ``demo``)."""
    return demo.load_demo(con, user=user.name, source=user.source)
