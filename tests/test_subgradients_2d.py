"""The 2D convex subdifferential: convex cases equal the Clarke set, empty ones carry proofs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import clarke_set, subdifferential
from clarke_core.clarke_2d import value_at
from clarke_core.parsing import parse_function, parse_point

CONVEX = [
    ("abs(x) + abs(y)", "0, 0"),
    ("max(x, y)", "0, 0"),
    ("max(x + 2*y, x - y, -x)", "0, 0"),
    ("sqrt(x**2 + y**2)", "0, 0"),
    ("sqrt((x - 1)**2 + y**2) + abs(y)", "1, 0"),
]


@pytest.mark.parametrize("expr, at", CONVEX, ids=[c[0] for c in CONVEX])
def test_convex_functions_have_subdifferential_equal_to_clarke_set(expr, at):
    sub, clarke = subdifferential(expr, at), clarke_set(expr, at)
    assert sub.certified and sub.kind == clarke.kind and sub.vertices == clarke.vertices


EMPTY = [
    ("-abs(x) - abs(y)", "0, 0"),
    ("abs(x) - abs(y)", "0, 0"),
    ("max(x, y) - x**2", "0, 0"),
    ("min(x, y)", "0, 0"),
    ("max(y - x**2, -y - x**2)", "0, 0"),
]


@pytest.mark.parametrize("expr, at", EMPTY, ids=[c[0] for c in EMPTY])
def test_empty_subdifferential_is_proved_by_exact_witnesses(expr, at):
    sub = subdifferential(expr, at)
    assert sub.kind == "empty" and sub.certified and 2 <= len(sub.witnesses) <= 3
    f = parse_function(expr).expr
    p = parse_point(at, 2)
    fp = value_at(f, p)
    ds = [tuple(w.exact_point[i] - p[i] for i in (0, 1)) for w in sub.witnesses]
    cs = [value_at(f, w.exact_point) - fp for w in sub.witnesses]
    # Farkas: weights l >= 0, sum 1, with sum l d = 0 and sum l c < 0 leave no s.
    lam = sp.symbols(f"l0:{len(ds)}")
    eqs = [sum(lam[k] * ds[k][i] for k in range(len(ds))) for i in (0, 1)] + [sum(lam) - 1]
    (solution,) = sp.solve(eqs, lam, dict=True)
    weights = [solution[v] for v in lam]
    assert all(w >= 0 for w in weights)
    assert sum(w * c for w, c in zip(weights, cs, strict=True)) < 0


def test_nonconvex_nonempty_is_marked_numeric_and_satisfies_the_inequality():
    expr, at = "relu(x) - relu(-x) + abs(y)", "0, 0"
    sub = subdifferential(expr, at)
    assert not sub.certified and sub.kind == "segment"
    f = sp.lambdify(sp.symbols("x y", real=True), parse_function(expr).expr, "numpy")
    q = np.random.default_rng(3).uniform(-20, 20, (5000, 2))
    for s in sub.vertices:
        assert np.all(f(q[:, 0], q[:, 1]) >= q @ np.array(s) - 1e-9)


def test_points_on_a_curved_kink_cut_the_set_down_to_a_point():
    # |y - x^3| vanishes on y = x^3, so s = (0, t) needs t x^3 <= 0 for every x: only t = 0.
    sub = subdifferential("abs(y - x**3)", "0, 0")
    assert sub.kind == "point" and np.allclose(sub.vertices[0], (0, 0), atol=1e-8)
