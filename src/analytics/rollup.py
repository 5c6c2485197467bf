"""SQL for figures seen in one unit structure, composed from the constant templates in ``queries``.

The figures of a structure roll up from the structures before it (``structures``); how many steps back
depends on the province (its *depth*), so each query that reads reports exists once per depth, composed
here at import from constant text: the CTE names come from the depth (an integer), never from data, and
every value stays a parameter ($province, $to, ...).
"""

from __future__ import annotations

from analytics import queries

MAX_DEPTH = 4


def _rolled(depth: int) -> str:
    """The figures in force as seen in one structure, as a CTE named ``rolled`` over the communes of a CTE
    ``u``: each commune's own reports, and before its first own report, for each date a predecessor
    reported, the sum of its predecessors' figures on that date (the same rule ``depth`` structures back).
    Built once per depth from constant text: names come from the depth, values are parameters ($to)."""
    links = ["lin%d AS (SELECT from_id, to_id FROM unit_links WHERE is_default AND to_id IN (SELECT %s))"
             % (i, "commune_code FROM u" if i == 1 else "from_id FROM lin%d" % (i - 1))
             for i in range(1, depth + 1)]
    own = ("{g}_own AS (SELECT r.commune_code, r.report_date, r.books_total, r.books_digitized, "
           "r.records_digitized, r.records_total FROM reports r WHERE r.commune_code IN (SELECT {units}) AND r.report_date <= $to)")
    steps: list[str] = []
    deepest = "g%d" % depth
    steps.append(own.format(g=deepest, units=("from_id FROM lin%d" % depth) if depth else "commune_code FROM u"))
    steps.append("%s AS (SELECT * FROM %s_own)" % (deepest, deepest))
    for level in range(depth - 1, -1, -1):
        g, prev, lin = "g%d" % level, "g%d" % (level + 1), "lin%d" % (level + 1)
        units = ("from_id FROM lin%d" % level) if level else "commune_code FROM u"
        steps.append(own.format(g=g, units=units))
        steps.append(f"""{g}_first AS (SELECT commune_code, min(report_date) AS first_own FROM {g}_own GROUP BY commune_code)""")
        steps.append(f"""{g}_days AS (
    SELECT DISTINCT l.to_id AS commune_code, p.report_date FROM {prev} p JOIN {lin} l ON l.from_id = p.commune_code
    LEFT JOIN {g}_first f ON f.commune_code = l.to_id WHERE f.first_own IS NULL OR p.report_date < f.first_own)""")
        steps.append(f"""{g}_grid AS (SELECT d.commune_code, d.report_date AS day, l.from_id
    FROM {g}_days d JOIN {lin} l ON l.to_id = d.commune_code)""")
        steps.append(f"""{g}_synth AS (
    SELECT g.commune_code, g.day AS report_date, sum(p.books_total) AS books_total,
           sum(p.books_digitized) AS books_digitized, sum(p.records_digitized) AS records_digitized,
           sum(p.records_total) AS records_total
    FROM {g}_grid g ASOF LEFT JOIN {prev} p ON p.commune_code = g.from_id AND g.day >= p.report_date
    GROUP BY g.commune_code, g.day)""")
        steps.append(f"""{g} AS (SELECT * FROM {g}_own UNION ALL
    SELECT commune_code, report_date, CAST(books_total AS BIGINT), CAST(books_digitized AS BIGINT),
           CAST(records_digitized AS BIGINT), CAST(records_total AS BIGINT) FROM {g}_synth)""")
    steps.append("rolled AS (SELECT * FROM g0)")
    return ",\n".join(links + steps)


ROLLED_REPORTS = [_rolled(d) for d in range(MAX_DEPTH + 1)]


def _compose(template: str) -> list[str]:
    """One query per depth: the template with the roll-up CTE of that depth in place of {ROLLED}."""
    return [template.replace("{ROLLED}", ROLLED_REPORTS[d]) for d in range(MAX_DEPTH + 1)]


ROLLED_HISTORY = _compose(queries.ROLLED_HISTORY)
FIRST_REPORT_DATE = _compose(queries.FIRST_REPORT_DATE)
