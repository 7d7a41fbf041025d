"""Presentation mode and the narrow and projector layouts in a real headless Chromium:
``?present=1`` collapses the sidebar and survives a page change, ← / → step an animation's
slider, and /clarke?dim=2, /subgradients and /homogeneity fit 1280×720 (sidebar open) and
800×1000 with no sideways scrolling, no cut formula and no modebar over a legend (screenshots
in artifacts/screenshots/present-*.png)."""

from __future__ import annotations

import os

import pytest
from browser_util import share_url, wait_for_app

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid='stSidebar']"
# The step slider's state as plotly holds it, for each animated chart on the page.
SLIDER_STEPS = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".filter(g => g.layout && g.layout.sliders && g.layout.sliders.length)"
                ".map(g => g.layout.sliders[0].active || 0)")
# What does not fit: the page's own width, display formulas wider than their box or than the
# main column, and modebars lying over a legend.
LAYOUT = """() => {
  const main = document.querySelector('[data-testid=stMainBlockContainer]')
    .getBoundingClientRect();
  const overlap = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
    mainScroll: (m => m.scrollWidth - m.clientWidth)(
      document.querySelector('[data-testid=stMain]')),
    cutFormulas: [...document.querySelectorAll('.katex-display')]
      .filter(k => k.scrollWidth > k.clientWidth + 1
                   || k.getBoundingClientRect().right > main.right + 1)
      .map(k => k.textContent.slice(0, 60)),
    setFormulas: [...document.querySelectorAll('.katex-display')]
      .filter(k => k.textContent.includes('∂')).length,
    coveredLegends: [...document.querySelectorAll('.js-plotly-plot')].filter(g => {
      const m = g.querySelector('.modebar'), l = g.querySelector('.legend');
      return m && l && overlap(m.getBoundingClientRect(), l.getBoundingClientRect());
    }).length,
    mainWidth: main.width,
    charts: [...document.querySelectorAll('.js-plotly-plot')]
      .map(g => Math.round(g.getBoundingClientRect().width)),
  };
}"""


@pytest.fixture(scope="module")
def server(request) -> str:
    """The shared test server, or an already running one named by CLARKE_TEST_SERVER."""
    return os.environ.get("CLARKE_TEST_SERVER") or request.getfixturevalue("streamlit_server")


def _open(page, url: str, width: int = 1280, height: int = 720) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    wait_for_app(page, plotly=True)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".every(g => g._fullLayout)", timeout=60_000)


def _collapsed(page) -> bool:
    return page.locator(SIDEBAR).get_attribute("data-collapsed") == "true"


def test_present_1_collapses_the_sidebar_and_is_kept_across_pages(server, page):
    _open(page, f"{server}/homogeneity")
    assert not _collapsed(page)  # 1280 px wide: the sidebar is open by default
    _open(page, f"{server}/clarke?present=1")
    assert _collapsed(page)
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "20px"
    page.get_by_test_id("stExpandSidebarButton").click()
    assert page.get_by_role("switch", name="Presentation mode").is_checked()
    page.get_by_role("link", name="Positive homogeneity").click()
    page.wait_for_url("**/homogeneity?**", timeout=60_000)
    wait_for_app(page, plotly=True)
    assert "present=1" in page.url and "present=1" in share_url(page, "present=1")
    # one figure per screen width: the two charts of the page are stacked, each full width
    layout = page.evaluate(LAYOUT)
    assert len(layout["charts"]) == 2 and min(layout["charts"]) > 0.8 * layout["mainWidth"]


def test_the_arrow_keys_step_the_animation(server, page):
    _open(page, f"{server}/clarke?present=1")
    steps = page.evaluate(SLIDER_STEPS)
    assert steps and steps[0] == 0
    graph = page.locator(".js-plotly-plot").first
    label = graph.locator("text", has_text="step i =")
    assert label.text_content().strip() == "step i = 1"
    page.locator("h1").click()  # the keys belong to the page, not to a text field
    for key, step in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1)):
        page.keyboard.press(key)
        page.wait_for_function(f"() => ({SLIDER_STEPS})()[0] === {step}", timeout=10_000)
        assert label.text_content().strip() == f"step i = {step + 1}"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # stops at the first step
    page.wait_for_function(f"() => ({SLIDER_STEPS})()[0] === 0", timeout=10_000)
    # without presentation mode the arrows are left to the browser
    _open(page, f"{server}/clarke")
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert page.evaluate(SLIDER_STEPS)[0] == 0


@pytest.mark.parametrize("size", [(1280, 720), (800, 1000)], ids=["projector", "narrow"])
@pytest.mark.parametrize("path", ["/clarke?dim=2", "/subgradients", "/homogeneity"],
                         ids=["clarke-2d", "subgradients", "homogeneity"])
def test_pages_fit_a_projector_and_a_narrow_window(server, page, screenshot_dir, path, size):
    width, height = size
    _open(page, f"{server}{path}", width, height)
    assert not _collapsed(page)  # the sidebar is open: the harder case
    for chart in page.locator(".js-plotly-plot").all():  # show each modebar, as a hover does
        chart.hover()
        layout = page.evaluate(LAYOUT)
        assert layout["coveredLegends"] == 0, layout
    assert layout["scrollWidth"] <= layout["innerWidth"] and layout["mainScroll"] <= 0, layout
    assert layout["setFormulas"] >= 1 and layout["cutFormulas"] == [], layout
    # no chart is squeezed into a column: they are stacked, each as wide as the main column
    assert min(layout["charts"]) >= 0.8 * layout["mainWidth"], layout
    name = path.strip("/").replace("?", "-").replace("=", "")
    full = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(full, 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot_dir / f"present-{name}-{width}x{height}.png"))
