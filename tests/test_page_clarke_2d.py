"""The Clarke lesson (/clarke) for a function of x and y, run headless with AppTest (real engine):
the 2D body, its controls kept in the URL, and the old /clarke-2d address."""

from __future__ import annotations

import numpy as np
import pytest
from page_util import assert_refused, figures, page_runner, share_url
from streamlit.testing.v1 import AppTest

from clarke_core.views.examples import EXAMPLES_2D
from clarke_core.views.explore_2d import explore_2d
from clarke_core.views.plane_2d import boundary_point, plane_verdict

PAGE = "../app_pages/clarke_lesson.py"
TIMEOUT = 90
F, AT, PICK = "clarke_2d_f", "clarke_2d_at", "clarke_2d_example"
WALK, RADIUS, VIEW, DIM = "clarke_2d_walk", "clarke_2d_radius", "clarke_2d_view", "clarke_dim"

_run = page_runner(PAGE, TIMEOUT)


def run_page(**query: str) -> AppTest:
    """The lesson with dim = 2 (unless the test gives its own dim)."""
    return _run(**{"dim": "2", **query})



def trace_names(figure: dict) -> list[str]:
    return [t.get("name", "") for t in figure["data"]]


def assert_shown(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    opened = [name for name in ("planes", "sampling") if at.query_params.get(name) == "true"]
    assert len(at.get("plotly_chart")) == 1 + len(opened), (
        "map and gradient plane (one linked figure); the plane test and sampling once their "
        "sections are opened")
    assert any(r"\partial f(x_0)" in x.value for x in at.latex)
    assert any(r"\partial_s f(x_0)" in x.value for x in at.latex)
    assert any(m.value.startswith("**How the two sets compare.**") for m in at.markdown)



def test_default_example_renders():
    at = run_page()
    assert_shown(at)
    assert at.radio(key=DIM).value == "2"
    assert at.text_input(key=F).value == EXAMPLES_2D[0].expr
    assert at.text_input(key=AT).value == EXAMPLES_2D[0].at
    (linked,) = figures(at)
    assert linked["frames"], "the map and the plane animate the sequences, under one slider"
    assert not at.slider, "the plane test waits until its section is opened"
    assert [e.label for e in at.expander][:2] == [
        "Planes through the point: which ones stay below f?", "What gradient sampling sees"]
    assert dict(at.query_params) == {"dim": "2", "f": EXAMPLES_2D[0].expr,
                                     "at": EXAMPLES_2D[0].at, "walk": "0.0", "eps": "0.001",
                                     "view": "map"}


def test_the_plane_test_opens_on_request_quick_view_first():
    at = run_page(planes="true")
    assert_shown(at)
    plane_map = figures(at)[1]
    assert [t["type"] for t in plane_map["data"]][0] == "heatmap", "the quick plane test first"
    assert "a support plane" in plane_map["layout"]["title"]["text"]


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
    plane = figures(at)[0]  # the linked map and gradient plane
    assert any("empty" in n for n in trace_names(plane))


def plane_title(at: AppTest) -> str:  # with planes="true"
    return figures(at)[1]["layout"]["title"]["text"]


def plane_above_f(at: AppTest) -> np.ndarray:
    """The quick plane test's cells: True where the page draws the plane above f (purple)."""
    cells = figures(at)[1]["data"][0]["z"]
    return np.asarray([[v == 1 for v in row] for row in cells])


def test_the_slider_walks_s_and_judges_the_plane():
    f, point = "-abs(x) - abs(y)", "0, 0"
    at = run_page(f=f, at=point, planes="true")
    ex = explore_2d(f, point)  # the engine call the page made
    s = boundary_point(ex.clarke, 0.0)
    assert ex.subdifferential.kind == "empty" and not ex.subdifferential.contains(s)
    assert plane_above_f(at).any(), "no s is a subgradient: the plane crosses f"
    assert plane_title(at).endswith(plane_verdict(ex, s))
    at.slider(key=WALK).set_value(0.5).run()
    assert not at.exception
    assert plane_title(at).startswith("s = (1, 1)"), "halfway round the square"
    assert at.query_params["walk"] == "0.5"


def test_convex_example_has_support_planes():
    f, point = "abs(x) + abs(y)", "0, 0"
    at = run_page(f=f, at=point, walk="0.3", planes="true")
    ex = explore_2d(f, point)
    s = boundary_point(ex.clarke, 0.3)
    assert ex.subdifferential.contains(s, tol=1e-9), "convex: the Clarke set's s are subgradients"
    assert not plane_above_f(at).any(), "a support plane stays below f on the whole map"
    assert plane_title(at).endswith(plane_verdict(ex, s))


def test_the_3d_graph_on_request():
    at = run_page(f="abs(x) + abs(y)", at="0, 0", planes="true")
    at.radio(key=VIEW).set_value("3d").run()
    assert not at.exception
    surface = figures(at)[1]
    assert any(t["type"] == "surface" for t in surface["data"])
    assert any(n.endswith("a support plane") for n in trace_names(surface))
    assert at.query_params["view"] == "3d"


def test_sampling_radius_changes_the_note():
    example = next(e for e in EXAMPLES_2D if e.key == "cusp-ridge")
    at = run_page(f=example.expr, at=example.at, sampling="true")
    assert_shown(at)
    assert at.radio(key=RADIUS).value == "0.001", "the smallest radius first: it shows the miss"
    assert any("misses" in m.value and "(0, 1)" in m.value for m in at.markdown)
    assert any("sampled" in n for n in trace_names(figures(at)[1]))
    at.radio(key=RADIUS).set_value("0.1").run()
    assert not at.exception
    assert any("ε = 0.1," in m.value for m in at.markdown)
    assert at.query_params["eps"] == "0.1"


def test_why_they_differ_on_the_thin_cusp():
    example = next(e for e in EXAMPLES_2D if e.key == "cusp-ridge")
    at = run_page(f=example.expr, at=example.at)
    text = next(m.value for m in at.markdown if m.value.startswith("**How the two sets compare.**"))
    assert "smaller than the Clarke set" in text and "(0, -1)" in text


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
    # set_value, as a crafted client would: the field itself takes no more than its max_chars.
    at.text_input(key=F).set_value(text).run()
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
    at = run_page(f="max(abs(x), abs(y))", at="0, 0", walk="0.25", eps="0.01", view="3d",
                  planes="true", sampling="true")
    assert_shown(at)
    assert at.radio(key=DIM).value == "2"
    assert at.text_input(key=F).value == "max(abs(x), abs(y))"
    assert at.text_input(key=AT).value == "0, 0"
    assert at.selectbox(key=PICK).value == "Your own function"
    assert (at.slider(key=WALK).value, at.radio(key=RADIUS).value, at.radio(key=VIEW).value) == (
        0.25, "0.01", "3d")
    assert any(t["type"] == "surface" for t in figures(at)[1]["data"])
    link = share_url(at)
    for part in ("dim=2", "f=max%28abs%28x%29%2C+abs%28y%29%29", "at=0%2C+0", "walk=0.25",
                 "eps=0.01", "view=3d", "planes=true", "sampling=true"):
        assert part in link, (part, link)


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("walk", "7", "a number from 0 to 1"), ("walk", "nan", "a number from 0 to 1"),
    ("eps", "0.5", "one of 0.1, 0.01, 0.001"), ("view", "<script>", "one of map, 3d"),
], ids=["walk-too-big", "walk-nan", "eps-not-offered", "view-html"])
def test_a_bad_control_in_the_url_keeps_its_default_and_says_so(name, value, allowed):
    at = run_page(f="abs(x) + abs(y)", at="0, 0", **{name: value})
    assert_shown(at)
    assert len(at.warning) == 1 and allowed in at.warning[0].value
    assert at.warning[0].value.endswith("instead.")
    assert at.query_params[name] == {"walk": "0.0", "eps": "0.001", "view": "map"}[name]


def test_switching_to_1d_drops_the_2d_controls_from_the_url():
    at = run_page(f="max(x, y)", at="0, 0", walk="0.5", planes="true")
    at.radio(key=DIM).set_value("1").run()
    assert not at.exception and not at.error
    assert set(at.query_params) == {"dim", "f", "at"} and at.query_params["dim"] == "1"


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


def test_the_old_2d_address_opens_the_2d_lesson_with_its_function():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    at.switch_page("app_pages/clarke_2d.py")
    at.query_params.update({"f": "max(x, y)", "at": "1, 1"})
    at.run()
    assert_shown(at)
    assert at.radio(key=DIM).value == "2"
    assert (at.text_input(key=F).value, at.text_input(key=AT).value) == ("max(x, y)", "1, 1")
