"""The sidebar's as-of date, a control of our own: a text field and a calendar, both in the user's language.

Streamlit's date input commits a typed date only when the field loses focus (not on Enter) and its calendar
is English whatever the app's language; a text field commits on Enter, and the calendar here is drawn with
buttons, so both speak Vietnamese.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import streamlit as st

from analytics import metrics
from analytics.i18n import fmt_date
from ui.text import lang, md, tr

DAY = "as_of_day"        # session state: the applied day (the figures follow it)
FIELD = "as_of_input"    # session state: the text field's widget key
MONTH = "as_of_month"    # session state: the first day of the month the calendar shows
NOTE = "as_of_note"      # session state: (note, day) shown while that day is the applied one
ERROR = "as_of_error"    # session state: (message, text) shown while the field holds that text

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
WEEKDAYS = ("datefield.mon", "datefield.tue", "datefield.wed", "datefield.thu", "datefield.fri",
            "datefield.sat", "datefield.sun")


def parse_day(text: str) -> date | None:
    """The day a person typed: DD/MM/YYYY (as Vietnamese documents write it), D/M/YYYY, or YYYY-MM-DD;
    None when it is not one of those or not a real day (31/02/2025)."""
    text = (text or "").strip()
    try:
        if m := _DMY.fullmatch(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


def set_day(day: date, note: str | None = None) -> None:
    """Apply ``day``: the field shows it, the calendar opens on its month, a note stays while it is shown."""
    st.session_state[DAY] = day
    st.session_state[FIELD] = fmt_date(day)
    st.session_state[MONTH] = day.replace(day=1)
    st.session_state[NOTE] = (note, day) if note else None
    st.session_state[ERROR] = None


def _outside_note(asked: date, bounds: tuple[date, date]) -> str | None:
    shown = metrics.clamp_day(asked, bounds)
    if shown == asked:
        return None
    return tr("phone.as_of_typed_outside", asked=fmt_date(asked), low=fmt_date(bounds[0]),
              high=fmt_date(bounds[1]), shown=fmt_date(shown))


def _typed(bounds: tuple[date, date]) -> None:
    """The field's callback (Enter, or leaving the field): a day applies, within the data's span; text that
    is not a day changes nothing and says why."""
    text = st.session_state.get(FIELD) or ""
    day = parse_day(text)
    if day is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        st.session_state[ERROR] = (tr("datefield.malformed", asked=md(shown),
                                      shown=fmt_date(st.session_state[DAY])), text)
        return
    set_day(metrics.clamp_day(day, bounds), _outside_note(day, bounds))


def _shift_month(step: int) -> None:
    first = st.session_state[MONTH]
    months = first.year * 12 + first.month - 1 + step
    st.session_state[MONTH] = date(months // 12, months % 12 + 1, 1)


def month_title(first: date, language: str) -> str:
    """"Tháng 3/2025" in Vietnamese, "March 2025" in English."""
    return tr("datefield.month", month=first.month if language == "vi" else calendar.month_name[first.month],
              year=first.year)


def as_of_field(default_day: date, bounds: tuple[date, date]) -> date:
    """Draw the field and its calendar; the applied day (within ``bounds``).

    The caller seeds ``DAY`` (from the link) before; a day left outside new bounds (another province)
    comes back to the nearest one, with the note."""
    asked = st.session_state.get(DAY) or default_day
    if metrics.clamp_day(asked, bounds) != asked:
        set_day(metrics.clamp_day(asked, bounds), _outside_note(asked, bounds))
    st.session_state.setdefault(MONTH, st.session_state[DAY].replace(day=1))
    # set again through the Session State API even when kept: the label changes with the language, and a
    # widget whose identity changed would otherwise come back empty
    st.session_state[FIELD] = st.session_state.get(FIELD) or fmt_date(st.session_state[DAY])
    st.text_input(tr("sidebar.as_of"), key=FIELD, on_change=_typed, args=(bounds,),
                  placeholder=tr("datefield.placeholder"))
    error = st.session_state.get(ERROR)
    if error and error[1] == st.session_state[FIELD]:
        st.error(error[0], icon=":material/error:")
    _calendar(bounds)
    return st.session_state[DAY]


def _calendar(bounds: tuple[date, date]) -> None:
    """A month of day buttons in a popover: days without data disabled, the applied one highlighted."""
    low, high = bounds
    chosen = st.session_state[DAY]
    first = metrics.clamp_day(st.session_state[MONTH], (low.replace(day=1), high.replace(day=1)))
    st.session_state[MONTH] = first
    language = lang()
    with st.popover(tr("datefield.calendar"), icon=":material/calendar_month:", width="stretch"):
        prev, title, nxt = st.columns([1, 4, 1], vertical_alignment="center")
        prev.button("‹", key="as_of_prev", help=tr("datefield.prev"), on_click=_shift_month, args=(-1,),
                    disabled=first <= low.replace(day=1))
        title.markdown(f"**{month_title(first, language)}**")
        nxt.button("›", key="as_of_next", help=tr("datefield.next"), on_click=_shift_month, args=(1,),
                   disabled=first >= high.replace(day=1))
        heads = st.columns(7)
        for col, key in zip(heads, WEEKDAYS):
            col.caption(tr(key))
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            cols = st.columns(7)
            for col, day in zip(cols, week):
                if day.month != first.month:
                    continue
                col.button(str(day.day), key=f"as_of_pick_{day.isoformat()}", on_click=set_day, args=(day,),
                           disabled=not (low <= day <= high), type="primary" if day == chosen else "secondary",
                           width="stretch")
