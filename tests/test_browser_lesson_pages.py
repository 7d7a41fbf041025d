"""Subgradients, Gradient inclusion, Properties in headless Chromium: drawn, playable, no error."""

from __future__ import annotations

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"


@pytest.mark.parametrize(("path", "title"), [
    ("/subgradients", "Subgradients and subgradient descent"),
    ("/gradient-inclusion", "Gradient inclusion"),
    # its animation (x² sin(1/x)) lives in a lazy tab, opened through the URL
    ("/clarke-properties?section=3.%20Differentiable", "Properties of the Clarke differential"),
])
def test_lesson_page_draws_and_plays(streamlit_server, page, screenshot_dir, path, title):
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.goto(f"{streamlit_server}{path}")
    wait_for_app(page, plotly=True)
    page.get_by_text(title).first.wait_for(state="visible", timeout=60_000)
    play = page.locator(".js-plotly-plot .updatemenu-button").first
    play.click()
    page.wait_for_timeout(1500)
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / f"lesson{path.replace('/', '_')}.png", full_page=True)
