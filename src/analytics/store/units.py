"""Unit lists (provinces, districts, communes), their structures and the names users matched."""

from __future__ import annotations

import csv
import os
from typing import TYPE_CHECKING, Any

from analytics import lazy, queries, safetext
from analytics.errors import InvalidArgument
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _float, _now, canonical_code
from analytics.store.campaigns import _ensure_campaign
from analytics.store.database import retry_conflicts, transaction
from analytics.store.meta import bump_version, set_meta

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame

UNIT_COLUMNS = [
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "commune_code",
    "commune_name",
    "commune_type",
]


def read_units_csv(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a unit list in the shipped format; raise InvalidArgument with the row when malformed."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in UNIT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidArgument("units.missing_columns", file=str(path), columns=", ".join(missing))
        rows: list[dict[str, Any]] = []
        for i, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {k: (raw.get(k) or "").strip() for k in UNIT_COLUMNS}
            row["province_code"] = canonical_code(row["province_code"], "province")
            row["district_code"] = canonical_code(row["district_code"], "district")
            row["commune_code"] = canonical_code(row["commune_code"], "commune")
            if not row["province_code"] or not row["commune_code"] or not row["commune_name"]:
                raise InvalidArgument("units.bad_row", file=str(path), row=i)
            for column in UNIT_COLUMNS:  # the official names: refused, not silently altered
                found = safetext.control_char(row[column])
                if found is not None:
                    raise InvalidArgument("units.control_char", file=str(path), row=i, column=column,
                                          position=found[0], char=found[1])
            target = (raw.get("books_total") or "").strip()
            if target:
                try:
                    row["books_total"] = int(float(target))
                except ValueError as exc:
                    raise InvalidArgument("units.bad_target", file=str(path), row=i, value=target) from exc
                if row["books_total"] < 0:
                    raise InvalidArgument("units.bad_target", file=str(path), row=i, value=target)
            else:
                row["books_total"] = None
            rows.append(row)
    if not rows:
        raise InvalidArgument("units.empty", file=str(path))
    return rows


BASE_STRUCTURE = 1  # the list loaded without a date (`units FILE`): in force until the first dated one


def _unit_ids(con: Connection, structure_id: int, key: str, refs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The id of each (level, official code) in a structure: the one it already has there (so its reports
    stay attached), else the code itself when no other unit uses it, else ``code@key``."""
    mine = {(lvl, ref): uid for lvl, ref, uid in con.execute(queries.UNIT_IDS_OF_STRUCTURE, [structure_id]).fetchall()}
    wanted = sorted({ref for _, ref in refs} | {f"{ref}@{key}" for _, ref in refs})
    taken = {(lvl, uid) for lvl, uid in con.execute(queries.UNIT_IDS_TAKEN, [structure_id, wanted]).fetchall()}
    out: dict[tuple[str, str], str] = {}
    for lvl, ref in refs:
        if (lvl, ref) in mine:
            out[(lvl, ref)] = mine[(lvl, ref)]
        elif (lvl, ref) not in taken:
            out[(lvl, ref)] = ref
        else:
            out[(lvl, ref)] = f"{ref}@{key}"
    return out


def _replace_units(con: Connection, rows: list[dict[str, Any]], structure_id: int = BASE_STRUCTURE) -> dict[str, int]:
    """Put the provinces the rows name into one structure, replacing their earlier list there."""
    key = con.execute(queries.STRUCTURE_KEY, [structure_id]).fetchone()[0]
    refs: list[tuple[str, str]] = []
    for r in rows:
        refs.append(("province", r["province_code"]))
        if r["district_code"]:
            refs.append(("district", r["district_code"]))
        refs.append(("commune", r["commune_code"]))
    ids = _unit_ids(con, structure_id, key, refs)
    provinces = sorted({ids[("province", r["province_code"])] for r in rows})
    before = set()
    for p in provinces:
        before |= {c for (c,) in con.execute(queries.COMMUNE_CODES_OF_PROVINCE, [p]).fetchall()}
        con.execute(queries.DELETE_UNITS_OF_PROVINCE, [p])
    records: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    order = 0
    for r in rows:
        p = ids[("province", r["province_code"])]
        if ("province", p) not in seen:
            seen.add(("province", p))
            records.append(("province", p, r["province_name"], None, None, p, None, None, order,
                            structure_id, r["province_code"], None, None, None))
            order += 1
        d = ids[("district", r["district_code"])] if r["district_code"] else None
        if d and ("district", d) not in seen:
            seen.add(("district", d))
            dtype = r["district_name"].split(" ")[0] if r["district_name"] else None
            records.append(("district", d, r["district_name"], dtype, p, p, d, None, order,
                            structure_id, r["district_code"], None, None, None))
            order += 1
        c = ids[("commune", r["commune_code"])]
        if ("commune", c) in seen:
            raise InvalidArgument("units.duplicate_code", code=r["commune_code"])
        seen.add(("commune", c))
        records.append(
            ("commune", c, r["commune_name"], r["commune_type"] or None, d or p, p, d, r.get("books_total"), order,
             structure_id, r["commune_code"], _float(r.get("lat")), _float(r.get("lon")), _float(r.get("area_km2")))
        )
        order += 1
    # a code listed here leaves any other province's list of the same structure: the newest list says
    # where a unit belongs
    moved = 0
    for level in ("district", "commune"):
        codes = sorted({rec[1] for rec in records if rec[0] == level})
        if codes:
            moved += con.execute(queries.COUNT_UNITS_OF_CODES, [level, codes]).fetchone()[0]
            con.execute(queries.DELETE_UNITS_OF_CODES, [level, codes])
    if records:  # one set-based insert (executemany costs seconds for a national list of 11,000 units)
        frame = pd.DataFrame.from_records(records, columns=_UNIT_FRAME_COLUMNS)
        for col in ("books_total", "sort_order", "structure_id"):
            frame[col] = pd.array(frame[col], dtype="Int64")
        for col in ("lat", "lon", "area_km2"):
            frame[col] = pd.array(frame[col], dtype="Float64")
        for col in ("level", "code", "name", "unit_type", "parent_code", "province_code", "district_code",
                    "ref_code"):
            frame[col] = frame[col].astype(object)
        con.register("_units_in", frame)
        try:
            con.execute(queries.INSERT_UNITS_FROM_FRAME)
        finally:
            con.unregister("_units_in")
    for p in provinces:
        _ensure_campaign(con, p)
    after = {ids[("commune", r["commune_code"])] for r in rows}
    gone = before - after
    orphaned = 0
    if gone:
        orphaned = con.execute(queries.COUNT_REPORTS_OF_CODES, [sorted(gone)]).fetchone()[0]
    return {
        "provinces": len(provinces),
        "communes": len(after),
        "added": len(after - before),
        "removed": len(gone),
        "orphaned_reports": int(orphaned),
        "moved_from_other_provinces": int(moved),
    }


@retry_conflicts
def replace_units(con: Connection, rows: list[dict[str, Any]], *, user: str | None = None,
                  source: str | None = None, file_name: str | None = None) -> dict[str, int]:
    """Replace the unit lists of the provinces the rows name; communes that disappear keep their reports."""
    with transaction(con) as con:
        result = _replace_units(con, rows)
        bump_version(con)
        record_audit(con, user, "units", ",".join(sorted({r["province_code"] for r in rows})), result,
                     file_name=file_name, source=source)
    return result


def provinces(con: Connection) -> pd.DataFrame:
    """Provinces in the unit list, in list order, with their number of communes."""
    return con.execute(queries.PROVINCES).df()


def default_province(con: Connection) -> str:
    """The province chosen at set-up, else the only one, else the one with the most reports."""
    return resolve_province(con, None)


def resolve_province(con: Connection, province: str | None) -> str:
    """A province's id from a code, a name or an id, in whichever unit structure holds it
    (``structures.resolve_province``, which also knows the structure in force on a day)."""
    from analytics import structures

    return structures.resolve_province(con, province)


def set_default_province(con: Connection, province: str) -> None:
    """The province a fresh session shows first (``setup --province``)."""
    with transaction(con) as con:
        set_meta(con, "default_province", province)
        bump_version(con)


def units_frame(con: Connection, province: str) -> pd.DataFrame:
    """Communes of a province with their district, in list order."""
    return con.execute(queries.COMMUNES_OF_PROVINCE, [province]).df()


def all_communes(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALL_COMMUNES).df()


def aliases(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALIASES).df()


@retry_conflicts
def add_alias(con: Connection, province: str, district: str | None, alias_key: str, commune_code: str,
              user: str | None = None, source: str | None = None) -> None:
    """Remember that a name seen in a file means this commune (chosen by a user)."""
    with transaction(con) as con:
        con.execute(queries.DELETE_ALIAS, [province, district, alias_key])
        con.execute(queries.INSERT_ALIAS, [province, district, alias_key, commune_code, _now(), user])
        bump_version(con)
        record_audit(con, user, "alias", commune_code, {"province": province, "district": district,
                                                        "alias": alias_key}, source=source)


def district_aliases(con: Connection) -> dict[str, str]:
    """Names a user matched to a district (name key -> district code); a name two provinces' users gave
    different districts is left out, so it is asked again rather than guessed."""
    found: dict[str, set[str]] = {}
    for key, code in con.execute(queries.DISTRICT_ALIASES).fetchall():
        found.setdefault(key, set()).add(code)
    return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}


@retry_conflicts
def add_district_alias(con: Connection, province: str, alias_key: str, district_code: str,
                       user: str | None = None, source: str | None = None) -> None:
    """Remember that a district name seen in a file means this district (chosen by a user)."""
    with transaction(con) as con:
        con.execute(queries.DELETE_DISTRICT_ALIAS, [province, alias_key])
        con.execute(queries.INSERT_DISTRICT_ALIAS, [province, alias_key, district_code, _now(), user])
        bump_version(con)
        record_audit(con, user, "alias", district_code, {"province": province, "level": "district",
                                                         "alias": alias_key}, source=source)


def preview_units(con: Connection, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``replace_units(rows)`` would change, without writing: per province, the communes added,
    removed and renamed (or moved), and the reports of removed communes that would stop counting."""
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    renamed: list[dict[str, Any]] = []
    for p in sorted({r["province_code"] for r in rows}):
        before = {rec[0]: rec for rec in con.execute(queries.UNITS_OF_PROVINCE_FULL, [p]).fetchall()}
        after = {r["commune_code"]: r for r in rows if r["province_code"] == p}
        for code, r in after.items():
            if code not in before:
                added.append({"commune_code": code, "commune": r["commune_name"], "district": r["district_name"]})
            else:
                _, old_name, old_district, old_district_name = before[code]
                if old_name != r["commune_name"] or (old_district or None) != (r["district_code"] or None):
                    renamed.append({"commune_code": code, "old_name": old_name, "commune": r["commune_name"],
                                    "old_district": old_district_name, "district": r["district_name"]})
        for code, rec in before.items():
            if code not in after:
                removed.append({"commune_code": code, "commune": rec[1], "district": rec[3]})
    gone = sorted(r["commune_code"] for r in removed)
    counts = dict(con.execute(queries.REPORT_COUNTS_OF_CODES, [gone]).fetchall()) if gone else {}
    for r in removed:
        r["reports"] = int(counts.get(r["commune_code"], 0))
    return {
        "provinces": sorted({r["province_code"] for r in rows}),
        "communes": len(rows),
        "added": added,
        "removed": removed,
        "renamed": renamed,
        "orphaned_reports": int(sum(counts.values())),
    }


_UNIT_FRAME_COLUMNS = ["level", "code", "name", "unit_type", "parent_code", "province_code", "district_code",
                       "books_total", "sort_order", "structure_id", "ref_code", "lat", "lon", "area_km2"]
