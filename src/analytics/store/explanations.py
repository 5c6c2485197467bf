"""What lagging units said about their delay and what they committed to."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from analytics import lazy, queries, safetext
from analytics.errors import InvalidArgument, NotFoundError
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _now, canonical_code
from analytics.store.database import transaction
from analytics.store.meta import bump_version

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame


def add_explanation(con: Connection, province: str, commune_code: str, explained_on: date, reason: str,
                    new_completion_date: date | None = None, responsible: str | None = None,
                    user: str | None = None) -> int:
    """Record what a unit said about its delay and what it committed to. Returns the explanation's id."""
    text = (reason or "").strip()
    if not text:
        raise InvalidArgument("explain.reason_empty")
    code = canonical_code(commune_code, "commune")
    if not con.execute(queries.UNIT_EXISTS, ["commune", code]).fetchone()[0]:
        raise NotFoundError("explain.unknown_commune", commune=commune_code)
    if new_completion_date is not None and new_completion_date < explained_on:
        raise InvalidArgument("explain.commitment_before", date=new_completion_date.isoformat())
    # a control character (U+000B from Word, a NUL) would make the Excel report unreadable: refuse it here
    for key, value, multiline in (("explain.reason_control", text, True),
                                  ("explain.responsible_control", (responsible or "").strip(), False)):
        found = safetext.control_char(value, multiline=multiline)
        if found is not None:
            raise InvalidArgument(key, position=found[0], char=found[1])
    with transaction(con) as con:
        new_id = int(con.execute(queries.NEXT_EXPLANATION_ID).fetchone()[0])
        con.execute(queries.INSERT_EXPLANATION,
                    [new_id, province, code, explained_on, text[:2000], new_completion_date,
                     (responsible or "").strip()[:200] or None, _now(), user])
        bump_version(con)
        record_audit(con, user, "explanation.add", code, {"id": new_id, "explained_on": explained_on})
    return new_id


def delete_explanation(con: Connection, explanation_id: int, user: str | None = None) -> None:
    if not con.execute(queries.EXPLANATION_EXISTS, [explanation_id]).fetchone()[0]:
        raise NotFoundError("explain.unknown", id=explanation_id)
    with transaction(con) as con:
        con.execute(queries.DELETE_EXPLANATION, [explanation_id])
        bump_version(con)
        record_audit(con, user, "explanation.delete", str(explanation_id))


def explanations(con: Connection, province: str, commune_code: str | None = None,
                 as_of: date | None = None) -> pd.DataFrame:
    """Explanations of a province (or one commune), given on or before ``as_of``, newest first."""
    return con.execute(queries.EXPLANATIONS,
                       {"province": province, "commune": commune_code, "as_of": as_of}).df()


def latest_explanations(con: Connection, province: str, as_of: date) -> pd.DataFrame:
    """Each commune's latest explanation given on or before ``as_of``."""
    return con.execute(queries.LATEST_EXPLANATIONS, {"province": province, "as_of": as_of}).df()


def explanations_commune(con: Connection, explanation_id: int) -> set[str]:
    return {code for (code,) in con.execute(queries.EXPLANATION_COMMUNE, [explanation_id]).fetchall()}
