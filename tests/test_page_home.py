"""Home: the lecture map and a gallery link for every example, each opening its page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from clarke_core.examples import EXAMPLES_1D, EXAMPLES_2D


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
