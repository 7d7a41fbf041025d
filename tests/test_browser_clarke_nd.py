"""The Clarke lesson for f of 3 or more variables (/clarke?dim=3) in a real headless Chromium: a
deep link draws the Clarke polytope as a Mesh3d with its exact vertices labelled, at 1400 wide
and at 1280x720; a function of 4 variables shows its projection."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_util import wait_for_app

from clarke_core.api import clarke_set
from clarke_core.views import steps

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"
# The traces plotly.js drew, read from the chart's own data (type and labels per trace).
TRACES = """el => el.data.map(t => ({type: t.type, name: t.name || '',
                                    text: Array.from(t.text || [])}))"""


def _open(page, base: str, f: str, at: str) -> None:
    page.goto(f"{base}/clarke?dim=3&f={quote(f)}&at={quote(at)}")
    wait_for_app(page, plotly=True)


def _traces(page, index: int = 0) -> list[dict]:
    return page.locator(".js-plotly-plot").nth(index).evaluate(TRACES)


def _labels(traces: list[dict]) -> list[str]:
    (vertices,) = [t for t in traces if t["name"] == "vertices of ∂f(x₀)"]
    return vertices["text"]


@pytest.mark.parametrize(("f", "at", "name"), [
    ("relu(relu(x + y) - relu(y - z) + relu(z - x) - x/2)", "0, 0, 0", "network"),
    ("abs(x) + abs(y) + abs(z)", "0, 0, 0", "cube"),
])
def test_a_deep_link_draws_the_polytope_with_exact_labels(streamlit_server, page, screenshot_dir,
                                                          f, at, name):
    _open(page, streamlit_server, f, at)
    assert page.get_by_role("radio", name="f of 3+ variables").is_checked()
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    traces = _traces(page)
    assert "mesh3d" in [t["type"] for t in traces]
    expected = sorted(steps.vector([float(c) for c in v], v) for v in clarke_set(f, at).exact)
    assert sorted(_labels(traces)) == expected
    # the labels are drawn as text in the scene, not only kept in the data
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # WebGL draws a moment after the chart appears
    page.screenshot(path=screenshot_dir / f"clarke_nd_{name}_1400.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(1500)
    chart.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / f"clarke_nd_{name}_1280x720.png")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["x"] + box["width"] <= 1280


def test_four_variables_show_a_projection(streamlit_server, page, screenshot_dir):
    _open(page, streamlit_server, "max(x1, x2, x3, x4)", "0, 0, 0, 0")
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    assert page.get_by_text("projection onto (x1, x2, x3)").count() >= 1
    traces = _traces(page, -1)
    assert "mesh3d" in [t["type"] for t in traces]
    assert sorted(_labels(traces)) == ["(0, 0, 0)", "(0, 0, 1)", "(0, 1, 0)", "(1, 0, 0)"]
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.wait_for_timeout(1500)
    page.screenshot(path=screenshot_dir / "clarke_nd_projection.png", full_page=True)
