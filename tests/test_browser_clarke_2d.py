"""The 2D Clarke page in a real headless Chromium: typing, the animation, the plane slider."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

F_LABEL, AT_LABEL = "f(x, y) =", "at the point (x₀, y₀) ="
EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"


def _enter(page, label: str, text: str, url_part: str) -> None:
    """Type into a text input, press Enter, and wait until the rerun has put it in the URL."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=60_000)
    wait_for_app(page, plotly=True)


def _open(page, url: str) -> None:
    """Go to ``url`` and wait for the page, closing Streamlit's stray "Page not found" modal.

    On the first visit after the server starts, st.navigation apps show that modal over the right
    page (streamlit/streamlit#9992); it makes the inputs under it inert.
    """
    page.goto(url)
    wait_for_app(page)
    stray = page.get_by_role("dialog").filter(has_text="Page not found")
    if stray.count():
        page.keyboard.press("Escape")
        stray.wait_for(state="hidden")


def _tall(page) -> None:
    # Streamlit scrolls inside its own container, so a full-page shot needs a tall viewport.
    page.set_viewport_size({"width": 1400, "height": 4200})


def test_type_a_function_and_play_the_animation(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-2d")
    wait_for_app(page, plotly=True)
    assert page.locator(".js-plotly-plot").count() == 4
    _enter(page, F_LABEL, "max(x, -y) + abs(y)", "f=max%28x%2C+-y%29+%2B+abs%28y%29")
    _enter(page, AT_LABEL, "0, 0", "at=0%2C+0")
    page.wait_for_selector(".js-plotly-plot", state="visible")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(ERROR).count() == 0

    plane = page.locator(".js-plotly-plot").nth(1)  # the gradient plane
    # The slider's current-value text ("step i = 1"); plotly.js 4 no longer gives it its own class.
    current = plane.locator("text", has_text="step i =")
    before = current.text_content()
    plane.locator(".updatemenu-button", has_text="Play").click()
    # the step slider follows the animation frame by frame
    page.wait_for_function("([el, before]) => el.textContent !== before",
                           arg=[current.element_handle(), before], timeout=10_000)
    _tall(page)
    page.screenshot(path=screenshot_dir / "clarke_2d_playing.png", full_page=True)
    assert page.locator(EXCEPTION).count() == 0


def test_example_with_empty_subdifferential(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-2d?f={quote('-abs(x) - abs(y)')}&at={quote('0, 0')}")
    wait_for_app(page, plotly=True)
    assert page.get_by_label(F_LABEL, exact=True).input_value() == "-abs(x) - abs(y)"
    assert page.get_by_text("Why there is no subgradient").is_visible()
    _tall(page)
    page.wait_for_timeout(1500)  # the 3D surface draws last
    page.screenshot(path=screenshot_dir / "clarke_2d_empty.png", full_page=True)
    assert page.locator(EXCEPTION).count() == 0


def test_bad_input_in_the_url_shows_a_sentence(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-2d?f={quote('abs(x) + abs(y)')}&at=banana")
    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text().strip().endswith(".")
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "clarke_2d_error.png", full_page=True)
