"""Home, Autodiff vs Clarke and Lecture check in a real headless Chromium: no exception."""

from __future__ import annotations

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"


@pytest.mark.parametrize(("path", "shot", "text"), [
    ("", "home.png", "Example gallery"),
    ("/autodiff", "autodiff.png", "Conventions at a kink"),
    ("/lecture-check", "lecture_check.png", "Errata confirmed by the app"),
])
def test_page_opens_without_exception(streamlit_server, page, screenshot_dir, path, shot, text):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{streamlit_server}{path}")
    wait_for_app(page)
    page.get_by_text(text).first.wait_for(state="visible", timeout=60_000)
    if path == "/autodiff":
        page.wait_for_selector(".js-plotly-plot", state="visible", timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / shot, full_page=True)
