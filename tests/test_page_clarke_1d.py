"""The 1D Clarke page, run headless with Streamlit's AppTest (and the real engine)."""

from __future__ import annotations

import re

import pytest
from page_util import assert_refused, figures, page_runner
from streamlit.testing.v1 import AppTest

from clarke_core.examples import EXAMPLES_1D

PAGE = "../pages/clarke_1d.py"
TIMEOUT = 60
F, AT, PICK = "clarke_1d_f", "clarke_1d_at", "clarke_1d_example"

run_page = page_runner(PAGE, TIMEOUT)



def assert_shown(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) >= 2
    assert any(r"\partial f(x_0)" in x.value for x in at.latex)



def test_default_example_renders():
    at = run_page()
    assert_shown(at)
    assert at.text_input(key=F).value == EXAMPLES_1D[0].expr
    graph = figures(at)[0]
    assert graph["frames"], "the graph animates the gradient sequences"
    assert at.query_params["f"] == EXAMPLES_1D[0].expr


@pytest.mark.parametrize("example", EXAMPLES_1D, ids=lambda e: e.key)
def test_each_example_renders(example):
    at = run_page()
    at.selectbox(key=PICK).select(example.label).run()
    assert at.text_input(key=F).value == example.expr
    assert at.text_input(key=AT).value == example.at
    assert_shown(at)
    assert any(example.note in c.value for c in at.caption)


def test_empty_subdifferential_explains_itself():
    at = run_page(f="-abs(x)", at="0")
    assert_shown(at)
    assert any("no subgradient" in h.value for h in at.subheader)
    assert len(at.get("plotly_chart")) == 3, "graph, slope axis and witnesses"


def test_typing_own_function_switches_the_picker_and_the_url():
    at = run_page()
    at.text_input(key=F).input("abs(x - 1)")
    at.text_input(key=AT).input("1").run()
    assert_shown(at)
    assert at.selectbox(key=PICK).value == "Your own function"
    assert (at.query_params["f"], at.query_params["at"]) == ("abs(x - 1)", "1")


@pytest.mark.parametrize("text", ["2x +", "x +* 3", "foo(x)"], ids=["dangling", "operators",
                                                                  "unknown-name"])
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
    at = run_page(f="abs(x - 1)", at="1")
    assert_shown(at)
    assert at.text_input(key=F).value == "abs(x - 1)" and at.text_input(key=AT).value == "1"
    assert at.selectbox(key=PICK).value == "Your own function"
    assert any("f=abs%28x+-+1%29&at=1" in c.value for c in at.code), "share link"


@pytest.mark.parametrize(("f", "point", "key"), [
    (EXAMPLES_1D[1].expr, EXAMPLES_1D[1].at, EXAMPLES_1D[1].key),
    ("max(0,x)", "0", "relu"),  # spelled as a lecturer types it in a link
], ids=["verbatim", "spaces"])
def test_url_of_an_example_selects_it(f, point, key):
    at = run_page(f=f, at=point)
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
    at = run_page(f=f, at=point)
    assert_refused(at)
    assert not any("<script>" in m.value for m in at.markdown)


def test_app_routes_to_home_and_to_the_page():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Clarke Lab"
    at.switch_page("pages/clarke_1d.py").run()
    assert_shown(at)
