"""Shared fixtures, above all for the real-browser tests (Playwright + Debian's Chromium).

Fixtures:
    streamlit_server -> str   base URL of `streamlit run` on a free port (session)
    chromium_path    -> str   the Chromium to drive; skips, or fails under CI=true (session)
    browser          -> playwright Browser, headless Chromium (session)
    page             -> playwright Page in a fresh 1400x1000 context (per test)
    screenshot_dir   -> Path  artifacts/screenshots, created, git-ignored (session)

Environment:
    CLARKE_APP       app script to serve (default: app.py in the repo root)
    CLARKE_CHROMIUM  Chromium binary (default: /usr/bin/chromium, else `chromium` on PATH)
    CI=true          a missing Chromium fails browser tests instead of skipping them
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "artifacts"
SERVER_START_TIMEOUT_S = 60

# Chromium in a root sandbox with no network: no sandbox (root), no GPU, and none of the
# background connections that this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def find_chromium() -> str | None:
    """CLARKE_CHROMIUM if set (even if wrong: the caller reports it), else Debian's chromium."""
    override = os.environ.get("CLARKE_CHROMIUM")
    if override:
        return override
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _require_chromium() -> str:
    path = find_chromium()
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    if os.environ.get("CLARKE_CHROMIUM"):
        # A path set on purpose that does not work is a mistake, in CI or not.
        pytest.fail(f"CLARKE_CHROMIUM={path} is not an executable file.", pytrace=False)
    how = "install it with 'sudo apt-get install chromium' or set CLARKE_CHROMIUM"
    if _in_ci():
        pytest.fail(f"No Chromium found under CI, so browser tests cannot run: {how}.",
                    pytrace=False)
    pytest.skip(f"no Chromium found for browser tests ({how})")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that drives a browser is a browser test, marked or not, so `-m "not browser"` works.
    for item in items:
        if {"page", "browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Runs before fixtures are set up, so a skip does not start a Streamlit server first.
    if item.get_closest_marker("browser"):
        _require_chromium()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _require_chromium()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


@contextlib.contextmanager
def serve_app() -> Iterator[str]:
    """Serve the app (CLARKE_APP or app.py) on 127.0.0.1:<free port>; yield the base URL."""
    app = Path(os.environ.get("CLARKE_APP") or "app.py")
    app = app if app.is_absolute() else REPO_ROOT / app
    if not app.is_file():
        pytest.fail(f"No app to serve: {app} does not exist.", pytrace=False)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    # Output goes to a file, not a pipe: a full pipe would block the server mid-test.
    log_path = ARTIFACTS / f"streamlit-server-{port}.log"
    with open(log_path, "wb") as log:
        # Own process group, so worker processes the app starts are stopped with it.
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(proc, f"{base_url}/_stcore/health", log_path)
        yield base_url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """One app server shared by the browser tests of a run."""
    with serve_app() as base_url:
        yield base_url


def _wait_healthy(proc: subprocess.Popen, health_url: str, log_path: Path) -> None:
    # No proxies: a proxy from the environment must not intercept 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"Streamlit exited with code {proc.returncode} before it was ready:\n"
                        f"{_log_tail(log_path)}", pytrace=False)
        try:
            with opener.open(health_url, timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.25)
    pytest.fail(f"Streamlit was not healthy after {SERVER_START_TIMEOUT_S} s:\n"
                f"{_log_tail(log_path)}", pytrace=False)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group), politely first."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # workers of the app may outlive the server itself
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def fresh_streamlit_server() -> Iterator[str]:
    """An app server of the test's own, that no browser has visited yet."""
    with serve_app() as base_url:
        yield base_url
