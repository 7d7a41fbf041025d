"""Two functions side by side on the Clarke lesson (views/compare.py, lessons/compare.py): the
sentence follows from the two exact results, and the page keeps g in the URL."""

from __future__ import annotations

import pytest
from page_util import page_runner

from clarke_core import clarke_set, subdifferential
from clarke_core.engine.geometry import same_set
from clarke_core.views.compare import PAIRS, compare

run_page = page_runner("../app_pages/clarke_lesson.py", 120)
ALL_PAIRS = [(dim, *pair) for dim, pairs in PAIRS.items() for pair in pairs]


@pytest.mark.parametrize("dim, label, f, g, at", ALL_PAIRS, ids=[p[1] for p in ALL_PAIRS])
def test_each_pair_is_the_api_result_and_its_sentence_says_what_differs(dim, label, f, g, at):
    pair = compare(f, g, at, dim=dim)
    for side, text in zip(pair.sides, (f, g), strict=True):
        assert same_set(side.clarke, clarke_set(text, at))
        assert same_set(side.subdifferential, subdifferential(text, at))
    same = same_set(pair.sides[0].clarke, pair.sides[1].clarke)
    assert pair.sentence.startswith("Both have the Clarke set" if same else
                                    "Their Clarke sets differ")


def test_the_lecture_pair_abs_and_minus_abs():
    pair = compare("abs(x)", "-abs(x)", "0", dim=1)
    assert "Both have the Clarke set [-1, 1]" in pair.sentence
    assert "[-1, 1] for f and ∅ for g" in pair.sentence


def test_an_error_names_the_function_it_is_about():
    with pytest.raises(Exception, match=r"^In g: "):
        compare("abs(x)", "abs(x", "0", dim=1)


def test_a_link_with_g_opens_the_comparison():
    at = run_page(f="abs(x)", at="0", g="-abs(x)")
    assert not at.exception, at.exception
    assert at.toggle(key="compare_on").value
    assert any("f beside g." in m.value and "∅ for g" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) >= 2


def test_a_bad_g_is_one_sentence_and_the_lesson_stays():
    at = run_page(f="abs(x)", at="0", g="abs(x")
    assert not at.exception, at.exception
    assert [e.value for e in at.error][-1].startswith("In g: ")
    assert at.get("plotly_chart")  # f's lesson is still drawn
    assert "g" not in at.query_params  # a link keeps only a g the page could read


def test_a_pair_button_sets_f_g_and_the_point_and_the_link_keeps_g():
    at = run_page(dim="2", g="min(x, y)")
    at.button(key="compare_pair_|x| + |y| and −|x| − |y|").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="clarke_2d_f").value == "abs(x) + abs(y)"
    assert at.text_input(key="compare_g").value == "-abs(x) - abs(y)"
    assert at.query_params["g"] == "-abs(x) - abs(y)"


def test_turning_the_comparison_off_drops_g_from_the_link():
    at = run_page(f="abs(x)", at="0", g="-abs(x)")
    at.toggle(key="compare_on").set_value(False).run()
    assert not at.exception, at.exception
    assert "g" not in at.query_params
