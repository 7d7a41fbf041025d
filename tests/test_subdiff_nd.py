"""The exact n-D subdifferential of piecewise-affine f (engine/subdiff_nd): hand-derived cases,
convex ones against the Clarke set, the double description against scipy, the class boundary and
the work limit, and the API and command line in Rⁿ."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hull_check import distance_to_hull
from scipy import optimize

from clarke_core import subdifferential
from clarke_core.engine import subdiff_nd
from clarke_core.engine.clarke_nd import clarke_nd
from clarke_core.engine.primitives import by_name
from clarke_core.engine.subdiff_nd import (
    NotPiecewiseAffine,
    cone_generators,
    homogenized,
    subdifferential_nd,
)
from clarke_core.errors import UndecidedError

REPO_ROOT = Path(__file__).resolve().parent.parent
x, y, z = sp.symbols("x y z", real=True)
XS = sp.symbols("x1:5", real=True)
XYZ, O3 = (x, y, z), (0, 0, 0)
relu = by_name("relu").build
SQUARE_YZ = {(0, a, b) for a in (-1, 1) for b in (-1, 1)}
CUBE = set(itertools.product((-1, 1), repeat=3))


def smax(*args):
    return sp.Max(*args, evaluate=False)


def smin(*args):
    return sp.Min(*args, evaluate=False)


def vertex_set(vertices) -> set[tuple]:
    return {tuple(sp.nsimplify(c) for c in v) for v in vertices}


W_UPPER = smin(abs(x + 1), abs(x - 2) - 1) + abs(y) + abs(z)
W_LOWER = smin(abs(x + 1) + 1, abs(x - 2)) + abs(y) + abs(z)


def W_SQUARE(a):  # noqa: N802 (reads as the set it is)
    return {(a, b, c) for b in (-1, 1) for c in (-1, 1)}


HAND = [
    # min(|x|+|y|+|z|, 1) is |x|+|y|+|z| near 0 (Clarke set: the cube), but s must be 0 for
    # f to stay above <s, x> far away, where f is 1.
    ("far_cells_matter", smin(abs(x) + abs(y) + abs(z), 1), O3, {(0, 0, 0)}, "point"),
    ("flat_top_above_a_lower_point", smin(abs(x) + abs(y) + abs(z), 1), (2, 0, 0), set(),
     "empty"),
    ("concave_kink", -abs(x) + z, O3, set(), "empty"),
    ("concave_kink_in_r4", abs(XS[0]) - abs(XS[1]) + XS[2] + XS[3], (0,) * 4, set(), "empty"),
    # max(x, y, z) - max(x, y) = relu(z - max(x, y)) >= 0 = f(0): only s = 0 stays below it.
    ("max_minus_max", smax(x, y, z) - smax(x, y), O3, {(0, 0, 0)}, "point"),
    ("cancellation", sp.Add(abs(x), -abs(x), z, evaluate=False), O3, {(0, 0, 1)}, "point"),
    ("affine", x + 2 * y - z + 7, (1, 2, 3), {(1, 2, -1)}, "point"),
    ("relu_linear", relu(x + y) - relu(-x - y) + abs(z), O3, {(1, 1, 1), (1, 1, -1)},
     "segment"),
    # min(|x|, 1) + |y| + |z|: s_x = 0 (f is bounded in x), s_y, s_z in [-1, 1].
    ("bounded_in_x", smin(abs(x), 1) + abs(y) + abs(z), O3, SQUARE_YZ, "polygon"),
    ("plateau_edge", smax(abs(x) - 1, 0) + abs(y) + abs(z), (1, 0, 0),
     SQUARE_YZ | {(1, a, b) for a in (-1, 1) for b in (-1, 1)}, "polytope"),
    ("irrational_point", abs(x - sp.sqrt(2)) + abs(y) + z, (sp.sqrt(2), 0, 1),
     {(a, b, 1) for a in (-1, 1) for b in (-1, 1)}, "polygon"),
    ("irrational_slopes", smax(sp.sqrt(2) * x, -x) + abs(y) + z, O3,
     {(a, b, 1) for a in (sp.sqrt(2), -1) for b in (-1, 1)}, "polygon"),
    # W shapes in x (|y| + |z| added): the line through both local minima stays below f, so
    # s_x is cut to [-1, -1/3] at the upper minimum and to [-1/3, 1] at the lower one; at the
    # peak between them no s exists.
    ("w_shape_upper_min", W_UPPER, (-1, 0, 0), W_SQUARE(-1) | W_SQUARE(sp.Rational(-1, 3)),
     "polytope"),
    ("w_shape_lower_min", W_LOWER, (2, 0, 0), W_SQUARE(sp.Rational(-1, 3)) | W_SQUARE(1),
     "polytope"),
    ("w_shape_peak", smin(abs(x + 1), abs(x - 2)) + abs(y) + abs(z), (sp.Rational(1, 2), 0, 0),
     set(), "empty"),
]


@pytest.mark.parametrize(("expr", "point", "vertices", "kind"), [c[1:] for c in HAND],
                         ids=[c[0] for c in HAND])
def test_hand_derived_subdifferentials(expr, point, vertices, kind):
    variables = XYZ if len(point) == 3 else XS[:len(point)]
    result = subdifferential_nd(expr, variables, point)
    assert vertex_set(result.vertices) == vertex_set(vertices)
    assert result.kind == kind
    assert result.cells >= 1


CONVEX = [
    ("cube", abs(x) + abs(y) + abs(z), O3),
    ("max3", smax(x, y, z), O3),
    ("max_of_abs", smax(abs(x), abs(y)) + relu(z), O3),
    ("shifted", abs(x - 1) + smax(y, 2 * y, z - y), (1, 0, 0)),
    ("relu_sum_in_r4", relu(XS[0] + XS[1]) + relu(XS[2] - XS[3]) + abs(XS[0]), (0,) * 4),
]


@pytest.mark.parametrize(("expr", "point"), [c[1:] for c in CONVEX], ids=[c[0] for c in CONVEX])
def test_convex_functions_give_their_clarke_set(expr, point):
    variables = XYZ if len(point) == 3 else XS[:len(point)]
    clarke = clarke_nd(expr, variables, point)
    result = subdifferential_nd(expr, variables, point)
    assert vertex_set(result.vertices) == vertex_set(clarke.vertices)


def test_the_subdifferential_lies_in_the_clarke_set_and_holds_globally():
    f = smin(abs(x) + 2 * abs(y), 3) + smax(z, -2 * z) + relu(x - 2) - relu(x - 3)
    result = subdifferential_nd(f, XYZ, O3)
    clarke = clarke_nd(f, XYZ, O3)
    g = sp.lambdify(XYZ, f)
    far = np.random.default_rng(0).normal(scale=5, size=(2000, 3))
    assert vertex_set(result.vertices) == {(0, 0, -2), (0, 0, 1)}
    for v in result.vertices:
        s = np.array([float(c) for c in v])
        assert distance_to_hull(s, [[float(c) for c in w] for w in clarke.vertices]) < 1e-9
        assert all(g(*q) >= s @ q - 1e-9 for q in far)


# --- the double description ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_cone_generators_against_scipy(seed):
    """Every generator is in the cone, every ray is extreme (its zero rows have rank dim - l - 1),
    and sampled points of the cone are combinations of them (checked by HiGHS)."""
    rng = random.Random(seed)
    dim, m = rng.randint(2, 5), rng.randint(1, 8)
    rows = [tuple(rng.randint(-3, 3) for _ in range(dim)) for _ in range(m)]
    lineality, rays = cone_generators(rows, dim)
    a = np.array(rows, dtype=float)
    for b in lineality:
        assert np.allclose(a @ np.array(b, dtype=float), 0)
    assert len(lineality) == dim - np.linalg.matrix_rank(a)
    for r in rays:
        values = a @ np.array(r, dtype=float)
        assert (values >= 0).all() and (values > 0).any()
        tight = a[np.isclose(values, 0)]
        rank = np.linalg.matrix_rank(tight) if len(tight) else 0
        assert rank == dim - len(lineality) - 1
    points = np.random.default_rng(seed).normal(size=(400, dim))
    inside = points[(points @ a.T >= 0).all(axis=1)][:20]
    for q in inside:
        both = (*lineality, *(tuple(-c for c in b) for b in lineality))
        generators = [np.array(g, dtype=float) for g in (*rays, *both)]
        if not generators:
            assert np.allclose(q, 0)
            continue
        res = optimize.linprog(np.zeros(len(generators)), A_eq=np.array(generators).T, b_eq=q,
                               bounds=[(0, None)] * len(generators), method="highs")
        assert res.status == 0


def test_a_pointed_cone_and_a_half_space():
    assert cone_generators([(1, 0), (0, 1)], 2) == ([], [(1, 0), (0, 1)])
    lineality, rays = cone_generators([(1, 1, 0)], 3)
    assert len(lineality) == 2 and all(a + b == 0 for a, b, _ in lineality)
    assert len(rays) == 1 and rays[0][0] + rays[0][1] > 0
    assert cone_generators([(1, 0), (-1, 0)], 2) == ([(0, 1)], [])


# --- the class boundary and the work limit ---------------------------------------------------

NOT_PA = [
    ("square", abs(x) + y**2 + z),
    ("product", abs(x) * abs(y) + z),
    ("smooth", sp.sin(x) + abs(y) + z),
    ("piecewise", sp.Piecewise((x, x > 0), (0, True)) + z),
]


@pytest.mark.parametrize("expr", [c[1] for c in NOT_PA], ids=[c[0] for c in NOT_PA])
def test_outside_piecewise_affine_is_refused(expr):
    with pytest.raises(NotPiecewiseAffine, match="not affine"):
        subdifferential_nd(expr, XYZ, O3)


def test_homogenization_keeps_the_structure():
    assert homogenized(smax(x + 1, y), (x, y)) == sp.Max(x + sp.Symbol("t_homogeneous",
                                                                      real=True), y)
    with pytest.raises(NotPiecewiseAffine):
        homogenized(x * y, (x, y))


def test_too_many_pieces_is_undecided(monkeypatch):
    """The cell limit stops the enumeration (lowered here so that the test is quick: ten
    generic planes cut R³ into more than a hundred cells)."""
    monkeypatch.setattr(subdiff_nd, "MAX_CELLS", 50)
    rng = random.Random(1)
    f = -sum(abs(rng.randint(-3, 3) * x + rng.randint(-3, 3) * y + rng.randint(1, 3) * z
                 - rng.randint(-3, 3)) for _ in range(10))
    with pytest.raises(UndecidedError, match="too many pieces") as err:
        subdifferential_nd(f, XYZ, O3)
    assert "more than 50 cells" in str(err.value)
    monkeypatch.undo()
    assert subdifferential_nd(f, XYZ, O3).cells > 50


# --- the API and the command line ------------------------------------------------------------


def test_api_answers_non_convex_piecewise_affine_functions():
    s = subdifferential("min(abs(x), 1) + abs(y) + abs(z)", "0, 0, 0")
    assert s.kind == "polytope" and s.certified
    assert vertex_set(s.exact) == SQUARE_YZ
    assert "arrangement" in s.reason and s.extra["cells"] >= 4
    empty = subdifferential("-abs(x) + y + z", "0, 0, 0")
    assert empty.kind == "empty" and empty.vertices == [] and "no common point" in empty.reason
    assert subdifferential("abs(x) + abs(y) + abs(z)", "0, 0, 0").kind == "polytope"


def test_api_refuses_other_functions_with_the_reason():
    with pytest.raises(UndecidedError, match=r"neither \(the part y\*\*2 is not affine"):
        subdifferential("-abs(x) + y**2 + z", "0, 0, 0")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clarke_core", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_json_polytope_certified():
    out = _cli("subdifferential", "min(abs(x1), 1) + abs(x2) + abs(x3) + x4", "--at",
               "0, 0, 0, 5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["set"]["kind"] == "polytope" and data["set"]["certified"] is True
    assert {tuple(int(c) for c in v) for v in data["set"]["exact"]} == {
        (0, a, b, 1) for a in (-1, 1) for b in (-1, 1)}


def test_cli_json_empty():
    out = _cli("subdifferential", "min(abs(x) + abs(y) + abs(z), 1)", "--at", "2, 0, 0", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["set"]["kind"] == "empty" and data["set"]["vertices"] == []


