"""Explanations: what a lagging unit said and committed to — storage, listing, the page's list."""

from datetime import date

import pandas as pd
import pytest

from analytics import metrics, store
from analytics.errors import InvalidArgument, NotFoundError


@pytest.fixture
def lagging(tiny_con):
    store.set_campaign(tiny_con, "99", start=date(2025, 3, 1), deadline=date(2025, 3, 11))
    frame = pd.DataFrame([("90002", "2025-03-01", 200, 0), ("90002", "2025-03-05", 200, 40)],
                         columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = [2, 3]
    store.commit_reports(tiny_con, file_name="a.csv", sha256="a", rows=frame, province_code="99")
    return tiny_con


def test_add_and_list_newest_first(lagging):
    v0 = store.data_version(lagging)
    first = store.add_explanation(lagging, "99", "90002", date(2025, 3, 4), "Thiếu máy quét",
                                  date(2025, 3, 10), "Ông A", user="canbo")
    second = store.add_explanation(lagging, "99", "90002", date(2025, 3, 5), "  Cán bộ nghỉ ốm  ")
    assert second > first and store.data_version(lagging) == v0 + 2
    df = store.explanations(lagging, "99", "90002")
    assert list(df["reason"]) == ["Cán bộ nghỉ ốm", "Thiếu máy quét"]
    assert df.iloc[1]["responsible"] == "Ông A" and df.iloc[1]["created_by"] == "canbo"
    assert pd.Timestamp(df.iloc[1]["new_completion_date"]).date() == date(2025, 3, 10)
    assert df.iloc[0]["commune"] == "Xã Bình Thuỷ"
    # as of 04/03 only the first one had been given
    assert list(store.explanations(lagging, "99", None, date(2025, 3, 4))["id"]) == [first]
    latest = store.latest_explanations(lagging, "99", date(2025, 3, 5)).set_index("commune_code")
    assert latest.at["90002", "reason"] == "Cán bộ nghỉ ốm"


@pytest.mark.parametrize("kwargs, error, key", [
    ({"reason": "   "}, InvalidArgument, "explain.reason_empty"),
    ({"commune_code": "12345"}, NotFoundError, "explain.unknown_commune"),
    ({"new_completion_date": date(2025, 3, 1)}, InvalidArgument, "explain.commitment_before"),
])
def test_rejected_explanations_write_nothing(lagging, kwargs, error, key):
    args = {"commune_code": "90002", "explained_on": date(2025, 3, 4), "reason": "lý do"} | kwargs
    with pytest.raises(error) as exc:
        store.add_explanation(lagging, "99", **args)
    assert exc.value.key == key
    assert store.explanations(lagging, "99").empty


def test_delete(lagging):
    new_id = store.add_explanation(lagging, "99", "90002", date(2025, 3, 4), "x")
    store.delete_explanation(lagging, new_id)
    assert store.explanations(lagging, "99").empty
    with pytest.raises(NotFoundError):
        store.delete_explanation(lagging, new_id)


def test_latest_explanation_in_the_underperformers_list(lagging):
    store.add_explanation(lagging, "99", "90002", date(2025, 3, 4), "Thiếu máy quét", date(2025, 3, 10), "Ông A")
    df = metrics.underperformers_full(lagging, metrics.view(lagging, "99", date(2025, 3, 5))).set_index("commune_code")
    assert df.at["90002", "explanation_reason"] == "Thiếu máy quét"
    assert df.at["90002", "explanation_new_completion_date"] == date(2025, 3, 10)
    assert df.at["90002", "explanation_responsible"] == "Ông A"
    assert pd.isna(df.at["90005", "explanation_reason"])
    # an explanation given after D does not show on D
    earlier = metrics.underperformers_full(lagging, metrics.view(lagging, "99", date(2025, 3, 3)))
    assert pd.isna(earlier.set_index("commune_code").at["90002", "explanation_reason"])


def test_explanations_survive_reopening(lagging, db_path):
    store.add_explanation(lagging, "99", "90002", date(2025, 3, 4), "Thiếu máy quét")
    lagging.close()
    with store.session(db_path) as con:
        assert list(store.explanations(con, "99")["reason"]) == ["Thiếu máy quét"]
