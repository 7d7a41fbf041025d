"""Positive homogeneity and Euler's identity over the Clarke set (lecture §3, Lemma 3.2)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from clarke_core import homogeneity_degree
from clarke_core.engine.parsing import parse_function
from clarke_core.labs.euler import euler_check, explore_homogeneity
from clarke_core.labs.exact_zero import exactly_zero
from clarke_core.labs.homogeneity import cross_check, homogeneity

R = sp.Rational

HOMOGENEOUS = [
    ("relu(x)", 1),
    ("abs(x) + abs(y)", 1),
    ("max(x, y)", 1),
    ("sqrt(x**2 + y**2)", 1),
    ("x*y", 2),
    ("abs(x)**(1/2)", R(1, 2)),
    ("Piecewise((x**2, x > 0), (-x**2, True))", 2),
    ("max(x, 2*y) - min(x, y)", 1),
    ("x**3 - 2*x*y**2 + y**3", 3),
    ("abs(x)**(3/2)*abs(y)", R(5, 2)),
    ("x*sign(x)", 1),
    ("min(relu(x), abs(y))**2", 2),
    ("Piecewise((x, (x > 0) & (y > x)), (abs(y), True))", 1),
    ("relu(x) - relu(-x) - x + 1", 0),  # = 1: the degree-1 terms cancel
    ("5", 0),
    ("sin(x)**2 + cos(x)**2", 0),  # = 1, seen by the exact fallback
    ("relu(x) - relu(-x)", 1),  # = x
    ("relu(x)*relu(-x)*y + x*y", 2),  # the degree-3 product is 0 on every face
]

NOT_HOMOGENEOUS = [
    ("x + 1", "mixes degrees"),
    ("x**3 - y", "mixes degrees"),
    ("exp(x)", "exp"),
    ("max(x, 1)", "mixes degrees"),
    ("abs(x) + x**2", "mixes degrees"),
    ("sin(x)", "sin"),
    ("sign(x)", "constant"),  # degree 0 for α > 0 only: sign(0·x) = 0 ≠ sign(x)
    ("Piecewise((x, x > 1), (0, True))", "condition"),
    ("1/x", "undefined"),
    ("x**2*y/(x**2 + y**2)", "undefined at the origin"),
    ("sqrt(x)", "not a real number"),
    ("0*x", "identically 0"),
    ("relu(x) - relu(-x) - x", "identically 0"),  # issue 11, 8f: was given degree 1
    ("max(x, y) + min(x, y) - x - y", "identically 0"),
    ("abs(x) - x*sign(x)", "identically 0"),
    ("relu(x)*relu(-x)", "identically 0"),
    ("abs(x) + abs(y) - max(x + y, x - y, -x + y, -x - y)", "identically 0"),
    ("x**pi", "irrational"),
]


@pytest.mark.parametrize(("expr", "degree"), HOMOGENEOUS, ids=[e for e, _ in HOMOGENEOUS])
def test_degree_of_homogeneous_functions(expr, degree):
    found = homogeneity_degree(expr)
    assert found == degree and isinstance(found, sp.Rational)
    assert cross_check(parse_function(expr), found) < 1e-8


@pytest.mark.parametrize(("expr", "why"), NOT_HOMOGENEOUS, ids=[e for e, _ in NOT_HOMOGENEOUS])
def test_look_alikes_are_refused_with_a_reason(expr, why):
    h = homogeneity(expr)
    assert h.degree is None and not h.homogeneous
    assert why in h.reason and h.reason.endswith(".")


@pytest.mark.parametrize(("expr", "shown"), [
    ("abs(x) + x**2", "x² + |x| mixes degrees"),
    ("Piecewise((x**2, x**2 > 1), (0, True))", "The condition x² > 1"),
    ("x**3 - y", "x³ − y mixes degrees"),
], ids=["sum", "condition", "minus"])
def test_a_reason_writes_formulas_as_page_text(expr, shown):
    """The page shows the reason in a warning: x², not Python's x**2."""
    reason = homogeneity(expr).reason
    assert shown in reason and "**" not in reason


def test_the_derivation_ends_with_the_whole_function():
    h = homogeneity("max(x, 2*y) - min(x, y)")
    assert h.steps[-1].latex == h.latex and h.steps[-1].degree == 1
    assert any("max" in s.rule for s in h.steps)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(a=st.integers(-3, 3), b=st.integers(-3, 3), p=st.integers(1, 3))
def test_monomials_in_abs_have_the_sum_of_exponents(a, b, p):
    # |x|^p |y|^q (the lecture's monomial example) plus a max of the same degree
    expr = f"abs(x)**{p} * abs(y)**2 + {a}*max(x, {b}*y)**{p + 2}"
    assert homogeneity_degree(expr) == p + 2


