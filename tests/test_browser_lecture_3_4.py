"""Lecture §3–§4 pages in a real headless Chromium: positive homogeneity and ReLU networks."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_util import open_page, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"


_open = open_page


def test_homogeneity_page_draws_and_checks_euler(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/homogeneity?f={quote('abs(x) + abs(y)')}&at={quote('0, 1')}")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2",
                           timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    assert page.get_by_text("degree L = 1").count() >= 1
    page.screenshot(path=screenshot_dir / "homogeneity_l1_norm.png", full_page=True)

    box = page.get_by_label("f(x) or f(x, y) =", exact=True)
    box.fill("x + 1")
    box.press("Enter")
    page.wait_for_url("**f=x+%2B+1**", timeout=60_000)
    wait_for_app(page, plotly=True)
    assert page.get_by_text("not positively homogeneous").count() >= 1
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "homogeneity_look_alike.png", full_page=True)


def test_relu_network_page_draws_every_chart(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/relu-network?depth=3&width=12&lr=0.03")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    assert page.locator(".js-plotly-plot .heatmaplayer").count() >= 1  # activation patterns
    page.screenshot(path=screenshot_dir / "relu_network.png", full_page=True)
    # the training's tab draws only when opened: the norms, the rates and the key step
    page.get_by_role("tab", name="2. Norms under gradient descent").click()
    page.wait_for_url(re.compile(r"section=2"), timeout=60_000)
    page.get_by_text("relative spread at the end").first.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    assert page.locator(".js-plotly-plot .heatmaplayer").count() == 0
    page.screenshot(path=screenshot_dir / "relu_network_norms.png", full_page=True)
