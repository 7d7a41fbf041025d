"""Certified curvature: each primitive's curvature, sign and monotonicity, one composition rule."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import subdifferential
from clarke_core.engine.convexity import curvature, is_certified_convex, sign
from clarke_core.engine.numeric import lambdify
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import Curvature, Sign

CONVEX, CONCAVE, AFFINE, UNKNOWN = (Curvature.CONVEX, Curvature.CONCAVE, Curvature.AFFINE,
                                    Curvature.UNKNOWN)
CASES = [
    ("relu(x)**2", CONVEX),  # x**2 increases on u >= 0, relu is convex and >= 0
    ("abs(x)**2 + relu(y)**4", CONVEX),
    ("min(x, 0)**2", CONVEX),  # x**2 decreases on u <= 0, min(x, 0) is concave and <= 0
    ("max(x, 0)**3", CONVEX),
    ("max(x, 0)**(3/2)", CONVEX),
    ("abs(relu(x) - 1)", UNKNOWN),  # abs of a convex function of unknown sign
    ("abs(relu(x))", CONVEX),  # abs increases on u >= 0
    ("sqrt(x**2 + 1)", CONVEX),  # a Euclidean norm
    ("sqrt(relu(x)**2 + y**2)", CONVEX),  # a norm of (relu(x), y): increasing in relu(x) >= 0
    ("-sqrt(x**2 + 1)", CONCAVE),
    ("exp(relu(x)**2)", CONVEX),
    ("log(min(x, 1) + 2)", CONCAVE),
    ("sqrt(1 - abs(x))", UNKNOWN),  # concave, but the sign of 1 - |x| is not known
    ("sqrt(x)", UNKNOWN),  # not real for x < 0
    ("sqrt(relu(x))", UNKNOWN),  # concave increasing of a convex function
    ("x**3", UNKNOWN),
    ("relu(x) - relu(-x)", UNKNOWN),
    ("2**(-x**2)", UNKNOWN),  # a constant base does not make a constant
    ("2**x + 3**abs(x)", CONVEX),  # exp(x log 2): exp of affine, of convex
    ("abs(x) + max(x, y) - min(x, 2*y)", CONVEX),
    ("x + 2*y - 1", AFFINE),
]


@pytest.mark.parametrize(("text", "want"), CASES, ids=[t for t, _ in CASES])
def test_certified_curvature(text, want):
    assert curvature(parse_function(text).expr) is want


@pytest.mark.parametrize("text", [t for t, c in CASES if c in (CONVEX, CONCAVE)])
def test_what_is_certified_holds_at_random_pairs(text):
    """An independent check: midpoint convexity (concavity) at seeded random pairs."""
    function = parse_function(text)
    f = lambdify(function.variables, function.expr)
    rng = np.random.default_rng(0)
    p, q = rng.normal(size=(2, 400, function.dim)) * 2
    with np.errstate(all="ignore"):
        mid = np.asarray(f(*((p + q) / 2).T), dtype=float)
        avg = (np.asarray(f(*p.T), dtype=float) + np.asarray(f(*q.T), dtype=float)) / 2
    ok = np.isfinite(mid) & np.isfinite(avg)
    assert ok.sum() > 100
    gap = (mid - avg)[ok] * (1 if curvature(function.expr) is CONVEX else -1)
    assert gap.max() <= 1e-9


SIGNS = [("relu(x)", Sign.NONNEGATIVE), ("-exp(x)", Sign.NONPOSITIVE),
         ("min(x, 0) * 3", Sign.NONPOSITIVE), ("x*abs(x)", Sign.UNKNOWN),
         ("abs(x)**(1/3) + Heaviside(x)", Sign.NONNEGATIVE), ("sign(relu(x))", Sign.NONNEGATIVE)]


@pytest.mark.parametrize(("text", "want"), SIGNS, ids=[t for t, _ in SIGNS])
def test_sign(text, want):
    assert sign(parse_function(text).expr) is want


@pytest.mark.parametrize(("text", "at", "want"), [
    ("relu(x)**2", "0", [(0,)]),
    ("abs(relu(x))", "0", [(0,), (1,)]),
    ("sqrt(x**2 + 1)", "0", [(0,)]),
    ("relu(x)**2 + abs(y)", "0, 0", [(0, -1), (0, 1)]),
])
def test_a_certified_convex_function_has_its_clarke_set_as_subdifferential(text, at, want):
    """Certified, not searched: the reason is the convexity certificate."""
    s = subdifferential(text, at)
    assert is_certified_convex(parse_function(text).expr)
    assert s.certified and s.reason.startswith("f is convex")
    assert s.exact == [tuple(sp.Integer(c) for c in v) for v in want]
