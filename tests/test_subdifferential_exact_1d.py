"""The exact 1D subdifferential: both ends found exactly, cross-checked by dense numerics."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from compositions_1d import random_cases

from clarke_core import subdifferential
from clarke_core.engine.convexity import jensen_violation
from clarke_core.engine.local import kinks
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.primitives import X

# Bounded or sublinear nonconvex functions: the subdifferential is {0}, decided by x' -> ±∞.
POINT_ZERO = ["sqrt(abs(x))", "min(abs(x), 1)", "log(1 + abs(x))", "abs(x)/(1 + abs(x))",
              "min(abs(x), 10000000)"]


@pytest.mark.parametrize("expr", POINT_ZERO, ids=POINT_ZERO)
def test_bounded_or_sublinear_functions_have_the_certified_point_zero(expr):
    sub = subdifferential(expr, "0")
    assert sub.kind == "point" and sub.exact == [(0,)] and sub.certified
    assert sub.vertices == [(0.0,)]
    assert "numerically" not in sub.reason


@pytest.mark.parametrize("expr, at", [
    ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1"),
    ("-abs(x)", "0"),
    ("sign(x)", "0"),
], ids=["figure-1", "minus-abs", "sign"])
def test_empty_sets_are_certified_with_exact_witnesses(expr, at):
    sub = subdifferential(expr, at)
    assert sub.kind == "empty" and sub.certified and len(sub.witnesses) == 2


def test_figure_one_keeps_the_lecture_witness():
    sub = subdifferential("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1")
    assert sub.witnesses[0].exact_point == (-2,) and sub.witnesses[0].bound == "s ≥ 1"


@pytest.mark.parametrize("expr, at, expected", [
    ("abs(x)", "0", [(-1,), (1,)]),
    ("max(0, x)", "0", [(0,), (1,)]),
    ("abs(x - 1) + x**2/4", "1", [(-sp.Rational(1, 2),), (sp.Rational(3, 2),)]),
], ids=["abs", "relu", "shifted-abs"])
def test_convex_functions_are_unchanged(expr, at, expected):
    sub = subdifferential(expr, at)
    assert sub.exact == expected and sub.certified


def test_an_irrational_kink_far_away_binds_exactly():
    # |x² - 2| at √2: x' = -√2 (another kink) forces s ≥ 0; the right slope gives s ≤ 2√2.
    sub = subdifferential("abs(x**2 - 2)", "sqrt(2)")
    assert sub.exact == [(0,), (2 * sp.sqrt(2),)] and sub.certified


def test_numeric_fallback_says_so_and_shows_clean_numbers():
    sub = subdifferential("abs(x) + sin(x)", "0")
    assert not sub.certified and sub.reason.startswith("Checked numerically")
    for (v,) in sub.vertices:
        assert v == float(f"{v:.6g}")  # no rounding noise digits


def test_exact_kinks_of_nested_functions():
    assert kinks(sp.Max(X**2, 2 * sp.Abs(X) - 1), X) == [-1, 0, 1]
    assert kinks(sp.Min(sp.Abs(X), 10**7), X) == [-10**7, 0, 10**7]


# --- Cross-check against dense numerics on random compositions ------------------------------

CASES = random_cases(24, seed=11)
_OFFSETS = np.unique(np.concatenate([np.geomspace(1e-7, 1e9, 4000), np.linspace(1e-3, 10, 4000)]))


def _gap(expr: str, at: str, s: float) -> float:
    """min over x' of f(x') - f(a) - s (x' - a), relative to the size of the terms."""
    f = sp.lambdify(X, parse_function(expr).expr, "numpy")
    (a,) = parse_point(at, 1)
    a = float(a)
    xs = np.concatenate([a - _OFFSETS, a + _OFFSETS])
    with np.errstate(all="ignore"):
        fx = np.asarray(f(xs), dtype=float) * np.ones_like(xs)
        fa = float(f(a))
    gap = (fx - fa - s * (xs - a)) / (1 + np.abs(fx) + abs(fa) + np.abs(s * (xs - a)))
    return float(np.nanmin(gap))


@pytest.fixture(scope="module")
def random_sets() -> dict:
    return {case: subdifferential(*case) for case in CASES}


@pytest.mark.parametrize("expr, at", CASES, ids=[f"{e} @ {a}" for e, a in CASES])
def test_certified_sets_pass_a_dense_numeric_check(expr, at, random_sets):
    sub = random_sets[(expr, at)]
    if not sub.certified or sub.kind not in ("point", "interval"):
        return
    lo, hi = sub.vertices[0][0], sub.vertices[-1][0]
    assert _gap(expr, at, lo) >= -1e-9 and _gap(expr, at, hi) >= -1e-9
    delta = 1e-3 * max(1.0, abs(lo), abs(hi))
    assert _gap(expr, at, lo - delta) < 0 and _gap(expr, at, hi + delta) < 0


def test_most_random_cases_are_certified(random_sets):
    # The cross-check above would be vacuous if the engine certified nothing, or only empty sets.
    certified = [s for s in random_sets.values() if s.certified]
    assert len(certified) >= 0.75 * len(CASES)
    assert sum(s.kind in ("point", "interval") for s in certified) >= 8


def test_nonconvex_reason_names_two_points_that_break_jensen():
    sub = subdifferential("min(abs(x), 1)", "0")
    assert "f is not convex: f(1) = 1 > 1/2 = (f(0) + f(2))/2" in sub.reason
    assert "not certified" not in sub.reason


@pytest.mark.parametrize("expr, variables", [
    (-sp.Abs(X), (X,)),
    (sp.sqrt(sp.Abs(X)), (X,)),
    (-sp.Abs(X) - sp.Abs(sp.Symbol("y", real=True)), (X, sp.Symbol("y", real=True))),
    (sp.Min(sp.Abs(X), sp.Abs(sp.Symbol("y", real=True))), (X, sp.Symbol("y", real=True))),
], ids=["minus-abs", "sqrt-abs", "minus-l1", "min-abs-2d"])
def test_jensen_violation_is_exact_in_one_and_two_variables(expr, variables):
    p, q = jensen_violation(expr, variables, [tuple(sp.Integer(0) for _ in variables)])
    at = [dict(zip(variables, pt, strict=True)) for pt in
          (p, q, tuple((u + v) / 2 for u, v in zip(p, q, strict=True)))]
    fp, fq, fm = (expr.subs(point) for point in at)
    assert sp.simplify(fm - (fp + fq) / 2) > 0


@pytest.mark.parametrize("expr", [sp.Abs(X), X**2, sp.Max(X, 0) - sp.Max(-X, 0)],
                         ids=["abs", "square", "relu-difference"])
def test_jensen_violation_finds_nothing_for_convex_functions(expr):
    assert jensen_violation(expr, (X,), [(sp.Integer(0),)]) is None
