"""Property test in 2D: for random compositions, whatever the engines certify is confirmed by
independent numerics (gradient sampling for the Clarke set, the inequality at sampled points for
the subdifferential)."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clarke_core import UndecidedError, clarke_set, subdifferential
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.sampling import sampled_gradients_2d

_LEAVES = st.sampled_from(["x", "y", "-x", "2*y", "x + y", "x - 2*y", "x**2", "y**2", "sin(x)",
                           "x*y", "0"])


def _compose(children):
    pair = st.tuples(children, children)
    return st.one_of(
        children.map(lambda u: f"abs({u})"),
        children.map(lambda u: f"relu({u})"),
        children.map(lambda u: f"-({u})"),
        pair.map(lambda uv: f"max({uv[0]}, {uv[1]})"),
        pair.map(lambda uv: f"min({uv[0]}, {uv[1]})"),
        pair.map(lambda uv: f"({uv[0]}) + ({uv[1]})"),
    )


FUNCTIONS = st.recursive(_LEAVES, _compose, max_leaves=5)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(FUNCTIONS)
def test_certified_clarke_sets_agree_with_gradient_sampling(text):
    try:
        result = clarke_set(text, "0, 0")
    except UndecidedError:
        return
    if not result.certified or result.kind in ("unbounded", "empty"):
        return
    f = parse_function(text).expr
    _, grads = sampled_gradients_2d(f, (0.0, 0.0), radius=1e-4, n=3000,
                                    rng=np.random.default_rng(0))
    grads = grads[np.all(np.isfinite(grads), axis=1)]
    for g in grads:
        assert result.contains(tuple(g), tol=1e-3), (text, g)
    # Every vertex is a limit of gradients: seen by sampling, or (in a thin cusp that sampling
    # misses, such as 0 < x < y^2 in relu(min(x, y**2))) at the engine's sequence points, with
    # the gradient there recomputed by central differences.
    fn = sp.lambdify(sp.symbols("x y", real=True), f, "math")
    for v in result.vertices:
        if np.min(np.hypot(*(grads - np.array(v)).T)) < 1e-3:
            continue
        seq = next(s for s in result.sequences if np.allclose(s.target, v, atol=1e-12))
        for q in seq.points[:3]:  # the widest part of the cusp: width ~ r^3 at worst
            h = 1e-7 * min(1.0, np.hypot(*q)) ** 3
            g = ((fn(q[0] + h, q[1]) - fn(q[0] - h, q[1])) / (2 * h),
                 (fn(q[0], q[1] + h) - fn(q[0], q[1] - h)) / (2 * h))
            assert np.hypot(g[0] - v[0], g[1] - v[1]) < 1e-2, (text, v, q)


_RNG = np.random.default_rng(11)
_Q = np.vstack([_RNG.uniform(-1, 1, (3000, 2)) * 10.0 ** _RNG.uniform(-4, 6, (3000, 1)),
                np.array([[c * 10.0**k, d * 10.0**k] for k in range(-3, 7)
                          for c in (-1, 0, 1) for d in (-1, 0, 1) if c or d])])


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(FUNCTIONS)
def test_certified_subdifferentials_satisfy_the_inequality_and_lie_in_the_clarke_set(text):
    try:
        clarke = clarke_set(text, "0, 0")
        sub = subdifferential(text, "0, 0")
    except UndecidedError:
        return
    if not sub.certified or sub.kind in ("empty", "unbounded"):
        return
    f = sp.lambdify(sp.symbols("x y", real=True), parse_function(text).expr, "numpy")
    with np.errstate(all="ignore"):
        values = np.asarray(f(_Q[:, 0], _Q[:, 1]), dtype=float) * np.ones(len(_Q))
    fp = float(f(0.0, 0.0))
    for s in sub.vertices:
        slack = 1e-9 * (1 + np.abs(_Q).sum(1)) * (1 + np.abs(s).sum())
        assert np.all(values >= fp + _Q @ np.array(s) - slack), (text, s)
        if clarke.kind != "unbounded":
            assert clarke.contains(s, tol=1e-9), (text, s)
