"""Homogeneity, ReLU networks, Gradient inclusion, Autodiff, Homework in headless Chromium: each
page loads and draws, Play advances the animation where there is one, and a shared link (the share
box, or the address bar where a page has no share box) opened in a fresh browser context restores
the controls."""

from __future__ import annotations

import re

import pytest
from browser_util import open_page, share_url, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
SLIDER_VALUE = "[data-testid='stSliderThumbValue']"


_open = open_page


def _fresh(browser, url: str, *, plotly: bool = True):
    """``url`` in a new browser context (no cookies, no session): what a classmate sees."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    _open(page, url, plotly=plotly)
    return context, page


def _type(page, label: str, text: str, param: str) -> None:
    """Type ``text`` into the field ``label`` and wait until the URL's ``param`` holds it (the
    rerun has happened), so that the next action does not race it."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_function("([k, v]) => new URLSearchParams(location.search).get(k) === v",
                           arg=[param, text], timeout=60_000)
    wait_for_app(page)


def _share_link(page, must_contain: str) -> str:
    return share_url(page, must_contain)


def _no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0


def _play_advances(page) -> None:
    """▶ Play on the first chart moves its slider's value (the first .slider-label)."""
    current = page.locator(".js-plotly-plot .slider-label").first
    before = current.text_content()
    page.locator(".js-plotly-plot .updatemenu-button").first.click()  # ▶ Play
    page.wait_for_function(
        "t => document.querySelector('.js-plotly-plot .slider-label').textContent != t",
        arg=before, timeout=20_000)
    assert current.text_content() != before


def test_gradient_inclusion_plays_and_its_link_round_trips(streamlit_server, browser, page,
                                                           screenshot_dir):
    _open(page, f"{streamlit_server}/gradient-inclusion")
    _play_advances(page)
    _no_exception(page)
    # change the example and the horizon, then open the share box's link in a fresh context
    _type(page, "starting at (x, y) =", "1, -0.8", "at")
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")  # T: 1.5 -> 2.0
    wait_for_app(page, plotly=True)
    link = _share_link(page, "T=2.0")
    assert "at=1%2C+-0.8" in link
    context, fresh = _fresh(browser, link)
    try:
        assert fresh.get_by_label("starting at (x, y) =", exact=True).input_value() == "1, -0.8"
        assert fresh.locator(SLIDER_VALUE).first.inner_text() == "2.00"
        _no_exception(fresh)
        fresh.screenshot(path=screenshot_dir / "round_trip_gradient_inclusion.png")
    finally:
        context.close()


def test_homogeneity_plays_and_its_link_round_trips(streamlit_server, browser, page,
                                                    screenshot_dir):
    _open(page, f"{streamlit_server}/homogeneity")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2",
                           timeout=60_000)
    _play_advances(page)  # α walks along the ray
    _type(page, "f(x) or f(x, y) =", "x*y**2", "f")
    _type(page, "at the point x =", "1, -1", "at")
    link = _share_link(page, "at=1%2C+-1")
    assert "f=x%2Ay%2A%2A2" in link
    context, fresh = _fresh(browser, link)
    try:
        assert fresh.get_by_label("f(x) or f(x, y) =", exact=True).input_value() == "x*y**2"
        assert fresh.get_by_label("at the point x =", exact=True).input_value() == "1, -1"
        fresh.get_by_text("degree L = 3").first.wait_for(state="visible", timeout=60_000)
        _no_exception(fresh)
        fresh.screenshot(path=screenshot_dir / "round_trip_homogeneity.png")
    finally:
        context.close()


def test_relu_network_address_round_trips(streamlit_server, browser, page, screenshot_dir):
    _open(page, f"{streamlit_server}/relu-network?depth=2&width=8&seed=3")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=60_000)
    width = page.get_by_role("slider").nth(1)
    width.focus()
    page.keyboard.press("ArrowRight")  # width 8 -> 9
    page.wait_for_url(re.compile(r"width=9"), timeout=60_000)
    wait_for_app(page, plotly=True)
    context, fresh = _fresh(browser, page.url)
    try:
        fresh.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3",
                                timeout=60_000)
        assert fresh.locator(SLIDER_VALUE).all_inner_texts()[:2] == ["2", "9"]
        assert fresh.get_by_label("seed", exact=True).input_value() == "3"
        _no_exception(fresh)
        fresh.screenshot(path=screenshot_dir / "round_trip_relu_network.png")
    finally:
        context.close()


def test_autodiff_link_round_trips(streamlit_server, browser, page, screenshot_dir):
    _open(page, f"{streamlit_server}/autodiff")
    _type(page, "f(x) =", "abs(x) - abs(x)", "f")
    link = _share_link(page, "abs%28x%29+-+abs%28x%29")
    context, fresh = _fresh(browser, link)
    try:
        assert fresh.get_by_label("f(x) =", exact=True).input_value() == "abs(x) - abs(x)"
        fresh.get_by_text("Every library's value lies in the Clarke set").wait_for(
            state="visible", timeout=60_000)
        _no_exception(fresh)
        fresh.screenshot(path=screenshot_dir / "round_trip_autodiff.png")
    finally:
        context.close()


def test_homework_address_round_trips(streamlit_server, browser, page, screenshot_dir):
    _open(page, f"{streamlit_server}/homework", plotly=False)
    page.get_by_text("Your answer").first.wait_for(state="visible", timeout=60_000)
    page.get_by_label("Show").click()
    page.get_by_role("option", name="membership").click()
    page.wait_for_url(re.compile(r"kind=member"), timeout=60_000)
    wait_for_app(page)
    context, fresh = _fresh(browser, page.url, plotly=False)
    try:
        fresh.get_by_text("Your answer").first.wait_for(state="visible", timeout=60_000)
        assert fresh.locator("[data-testid='stForm']").count() == 1
        assert fresh.get_by_label("Show").input_value() == "membership"
        _no_exception(fresh)
        fresh.screenshot(path=screenshot_dir / "round_trip_homework.png")
    finally:
        context.close()
