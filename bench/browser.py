"""The dashboard timed in a real browser (Playwright + Debian's Chromium) on the demo data.

Each interaction is timed from the change (the date typed and the field left, the district picked, the
menu clicked) to the last chart drawn: the script run over (``data-test-script-state="notRunning"``)
after the URL shows the new view, and every plotly chart on the page holding its SVG. A fresh session's
first page is timed from ``goto`` in a new browser context (no cookies, no session) to the same point.
The server runs as in production (``streamlit run app.py``), one process for every run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
DAYS = ["28/02/2025", "03/03/2025", "01/03/2025", "04/03/2025", "27/02/2025", "02/03/2025", "26/02/2025"]
DONE = """() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
          && document.querySelector('[data-testid="stMain"] h1')
          && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(el => el.querySelector('.main-svg'))"""


def _stats(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


def _browser() -> str | None:
    for name in (os.environ.get("HOTICH_BROWSER"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _serve(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, HOTICH_DB=str(db), HOTICH_AUTO_DEMO="0", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    return subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_done(page, url_part: str | None = None, timeout: float = 60_000) -> None:
    if url_part:
        page.wait_for_function("p => (location.pathname + location.search).includes(p)", arg=url_part,
                               timeout=timeout)
    page.wait_for_function(DONE, timeout=timeout, polling="raf")


def bench_browser(repeats: int = 5) -> dict[str, Any]:
    """Medians (seconds) of the four interactions on the demo, or ``{"error": ...}``."""
    path = _browser()
    if path is None:
        return {"error": "no chromium on this machine"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "playwright is not installed (requirements-dev.txt)"}
    import socket

    folder = Path(tempfile.mkdtemp(prefix="hotich-bench-browser-"))
    db = folder / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", str(db)], check=True, cwd=ROOT,
                   capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _serve(db, port, folder / "streamlit.log")
    url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    return {"error": "streamlit did not start"}
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
            first: list[float] = []
            for i in range(repeats + 1):  # the very first one also warms the server's process: kept apart
                ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(url)
                _wait_done(page)
                (first.append(time.perf_counter() - t) if i else out.__setitem__("first_ever_s", time.perf_counter() - t))
                ctx.close()
            out["first_page"] = _stats(first)
            ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
            page = ctx.new_page()
            page.goto(url)
            _wait_done(page)
            dates, districts, pages = [], [], []
            field = page.locator('[data-testid="stSidebar"] .st-key-as_of_input input')
            for day in DAYS[:repeats]:
                field.fill(day)
                iso = "-".join(reversed(day.split("/")))
                t = time.perf_counter()
                page.keyboard.press("Enter")  # Enter applies the typed day
                _wait_done(page, f"as_of={iso}")
                dates.append(time.perf_counter() - t)
            out["date_change"] = _stats(dates)
            combo = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(-1)
            names = ["Huyện Đại Lộc", "Huyện Duy Xuyên", "Thành phố Tam Kỳ", "Huyện Quế Sơn", "Huyện Núi Thành",
                     "Huyện Thăng Bình", "Thành phố Hội An"]
            for name in names[:repeats]:
                before = page.evaluate("location.search")
                combo.locator('[role="combobox"], input').first.click()
                page.keyboard.type(name)
                t = time.perf_counter()
                page.keyboard.press("Enter")
                page.wait_for_function("b => location.search !== b", arg=before, timeout=60_000)
                _wait_done(page)
                districts.append(time.perf_counter() - t)
            out["district_change"] = _stats(districts)
            for _ in range(repeats):
                t = time.perf_counter()
                page.locator('[data-testid="stSidebarNav"] a', has_text="Địa bàn").click()
                _wait_done(page, "/dia-ban")
                page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')"
                                       ".innerText.startsWith('Tiến độ theo địa bàn')")
                _wait_done(page)
                pages.append(time.perf_counter() - t)
                page.locator('[data-testid="stSidebarNav"] a').first.click()
                page.wait_for_function("() => !location.pathname.includes('dia-ban')")
                _wait_done(page)
            out["overview_to_localities"] = _stats(pages)
            ctx.close()
            browser.close()
    except Exception as exc:  # a broken page must not lose the other figures of the run
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    out["load_average"] = round(os.getloadavg()[0], 1)
    return out
