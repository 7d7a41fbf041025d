"""The Gradient inclusion page (lecture §4), run headless with Streamlit's AppTest."""

from __future__ import annotations

import json

from page_util import share_url
from streamlit.testing.v1 import AppTest

from clarke_core.views.examples import EXAMPLES_FLOW

PAGE = "../app_pages/gradient_inclusion.py"
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
    # |x| + 2|y| from (1, 0.9): down to y = 0 at t = 9/20, then along it to 0 at t = 1 exactly
    assert len(at.success) == 1 and "$t = 1$ exactly" in at.success[0].value


def test_url_restores_another_example():
    example = EXAMPLES_FLOW[2]
    at = run_page(f=example.expr, at=example.at)
    assert not at.exception, at.exception
    assert not at.error
    # unit speed over a distance √2; the cone is not piecewise affine: an Euler estimate
    assert "t ≈ 1.4" in at.success[0].value and "exactly" not in at.success[0].value


def test_bad_input_gives_one_sentence():
    for f, point in (("abs(x) + 2*abs(y", "1, 1"), ("abs(x) + abs(y)", "1")):
        at = run_page(f=f, at=point)
        assert not at.exception, at.exception
        assert len(at.error) == 1 and not at.get("plotly_chart"), (f, point)
        message = at.error[0].value
        assert message[:1].isupper() and message.rstrip().endswith("."), message


def _figure(at: AppTest) -> tuple[dict, int]:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec), len(chart.proto.spec)


def test_a_url_restores_the_horizon_and_keeps_it():
    at = run_page(f="abs(x) + 2*abs(y)", at="1, 0.9", T="3")
    assert not at.exception and not at.error and not at.warning
    assert at.slider(key="gradient_inclusion_horizon").value == 3.0
    assert at.text_input(key="gradient_inclusion_at").value == "1, 0.9"
    fig, _ = _figure(at)
    assert float(fig["frames"][-1]["name"]) >= 3.0  # the animation runs to the chosen T
    at.slider(key="gradient_inclusion_horizon").set_value(2.0).run()
    assert at.query_params["T"] == "2.0" and at.query_params["f"] == "abs(x) + 2*abs(y)"
    assert "T=2.0" in share_url(at)  # the share box carries the horizon


def test_a_bad_url_horizon_keeps_the_default_with_one_sentence():
    at = run_page(T="1e9")
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "The link's T = '1e9' is not a number from 0.5 to 5, so 1.5 is used instead."]
    assert at.slider(key="gradient_inclusion_horizon").value == 1.5
    assert at.get("plotly_chart")


def test_the_animation_moves_only_its_moving_traces_on_fixed_axes():
    fig, size = _figure(run_page())
    assert size < 1_000_000, size
    moving = set(fig["frames"][0]["traces"])
    assert all(set(f["traces"]) == moving for f in fig["frames"])
    assert len(moving) < len(fig["data"])  # contours, faint runs and the start stay put
    assert all(len(f["data"]) == len(moving) for f in fig["frames"])
    for axis in ("xaxis", "yaxis"):
        assert len(fig["layout"][axis]["range"]) == 2
    labels = [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]]
    assert labels == ["▶ Play", "❚❚ Pause"]
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(fig["frames"])
    assert fig["layout"]["xaxis"]["title"]["text"] == "x"
