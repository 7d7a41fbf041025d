"""The 2D convex subdifferential: convex cases equal the Clarke set, empty ones carry proofs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import UndecidedError, clarke_set, subdifferential
from clarke_core.engine.clarke_2d import value_at
from clarke_core.engine.parsing import parse_function, parse_point

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
    assert sub.kind == clarke.kind and sub.vertices == clarke.vertices
    # Certified exactly when the Clarke set itself was: a curved set drawn from probed rays
    # (the disk plus a segment) is not, the disk with its closed form is.
    assert sub.certified == clarke.certified
    assert sub.certified or (sub.kind == "convex" and "closed_form" not in clarke.extra)


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
    # cos(x) - 1 + x^2/2 >= 0 holds, but no structural rule proves it: checked numerically,
    # and the headline says so.
    expr, at = "abs(y) + cos(x) - 1 + x**2/2", "0, 0"
    sub = subdifferential(expr, at)
    assert not sub.certified and sub.kind == "segment"
    assert "checked numerically" in sub.latex()
    f = sp.lambdify(sp.symbols("x y", real=True), parse_function(expr).expr, "numpy")
    q = np.random.default_rng(3).uniform(-20, 20, (5000, 2))
    for s in sub.vertices:
        assert np.all(f(q[:, 0], q[:, 1]) >= q @ np.array(s) - 1e-9)


def test_points_on_a_curved_kink_cut_the_set_down_to_a_point():
    # |y - x^3| vanishes on y = x^3, so s = (0, t) needs t x^3 <= 0 for every x: only t = 0.
    sub = subdifferential("abs(y - x**3)", "0, 0")
    assert sub.kind == "point" and np.allclose(sub.vertices[0], (0, 0), atol=1e-8)


# --- exact subdifferentials of nonconvex functions ----------------------------------------------

# (function, point, kind, exact vertices): piecewise affine, solved on the arrangement of lines;
# the first is {0} although the bounded grid |q - p| <= 10^4 saw the whole square.
PIECEWISE_AFFINE = [
    ("min(abs(x) + abs(y), 100000)", "0, 0", "point", [(0, 0)]),
    ("relu(x) - relu(-x) + abs(y)", "0, 0", "segment", [(1, -1), (1, 1)]),
    ("min(abs(x), 1) + abs(y)", "0, 0", "segment", [(0, -1), (0, 1)]),
    ("abs(abs(x) - 1) + abs(y)", "1, 0", "polygon", [(0, -1), (1, -1), (1, 1), (0, 1)]),
    ("Piecewise((x + 1, y > 0), (x, True))", "0, 0", "point", [(1, 0)]),
    ("min(abs(x - sqrt(2)), 3) + abs(y)", "sqrt(2), 0", "segment", [(0, -1), (0, 1)]),
]


@pytest.mark.parametrize("expr, at, kind, expected", PIECEWISE_AFFINE,
                         ids=[c[0] for c in PIECEWISE_AFFINE])
def test_piecewise_affine_subdifferential_is_exact_and_certified(expr, at, kind, expected):
    sub = subdifferential(expr, at)
    assert sub.kind == kind and sub.certified
    assert len(sub.exact) == len(expected)
    for got, want in zip(sub.exact, expected, strict=True):
        assert all(sp.simplify(g - w) == 0 for g, w in zip(got, want, strict=True))
    assert "checked numerically" not in sub.latex()
    # Independent check: every vertex satisfies the inequality at random and far points.
    f = sp.lambdify(sp.symbols("x y", real=True), parse_function(expr).expr, "numpy")
    p = np.array([float(c) for c in parse_point(at, 2)])
    rng = np.random.default_rng(7)
    q = np.vstack([p + rng.uniform(-3, 3, (4000, 2)), p + rng.uniform(-1e6, 1e6, (4000, 2))])
    fp = float(f(*p))
    for s in sub.vertices:
        slack = 1e-6 * (1 + abs(q).sum(1))
        assert np.all(f(q[:, 0], q[:, 1]) >= fp + (q - p) @ np.array(s) - slack)


def test_far_pieces_are_seen_by_the_exact_method_and_by_sampling():
    # The kink of min(., 10^5) lies beyond any bounded grid; sampled far points confirm that a
    # nonzero s fails there.
    sub = subdifferential("min(abs(x) + abs(y), 100000)", "0, 0")
    f = sp.lambdify(sp.symbols("x y", real=True),
                    parse_function("min(abs(x) + abs(y), 100000)").expr, "numpy")
    for s in [(0.01, 0), (0, -0.01), (1, 1)]:
        assert not sub.contains(s)
        q = 1e9 * np.array(s) / np.hypot(*s)
        assert f(*q) < q @ np.array(s)


def test_abs_sin_minus_y_at_pi_is_zero_proved_along_its_zero_curve():
    sub = subdifferential("abs(sin(x) - y)", "pi, 0")
    assert sub.kind == "point" and sub.certified and sub.exact == [(0, 0)]
    assert sub.latex() == r"\left\{\left(0, 0\right)\right\}"
    # Independent: s = t(1, 1), t != 0, fails at a point q = (pi + u, sin(pi + u)) of the curve
    # where f = 0, since then <s, q - p> = t (u - sin u) > 0 for u of the sign of t.
    u = np.linspace(-3, 3, 601)
    for t in (1e-3, -1e-3):
        assert np.any(t * (u + np.sin(np.pi + u)) > 0)
        assert not sub.contains((t, t))


def test_smooth_nonconvex_answers_by_germs_and_minorants():
    # |y| + x + sin(x)^2 >= |y| + x: the planes x ± y touch f at 0 and stay below it.
    sub = subdifferential("abs(y) + x + sin(x)**2", "0, 0")
    assert sub.certified and sub.kind == "segment" and sub.exact == [(1, -1), (1, 1)]
    # max(x, y) - x^2: along the kink line x = y the inequality fails for every s, exactly.
    empty = subdifferential("max(x, y) - x**2", "0, 0")
    assert empty.kind == "empty" and empty.certified


def test_numeric_noise_is_never_a_segment():
    sub = subdifferential("abs(y) + cos(x) - 1 + x**2/2", "0, 0")
    for v in sub.vertices:
        for c in v:
            assert c == round(c, 6)


def test_a_jump_on_a_cusp_still_has_its_subdifferential_empty():
    sub = subdifferential("Piecewise((x, (y > x**2) & (y < 2*x**2)), (-x, True))", "0, 0")
    assert sub.kind == "empty" and sub.certified and 2 <= len(sub.witnesses) <= 3


@pytest.mark.parametrize("expr", ["max(0, min(y - x**2, 2*x**2 - y))", "abs(y - x**3)"])
def test_point_answers_are_exact_zero_not_rounding_noise(expr):
    # once {(0, -1e-13)} and {(0, -1e-09)}, checked numerically
    sub = subdifferential(expr, "0, 0")
    assert sub.kind == "point" and sub.certified and sub.exact == [(0, 0)]
    assert sub.vertices == [(0.0, 0.0)] and sub.latex() == r"\left\{\left(0, 0\right)\right\}"


def test_a_non_lipschitz_subdifferential_is_undecided_not_undefined():
    # {(0, 1)} in truth (sqrt|x| >= s1 x for all x forces s1 = 0), which no exact rule here
    # reaches: the engine says it could not decide, never "undefined: not locally Lipschitz".
    with pytest.raises(UndecidedError, match="still defined"):
        subdifferential("sqrt(abs(x)) + y", "0, 0")
    # a jump of a piecewise-affine f: exact
    sub = subdifferential("Piecewise((x + 1, y > 0), (x, True))", "0, 0")
    assert sub.kind == "point" and sub.certified and sub.exact == [(1, 0)]
