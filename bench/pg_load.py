"""Page views per second with 1, 2 and 4 dashboard processes on one PostgreSQL (docs/deploy.md).

Usage: python -m bench.pg_load [--seconds 20] [--procs 1,2,4] [--url postgresql://…]

Without ``--url`` a throw-away PostgreSQL is started (tests/pgserver.py) and filled with the demo data.
Each dashboard process is Streamlit's own script runner (``AppTest``) on app.py, as one browser session
would drive it: a page view is one full run of a page chosen at random (the dashboard's pages) on an as-of
day chosen at random in the demo's span, with the process's caches as a real process keeps them. The
processes start together, each renders its first page before the clock starts, then all run for
``--seconds``; the figure is the sum of their views over that time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_PAGES = {"login.py", "admin.py"}
DEMO_FIRST, DEMO_LAST = date(2025, 2, 21), date(2025, 3, 5)


def worker(url: str, seconds: float, seed: int) -> dict:
    """One dashboard process: ready after its first page, then views until the time is up."""
    os.environ["HOTICH_DB"] = url
    os.environ["HOTICH_AUTO_DEMO"] = "0"
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    rng = random.Random(seed)
    pages = sorted(p.name for p in (ROOT / "views").glob("*.py") if p.name not in SKIP_PAGES)
    days = [DEMO_FIRST + timedelta(days=i) for i in range((DEMO_LAST - DEMO_FIRST).days + 1)]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    print("ready", flush=True)
    sys.stdin.readline()  # the parent says go when every process is ready
    views, exceptions, times = 0, [], []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        at.text_input(key="as_of_input").input(rng.choice(days).strftime("%d/%m/%Y"))
        at.switch_page(f"views/{rng.choice(pages)}")
        at.run()
        times.append(time.perf_counter() - t0)
        exceptions += [e.message[:200] for e in at.exception]
        views += 1
    return {"views": views, "seconds": seconds, "exceptions": exceptions[:5],
            "median_view_s": sorted(times)[len(times) // 2] if times else None}


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "HOTICH_DB": url, "HOTICH_AUTO_DEMO": "0",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def run(url: str, procs: int, seconds: float) -> dict:
    workers = [subprocess.Popen([sys.executable, "-m", "bench.pg_load", "worker", url, str(seconds), str(k)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=_env(url), cwd=str(ROOT)) for k in range(procs)]
    for w in workers:
        line = w.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"a dashboard process did not start: {line} {w.stderr.read()[-2000:]}")
    for w in workers:
        w.stdin.write("go\n")
        w.stdin.flush()
    results = []
    for w in workers:
        out, err = w.communicate(timeout=seconds + 600)
        if w.returncode != 0:
            raise RuntimeError(err[-2000:])
        results.append(json.loads(out.strip().splitlines()[-1]))
    views = sum(r["views"] for r in results)
    return {"processes": procs, "seconds": seconds, "views": views, "views_per_s": round(views / seconds, 2),
            "per_process": [r["views"] for r in results],
            "median_view_s": [round(r["median_view_s"], 3) if r["median_view_s"] else None for r in results],
            "exceptions": [e for r in results for e in r["exceptions"]][:5]}


def main(argv: list[str]) -> int:
    if argv and argv[0] == "worker":
        print(json.dumps(worker(argv[1], float(argv[2]), int(argv[3]))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.pg_load")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--procs", default="1,2,4")
    parser.add_argument("--url")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    server = None
    url = args.url
    if url is None:
        import pgserver  # tests/pgserver.py

        folder = pgserver.binaries()
        if folder is None:
            raise SystemExit("PostgreSQL is not installed (initdb, pg_ctl)")
        server = pgserver.Server(folder).start()
        url = server.create_database("bench")
        subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", url], env=_env(url), cwd=str(ROOT),
                       check=True, capture_output=True)
    try:
        out = {"cpus": os.cpu_count(), "load_before": os.getloadavg(),
               "runs": [run(url, int(n), args.seconds) for n in args.procs.split(",")]}
        print(json.dumps(out, indent=2))
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
