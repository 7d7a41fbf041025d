"""The homework page in a real headless Chromium: answer a question, see the feedback."""

from __future__ import annotations

import pytest
from browser_util import open_page

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"


def _open(page, url: str) -> None:
    open_page(page, url, plotly=False)
    page.get_by_text("Your answer").first.wait_for(state="visible")


def test_answer_a_question_and_see_feedback(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/homework")
    page.screenshot(path=screenshot_dir / "homework_default.png", full_page=True)
    forms = page.locator("[data-testid='stForm']")
    first = forms.nth(0)
    box = first.get_by_label("Your answer")
    box.fill("0")
    first.get_by_role("button", name="Check").click()
    warning = page.locator("[data-testid='stAlertContentWarning']").first
    warning.wait_for(state="visible", timeout=60_000)
    assert "autodiff" in warning.inner_text()
    box.fill("[0, 1]")
    first.get_by_role("button", name="Check").click()
    success = page.locator("[data-testid='stAlertContentSuccess']").first
    success.wait_for(state="visible", timeout=60_000)
    assert success.inner_text().startswith("Right")
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "homework_feedback.png", full_page=True)
