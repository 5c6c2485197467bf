"""Unit lists as versions in time, and how figures follow the units from one version to the next.

A *structure* is a unit list with the date it takes effect: the first one ("2024") has none and is in
force until the next; the lists of 1 Jan 2025 and 1 Jul 2025 are shipped (``gazetteer``), and
``units FILE --from DATE`` adds one. Every unit belongs to one structure, so the same code in two
structures is two units (``store._unit_ids`` gives each its own id), and every report belongs to the
unit of the structure it was read in.

Links say which commune of the next structure took each commune in (``unit_links``); a commune split
between several has one *default* link, and it counts there only. Figures in a structure (README,
"Definitions"): a unit's figures on D are its own latest report on or before D when it has one, else the
sum over its predecessors of their figures on D, by the same rule one structure further back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics import lazy, queries, rollup, store
from analytics.errors import InvalidArgument, NotFoundError
from analytics.units import display_code

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame

SHIPPED_ORDER = ("2024", "2025-01", "2025-07")
MAX_DEPTH = rollup.MAX_DEPTH


@dataclass(frozen=True)
class Structure:
    """One version of the unit list."""

    id: int
    key: str
    effective_from: date | None
    label_vi: str | None
    label_en: str | None

    @property
    def date_hint(self) -> date:
        """A day on which this structure is in force (its first day; the first structure: the earliest day)."""
        return self.effective_from or date.min

    def label(self, lang: str = "vi") -> str:
        text = self.label_vi if lang == "vi" else self.label_en
        return text or self.key


def _first(con: store.Connection, sql: str, params: Any) -> tuple[Any, ...] | None:
    """The first row of a query, reading the whole result: DuckDB refuses ``register`` on a connection
    with a half-read one, and this module registers frames between its reads."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def _structure(row: tuple[Any, ...]) -> Structure:
    return Structure(int(row[0]), str(row[1]), row[2], row[3], row[4])


def all_structures(con: store.Connection, *, with_units: bool = True) -> list[Structure]:
    """The structures, oldest first; by default only those that hold units."""
    query = queries.STRUCTURES_WITH_UNITS if with_units else queries.STRUCTURES_ALL
    return [_structure(r) for r in con.execute(query).fetchall()]


def by_id(con: store.Connection, structure_id: int) -> Structure:
    row = _first(con, queries.STRUCTURE_GET, [structure_id])
    if row is None:
        raise NotFoundError("structure.unknown", structure=structure_id)
    return _structure(row)


def in_force(con: store.Connection, day: date | None) -> Structure:
    """The structure in force on a day: the latest that took effect on or before it (the first one
    before any took effect); today when no day is given."""
    found = all_structures(con)
    if not found:
        return by_id(con, store.BASE_STRUCTURE)
    day = day or date.today()
    chosen = found[0]
    for s in found:
        if s.effective_from is None or s.effective_from <= day:
            chosen = s
    return chosen


def of_province(con: store.Connection, province_id: str) -> Structure:
    """The structure a province (a unit id) belongs to."""
    row = _first(con, queries.STRUCTURE_OF_UNIT, ["province", province_id])
    if row is None:
        raise NotFoundError("province.unknown", province=province_id)
    return by_id(con, int(row[0]))


def candidates_for(con: store.Connection, day: date | None) -> list[Structure]:
    """Structures a file dated ``day`` may be read in: the one in force first, then the older ones,
    newest first (clerks keep using last year's template)."""
    current = in_force(con, day)
    older = [s for s in all_structures(con) if s.id != current.id and _before(s, current)]
    return [current, *sorted(older, key=lambda s: s.effective_from or date.min, reverse=True)]


def _before(a: Structure, b: Structure) -> bool:
    if a.effective_from is None:
        return b.effective_from is not None
    return b.effective_from is not None and a.effective_from < b.effective_from


def depth(con: store.Connection, province_id: str) -> int:
    """How many structures back the reports of a province's communes can come from (bounded)."""
    value = _first(con, queries.LINEAGE_DEPTH, {"province": province_id, "max_depth": MAX_DEPTH})[0]
    return int(value or 0)


