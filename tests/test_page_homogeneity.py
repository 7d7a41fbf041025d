"""The "Positive homogeneity" page, run headless with Streamlit's AppTest (and the real engine)."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from page_util import assert_refused, figures, markdown_rows, page_runner, share_url

from clarke_core.views.examples import EXAMPLES_HOMOGENEITY as EXAMPLES

PAGE = "../app_pages/positive_homogeneity.py"
TIMEOUT = 60
F, AT, PICK = "homogeneity_f", "homogeneity_at", "homogeneity_example"

run_page = page_runner(PAGE, TIMEOUT)


def numbers(field) -> np.ndarray:
    """A Plotly data field as numbers: a plain list, or {"dtype", "bdata"} (base64)."""
    if isinstance(field, dict):
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
    return np.asarray(field, dtype=float)


def ray_caption_of(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Blue: f at the points αx."))


@pytest.mark.parametrize(("f", "point"), [("abs(x) + abs(y)", "0, 1"), ("x + 1", "1"),
                                           ("max(x, 1)", "2"), ("relu(x)", "0"),
                                           ("x*y**2", "1, -1")])
def test_the_ray_caption_describes_the_traces_drawn(f, point):
    at = run_page(f=f, at=point)
    assert not at.exception and not at.error
    ray = figures(at)[0]
    dashed = [t for t in ray["data"] if t.get("line", {}).get("dash") == "dash"]
    caption = ray_caption_of(at)
    assert ("Dashed:" in caption) == bool(dashed), (caption, [t.get("name") for t in dashed])
    if dashed:  # the caption names the dashed curve by its legend name
        assert f"Dashed: {dashed[0]['name']}." in caption
        blue = next(t for t in ray["data"] if t.get("name") == "f(αx)")
        assert np.allclose(numbers(blue["y"]), numbers(dashed[0]["y"]))




def test_default_example_renders():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 2
    assert any("degree L = 1" in s.value for s in at.success)
    assert at.query_params["f"] == EXAMPLES[0].expr
    # the default shows the identity: f changes along its ray (not a flat line at 0), and the
    # Clarke set there is a whole segment on the line ⟨s, x⟩ = L f(x)
    ray, euler = figures(at)
    along = numbers(next(t for t in ray["data"] if t.get("name") == "f(αx)")["y"])
    assert np.ptp(along) >= 1
    lo, hi = ray["layout"]["yaxis"]["range"]
    assert hi - lo >= np.ptp(along)
    assert any(t.get("name") == "Clarke set ∂f(x)" for t in euler["data"])
    assert any(r["vertex s"] == "(-1, 1)" for r in markdown_rows(at, "vertex s"))
    assert not at.dataframe  # Markdown: the page loads no Arrow reader before its charts


def test_a_flat_ray_gets_a_readable_axis():
    at = run_page(f="relu(x)", at="0")
    lo, hi = figures(at)[0]["layout"]["yaxis"]["range"]
    assert hi - lo >= 2  # was ±0.08 around a flat line


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
        assert [t["name"] for t in ray["data"]] == ["f(αx)", "f(αx) now"]  # no α^L f(x)
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


def test_a_url_restores_state_and_the_share_box_carries_it():
    at = run_page(f="x*y**2", at="1, -1")
    assert not at.exception and not at.error and not at.warning
    assert at.text_input(key=F).value == "x*y**2" and at.text_input(key=AT).value == "1, -1"
    assert at.selectbox(key=PICK).value == "a monomial"
    assert any("degree L = 3" in s.value for s in at.success)
    share = share_url(at)
    assert "f=x%2Ay%2A%2A2" in share and "at=1%2C+-1" in share


def test_a_bad_url_value_gives_one_clear_sentence():
    at = run_page(f="abs(x", at="0")
    message = assert_refused(at)
    assert at.text_input(key=F).value == "abs(x"  # shown as typed, never run as code
    assert "brackets do not match" in message, message


def test_main_figures_have_downloads_and_stay_small():
    at = run_page(f="abs(x) + abs(y)", at="0, 1")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download HTML") == 2, labels
    for chart in at.get("plotly_chart"):
        assert len(chart.proto.spec) < 1_000_000
    ray, euler = figures(at)
    assert ray["layout"]["xaxis"]["title"]["text"] == "α"
    assert euler["layout"]["xaxis"]["title"]["text"] == "s₁"


def test_the_ray_animation_moves_only_the_dots_on_fixed_axes():
    at = run_page(f="max(x, 2*y) - min(x, y)", at="2, 1")
    ray = figures(at)[0]
    assert [t["name"] for t in ray["data"]] == ["f(αx)", "α¹ f(x)", "f(αx) now", "α¹ f(x) now"]
    assert len(ray["frames"]) == 31
    assert all(f["traces"] == [2, 3] and len(f["data"]) == 2 for f in ray["frames"])
    assert ray["layout"]["xaxis"]["range"] == [0.0, 3.0]
    assert len(ray["layout"]["yaxis"]["range"]) == 2
    buttons = ray["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["▶ Play", "❚❚ Pause"]
    assert ray["layout"]["sliders"][0]["currentvalue"]["prefix"] == "α = "
    # the dots sit on f(αx) and α f(x): at α = 3 both are 3 f(x) = 3 (max(2, 2) - min(2, 1))
    last = ray["frames"][-1]["data"]
    assert last[0]["y"] == last[1]["y"] == [3.0]
