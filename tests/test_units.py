"""Vietnamese name keys and the unit index: code first, then name within district; accents only as a fallback."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from analytics import store, units
from analytics.units import UnitIndex, name_key, plain_key, strip_type

COMMUNES = pd.DataFrame([
    ("90001", "Xã An Hòa", "901", "Huyện Một"),
    ("90002", "Xã Bình Thuỷ", "901", "Huyện Một"),
    ("90003", "Thị trấn Cẩm Lệ", "901", "Huyện Một"),
    ("90004", "Phường Tân Thạnh", "902", "Huyện Hai"),
    ("90005", "Xã Tam Đàn", "902", "Huyện Hai"),
    ("90006", "Xã Tam Dân", "902", "Huyện Hai"),
    ("90007", "Xã An Hoà", "902", "Huyện Hai"),
], columns=["commune_code", "commune", "district_code", "district"])


@pytest.mark.parametrize("a,b", [
    ("Xã An Hòa", "An Hoà"), ("Hoà", "Hòa"), ("Thuỷ", "Thủy"), ("Thị trấn Cẩm Lệ", "TT. Cẩm Lệ"),
    ("Phường Tân Thạnh", "P. Tân Thạnh"), ("Phường Tân Thạnh", "phường  tân   thạnh"),
    ("Xã An Hòa", unicodedata.normalize("NFD", "XÃ AN HÒA")), ("Huyện Núi Thành", "H. Núi Thành"),
    ("Thành phố Tam Kỳ", "TP. Tam Kỳ"), ("Thị xã Điện Bàn", "TX Điện Bàn"),
])
def test_same_name_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", [("Tam Đàn", "Tam Dân"), ("Trà Dơn", "Trà Don"), ("Tam Thanh", "Tam Thạnh")])
def test_accents_kept_in_name_key(a, b):
    assert name_key(a) != name_key(b)
    assert plain_key(a) == plain_key(b)


def test_type_word_only_stripped_as_written():
    assert strip_type("Xã Xá Lượng") == "Xá Lượng"
    assert strip_type("phuong an my") == "an my"
    assert strip_type("Thị trấn") == "Thị trấn"  # nothing left: keep it


@pytest.fixture
def index():
    return UnitIndex(COMMUNES)


@pytest.mark.parametrize("code,name,district,expected", [
    ("90001", None, None, "90001"), ("090001", None, None, "90001"), ("90001.0", None, None, "90001"),
    (None, "An Hòa", "901", "90001"), (None, "An Hoà", "902", "90007"), (None, "Binh Thuy", "901", "90002"),
    (None, "Tam Đàn", "902", "90005"), (None, "TT Cẩm Lệ", None, "90003"),
])
def test_matches(index, code, name, district, expected):
    assert index.match_commune(code, name, district).code == expected


def test_ambiguous_without_accents_is_not_guessed(index):
    m = index.match_commune(None, "Tam Dan", "902")
    assert m.code is None and m.reason == "ambiguous" and m.codes == ["90005", "90006"]
    m = index.match_commune(None, "An Hoa", None)  # two districts have one: the district is needed
    assert m.code is None and m.reason == "ambiguous" and m.codes == ["90001", "90007"]


def test_unknown_lists_closest(index):
    m = index.match_commune(None, "Xã Tân Thạch", "902")
    assert m.code is None and m.reason == "unknown" and m.codes[0] == "90004"
    assert "Phường Tân Thạnh, Huyện Hai (90004)" in m.candidates
    m = index.match_commune("99999", None, None)
    assert m.reason == "unknown"
    m = index.match_commune("90001", "Tam Dân", None)
    assert m.reason == "name_mismatch" and m.codes == ["90001"]


def test_aliases_win(index):
    aliases = pd.DataFrame([{"province_code": "99", "district_code": "902", "alias_key": name_key("Tam Dan cu"),
                             "commune_code": "90006"}])
    idx = UnitIndex(COMMUNES, aliases)
    assert idx.match_commune(None, "Tam Dan cũ", "902").code is None  # accents differ from the alias key
    assert idx.match_commune(None, "Tam Dan cu", "902").code == "90006"


def test_districts(index):
    assert index.match_district("H. Một").code == "901"
    assert index.match_district("huyen hai").code == "902"
    m = index.match_district("Huyện Ba")
    assert m.code is None and m.reason == "unknown"


@pytest.fixture(scope="module")
def qn_index(tmp_path_factory) -> UnitIndex:
    """The shipped Quảng Nam 2024 list."""
    con = store.connect(tmp_path_factory.mktemp("qn") / "qn.duckdb")
    try:
        return UnitIndex(store.all_communes(con))
    finally:
        con.close()


@pytest.mark.parametrize("name,kind", [("Phường Phước Hòa", "phuong"), ("Xã Phước Hoà", "xa"), ("P. An Mỹ", "phuong"),
                                       ("TT. Khâm Đức", "thi tran"), ("thi tran Kham Duc", "thi tran"),
                                       ("Phước Hòa", None), ("Thị xã Điện Bàn", None), ("Xá Lượng", None)])
def test_commune_type(name, kind):
    assert units.commune_type(name) == kind


@pytest.mark.parametrize("text,typed,found", [
    ("UBND HUYỆN PHƯỚC SƠN", True, {"511"}), ("BÁO CÁO ... CỦA HUYỆN ĐẠI LỘC", True, {"506"}),
    ("THỊ XÃ ĐIỆN BÀN", True, {"507"}), ("THÀNH PHỐ TAM KỲ", True, {"502"}), ("Huyện Phú Ninh", True, {"518"}),
    ("UBND HUYEN NAM TRA MY", True, {"516"}), ("Tam Kỳ, ngày 25 tháng 02 năm 2025", True, set()),
    ("UBND TỈNH QUẢNG NAM", True, set()), ("bao_cao_phuoc_son_25-02", False, {"511"}),
    ("BC-NuiThanh", False, {"517"}), ("bao_cao_tinh_quang_nam", False, set())])
def test_districts_in_text(qn_index, text, typed, found):
    assert qn_index.districts_in_text(text, typed=typed) == found


def test_type_word_tells_apart_names_in_two_districts(qn_index):
    assert qn_index.match_commune(None, "Phường Phước Hòa").code == "20338"
    assert qn_index.match_commune(None, "Xã Phước Hòa").code == "20729"
    m = qn_index.match_commune(None, "Phước Hòa")
    assert m.reason == "ambiguous" and m.codes == ["20338", "20729"]