def newer_reports(con: store.Connection, province_id: str) -> int:
    """Reports made in structures newer than the province's, for units that took its communes in:
    not counted in this structure (a page says how many)."""
    return int(_first(con, queries.NEWER_REPORTS, {"province": province_id, "max_depth": MAX_DEPTH})[0])


def split_links(con: store.Connection, commune_id: str) -> pd.DataFrame:
    """Where a commune went when the next structure split it: every unit, the default one first."""
    return con.execute(queries.LINKS_FROM, [commune_id]).df()


# --- adding versions ---------------------------------------------------------------------------


def ensure_structure(con: store.Connection, key: str, effective_from: date | None, label_vi: str | None,
                     label_en: str | None, source: str | None) -> int:
    """The id of the structure with this key (created when missing); inside the caller's transaction."""
    rows = con.execute(queries.STRUCTURE_BY_KEY, [key]).fetchall()
    if rows:
        return int(rows[0][0])
    if effective_from is not None:
        rows = con.execute(queries.STRUCTURE_BY_DATE, [effective_from]).fetchall()
        if rows:  # one version per date: a second list from the same day joins it
            return int(rows[0][0])
    new_id = int(con.execute(queries.STRUCTURE_NEXT_ID).fetchall()[0][0])
    con.execute(queries.STRUCTURE_INSERT, [new_id, key, effective_from, label_vi, label_en, source, store._now()])
    return new_id


def _link(con: store.Connection, from_id: int, to_id: int, mapping: pd.DataFrame) -> int:
    """Links from communes of one structure to communes of another, given by official codes
    (old_commune_code, new_commune_code, is_default). Returns the number of links written."""
    if mapping.empty:
        return 0
    frame = mapping[["old_commune_code", "new_commune_code", "is_default"]].copy()
    frame["old_commune_code"] = frame["old_commune_code"].astype(object)
    frame["new_commune_code"] = frame["new_commune_code"].astype(object)
    frame["is_default"] = frame["is_default"].astype(bool)
    con.register("_map_in", frame)
    try:
        con.execute(queries.DELETE_LINKS_INTO, {"from_s": from_id, "to_s": to_id})
        con.execute(queries.INSERT_LINKS_FROM_MAP, {"from_s": from_id, "to_s": to_id})
    finally:
        con.unregister("_map_in")
    return int(con.execute(queries.COUNT_LINKS_BETWEEN, {"from_s": from_id, "to_s": to_id}).fetchall()[0][0])


