"""The "Positive homogeneity" page, run headless with Streamlit's AppTest (and the real engine)."""

from __future__ import annotations

import pytest
from page_util import figures, page_runner

from clarke_core.examples import EXAMPLES_HOMOGENEITY as EXAMPLES

PAGE = "../pages/positive_homogeneity.py"
TIMEOUT = 60
F, AT, PICK = "homogeneity_f", "homogeneity_at", "homogeneity_example"

run_page = page_runner(PAGE, TIMEOUT)



def test_default_example_renders():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 2
    assert any("degree L = 1" in s.value for s in at.success)
    assert at.query_params["f"] == EXAMPLES[0].expr


@pytest.mark.parametrize("example", [EXAMPLES[1], EXAMPLES[3], EXAMPLES[-1]],
                         ids=lambda e: e.expr)
def test_examples_render(example):
    at = run_page()
    at.selectbox(key=PICK).select(example.label).run()
    assert not at.exception and not at.error
    assert at.text_input(key=F).value == example.expr
    ray, euler = figures(at)
    names = [t.get("name", "") for t in euler["data"]]
    assert any("Clarke set" in n for n in names)
    if example.expr == "x + 1":
        assert len(ray["data"]) == 1  # no α^L f(x) to draw
        assert any("not positively homogeneous" in w.value for w in at.warning)


def test_a_link_restores_a_function():
    at = run_page(f="max(x, y)", at="1, 1")
    assert not at.exception and not at.error
    assert at.text_input(key=F).value == "max(x, y)"
    euler = figures(at)[1]
    assert any("L·f(x) = 1" in t.get("name", "") for t in euler["data"])


@pytest.mark.parametrize(("f", "point"), [("2x +", "0"), ("abs(x)", "1, 2, 3"),
                                           ("__import__('os')", "0")])
def test_bad_input_shows_one_sentence(f, point):
    at = run_page(f=f, at=point)
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.get("plotly_chart")
    message = at.error[0].value
    assert message[:1].isupper() and message.rstrip().endswith("."), message
