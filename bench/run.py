"""The benchmark: generate, load, measure, compare with the naive baselines, write the table.

Run: ``.venv/bin/python -m bench`` (full: Quảng Nam and national; several minutes)
     ``.venv/bin/python -m bench --quick`` (small data, a few seconds; what CI runs)
See README "Performance" and docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics import ingest, metrics, store
from bench import generate, naive

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results"

TARGETS = {
    "query_ms": 50.0, "query_ms_province": 20.0, "query_vs_pandas": 10.0, "page_warm_s": 0.3, "page_cold_s": 1.0,
    "cli_summary_s": 0.5,
    "ingest_csv_s": 0.5, "ingest_xlsx_s": 2.0, "ingest_vs_rows": 20.0, "backfill_s": 30.0, "rss_mb": 600.0,
    "browser_interaction_s": 0.8, "browser_first_page_s": 2.0,
}


@dataclass
class Scale:
    name: str
    title: str
    days: int
    repeats: int
    units: Callable[[], list[dict[str, Any]]]
    backfill_timeout: float = 900.0
    apptest: bool = True
    pages: tuple[str, ...] = ()  # pages measured (default: every page of the dashboard)


SCALES = {
    "quick": Scale("quick", "quick (3 provinces, 30 days; CI)", 30, 1,
                   lambda: generate.national_units(communes=320, districts=24, provinces=3), 120.0,
                   pages=("overview.py",)),
    "province": Scale("province", "1 province (Quảng Nam, 241 communes, 1 year)", generate.DAYS, 7,
                      generate.province_units),
    "national": Scale("national", "national, synthetic (63 provinces, 10,600 communes, 1 year)", generate.DAYS, 7,
                      generate.national_units),
    # the official lists (``gazetteer``): the country before and after the July 2025 reform
    "national-2025-01": Scale("national-2025-01", "national, 1 Jan 2025 list (63 provinces, 10,035 communes, 1 year)",
                              generate.DAYS, 7, lambda: generate.structure_units("2025-01")),
    "national-2025-07": Scale("national-2025-07", "national, 1 Jul 2025 list (34 provinces, 3,321 communes, 1 year)",
                              generate.DAYS, 7, lambda: generate.structure_units("2025-07")),
}
DEFAULT_SCALES = ["province", "national-2025-01", "national-2025-07"]


def timed(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[dict[str, float], Any]:
    """Median, min and max (seconds) over ``repeats`` runs after ``warmup`` runs; and the last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return stats(times), result


