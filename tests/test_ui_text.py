"""Tables in one number format, the app's own: ``71,0 %`` and ``5.107`` in Vietnamese, ``71.0 %`` and ``5,107``
in English, trailing zeros kept, the numbers still numbers; no "None" or "nan" in any table."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest
from test_app_pages import PAGES, app, ok


def shown(el) -> pd.DataFrame | None:
    """The text a table's cells show (the Styler's display values); None when the table has none."""
    raw = el.proto.arrow_data.styler.display_values
    return pa.ipc.open_stream(raw).read_all().to_pandas() if raw else None


def probe(lang: str, rows: int = 2) -> None:
    import pandas as pd
    import streamlit as st

    import ui

    st.session_state["lang"] = lang
    df = pd.DataFrame({"name": ["A", "=B", None][:rows] + ["C"] * max(rows - 3, 0),
                       "done": ([71.0, 5.25, float("nan")] * rows)[:rows],
                       "books": ([5107, 12, 0] * rows)[:rows], "rank": list(range(1, rows + 1)),
                       "bar": ([71.0, 100.0, 0.0] * rows)[:rows]})
    ui.table(df, key="t", column_config={
        "done": st.column_config.NumberColumn("done", format=ui.num_format("%.1f %%")),
        "rank": st.column_config.NumberColumn("rank", format="%d"),
        "bar": st.column_config.ProgressColumn("bar", min_value=0, max_value=100, format=ui.num_format("%.1f %%")),
    })


@pytest.mark.parametrize("lang,done,books", [
    ("vi", ["71,0 %", "5,2 %", "–"], ["5.107", "12", "0"]),
    ("en", ["71.0 %", "5.2 %", "–"], ["5,107", "12", "0"]),
])
def test_numbers_in_the_users_language_with_their_zeros(lang, done, books):
    at = AppTest.from_function(probe, args=(lang, 3)).run()
    assert not at.exception
    [el] = at.dataframe
    cells = shown(el)
    assert list(cells["done"]) == done and list(cells["books"]) == books and list(cells["rank"]) == ["1", "2", "3"]
    assert el.value["done"].dtype.kind == "f" and el.value["books"].dtype.kind == "i"  # still numbers
    config = json.loads(el.proto.columns)
    assert config["done"]["type_config"].get("format") is None  # the cells' own text is shown
    bar = config["bar"]["type_config"]
    assert (bar["format"], bar.get("step")) == (("localized", 0.1) if lang == "vi" else ("%.1f %%", None))


def test_a_long_table_is_left_to_the_browser_in_vietnamese():
    at = AppTest.from_function(probe, args=("vi", 2_500)).run()
    [el] = at.dataframe
    assert shown(el) is None
    config = json.loads(el.proto.columns)
    assert (config["done"]["type_config"]["format"], config["done"]["type_config"]["step"]) == ("localized", 0.1)
    assert config["books"]["type_config"]["format"] == "localized"


VI_NUMBER = re.compile(r"–|-?\d{1,3}(\.\d{3})*(,\d+)?( %)?")
EN_NUMBER = re.compile(r"–|-?\d{1,3}(,\d{3})*(\.\d+)?( %)?")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES + ["views/national.py"])
def test_every_table_of_every_page(monkeypatch, demo_file, lang, page):
    at = ok(app(monkeypatch, demo_file, **({"lang": "en"} if lang == "en" else {})))
    ok(at.switch_page(page).run())
    pattern = VI_NUMBER if lang == "vi" else EN_NUMBER
    for el in at.dataframe:
        data, cells = el.value, shown(el)
        config = json.loads(el.proto.columns or "{}")
        bars = {c for c, v in config.items() if v.get("type_config", {}).get("type") == "progress"}
        for col in data.columns:
            if cells is not None and col not in bars and pd.api.types.is_numeric_dtype(data[col].dtype) \
                    and not pd.api.types.is_bool_dtype(data[col].dtype):
                bad = [c for c in cells[col] if not pattern.fullmatch(str(c))]
                assert not bad, (page, col, bad[:5])
            if data[col].dtype == object:
                texts = {str(x) for x in data[col] if isinstance(x, str)}
                assert not texts & {"None", "nan", "NaN", "NaT", "<NA>"}, (page, col)
