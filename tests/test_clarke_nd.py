"""The exact n-D Clarke engine (clarke_nd, lp_exact): hand-derived cases, the class boundary,
agreement with the exact 2D engine, and a cross-check by gradient sampling in n dimensions."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hull_check import distance_to_hull
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize

from benchmarks.nd import sampled_gradients_nd
from clarke_core.api import clarke_set
from clarke_core.engine.clarke_nd import clarke_nd
from clarke_core.engine.lp_exact import as_number, dot, hull_vertices, strictly_feasible
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.primitives import X as PX
from clarke_core.engine.primitives import Y as PY
from clarke_core.engine.primitives import by_name
from clarke_core.errors import NotFiniteError, UndecidedError

x, y, z = sp.symbols("x y z", real=True)
XS = sp.symbols("x1:7", real=True)
x1, x2, x3 = XS[:3]
XYZ, O3 = (x, y, z), (0, 0, 0)
relu = by_name("relu").build


def smax(*args):
    return sp.Max(*args, evaluate=False)


def smin(*args):
    return sp.Min(*args, evaluate=False)


def vertex_set(result) -> set[tuple]:
    return {tuple(sp.nsimplify(c) for c in v) for v in result.vertices}


CUBE = set(itertools.product((-1, 1), repeat=3))
CASES = [
    ("max3", smax(x, y, z), XYZ, O3, {(1, 0, 0), (0, 1, 0), (0, 0, 1)}, "polygon"),
    ("cube", abs(x) + abs(y) + abs(z), XYZ, O3, CUBE, "polytope"),
    ("cancel_abs", sp.Add(abs(x), -abs(x), z, evaluate=False), XYZ, O3, {(0, 0, 1)}, "point"),
    ("relu_linear_2d", relu(x + y) - relu(-x - y), (x, y), (0, 0), {(1, 1)}, "point"),
    ("relu_linear_3d", relu(x + y) - relu(-x - y), XYZ, O3, {(1, 1, 0)}, "point"),
    ("weight_space", x3 * relu(x1 - x2), (x1, x2, x3), (0, 0, 1), {(0, 0, 0), (1, -1, 0)},
     "segment"),
    ("min_of_abs", smin(abs(x), y), XYZ, O3, {(1, 0, 0), (-1, 0, 0), (0, 1, 0)}, "polygon"),
    ("inactive_max", smax(x, y, 1) + z, XYZ, O3, {(0, 0, 1)}, "point"),
    ("smooth_factor", smax(sp.exp(x) - 1, y) * sp.cos(z), XYZ, O3, {(1, 0, 0), (0, 1, 0)},
     "segment"),
    ("curved_switch", smax(y - x**2, 0) + z, XYZ, O3, {(0, 0, 1), (0, 1, 1)}, "segment"),
    ("piecewise_relu", sp.Piecewise((x, x > 0), (0, True)) + z, XYZ, O3, {(0, 0, 1), (1, 0, 1)},
     "segment"),
    ("piecewise_glued_curved", sp.Piecewise((x * y, x > y), (y**2, True)), XYZ, (1, 1, 0),
     {(1, 1, 0), (0, 2, 0)}, "segment"),
    ("max_three_curved", smax(x + y**2, y - x**2, z + sp.sin(x)), XYZ, O3,
     {(1, 0, 0), (0, 1, 0), (1, 0, 1)}, "polygon"),
    ("irrational_point", abs(x - sp.sqrt(2)) + smax(y, -y) * sp.pi + z, XYZ,
     (sp.sqrt(2), 0, 5), {(s, t * sp.pi, 1) for s in (-1, 1) for t in (-1, 1)}, "polygon"),
]


@pytest.mark.parametrize(("expr", "variables", "point", "vertices", "kind"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exact_sets(expr, variables, point, vertices, kind):
    result = clarke_nd(expr, variables, point)
    assert result.exact
    assert vertex_set(result) == {tuple(sp.nsimplify(c) for c in v) for v in vertices}
    assert result.kind == kind
    assert all(c.gradient is not None for c in result.cells)


def test_cells_carry_sign_patterns_and_directions():
    result = clarke_nd(abs(x) + abs(y) + abs(z), XYZ, O3)
    assert len(result.cells) == 8
    for cell in result.cells:
        signs = dict(cell.signs)
        assert {signs[x], signs[y], signs[z]} <= {-1, 1}
        assert cell.gradient == (signs[x], signs[y], signs[z])
        # The direction lies inside the cell: every switch has its cell's sign along it.
        assert all(sp.sign(s.subs(dict(zip(XYZ, cell.direction, strict=True)))) == t
                   for s, t in cell.signs)


def test_bias_free_relu_network_at_zero():
    """f(x) = sum_j a_j relu(w_j . x) at x = 0: every realizable activation pattern (decided
    here independently by scipy's HiGHS) gives the gradient sum_{j on} a_j w_j."""
    rng = random.Random(3)
    w = [[rng.randint(-3, 3) for _ in range(3)] for _ in range(5)]
    a = [rng.choice([-2, -1, 1, 2]) for _ in range(5)]
    f = sum(aj * relu(sum(c * v for c, v in zip(wj, XYZ, strict=True)))
            for aj, wj in zip(a, w, strict=True))
    result = clarke_nd(f, XYZ, O3)
    expected = []
    for pattern in itertools.product((1, -1), repeat=5):
        if _scipy_strictly_feasible([[s * c for c in wj] for s, wj in zip(pattern, w, strict=True)
                                     if any(wj)]):
            expected.append(tuple(sum(aj * wj[i] for aj, wj, s in zip(a, w, pattern, strict=True)
                                      if s > 0) for i in range(3)))
    assert vertex_set(result) == set(hull_vertices([tuple(map(sp.Integer, g)) for g in expected]))
    assert {c.gradient for c in result.cells} == {tuple(map(sp.Integer, g)) for g in expected}


@pytest.mark.parametrize("n", [3, 4, 6])
def test_twelve_ties_max_of_thirteen_pieces(n):
    rng = random.Random(n)
    grads = [tuple(rng.randint(-4, 4) for _ in range(n)) for _ in range(13)]
    f = smax(*[sum(c * v for c, v in zip(g, XS[:n], strict=True)) for g in grads])
    result = clarke_nd(f, XS[:n], (0,) * n)
    # Max of linear pieces: its Clarke set is the hull of every piece's gradient; extreme points
    # checked independently by scipy's HiGHS (is g in the hull of the others?).
    expected = {g for g in set(grads) if not _in_hull(g, [h for h in set(grads) if h != g])}
    assert vertex_set(result) == {tuple(map(sp.Integer, g)) for g in expected}
    assert len(result.cells) == len(expected)


def test_twelve_abs_switches():
    rng = random.Random(12)
    rows = [tuple(rng.randint(-3, 3) for _ in range(3)) for _ in range(12)]
    f = sum(abs(sum(c * v for c, v in zip(r, XYZ, strict=True))) for r in rows)
    result = clarke_nd(f, XYZ, O3)
    grads = np.array([[float(c) for c in cell.gradient] for cell in result.cells])
    sampled = sampled_gradients_nd(f, XYZ, (0.0, 0.0, 0.0), radius=1e-6, n=3000,
                                   rng=np.random.default_rng(0),
                                   directions=[[float(a) for a in c.direction]
                                               for c in result.cells])
    assert len(result.vertices) == len(result.cells)  # a zonotope: every cell is a corner
    _check_against_samples(result, sampled)
    assert len(grads) > 50


TWO_D = [
    ("abs(x) + abs(y)", "0, 0"),
    ("max(x, y)", "0, 0"),
    ("min(x, y)", "0, 0"),
    ("-abs(x) - abs(y)", "0, 0"),
    ("max(x + 2*y, x - y, -x)", "0, 0"),
    ("abs(x - y) + abs(x + y)", "0, 0"),
    ("max(0, min(x, y))", "0, 0"),
    ("relu(x) - relu(-x) + abs(y)", "0, 0"),
    ("abs(abs(x) - abs(y))", "0, 0"),
    ("min(max(x, y), max(-x, 2*y))", "0, 0"),
    ("abs(x - sqrt(2)) + abs(y - pi)", "sqrt(2), pi"),
    ("max(x, y) + max(-x, -y)", "0, 0"),
    ("x*abs(y) + max(x, 0)", "1, 0"),
    ("max(exp(x) - 1, y)", "0, 0"),
]


@pytest.mark.parametrize(("text", "at"), TWO_D, ids=[t for t, _ in TWO_D])
def test_agrees_with_the_exact_2d_engine(text, at):
    expected = clarke_set(text, at)
    result = clarke_nd(parse_function(text).expr, (PX, PY), parse_point(at, 2))
    assert {tuple(sp.nsimplify(c) for c in v) for v in expected.exact} == vertex_set(result)
    assert result.kind == expected.kind


OUTSIDE = [
    ("zero_gradient_product", abs(x * y), "zero gradient"),
    ("zero_gradient_square", abs(x**2 - y**2) + z, "zero gradient"),
    ("cusp", smax(y - x**2, 0) - relu(y), "thin cells"),
    ("jump", sp.sign(x) + y, "jump"),
    ("piecewise_jump", sp.Piecewise((x, x > 0), (x + 1, True)), "jump"),
    ("jump_at_the_point_only", sp.Piecewise((1, sp.Eq(x, 0)), (x, True)), "jumps"),
    ("dependent_curved", smax(z, x + y**2, x + y**2 + z**3), "thin cells"),
]


@pytest.mark.parametrize(("expr", "reason"), [c[1:] for c in OUTSIDE], ids=[c[0] for c in OUTSIDE])
def test_outside_the_class_is_undecided_with_a_reason(expr, reason):
    with pytest.raises(UndecidedError, match=reason):
        clarke_nd(expr, XYZ, O3)


def test_undefined_at_the_point_is_refused():
    with pytest.raises(NotFiniteError):
        clarke_nd(sp.log(x) + abs(y), XYZ, O3)


def test_non_lipschitz_is_unbounded():
    result = clarke_nd(sp.sqrt(abs(x)) + y + z, XYZ, O3)
    assert result.kind == "unbounded"
    assert result.vertices == ()


def test_lp_agrees_with_an_independent_solver():
    rng = random.Random(0)
    for _ in range(200):
        n, m = rng.randint(2, 5), rng.randint(1, 9)
        rows = [tuple(rng.randint(-3, 3) for _ in range(n)) for _ in range(m)]
        d = strictly_feasible(rows, n)
        assert (d is not None) == _scipy_strictly_feasible(rows)
        if d is not None:
            assert all(dot(r, d) > 0 for r in rows)
    assert strictly_feasible([(sp.sqrt(2), -1), (-1, 1)], 2) is not None
    assert strictly_feasible([(sp.sqrt(2), -1), (-sp.sqrt(2), 1)], 2) is None


def test_curved_independent_switches_against_sampling():
    """Two curved switches with independent gradients (in the class): the exact set is the
    hull of the four pieces' gradients at 0, and sampled gradients within 1e-7 of the point
    come within 1e-5 of it and of each vertex (smooth pieces: gradients move by O(radius))."""
    f = smax(x + y**2, z - x**2) + abs(y + sp.sin(z))
    result = clarke_nd(f, XYZ, O3)
    assert vertex_set(result) == {(1, 1, 1), (1, -1, -1), (0, 1, 2), (0, -1, 0)}
    sampled = sampled_gradients_nd(f, XYZ, (0.0, 0.0, 0.0), radius=1e-7, n=800,
                                   rng=np.random.default_rng(1),
                                   directions=[[float(a) for a in c.direction]
                                               for c in result.cells])
    vertices = [[float(c) for c in v] for v in result.vertices]
    assert all(distance_to_hull(g, vertices) <= 1e-5 for g in sampled[:200])
    for v in vertices:
        assert np.min(np.max(np.abs(sampled - np.array(v)), axis=1)) <= 1e-5


# --- gradient sampling cross-check ------------------------------------------------------


@st.composite
def formulas(draw, n: int):
    """Random max/min/abs/relu formulas of random rational affine pieces through 0."""
    variables = XS[:n]

    def piece():
        coeffs = [sp.Rational(draw(st.integers(-6, 6)), draw(st.integers(1, 3)))
                  for _ in range(n)]
        return sum(c * v for c, v in zip(coeffs, variables, strict=True))

    def build(depth):
        if depth == 0:
            return piece()
        op = draw(st.sampled_from(["max", "min", "abs", "relu", "sum"]))
        k = draw(st.integers(2, 3))
        if op == "abs":
            return abs(build(depth - 1))
        if op == "relu":
            return relu(build(depth - 1))
        args = [build(depth - 1) for _ in range(k)]
        if op == "sum":
            return sum(draw(st.sampled_from([-1, 1, 2])) * a for a in args)
        return smax(*args) if op == "max" else smin(*args)

    return build(draw(st.integers(1, 3)))


@pytest.mark.parametrize("n", [3, 4, 5])
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_sampled_gradients_match_the_exact_set(n, data):
    f = data.draw(formulas(n))
    result = clarke_nd(f, XS[:n], (0,) * n)
    directions = [[float(a) for a in c.direction] for c in result.cells]
    sampled = sampled_gradients_nd(f, XS[:n], (0.0,) * n, radius=1e-6, n=600,
                                   rng=np.random.default_rng(0), directions=directions)
    _check_against_samples(result, sampled)


def _check_against_samples(result, sampled: np.ndarray) -> None:
    """Every sampled gradient lies in the exact hull (each distinct sample snapped to the
    nearest small-denominator rational within 1e-7, then an exact LP: no strict separation from
    the vertices), and every exact vertex is approached by some sampled gradient (within 1e-6)."""
    assert len(sampled) > 0
    vertices = [tuple(sp.nsimplify(c) for c in v) for v in result.vertices]
    exact = [tuple(as_number(c) for c in v) for v in vertices]
    for g in {tuple(np.round(g, 7)) for g in sampled}:
        snapped = tuple(Fraction(float(c)).limit_denominator(10**4) for c in g)
        assert max(abs(float(a) - b) for a, b in zip(snapped, g, strict=True)) <= 1e-7, g
        separation = [tuple(a - b for a, b in zip(snapped, v, strict=True)) for v in exact]
        assert strictly_feasible(separation, len(g)) is None, (g, vertices)
    for v in vertices:
        assert np.min(np.max(np.abs(sampled - np.array(v, dtype=float)), axis=1)) <= 1e-6, v


def _scipy_strictly_feasible(rows) -> bool:
    """Independent float check (HiGHS): max t s.t. r.d >= t, -1 <= d <= 1, t <= 1; t* > 0?"""
    if not rows:
        return True
    n = len(rows[0])
    a_ub = [[-c for c in r] + [1] for r in rows]
    res = optimize.linprog([0] * n + [-1], A_ub=a_ub, b_ub=[0] * len(rows),
                           bounds=[(-1, 1)] * n + [(None, 1)], method="highs")
    return res.status == 0 and -res.fun > 1e-9


def _in_hull(g, others) -> bool:
    """Independent float check (HiGHS): is g a convex combination of the others?"""
    if not others:
        return False
    k = len(others)
    a_eq = [[h[i] for h in others] for i in range(len(g))] + [[1] * k]
    res = optimize.linprog([0] * k, A_eq=a_eq, b_eq=[*g, 1], bounds=[(0, None)] * k,
                           method="highs")
    return res.status == 0
