"""The ReLU page's "At a kink" section in a real headless Chromium: a link opens it, the input-space
set and the Lemma 3.2 table appear, a place button moves x0, typed weights are read."""

from __future__ import annotations

import re

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"
SECTION = "At a kink: exact Clarke sets of a small network"


def _open(page, url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 3400})
    page.goto(url)
    wait_for_app(page, plotly=True, timeout_ms=180_000)
    # The first tab's three charts, then the section's set figure.
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4",
                           timeout=180_000)


def test_the_section_shows_the_set_and_the_lemma_table(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/relu-network?kink=on&kink_net=a+dead+neuron")
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0
    page.get_by_text(SECTION).scroll_into_view_if_needed()
    assert page.get_by_text("relu′(0) = 1: outside").count() >= 1  # the figure's legend
    assert page.get_by_text("Lemma 3.2 on the whole set").count() >= 1
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    page.screenshot(path=screenshot_dir / "relu_kink_dead_neuron.png", full_page=True)

    page.get_by_role("button", name="on neuron 1's line").click()
    page.wait_for_url(re.compile(r"kink_at=1"), timeout=60_000)
    page.get_by_text("x₀ = (0, 1)").first.wait_for(timeout=120_000)
    wait_for_app(page, plotly=True, timeout_ms=120_000)
    assert page.locator(EXCEPTION).count() == 0 and page.locator(ERROR).count() == 0


def test_typed_weights_are_read_and_bad_ones_refused(streamlit_server, page, screenshot_dir):
    _open(page, f"{streamlit_server}/relu-network?kink=on&kink_net=edit")
    box = page.get_by_label("W₂", exact=True)
    box.fill("1, 1, 1")  # relu(x1) + relu(-x1) + relu(x2) = |x1| + relu(x2)
    box.press("Enter")
    # The rerun may not have started when Enter returns: wait for its result, not for idleness.
    page.get_by_text("conv{(-1, 0), (1, 0), (1, 1), (-1, 1)}").first.wait_for(timeout=120_000)
    wait_for_app(page, plotly=True, timeout_ms=120_000)
    page.get_by_text(SECTION).scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "relu_kink_edit.png", full_page=True)
    box.fill("1, sqrt(2), 1")
    box.press("Enter")
    wait_for_app(page, timeout_ms=120_000)
    page.wait_for_selector(ERROR, timeout=60_000)
    assert "not a rational number" in page.locator(ERROR).first.inner_text()
    assert page.locator(EXCEPTION).count() == 0
