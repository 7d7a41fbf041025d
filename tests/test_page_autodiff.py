"""The Autodiff vs Clarke page under AppTest, run through the router (it links to itself)."""

from __future__ import annotations

from page_util import share_url
from streamlit.testing.v1 import AppTest

PAGE = "app_pages/autodiff_vs_clarke.py"


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60).run()  # registers the pages
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def test_default_program_dependence_example_renders():
    at = run_page()
    assert not at.exception and not at.error
    assert at.text_input(key="autodiff_f").value == "relu(x) - relu(-x)"
    assert any("Outside the Clarke set" in m.value and "PyTorch" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1


def test_a_url_restores_the_function():
    at = run_page(f="abs(x) - abs(x)", at="0")
    assert not at.exception and not at.error
    assert any("Every library's value lies in the Clarke set" in m.value for m in at.markdown)


def test_a_bad_function_gives_one_sentence():
    at = run_page()
    at.text_input(key="autodiff_f").set_value("2x +").run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message[:1].isupper() and message.endswith(".") and "Traceback" not in message


def test_a_url_restores_state_and_the_share_box_carries_it():
    at = run_page(f="max(0, x)", at="0")
    assert not at.exception and not at.error
    assert at.text_input(key="autodiff_f").value == "max(0, x)"
    assert at.text_input(key="autodiff_at").value == "0"
    share = share_url(at)
    assert "f=max%280%2C+x%29" in share and "at=0" in share
    at.text_input(key="autodiff_at").set_value("1").run()
    assert at.query_params["at"] == "1"


def test_a_bad_url_value_gives_one_clear_sentence():
    at = run_page(f="relu(x", at="0")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The brackets do not match at column 5: every ( needs a matching )."]
    assert at.text_input(key="autodiff_f").value == "relu(x"
    assert not at.get("plotly_chart")


def test_the_figure_has_downloads_and_stays_small():
    at = run_page()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download HTML") == 1, labels
    (chart,) = at.get("plotly_chart")
    assert len(chart.proto.spec) < 1_000_000
