"""The 1D Clarke page in a real headless Chromium: typing, the animation, links that restore."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

F_LABEL, AT_LABEL = "f(x) =", "at the point x₀ ="
EXCEPTION = "[data-testid='stException']"


def _open(page, url: str, *, plotly: bool = True) -> None:
    page.set_viewport_size({"width": 1400, "height": 1800})  # the whole page in a screenshot
    page.goto(url)
    wait_for_app(page, plotly=plotly)
    page.get_by_label(F_LABEL, exact=True).wait_for(state="visible")
    # Streamlit 1.67 shows a "Page not found" dialog over the first deep link a fresh server
    # gets (streamlit/streamlit#9624), though it runs the right page; close it if it is there.
    dialog = page.get_by_role("dialog").filter(has_text="Page not found")
    if dialog.count():
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")


def _enter(page, label: str, text: str, url_part: str) -> None:
    """Type into a text input, press Enter, and wait until the rerun has put it in the URL."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=60_000)
    wait_for_app(page, plotly=True)


def test_type_a_function_and_play_the_animation(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-1d")
    page.screenshot(path=screenshot_dir / "clarke_1d_default.png", full_page=True)

    _enter(page, F_LABEL, "abs(x - 1)", "f=abs%28x+-+1%29")
    _enter(page, AT_LABEL, "1", "at=1")
    page.wait_for_selector(".js-plotly-plot", state="visible")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0

    graph = page.locator(".js-plotly-plot").first
    current = graph.locator(".slider-container text").first  # "step i = 1"
    before = current.text_content()
    graph.locator(".updatemenu-button", has_text="Play").click()
    # the slider follows the animation frame by frame
    page.wait_for_function(
        "([el, before]) => el.textContent !== before",
        arg=[current.element_handle(), before], timeout=10_000,
    )
    page.screenshot(path=screenshot_dir / "clarke_1d_playing.png", full_page=True)
    assert page.locator(EXCEPTION).count() == 0


def test_a_shared_link_restores_the_view(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-1d?f={quote('max(0,x)')}&at=0")
    assert page.get_by_label(F_LABEL, exact=True).input_value() == "max(0,x)"
    assert page.get_by_label(AT_LABEL, exact=True).input_value() == "0"
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "clarke_1d_shared_link.png", full_page=True)


def test_bad_input_in_the_url_shows_a_sentence(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-1d?f={quote('2x +')}&at=0", plotly=False)
    error = page.locator("[data-testid='stAlertContentError']")
    error.wait_for(state="visible")
    assert error.inner_text().strip().endswith(".")
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "clarke_1d_error.png", full_page=True)
