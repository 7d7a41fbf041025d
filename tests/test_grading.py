"""check_answer: a table of (function, point, kind, answer) -> verdict, score and why."""

from __future__ import annotations

import importlib.util

import pytest

from clarke_core import InputError, Verdict, check_answer

FIGURE_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
WIGGLE = "Piecewise((x**2*sin(1/x), x != 0), (0, True))"
SQUARE = "conv{(1, 1), (-1, 1), (-1, -1), (1, -1)}"

CASES = [
    # id, function, point, kind, answer, correct, score, key phrase of the feedback
    ("relu-right", "relu(x)", "0", "clarke", "[0, 1]", True, 1.0, "Right"),
    ("relu-hull", "relu(x)", "0", "clarke", "conv{1, 0}", True, 1.0, "Right"),
    ("relu-autodiff", "relu(x)", "0", "clarke", "0", False, 0.25, "autodiff"),
    ("relu-open", "relu(x)", "0", "clarke", "(0, 1)", False, 0.5, "always closed"),
    ("relu-half-open", "relu(x)", "0", "clarke", "[0, 1)", False, 0.75, "always closed"),
    ("relu-reversed", "relu(x)", "0", "clarke", "[1, 0]", False, 0.5, "backwards"),
    ("relu-endpoints-only", "relu(x)", "0", "clarke", "{0, 1}", False, 0.25, "convex"),
    ("relu-too-small", "relu(x)", "0", "clarke", "[0, 1/2]", False, 0.5, "misses (0.5, 1]"),
    ("relu-wrong-end", "relu(x)", "0", "clarke", "[1/2, 2]", False, 0.25, "Wrong endpoint"),
    ("relu-disjoint", "relu(x)", "0", "clarke", "[3, 4]", False, 0.0, "does not meet"),
    ("relu-empty", "relu(x)", "0", "clarke", "empty", False, 0.0, "Not empty"),
    ("relu-sub", "relu(x)", "0", "subdifferential", "[0, 1]", True, 1.0, "Right"),
    ("sum-rule-superset", "relu(x) - relu(-x)", "0", "clarke", "[0, 2]", False, 0.25,
     "sum rule"),
    ("relu-difference", "relu(x) - relu(-x)", "0", "clarke", "1", True, 1.0, "{1}"),
    ("relu-difference-set", "relu(x) - relu(-x)", "0", "clarke", "{1}", True, 1.0, "Right"),
    ("figure-1-clarke", FIGURE_1, "-1", "clarke", "[-1, 1]", True, 1.0, "Right"),
    ("figure-1-sub-for-clarke", FIGURE_1, "-1", "clarke", "empty", False, 0.0,
     "This is the subdifferential"),
    ("figure-1-clarke-for-sub", FIGURE_1, "-1", "subdifferential", "[-1, 1]", False, 0.0,
     "This is the Clarke set"),
    ("figure-1-sub", FIGURE_1, "-1", "subdifferential", "∅", True, 1.0, "x' = -2"),
    ("wiggle", WIGGLE, "0", "clarke", "[-1, 1]", True, 1.0, "Right"),
    ("wiggle-autodiff", WIGGLE, "0", "clarke", "0", False, 0.25, "autodiff"),
    ("exact-irrational", "abs(x**2 - 2)", "sqrt(2)", "clarke", "[-2*sqrt(2), sqrt(8)]", True,
     1.0, "Right"),
    ("decimal-endpoints", "abs(x**2 - 2)", "sqrt(2)", "clarke",
     "[-2.8284271247461903, 2.8284271247461903]", True, 1.0, "prefer the exact form"),
    ("decimal-too-coarse", "abs(x**2 - 2)", "sqrt(2)", "clarke", "[-2.83, 2.83]", False, None,
     "Too large"),
    ("decimal-sqrt2-over-2", "abs(x)*sqrt(2)/2", "0", "clarke",
     "[-0.7071067811865476, 0.7071067811865476]", True, 1.0, "within 1e-06"),
    ("near-but-not-exact", "abs(x)*sqrt(2)/2", "0", "clarke",
     "[-7071067811865476/10000000000000000, sqrt(2)/2]", False, None, "left endpoint"),
    ("unbounded", "sqrt(abs(x))", "0", "clarke", "undefined", True, 1.0, "not locally Lipschitz"),
    ("unbounded-given-set", "sqrt(abs(x))", "0", "clarke", "[0, 1]", False, 0.0, "'undefined'"),
    ("lipschitz-given-undefined", "abs(x)", "0", "clarke", "undefined", False, 0.0,
     "exists"),
    ("square", "abs(x) + abs(y)", "0, 0", "clarke", SQUARE, True, 1.0, "Right"),
    ("square-other-order", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(-1, -1), (1, 1), (1, -1), (-1, 1)}", True, 1.0, "Right"),
    ("square-collinear-vertex", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(1, 1), (0, 1), (-1, 1), (-1, -1), (1, -1)}", True, 1.0, "Right"),
    ("square-missing-corner", "abs(x) + abs(y)", "0, 0", "subdifferential",
     "conv{(1, 1), (-1, 1), (1, -1)}", False, 0.5, "misses the corner (-1, -1)"),
    ("square-autodiff", "abs(x) + abs(y)", "0, 0", "clarke", "(0, 0)", False, 0.25, "autodiff"),
    ("square-superset", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(2, 2), (-2, 2), (-2, -2), (2, -2)}", False, 0.25, "Too large"),
    ("segment", "max(x, y)", "0, 0", "clarke", "[(1, 0), (0, 1)]", True, 1.0, "Right"),
    ("segment-decimal", "max(x, y)", "0, 0", "clarke", "[(1.0, 0), (0, 1.0)]", True, 1.0,
     "Right"),
    ("segment-endpoints", "max(x, y)", "0, 0", "clarke", "{(1, 0), (0, 1)}", False, 0.25,
     "convex"),
    ("disk-by-polygon", "sqrt(x**2 + y**2)", "0, 0", "clarke", "conv{(1,0),(0,1),(-1,0),(0,-1)}",
     False, None, "curved"),
    ("member-yes", "abs(x)", "0", "member", "yes", True, 1.0, "is in"),
    ("member-wrong", "abs(x)", "0", "member", "no", False, 0.0, "is in the Clarke set"),
    ("lipschitz-yes", "abs(x)", "0", "lipschitz", "yes", True, 1.0, "bounded"),
    ("lipschitz-no", "sqrt(abs(x))", "0", "lipschitz", "no", True, 1.0, "unbounded"),
    ("lipschitz-wrong", "sqrt(abs(x))", "0", "lipschitz", "yes", False, 0.0, "is not locally"),
]


