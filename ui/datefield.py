"""Date fields of our own: a text field and a calendar, both in the user's language (the sidebar's as-of
date and every date a page asks for: campaign dates, deadlines, explanation and report dates).

Streamlit's date input commits a typed date only when the field loses focus (not on Enter) and its calendar
is English whatever the app's language; a text field commits on Enter, and the calendar here is drawn with
buttons, so both speak Vietnamese.

Streamlit allows no callbacks and no buttons inside ``st.form``: a page with a form draws its date fields
just above the form (in the same bordered box) and reads the applied days when the form is submitted.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import streamlit as st

from analytics import metrics
from analytics.i18n import fmt_date
from ui.text import lang, md, tr

# any date a person may mean in this campaign; also the calendar's first and last month
ANY_DAY = (date(2000, 1, 1), date(2099, 12, 31))

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
WEEKDAYS = ("datefield.mon", "datefield.tue", "datefield.wed", "datefield.thu", "datefield.fri",
            "datefield.sat", "datefield.sun")


@dataclass(frozen=True)
class Spec:
    """Where one field keeps its state: ``key`` is the text field's widget key, ``name`` the prefix of the
    rest (``<name>_day`` the applied day, ``<name>_month`` the calendar's month, ``<name>_pick_<day>`` its
    buttons)."""

    name: str
    key: str

    @property
    def day(self) -> str:
        return f"{self.name}_day"

    @property
    def month(self) -> str:
        return f"{self.name}_month"

    @property
    def note(self) -> str:
        return f"{self.name}_note"

    @property
    def error(self) -> str:
        return f"{self.name}_error"

    @property
    def seed(self) -> str:
        return f"{self.name}_seed"


AS_OF = Spec("as_of", "as_of_input")
DAY = AS_OF.day        # session state: the applied day (the figures follow it)
FIELD = AS_OF.key      # session state: the text field's widget key
MONTH = AS_OF.month    # session state: the first day of the month the calendar shows
NOTE = AS_OF.note      # session state: (note, day) shown while that day is the applied one
ERROR = AS_OF.error    # session state: (message, text) shown while the field holds that text


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


def set_day(day: date | None, note: str | None = None, spec: Spec = AS_OF) -> None:
    """Apply ``day`` (None: an optional field left empty): the field shows it, the calendar opens on its
    month, a note stays while it is shown."""
    st.session_state[spec.day] = day
    st.session_state[spec.key] = fmt_date(day) if day else ""
    if day:
        st.session_state[spec.month] = day.replace(day=1)
    st.session_state[spec.note] = (note, day) if note else None
    st.session_state[spec.error] = None


def _outside_note(asked: date, bounds: tuple[date, date]) -> str | None:
    shown = metrics.clamp_day(asked, bounds)
    if shown == asked:
        return None
    return tr("phone.as_of_typed_outside", asked=fmt_date(asked), low=fmt_date(bounds[0]),
              high=fmt_date(bounds[1]), shown=fmt_date(shown))


def _shown(text: str) -> str:
    return md(text if len(text) <= 40 else text[:40] + "…")


def _typed(spec: Spec, bounds: tuple[date, date], clamp: bool, optional: bool) -> None:
    """The field's callback (Enter, or leaving the field): a day applies; a day outside ``bounds`` comes
    back to the nearest one with a note (``clamp``: the figures' date) or is refused; text that is not a
    day changes nothing; both say why."""
    text = st.session_state.get(spec.key) or ""
    kept = st.session_state.get(spec.day)
    if optional and not text.strip():
        set_day(None, spec=spec)
        return
    day = parse_day(text)
    if day is None:
        message = (tr("datefield.malformed", asked=_shown(text), shown=fmt_date(kept)) if spec == AS_OF
                   else tr("datefield.malformed_kept", asked=_shown(text),
                           kept=fmt_date(kept) if kept else tr("datefield.empty")))
        st.session_state[spec.error] = (message, text)
        return
    if clamp:
        set_day(metrics.clamp_day(day, bounds), _outside_note(day, bounds), spec)
    elif metrics.clamp_day(day, bounds) != day:
        st.session_state[spec.error] = (tr("datefield.outside", asked=fmt_date(day), low=fmt_date(bounds[0]),
                                           high=fmt_date(bounds[1]),
                                           kept=fmt_date(kept) if kept else tr("datefield.empty")), text)
    else:
        set_day(day, spec=spec)


def _shift_month(spec: Spec, step: int) -> None:
    first = st.session_state[spec.month]
    months = first.year * 12 + first.month - 1 + step
    st.session_state[spec.month] = date(months // 12, months % 12 + 1, 1)


def month_title(first: date, language: str) -> str:
    """"Tháng 3/2025" in Vietnamese, "March 2025" in English."""
    return tr("datefield.month", month=first.month if language == "vi" else calendar.month_name[first.month],
              year=first.year)


def as_of_field(default_day: date, bounds: tuple[date, date]) -> date:
    """Draw the sidebar's field and its calendar; the applied day (within ``bounds``).

    The caller seeds ``DAY`` (from the link) before; a day left outside new bounds (another province)
    comes back to the nearest one, with the note."""
    asked = st.session_state.get(DAY) or default_day
    if metrics.clamp_day(asked, bounds) != asked:
        set_day(metrics.clamp_day(asked, bounds), _outside_note(asked, bounds))
    day = _draw(AS_OF, tr("sidebar.as_of"), bounds, clamp=True, optional=False, disabled=False)
    assert day is not None  # the sidebar's field is never empty
    return day


def date_field(label: str, key: str, value: date | None, *, bounds: tuple[date, date] = ANY_DAY,
               optional: bool = False, disabled: bool = False, name: str | None = None) -> date | None:
    """A date the page asks for, typed (DD/MM/YYYY, Enter applies) or picked on the calendar; the applied
    day (None: left empty, when ``optional``). A day outside ``bounds`` or text that is not a day is
    refused with a message and the field keeps its day.

    ``value`` is what the field shows first, and again whenever the caller's value changes (a save, another
    province); ``key`` is the text field's widget key, ``name`` (default: ``key``) the prefix of its other
    state. Not inside ``st.form`` (Streamlit allows no callbacks there)."""
    spec = Spec(name or key, key)
    if spec.seed not in st.session_state or st.session_state[spec.seed] != value:
        st.session_state[spec.seed] = value
        set_day(value, spec=spec)
    return _draw(spec, label, bounds, clamp=False, optional=optional, disabled=disabled)


def pending(*keys: str) -> bool:
    """Whether one of these fields (by key, with the default ``name``) holds text it refused: a form
    submitted then would save the day the field kept, not the one the person sees."""
    return any((err := st.session_state.get(Spec(k, k).error)) and err[1] == st.session_state.get(k)
               for k in keys)


def reset(*keys: str) -> None:
    """Forget these fields (by key): the next run shows the caller's value again (a form cleared after saving)."""
    for k in keys:
        st.session_state.pop(Spec(k, k).seed, None)


