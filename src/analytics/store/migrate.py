"""Moving a database from a DuckDB file to PostgreSQL (``python -m analytics migrate``).

Every table is copied whole in one PostgreSQL transaction (a reader of the target sees the old content
or the moved one), the sequences follow, and the same summary is taken of the source before and of the
target after, so the operator sees that nothing was lost."""

from __future__ import annotations

import os
from typing import Any

from analytics import queries
from analytics.errors import InvalidArgument
from analytics.store import pg
from analytics.store.base import Connection

META_CONTENT = "SELECT count(*) FROM meta WHERE key NOT IN ('mirror_of', 'seeded')"
SUMMARY_TOTALS = """SELECT count(*) AS reports, coalesce(sum(books_total), 0) AS books_total,
                           coalesce(sum(books_digitized), 0) AS books_digitized,
                           min(report_date) AS first_date, max(report_date) AS last_date FROM reports"""


def summary(con: Connection) -> dict[str, Any]:
    """What must be the same on both sides: rows per table (the mirror's, so PostgreSQL's) and the
    totals of the figures in force."""
    from analytics.store.backup import table_counts

    counts = table_counts(con)
    # the facts only a mirror (its origin) or a seeded PostgreSQL database keep are not content
    counts["meta"] = int(con.execute(META_CONTENT).fetchall()[0][0])
    row = con.execute(SUMMARY_TOTALS).fetchall()[0]
    totals = {"reports": int(row[0]), "books_total": int(row[1]), "books_digitized": int(row[2]),
              "first_date": row[3].isoformat() if row[3] else None,
              "last_date": row[4].isoformat() if row[4] else None}
    return {"tables": counts, "totals": totals}


def move(source: str | os.PathLike[str], target: str) -> dict[str, Any]:
    """Copy the DuckDB file ``source`` into the PostgreSQL database ``target`` (its content is replaced)."""
    from analytics.store.database import connect

    if not pg.is_url(target):
        raise InvalidArgument("migrate.target", target=str(target))
    if pg.is_url(str(source)) or not os.path.isfile(source):
        raise InvalidArgument("migrate.source", source=str(source))
    src = connect(source)  # brought to the current schema first, as any opening does
    try:
        before = summary(src)
        tables = {name: [c for (c,) in src.execute(queries.TABLE_COLUMNS, [name]).fetchall()]
                  for (name,) in src.execute(queries.USER_TABLES).fetchall()}
        frames = {name: src.sql(queries.select_all(name)).df() for name in tables}
        sequences = {name: last for name, last in src.execute(queries.SEQUENCES).fetchall()}
    finally:
        src.close()
    db = pg.database(target)
    db.replace_all(frames, sequences)
    with db.session() as con:
        after = summary(con)
    in_pg = db.pg_counts()
    with db.pool.connection() as raw:
        in_pg["meta"] = int(raw.execute(META_CONTENT).fetchone()[0])
    after["tables_in_postgresql"] = in_pg
    same = before == {k: after[k] for k in before} and in_pg == before["tables"]
    return {"from": str(source), "to": db.safe_url(), "before": before, "after": after, "same": same}

