"""Helpers for real-browser tests (import as `from browser_util import wait_for_app`)."""

from __future__ import annotations

APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PLOTLY_CHART = ".js-plotly-plot"


def wait_for_app(page, *, plotly: bool = False, timeout_ms: float = 60_000) -> None:
    """Wait until the Streamlit script has finished a run (and, if asked, a chart is drawn).

    Before its first run Streamlit marks the app "initial", not "notRunning", so this cannot
    pass on a page that has not run yet. After a click or an input, call it again: it waits
    for that rerun to finish. Plotly charts are drawn a moment after the run ends.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_ms)
    if plotly:
        page.wait_for_selector(PLOTLY_CHART, state="visible", timeout=timeout_ms)


def open_page(page, url: str, *, plotly: bool = True, height: int = 1800) -> None:
    """Go to ``url`` in a tall viewport (most of a page in one screenshot) and wait for the run
    to finish (and, by default, a chart to be drawn)."""
    page.set_viewport_size({"width": 1400, "height": height})
    page.goto(url)
    wait_for_app(page, plotly=plotly)


SHARE_LINK = "[data-testid='stMarkdownContainer'] a[href*='?']"


def share_url(page, must_contain: str = "") -> str:
    """The link in the page's share box (``ui.share_link``), once it holds ``must_contain``."""
    page.wait_for_function(
        "([sel, part]) => [...document.querySelectorAll(sel)].some("
        "e => e.getAttribute('href').includes(part))", arg=[SHARE_LINK, must_contain],
        timeout=60_000)
    hrefs = [a.get_attribute("href") for a in page.locator(SHARE_LINK).all()]
    return [h for h in hrefs if must_contain in h][-1]
