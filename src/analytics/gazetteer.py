"""The official lists of administrative units as versions in time ("structures"), read offline.

Vietnam's unit list changed twice within one campaign year: on 1 Jan 2025 (districts and communes
merged) and on 1 Jul 2025 (34 provinces, no districts). Figures reported under one list have to be
carried to the next, so this module gives each list and the conversion between them as plain
DataFrames, with no database: the store decides what to keep.

Sources (see data/SOURCES.md): the pinned package ``vietnamadminunits`` (MIT), whose bundled SQLite
file holds the January 2025 list (``admin_units_legacy``) and the July 2025 list (``admin_units``),
and whose ``converter_2025.json`` says which old commune went where; the 2024 list (Quảng Nam only)
is ``data/quang_nam_units_2024.csv``. The package's own Python code is never imported: it pulls in
geocoding libraries that go online, and only its data files are needed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from analytics.errors import UnknownProvince, UnknownStructure
from analytics.store import canonical_code, read_units_csv
from analytics.units import name_key, plain_key

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
UNITS_2024_CSV = DATA_DIR / "quang_nam_units_2024.csv"

UNIT_FRAME_COLUMNS = [
    "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
    "commune_type", "lat", "lon", "area_km2",
]
CONVERSION_COLUMNS = ["old_province_code", "old_commune_code", "new_province_code", "new_commune_code", "is_default"]

# The eight Quảng Nam communes merged away on 1 Jan 2025 (Resolution 1287/NQ-UBTVQH15) and the commune
# that absorbed each. The package's January list no longer has the old codes; each absorbing commune
# lists the old name among its alias keywords (tests/test_gazetteer.py checks that against the package).
QUANG_NAM_MERGES_2025 = {
    "20338": "20347",  # Phường Phước Hòa -> Phường An Xuân (Tam Kỳ)
    "20383": "20364",  # Xã Tam Vinh -> Thị trấn Phú Thịnh (Phú Ninh)
    "20602": "20608",  # Xã Duy Thu -> Xã Duy Tân (Duy Xuyên)
    "20672": "20671",  # Xã Sơn Viên -> Xã Quế Lộc (Nông Sơn -> Quế Sơn)
    "20761": "20758",  # Xã Hiệp Thuận -> Xã Quế Tân, formerly Hiệp Hòa (Hiệp Đức)
    "20822": "20821",  # Xã Bình Định Nam -> Xã Bình Định, formerly Bình Định Bắc (Thăng Bình)
    "20830": "20827",  # Xã Bình Chánh -> Xã Bình Phú (Thăng Bình)
    "20863": "20857",  # Xã Tiên Cẩm -> Xã Tiên Sơn (Tiên Phước)
}
QUANG_NAM = "49"

# former province names people still type; the package's keywords only know the current ones
FORMER_PROVINCE_NAMES = {"thuathienhue": "46"}  # Tỉnh Thừa Thiên Huế, Thành phố Huế since 1 Jan 2025

# unit type words as the lists spell them, lower case as the store keeps them (commune_type)
_TYPE_PREFIXES = ["thị trấn", "đặc khu", "phường", "xã"]


@dataclass(frozen=True)
class Structure:
    key: str
    effective_from: date | None
    effective_until: date | None
    levels: int
    label_vi: str
    label_en: str
    source: str
    licence: str
    scope: str | None  # the one province the list covers, None for the whole country


STRUCTURES: tuple[Structure, ...] = (
    Structure("2024", None, date(2024, 12, 31), 3,
              "Danh mục đến 31/12/2024 (chỉ tỉnh Quảng Nam)", "List in force until 31 Dec 2024 (Quảng Nam only)",
              "vietnam-provinces 0.5.0 (data/quang_nam_units_2024.csv)", "GPL-3.0-or-later", QUANG_NAM),
    Structure("2025-01", date(2025, 1, 1), date(2025, 6, 30), 3,
              "Danh mục từ 01/01/2025 (63 tỉnh, 3 cấp)", "List from 1 Jan 2025 (63 provinces, 3 levels)",
              f"{PACKAGE} {PACKAGE_VERSION}, dataset.db table admin_units_legacy", "MIT", None),
    Structure("2025-07", date(2025, 7, 1), None, 2,
              "Danh mục từ 01/07/2025 (34 tỉnh, 2 cấp)", "List from 1 Jul 2025 (34 provinces, 2 levels)",
              f"{PACKAGE} {PACKAGE_VERSION}, dataset.db table admin_units", "MIT", None),
)
_BY_KEY = {s.key: s for s in STRUCTURES}
_ORDER = [s.key for s in STRUCTURES]


def structures() -> pd.DataFrame:
    """The unit lists shipped, oldest first, so a page or the store can offer and date them."""
    frame = pd.DataFrame([s.__dict__ for s in STRUCTURES], dtype=object)  # None stays None, dates stay dates
    frame["levels"] = frame["levels"].astype("int64")
    return frame


def structure(key: str) -> Structure:
    """One structure by key; an unknown key is the user's error (a CLI argument or a setting)."""
    try:
        return _BY_KEY[str(key)]
    except KeyError:
        raise UnknownStructure("gazetteer.unknown_structure", structure=key, known=", ".join(_ORDER)) from None


