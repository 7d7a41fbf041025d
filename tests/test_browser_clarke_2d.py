"""The Clarke lesson (/clarke) for a function of x and y in a real headless Chromium: it loads
and draws, Play moves the animation, the share link round-trips with the plane slider and the
sampling radius, a bad link says what is wrong."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_util import share_url, wait_for_app

pytestmark = pytest.mark.browser

F_LABEL, AT_LABEL = "f(x, y) =", "at the point (x₀, y₀) ="
EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"
SLIDER = "[data-testid='stSlider'] input[type='range']"  # the plane slider (walk)


def _enter(page, label: str, text: str, url_part: str) -> None:
    """Type into a text input, press Enter, and wait until the rerun has put it in the URL."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=60_000)
    wait_for_app(page, plotly=True)


def _open(page, url: str, *, plotly: bool = True) -> None:
    """Go to ``url`` and wait for the page (and a drawn chart)."""
    page.goto(url)
    wait_for_app(page, plotly=plotly)


def _tall(page) -> None:
    # Streamlit scrolls inside its own container, so a full-page shot needs a tall viewport.
    page.set_viewport_size({"width": 1400, "height": 3600})


def share_link(page) -> str:
    return share_url(page)


def test_type_a_function_and_play_the_animation(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke?dim=2")
    assert page.get_by_role("radio", name="f of x and y (2D)").is_checked()
    # One linked figure (map, gradient plane and table under one slider); the explorations
    # open on request.
    assert page.locator(".js-plotly-plot").count() == 1
    _enter(page, F_LABEL, "max(x, -y) + abs(y)", "f=max%28x%2C+-y%29+%2B+abs%28y%29")
    _enter(page, AT_LABEL, "0, 0", "at=0%2C+0")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(ERROR).count() == 0

    plane = page.locator(".js-plotly-plot").first  # the linked map and gradient plane
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


def test_the_share_link_round_trips_with_the_controls(streamlit_server, page, browser,
                                                      screenshot_dir):
    f, point = "-abs(x) - abs(y)", "0, 0"
    _open(page, f"{streamlit_server}/clarke?dim=2&f={quote(f)}&at={quote(point)}&walk=0.5"
                "&eps=0.01&planes=true")
    page.get_by_text("What gradient sampling sees").click()  # opens the lazy section
    page.wait_for_url(re.compile("sampling=true"), timeout=60_000)
    wait_for_app(page, plotly=True)
    assert page.get_by_text("Why there is no subgradient").is_visible()
    assert float(page.locator(SLIDER).input_value()) == 0.5
    link = share_link(page)
    for part in ("dim=2", "walk=0.5", "eps=0.01", "view=map", "planes=true", "sampling=true"):
        assert part in link, (part, link)
    _tall(page)
    page.screenshot(path=screenshot_dir / "clarke_2d_empty.png", full_page=True)

    fresh = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    try:
        _open(fresh, link)
        assert fresh.get_by_label(F_LABEL, exact=True).input_value() == f
        assert fresh.get_by_label(AT_LABEL, exact=True).input_value() == point
        assert fresh.get_by_role("radio", name="f of x and y (2D)").is_checked()
        assert float(fresh.locator(SLIDER).input_value()) == 0.5
        assert fresh.get_by_role("radio", name="ε = 0.01").is_checked()
        assert fresh.locator(".js-plotly-plot").count() == 3, "both explorations open again"
        assert fresh.locator(EXCEPTION).count() == 0
    finally:
        fresh.context.close()


def test_bad_values_in_the_url_say_what_is_wrong(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/clarke?dim=2&f={quote('abs(x) + abs(y)')}&at=banana",
          plotly=False)
    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text().strip().endswith(".")
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=screenshot_dir / "clarke_2d_error.png", full_page=True)

    _open(page, f"{streamlit_server}/clarke?dim=2&f={quote('abs(x) + abs(y)')}"
                f"&at={quote('0, 0')}&walk=9&planes=true")
    warning = page.locator("[data-testid='stAlertContentWarning']")
    assert "walk" in warning.inner_text() and "from 0 to 1" in warning.inner_text()
    assert float(page.locator(SLIDER).input_value()) == 0