# --- Euler's identity ---------------------------------------------------------------------------

EULER = [
    ("relu(x)", "0"), ("relu(x)", "2"), ("relu(x)", "-3/2"),
    ("abs(x) + abs(y)", "0, 0"), ("abs(x) + abs(y)", "0, 1"), ("abs(x) + abs(y)", "1, -2"),
    ("max(x, y)", "0, 0"), ("max(x, y)", "1, 1"), ("max(x, y)", "2, -1"),
    ("sqrt(x**2 + y**2)", "0, 0"), ("sqrt(x**2 + y**2)", "3, 4"),
    ("x*y", "1, 2"), ("max(x, 2*y) - min(x, y)", "1, 1"), ("max(x, 2*y) - min(x, y)", "2, 1"),
    ("Piecewise((x**2, x > 0), (-x**2, True))", "0"),
    ("Piecewise((x**2, x > 0), (-x**2, True))", "-2"),
    ("abs(x)*x + abs(y)**2", "0, sqrt(2)"),
]


@pytest.mark.parametrize(("expr", "at"), EULER, ids=[f"{e}@{a}" for e, a in EULER])
def test_euler_identity_on_the_whole_clarke_set(expr, at):
    c = euler_check(expr, at)
    assert c.holds, c
    assert c.boundary_residual <= 1e-9
    assert all(abs(p - float(c.target)) <= 1e-9 for p in c.products)


def test_euler_identity_at_a_kink_with_a_segment():
    c = euler_check("abs(x) + abs(y)", "0, 1")
    assert c.clarke.kind == "segment"
    assert c.exact_products == (1, 1) and c.target == 1


def test_euler_fails_without_a_degree():
    c = euler_check("x + 1", "0")
    assert c.degree is None and not c.holds and c.target is None


def test_euler_fails_for_a_wrong_degree():
    # abs(x) + x**2 at 1: ⟨s, x⟩ = 3 but f = 2, so no L = 1 (nor any degree) fits
    c = euler_check("abs(x) + x**2", "1", degree=1)
    assert c.products == (3.0,) and c.target == 2 and not c.holds


def test_euler_needs_local_lipschitz():
    c = euler_check("abs(x)**(1/2)", "0")
    assert c.degree == R(1, 2) and c.clarke.kind == "unbounded" and not c.holds


def test_the_ray_follows_alpha_to_the_L():
    v = explore_homogeneity("x*y", "1, 2")
    assert np.allclose(v.along_ray, v.predicted)
    assert v.predicted[0] == 0.0
    assert explore_homogeneity("x + 1", "1").predicted is None


def test_a_function_of_x_at_a_point_of_the_plane():
    c = euler_check("relu(x)", "2, 5")
    assert c.holds and c.exact_products == (2,)
    assert explore_homogeneity("x + 1", "0, 1").euler.clarke.vertices == [(1.0, 0.0)]


ZERO_OR_NOT = [
    "relu(x) - relu(-x) - x", "relu(x) - relu(-x)", "abs(x - 1) - abs(1 - x)",
    "max(x, y) + min(x, y) - x - y", "max(x, y) + min(x, y) - x", "relu(x)*relu(-x)*y",
    "abs(x) - x*sign(x)", "Piecewise((x, x > 0), (0, True)) - relu(x)",
    "Piecewise((x, x >= 0), (0, True)) - relu(x) + Heaviside(x) - Heaviside(x)",
    "Piecewise((1, x == 0), (0, True))", "abs(x + y) - abs(x) - abs(y)",
    "max(x - y, 0) - relu(x - y)", "sign(x)*abs(x) - x",
]


@pytest.mark.parametrize("text", ZERO_OR_NOT)
def test_exact_zero_agrees_with_exact_values(text):
    # Independent: exact values at rational points on a grid that hits every kink line of these
    # functions (x = 0, y = 0, x = ±y, x = 1) and the cells between them.
    function = parse_function(text)
    grid = [R(k, 4) for k in range(-8, 9)]
    points = [(a,) for a in grid] if function.dim == 1 else [(a, b) for a in grid for b in grid]
    values = {function.expr.subs(dict(zip(function.variables, p, strict=True))) for p in points}
    assert exactly_zero(function.expr, function.variables) is (values == {0})


def test_zero_is_decided_before_the_degree():
    h = homogeneity("relu(x) - relu(-x) - x")
    assert h.degree is None and h.steps == () and "proved exactly" in h.reason
    cancelled = homogeneity("relu(x) - relu(-x) - x + 1")
    assert cancelled.degree == 0
    assert any("cancel (proved exactly)" in step.rule for step in cancelled.steps)
