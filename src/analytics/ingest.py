"""One path from a file's bytes to the database, shared by the CLI and the Upload page.

``prepare`` reads, maps, parses, matches and checks a file without writing
anything; ``commit`` writes a prepared file in one transaction. ``ingest_file``
does both, as the CLI does.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from analytics import config, store
from analytics.errors import IngestRejected, Problem
from analytics.readers import RawTable, ReadError, cell_text, read_table
from analytics.units import UnitIndex, name_key
from analytics.values import ValueProblem, parse_count, parse_date

CANONICAL = [
    "report_date",
    "province",
    "district_code",
    "district",
    "commune_code",
    "commune",
    "books_total",
    "books_digitized",
    "records_digitized",
]
# Header texts, compared without accents, case, punctuation or words in brackets.
SYNONYMS: dict[str, list[str]] = {
    "report_date": ["report_date", "report date", "date", "ngay bao cao", "ngay", "ngay bc"],
    "province": ["province", "tinh", "tinh thanh pho", "tinh/thanh pho"],
    "district_code": ["district_code", "district code", "ma huyen", "ma quan huyen"],
    "district": ["district", "district_name", "huyen", "quan huyen", "quan/huyen", "don vi cap huyen", "ten huyen"],
    "commune_code": ["commune_code", "commune code", "ma xa", "ma don vi", "ma xa phuong", "ma dvhc"],
    "commune": ["commune", "commune_name", "xa", "ten don vi", "ten xa", "xa phuong thi tran", "don vi",
                "xa/phuong/thi tran", "don vi cap xa", "ten xa phuong"],
    "books_total": ["books_total", "books total", "tong so so", "tong so so ho tich", "tong so quyen so"],
    "books_digitized": ["books_digitized", "books digitized", "so so da so hoa", "so quyen so da so hoa",
                        "so so ho tich da so hoa", "da so hoa"],
    "records_digitized": ["records_digitized", "records digitized", "so truong hop da so hoa",
                          "truong hop da so hoa", "so du lieu da so hoa"],
}
COUNT_COLUMNS = ("books_total", "books_digitized", "records_digitized")


def header_key(text: object) -> str:
    """Compare headers without accents, case, brackets or punctuation."""
    s = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = re.sub(r"[^a-z0-9_/]+", " ", s)
    return " ".join(s.split())


_SYNONYM_INDEX = {header_key(syn): canon for canon, syns in SYNONYMS.items() for syn in syns}


def map_columns(header: list[str]) -> dict[str, int]:
    """Canonical column -> position in the file; unknown columns are ignored, the first of a kind wins."""
    mapped: dict[str, int] = {}
    for i, text in enumerate(header):
        key = header_key(text)
        canon = _SYNONYM_INDEX.get(key) or _SYNONYM_INDEX.get(key.replace("/", " "))
        if canon and canon not in mapped:
            mapped[canon] = i
    return mapped


@dataclass
class Prepared:
    """A file read and checked, ready to be committed (or rejected)."""

    file_name: str
    sha256: str
    rows: pd.DataFrame  # row_no, commune_code, report_date, books_total, books_digitized, records_digitized
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header text in the file
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0
    province_code: str | None = None
    new_reports: int = 0
    replaced_reports: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def report_dates(self) -> list[str]:
        if self.rows.empty:
            return []
        return sorted({d.isoformat() for d in self.rows["report_date"]})


@dataclass
class IngestResult:
    file: str
    upload_id: int
    rows: int
    communes: int
    report_dates: list[str]
    unchanged: bool
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "upload_id": self.upload_id,
            "rows": self.rows,
            "communes": self.communes,
            "report_dates": self.report_dates,
            "ok": True,
            "unchanged": self.unchanged,
        }
        if self.warnings:
            out["warnings"] = [w.as_dict(lang) for w in self.warnings]
        return out


EMPTY_ROWS = pd.DataFrame(
    {c: pd.Series(dtype="object") for c in
     ["row_no", "commune_code", "report_date", "books_total", "books_digitized", "records_digitized"]}
)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prepare(
    con: store.Connection,
    data: bytes,
    file_name: str,
    *,
    report_date: date | None = None,
    province: str | None = None,
    sheet: str | None = None,
) -> Prepared:
    """Read and check a file without writing: every problem found, and the rows that would load."""
    digest = sha256_of(data)
    prep = Prepared(file_name=file_name, sha256=digest, rows=EMPTY_ROWS.copy())
    if len(data) > config.MAX_UPLOAD_BYTES:
        prep.errors.append(Problem(file_name, None, None, None, "read.too_large", "fix.split_file",
                                   {"size_mb": round(len(data) / 1e6, 1),
                                    "limit_mb": round(config.MAX_UPLOAD_BYTES / 1e6, 1)}))
        return prep
    try:
        table = read_table(file_name, data, sheet)
    except ReadError as exc:
        prep.errors.append(exc.problem)
        return prep
    prep.sheet, prep.header_row, prep.rows_read = table.sheet, table.header_row, len(table.rows)
    _check_table(con, prep, table, report_date=report_date, province=province)
    return prep


def _err(prep: Prepared, row: int | None, column: str | None, value: Any, key: str, fix: str,
         severity: str = "error", **params: Any) -> None:
    problem = Problem(prep.file_name, row, column, None if value is None else cell_text(value), key, fix, params,
                      severity)
    (prep.errors if severity == "error" else prep.warnings).append(problem)


def _check_table(con: store.Connection, prep: Prepared, table: RawTable, *, report_date: date | None,
                 province: str | None) -> None:
    cols = map_columns(table.header)
    prep.columns = {canon: table.header[i] for canon, i in cols.items()}
    label = {canon: table.header[i] for canon, i in cols.items()}

    communes = store.all_communes(con)
    if province:
        communes = communes[communes["province_code"] == store.canonical_code(province, "province")]
    index = UnitIndex(communes, store.aliases(con))
    targets = dict(zip(communes["commune_code"], communes["target_books_total"]))

    # required columns
    missing = []
    if "commune" not in cols and "commune_code" not in cols:
        missing.append("commune_code / commune (Mã xã / Tên đơn vị)")
    if "books_digitized" not in cols:
        missing.append("books_digitized (Số sổ đã số hóa)")
    if "commune_code" not in cols and index.three_level and "district" not in cols and "district_code" not in cols:
        missing.append("district (Huyện)")
    if "report_date" not in cols and report_date is None:
        missing.append("report_date (Ngày báo cáo)")
    for name in missing:
        _err(prep, table.header_row, name, None, "check.missing_column", "fix.add_column", missing=name)
    if missing:
        return
    if not table.rows:
        _err(prep, None, None, None, "read.no_rows", "fix.send_table")
        return

    def get(row: list[Any], canon: str) -> Any:
        i = cols.get(canon)
        return row[i] if i is not None and i < len(row) else None

    records: list[dict[str, Any]] = []
    for row, row_no in zip(table.rows, table.row_numbers):
        rec: dict[str, Any] = {"row_no": row_no}
        bad = False
        # date
        raw_date = get(row, "report_date")
        try:
            d = parse_date(raw_date)
        except ValueProblem as exc:
            _err(prep, row_no, label["report_date"], raw_date, exc.key, "fix.date_format")
            d, bad = None, True
        if d is None and not bad:
            if report_date is None:
                _err(prep, row_no, label.get("report_date", "report_date"), raw_date, "check.date_missing",
                     "fix.date_give")
                bad = True
            else:
                d = report_date
        elif d is not None and report_date is not None and d != report_date:
            _err(prep, row_no, label["report_date"], raw_date, "check.date_differs", "fix.date_same",
                 given=report_date.strftime("%d/%m/%Y"))
            bad = True
        rec["report_date"] = d
        # numbers
        for canon in COUNT_COLUMNS:
            if canon not in cols:
                rec[canon] = None
                continue
            raw = get(row, canon)
            try:
                rec[canon] = parse_count(raw)
            except ValueProblem as exc:
                _err(prep, row_no, label[canon], raw, exc.key, "fix.whole_number")
                rec[canon], bad = None, True
        # unit: by code; else by name within its district
        raw_code, raw_name = get(row, "commune_code"), get(row, "commune")
        if _is_empty(raw_code) and _is_empty(raw_name):
            _err(prep, row_no, label.get("commune_code") or label.get("commune"), None, "check.no_commune",
                 "fix.give_commune")
            continue
        district_code, district_failed = None, False
        if _is_empty(raw_code) and index.three_level:
            raw_dcode, raw_district = get(row, "district_code"), get(row, "district")
            if not _is_empty(raw_dcode):
                district_code = store.canonical_code(raw_dcode, "district")
                if district_code not in index.district_names:
                    _err(prep, row_no, label["district_code"], raw_dcode, "check.unknown_district",
                         "fix.check_name", candidates="")
                    district_failed = True
            elif not _is_empty(raw_district):
                dm = index.match_district(raw_district)
                if dm.code is None:
                    _err(prep, row_no, label["district"], raw_district,
                         f"check.{dm.reason}_district", "fix.check_name", candidates="; ".join(dm.candidates))
                    district_failed = True
                district_code = dm.code
        rec["commune_code"] = None
        if district_failed:
            bad = True
        else:
            m = index.match_commune(None if _is_empty(raw_code) else raw_code,
                                    None if _is_empty(raw_name) else raw_name, district_code)
            if m.code is None:
                column = label.get("commune_code") if not _is_empty(raw_code) else label.get("commune")
                value = raw_code if not _is_empty(raw_code) else raw_name
                if m.reason == "name_mismatch":
                    value = f"{cell_text(raw_code)} / {cell_text(raw_name)}"
                _err(prep, row_no, column, value, f"check.{m.reason}_commune", "fix.check_name",
                     candidates="; ".join(m.candidates))
                bad = True
            rec["commune_code"] = m.code
        # figures
        if rec.get("commune_code") and not bad:
            if rec["books_total"] is None:
                target = targets.get(rec["commune_code"])
                if target is None or pd.isna(target):
                    _err(prep, row_no, label.get("books_total", "books_total"), None, "check.total_missing",
                         "fix.total_give")
                    bad = True
                else:
                    rec["books_total"] = int(target)
            if rec["books_digitized"] is None:
                _err(prep, row_no, label["books_digitized"], None, "check.digitized_missing", "fix.whole_number")
                bad = True
            elif rec["books_total"] is not None and rec["books_digitized"] > rec["books_total"]:
                _err(prep, row_no, label["books_digitized"], get(row, "books_digitized"), "check.over_total",
                     "fix.over_total", total=rec["books_total"])
                bad = True
        if not bad:
            records.append(rec)

    # the same commune and date twice
    seen: dict[tuple[str, date], dict[str, Any]] = {}
    kept: list[dict[str, Any]] = []
    for rec in records:
        key = (rec["commune_code"], rec["report_date"])
        first = seen.get(key)
        if first is None:
            seen[key] = rec
            kept.append(rec)
            continue
        same = all(first[c] == rec[c] for c in COUNT_COLUMNS)
        column = label.get("commune_code") or label.get("commune")
        if same:
            _err(prep, rec["row_no"], column, index.label(rec["commune_code"]), "check.duplicate_same",
                 "fix.remove_duplicate", severity="warning", first_row=first["row_no"])
        else:
            _err(prep, rec["row_no"], column, index.label(rec["commune_code"]), "check.duplicate",
                 "fix.remove_duplicate", first_row=first["row_no"])
    if prep.errors:
        return
    frame = pd.DataFrame(kept, columns=list(EMPTY_ROWS.columns))
    if frame.empty:
        _err(prep, None, None, None, "read.no_rows", "fix.send_table")
        return
    prep.rows = frame
    provinces = sorted(set(communes.set_index("commune_code").loc[frame["commune_code"], "province_code"]))
    prep.province_code = provinces[0] if len(provinces) == 1 else None
    _compare_with_store(con, prep, label)


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell) or (isinstance(cell, str) and not cell.strip())


def _compare_with_store(con: store.Connection, prep: Prepared, label: dict[str, str]) -> None:
    """Count new and replaced reports; warn where a cumulative figure goes down."""
    frame = prep.rows
    existing = store.reports_of(con, sorted(set(frame["commune_code"])))
    if existing.empty:
        prep.new_reports = len(frame)
        return
    existing["report_date"] = pd.to_datetime(existing["report_date"]).dt.date
    keys = set(zip(existing["commune_code"], existing["report_date"]))
    by_commune = {code: g.sort_values("report_date") for code, g in existing.groupby("commune_code")}
    for rec in frame.to_dict("records"):
        key = (rec["commune_code"], rec["report_date"])
        if key in keys:
            prep.replaced_reports += 1
        else:
            prep.new_reports += 1
        history = by_commune.get(rec["commune_code"])
        if history is None:
            continue
        earlier = history[history["report_date"] < rec["report_date"]]
        if not earlier.empty:
            prev = earlier.iloc[-1]
            if rec["books_digitized"] < prev["books_digitized"]:
                prep.warnings.append(Problem(
                    prep.file_name, rec["row_no"], label["books_digitized"], str(rec["books_digitized"]),
                    "check.lower_than_before", "fix.confirm_correction",
                    {"previous": int(prev["books_digitized"]), "date": prev["report_date"].strftime("%d/%m/%Y")},
                    "warning"))


def commit(con: store.Connection, prep: Prepared, *, user: str | None = None, source: str = "cli") -> IngestResult:
    """Write a checked file in one transaction; the same bytes giving the same dates change nothing."""
    if prep.errors:
        raise ValueError("commit() needs a file without errors")
    upload_id, unchanged = store.commit_reports(
        con,
        file_name=prep.file_name,
        sha256=prep.sha256,
        rows=prep.rows,
        province_code=prep.province_code,
        warnings=[w.as_dict("vi") for w in prep.warnings],
        user=user,
        source=source,
    )
    return IngestResult(prep.file_name, upload_id, len(prep.rows), int(prep.rows["commune_code"].nunique()),
                        prep.report_dates, unchanged, prep.warnings)


def reject(con: store.Connection, prep: Prepared, *, user: str | None = None, source: str = "cli",
           problems: list[Problem] | None = None) -> IngestRejected:
    """Log a rejected attempt and return the exception to raise."""
    problems = prep.errors if problems is None else problems
    upload_id = store.log_rejected(con, prep.file_name, prep.sha256, prep.rows_read,
                                   [p.as_dict("vi") for p in problems], user=user, source=source)
    return IngestRejected(prep.file_name, problems, upload_id)


def ingest_file(
    con: store.Connection,
    data: bytes,
    file_name: str,
    *,
    report_date: date | None = None,
    province: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    user: str | None = None,
    source: str = "cli",
) -> IngestResult:
    """Prepare and commit one file: loaded whole, or rejected (logged) with every problem found."""
    prep = prepare(con, data, file_name, report_date=report_date, province=province, sheet=sheet)
    if prep.errors:
        raise reject(con, prep, user=user, source=source)
    if strict and prep.warnings:
        raise reject(con, prep, user=user, source=source, problems=prep.warnings)
    return commit(con, prep, user=user, source=source)
