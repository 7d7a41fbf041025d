"""The Gradient inclusion page (lecture §4), run headless with Streamlit's AppTest."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from clarke_core.examples import EXAMPLES_FLOW

PAGE = "../pages/gradient_inclusion.py"
TIMEOUT = 60


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_default_renders_the_flow_and_the_steps():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.text_input(key="gradient_inclusion_f").value == EXAMPLES_FLOW[0].expr
    (chart,) = at.get("plotly_chart")
    fig = json.loads(chart.proto.spec)
    names = {t.get("name") for t in fig["data"]}
    assert {"steps η = 0.3", "steps η = 0.1", "steps η = 0.02"} <= names
    assert fig["frames"] and fig["layout"]["sliders"]
    assert len(chart.proto.spec) < 1_000_000
    assert len(at.success) == 1 and "t ≈ 0.98" in at.success[0].value


def test_url_restores_another_example():
    example = EXAMPLES_FLOW[2]
    at = run_page(f=example.expr, at=example.at)
    assert not at.exception, at.exception
    assert not at.error
    assert "t ≈ 1.4" in at.success[0].value  # unit speed over a distance √2


def test_bad_input_gives_one_sentence():
    for f, point in (("abs(x) + 2*abs(y", "1, 1"), ("abs(x) + abs(y)", "1")):
        at = run_page(f=f, at=point)
        assert not at.exception, at.exception
        assert len(at.error) == 1 and not at.get("plotly_chart"), (f, point)
        message = at.error[0].value
        assert message[:1].isupper() and message.rstrip().endswith("."), message
