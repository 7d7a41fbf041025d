"""The lecture check page: every erratum verified live, each with a link to its page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def test_every_erratum_passes():
    at = AppTest.from_file("../app.py", default_timeout=90).run()  # registers the pages
    at.switch_page("app_pages/lecture_check.py")
    at.run()
    assert not at.exception and not at.error
    assert at.metric[0].value == "7 / 7"
    checks = [m.value for m in at.markdown if m.value.startswith((":green", ":red"))]
    assert len(checks) == 7 and all(c.startswith(":green") for c in checks), checks
