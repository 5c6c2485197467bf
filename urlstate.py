"""The view in the URL: each control mirrored in the query string, so a pasted link opens the same view
and the browser's Back and Forward step through the views.

Streamlit pushes a history entry when the app writes ``st.query_params`` and, on Back/Forward, reruns the
app with the URL of that entry while the controls keep their values. So every control remembers the value
it last wrote to the URL: when the URL holds another one, the browser (or a link) moved it, and the URL
wins over the control; otherwise the control owns its value and the URL follows it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

SEEN = "_url_seen"  # session state: {query parameter: the value this session last wrote or read}


PAGE = "_url_page"  # session state: the page of the previous run
MENU = "_url_menu"  # session state: this run follows a click in the page menu
BLANK = "_url_blank"  # session state: the page whose history holds an entry the menu left without a query
PENDING = "_url_pending"  # session state: the values this run mirrors, written by ``flush``


def begin_run() -> None:
    """Once per run, before any control: tell a click in the page menu from Back/Forward. Streamlit drops
    the query string when the menu opens another page; then the controls keep their values and write them
    to the URL again (Back to a page keeps the query string of its history entry)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    page = getattr(ctx, "page_script_hash", None)
    seen = st.session_state.get(SEEN) or {}
    other_page = PAGE in st.session_state and st.session_state[PAGE] != page
    blank = not any(st.query_params.get(n) for n in seen)
    if other_page and blank:
        st.session_state[BLANK] = page
    # Back onto the entry the menu's page change left without a query string: the view stays (this press
    # of Back only puts the query string back; the next one leaves the page)
    back_to_blank = (blank and not other_page and st.session_state.get(BLANK) == page
                     and any(v is not None for v in seen.values()))
    st.session_state[MENU] = (other_page and blank) or back_to_blank
    st.session_state[PAGE] = page
    st.session_state.pop(PENDING, None)  # a run cut short (st.rerun) wrote nothing


def moved(name: str) -> bool:
    """Whether the URL's ``name`` differs from what the app last wrote there (Back/Forward, a link)."""
    seen = st.session_state.get(SEEN)
    if seen is None or name not in seen or st.session_state.get(MENU):
        return False
    return st.query_params.get(name) != seen[name]


def mirror(name: str, value: str | None, default: str | None) -> None:
    """Mirror a control in the URL (a default value leaves the URL clean), at the end of the run: Streamlit
    pushes a history entry for each write, and one change of view must be one step of the Back button."""
    st.session_state.setdefault(PENDING, {})[name] = None if value is None or value == default else value


def flush() -> None:
    """Write the run's mirrored controls to the URL in one go (``app.py`` calls it after the page ran)."""
    pending = st.session_state.pop(PENDING, None)
    if not pending:
        return
    current = st.query_params.to_dict()
    wanted = {k: v for k, v in current.items() if k not in pending}
    wanted.update({k: v for k, v in pending.items() if v is not None})
    if wanted != current:
        st.query_params.from_dict(wanted)
    st.session_state.setdefault(SEEN, {}).update(pending)


def follow(key: str, name: str, from_url: Any) -> None:
    """Before drawing the control ``key``: take ``from_url`` (its value read from the URL's ``name``) when the
    session has not set it yet or when the browser moved the URL."""
    if key not in st.session_state or moved(name):
        st.session_state[key] = from_url


def get(name: str) -> str | None:
    return st.query_params.get(name)
