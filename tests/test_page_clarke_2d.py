"""The 2D Clarke page, run headless with Streamlit's AppTest (and the real engine)."""

from __future__ import annotations

import pytest
from page_util import assert_refused, figures, page_runner
from streamlit.testing.v1 import AppTest

from clarke_core.examples import EXAMPLES_2D

PAGE = "../pages/clarke_2d.py"
TIMEOUT = 90
F, AT, PICK = "clarke_2d_f", "clarke_2d_at", "clarke_2d_example"
WALK, RADIUS = "clarke_2d_walk", "clarke_2d_radius"

run_page = page_runner(PAGE, TIMEOUT)



def trace_names(figure: dict) -> list[str]:
    return [t.get("name", "") for t in figure["data"]]


def assert_shown(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 4, "map, gradient plane, surface, sampling"
    assert any(r"\partial f(x_0)" in x.value for x in at.latex)
    assert any(r"\partial_s f(x_0)" in x.value for x in at.latex)



def test_default_example_renders():
    at = run_page()
    assert_shown(at)
    assert at.text_input(key=F).value == EXAMPLES_2D[0].expr
    assert at.text_input(key=AT).value == EXAMPLES_2D[0].at
    contour, plane, surface, sampling = figures(at)
    assert contour["frames"] and plane["frames"], "the map and the plane animate the sequences"
    assert any(t["type"] == "surface" for t in surface["data"])
    assert any("sampled" in n for n in trace_names(sampling))
    assert (at.query_params["f"], at.query_params["at"]) == (EXAMPLES_2D[0].expr,
                                                             EXAMPLES_2D[0].at)


@pytest.mark.parametrize("example", EXAMPLES_2D, ids=lambda e: e.key)
def test_each_example_renders(example):
    at = run_page()
    at.selectbox(key=PICK).select(example.label).run()
    assert at.text_input(key=F).value == example.expr
    assert at.text_input(key=AT).value == example.at
    assert_shown(at)
    assert any(example.note in c.value for c in at.caption)


def test_empty_subdifferential_explains_itself():
    at = run_page(f="-abs(x) - abs(y)", at="0, 0")
    assert_shown(at)
    assert any("no subgradient" in h.value for h in at.subheader)
    assert any("q′ = (1/2, 0) forces" in m.value for m in at.markdown)
    plane = figures(at)[1]
    assert any("empty" in n for n in trace_names(plane))


def test_the_slider_walks_s_and_judges_the_plane():
    at = run_page(f="-abs(x) - abs(y)", at="0, 0")
    surface = figures(at)[2]
    assert any("not a support plane" in n for n in trace_names(surface))
    at.slider(key=WALK).set_value(0.5).run()
    assert not at.exception
    moved = figures(at)[2]
    plane = [n for n in trace_names(moved) if n.startswith("plane")]
    assert plane and plane != [n for n in trace_names(surface) if n.startswith("plane")]
    assert any("s = (1, 1)" in n for n in plane), "halfway round the square"


def test_convex_example_has_support_planes():
    at = run_page(f="abs(x) + abs(y)", at="0, 0")
    assert any(n.endswith("a support plane") for n in trace_names(figures(at)[2]))


def test_sampling_radius_changes_the_note():
    example = next(e for e in EXAMPLES_2D if e.key == "cusp-ridge")
    at = run_page(f=example.expr, at=example.at)
    assert_shown(at)
    assert at.radio(key=RADIUS).value == 2, "the smallest radius first: it shows what is missed"
    assert any("misses" in m.value and "(0, 1)" in m.value for m in at.markdown)
    at.radio(key=RADIUS).set_value(0).run()
    assert not at.exception
    assert any("ε = 0.1," in m.value for m in at.markdown)


def test_typing_own_function_switches_the_picker_and_the_url():
    at = run_page()
    at.text_input(key=F).input("abs(x - 1) + y**2")
    at.text_input(key=AT).input("1, 0").run()
    assert_shown(at)
    assert at.selectbox(key=PICK).value == "Your own function"
    assert (at.query_params["f"], at.query_params["at"]) == ("abs(x - 1) + y**2", "1, 0")


@pytest.mark.parametrize("text", ["2x +", "x +* y", "foo(x, y)"],
                         ids=["dangling", "operators", "unknown-name"])
def test_bad_function_gets_a_sentence(text):
    at = run_page()
    at.text_input(key=F).input(text).run()
    assert_refused(at)


@pytest.mark.parametrize("text", ["__import__('os')", "().__class__.__base__.__subclasses__()",
                                  "9**9**9**9", "x" * 5000],
                         ids=["import", "dunder", "huge-power", "too-long"])
def test_hostile_input_is_refused(text):
    at = run_page()
    at.text_input(key=F).input(text).run()
    assert_refused(at)


@pytest.mark.parametrize("point", ["0", "1, 2, 3", "banana", "1/0, 0"],
                         ids=["one-number", "three-numbers", "word", "division-by-zero"])
def test_bad_point_gets_a_sentence(point):
    at = run_page()
    at.text_input(key=AT).input(point).run()
    assert_refused(at)


def test_empty_input_asks_for_a_function():
    at = run_page()
    at.text_input(key=F).input("  ").run()
    assert not at.exception and not at.error and not at.get("plotly_chart")
    assert "Type a function" in at.info[0].value


def test_url_restores_the_view():
    at = run_page(f="max(abs(x), abs(y))", at="0, 0")
    assert_shown(at)
    assert at.text_input(key=F).value == "max(abs(x), abs(y))"
    assert at.text_input(key=AT).value == "0, 0"
    assert at.selectbox(key=PICK).value == "Your own function"
    assert any("f=max%28abs%28x%29%2C+abs%28y%29%29&at=0%2C+0" in c.value for c in at.code)


def test_url_of_an_example_selects_it():
    example = EXAMPLES_2D[2]
    at = run_page(f=example.expr, at=example.at.replace(" ", ""))
    assert_shown(at)
    assert at.selectbox(key=PICK).value == example.label


def test_url_with_only_a_function_starts_at_the_origin():
    at = run_page(f="max(x, y)")
    assert_shown(at)
    assert at.text_input(key=AT).value == "0, 0"


@pytest.mark.parametrize(("f", "point"), [("x +", "0, 0"), ("abs(x)", "banana"),
                                          ("<script>alert(1)</script>", "0, 0"),
                                          ("abs(x) + abs(y)", "<b>1</b>, 0")],
                         ids=["bad-f", "bad-point", "html-f", "html-point"])
def test_bad_url_values_give_a_clear_error(f, point):
    at = run_page(f=f, at=point)
    assert_refused(at)
    assert not any("<script>" in m.value or "<b>" in m.value for m in at.markdown)


def test_app_routes_to_the_page():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    at.switch_page("pages/clarke_2d.py").run()
    assert_shown(at)