def _same_code_mapping(con: store.Connection, from_id: int, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Without a mapping file, a commune of the new list continues the commune with the same code."""
    old = {ref for (ref,) in con.execute(queries.COMMUNE_REFS_OF_STRUCTURE, [from_id]).fetchall()}
    pairs = [(r["commune_code"], r["commune_code"], True) for r in rows if r["commune_code"] in old]
    return pd.DataFrame(pairs, columns=["old_commune_code", "new_commune_code", "is_default"])


def read_mapping_csv(path: str | Path) -> pd.DataFrame:
    """A mapping file: old_commune_code,new_commune_code[,is_default]; an old commune named on several
    rows is split, and its default is the row marked is_default (else the first)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        names = reader.fieldnames or []
        if "old_commune_code" not in names or "new_commune_code" not in names:
            raise InvalidArgument("units.mapping_columns", file=str(path))
        rows = []
        for i, raw in enumerate(reader, start=2):
            old = store.canonical_code(raw.get("old_commune_code"), "commune")
            new = store.canonical_code(raw.get("new_commune_code"), "commune")
            if not old or not new:
                raise InvalidArgument("units.mapping_row", file=str(path), row=i)
            flag = str(raw.get("is_default") or "").strip().lower()
            rows.append((old, new, flag in {"1", "true", "yes", "x", "có", "co"}))
    frame = pd.DataFrame(rows, columns=["old_commune_code", "new_commune_code", "is_default"])
    return default_per_old(frame)


def default_per_old(frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly one default link per old commune: the one marked, else its first row."""
    if frame.empty:
        return frame
    frame = frame.drop_duplicates(["old_commune_code", "new_commune_code"]).reset_index(drop=True)
    marked = frame.groupby("old_commune_code")["is_default"].transform("any")
    first = ~frame.duplicated("old_commune_code")
    chosen = frame["is_default"] | (~marked & first)
    keep_one = chosen & ~(chosen & frame.duplicated(["old_commune_code", "is_default"]) & frame["is_default"])
    frame["is_default"] = keep_one
    return frame


@store.retry_conflicts
def add_version(con: store.Connection, rows: list[dict[str, Any]], effective_from: date,
                mapping: pd.DataFrame | None = None, *, user: str | None = None, source: str | None = None,
                file_name: str | None = None) -> dict[str, Any]:
    """``units FILE --from DATE``: the file's provinces get a new list from that date; their communes
    continue those of the list in force the day before (by the mapping, else by the same code)."""
    if not rows:
        raise InvalidArgument("units.empty", file=file_name or "")
    with store.transaction(con) as con:
        previous = in_force(con, effective_from - timedelta(days=1))
        key = effective_from.isoformat()
        sid = ensure_structure(con, key, effective_from, f"Danh mục từ {effective_from:%d/%m/%Y}",
                               f"List from {effective_from:%d %b %Y}", file_name)
        if sid == previous.id:
            raise InvalidArgument("units.version_exists", day=effective_from.isoformat())
        result: dict[str, Any] = dict(store._replace_units(con, rows, sid))
        links = mapping if mapping is not None else _same_code_mapping(con, previous.id, rows)
        result["structure"] = by_id(con, sid).key
        result["links"] = _link(con, previous.id, sid, links)
        result["from_structure"] = previous.key
        store.bump_version(con)
        store.record_audit(con, user, "units", key, result, file_name=file_name, source=source)
    return result


@store.retry_conflicts
def load_shipped(con: store.Connection, keys: tuple[str, ...] = SHIPPED_ORDER) -> dict[str, Any]:
    """Put the shipped national lists (and the links between them) into the database, whole; a list
    already there is left as it is. Returns communes per structure and links per step."""
    from analytics import gazetteer

    out: dict[str, Any] = {"structures": {}, "links": {}}
    with store.transaction(con) as con:
        loaded: list[tuple[str, int]] = []
        for key in keys:
            meta = gazetteer.structure(key)
            sid = store.BASE_STRUCTURE if key == "2024" else ensure_structure(
                con, key, meta.effective_from, meta.label_vi, meta.label_en, meta.source)
            have = int(con.execute(queries.COMMUNES_IN_STRUCTURE, [sid]).fetchall()[0][0])
            if have == 0:
                frame = gazetteer.units(key)
                store._replace_units(con, frame.to_dict("records"), sid)
            out["structures"][key] = int(con.execute(queries.COMMUNES_IN_STRUCTURE, [sid]).fetchall()[0][0])
            loaded.append((key, sid))
        for (old_key, old_id), (new_key, new_id) in zip(loaded, loaded[1:]):
            # whole results (fetchall): DuckDB refuses register() after a half-read one
            have = int(con.execute(queries.COUNT_LINKS_BETWEEN, {"from_s": old_id, "to_s": new_id}).fetchall()[0][0])
            if have == 0:
                have = _link(con, old_id, new_id, gazetteer.conversion(old_key, new_key))
            out["links"][f"{old_key}→{new_key}"] = have
        store.bump_version(con)
    return out


# --- choosing a province in a structure --------------------------------------------------------


def provinces(con: store.Connection, structure_id: int | None = None) -> pd.DataFrame:
    """Provinces of a structure (all when None): id, official code, name, structure, communes, reports;
    those with reports first."""
    return con.execute(queries.PROVINCES_OF_STRUCTURE, {"structure": structure_id}).df()


def resolve_province(con: store.Connection, province: str | None, structure_day: date | None = None,
                     as_of: date | None = None) -> str:
    """A province's id from what a person gives (a code, a name, an id), in the structure in force on
    ``structure_day`` (else on ``as_of``, else the structure the province is found in, newest with reports
    first). Without a province: the only one, else the one with the most reports."""
    if structure_day is None and province:
        direct = _first(con, queries.UNIT_EXISTS, ["province", province])[0]
        if direct and ("@" in province or len(all_structures(con)) <= 1):
            return province
    rows = _province_rows(con)  # plain rows: the summary command needs no pandas
    if not rows:
        raise NotFoundError("province.none")
    day = structure_day or as_of
    if day is not None:
        wanted = in_force(con, day)
        rows = [r for r in rows if r["structure_id"] == wanted.id]
        if not rows:
            raise NotFoundError("structure.no_provinces", structure=wanted.key)
    if not province:
        chosen = store.get_meta(con, "default_province")
        if chosen and any(r["province_code"] == chosen for r in rows):
            return chosen
        with_reports = [r for r in rows if r["reports"] > 0]
        pool = with_reports or rows
        if day is None and not with_reports:
            current = in_force(con, None).id
            pool = [r for r in rows if r["structure_id"] == current] or rows
        if len(pool) == 1:
            return str(pool[0]["province_code"])
        best = sorted(pool, key=lambda r: (-r["reports"], r["province_ref"] is None, r["province_ref"] or ""))[0]
        return str(best["province_code"])
    text = str(province).strip()
    code = store.canonical_code(text, "province")
    hits = [r for r in rows if r["province_code"] == text or r["province_ref"] == code]
    if not hits:
        from analytics.units import name_key, plain_key

        key, plain = name_key(text), plain_key(text)
        hits = [r for r in rows if name_key(str(r["province_name"])) == key
                or plain_key(str(r["province_name"])) == plain]
    if not hits and day is not None:
        # a province that no longer exists in that list: the one that took its communes in
        # (Quảng Nam in the list of 1 Jul 2025 -> Đà Nẵng)
        try:
            return province_in(con, resolve_province(con, province), day)
        except NotFoundError:
            pass
    if not hits:
        raise NotFoundError("province.unknown", province=province)
    # the same province in several structures: the one with reports, else the one in force today
    hits = sorted(hits, key=lambda r: (-r["reports"], -r["structure_id"]))
    if all(r["reports"] == 0 for r in hits):
        current = in_force(con, None).id
        in_current = [r for r in hits if r["structure_id"] == current]
        if in_current:
            hits = in_current
    return str(hits[0]["province_code"])


_PROVINCE_COLUMNS = ("province_code", "province_ref", "province_name", "structure_id", "structure_key",
                     "effective_from", "communes", "reports")  # PROVINCES_OF_STRUCTURE's, in order


def _province_rows(con: store.Connection) -> list[dict[str, Any]]:
    """``provinces`` of every structure as plain rows (same order)."""
    return [dict(zip(_PROVINCE_COLUMNS, row))
            for row in con.execute(queries.PROVINCES_OF_STRUCTURE, {"structure": None}).fetchall()]


def province_in(con: store.Connection, province_id: str, structure_day: date) -> str:
    """The same place in the structure in force on another day: the province whose communes took in
    most of this province's communes (Quảng Nam on 1 Jul 2025 -> Đà Nẵng)."""
    target = in_force(con, structure_day)
    here = of_province(con, province_id)
    if target.id == here.id:
        return province_id
    row = _first(con, queries.PROVINCE_SUCCESSOR if _before(here, target) else queries.PROVINCE_PREDECESSOR,
                      {"province": province_id, "structure": target.id, "max_depth": MAX_DEPTH})
    if row is None or row[0] is None:
        raise NotFoundError("structure.no_province", province=province_id, structure=target.key)
    return str(row[0])


def setup(con: store.Connection, province: str, structure_day: date | None = None) -> dict[str, Any]:
    """Set a database up for any province: the shipped unit lists (whole, once) and the province a
    fresh session shows, in the structure in force on ``structure_day`` (default today)."""
    loaded = load_shipped(con)
    code = resolve_province(con, province, structure_day or date.today())
    store.set_default_province(con, code)
    name = _first(con, queries.UNIT_NAME, ["province", code])
    return {"province": display_code(code), "province_id": code, "province_name": name[0] if name else code,
            "structure": of_province(con, code).key, **loaded}
