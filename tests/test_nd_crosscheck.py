"""Cross-checks of the exact n-D engines against independent float computations, on random
max/min/abs/relu formulas of small-integer affine pieces in 3 to 5 variables, at points where
pieces tie.

The formulas are trees (``Node``) with two readings: a sympy expression for the exact engines,
and a numpy evaluator that returns f and the gradient of the piece a point lies in (exact piece
gradients: random points tie with probability 0). test_clarke_nd.py samples by finite
differences at the origin; here the points are general, the gradients exact, and the
subdifferential is checked too:

- Clarke: every gradient sampled near the point lies in the exact polytope (within 1e-9, HiGHS),
  and every exact vertex is a sampled gradient (within 1e-9).
- Subdifferential: every exact vertex satisfies the subgradient inequality at many random points
  near and far; and, independently of the engine, the set is rebuilt from a finer arrangement
  (every hyperplane where two candidate pieces of a node can tie, and the coordinate planes
  through the point): its vertices and its edge directions give finitely many inequalities
  whose solution set, by a float LP, has the exact set's support function in random directions,
  is empty exactly when the exact set is, and excludes points just outside each exact vertex.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp
from hull_check import distance_to_hull
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize

from clarke_core.engine.clarke_nd import clarke_nd
from clarke_core.engine.primitives import by_name
from clarke_core.engine.subdiff_nd import subdifferential_nd

XS = sp.symbols("x1:6", real=True)
relu = by_name("relu").build
MAX_HYPERPLANES = 22


@dataclass(frozen=True)
class Node:
    """``op`` in leaf | max | min | abs | relu | sum. A leaf is a·(x - p) + c; a sum carries
    integer weights."""

    op: str
    a: tuple[int, ...] = ()
    c: int = 0
    children: tuple[Node, ...] = ()
    weights: tuple[int, ...] = ()


def to_sympy(node: Node, p: tuple[int, ...]) -> sp.Expr:
    if node.op == "leaf":
        return sum((ai * (v - pi) for ai, v, pi in zip(node.a, XS, p, strict=False)),
                   sp.Integer(node.c))
    args = [to_sympy(ch, p) for ch in node.children]
    if node.op == "max":
        return sp.Max(*args, evaluate=False)
    if node.op == "min":
        return sp.Min(*args, evaluate=False)
    if node.op == "abs":
        return abs(args[0])
    if node.op == "relu":
        return relu(args[0])
    return sp.Add(*(w * e for w, e in zip(node.weights, args, strict=True)))


def evaluate(node: Node, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f and its piece's gradient at the points p + y (rows of y)."""
    if node.op == "leaf":
        a = np.array(node.a, dtype=float)
        return y @ a + node.c, np.broadcast_to(a, y.shape).copy()
    parts = [evaluate(ch, y) for ch in node.children]
    if node.op in ("max", "min"):
        values = np.stack([v for v, _ in parts])
        pick = values.argmax(axis=0) if node.op == "max" else values.argmin(axis=0)
        rows = np.arange(len(y))
        return values[pick, rows], np.stack([g for _, g in parts])[pick, rows]
    if node.op in ("abs", "relu"):
        v, g = parts[0]
        s = np.sign(v) if node.op == "abs" else (v > 0).astype(float)
        return v * s, g * s[:, None]
    value = sum(w * v for w, (v, _) in zip(node.weights, parts, strict=True))
    return value, sum(w * g for w, (_, g) in zip(node.weights, parts, strict=True))


def pieces_and_hyperplanes(node: Node, n: int) -> tuple[set, set]:
    """Every affine function (a, c) the node can equal somewhere, and hyperplanes (a, c) such
    that the node is affine on each open cell they cut: where two arguments of a max or min can
    tie, where the argument of abs or relu can vanish (in the coordinates y = x - p)."""
    if node.op == "leaf":
        return {(node.a, node.c)}, set()
    parts = [pieces_and_hyperplanes(ch, n) for ch in node.children]
    planes = set().union(*(h for _, h in parts))
    if node.op in ("max", "min"):
        for (pi, _), (pj, _) in itertools.combinations(parts, 2):
            planes |= {_difference(u, v) for u in pi for v in pj}
        return set().union(*(q for q, _ in parts)), planes
    if node.op in ("abs", "relu"):
        (q, _), = parts
        planes |= {_normal(u) for u in q}
        other = {(tuple(-c for c in a), -c0) for a, c0 in q} if node.op == "abs" else {
            ((0,) * n, 0)}
        return q | other, planes
    combos = set()
    for choice in itertools.product(*(q for q, _ in parts)):
        a = tuple(sum(w * u[0][i] for w, u in zip(node.weights, choice, strict=True))
                  for i in range(n))
        combos.add((a, sum(w * u[1] for w, u in zip(node.weights, choice, strict=True))))
        assume(len(combos) <= 200)
    return combos, planes


def _difference(u, v):
    return _normal((tuple(a - b for a, b in zip(u[0], v[0], strict=True)), u[1] - v[1]))


