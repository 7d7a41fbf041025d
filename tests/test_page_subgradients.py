"""The Subgradients page (lecture §1), run headless with Streamlit's AppTest."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from clarke_core.examples import EXAMPLES_SUBGRADIENTS

PAGE = "../pages/subgradients_page.py"
TIMEOUT = 60
F, AT = "subgradients_f", "subgradients_at"


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_default_renders_the_sweep_and_the_oscillation():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.text_input(key=F).value == EXAMPLES_SUBGRADIENTS[0].expr
    sweep, descent = figures(at)
    assert sweep["frames"] and descent["frames"]
    assert sweep["layout"]["sliders"] and descent["layout"]["updatemenus"]
    # |x| from 1 with η = 0.3: the last iterates swing between 0.1 and -0.2
    assert any("0.1, -0.2" in m.value or "-0.2, 0.1" in m.value for m in at.markdown)


def test_figure_1_shows_the_witnesses():
    at = run_page(f="Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", at="-1")
    assert not at.exception, at.exception
    assert len(at.warning) == 1 and "No subgradient" in at.warning[0].value
    sweep = figures(at)[0]
    witnesses = [t for t in sweep["data"] if t.get("name") == "witness x′"]
    xs = sorted(t["x"][0] for t in witnesses)
    assert len(xs) == 2 and xs[0] < -1 < xs[1]  # one rules slopes out from each side


def test_controls_change_the_run():
    at = run_page()
    at.radio(key="subgradients_schedule").set_value("diminishing").run()
    assert not at.exception, at.exception
    xs = figures(at)[1]["frames"][-1]["data"][0]["x"]
    assert abs(xs[-1]) < 0.1


def test_bad_input_gives_one_sentence():
    at = run_page(f="abs(x", at="0")
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.get("plotly_chart")
    message = at.error[0].value
    assert message[:1].isupper() and message.rstrip().endswith("."), message
