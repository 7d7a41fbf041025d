"""The Autodiff vs Clarke page under AppTest, run through the router (it links to itself)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

PAGE = "pages/autodiff_vs_clarke.py"


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
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