def _normal(u):
    """A hyperplane a·y + c = 0 in a canonical form (None when a = 0: no hyperplane)."""
    a, c = u
    g = math.gcd(*a, c)
    if not any(a):
        return None
    sign = 1 if next(x for x in a if x) > 0 else -1
    return tuple(sign * x // g for x in a), sign * c // g


@st.composite
def formulas(draw, n: int):
    """A random formula and a point: leaves a·(x - p) + c, c = 0 (a tie at p) two times in
    three, nested max/min/abs/relu/sum up to depth 2 under a nonsmooth root."""
    p = tuple(draw(st.integers(-2, 2)) for _ in range(n))

    def leaf():
        a = tuple(draw(st.integers(-3, 3)) for _ in range(n))
        if not any(a):
            a = tuple(int(i == len(p) - 1) for i in range(n))
        c = draw(st.sampled_from([0, 0, 0, 0, -2, -1, 1, 3]))
        return Node("leaf", a, c)

    def build(depth, top=False):
        if depth == 0:
            return leaf()
        ops = ["max", "min", "abs", "relu"] + ([] if top else ["sum"])
        op = draw(st.sampled_from(ops))
        if op in ("abs", "relu"):
            return Node(op, children=(build(depth - 1),))
        k = draw(st.integers(2, 3))
        children = tuple(build(depth - 1) for _ in range(k))
        weights = tuple(draw(st.sampled_from([-1, 1, 2])) for _ in range(k))
        return Node(op, children=children, weights=weights if op == "sum" else ())

    return build(draw(st.sampled_from([2, 1])), top=True), p


SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# --- the Clarke set ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4, 5])
@SETTINGS
@given(data=st.data())
def test_sampled_piece_gradients_match_the_exact_clarke_set(n, data):
    node, p = data.draw(formulas(n))
    result = clarke_nd(to_sympy(node, p), XS[:n], p)
    vertices = np.array([[float(c) for c in v] for v in result.vertices])
    rng = np.random.default_rng(0)
    u = rng.normal(size=(3000, n))
    for cell in result.cells:  # the cells' own directions, and jittered copies of them
        d = np.array([float(c) for c in cell.direction])
        if np.linalg.norm(d) > 0:
            d /= np.linalg.norm(d)
            u = np.vstack([u, d, d + 1e-3 * rng.normal(size=(20, n))])
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    y = 1e-7 * rng.uniform(0.01, 1, (len(u), 1)) * u
    _, grads = evaluate(node, y)
    distinct = np.unique(np.round(grads, 9), axis=0)
    for g in distinct:
        assert distance_to_hull(g, vertices) <= 1e-9, (g, result.vertices)
    for v in vertices:
        assert np.min(np.max(np.abs(grads - v), axis=1)) <= 1e-9, (v, node)


# --- the subdifferential -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4])
@SETTINGS
@given(data=st.data())
def test_the_exact_subdifferential_against_a_finer_arrangement(n, data):
    node, p = data.draw(formulas(n))
    pieces, planes = pieces_and_hyperplanes(node, n)
    planes = {h for h in planes if h is not None} | {
        (tuple(int(i == j) for j in range(n)), 0) for i in range(n)}
    assume(len(planes) <= MAX_HYPERPLANES)
    result = subdifferential_nd(to_sympy(node, p), XS[:n], p)
    exact = np.array([[float(c) for c in v] for v in result.vertices]).reshape(-1, n)

    def f(y):
        return evaluate(node, np.atleast_2d(y))[0]

    # 1. Every exact vertex satisfies the inequality at random points near and far.
    rng = np.random.default_rng(1)
    y = rng.normal(size=(3000, n)) * np.geomspace(1e-3, 1e3, 3000)[:, None]
    for s in exact:
        assert (f(y) - f(np.zeros(n)) - y @ s >= -1e-9 * (1 + np.abs(y).sum(axis=1))).all()

    # 2. The finer arrangement's inequalities: <s, q> <= f(q) - f(0) at its vertices q, and
    #    <s, d> <= slope of f along d at infinity, for its edge directions d.
    rows, bounds = _inequalities(planes, n, f)
    directions = np.vstack([np.eye(n), -np.eye(n), rng.normal(size=(16, n))])
    for c in directions:
        res = optimize.linprog(-c, A_ub=rows, b_ub=bounds, bounds=[(None, None)] * n,
                               method="highs")
        if len(exact) == 0:
            assert res.status == 2, "the finer arrangement admits a subgradient"
            return
        assert res.status == 0
        assert -res.fun == pytest.approx(max(exact @ c), abs=1e-7)

    # 3. Points just outside each exact vertex break some inequality.
    centre = exact.mean(axis=0)
    for s in exact:
        push = s - centre if np.linalg.norm(s - centre) > 1e-9 else rng.normal(size=n)
        outside = s + 1e-3 * push / np.linalg.norm(push)
        assert (rows @ outside - bounds > 1e-7).any()


def _inequalities(planes, n: int, f) -> tuple[np.ndarray, np.ndarray]:
    """Rows r and bounds b (r·s <= b) from the vertices and edge directions of the arrangement
    of ``planes`` (in y = x - p; it includes the coordinate planes, so every cell has vertices)."""
    normals = np.array([a for a, _ in planes], dtype=float)
    offsets = np.array([c for _, c in planes], dtype=float)
    rows, bounds = [], []
    f0 = f(np.zeros(n))[0]
    for subset in itertools.combinations(range(len(planes)), n):
        a = normals[list(subset)]
        if abs(np.linalg.det(a)) < 0.5:  # integer matrices: singular or |det| >= 1
            continue
        q = np.linalg.solve(a, -offsets[list(subset)])
        rows.append(q)
        bounds.append(f(q)[0] - f0)
    for subset in itertools.combinations(range(len(planes)), n - 1):
        a = normals[list(subset)]
        d = np.array([(-1) ** i * np.linalg.det(np.delete(a, i, axis=1)) for i in range(n)])
        if np.abs(d).max() < 0.5:
            continue
        for e in (d, -d):
            along = normals @ e
            crossing = [-c / t for c, t in zip(offsets, along, strict=True) if abs(t) > 1e-12]
            far = max([0.0, *crossing]) + 1.0
            slope = (f(2 * far * e)[0] - f(far * e)[0]) / far
            rows.append(e)
            bounds.append(slope)
    return np.array(rows), np.array(bounds)


