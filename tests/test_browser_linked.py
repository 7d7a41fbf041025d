"""The linked animations keep their pictures (issue 16): the coloured regions and level curves of
the 2D map, and the graph of the 1D lesson, are drawn the same before ▶ Play, after it has run to
the end, and after a click on the step slider."""

from __future__ import annotations

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

# What the picture is made of, counted in the drawn SVG: filled regions and lines of every trace.
COUNT = """(el) => [el.querySelectorAll('.scatterlayer .js-fill').length,
                   el.querySelectorAll('.scatterlayer .js-line').length]"""


def _drawn(chart) -> list[int]:
    return chart.evaluate(COUNT)


@pytest.mark.parametrize("url", ["/clarke?dim=2&f=abs(x)%20%2B%20abs(y)&at=0,%200",
                                 "/clarke?f=abs(x)&at=0"], ids=["2d-map", "1d-graph"])
def test_play_and_the_slider_keep_the_background(streamlit_server, page, screenshot_dir, url):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(streamlit_server + url)
    wait_for_app(page, plotly=True)
    chart = page.locator(".js-plotly-plot").first
    before = _drawn(chart)
    assert before[0] + before[1] > 0
    current = chart.locator("text", has_text="step i =")
    chart.locator(".updatemenu-button", has_text="Play").click()
    # Played to the last step (∞), then the picture is counted again.
    page.wait_for_function("(el) => el.textContent.includes('∞')",
                           arg=current.element_handle(), timeout=60_000)
    page.wait_for_timeout(500)
    after_play = _drawn(chart)
    rail = chart.locator(".slider-rail-touch-rect, .slider-rail-rect").first
    rail.click(force=True, position={"x": 20, "y": 2})  # back near step 1
    page.wait_for_function("(el) => !el.textContent.includes('∞')",
                           arg=current.element_handle(), timeout=30_000)  # the slider moved
    page.wait_for_timeout(500)
    after_slider = _drawn(chart)
    name = url.split("?")[0].strip("/") or "clarke"
    page.screenshot(path=screenshot_dir / f"linked_{name}_{len(before)}.png", full_page=True)
    assert after_play[0] == before[0] and after_slider[0] == before[0], (before, after_play,
                                                                         after_slider)
    assert after_play[1] >= before[1] and after_slider[1] >= before[1]


# The level curves (the first trace) and the plot area, as boxes on the screen.
BOXES = """(el) => {
  const area = el.querySelector('.nsewdrag').getBoundingClientRect();
  const lines = [...el.querySelectorAll('.scatterlayer .trace')[0].querySelectorAll('.js-line')]
      .map(p => p.getBoundingClientRect());
  return {area: [area.left, area.top, area.right, area.bottom],
          lines: [Math.min(...lines.map(b => b.left)), Math.min(...lines.map(b => b.top)),
                  Math.max(...lines.map(b => b.right)), Math.max(...lines.map(b => b.bottom))]};
}"""


@pytest.mark.parametrize("size", [(1400, 900), (800, 1000)], ids=["wide", "narrow"])
def test_gradient_inclusion_keeps_level_curves_that_fill_the_axes(streamlit_server, page,
                                                                  screenshot_dir, size):
    """Its contour became scatter lines (keep_backgrounds): they stay through ▶ Play and a
    slider click, and reach every side of the plot area (equal scales once widened the axes
    past the contour's grid, which then covered only their middle)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(streamlit_server + "/gradient-inclusion")
    wait_for_app(page, plotly=True)
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    before = _drawn(chart)
    boxes = chart.evaluate(BOXES)
    (al, at, ar, ab), (ll, lt, lr, lb) = boxes["area"], boxes["lines"]
    slack = 0.04 * max(ar - al, ab - at)
    assert ll <= al + slack and lr >= ar - slack and lt <= at + slack and lb >= ab - slack, boxes
    current = chart.locator("text", has_text="time t =")
    chart.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("(el) => el.textContent.includes('1.50')",
                           arg=current.element_handle(), timeout=60_000)  # the last frame
    page.wait_for_timeout(500)
    after_play = _drawn(chart)
    rail = chart.locator(".slider-rail-touch-rect, .slider-rail-rect").first
    # a third of the way along: at 800 px the slider's left end sits under ❚❚ Pause
    rail.click(force=True, position={"x": rail.bounding_box()["width"] / 3, "y": 2})
    page.wait_for_function("(el) => !el.textContent.includes('1.50')",
                           arg=current.element_handle(), timeout=30_000)  # the slider moved
    page.wait_for_timeout(500)
    after_slider = _drawn(chart)
    page.screenshot(path=screenshot_dir / f"gradient_inclusion_{size[0]}.png", full_page=True)
    assert before[1] > 20, before  # the level curves are many lines
    assert after_play[1] == before[1] and after_slider[1] == before[1], (before, after_play,
                                                                         after_slider)
    assert chart.evaluate(BOXES) == boxes  # nothing moved the axes or the curves