# --- reading the package's data --------------------------------------------------


def package_data_dir() -> Path:
    """The installed package's data folder, found without importing the package (its imports go online)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{PACKAGE}=={PACKAGE_VERSION} is not installed (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_table(sql: str) -> pd.DataFrame:
    # immutable: site-packages may be read-only and nothing else writes this file
    uri = (package_data_dir() / "dataset.db").as_uri() + "?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as con:
        return pd.read_sql_query(sql, con)


@functools.lru_cache(maxsize=1)
def _converter_json() -> dict:
    with open(package_data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def _code(value: object, level: str) -> str | None:
    """``store.canonical_code``, once per distinct value (a national list repeats each province 100 times)."""
    return canonical_code(value, level)


def _nfc(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return unicodedata.normalize("NFC", str(value)).strip()


def _typed_name(name: str, fallback_type: str | None) -> tuple[str, str | None]:
    """The name with its type word in the usual case ("Thị Trấn Prao" -> "Thị trấn Prao") and its type.

    The name's own type word wins over the package's type column: the two disagree for a few units
    ("Phường 5" typed "Xã"), and the name is what the official list shows.
    """
    lower = name.lower()
    for word in _TYPE_PREFIXES:
        if lower.startswith(word + " "):
            return word[0].upper() + word[1:] + name[len(word):], word
    return name, (fallback_type.lower() if fallback_type else None)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalize codes and names the way the store does, in the published column order."""
    for col, level in (("province_code", "province"), ("district_code", "district"), ("commune_code", "commune")):
        frame[col] = [_code(v, level) for v in frame[col].tolist()]
    for col in ("province_name", "district_name", "commune_name"):
        frame[col] = [_nfc(v) for v in frame[col].tolist()]
    typed = [_typed_name(n, ty) for n, ty in zip(frame["commune_name"].tolist(), frame["commune_type"].tolist())]
    frame["commune_name"] = [n for n, _ in typed]
    frame["commune_type"] = [ty for _, ty in typed]
    for col in ("lat", "lon", "area_km2"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ("province_code", "province_name", "district_code", "district_name", "commune_code",
                "commune_name", "commune_type"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame = frame[UNIT_FRAME_COLUMNS].sort_values(["province_code", "district_code", "commune_code"],
                                                  na_position="first", kind="stable")
    return frame.reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _legacy_raw() -> pd.DataFrame:
    """The January 2025 list with the package's keys, which its converter uses to name old communes."""
    return _read_table(
        "SELECT provinceCode, province, provinceKey, provinceKeywords, districtCode, district, districtKey, "
        "wardCode, ward, wardType, wardKey, wardLat, wardLon, districtLat, districtLon FROM admin_units_legacy"
    )


@functools.lru_cache(maxsize=1)
def _current_raw() -> pd.DataFrame:
    return _read_table(
        "SELECT provinceCode, province, provinceKey, provinceKeywords, wardCode, ward, wardType, wardKey, "
        "wardLat, wardLon, wardAreaKm2 FROM admin_units"
    )


@functools.lru_cache(maxsize=1)
def _island_districts() -> pd.DataFrame:
    raw = _legacy_raw()
    part = raw[raw["wardCode"].isna()]
    current = _current_raw()
    new_code = dict(zip(zip(current["provinceKey"], current["wardKey"]),
                        zip(current["provinceCode"], current["wardCode"])))
    became: dict[str, tuple[str, str]] = {}
    for new_pkey, wards in _converter_json()["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                if old_key.endswith("_"):  # province_district_ : a district with no ward
                    became[old_key] = new_code[(new_pkey, new_wkey)]
    keys = part["provinceKey"] + "_" + part["districtKey"] + "_"
    return pd.DataFrame({
        "province_code": [canonical_code(v, "province") for v in part["provinceCode"]],
        "district_code": [canonical_code(v, "district") for v in part["districtCode"]],
        "district_name": [_nfc(v) for v in part["district"]],
        "new_province_code": [canonical_code(became[k][0], "province") if k in became else None for k in keys],
        "new_commune_code": [canonical_code(became[k][1], "commune") if k in became else None for k in keys],
    }, dtype=object).reset_index(drop=True)


def island_districts_2025_01() -> pd.DataFrame:
    """The five island districts of the January 2025 list that have no communes (Lý Sơn, Côn Đảo, ...).

    They are left out of ``units("2025-01")`` and of its conversion, since a unit list row needs a
    5-digit commune code; ``new_commune_code`` is the special zone (đặc khu) each became on 1 Jul 2025.
    """
    return _island_districts().copy()


@functools.lru_cache(maxsize=1)
def _units_2025_01() -> pd.DataFrame:
    raw = _legacy_raw()
    raw = raw[raw["wardCode"].notna()].copy()
    # ~190 communes were geocoded to their district's centre (the geocoder found no better): that is
    # not where they are, so they count as without coordinates rather than stack up on the map
    fallback = (raw["wardLat"] == raw["districtLat"]) & (raw["wardLon"] == raw["districtLon"])
    raw.loc[fallback, ["wardLat", "wardLon"]] = None
    return _finish(pd.DataFrame({
        "province_code": raw["provinceCode"], "province_name": raw["province"],
        "district_code": raw["districtCode"], "district_name": raw["district"],
        "commune_code": raw["wardCode"], "commune_name": raw["ward"], "commune_type": raw["wardType"],
        "lat": raw["wardLat"], "lon": raw["wardLon"], "area_km2": None,
    }))


@functools.lru_cache(maxsize=1)
def _units_2025_07() -> pd.DataFrame:
    raw = _current_raw()
    return _finish(pd.DataFrame({
        "province_code": raw["provinceCode"], "province_name": raw["province"],
        "district_code": None, "district_name": None,
        "commune_code": raw["wardCode"], "commune_name": raw["ward"], "commune_type": raw["wardType"],
        "lat": raw["wardLat"], "lon": raw["wardLon"],
        "area_km2": raw["wardAreaKm2"].where(raw["wardAreaKm2"] > 0),  # two units have 0: unknown
    }))


@functools.lru_cache(maxsize=1)
def _units_2024() -> pd.DataFrame:
    rows = pd.DataFrame(read_units_csv(UNITS_2024_CSV))
    # the 233 communes whose code survived into 2025 keep their place; the 8 merged away have none
    where = _units_2025_01().set_index("commune_code")[["lat", "lon"]]
    rows["lat"] = rows["commune_code"].map(where["lat"])
    rows["lon"] = rows["commune_code"].map(where["lon"])
    rows.loc[rows["commune_code"].isin(list(QUANG_NAM_MERGES_2025)), ["lat", "lon"]] = None
    rows["area_km2"] = None
    return _finish(rows)


_LOADERS = {"2024": _units_2024, "2025-01": _units_2025_01, "2025-07": _units_2025_07}


def units(structure_key: str, province: str | None = None) -> pd.DataFrame:
    """The communes of a structure (one province when given, by code or name), one row each.

    Columns: province_code, province_name, district_code, district_name (None in the two-level list),
    commune_code, commune_name, commune_type, lat, lon (centroid, None when unknown), area_km2.
    """
    structure(structure_key)
    frame = _LOADERS[structure_key]()
    if province is not None:
        code = province_lookup(province, structure_key)
        frame = frame[frame["province_code"] == code]
    return frame.reset_index(drop=True).copy()


def with_centroids(frame: pd.DataFrame, structure_key: str) -> pd.DataFrame:
    """``frame`` (with commune_code) plus lat, lon, area_km2 from the structure: what the map chart needs.

    Codes are joined within ONE structure only: a July 2025 unit reuses the code of one of the communes
    it merged (20335 is Phường Tân Thạnh in January and the larger Phường Bàn Thạch in July).
    """
    where = units(structure_key)[["commune_code", "lat", "lon", "area_km2"]]
    out = frame.drop(columns=[c for c in ("lat", "lon", "area_km2") if c in frame.columns])
    return out.merge(where, on="commune_code", how="left")


def store_rows(structure_key: str, province: str | None = None) -> list[dict]:
    """The structure as rows in the shape ``store.read_units_csv`` returns, ready for ``store.replace_units``."""
    frame = units(structure_key, province)
    rows = frame[["province_code", "province_name", "district_code", "district_name", "commune_code",
                  "commune_name", "commune_type"]].to_dict("records")
    for r in rows:
        r["books_total"] = None
    return rows


# --- conversion between structures --------------------------------------------------


def _conversion_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CONVERSION_COLUMNS)
    frame["is_default"] = frame["is_default"].astype(bool)
    frame = frame.sort_values(["old_commune_code", "is_default", "new_commune_code"],
                              ascending=[True, False, True], kind="stable")
    return frame.drop_duplicates(["old_commune_code", "new_commune_code"]).reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _conv_2024_2025_01() -> pd.DataFrame:
    """Quảng Nam 2024 -> January 2025: same code unless merged (QUANG_NAM_MERGES_2025)."""
    rows = [(r["province_code"], r["commune_code"], r["province_code"],
             QUANG_NAM_MERGES_2025.get(r["commune_code"], r["commune_code"]), True)
            for r in _units_2024().to_dict("records")]
    return _conversion_frame(rows)


@functools.lru_cache(maxsize=1)
def _conv_2025_01_2025_07() -> pd.DataFrame:
    """The package's converter table, from its keys to the two lists' codes, for the whole country.

    Most old communes went whole into one new unit; an old commune split between several lists each of
    them, and exactly one is the default the package's converter picks when nothing more is known.
    """
    data = _converter_json()
    legacy = _legacy_raw()
    legacy = legacy[legacy["wardCode"].notna()]
    keys = (legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + legacy["wardKey"]).tolist()
    old_code = dict(zip(keys, zip([_code(v, "province") for v in legacy["provinceCode"].tolist()],
                                  [_code(v, "commune") for v in legacy["wardCode"].tolist()])))
    current = _current_raw()
    new_code = dict(zip(zip(current["provinceKey"].tolist(), current["wardKey"].tolist()),
                        zip([_code(v, "province") for v in current["provinceCode"].tolist()],
                            [_code(v, "commune") for v in current["wardCode"].tolist()])))
    rows: list[tuple] = []

    def add(old_key: str, new_pkey: str, new_wkey: str, default: bool) -> None:
        old = old_code.get(old_key)
        if old is None:  # an island district without communes (province_district_ with no ward)
            return
        rows.append((*old, *new_code[(new_pkey, new_wkey)], default))

    for new_pkey, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                add(old_key, new_pkey, new_wkey, True)
    for new_pkey, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                add(old_key, new_pkey, target["newWardKey"], bool(target["isDefaultNewWard"]))
    return _conversion_frame(rows)


@functools.lru_cache(maxsize=1)
def _conv_2024_2025_07() -> pd.DataFrame:
    """Composed: a commune merged in January goes where the commune that absorbed it went in July."""
    first = _conv_2024_2025_01()[["old_province_code", "old_commune_code", "new_commune_code"]]
    second = _conv_2025_01_2025_07().drop(columns=["old_province_code"])
    second = second.rename(columns={"old_commune_code": "mid"})
    both = first.rename(columns={"new_commune_code": "mid"}).merge(second, on="mid", how="inner")
    return _conversion_frame(list(both[CONVERSION_COLUMNS].itertuples(index=False, name=None)))


_CONVERSIONS = {
    ("2024", "2025-01"): _conv_2024_2025_01,
    ("2025-01", "2025-07"): _conv_2025_01_2025_07,
    ("2024", "2025-07"): _conv_2024_2025_07,
}


def conversion(from_key: str, to_key: str, province: str | None = None) -> pd.DataFrame:
    """Where each commune of an older list went in a newer one.

    One row per (old commune, new unit); ``is_default`` is True for exactly one row per old commune
    (the whole commune when it was not split, else the unit the package's converter picks).
    ``province`` (code or name, as in the OLD list) limits the rows to that province's old communes.
    Columns: old_province_code, old_commune_code, new_province_code, new_commune_code, is_default.
    """
    structure(from_key)
    structure(to_key)
    if (from_key, to_key) not in _CONVERSIONS:
        raise UnknownStructure("gazetteer.no_conversion", source=from_key, target=to_key,
                               known=", ".join(f"{a}→{b}" for a, b in _CONVERSIONS))
    frame = _CONVERSIONS[(from_key, to_key)]()
    if province is not None:
        code = province_lookup(province, from_key)
        frame = frame[frame["old_province_code"] == code]
    return frame.reset_index(drop=True).copy()


# --- provinces by name or code ----------------------------------------------------


@functools.lru_cache(maxsize=8)
def _province_index(structure_key: str) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Keys (code, accent-keeping and accent-free names, the package's keywords) -> province codes."""
    frame = _LOADERS[structure_key]()
    names = dict(zip(frame["province_code"], frame["province_name"]))
    raw = _current_raw() if structure_key == "2025-07" else _legacy_raw()
    keywords: dict[str, list[str]] = {}
    for code, words in raw[["provinceCode", "provinceKeywords"]].drop_duplicates("provinceCode").itertuples(
            index=False, name=None):
        keywords[str(_code(code, "province"))] = json.loads(words or "[]")  # the package's codes are valid
    index: dict[str, set[str]] = {}
    for code, name in names.items():
        keys = {code, name_key(name), plain_key(name)} | set(keywords.get(code, []))
        keys |= {alias for alias, target in FORMER_PROVINCE_NAMES.items() if target == code}
        for key in keys:
            if key:
                index.setdefault(key, set()).add(code)
    return index, names


@functools.lru_cache(maxsize=1)
def _province_successor() -> dict[str, str]:
    """January 2025 province code -> the province it joined on 1 Jul 2025 (provinces joined whole)."""
    conv = _conv_2025_01_2025_07()
    pairs = conv[["old_province_code", "new_province_code"]].drop_duplicates()
    return dict(zip(pairs["old_province_code"], pairs["new_province_code"]))


def _find(text: str, structure_key: str) -> set[str]:
    index, _ = _province_index(structure_key)
    code = canonical_code(text, "province")
    if code and code.isdigit():
        return set(index.get(code, set()))
    for key in (name_key(text), plain_key(text)):
        hits = index.get(key, set())
        if hits:
            return set(hits)
    return set()


def province_lookup(name_or_code: object, structure_key: str) -> str:
    """A province's code in a structure from what a person types: "48", "Đà Nẵng", "TP Đà Nẵng", "da nang".

    Case, accents, Unicode form and the type word (Tỉnh, Thành phố, TP) do not matter. In the July 2025
    list, a province that no longer exists resolves to the one it joined ("Quảng Nam" -> 48 Đà Nẵng),
    since its communes are there now. Raises UnknownProvince with the closest names when nothing fits.
    """
    structure(structure_key)
    text = _nfc(name_or_code) or ""
    hits = _find(text, structure_key) if text else set()
    if not hits and structure_key == "2025-07":
        successor = _province_successor()
        hits = {successor[c] for c in _find(text, "2025-01") if c in successor} if text else set()
    if len(hits) == 1:
        return next(iter(hits))
    _, names = _province_index(structure_key)
    if hits:
        candidates = sorted(hits)
    else:
        choices = {code: plain_key(name) for code, name in names.items()}
        found = process.extract(plain_key(text), choices, scorer=fuzz.ratio, limit=3, score_cutoff=50)
        candidates = [code for _, _, code in found]
        if not candidates and len(names) <= 3:  # a one-province list: name what it has
            candidates = sorted(names)
    labels = [f"{names[c]} ({c})" for c in candidates]
    raise UnknownProvince("gazetteer.unknown_province", province=text, structure=structure_key,
                          candidates=", ".join(labels) or "–", codes=candidates)


def load_all() -> dict[str, int]:
    """Load and cache every list and conversion (a warm-up at start); returns the communes per structure."""
    counts = {key: len(loader()) for key, loader in _LOADERS.items()}
    for build in _CONVERSIONS.values():
        build()
    for key in _LOADERS:
        _province_index(key)
    return counts
