"""The shipped unit lists (structures) and the conversion between them, against the pinned package's data."""

from __future__ import annotations

import csv
import json
import time
import unicodedata
from datetime import date

import pandas as pd
import pytest

from analytics import gazetteer as g
from analytics import store
from analytics.errors import NotFoundError, UnknownProvince, UnknownStructure
from analytics.units import plain_key

ALL = [s.key for s in g.STRUCTURES]


def test_structures_are_dated_and_ordered():
    frame = g.structures()
    assert list(frame["key"]) == ["2024", "2025-01", "2025-07"]
    assert list(frame["levels"]) == [3, 3, 2]
    assert list(frame["effective_from"]) == [None, date(2025, 1, 1), date(2025, 7, 1)]
    assert list(frame["scope"]) == ["49", None, None]
    assert frame["label_vi"].str.len().gt(0).all() and frame["label_en"].str.len().gt(0).all()


@pytest.mark.parametrize(("key", "provinces", "districts", "communes"), [
    ("2024", 1, 18, 241),
    ("2025-01", 63, 691, 10035),  # + 5 island districts without communes (696 in the package)
    ("2025-07", 34, 0, 3321),
])
def test_counts_per_structure(key, provinces, districts, communes):
    frame = g.units(key)
    assert list(frame.columns) == g.UNIT_FRAME_COLUMNS
    assert frame["province_code"].nunique() == provinces
    assert frame["district_code"].dropna().nunique() == districts
    assert len(frame) == communes
    assert frame["commune_code"].is_unique


def test_island_districts_are_listed_apart():
    islands = g.island_districts_2025_01()
    assert sorted(islands["district_name"]) == ["Huyện Bạch Long Vĩ", "Huyện Côn Đảo", "Huyện Cồn Cỏ",
                                                "Huyện Hoàng Sa", "Huyện Lý Sơn"]
    assert not set(islands["district_code"]) & set(g.units("2025-01")["district_code"])
    jul = g.units("2025-07").set_index("commune_code")
    assert set(jul.loc[list(islands["new_commune_code"]), "commune_type"]) == {"đặc khu"}
    assert dict(zip(islands["district_code"], islands["new_commune_code"]))["498"] == "20333"  # Hoàng Sa


@pytest.mark.parametrize(("key", "province", "communes", "districts"), [
    ("2024", "Quảng Nam", 241, 18),
    ("2025-01", "Quảng Nam", 233, 17),
    ("2025-01", "48", 47, 7),
    ("2025-07", "Đà Nẵng", 94, 0),
])
def test_counts_per_province(key, province, communes, districts):
    frame = g.units(key, province)
    assert len(frame) == communes
    assert frame["district_code"].dropna().nunique() == districts


@pytest.mark.parametrize("key", ALL)
def test_codes_and_names(key):
    frame = g.units(key)
    assert frame["province_code"].str.fullmatch(r"\d{2}").all()
    assert frame["commune_code"].str.fullmatch(r"\d{5}").all()
    districts = frame["district_code"].dropna()
    assert districts.str.fullmatch(r"\d{3}").all()
    assert (frame["district_code"].isna() == (key == "2025-07")).all()
    for col in ("province_name", "commune_name"):
        assert (frame[col] == frame[col].map(lambda s: unicodedata.normalize("NFC", s))).all()
    assert frame["province_name"].str.match(r"^(Tỉnh|Thành phố) ").all()
    assert set(frame["commune_type"]) <= {"xã", "phường", "thị trấn", "đặc khu"}
    # the name starts with its type word, in the usual case ("Thị trấn", never "Thị Trấn")
    starts = [name.startswith(ty[0].upper() + ty[1:] + " ") for name, ty in zip(frame["commune_name"],
                                                                                  frame["commune_type"])]
    assert all(starts)


def test_names_as_the_lists_give_them():
    jul = g.units("2025-07").set_index("commune_code")
    assert jul.at["20333", "commune_name"] == "Đặc khu Hoàng Sa" and jul.at["20333", "commune_type"] == "đặc khu"
    assert g.province_lookup("Đà Nẵng", "2025-07") == "48"
    assert set(g.units("2025-07", "48")["province_name"]) == {"Thành phố Đà Nẵng"}
    jan = g.units("2025-01").set_index("commune_code")
    assert jan.at["20467", "commune_name"] == "Thị trấn Prao"  # "Thị Trấn Prao" in the package