def stats(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


LOADS: list[float] = []  # 1-minute load average samples: the machine may be shared with other work


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- setup ---------------------------------------------------------------------------------------------


def build(scale: Scale, folder: Path, rebuild: bool) -> dict[str, Any]:
    """The databases (units only; units + the year) and the files, reused when already built."""
    folder.mkdir(parents=True, exist_ok=True)
    units = scale.units()
    stamp = folder / "stamp.json"
    want = {"communes": len(units), "days": scale.days, "schema": store.SCHEMA_VERSION, "end": str(generate.END),
            "layout": 2}
    info: dict[str, Any] = {"units": units}
    t = time.perf_counter()
    year = generate.year_reports(units, days=scale.days)
    info["year_rows"] = len(year)
    info["generate_s"] = time.perf_counter() - t
    fresh = rebuild or not stamp.exists() or json.loads(stamp.read_text()) != want \
        or not (folder / "year_daily.duckdb").exists()
    if fresh:
        for f in folder.glob("*.duckdb*"):
            f.unlink()
        con = store.connect(folder / "units.duckdb")
        t = time.perf_counter()
        store.replace_units(con, units)
        info["load_units_s"] = time.perf_counter() - t
        con.close()
        shutil.copy(folder / "units.duckdb", folder / "year.duckdb")
        con = store.connect(folder / "year.duckdb")
        frame = year.copy()
        frame.insert(0, "row_no", range(2, len(frame) + 2))
        t = time.perf_counter()
        store.commit_reports(con, file_name="bench-year.csv", sha256="bench-year", rows=frame, province_code=None,
                             source="bench")
        info["load_year_s"] = time.perf_counter() - t
        con.execute("CHECKPOINT")
        con.close()
        # the same year as a database that received it day by day (rows in date order, not by commune)
        shutil.copy(folder / "units.duckdb", folder / "year_daily.duckdb")
        con = store.connect(folder / "year_daily.duckdb")
        con.execute("ATTACH ? AS y (READ_ONLY)", [str(folder / "year.duckdb")])
        for table in ("uploads", "report_rows", "reports"):
            order = "id" if table == "uploads" else "report_date, commune_code"
            con.execute(f"INSERT INTO {table} SELECT * FROM y.{table} ORDER BY {order}")  # noqa: S608 (constants)
        con.execute("DETACH y")
        con.execute("SELECT nextval('upload_seq') FROM range((SELECT max(id) FROM uploads))").fetchall()
        store.bump_version(con)
        con.execute("CHECKPOINT")
        con.close()
        (folder / "history.csv").write_bytes(generate.history_csv(year))
        stamp.write_text(json.dumps(want))
    info["db_mb"] = (folder / "year.duckdb").stat().st_size / 1e6
    info["history_mb"] = (folder / "history.csv").stat().st_size / 1e6
    info["year"] = year
    return info


# --- 1. ingest of a day's file ------------------------------------------------------------------------


def bench_ingest(scale: Scale, folder: Path, info: dict[str, Any],
                 reuse_baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    units, year = info["units"], info["year"]
    # the last report of each commune is all a following day needs (day_reports moves on from it)
    year = year.sort_values("report_date").groupby("commune_code", sort=False).tail(1)
    db = folder / "ingest.duckdb"
    shutil.copy(folder / "year_daily.duckdb", db)
    out: dict[str, Any] = {}
    day = generate.END
    for kind in ("csv", "xlsx"):
        times, prep_times, commit_times, rows, warnings = [], [], [], 0, 0
        for _ in range(scale.repeats):
            day = day + timedelta(days=1)
            frame = generate.day_reports(units, year, day)
            data = generate.daily_csv(frame) if kind == "csv" else generate.daily_xlsx(frame)
            name = f"bao-cao-{day.isoformat()}.{kind}"
            (folder / f"day.{kind}").write_bytes(data)
            with store.session(db) as con:
                t = time.perf_counter()
                prep = ingest.prepare(con, data, name)
                t1 = time.perf_counter()
                if prep.errors:
                    raise RuntimeError(f"{name}: {[p.as_dict('en') for p in prep.errors[:3]]}")
                result = ingest.commit(con, prep, source="bench")
                t2 = time.perf_counter()
            times.append(t2 - t)
            prep_times.append(t1 - t)
            commit_times.append(t2 - t1)
            rows, warnings = result.rows, len(prep.warnings)
            out[f"{kind}_bytes"] = len(data)
        out[kind] = {"total": stats(times), "prepare": stats(prep_times), "commit": stats(commit_times),
                     "rows": rows, "warnings": warnings}
    # session open/close, the cost the Upload page pays twice (prepare, then commit)
    out["session_open"], _ = timed(lambda: _open_close(db), scale.repeats)
    # baseline: row-by-row INSERTs of the same kind of file into a copy (minutes at national scale)
    if reuse_baseline is not None:
        out["row_by_row"] = reuse_baseline
        db.unlink(missing_ok=True)
        Path(str(db) + ".wal").unlink(missing_ok=True)
        return out
    naive_db = folder / "naive.duckdb"
    shutil.copy(folder / "year_daily.duckdb", naive_db)
    times = []
    for i in range(min(scale.repeats, 3)):
        day = generate.END + timedelta(days=100 + i)
        data = generate.daily_csv(generate.day_reports(units, year, day))
        con = store.connect(naive_db)
        t = time.perf_counter()
        naive.row_by_row_ingest(con, data, f"naive-{day}.csv")
        times.append(time.perf_counter() - t)
        con.close()
    out["row_by_row"] = stats(times)
    for f in (db, naive_db):
        f.unlink(missing_ok=True)
        Path(str(f) + ".wal").unlink(missing_ok=True)
    return out


def _open_close(db: Path) -> None:
    with store.session(db):
        pass


# --- 2. backfill of the year ------------------------------------------------------------------------


def bench_backfill(scale: Scale, folder: Path) -> dict[str, Any]:
    """The year's history file through prepare + commit into a database holding only the units (subprocess)."""
    db = folder / "backfill.duckdb"
    shutil.copy(folder / "units.duckdb", db)
    env = dict(os.environ, HOTICH_MAX_UPLOAD_MB="2048", HOTICH_MAX_ROWS="10000000",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    cmd = [sys.executable, "-m", "bench.backfill", str(db), str(folder / "history.csv")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=scale.backfill_timeout, env=env,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {scale.backfill_timeout:.0f} s"}
    finally:
        db.unlink(missing_ok=True)
        Path(str(db) + ".wal").unlink(missing_ok=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- 3. analytics in process -------------------------------------------------------------------------


def analytics_calls(v: metrics.View, sample_commune: str | None) -> dict[str, Callable[[store.Connection], Any]]:
    """Every analytics function a page calls for an as-of date (those that exist in this version)."""
    m = metrics
    calls: dict[str, Callable[[store.Connection], Any]] = {
        "view": lambda c: m.view(c, v.province, v.as_of),
        "summary": lambda c: m.summary(c, v.province, v.as_of),
        "underperformers": lambda c: m.underperformers(c, v.province, v.as_of),
        "commune_status": lambda c: m.commune_status(c, v),
        "district_table": lambda c: m.district_table(c, v),
        "trend": lambda c: m.trend(c, v),
    }
    optional: dict[str, Callable[[store.Connection], Any]] = {
        "overview": lambda c: m.overview(c, v),
        "commune_league": lambda c: m.commune_league(c, v),
        "district_league": lambda c: m.district_league(c, v),
        "commune_daily_14d": lambda c: m.commune_daily(c, v, 14),
        "underperformers_full": lambda c: m.underperformers_full(c, v),
        "treemap_frame": lambda c: m.treemap_frame(c, v),
        "commune_detail": lambda c: m.commune_detail(c, v, sample_commune),
        "heatmap": lambda c: m.heatmap_frame(c, v),
    }
    for name, fn in optional.items():
        target = {"commune_daily_14d": "commune_daily", "heatmap": "heatmap_frame"}.get(name, name)
        if hasattr(m, target) and (name != "commune_detail" or sample_commune):
            calls[name] = fn
    return calls


def bench_analytics(scale: Scale, folder: Path, provinces: list[str], db_name: str) -> dict[str, Any]:
    """Every page function, as the dashboard runs it (the memo on, ``ui``'s default size):

    * warm: the view's tables exist (the page's first function computed them): what every other call of
      the page costs;
    * new day: an as-of date not asked before (a new commune table; what depends only on the data
      version, such as the trend's history, is kept): the page's first function after a date change.
    """
    db = folder / db_name
    out: dict[str, Any] = {}
    con = store.connect(db)
    metrics.MEMO_SIZE = 32
    metrics._MEMO.clear()
    try:
        for province in provinces:
            v = metrics.view(con, province, generate.END)
            sample = con.execute("SELECT min(code) FROM units WHERE level = 'commune' AND province_code = ?",
                                 [province]).fetchone()[0]
            res: dict[str, Any] = {"communes": int(len(store.units_frame(con, province)))}
            for name, fn in analytics_calls(v, sample).items():
                try:
                    res[name], _ = timed(lambda fn=fn: fn(con), scale.repeats)
                except Exception as exc:  # a function another engineer is changing: report, go on
                    res[name] = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
            days = iter(generate.END - timedelta(days=k) for k in range(1, 400))
            for name in analytics_calls(v, sample):
                if name == "view":
                    continue
                times = []
                for _ in range(scale.repeats):
                    dv = metrics.view(con, province, next(days))
                    fn = analytics_calls(dv, sample)[name]
                    t = time.perf_counter()
                    try:
                        fn(con)
                    except Exception:
                        break
                    times.append(time.perf_counter() - t)
                if times:
                    res["new_day:" + name] = stats(times)
            # the naive baselines: pandas over the whole history, loaded at every question
            first = naive.first_day(v.as_of, scale.days)
            res["pandas_load_all"], _ = timed(lambda: naive.load_all(con), max(scale.repeats // 2, 1), 0)
            res["pandas_summary"], ps = timed(lambda: naive.summary(con, province, v.as_of, v.start, v.deadline),
                                              max(scale.repeats // 2, 1), 0)
            res["pandas_underperformers"], _ = timed(
                lambda: naive.underperformers(con, province, v.as_of, v.start, v.deadline),
                max(scale.repeats // 2, 1), 0)
            res["pandas_trend"], _ = timed(lambda: naive.trend(con, province, v.as_of, first),
                                           max(scale.repeats // 2, 1), 0)
            s = metrics.summary(con, province, v.as_of)
            res["check_totals_agree"] = (int(s["books_total"]) == ps["books_total"]
                                         and int(s["books_digitized"]) == ps["books_digitized"])
            out[province] = res
        if len(store.provinces(con)) > 1:  # the country page: every province of the structure on one day
            from analytics import national

            res = {"communes": int(len(store.all_communes(con)))}
            c = national.country(con, None, generate.END)
            for name, fn in {"country": lambda: national.country(con, None, generate.END),
                             "country_map": lambda: national.map_frame(con, c)}.items():
                res[name], _ = timed(fn, max(scale.repeats // 2, 1))
            days = iter(generate.END - timedelta(days=k) for k in range(200, 400))
            # every run a day not asked before; the first one also reads what a structure's provinces need
            # once per data version (END may lie in another structure), so it is timed apart
            res["first_day_in_structure:country"], _ = timed(lambda: national.country(con, None, next(days)), 1, 0)
            res["new_day:country"], _ = timed(lambda: national.country(con, None, next(days)),
                                              max(scale.repeats // 2, 2), 0)
            out["country"] = res
    finally:
        con.close()
        metrics.MEMO_SIZE = 0
        metrics._MEMO.clear()
    out["session_open"], _ = timed(lambda: _open_close(db), scale.repeats)
    return out


# --- 5. the summary command as a whole process -------------------------------------------------------


def bench_cli_summary(scale: Scale, folder: Path, province: str) -> dict[str, Any]:
    """``python -m analytics summary`` from process start to exit (imports included): what a script pays."""
    db = folder / "cli.duckdb"
    shutil.copy(folder / "year_daily.duckdb", db)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    cmd = [sys.executable, "-m", "analytics", "summary", "--db", str(db), "--province", province]
    try:
        def once() -> None:
            subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
        out, _ = timed(once, scale.repeats)
        imports = subprocess.run([sys.executable, "-c", "import sys, runpy; sys.argv = " + repr(cmd[2:]) + "\n"
                                  "try:\n    runpy.run_module('analytics', run_name='__main__')\n"
                                  "except SystemExit:\n    pass\n"
                                  "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'plotly', 'streamlit', "
                                  "'kaleido', 'docx', 'rapidfuzz', 'python_calamine', 'openpyxl') if m in sys.modules))"],
                                 capture_output=True, text=True, env=env, cwd=ROOT)
        out["heavy_modules"] = imports.stdout.strip().splitlines()[-1] if imports.stdout.strip() else "?"
        return out
    finally:
        db.unlink(missing_ok=True)
        Path(str(db) + ".wal").unlink(missing_ok=True)


# --- 4. pages (AppTest) in a dashboard process ------------------------------------------------------


def bench_pages(scale: Scale, folder: Path, province: str | None = None) -> dict[str, Any]:
    db = folder / "app.duckdb"
    shutil.copy(folder / "year_daily.duckdb", db)
    days = [(generate.END - timedelta(days=3 * i + 1)).isoformat() for i in range(40)]
    env = dict(os.environ, STREAMLIT_LOGGER_LEVEL="error", PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    cmd = [sys.executable, "-m", "bench.apptest_run", str(db), ",".join(days), str(min(scale.repeats, 3)),
           ",".join(scale.pages), province or ""]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env, cwd=ROOT)
    finally:
        db.unlink(missing_ok=True)
        Path(str(db) + ".wal").unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = [line for line in proc.stderr.strip().splitlines() if "ScriptRunContext" not in line][-3:]
        return {"error": " | ".join(tail) or "failed"}
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    pages = {page: {k: stats(v) for k, v in runs.items() if v} for page, runs in raw["pages"].items()}
    return {"first_run_s": raw["first_run_s"], "pages": pages, "peak_rss_mb": raw["peak_rss_mb"],
            "peak_rss_after_page_mb": raw.get("peak_rss_after_page_mb"), "rss_steps": raw.get("rss_steps"),
            "exceptions": raw["exceptions"][:10]}


# --- the table ----------------------------------------------------------------------------------------


def run_scale(scale: Scale, args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(args.out) / scale.name
    LOADS.append(os.getloadavg()[0])
    log(f"{scale.title}: generating and loading")
    info = build(scale, folder, args.rebuild)
    res: dict[str, Any] = {"title": scale.title, "communes": len(info["units"]), "report_rows": info["year_rows"],
                           "db_mb": info["db_mb"], "history_csv_mb": info["history_mb"],
                           "setup": {k: info[k] for k in ("generate_s", "load_units_s", "load_year_s") if k in info}}
    con = store.connect(folder / "year.duckdb", read_only=True)
    provinces = store.provinces(con)
    con.close()
    biggest = str(provinces.sort_values(["communes", "province_code"], ascending=[False, True]).iloc[0]
                  ["province_code"])
    chosen = list(dict.fromkeys([p for p in (generate.QUANG_NAM, biggest) if p in set(provinces["province_code"])]))
    if generate.QUANG_NAM not in chosen and generate.DA_NANG in set(provinces["province_code"]):
        chosen.insert(0, generate.DA_NANG)  # the July 2025 list: Quảng Nam is part of Đà Nẵng
    if not args.skip_analytics:
        log(f"{scale.title}: analytics ({', '.join(chosen)}), rows in date order (as uploaded day by day)")
        res["analytics"] = bench_analytics(scale, folder, chosen, "year_daily.duckdb")
        log(f"{scale.title}: analytics ({', '.join(chosen)}), rows clustered by commune (as after a backfill)")
        res["analytics_clustered"] = bench_analytics(scale, folder, chosen, "year.duckdb")
    if not args.skip_cli:
        log(f"{scale.title}: the summary command as a whole process")
        res["cli_summary"] = bench_cli_summary(scale, folder, chosen[0])
    if not args.skip_ingest:
        log(f"{scale.title}: ingest of a day's file")
        reuse = None
        previous = Path(args.results or RESULTS) / "results.json"
        if args.reuse_baseline and previous.exists():
            reuse = json.loads(previous.read_text())["scales"].get(scale.name, {}).get("ingest", {}).get(
                "row_by_row")
        res["ingest"] = bench_ingest(scale, folder, info, reuse)
    if not args.skip_backfill:
        log(f"{scale.title}: backfill of the year ({info['year_rows']:,} rows)")
        res["backfill"] = bench_backfill(scale, folder)
    if scale.apptest and not args.skip_pages:
        log(f"{scale.title}: pages (AppTest)")
        res["pages"] = bench_pages(scale, folder, chosen[0])
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small data, a few seconds (CI)")
    p.add_argument("--scale", action="append", choices=list(SCALES), help="scales to run (default: province, national)")
    p.add_argument("--repeats", type=int, help="repetitions per measurement")
    p.add_argument("--out", default=str(OUT), help="folder for generated data (gitignored)")
    p.add_argument("--results", help="folder for results.md/json (default bench/results; quick: the out folder)")
    p.add_argument("--rebuild", action="store_true", help="regenerate the databases even when present")
    p.add_argument("--skip-analytics", action="store_true")
    p.add_argument("--skip-ingest", action="store_true")
    p.add_argument("--reuse-baseline", action="store_true",
                   help="keep the row-by-row INSERT baseline of results.json instead of measuring it again")
    p.add_argument("--update", action="store_true",
                   help="keep the figures of results.json that this run does not measure (merge by section)")
    p.add_argument("--skip-backfill", action="store_true")
    p.add_argument("--skip-cli", action="store_true")
    p.add_argument("--skip-pages", action="store_true")
    p.add_argument("--browser", action="store_true",
                   help="also time the dashboard in Chromium on the demo (Playwright; bench/browser.py)")
    p.add_argument("--browser-only", action="store_true",
                   help="only the browser timings (with --update, the other figures of results.json are kept)")
    args = p.parse_args(argv)
    names = [] if args.browser_only else (["quick"] if args.quick else (args.scale or DEFAULT_SCALES))
    results_dir = Path(args.results) if args.results else (Path(args.out) / "quick" if args.quick else RESULTS)
    started = time.perf_counter()
    doc: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "pandas": pd.__version__, "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "targets": TARGETS, "scales": {},
    }
    for name in names:
        scale = SCALES[name]
        if args.repeats:
            scale.repeats = args.repeats
        doc["scales"][name] = run_scale(scale, args)
    if args.browser or args.browser_only:
        from bench.browser import bench_browser

        log("browser: the demo in Chromium (Playwright)")
        doc["browser"] = bench_browser(args.repeats or 5)
    doc["elapsed_s"] = time.perf_counter() - started
    LOADS.append(os.getloadavg()[0])
    doc["machine"]["load_average_samples"] = [round(x, 1) for x in LOADS]
    doc["bench_peak_rss_mb"] = rss_mb()
    results_dir.mkdir(parents=True, exist_ok=True)
    previous = results_dir / "results.json"
    if args.update and previous.exists():
        old = json.loads(previous.read_text())
        for name, measured in doc["scales"].items():
            merged = dict(old.get("scales", {}).get(name, {}))
            merged.update(measured)
            doc["scales"][name] = merged
        for name, kept in old.get("scales", {}).items():
            doc["scales"].setdefault(name, kept)
        doc["elapsed_s"] += old.get("elapsed_s", 0.0)
        if "browser" not in doc and "browser" in old:
            doc["browser"] = old["browser"]
        doc["targets"] = {**old.get("targets", {}), **doc["targets"]}
        doc["date"] = f"{old.get('date')} and {doc['date']}"
    from bench.report import markdown

    (results_dir / "results.json").write_text(json.dumps(doc, indent=1, default=str, ensure_ascii=False) + "\n")
    (results_dir / "results.md").write_text(markdown(doc), encoding="utf-8")
    log(f"done in {doc['elapsed_s']:.0f} s: {results_dir / 'results.md'}")
    return 0
