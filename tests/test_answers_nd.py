"""Homework answers in Rⁿ: the answer language for points with n coordinates (answers.py), the
exact comparison with the polytope and its diagnoses (feedback_nd.py, check.py), membership,
the refusals for a wrong dimension, and the n-D example assignment."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sympy as sp

from clarke_core import InputError
from clarke_core.grading import check_answer, grade_batch, load_assignment
from clarke_core.grading.answers import parse_answer
from clarke_core.grading.feedback_nd import in_polytope
from clarke_core.grading.verdict import DIAGNOSES

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CUBE = "conv{" + ", ".join(f"({a}, {b}, {c})" for a in (-1, 1) for b in (-1, 1)
                           for c in (-1, 1)) + "}"

# --- reading ----------------------------------------------------------------------------------

READ = [
    ("conv{(1, 0, 0), (0, 1, 0)}", 3, "hull", ((1, 0, 0), (0, 1, 0))),
    ("{(0, 0, 1)}", 3, "finite", ((0, 0, 1),)),
    ("(1/3, 1/3, 1/3)", 3, "number", ((sp.Rational(1, 3),) * 3,)),
    ("[(1, 0, 0, 0), (0, 0, 0, sqrt(2))]", 4, "hull", ((1, 0, 0, 0), (0, 0, 0, sp.sqrt(2)))),
    ("conv{(1,0,0,0,0,0,0,0)}", 8, "hull", ((1, 0, 0, 0, 0, 0, 0, 0),)),
    ("empty", 5, "empty", ()),
    ("{}", 3, "empty", ()),
]


@pytest.mark.parametrize(("text", "dim", "form", "points"), READ, ids=[r[0] for r in READ])
def test_answers_in_rn_are_read(text, dim, form, points):
    parsed = parse_answer(text, dim)
    assert parsed.form == form and parsed.dim == dim
    assert parsed.points == tuple(tuple(sp.sympify(c) for c in p) for p in points)


WRONG = [
    ("(1, 0)", 3, "A point in ℝ³ has 3 coordinates, like (1, 0, 0); (1, 0) has 2."),
    ("conv{(1, 0, 0), (0, 1)}", 3, "A point in ℝ³ has 3 coordinates, like (1, 0, 0); (0, 1) "
                                   "has 2."),
    ("{(1, 0, 0, 0)}", 3, "A point in ℝ³ has 3 coordinates, like (1, 0, 0); (1, 0, 0, 0) has 4."),
    ("(1, 2, 3)", 4, "A point in ℝ⁴ has 4 coordinates"),
    ("[0, 1]", 3, "In ℝ³ type a point as (a, b, c), a segment as"),
    ("1/2", 3, "This is a question in ℝ³: type a point as (a, b, c), or a set such as "
               "conv{(1, 0, 0), (0, 1, 0)}."),
    ("{1, 2}", 3, "In ℝ³ each element is a point (a, b, c); 1 is not one."),
    ("[(1, 0, 0), (0, 1, 0), (0, 0, 1)]", 3, "A segment has two end points"),
]


@pytest.mark.parametrize(("text", "dim", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_dimension_is_one_clear_sentence(text, dim, message):
    with pytest.raises(InputError) as err:
        parse_answer(text, dim)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_the_2d_messages_are_unchanged():
    with pytest.raises(InputError, match=r"^A point in 2D has two coordinates, like \(1, 0\)"):
        parse_answer("(1, 0, 0)", 2)
    with pytest.raises(InputError, match=r"^This is a question in 2D: type a point as \(a, b\)"):
        parse_answer("1/2", 2)


def test_a_wrong_dimension_through_check_answer_is_refused_not_graded():
    with pytest.raises(InputError, match="has 3 coordinates"):
        check_answer("max(x, y, z)", "0, 0, 0", "conv{(1, 0), (0, 1)}")


# --- grading ----------------------------------------------------------------------------------

MAX3 = ("max(x, y, z)", "0, 0, 0")
GRADE = [
    # question, kind, answer, correct, score, diagnosis, phrase
    (MAX3, "clarke", "conv{(1, 0, 0), (0, 1, 0), (0, 0, 1)}", True, 1.0, "right", "Right"),
    (MAX3, "clarke", "conv{(0, 0, 1), (1, 0, 0), (0, 1, 0), (1/3, 1/3, 1/3), (1, 0, 0)}", True,
     1.0, "right", "Right"),
    (MAX3, "clarke", "conv{(1.0000000001, 0, 0), (0, 1, 0), (0, 0, 1)}", True, 1.0, "right",
     "prefer the exact form"),
    # Off the triangle's plane: neither contains the other.
    (MAX3, "clarke", "conv{(1, 0, 0), (0, 1, 0), (0, 0, 1.001)}", False, 0.0, "not_the_set",
     "(0, 0, 1001/1000) does not belong"),
    (MAX3, "clarke", "conv{(1, 0, 0), (0, 1, 0)}", False, 0.25, "too_small",
     "misses the corner (0, 0, 1)"),
    (MAX3, "clarke", "(1/3, 1/3, 1/3)", False, 0.25, "one_value", "one element"),
    (MAX3, "clarke", "{(1, 0, 0), (0, 1, 0), (0, 0, 1)}", False, 0.25, "some_points",
     "it is convex"),
    (MAX3, "clarke", "conv{(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)}", False, 0.25,
     "too_large", "(0, 0, 0) does not belong"),
    (MAX3, "clarke", "conv{(1, 1, 0), (0, 1, 0), (0, 0, 1)}", False, 0.0, "not_the_set",
     "(1, 1, 0) does not belong"),
    (MAX3, "clarke", "empty", False, 0.0, "not_empty", "never empty"),
    (MAX3, "subdifferential", "conv{(1, 0, 0), (0, 1, 0), (0, 0, 1)}", True, 1.0, "right",
     "subdifferential"),
    (("abs(x) + abs(y) + abs(z)", "0, 0, 0"), "clarke", CUBE, True, 1.0, "right", "Right"),
    (("relu(x + y) - relu(-x - y) + z", "0, 0, 0"), "clarke", "conv{(0, 0, 1), (2, 2, 1)}", False,
     0.25, "sum_rule", "sum rule"),
    (("abs(x) - abs(x) + z", "0, 0, 0"), "clarke", "{(0, 0, 1)}", True, 1.0, "right", "Right"),
    (("min(abs(x) + abs(y) + abs(z), 1)", "0, 0, 0"), "subdifferential", "{(0, 0, 0)}", True,
     1.0, "right", "Right"),
    (("min(abs(x) + abs(y) + abs(z), 1)", "0, 0, 0"), "subdifferential", CUBE, False, 0.25,
     "other_set", "This is the Clarke set"),
    (("min(abs(x) + abs(y) + abs(z), 1)", "0, 0, 0"), "clarke", "{(0, 0, 0)}", False, 0.25,
     "other_set", "This is the subdifferential"),
    (("-abs(x) + y + z", "0, 0, 0"), "subdifferential", "empty", True, 1.0, "right", "empty"),
    (("-abs(x) + y + z", "0, 0, 0"), "subdifferential", "{(0, 1, 1)}", False, 0.0,
     "should_be_empty", "empty here"),
    (("abs(x1 - sqrt(2)) + x2 + x3 + x4", "sqrt(2), 0, 0, 0"), "clarke",
     "[(-1, 1, 1, 1), (1, 1, 1, 1)]", True, 1.0, "right", "Right"),
    (("abs(x1) + sqrt(2)*abs(x2) + x3", "0, 0, 0"), "clarke",
     "conv{(1, sqrt(2), 1), (1, -sqrt(2), 1), (-1, sqrt(2), 1), (-1, -sqrt(2), 1)}", True, 1.0,
     "right", "Right"),
    (("abs(x1) + sqrt(2)*abs(x2) + x3", "0, 0, 0"), "clarke",
     "conv{(1, 1.4142, 1), (1, -1.4142, 1), (-1, 1.4142, 1), (-1, -1.4142, 1)}", False, 0.25,
     "too_small", "misses the corners (-1, -sqrt(2), 1), "),  # 1.4142 is not within 1e-6
    (("x3*relu(x1 - x2)", "0, 0, 1"), "clarke", "[(0, 0, 0), (1, -1, 0)]", True, 1.0, "right",
     "Right"),
]


@pytest.mark.parametrize(("question", "kind", "answer", "correct", "score", "diagnosis", "phrase"),
                         GRADE, ids=[f"{g[0][0]}|{g[2]}" for g in GRADE])
def test_verdicts_in_rn(question, kind, answer, correct, score, diagnosis, phrase):
    verdict = check_answer(*question, answer, kind)
    assert verdict.correct is correct, verdict.feedback
    assert verdict.score == pytest.approx(score), verdict.feedback
    assert verdict.diagnosis == diagnosis and diagnosis in DIAGNOSES, verdict.feedback
    assert phrase in verdict.feedback and verdict.feedback.endswith((".", ")"))


MEMBER = [
    ("(1/3, 1/3, 1/3)", True),
    ("1/2, 1/2, 0", True),
    ("(1/2, 1/2, 1/1000000000000)", False),  # off the triangle's plane by 1e-12: exactly out
    ("(1, 0, 0)", True),
    ("(-1/1000, 1/2, 1/2)", False),
]


@pytest.mark.parametrize(("s", "inside"), MEMBER, ids=[m[0] for m in MEMBER])
def test_membership_in_rn_is_exact(s, inside):
    assert check_answer(*MAX3, "yes", "member", s=s).correct is inside
    assert check_answer(*MAX3, "no", "member", s=s).correct is not inside


def test_exact_hull_membership_at_an_irrational_vertex():
    square = [(a, b * sp.sqrt(2), 1) for a in (-1, 1) for b in (-1, 1)]
    assert in_polytope((1, sp.sqrt(2), 1), square)
    assert not in_polytope((1, sp.Rational(14143, 10000), 1), square)
    assert in_polytope((0, sp.Rational(14142, 10000), 1), square)


# --- the example assignment -------------------------------------------------------------------


def test_the_nd_assignment_loads_and_grades():
    assignment = load_assignment((ASSETS / "nd_assignment.toml").read_text())
    ids = [q.id for q in assignment.questions]
    assert len(ids) >= 3
    answers = io.StringIO()
    writer = csv.writer(answers)
    writer.writerow(["student", "question", "answer"])
    right = {"max3-clarke": "conv{(1, 0, 0), (0, 1, 0), (0, 0, 1)}",
             "far-cells-subdifferential": "{(0, 0, 0)}",
             "concave-kink-subdifferential": "empty", "relu-net-member": "yes"}
    wrong = {"max3-clarke": "(1/3, 1/3, 1/3)", "far-cells-subdifferential": CUBE,
             "concave-kink-subdifferential": "conv{(1, 1, 1), (-1, 1, 1)}",
             "relu-net-member": "no"}
    for student, table in (("ada", right), ("bob", wrong)):
        for qid in ids:
            writer.writerow([student, qid, table[qid]])
    report = grade_batch(assignment, answers.getvalue(), processes=0)
    graded = {(r.student, r.question): r for r in report.rows}
    assert all(graded[("ada", q)].correct and graded[("ada", q)].status == "graded" for q in ids)
    assert not any(graded[("bob", q)].correct for q in ids)
    assert all(graded[("bob", q)].status == "graded" for q in ids)
    assert report.totals["ada"] == sum(q.points for q in assignment.questions)