def test_centroids():
    jul = g.units("2025-07")
    assert jul[["lat", "lon"]].notna().all().all()
    assert jul["area_km2"].notna().sum() == 3317 and (jul["area_km2"].dropna() > 0).all()
    # the mainland and the islands (Trường Sa reaches 114° E)
    assert jul["lat"].between(8, 24).all() and jul["lon"].between(102, 115).all()
    jan = g.units("2025-01")
    placed = jan["lat"].notna()
    assert (placed == jan["lon"].notna()).all() and jan["area_km2"].isna().all()
    assert 9800 < placed.sum() < 9900  # ~190 geocoded only to their district's centre count as unknown
    assert not jan[placed].duplicated(["district_code", "lat", "lon"]).sum() > 100
    old = g.units("2024").set_index("commune_code")
    in_jan = jan.set_index("commune_code")["lat"]
    assert old["lat"].notna().sum() == in_jan[[c for c in old.index if c in in_jan.index]].notna().sum()
    assert old.loc[list(g.QUANG_NAM_MERGES_2025), "lat"].isna().all()


def test_with_centroids_joins_within_one_structure():
    frame = pd.DataFrame({"commune_code": ["20335", "99999"], "books_total": [10, 20]})
    jan, jul = g.with_centroids(frame, "2025-01"), g.with_centroids(frame, "2025-07")
    assert list(jan.columns) == ["commune_code", "books_total", "lat", "lon", "area_km2"]
    assert pd.isna(jan.at[1, "lat"]) and pd.notna(jan.at[0, "lat"])
    assert jul.at[0, "area_km2"] > 0 and jan.at[0, "lat"] != jul.at[0, "lat"]  # same code, another unit


def test_units_are_copies():
    first = g.units("2025-07", "48")
    first.loc[:, "commune_name"] = "x"
    assert (g.units("2025-07", "48")["commune_name"] != "x").all()


# --- conversion -------------------------------------------------------------------


def test_quang_nam_2025_merges():
    conv = g.conversion("2024", "2025-01")
    assert len(conv) == 241 and conv["is_default"].all()
    changed = conv[conv["old_commune_code"] != conv["new_commune_code"]]
    assert dict(zip(changed["old_commune_code"], changed["new_commune_code"])) == g.QUANG_NAM_MERGES_2025
    jan = set(g.units("2025-01", "49")["commune_code"])
    assert set(conv["new_commune_code"]) == jan  # every January commune, 233
    assert not set(g.QUANG_NAM_MERGES_2025) & jan


def test_merges_agree_with_the_package_aliases():
    """The package lists each absorbed commune's old name among the absorbing commune's keywords."""
    raw = g._read_table("SELECT wardCode, wardKeywords FROM admin_units_legacy WHERE provinceCode = '49'")
    keywords = {code: json.loads(words) for code, words in zip(raw["wardCode"], raw["wardKeywords"])}
    names = {r["commune_code"]: r["commune_name"] for r in g.units("2024").to_dict("records")}
    for old, new in g.QUANG_NAM_MERGES_2025.items():
        assert plain_key(names[old]) in keywords[new], (old, names[old], new)


def test_split_communes_have_one_default():
    conv = g.conversion("2025-01", "2025-07")
    per_old = conv.groupby("old_commune_code").agg(n=("new_commune_code", "size"), defaults=("is_default", "sum"))
    assert (per_old["defaults"] == 1).all()
    assert (per_old["n"] > 1).sum() == 471
    assert not conv.duplicated(["old_commune_code", "new_commune_code"]).any()


def test_every_january_commune_goes_to_a_july_unit_of_its_new_province():
    conv = g.conversion("2025-01", "2025-07")
    jan, jul = g.units("2025-01"), g.units("2025-07")
    assert set(conv["old_commune_code"]) == set(jan["commune_code"])
    # no July unit without a source; five special zones come from island districts without communes
    islands = set(g.island_districts_2025_01()["new_commune_code"])
    assert set(conv["new_commune_code"]) | islands == set(jul["commune_code"])
    jul_pairs = set(zip(jul["province_code"], jul["commune_code"]))
    assert set(zip(conv["new_province_code"], conv["new_commune_code"])) <= jul_pairs
    jan_pairs = set(zip(jan["province_code"], jan["commune_code"]))
    assert set(zip(conv["old_province_code"], conv["old_commune_code"])) <= jan_pairs
    # provinces joined whole: one new province per old province
    assert conv.groupby("old_province_code")["new_province_code"].nunique().eq(1).all()


