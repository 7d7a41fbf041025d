"""Subgradients (1D lines, 2D planes) and Properties in headless Chromium: the chart is drawn,
▶ Play advances the animation, and the share link reopens the same inputs and controls."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_util import open_page, share_url, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
SLIDER_VALUE = ".slider-group > text.slider-label"  # plotly's "current value" of the slider


def _open(page, url: str) -> None:
    open_page(page, url, height=1400)
    assert page.locator(EXCEPTION).count() == 0


def _play_advances(page, chart_index: int = 0) -> None:
    chart = page.locator(".js-plotly-plot").nth(chart_index)
    chart.scroll_into_view_if_needed()
    value = chart.locator(SLIDER_VALUE).first
    before = value.text_content()
    chart.locator(".updatemenu-button").first.click()  # ▶ Play
    page.wait_for_function(
        "([el, before]) => el.textContent !== before", arg=[value.element_handle(), before],
        timeout=30_000)
    assert value.text_content() != before


def _share_link(page) -> str:
    return share_url(page, "f=")


def _input(page, label: str) -> str:
    return page.locator(f"input[aria-label='{label}']").input_value()


def test_subgradients_2d_plane_sweep_plays_and_the_share_link_round_trips(
        streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/subgradients?f=abs(x)%20%2B%20abs(y)&at=0,%200&path=90")
    page.get_by_role("radio", name="vertical").wait_for(state="visible")  # the planes' path
    assert page.locator(".js-plotly-plot .gl-container canvas, .js-plotly-plot canvas").count()
    _play_advances(page)
    page.screenshot(path=screenshot_dir / "subgradients_2d.png")
    link = _share_link(page)
    query = parse_qs(urlsplit(link).query)
    assert query["f"] == ["abs(x) + abs(y)"] and query["path"] == ["90"]
    page.goto(link)
    wait_for_app(page, plotly=True)
    assert _input(page, "f(x) or f(x, y) =") == "abs(x) + abs(y)"
    assert _input(page, "at the point p =") == "0, 0"
    assert page.get_by_role("radio", name="vertical").is_checked()


def test_subgradients_1d_descent_controls_round_trip(streamlit_server, page):
    _open(page, f"{streamlit_server}/subgradients?f=abs(x)&at=0&x0=2&eta=0.25&steps=20"
                "&schedule=diminishing&choice=largest&section=2.%20Subgradient%20descent")
    page.get_by_text("Last iterates").wait_for(state="visible")  # the descent tab is open
    _play_advances(page)
    query = parse_qs(urlsplit(_share_link(page)).query)
    assert query["section"] == ["2. Subgradient descent"]
    assert (query["x0"], query["eta"], query["steps"]) == (["2.0"], ["0.25"], ["20"])
    assert (query["schedule"], query["choice"]) == (["diminishing"], ["largest"])
    page.goto(_share_link(page))
    wait_for_app(page, plotly=True)
    assert _input(page, "Start x₀") == "2.000" and _input(page, "Step size η₀") == "0.250"
    assert page.get_by_role("radio", name="diminishing η_t = η₀/√(t+1)").is_checked()
    assert page.get_by_role("radio", name="largest slope").is_checked()


def test_properties_page_draws_plays_and_keeps_the_radius(streamlit_server, page,
                                                          screenshot_dir):
    _open(page, f"{streamlit_server}/clarke-properties?f=abs(x)&at=0&r=0.5")
    page.get_by_text("Properties of the Clarke differential").first.wait_for(state="visible")
    page.get_by_text("[x₀ − 0.5, x₀ + 0.5]").wait_for(state="visible")
    page.get_by_role("tab", name="3. Differentiable").click()  # a lazy tab: drawn on opening
    page.get_by_text("Erratum 4.").wait_for(state="visible")
    wait_for_app(page, plotly=True)
    _play_advances(page)  # the x² sin(1/x) animation
    page.screenshot(path=screenshot_dir / "properties.png")
    link = _share_link(page)
    query = parse_qs(urlsplit(link).query)
    assert query["r"] == ["0.5"] and query["section"] == ["3. Differentiable"]
    page.goto(link)
    wait_for_app(page, plotly=True)
    assert _input(page, "f(x) =") == "abs(x)"
    assert page.get_by_role("tab", name="3. Differentiable").get_attribute(
        "aria-selected") == "true"
    page.get_by_role("tab", name="1. Locally Lipschitz").click()
    page.get_by_text("[x₀ − 0.5, x₀ + 0.5]").wait_for(state="visible")
