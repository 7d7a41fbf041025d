"""The Clarke lesson (/clarke) for a function of x in a real headless Chromium: it loads and
draws, Play moves the animation, the share link round-trips, a bad link says what is wrong."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_util import open_page, share_url, wait_for_app

pytestmark = pytest.mark.browser

F_LABEL, AT_LABEL = "f(x) =", "at the point x₀ ="
EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"


def _open(page, url: str, *, plotly: bool = True) -> None:
    """Go to ``url`` and wait for the run (and a drawn chart)."""
    open_page(page, url, plotly=plotly)
    page.get_by_label(F_LABEL, exact=True).wait_for(state="visible")


def _enter(page, label: str, text: str, url_part: str) -> None:
    """Type into a text input, press Enter, and wait until the rerun has put it in the URL."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=60_000)
    wait_for_app(page, plotly=True)


def share_link(page) -> str:
    return share_url(page)


def test_type_a_function_and_play_the_animation(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke")
    assert page.get_by_role("radio", name="f of x (1D)").is_checked()
    assert "dim=1" in page.url
    page.screenshot(path=screenshot_dir / "clarke_1d_default.png", full_page=True)

    _enter(page, F_LABEL, "abs(x - 1)", "f=abs%28x+-+1%29")
    _enter(page, AT_LABEL, "1", "at=1")
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    assert page.get_by_text("How the two sets compare.").is_visible()

    graph = page.locator(".js-plotly-plot").first
    current = graph.locator(".slider-container text").first  # "step i = 1"
    before = current.text_content()
    graph.locator(".updatemenu-button", has_text="Play").click()
    # the slider follows the animation frame by frame
    page.wait_for_function("([el, before]) => el.textContent !== before",
                           arg=[current.element_handle(), before], timeout=10_000)
    page.screenshot(path=screenshot_dir / "clarke_1d_playing.png", full_page=True)
    assert page.locator(EXCEPTION).count() == 0


def test_the_share_link_round_trips(streamlit_server, page, browser, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke?dim=1&f={quote('max(0,x)')}&at=0")
    _enter(page, AT_LABEL, "1/2", "at=1%2F2")
    link = share_link(page)
    assert link.startswith(f"{streamlit_server}/clarke?") and "dim=1" in link, link

    fresh = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
    try:
        _open(fresh, link)
        assert fresh.get_by_label(F_LABEL, exact=True).input_value() == "max(0,x)"
        assert fresh.get_by_label(AT_LABEL, exact=True).input_value() == "1/2"
        assert fresh.get_by_role("radio", name="f of x (1D)").is_checked()
        assert fresh.locator(EXCEPTION).count() == 0
        fresh.screenshot(path=screenshot_dir / "clarke_1d_shared_link.png", full_page=True)
    finally:
        fresh.context.close()


def test_bad_values_in_the_url_say_what_is_wrong(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke?dim=1&f={quote('2x +')}&at=0", plotly=False)
    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text().strip().endswith(".")
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "clarke_1d_error.png", full_page=True)

    _open(page, f"{streamlit_server}/clarke?dim=7&f={quote('abs(x)')}&at=0")
    warning = page.locator("[data-testid='stAlertContentWarning']")
    assert "dim" in warning.inner_text() and "one of 1, 2" in warning.inner_text()
    assert page.get_by_role("radio", name="f of x (1D)").is_checked()


def test_the_old_address_still_opens_the_lesson(streamlit_server, page):
    _open(page, f"{streamlit_server}/clarke-1d?f={quote('abs(x)')}&at=0")
    page.wait_for_url(re.compile(r"/clarke\?.*dim=1"), timeout=60_000)
    assert page.get_by_label(F_LABEL, exact=True).input_value() == "abs(x)"
