"""Figures for the pages, read through ONE cache keyed on the database, its data version and the arguments.

``data(fn, *args)`` runs ``fn(con, *args)`` (an analytics function) on the sidebar's database and keeps the
answer for that data version, which every write bumps: a new upload shows at once, nothing stale is served.
An argument that is a ``Scope`` (what the sidebar chose) becomes the ``metrics.View`` it describes, inside
the same session. Streamlit's caches are used here only; analytics knows nothing of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import pandas as pd
import streamlit as st

from analytics import closing, config, ingest, metrics, settings, store, structures
from analytics.errors import HotichError


@dataclass(frozen=True)
class Scope:
    """The arguments of ``metrics.view`` the sidebar chooses: part of every cached answer's key.

    A new view argument is one field here (named as ``metrics.view`` and the sidebar's ``Sidebar`` name it)."""

    province: str
    as_of: date | None
    exact: bool = True  # the sidebar's province is an id chosen in its own structure
    measure: str | None = None  # "records" or "books"; None: the campaign's own

    def view(self, con: store.Connection) -> metrics.View:
        return metrics.view(con, **dataclasses.asdict(self))


class Source(Protocol):
    """Where the data is read and at which version: the sidebar's state, or ``At`` before it exists."""

    @property
    def path(self) -> str: ...

    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class At:
    path: str
    version: int


def db_path() -> str:
    return str(config.db_path())


def keep_open_seconds() -> float:
    """How long the dashboard keeps the database open after a rerun (see store.keep_open).

    ``HOTICH_KEEP_OPEN_SECONDS`` (default 10; 0 turns it off: the test suite sets 0, so tests that hand
    the file to another process are not slowed down)."""
    return settings.current().keep_open_seconds


def current() -> At:
    """The database of this run and its data version (read at every run: another process may have written)."""
    path = db_path()
    # how many commune tables the dashboard memoizes per data version (see metrics._memo): HOTICH_MEMO_SIZE
    # (the test suite sets 0, since its tests change databases behind the version's back); set at each run,
    # since every run asks for the version first
    metrics.MEMO_SIZE = settings.current().memo_size
    store.keep_open(path, keep_open_seconds())
    with store.session(path) as con:
        return At(path, store.data_version(con))


_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_BUILT: set[str] = set()  # functions of answers only (charts, display frames, file bytes): called without a connection


def _name(fn: Callable[..., Any]) -> str:
    """The function's part of the key: its module and name, so one must be a module's named function (two
    lambdas, or two pages' helpers of the same name, would share answers)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    if "<" in name or fn.__module__ == "__main__":
        raise ValueError(f"ui.data needs a module's named function, not {name}")
    return name


def _register(fn: Callable[..., Any], built: bool = False) -> str:
    name = _name(fn)
    _FUNCTIONS[name] = fn
    if built:
        _BUILT.add(name)
    return name


@dataclass(frozen=True)
class Ask:
    """A question (a function and its arguments), passed to another cached call in place of its answer.

    The question is part of that call's key, so the answer is read (from the cache) only when that call is
    not cached itself: a chart drawn from three answers costs nothing more than one lookup once drawn."""

    name: str
    args: tuple
    kwargs: tuple


def ask(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Ask:
    """``data(fn, *args, **kwargs)`` as an argument of another cached call (``built``, ``chart``)."""
    return Ask(_register(fn), args, tuple(sorted(kwargs.items())))


def chart(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Ask:
    """A figure (or any value) built from answers, ``fn(*answers)``, as ``plot`` draws it: asked, not built,
    so a chart already drawn for this data version and view is not built again. An argument that is a
    ``Scope`` becomes its ``metrics.View``; one that is an ``Ask`` becomes its answer."""
    return Ask(_register(fn, built=True), args, tuple(sorted(kwargs.items())))


def _answer(a: Any, path: str, version: int) -> Any:
    """What an argument stands for: a question's answer (cached), a chart's figure (built now), else itself."""
    if not isinstance(a, Ask):
        return a
    if a.name in _BUILT:  # a recipe: built here from cached answers (the call holding it is what is cached)
        return _call(_FUNCTIONS[a.name], path, version, a.args, dict(a.kwargs))
    return _cached(a.name, path, version, a.args, a.kwargs)


def _call(fn: Callable[..., Any], path: str, version: int, args: tuple, kwargs: dict[str, Any]) -> Any:
    args = tuple(_answer(a, path, version) for a in args)
    kwargs = {k: _answer(a, path, version) for k, a in kwargs.items()}
    if f"{fn.__module__}.{fn.__qualname__}" in _BUILT:  # no connection: a Scope is the view, itself a cached answer
        return fn(*[_cached(_register(_the_view), path, version, (a,), ()) if isinstance(a, Scope) else a
                    for a in args], **kwargs)
    with store.session(path) as con:
        real = [a.view(con) if isinstance(a, Scope) else a for a in args]
        return fn(con, *real, **kwargs)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, version: int, args: tuple, kwargs: tuple) -> Any:
    return _call(_FUNCTIONS[name], path, version, args, dict(kwargs))


def _source(at: Source | None) -> Source:
    if at is not None:
        return at
    state = st.session_state.get("view")  # the sidebar of this run (app.py sets it before the page runs)
    return state if state is not None else current()


def data(fn: Callable[..., Any], *args: Any, at: Source | None = None, **kwargs: Any) -> Any:
    """``fn(con, *args, **kwargs)`` on the sidebar's database, cached for its data version (the arguments,
    a ``Scope`` among them, are the rest of the key; they must be hashable values). An argument may be an
    ``ask``: the answer it stands for is handed to ``fn`` (and read only when ``fn``'s answer is not cached)."""
    src = _source(at)
    return _cached(_register(fn), src.path, src.version, args, tuple(sorted(kwargs.items())))


def built(fn: Callable[..., Any], *args: Any, at: Source | None = None, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` of answers (``ask``), cached like them: a display frame, a file's bytes, a
    drawn chart, for this data version and these arguments (``fn`` takes no connection)."""
    src = _source(at)
    return _cached(_register(fn, built=True), src.path, src.version, args, tuple(sorted(kwargs.items())))


def make(recipe: Ask, at: Source | None = None) -> Any:
    """What a ``chart`` (or ``ask``) stands for, now (a download's bytes, when its button is clicked)."""
    src = _source(at)
    return _answer(recipe, src.path, src.version)


def read(fn: Callable[..., Any], *args: Any, at: Source | None = None, **kwargs: Any) -> Any:
    """``fn(con, *args, **kwargs)`` now, not cached: what depends on who asks (the audit log), or is built
    only when a button is clicked (downloads)."""
    src = _source(at)
    return _call(fn, src.path, src.version, args, kwargs)


def view(of: Any, at: Source | None = None) -> metrics.View:
    """The view (campaign, window, thresholds) of a ``Scope``, or of the sidebar's state: its province on its day."""
    if not isinstance(of, Scope):
        of, at = of.scope, at or of
    return data(_the_view, of, at=at)


# --- answers made of several analytics calls (each a plain function of a connection, read through ``data``) ---


def _the_view(con: store.Connection, v: metrics.View) -> metrics.View:
    return v


def structure_list(con: store.Connection) -> pd.DataFrame:
    """The unit structures that hold units, oldest first."""
    return pd.DataFrame([s.__dict__ for s in structures.all_structures(con)],
                        columns=["id", "key", "effective_from", "label_vi", "label_en"])


def same_place(con: store.Connection, province: str, structure_key: str) -> str | None:
    """The province of another structure that holds the same place (None when none does)."""
    target = next((s for s in structures.all_structures(con) if s.key == structure_key), None)
    if target is None:
        return None
    try:
        return structures.province_in(con, province, target.effective_from or date.min)
    except HotichError:
        return None


def country_map(con: store.Connection, structure: str | None, as_of: date, measure: str | None = None) -> pd.DataFrame:
    from analytics import national

    return national.map_frame(con, national.country(con, structure, as_of, measure=measure))


def deadline_units(con: store.Connection, province: str) -> dict[str, str]:
    """"level:id" -> name of every district, then every commune of the province (the deadline picker)."""
    communes = store.units_frame(con, province)
    districts = communes.dropna(subset=["district_code"]).drop_duplicates("district_code")
    out = {f"district:{c}": str(n) for c, n in zip(districts["district_code"], districts["district"])}
    out.update({f"commune:{c}": f"{n} ({d})" if isinstance(d, str) and d else str(n)
                for c, n, d in zip(communes["commune_code"], communes["commune"], communes["district"])})
    return out


def shipped_provinces(con: store.Connection, structure_key: str) -> dict[str, str]:
    """Province code -> name in a shipped unit list (the set-up choice)."""
    from analytics import gazetteer

    frame = gazetteer.units(structure_key)[["province_code", "province_name"]].drop_duplicates()
    return dict(zip(frame["province_code"], frame["province_name"]))


def settings_of(con: store.Connection, province: str) -> dict[str, Any]:
    """The Settings page's current values: campaign, thresholds, window, calendar."""
    v = metrics.view(con, province, None)
    return {"name": v.campaign_name, "start": v.start, "deadline": v.deadline, "amber": v.amber,
            "window": v.window, "calendar": metrics.calendar(con, province),
            "measure": store.default_measure(con, province),
            "jump": ingest.jump_pct(con, province),
            "cutoff": closing.cutoff_time(con, province)}


def cutoff_label(con: store.Connection, province: str, lang: str) -> str:
    """The daily cut-off as the menu shows it ("17h00")."""
    return closing.format_cutoff(closing.cutoff_time(con, province), lang)


def summon(con: store.Connection, v: metrics.View, deadline: date,
           district: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The communes (and their districts) past ``deadline`` on D and not at 100 %."""
    communes_ = closing.summon_list(con, v, deadline, district)
    return communes_, closing.summon_districts(con, v, communes_)


def summon_table(summoned: tuple[pd.DataFrame, pd.DataFrame], lang: str, measure: str) -> pd.DataFrame:
    """The communes of ``summon`` as the page shows them (built from the cached answer, once per version)."""
    return closing.summon_table(summoned[0], lang, measure)


def cutoff_table(panel: dict[str, Any], lang: str) -> pd.DataFrame:
    """The communes of ``closing.cutoff_panel`` not in by the cut-off, as the page shows them."""
    return closing.cutoff_table(panel["not_in"], lang)


def districts_of(state: Any) -> Ask:
    """The province's districts (``metrics.districts_frame``) of the sidebar's day and measure, asked for."""
    return chart(metrics.districts_frame, ask(metrics.summary, state.province, state.as_of, exact=True,
                                              measure=state.measure))


def demo_removed(con: store.Connection) -> int | None:
    """The upload that replaced the demo, when nothing is in force any more (it was withdrawn); else None."""
    if store.is_demo(con) or store.report_count(con) > 0:
        return None
    return store.demo_replaced_by(con)


def template_files(con: store.Connection, province: str, district: str | None) -> dict[str, tuple[str, bytes]]:
    """The report template of the province or of one district (its communes only): {"csv"|"xlsx": (name, bytes)}."""
    from analytics import templates

    communes = store.units_frame(con, province)
    if district:
        communes = communes[communes["district_code"] == district]
    place = str(communes["district"].iloc[0]) if district and len(communes) else None
    return {"csv": (templates.file_name(place, "csv"), templates.template_csv(communes, place)),
            "xlsx": (templates.file_name(place, "xlsx"), templates.template_xlsx(communes, place))}


def read_at(con: store.Connection) -> datetime:
    """When this process first read this data version (a stable stamp for charts on screen)."""
    return datetime.now()


# the store's readers the pages show as they are (pages name them here, never the store itself)
MEASURES = store.MEASURES  # what a campaign may count in, in the order the Settings page offers them
communes = store.all_communes
uploads = store.uploads
unit_deadlines = store.unit_deadlines
explanations = store.explanations
upload_communes = store.upload_communes_all
preview_units = store.preview_units