def test_da_nang_takes_in_quang_nam():
    quang_nam = g.conversion("2025-01", "2025-07", province="Quảng Nam")
    da_nang = g.conversion("2025-01", "2025-07", province="Đà Nẵng")
    assert len(quang_nam["old_commune_code"].unique()) == 233
    assert set(quang_nam["new_province_code"]) == set(da_nang["new_province_code"]) == {"48"}
    reached = set(quang_nam["new_commune_code"]) | set(da_nang["new_commune_code"]) | {"20333"}  # Hoàng Sa
    assert reached == set(g.units("2025-07", "Đà Nẵng")["commune_code"])


def test_2024_to_july_agrees_with_the_shipped_mapping():
    conv = g.conversion("2024", "2025-07")
    default = conv[conv["is_default"]]
    assert default["old_commune_code"].is_unique and len(default) == 241
    with open(g.DATA_DIR / "quang_nam_units_2025_mapping.csv", encoding="utf-8") as fh:
        shipped = {store.canonical_code(r["old_commune_code"]): store.canonical_code(r["new_commune_code"])
                   for r in csv.DictReader(fh)}
    assert dict(zip(default["old_commune_code"], default["new_commune_code"])) == shipped
    assert set(conv["new_province_code"]) == {"48"}


def test_unknown_conversion():
    with pytest.raises(UnknownStructure) as err:
        g.conversion("2025-07", "2024")
    assert "2025-01→2025-07" in err.value.render("en")


# --- provinces by name -------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "code"), [
    ("Đà Nẵng", "2025-07", "48"),
    ("Thành phố Đà Nẵng", "2025-07", "48"),
    ("thành phố đà nẵng", "2025-01", "48"),
    ("da nang", "2025-07", "48"),
    ("TP. Đà Nẵng", "2025-07", "48"),
    ("48", "2025-07", "48"),
    ("048", "2025-01", "48"),
    ("Quảng Nam", "2024", "49"),
    ("Tỉnh Quảng Nam", "2025-01", "49"),
    ("QUANG NAM", "2025-01", "49"),
    ("Quảng Nam", "2025-07", "48"),  # joined Đà Nẵng on 1 Jul 2025
    ("49", "2025-07", "48"),
    (unicodedata.normalize("NFD", "Quảng Nam"), "2025-01", "49"),
    ("Hồ Chí Minh", "2025-07", "79"),
    ("hcm", "2025-07", "79"),
    ("Thừa Thiên Huế", "2025-07", "46"),
    ("Bà Rịa - Vũng Tàu", "2025-01", "77"),
])
def test_province_lookup(text, key, code):
    assert g.province_lookup(text, key) == code


@pytest.mark.parametrize(("text", "key", "closest"), [
    ("Quang Nom", "2025-01", "49"),
    ("Đà Nẵng", "2024", "49"),  # the 2024 list has Quảng Nam only
    ("Hà Giang", "2025-07", None),  # joined Tuyên Quang: found through the January list, so no error
])
def test_province_lookup_unknown(text, key, closest):
    if closest is None:
        assert g.province_lookup(text, key) == "08"
        return
    with pytest.raises(UnknownProvince) as err:
        g.province_lookup(text, key)
    assert isinstance(err.value, NotFoundError)
    assert err.value.key == "gazetteer.unknown_province"
    assert closest in err.value.codes
    assert "Quảng Nam (49)" in err.value.render("vi") and text in err.value.render("en")


def test_unknown_structure():
    with pytest.raises(UnknownStructure) as err:
        g.units("2023")
    assert "2025-07" in err.value.render("vi")


def test_loading_everything_is_fast():
    for fn in (g._legacy_raw, g._current_raw, g._converter_json, g._units_2024, g._units_2025_01,
               g._units_2025_07, g._conv_2024_2025_01, g._conv_2025_01_2025_07, g._conv_2024_2025_07,
               g._province_index, g._province_successor):
        fn.cache_clear()
    began = time.perf_counter()
    counts = g.load_all()
    elapsed = time.perf_counter() - began
    assert counts == {"2024": 241, "2025-01": 10035, "2025-07": 3321}
    assert elapsed < 5.0, elapsed  # about 0.6 s alone; generous for a shared machine


def test_store_rows_load_into_the_store(con):
    rows = g.store_rows("2025-07", "Đà Nẵng")
    result = store.replace_units(con, rows)
    assert result["communes"] == 94
    frame = store.units_frame(con, "48")
    assert isinstance(frame, pd.DataFrame) and len(frame) >= 94
