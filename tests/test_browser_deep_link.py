"""A first deep link on a freshly started server opens its page cleanly (no "Page not found")."""

from __future__ import annotations

import time

import pytest
from browser_util import wait_for_app

pytestmark = pytest.mark.browser

NOT_FOUND = "Page not found"


def test_a_fresh_servers_first_deep_link_shows_no_page_not_found(fresh_streamlit_server, page):
    # With the pages in a folder named pages/, Streamlit 1.67 showed this dialog over the right
    # page here (streamlit#9624); app_pages/ is not scanned, so the router alone decides.
    page.goto(f"{fresh_streamlit_server}/homework")
    wait_for_app(page)
    page.get_by_text("Your answer").first.wait_for(state="visible")
    time.sleep(1.0)  # the dialog, when it came, came just after the first run
    assert page.get_by_text(NOT_FOUND).count() == 0
    assert page.get_by_role("dialog").count() == 0
    # The old address of the 1D lesson still opens the lesson, also as a first visit.
    page.goto(f"{fresh_streamlit_server}/clarke-1d?f=abs(x)&at=0")
    page.wait_for_url("**/clarke?*", timeout=60_000)
    wait_for_app(page, plotly=True)
    assert "dim=1" in page.url and page.get_by_text(NOT_FOUND).count() == 0
