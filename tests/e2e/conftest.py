"""Real-browser fixtures: one Streamlit server per test module on a free localhost port, a temporary
database, and Debian's Chromium driven by Playwright.

Environment:
- HOTICH_BROWSER (or BROWSER_PATH): the Chromium/Chrome to drive (default: chromium on the PATH).
- HOTICH_SCREENSHOTS: the folder screenshots are written to (default: a temporary folder, printed).
Without a browser the tests are skipped, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
START_TIMEOUT = 90


def browser_path() -> str | None:
    for env in ("HOTICH_BROWSER", "BROWSER_PATH"):
        if os.environ.get(env):
            return os.environ[env]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _need_browser() -> str:
    path = browser_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/test.sh installs it)")
        pytest.skip("no chromium on this machine")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (requirements-dev.txt)")
    return path


@pytest.fixture(scope="module")
def screenshots_dir() -> Path:
    folder = os.environ.get("HOTICH_SCREENSHOTS")
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="hotich-screenshots-"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture(scope="module")
def app_db(tmp_path_factory) -> Path:
    """A temporary database holding the demo data (loaded by the CLI, as an operator would)."""
    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", str(db)], check=True, cwd=ROOT,
                   capture_output=True)
    return db


@pytest.fixture(scope="module")
def app_url(app_db: Path, tmp_path_factory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with the temporary database; stopped after the module."""
    _need_browser()
    yield from serve(app_db, tmp_path_factory)


def serve(app_db: Path, tmp_path_factory) -> Iterator[str]:
    """Run the app on a free port with ``app_db`` until the generator is closed (yields its URL)."""
    port = free_port()
    # the server runs as in production: the database kept open between reruns, commune tables memoized
    env = dict(os.environ, HOTICH_DB=str(app_db), HOTICH_AUTO_DEMO="0", PYTHONUNBUFFERED="1",
               HOTICH_KEEP_OPEN_SECONDS="10", HOTICH_MEMO_SIZE="32")
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within {START_TIMEOUT} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def browser(app_url: str):
    from playwright.sync_api import sync_playwright

    path = _need_browser()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
