"""The "ReLU networks" page, run headless with Streamlit's AppTest."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

PAGE = "../pages/relu_network.py"
TIMEOUT = 60
DEPTH, WIDTH, LR = "relu_network_depth", "relu_network_width", "relu_network_lr"


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_default_network_renders_every_view():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error
    figs = figures(at)
    assert len(figs) == 6
    bars = figs[2]["data"][0]
    assert len(bars["x"]) == 4  # W_1 .. W_4 for depth 3
    norms = figs[3]["data"]
    assert [t["name"] for t in norms] == ["W₁", "W₂", "W₃", "W₄"]
    assert any("relative spread" in c.value for c in at.caption)
    assert at.query_params["depth"] == "3"


def test_changing_depth_and_step_size():
    at = run_page()
    at.slider(key=DEPTH).set_value(2).run()
    at.select_slider(key=LR).set_value(0.1).run()
    assert not at.exception and not at.error
    assert len(figures(at)[2]["data"][0]["x"]) == 3
    assert at.query_params["lr"] == "0.1"


def test_a_link_restores_the_settings_and_ignores_junk():
    at = run_page(depth="2", width="8", lr="0.003")
    assert not at.exception and not at.error
    assert at.slider(key=DEPTH).value == 2 and at.slider(key=WIDTH).value == 8
    at = run_page(depth="__import__('os')", width="1e9", lr="nan")
    assert not at.exception and not at.error
    assert at.slider(key=DEPTH).value == 3 and at.slider(key=WIDTH).value == 16
