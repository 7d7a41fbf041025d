"""Home: the lecture map and a gallery link for every example, each opening its page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_util import wait_for_app
from streamlit.testing.v1 import AppTest

from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D


def test_home_renders_with_a_link_per_example():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception and not at.error
    links = at.get("page_link")
    labels = [link.proto.label for link in links]
    for example in (*EXAMPLES_1D, *EXAMPLES_2D):
        assert example.label in labels
    assert "Lecture check" in labels and "Autodiff vs Clarke" in labels
    relu = next(link for link in links if link.proto.label == EXAMPLES_1D[0].label)
    assert relu.proto.page == "clarke"
    assert relu.proto.query_string == "f=max%280%2C+x%29&at=0&dim=1"


def test_the_home_page_sets_a_local_favicon():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    import app  # noqa: PLC0415 - the router's constant, read after the run above

    assert app.FAVICON.is_file() and app.FAVICON.read_bytes().startswith(b"\x89PNG")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/clarke?dim=1&f=abs(x)&at=0", "/subgradients"])
def test_pages_ask_no_outside_host_for_anything(streamlit_server, page, path):
    """Every request the page makes (scripts, fonts, icons, the favicon, media) goes to the
    app's own loopback server. The favicon of a page with a material icon used to come from
    fonts.gstatic.com. Chromium does not report favicon fetches as page requests, so the
    favicon link's address is checked in the DOM too."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(streamlit_server + path)
    wait_for_app(page, plotly=path != "/")
    page.wait_for_timeout(1500)  # icons and fonts come after the run
    icons = page.eval_on_selector_all("link[rel~='icon']", "links => links.map(l => l.href)")
    assert icons, "no favicon link"
    outside = [u for u in seen + icons
               if urlsplit(u).scheme not in ("data", "blob")
               and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]
    assert seen and not outside, outside
