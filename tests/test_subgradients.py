"""The 1D convex subdifferential: convex cases exact, empty ones proved by exact witnesses."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import clarke_set, subdifferential
from clarke_core.engine.local import side_form
from clarke_core.engine.parsing import parse_function, parse_point

CONVEX = [
    ("max(0, x)", "0", [0, 1]),
    ("abs(x)", "0", [-1, 1]),
    ("abs(x) + abs(x - 1)", "1", [0, 2]),
    ("max(x, -2*x, x**2)", "0", [-2, 1]),
    ("x**2", "1", [2]),
    ("exp(abs(x))", "0", [-1, 1]),
]


@pytest.mark.parametrize("expr, at, expected", CONVEX, ids=[c[0] for c in CONVEX])
def test_convex_functions_have_subdifferential_equal_to_clarke_set(expr, at, expected):
    sub, clarke = subdifferential(expr, at), clarke_set(expr, at)
    assert sub.certified
    assert [p[0] for p in sub.exact] == expected == [p[0] for p in clarke.exact]


EMPTY = [
    ("-abs(x)", "0"),
    ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1"),
    ("x**3", "0"),
    ("abs(x) - x**2/10", "0"),
    ("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0"),
    ("min(x, 0)", "0"),
    ("sin(x)", "0"),
]


@pytest.mark.parametrize("expr, at", EMPTY, ids=[c[0] for c in EMPTY])
def test_empty_subdifferential_comes_with_exact_witnesses(expr, at):
    sub = subdifferential(expr, at)
    assert sub.kind == "empty" and sub.certified
    left, right = sub.witnesses
    f = parse_function(expr).expr
    (a,) = parse_point(at, 1)
    x = sp.Symbol("x", real=True)
    fa = side_form(f, x, a, 0)
    q = [(side_form(f, x, w.exact_point[0], 0) - fa) / (w.exact_point[0] - a)
         for w in sub.witnesses]
    # x'_L < a forces s >= q_L, x'_R > a forces s <= q_R, and q_L > q_R: no s is left.
    assert left.exact_point[0] < a < right.exact_point[0]
    assert sp.simplify(q[0] - q[1]).evalf() > 0
    assert left.bound.startswith("s ≥") and right.bound.startswith("s ≤")


def test_lecture_figure_one_witnesses_are_simple_points():
    sub = subdifferential("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1")
    assert sub.witnesses[0].exact_point == (-2,)
    assert sub.witnesses[0].bound == "s ≥ 1"


def test_nonconvex_nonempty_is_flagged_as_numerically_checked():
    # |x| + sin(x): the bound inf (1 + sin(x)/x) sits at a root of tan(x) = x, which sympy cannot
    # give exactly; the set is then uncertified and its reason opens by saying so.
    sub = subdifferential("abs(x) + sin(x)", "0")
    assert sub.kind == "interval" and not sub.certified
    assert sub.reason.startswith("Checked numerically")
    assert sub.vertices[0] == (0.0,) and abs(sub.vertices[1][0] - 0.782766) < 1e-6


def test_relu_difference_is_proved_to_be_the_point_one():
    # It was "checked numerically" before: the two linear pieces make the check exact.
    sub = subdifferential("relu(x) - relu(-x)", "0")
    assert sub.kind == "point" and sub.exact == [(1,)] and sub.certified


def test_binding_point_between_grid_points_is_found_exactly():
    # |x^2 - 2| at sqrt(2): x' = -sqrt(2) forces s >= 0; the local slopes give s <= 2 sqrt(2).
    sub = subdifferential("abs(x**2 - 2)", "sqrt(2)")
    assert sub.exact == [(0,), (2 * sp.sqrt(2),)]


@pytest.mark.parametrize("expr, at", [("abs(x)", "0"), ("relu(x) - relu(-x)", "0"),
                                      ("abs(x**2 - 2)", "sqrt(2)")])
def test_every_reported_subgradient_satisfies_the_inequality_on_random_points(expr, at):
    sub = subdifferential(expr, at)
    f = sp.lambdify(sp.Symbol("x", real=True), parse_function(expr).expr, "numpy")
    (a,) = parse_point(at, 1)
    xs = np.random.default_rng(1).uniform(-50, 50, 20000)
    for (s,) in sub.vertices:
        assert np.all(f(xs) >= float(f(float(a))) + s * (xs - float(a)) - 1e-9)


def test_not_lipschitz_still_has_a_global_subdifferential():
    # sqrt|x| >= s x for all x only for s = 0: the bound comes from x' -> ±∞, found exactly.
    sub = subdifferential("sqrt(abs(x))", "0")
    assert sub.kind == "point" and sub.exact == [(0,)] and sub.certified
    assert "Lipschitz" in sub.reason


def test_a_jump_up_to_the_value_empties_the_subdifferential():
    # f(0) = 1 sits above the left branch's limit 0: no line through (0, 1) stays below.
    sub = subdifferential("Piecewise((x, x < 0), (x + 1, True))", "0")
    assert sub.kind == "empty" and sub.certified
