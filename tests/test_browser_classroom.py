"""Classes in a real headless Chromium, on a server of the test's own with a temporary SQLite
database: the lecturer creates a class behind the secret (a wrong secret shows nothing), a student
joins and answers wrong then right, another student sees none of it; the server is stopped and
started again on the same database, and the lecturer's view still shows the attempts and their
diagnosis, as does ``submissions export``. The lecturer also grades assets/example_answers.csv
uploaded on the page."""

from __future__ import annotations

import contextlib
import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_util import open_page, wait_for_app

from benchmarks import app_server
from clarke_core.classroom import Store, classes
from clarke_core.grading.verdict import DIAGNOSES

pytestmark = pytest.mark.browser

SECRET = "a lecturer's secret for the browser"
ROOT = Path(__file__).resolve().parent.parent
EXCEPTION = "[data-testid='stException']"
TABS = "[data-testid='stTab']"


@contextlib.contextmanager
def serve_app(log_dir: Path):
    """The app (serve.py) on a free loopback port, with this process's environment."""
    port = app_server.free_port()
    base = f"http://{app_server.HOST}:{port}"
    log = log_dir / f"streamlit-{port}.log"
    proc = app_server.start(ROOT / "serve.py", port, log, cwd=ROOT)
    try:
        problem = app_server.wait_healthy(proc, base, 60)
        assert problem is None, f"{problem}: {log.read_text(errors='replace')[-3000:]}"
        yield base
    finally:
        app_server.stop(proc)


@pytest.fixture
def classroom_env(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'lab.sqlite'}"
    monkeypatch.setenv("CLARKE_LAB_DATABASE_URL", url)  # the servers started below inherit both
    monkeypatch.setenv("CLARKE_LAB_LECTURER_SECRET", SECRET)
    return url


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def _lecturer(page, base: str, secret: str = SECRET) -> None:
    open_page(page, f"{base}/lecturer", plotly=False)
    _type(page, "Lecturer's secret", secret)


def _student(browser, base: str, code: str, name: str, shot: Path | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, f"{base}/homework", plotly=False)
    if shot:
        page.screenshot(path=shot)
    _type(page, "Class code", code)
    _type(page, "Your name", name)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"you answer as {name}").wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    return context, page


def _check(page, text: str, alert: str) -> str:
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Your answer").fill(text)
    form.get_by_role("button", name="Check").click()
    shown = page.locator(f"[data-testid='stAlertContent{alert}']").first
    shown.wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    return shown.inner_text()


def test_an_attempt_on_the_page_survives_a_restart(classroom_env, browser, page, screenshot_dir,
                                                  tmp_path):
    with serve_app(tmp_path) as base:
        _lecturer(page, base, "not the secret")
        page.get_by_text("That is not the lecturer's secret.").wait_for(state="visible")
        assert page.locator(TABS).count() == 0 and page.get_by_text("Create a class").count() == 0
        _type(page, "Lecturer's secret", SECRET)
        page.get_by_role("button", name="Create the class").click()
        created = page.get_by_text("Class created: its code is")
        created.wait_for(state="visible", timeout=60_000)
        code = re.search(r"code is ([A-Z0-9]{6})", created.inner_text())[1]

        context, ann = _student(browser, base, code, "ann",
                                shot=screenshot_dir / "classroom_join_box.png")
        try:
            ann.screenshot(path=screenshot_dir / "classroom_joined.png", full_page=True)
            assert "autodiff" in _check(ann, "0", "Warning")
            assert _check(ann, "[0, 1]", "Success").startswith("Right")
            ann.get_by_text("Attempts used: 2").first.wait_for(state="visible")
            ann.get_by_text("Your attempts (2)").click()
            ann.screenshot(path=screenshot_dir / "classroom_stored_attempt.png", full_page=True)
            assert ann.locator(EXCEPTION).count() == 0
        finally:
            context.close()
        context, bob = _student(browser, base, code, "bob")
        try:  # another student: nothing of ann's shows
            bob.get_by_text("Attempts used: 0").first.wait_for(state="visible")
            assert bob.get_by_text("Your attempts").count() == 0
            assert "ann" not in bob.locator("[data-testid='stMain']").inner_text()
        finally:
            context.close()

    with serve_app(tmp_path) as base:  # a new server on the same database
        _lecturer(page, base)
        page.wait_for_selector(".js-plotly-plot", state="visible", timeout=60_000)
        chart = page.locator(".js-plotly-plot").first
        chart.get_by_text(DIAGNOSES["one_value"]).wait_for(state="visible", timeout=60_000)
        assert "relu-clarke: 0" in chart.inner_text()
        # the classes table lists the class by its code (its cells are in the page, hidden
        # behind the grid's canvas); waited for, as on a loaded machine the table may come
        # after the chart
        page.get_by_text(code).first.wait_for(state="attached", timeout=60_000)
        page.screenshot(path=screenshot_dir / "classroom_lecturer.png", full_page=True)

        # (An uploaded TOML making a class is tests/test_classes.py's, through AppTest: in the
        # browser, picking "Upload a file…" from the long virtual list was flaky.)
        page.get_by_role("tab", name="Grade a file").click()
        csv_input = page.locator("[data-testid='stFileUploaderDropzoneInput']").last
        csv_input.set_input_files(str(ROOT / "assets" / "example_answers.csv"))
        page.get_by_text("example_answers.csv", exact=True).wait_for(state="visible",
                                                                     timeout=30_000)
        assert page.get_by_text("files are not allowed").count() == 0
        wait_for_app(page)
        page.get_by_role("button", name="Grade the answers").click()
        page.get_by_text(re.compile(r"^Graded \d+ answers? of ")).wait_for(state="visible",
                                                                   timeout=120_000)
        page.screenshot(path=screenshot_dir / "classroom_graded_file.png", full_page=True)
        assert page.locator(EXCEPTION).count() == 0

    with Store(classroom_env) as store:  # the class is stored under its file's id or name
        assert [c.assignment for c in classes(store)] == ["lecture_assignment"]
    out = tmp_path / "grades.csv"
    done = subprocess.run([sys.executable, "-m", "clarke_core", "submissions", "export",
                           "lecture_assignment", "--db", classroom_env, "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    [best] = [r for r in rows if r["student"] == "ann" and r["question"] == "relu-clarke"]
    assert (best["answer"], best["correct"], best["attempts"]) == ("[0, 1]", "yes", "2")
    assert not [r for r in rows if r["student"] == "bob"]
