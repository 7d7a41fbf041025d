"""The Subgradients page (lecture §1), run headless with Streamlit's AppTest."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
from streamlit.testing.v1 import AppTest

from clarke_core import subdifferential
from clarke_core.views.examples import EXAMPLES_SUBGRADIENTS
from clarke_core.views.steps import exact_number
from clarke_core.views.sweep_2d import witness_sentence

PAGE = "../app_pages/subgradients_page.py"
TIMEOUT = 60
F, AT = "subgradients_f", "subgradients_at"
DESCENT = "2. Subgradient descent"  # the lazy tab, opened through the URL (section=...)


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
    (sweep,) = figures(at)  # the descent tab waits until it is opened
    assert sweep["frames"] and sweep["layout"]["sliders"]
    at = run_page(section=DESCENT)
    assert not at.exception, at.exception
    (descent,) = figures(at)
    assert descent["frames"] and descent["layout"]["updatemenus"]
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


def test_figure_1_every_witness_sentence_is_the_computed_one():
    # caption, warning and chart labels once named different witnesses (x′ = 1 ⇒ s ≤ 0 against
    # x′ = 0 ⇒ s ≤ -1); every witness mention must come from the computed DifferentialSet
    figure_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
    at = run_page(f=figure_1, at="-1")
    assert not at.exception, at.exception
    computed = subdifferential(figure_1, "-1").witnesses
    assert computed
    sentences = {witness_sentence(w) for w in computed}
    drawn = {witness_sentence(w, exact_number) for w in computed}  # the chart's minus sign −
    sweep = figures(at)[0]
    labels = [t["text"][0] for t in sweep["data"] if t.get("name") == "witness x′"]
    texts = [c.value for c in at.caption] + [w.value for w in at.warning] + labels
    mentioned = {m for text in texts for m in re.findall(r"[xq][′'] = \S+", text)}
    allowed = {re.match(r"[xq][′'] = \S+", s).group(0) for s in sentences | drawn}
    assert mentioned <= allowed, (mentioned, allowed)
    assert set(labels) == drawn
    assert all(s in at.warning[0].value for s in sentences)


def test_controls_change_the_run():
    at = run_page(section=DESCENT)
    at.radio(key="subgradients_schedule").set_value("diminishing").run()
    assert not at.exception, at.exception
    xs = figures(at)[0]["frames"][-1]["data"][0]["x"]
    assert abs(xs[-1]) < 0.1


def test_bad_input_gives_one_sentence():
    at = run_page(f="abs(x", at="0")
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.get("plotly_chart")
    message = at.error[0].value
    assert message[:1].isupper() and message.rstrip().endswith("."), message


# --- the 2D plane sweep and the controls kept in the URL -------------------------------------


def _s(label: str) -> tuple[float, float]:
    """s read back from a step label: "(−1/8, 0): …" or "≈ (0.7071, 0.7071): …" (U+2212)."""
    inside = label[label.index("(") + 1:label.index(")")].replace("−", "-")
    a, b = (float(Fraction(v.strip())) for v in inside.split(","))
    return a, b


def test_a_function_of_x_and_y_gets_the_plane_sweep():
    at = run_page(f="abs(x) + abs(y)", at="0, 0")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.radio(key="subgradients_path").value == "auto"
    (sweep,) = figures(at)
    assert "scene" in sweep["layout"] and any(t["type"] == "surface" for t in sweep["data"])
    moving = sweep["frames"][0]["traces"]
    assert len(moving) == 3 and all(f["traces"] == moving for f in sweep["frames"])
    assert all(len(f["data"]) == 3 for f in sweep["frames"])  # the plane, the bar, the marker
    steps = sweep["layout"]["sliders"][0]["steps"]
    assert len(steps) == len(sweep["frames"]) >= 20
    assert all(s["args"][1]["frame"]["redraw"] for s in steps)  # 3D needs a redraw per frame
    assert len(json.dumps(sweep)) <= 1_000_000
    at = run_page(f="abs(x) + abs(y)", at="0, 0", section=DESCENT)
    assert not figures(at)  # descent stays 1D: a sentence instead of a chart
    assert any("functions of x only" in i.value for i in at.info)


def test_plane_verdicts_on_the_page_match_the_exact_square():
    # |x| + |y| at 0: the subdifferential is [-1, 1]²; a plane supports exactly for s in it
    for path in ("auto", "45", "90"):
        at = run_page(f="abs(x) + abs(y)", at="0, 0", path=path)
        labels = [s["label"] for s in figures(at)[0]["layout"]["sliders"][0]["steps"]]
        seen = set()
        for label in labels:
            s1, s2 = _s(label)
            inside = max(abs(s1), abs(s2)) <= 1 + 1e-9
            assert ("supporting plane" in label) == inside, label
            seen.add(inside)
        assert seen == {True, False}  # the path goes through the set and out of it


def test_no_supporting_plane_for_minus_l1_and_its_farkas_witnesses():
    at = run_page(f="-abs(x) - abs(y)", at="0, 0")
    assert not at.exception, at.exception
    assert len(at.warning) == 1 and "No subgradient" in at.warning[0].value
    sweep = figures(at)[0]
    labels = [s["label"] for s in sweep["layout"]["sliders"][0]["steps"]]
    assert labels and all("crosses f" in label for label in labels)
    (wit,) = [t for t in sweep["data"] if t.get("name") == "witnesses q′"]
    q = np.column_stack([wit["x"], wit["y"]])
    gaps = np.asarray(wit["z"]) - 0.0  # f(q) - f(p), p = 0 and f(p) = 0
    # Farkas: weights λ >= 0, Σλ = 1, with Σλ q = 0 and Σλ (f(q) - f(p)) < 0 rule out every s
    system = np.vstack([q.T, np.ones(len(q))])
    lam, *_ = np.linalg.lstsq(system, np.array([0.0, 0.0, 1.0]), rcond=None)
    assert np.allclose(system @ lam, [0, 0, 1]) and np.all(lam >= -1e-12)
    assert lam @ gaps < 0
    assert any(t.get("name", "").startswith("ruled out by q′") for t in sweep["data"])


def test_the_url_restores_the_2d_function_and_every_control():
    at = run_page(f="max(x, y)", at="0, 0", path="45")
    assert not at.exception, at.exception
    assert (at.text_input(key=F).value, at.text_input(key=AT).value) == ("max(x, y)", "0, 0")
    assert at.radio(key="subgradients_path").value == "45" and not at.warning
    at = run_page(x0="2", eta="0.25", schedule="diminishing", steps="20", choice="largest",
                  section=DESCENT)
    assert not at.exception, at.exception
    assert at.number_input(key="subgradients_start").value == 2.0
    assert at.number_input(key="subgradients_eta").value == 0.25
    assert at.radio(key="subgradients_schedule").value == "diminishing"
    assert at.slider(key="subgradients_steps").value == 20
    assert at.radio(key="subgradients_choice").value == "largest"
    assert len(figures(at)[0]["frames"]) == 21  # 20 steps and the start
    at.slider(key="subgradients_steps").set_value(30).run()
    assert at.query_params["steps"] in ("30", ["30"])
    assert at.query_params["choice"] in ("largest", ["largest"])


def test_bad_url_values_keep_the_defaults_with_one_sentence_each():
    at = run_page(path="sideways", steps="7", eta="nan", section=DESCENT)
    assert not at.exception, at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "path" in messages and "one of auto, 0, 45, 90, 135" in messages
    assert "whole number from 10 to 100" in messages and "eta" in messages
    assert at.slider(key="subgradients_steps").value == 50
    assert at.number_input(key="subgradients_eta").value == 0.3


def test_lecture_figure_1_is_one_click_away():
    at = run_page()
    at.button(key="subgradients_show_lecture-figure-1").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key=F).value.startswith("Piecewise((-1 - abs(x + 1)")
    assert any("No subgradient" in w.value for w in at.warning)
    at.button(key="subgradients_show_minus-l1").click().run()
    assert at.text_input(key=F).value == "-abs(x) - abs(y)"
    assert at.radio(key="subgradients_path")  # the plane sweep's control


def test_a_function_of_x_and_y_at_a_number_asks_for_two_coordinates():
    at = run_page(f="abs(x) + abs(y)", at="0")
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "2 coordinates" in at.error[0].value


def test_a_bad_section_in_the_url_is_named_in_one_sentence():
    at = run_page(section="3. Newton")
    assert not at.exception and not at.error
    assert any("section = '3. Newton' is not one of" in w.value for w in at.warning)
    assert len(figures(at)) == 1  # the first tab, the sweep, is open


def test_descent_names_the_set_it_steps_with():
    # right after ∂ₛf is defined, the descent step must not be written with a bare ∂f: it uses
    # the Clarke set (one-sided slopes), which differs from ∂ₛf for -|x|
    at = run_page()
    intro = next(m.value for m in at.markdown if r"\partial_s f(p)" in m.value)
    assert r"g_t \in \partial f(x_t)" not in intro
    assert r"\partial_C f(x_t)" in intro


def test_huge_gradients_in_2d_are_drawn_not_a_crash():
    # exp(600) is below the parser's 1e300 cap, so this is answered; its squares overflow floats.
    at = run_page(f="exp(600)*abs(x)", at="0, 0")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert figures(at)


def test_the_piecewise_builder_fills_the_function_field():
    """The pieces editor (opened through the URL) offers its Piecewise text, and its button puts
    it in the f field, whose subdifferential the page then shows."""
    at = run_page(pieces="true")
    assert not at.exception, at.exception
    shown = [c.value for c in at.code]
    assert "Piecewise((-x, x < 0), (x, True))" in shown
    at.button(key="subgradients_use_pieces").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="subgradients_f").value == "Piecewise((-x, x < 0), (x, True))"
    assert any(r"\left[-1, 1\right]" in m.value for m in at.latex)
