"""The answer language: forms, exact values, decimals flagged, syntax refused in a sentence."""

from __future__ import annotations

import time

import pytest
import sympy as sp

from clarke_core.errors import InputError
from clarke_core.grading.answers import MAX_ANSWER_LENGTH, MAX_ELEMENTS, parse_answer

R = sp.Rational

FORMS = [
    # text, dim, form, points, closed
    ("1/2", 1, "number", [(R(1, 2),)], (True, True)),
    ("sqrt(2) - 1", 1, "number", [(sp.sqrt(2) - 1,)], (True, True)),
    ("pi", 1, "number", [(sp.pi,)], (True, True)),
    ("(1/2)", 1, "number", [(R(1, 2),)], (True, True)),
    ("(1) + (2)", 1, "number", [(3,)], (True, True)),
    ("[0, 1]", 1, "interval", [(0,), (1,)], (True, True)),
    ("(0, 1)", 1, "interval", [(0,), (1,)], (False, False)),
    ("[-1, sqrt(2)/2)", 1, "interval", [(-1,), (sp.sqrt(2) / 2,)], (True, False)),
    ("(0, 1]", 1, "interval", [(0,), (1,)], (False, True)),
    ("[1, 0]", 1, "interval", [(1,), (0,)], (True, True)),
    ("{1, 2, max(3, 4)}", 1, "finite", [(1,), (2,), (4,)], (True, True)),
    ("conv{0, 1}", 1, "hull", [(0,), (1,)], (True, True)),
    ("(1, 2)", 2, "number", [(1, 2)], (True, True)),
    ("[(1, 0), (0, 1)]", 2, "hull", [(1, 0), (0, 1)], (True, True)),
    ("conv{(1,1), (-1,1), (-1,-1), (1,-1)}", 2, "hull", [(1, 1), (-1, 1), (-1, -1), (1, -1)],
     (True, True)),
    ("{(0, 1), (1, 0)}", 2, "finite", [(0, 1), (1, 0)], (True, True)),
]


@pytest.mark.parametrize(("text", "dim", "form", "points", "closed"), FORMS,
                         ids=[f"{t}-{d}D" for t, d, *_ in FORMS])
def test_forms(text, dim, form, points, closed):
    answer = parse_answer(text, dim)
    assert answer.form == form
    assert [tuple(sp.simplify(c) for c in p) for p in answer.points] == [
        tuple(sp.sympify(c) for c in p) for p in points]
    assert answer.closed == closed
    assert answer.latex()


@pytest.mark.parametrize("text", ["empty", "Empty set", "∅", "{}", "conv{}", "\\emptyset"])
def test_empty(text):
    assert parse_answer(text).form == "empty"


@pytest.mark.parametrize(("text", "form"), [("yes", "yes"), ("No.", "no"), ("TRUE", "yes"),
                                            ("n", "no")])
def test_yes_no(text, form):
    assert parse_answer(text, expect="yesno").form == form


def test_degree_answers():
    assert parse_answer("1/2", expect="degree").points == ((R(1, 2),),)
    assert parse_answer("not homogeneous", expect="degree").form == "none"


def test_undefined():
    assert parse_answer("undefined").form == "undefined"


def test_decimals_are_flagged_per_element():
    answer = parse_answer("[-1, 0.7071067811865476]")
    assert answer.decimal == (False, True)
    assert parse_answer("1e-3").decimal == (True,)
    assert parse_answer("2*E").decimal == (False,)


REFUSED = [
    # text, dim, expect, key phrase of the message
    ("[0, 1", 1, "set", "brackets"),
    ("0, 1]", 1, "set", "brackets"),
    ("[0, 1, 2]", 1, "set", "two endpoints"),
    ("[1]", 1, "set", "two endpoints"),
    ("{1,, 2}", 1, "set", "empty entry"),
    ("x + 1", 1, "set", "cannot be used here"),
    ("1/2", 2, "set", "2D"),
    ("(1, 2, 3)", 2, "set", "two coordinates"),
    ("conv{1, 2}", 2, "set", "point (a, b)"),
    ("conv[(0, 0)]", 2, "set", "conv{"),
    ("[0, 1]", 2, "set", "In 2D"),
    ("yes", 1, "set", "not yes or no"),
    ("maybe", 1, "yesno", "yes or no"),
    ("", 1, "set", "Type an answer"),
]


@pytest.mark.parametrize(("text", "dim", "expect", "phrase"), REFUSED,
                         ids=[f"{t or 'blank'}-{d}D-{e}" for t, d, e, _ in REFUSED])
def test_syntax_errors_are_one_sentence(text, dim, expect, phrase):
    with pytest.raises(InputError) as err:
        parse_answer(text, dim, expect=expect)
    message = str(err.value)
    assert phrase in message
    assert message.endswith((".", "?")) and "\n" not in message


HOSTILE = [
    "__import__('os').system('echo hacked')",
    "().__class__.__base__.__subclasses__()",
    "9**9**9",
    "[0, 9**9**9]",
    "{(1, 2)}.pop()",
    "lambda: 1",
    "1e999999999",
    "[0, factorial(10**8)]",
    "conv{" + ", ".join(["(1, 2)"] * (MAX_ELEMENTS + 1)) + "}",
    "[0, " + "1 + " * 600 + "1]",
    "1" * (MAX_ANSWER_LENGTH + 1),
    "(" * 500 + ")" * 500,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_answers_are_refused_quickly(text):
    start = time.process_time()
    with pytest.raises(InputError):
        parse_answer(text, 2 if "(1, 2)" in text else 1)
    assert time.process_time() - start < 2.0
