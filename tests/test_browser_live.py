"""The live question in a real headless Chromium: the lecturer opens a question and shows its QR
code, a student answers through the short link on a phone-sized screen, and the lecturer's
histogram shows the answer without a reload (the fragment reruns by itself)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_util import wait_for_app
from conftest import ARTIFACTS, REPO_ROOT, SERVER_START_TIMEOUT_S, _log_tail

from benchmarks import app_server
from clarke_core.classroom import Store, create_class, current_live
from clarke_core.classroom.live import CLOSED, UNKNOWN

pytestmark = pytest.mark.browser

SECRET = "a lecture secret"
EXCEPTION = "[data-testid='stException']"
HEADLINE = "[data-testid='stMarkdownContainer'] strong"
ASSIGNMENT = ('id = "live-demo"\n[[question]]\nid = "relu"\nfunction = "relu(x)"\npoint = "0"\n'
              'prompt = "ReLU at its kink: give the Clarke set."\n')


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    """A server of the app with its own SQLite store and a lecturer's secret; yields its base
    URL, the store's URL and the code of a class made in that store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'lab.sqlite'}"
    with Store(url) as store:
        code = create_class(store, ASSIGNMENT)
    port = app_server.free_port()
    base = f"http://{app_server.HOST}:{port}"
    log_path = ARTIFACTS / f"streamlit-server-{port}.log"
    proc = app_server.start(REPO_ROOT / "serve.py", port, log_path, cwd=REPO_ROOT,
                            env={"CLARKE_LAB_DATABASE_URL": url,
                                 "CLARKE_LAB_LECTURER_SECRET": SECRET})
    try:
        problem = app_server.wait_healthy(proc, base, SERVER_START_TIMEOUT_S)
        if problem:
            pytest.fail(f"Streamlit: {problem}:\n{_log_tail(log_path)}", pytrace=False)
        yield base, url, code
    finally:
        app_server.stop(proc)


def _page(browser, width: int, height: int):
    return browser.new_context(viewport={"width": width, "height": height}).new_page()


def _headline(page) -> str:
    return " ".join(page.locator(HEADLINE).all_inner_texts())


def test_a_student_s_answer_reaches_the_lecturer_s_histogram(live_server, browser,
                                                             screenshot_dir):
    base, url, code = live_server
    lecturer = _page(browser, 1280, 720)
    lecturer.goto(f"{base}/live")
    wait_for_app(lecturer)
    lecturer.get_by_test_id("stExpander").get_by_text("Lecturer", exact=True).click()
    lecturer.get_by_label("Lecturer's secret").fill(SECRET)
    lecturer.get_by_role("button", name="Enter").click()
    lecturer.get_by_role("button", name="Open live").click()
    lecturer.locator("svg.segno").wait_for(timeout=60_000)  # the QR code, inline SVG
    wait_for_app(lecturer, plotly=True)
    with Store(url) as store:
        live = current_live(store, code)
    assert live is not None and live.question == "relu"
    link = lecturer.locator(f"a[href$='?t={live.token}']").first.get_attribute("href")
    assert link == f"{base}/live?t={live.token}"
    assert "0 answers from 0 students" in _headline(lecturer)

    student = _page(browser, 390, 800)
    student.goto(link)
    wait_for_app(student)
    student.get_by_label("Your name").fill("Ann")
    student.get_by_label("Your name").press("Enter")
    student.get_by_label("Your answer").fill("0")
    student.get_by_role("button", name="Send").click()
    feedback = student.locator("[data-testid='stAlertContentWarning']")
    feedback.wait_for(timeout=60_000)
    assert "autodiff" in feedback.inner_text()
    width = student.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the student's page scrolls sideways ({width} px)"
    student.screenshot(path=screenshot_dir / "live_student.png", full_page=True)

    # No reload, no click: the fragment's own rerun brings the answer in.
    lecturer.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].some(e => e.innerText.includes("
        "'1 answer from 1 student'))", arg=HEADLINE, timeout=30_000)
    lecturer.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot text')].some("
        "t => t.textContent === 'one value')", timeout=30_000)
    lecturer.screenshot(path=screenshot_dir / "live_lecturer.png")
    assert lecturer.locator(EXCEPTION).count() == 0 and student.locator(EXCEPTION).count() == 0

    lecturer.get_by_role("button", name="Close").click()
    lecturer.get_by_text("No question of this class is open").wait_for(timeout=60_000)
    student.reload()
    wait_for_app(student)
    student.get_by_text(CLOSED).wait_for(timeout=60_000)
    student.context.close()
    lecturer.context.close()


def test_a_wrong_token_or_secret_is_one_sentence(live_server, browser):
    base, _, _ = live_server
    page = _page(browser, 390, 800)
    page.goto(f"{base}/live?t=NOPE7")
    wait_for_app(page)
    assert page.locator("[data-testid='stAlertContentError']").inner_text() == UNKNOWN
    assert page.get_by_label("Your name").count() == 0
    page.goto(f"{base}/live")
    wait_for_app(page)
    page.get_by_test_id("stExpander").get_by_text("Lecturer", exact=True).click()
    page.get_by_label("Lecturer's secret").fill("not the secret")
    page.get_by_role("button", name="Enter").click()
    page.get_by_text("That is not the lecturer's secret.").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Open live").count() == 0
    assert page.locator(EXCEPTION).count() == 0
    page.context.close()
