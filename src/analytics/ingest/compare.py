"""A prepared file against what the database holds: before → after, reports replaced, figures that go down.

Nothing here writes: the Upload page shows these before the clerk confirms.
"""

from __future__ import annotations

from typing import Any

from analytics import config, store
from analytics.ingest import model
from analytics.ingest.model import Prepared, Problem

__all__ = ["change_preview", "jump_pct", "with_store"]


def with_store(con: store.Connection, prep: Prepared, label: dict[str, str]) -> None:
    """New and replaced reports; a warning where a cumulative figure goes below the report before it (SQL)."""
    frame = prep.rows
    if frame.empty or store.is_demo(con):  # the first real upload replaces the demo figures
        prep.new_reports, prep.replaced_reports = len(frame), 0
        return
    replaced, lower = store.compare_incoming(con, frame)
    prep.replaced_reports = replaced
    prep.new_reports = len(frame) - replaced
    for row_no, value, previous, prev_date in lower:
        prep.warnings.append(Problem(
            prep.file_name, int(row_no), label["books_digitized"], str(int(value)),
            "check.lower_than_before", "fix.confirm_correction",
            {"previous": int(previous), "date": model.fmt_date(prev_date)}, "warning"))


def change_preview(con: store.Connection, prep: Prepared) -> dict[str, Any]:
    """Province completion now and with the file applied (computed by ``metrics``, nothing written).

    Both are taken on the same as-of date: the later of the province's latest
    report and the file's latest date.
    """
    from analytics import metrics

    if prep.errors or prep.rows.empty:
        return {}
    province = prep.province_code or store.default_province(con)
    _, last = metrics.report_span(con, province)
    file_last = max(prep.rows["report_date"])
    as_of = max(d for d in (last, file_last) if d is not None)
    demo = store.is_demo(con)
    # in books whatever the campaign's measure: a file may give no records, and the preview's figures and
    # the implausible-jump check are books
    before = metrics.summary(con, province, as_of, measure="books")
    if demo:  # the demo goes away with this file: there is no real "before"
        before = {key: None for key in before}
    with store.what_if(con, prep.rows):
        after = metrics.summary(con, province, as_of, measure="books")
    return {
        "province": province,
        "as_of": as_of,
        "demo": demo,  # the first real upload replaces the demo: nothing to compare with
        "previous": None if demo else store.previous_figures(con, prep.rows),
        "jump_pct": jump_pct(con, province),
        "new_reports": prep.new_reports,
        "replaced_reports": prep.replaced_reports,
        "completion_before": before["completion_pct"],
        "completion_after": after["completion_pct"],
        "books_digitized_before": before["books_digitized"],
        "books_digitized_after": after["books_digitized"],
        "units_reporting_before": before["units_reporting"],
        "units_reporting_after": after["units_reporting"],
    }


def jump_pct(con: store.Connection, province: str) -> float:
    """The daily increase, in % of a commune's books, above which the Upload page asks to check a figure
    (setting ``jump_pct``; a 20-day campaign needs about 5 % a day, so 20 % a day is rarely real)."""
    try:
        return float(store.get_setting(con, province, "jump_pct", str(config.DEFAULT_JUMP_PCT)) or 0)
    except ValueError:
        return float(config.DEFAULT_JUMP_PCT)
