"""Shared fixtures, above all for the real-browser tests (Playwright + Debian's Chromium).

Fixtures:
    streamlit_server -> str   base URL of `streamlit run` on a free port (session)
    chromium_path    -> str   the Chromium to drive; skips, or fails under CI=true (session)
    browser          -> playwright Browser, headless Chromium (session)
    page             -> playwright Page in a fresh 1400x1000 context (per test)
    screenshot_dir   -> Path  artifacts/screenshots, created, git-ignored (session)

Environment:
    CLARKE_APP       app script to serve (default: serve.py, the real entry point, in the repo root)
    CLARKE_CHROMIUM  Chromium binary (default: /usr/bin/chromium, else `chromium` on PATH)
    CI=true          a missing Chromium fails browser tests instead of skipping them
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import app_server
from clarke_core.service.heap import steady_heap

# As in the server: two malloc arenas, so that threads (the store's concurrency tests, AppTest)
# do not reserve gigabytes of address space that CLI sandbox workers forked from here inherit.
steady_heap()

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


def _log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


@contextlib.contextmanager
def serve_app() -> Iterator[str]:
    """Serve the app (CLARKE_APP or serve.py) on 127.0.0.1:<free port>; yield the base URL."""
    app = Path(os.environ.get("CLARKE_APP") or "serve.py")
    app = app if app.is_absolute() else REPO_ROOT / app
    if not app.is_file():
        pytest.fail(f"No app to serve: {app} does not exist.", pytrace=False)
    port = app_server.free_port()
    base_url = f"http://{app_server.HOST}:{port}"
    log_path = ARTIFACTS / f"streamlit-server-{port}.log"
    proc = app_server.start(app, port, log_path, cwd=REPO_ROOT)
    try:
        problem = app_server.wait_healthy(proc, base_url, SERVER_START_TIMEOUT_S)
        if problem:
            pytest.fail(f"Streamlit: {problem}:\n{_log_tail(log_path)}", pytrace=False)
        yield base_url
    finally:
        app_server.stop(proc)


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """One app server shared by the browser tests of a run."""
    with serve_app() as base_url:
        yield base_url


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