@pytest.mark.parametrize(("expr", "at", "kind", "answer", "correct", "score", "phrase"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdicts(expr, at, kind, answer, correct, score, phrase):
    verdict = check_answer(expr, at, answer, kind, s="1/2")
    assert isinstance(verdict, Verdict)
    assert verdict.correct is correct, verdict.feedback
    if score is not None:
        assert verdict.score == pytest.approx(score), verdict.feedback
    assert 0 <= verdict.score <= (1 if correct else 0.9)
    assert phrase in verdict.feedback
    assert verdict.feedback.endswith((".", ")"))


@pytest.mark.skipif(importlib.util.find_spec("clarke_core.labs.homogeneity") is None,
                    reason="clarke_core.labs.homogeneity is not there yet")
@pytest.mark.parametrize(("expr", "answer", "correct", "phrase"), [
    ("abs(x) + abs(y)", "1", True, "t^1"),
    ("sqrt(abs(x))", "0.5", True, "t^(1/2)"),
    ("x**2", "1", False, "degree is 2"),
    ("abs(x) + 1", "none", True, "not positively homogeneous"),
    ("relu(x)*x", "none", False, "degree 2"),
], ids=["l1-norm", "sqrt-decimal", "wrong-degree", "not-homogeneous", "said-none"])
def test_homogeneity_degree(expr, answer, correct, phrase):
    verdict = check_answer(expr, None, answer, "homogeneity")
    assert verdict.correct is correct and phrase in verdict.feedback, verdict.feedback


def test_membership_is_decided_exactly_at_an_irrational_endpoint():
    # abs(x**2 - 2) at sqrt(2): the set is [-2 sqrt 2, 2 sqrt 2]; 2.8284271247461903 > 2 sqrt 2.
    assert check_answer("abs(x**2 - 2)", "sqrt(2)", "yes", "member", s="sqrt(8)").correct
    assert check_answer("abs(x**2 - 2)", "sqrt(2)", "no", "member",
                        s="2.8284271247461903").correct


@pytest.mark.parametrize("answer", [
    "__import__('os').system('echo hacked')",
    "().__class__.__base__.__subclasses__()",
    "9**9**9",
    "[0, 9**9**9]",
    "x" * 5000,
    "[0, 1",
])
def test_unreadable_answers_raise_input_error_not_a_grade(answer):
    with pytest.raises(InputError):
        check_answer("relu(x)", "0", answer)


@pytest.mark.parametrize(("expr", "at", "kind", "kwargs"), [
    ("relu(", "0", "clarke", {}),
    ("relu(x)", "0", "nonsense", {}),
    ("relu(x)", "0", "member", {}),
])
def test_bad_questions_raise_input_error(expr, at, kind, kwargs):
    with pytest.raises(InputError):
        check_answer(expr, at, "yes" if kind == "member" else "[0, 1]", kind, **kwargs)


def test_sandboxed_check_answer():
    verdict = check_answer("relu(x)", "0", "[0, 1]", timeout=20)
    assert verdict.correct


def test_a_value_a_hair_above_the_end_is_not_graded_right():
    # 1 + 1e-45·(√2 + √3) is not 1: the grader decides it exactly (a 1e-12 float test said equal)
    verdict = check_answer("max(0, x)", "0", "[0, 1 + 10**-45*(sqrt(2)+sqrt(3))]")
    assert not verdict.correct and "right endpoint should be 1" in verdict.feedback
    assert check_answer("max(0, x)", "0", "[0, sqrt(2)+sqrt(3)-sqrt(5+2*sqrt(6)) + 1]").correct


def test_an_undecided_comparison_is_refused_not_guessed(monkeypatch):
    from clarke_core.errors import UndecidedError
    from clarke_core.grading import verdict

    def undecided(c):
        raise UndecidedError("undecided")

    monkeypatch.setattr(verdict, "_sign", undecided)
    with pytest.raises(InputError, match="could not decide exactly whether .* does not guess"):
        check_answer("max(0, x)", "0", "[0, 1 + 10**-45*(sqrt(2)+sqrt(3))]")
