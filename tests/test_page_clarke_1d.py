"""The Clarke lesson (/clarke) for a function of x, run headless with AppTest (real engine):
the dimension switch, the 1D body, its URL state, and the old /clarke-1d address."""

from __future__ import annotations

import re

import pytest
from page_util import assert_refused, figures, page_runner, share_url
from streamlit.testing.v1 import AppTest

from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D

PAGE = "../app_pages/clarke_lesson.py"
TIMEOUT = 60
F, AT, PICK, DIM = "clarke_1d_f", "clarke_1d_at", "clarke_1d_example", "clarke_dim"

run_page = page_runner(PAGE, TIMEOUT)


def why(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**How the two sets compare.**"))


def assert_shown(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) >= 1  # the graph and the slope axis: one linked figure
    assert any(r"\partial f(x_0)" in x.value for x in at.latex)
    assert any(r"\partial_s f(x_0)" in x.value for x in at.latex)
    assert why(at)


def test_default_is_the_1d_lesson_with_the_definition_on_top():
    at = run_page()
    assert_shown(at)
    assert at.title[0].value == "Clarke differential"
    assert any(r"x_i \notin \Omega_f" in x.value for x in at.latex), "the definition in R^n"
    assert at.radio(key=DIM).value == "1"
    assert at.text_input(key=F).value == EXAMPLES_1D[0].expr
    graph = figures(at)[0]
    assert graph["frames"], "the graph animates the gradient sequences"
    assert dict(at.query_params) == {"dim": "1", "f": EXAMPLES_1D[0].expr,
                                     "at": EXAMPLES_1D[0].at}


@pytest.mark.parametrize("example", EXAMPLES_1D, ids=lambda e: e.key)
def test_each_example_renders(example):
    at = run_page()
    at.selectbox(key=PICK).select(example.label).run()
    assert at.text_input(key=F).value == example.expr
    assert at.text_input(key=AT).value == example.at
    assert_shown(at)
    assert any(example.note in c.value for c in at.caption)


@pytest.mark.parametrize(("f", "point", "phrase"), [
    ("abs(x)", "0", "equal because f is convex"),
    ("-abs(x)", "0", "the subdifferential is empty"),
    ("abs(x**2 - 2)", "sqrt(2)", r"is smaller than the Clarke set \[-2√2, 2√2\]"),
    ("sqrt(abs(x))", "0", "There is no Clarke set to compare"),
], ids=["convex", "concave", "smaller", "not-lipschitz"])
def test_why_they_differ_follows_the_computed_sets(f, point, phrase):
    at = run_page(dim="1", f=f, at=point)
    assert_shown(at)
    assert phrase in why(at)


def test_empty_subdifferential_explains_itself():
    at = run_page(f="-abs(x)", at="0")
    assert_shown(at)
    assert any("no subgradient" in h.value for h in at.subheader)
    assert len(at.get("plotly_chart")) == 2, "graph with the slope axis (linked), and witnesses"


def test_typing_own_function_switches_the_picker_and_the_url():
    at = run_page()
    at.text_input(key=F).input("abs(x - 1)")
    at.text_input(key=AT).input("1").run()
    assert_shown(at)
    assert at.selectbox(key=PICK).value == "Your own function"
    assert (at.query_params["f"], at.query_params["at"]) == ("abs(x - 1)", "1")


@pytest.mark.parametrize("text", ["2x +", "x +* 3", "foo(x)", "x + y"],
                         ids=["dangling", "operators", "unknown-name", "two-variables"])
def test_bad_function_gets_a_sentence(text):
    at = run_page()
    at.text_input(key=F).input(text).run()
    assert_refused(at)


@pytest.mark.parametrize("text", ["__import__('os')", "().__class__.__base__.__subclasses__()",
                                  "9**9**9**9"], ids=["import", "dunder", "huge-power"])
def test_hostile_input_is_refused(text):
    at = run_page()
    at.text_input(key=F).input(text).run()
    assert_refused(at)


def test_url_restores_the_view():
    at = run_page(dim="1", f="abs(x - 1)", at="1")
    assert_shown(at)
    assert at.radio(key=DIM).value == "1"
    assert at.text_input(key=F).value == "abs(x - 1)" and at.text_input(key=AT).value == "1"
    assert at.selectbox(key=PICK).value == "Your own function"
    link = share_url(at)
    assert "dim=1" in link and "f=abs%28x+-+1%29" in link and "at=1" in link, link


@pytest.mark.parametrize(("f", "point", "key"), [
    (EXAMPLES_1D[1].expr, EXAMPLES_1D[1].at, EXAMPLES_1D[1].key),
    ("max(0,x)", "0", "relu"),  # spelled as a lecturer types it in a link
], ids=["verbatim", "spaces"])
def test_url_of_an_example_selects_it(f, point, key):
    at = run_page(dim="1", f=f, at=point)
    assert_shown(at)
    label = next(e.label for e in EXAMPLES_1D if e.key == key)
    assert at.selectbox(key=PICK).value == label


def test_gallery_is_well_formed():
    keys = [e.key for e in EXAMPLES_1D]
    assert len(set(keys)) == len(keys) and all(re.fullmatch(r"[a-z0-9-]+", k) for k in keys)
    for e in EXAMPLES_1D:
        # one sentence: ends with a period and has no other sentence break inside
        assert e.note.endswith(".") and ". " not in e.note[:-1], e.key


@pytest.mark.parametrize(("f", "point"), [("x +", "0"), ("abs(x)", "banana"),
                                          ("<script>alert(1)</script>", "0")],
                         ids=["bad-f", "bad-point", "html"])
def test_bad_url_values_give_a_clear_error(f, point):
    at = run_page(dim="1", f=f, at=point)
    assert_refused(at)
    assert not any("<script>" in m.value for m in at.markdown)


@pytest.mark.parametrize("dim", ["4", "<b>2</b>", ""], ids=["four", "html", "empty"])
def test_a_bad_dimension_in_the_url_keeps_1d_and_says_so(dim):
    at = run_page(dim=dim, f="abs(x)", at="0")
    assert_shown(at)
    assert at.radio(key=DIM).value == "1"
    assert len(at.warning) == 1
    message = at.warning[0].value
    assert "dim" in message and "one of 1, 2" in message and message.endswith(".")
    assert at.query_params["dim"] == "1"


def test_switching_to_2d_starts_the_2d_lesson_and_cleans_the_url():
    at = run_page(dim="1", f="abs(x - 1)", at="1")
    at.radio(key=DIM).set_value("2").run()
    assert not at.exception and not at.error
    assert at.text_input(key="clarke_2d_f").value == EXAMPLES_2D[0].expr
    assert len(at.get("plotly_chart")) == 1, "map and gradient plane, linked (the rest on request)"
    assert (at.query_params["dim"], at.query_params["f"], at.query_params["at"]) == (
        "2", EXAMPLES_2D[0].expr, EXAMPLES_2D[0].at)


def test_app_routes_to_home_and_to_the_lesson():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Clarke Lab"
    at.switch_page("app_pages/clarke_lesson.py").run()
    assert_shown(at)


def test_the_old_1d_address_opens_the_1d_lesson_with_its_function():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/clarke_1d.py")
    at.query_params.update({"f": "abs(x - 1)", "at": "1"})
    at.run()
    assert_shown(at)
    assert at.radio(key=DIM).value == "1"
    assert at.text_input(key=F).value == "abs(x - 1)"