def _draw(spec: Spec, label: str, bounds: tuple[date, date], *, clamp: bool, optional: bool,
          disabled: bool) -> date | None:
    day = st.session_state.get(spec.day)
    st.session_state.setdefault(spec.month, (day or metrics.clamp_day(date.today(), bounds)).replace(day=1))
    # set again through the Session State API even when kept: the label changes with the language, and a
    # widget whose identity changed would otherwise come back empty
    kept = st.session_state.get(spec.key)
    error = st.session_state.get(spec.error)
    if kept == "" and day and not optional and not (error and error[1] == ""):
        # a field that must hold a day and was not emptied by the person (Streamlit may hand a re-created
        # widget back empty, seen on a new session once others had visited every page) shows its day again
        kept = None
    st.session_state[spec.key] = kept if kept is not None else (fmt_date(day) if day else "")
    with st.container(key=f"{spec.name}_field", gap="small"):  # one box: the field, its message, its calendar
        st.text_input(label, key=spec.key, on_change=_typed, args=(spec, bounds, clamp, optional),
                      placeholder=tr("datefield.placeholder"), disabled=disabled)
        error = st.session_state.get(spec.error)
        if error and error[1] == st.session_state[spec.key]:
            st.error(error[0], icon=":material/error:")
        _calendar(spec, bounds, optional, disabled)
    return st.session_state.get(spec.day)


def _calendar(spec: Spec, bounds: tuple[date, date], optional: bool, disabled: bool) -> None:
    """A month of day buttons in a popover: days outside ``bounds`` disabled, the applied one highlighted."""
    low, high = bounds
    chosen = st.session_state.get(spec.day)
    first = metrics.clamp_day(st.session_state[spec.month], (low.replace(day=1), high.replace(day=1)))
    st.session_state[spec.month] = first
    language = lang()
    with st.popover(tr("datefield.calendar"), icon=":material/calendar_month:", width="stretch",
                    disabled=disabled):
        prev, title, nxt = st.columns([1, 4, 1], vertical_alignment="center")
        prev.button("‹", key=f"{spec.name}_prev", help=tr("datefield.prev"), on_click=_shift_month,
                    args=(spec, -1), disabled=first <= low.replace(day=1))
        title.markdown(f"**{month_title(first, language)}**")
        nxt.button("›", key=f"{spec.name}_next", help=tr("datefield.next"), on_click=_shift_month,
                   args=(spec, 1), disabled=first >= high.replace(day=1))
        heads = st.columns(7)
        for col, key in zip(heads, WEEKDAYS):
            col.caption(tr(key))
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            cols = st.columns(7)
            for col, day in zip(cols, week):
                if day.month != first.month:
                    continue
                col.button(str(day.day), key=f"{spec.name}_pick_{day.isoformat()}", on_click=set_day,
                           args=(day, None, spec), disabled=not (low <= day <= high),
                           type="primary" if day == chosen else "secondary", width="stretch")
        if optional:
            st.button(tr("datefield.clear"), key=f"{spec.name}_clear", on_click=set_day, args=(None, None, spec),
                      disabled=chosen is None, icon=":material/backspace:")
