"""The tree-walking evaluator gives lambdify's values (an independent code path), up to rounding."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core.engine.evaluation import evaluator
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import X, Y

EXPRS = [
    "abs(x) + abs(y)", "max(x, y, x + y) - min(x, 2*y)", "relu(x) - relu(-x)",
    "x*sign(x) + Heaviside(y)", "exp(abs(x))*log(1 + y**2)", "tan(x) + cos(y)*sin(x)",
    "sqrt(x**2 + y**2)", "x**(1/3) + 1/y", "sqrt(x) + 1/sqrt(y)", "2**x + E**y",
    "Piecewise((x, x > 0), (y, y < 0), (1, True))",
    "Piecewise((x, (x > 0) | (not (y < 1))), (0, True))",
    "Piecewise((x**2, (x >= 0) & (y != 0)), (pi, True))", "abs(x - sqrt(2)) + abs(y - pi)",
]


@pytest.mark.parametrize("text", EXPRS)
def test_values_agree_with_lambdify(text):
    expr = parse_function(text).expr
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=400), rng.normal(size=400)
    xs[:20], ys[10:30] = 0.0, 0.0  # ties: sign(0), Heaviside(0), Piecewise boundaries
    targets = [e for e in (expr, *(sp.diff(expr, v) for v in (X, Y)))
               if not e.has(sp.DiracDelta)]  # which numpy has no name for
    for e in targets:
        with np.errstate(all="ignore"):
            want = np.asarray(sp.lambdify((X, Y), e, "numpy")(xs, ys), dtype=float)
            got = np.asarray(evaluator((X, Y), e)(xs, ys), dtype=float)
        want, got = want * np.ones_like(xs), got * np.ones_like(xs)
        assert np.array_equal(np.isnan(want), np.isnan(got)), e
        ok = ~np.isnan(want)
        assert np.allclose(got[ok], want[ok], rtol=1e-12, atol=1e-12), e


def test_lists_scalars_and_unknown_nodes():
    f = evaluator((X, Y), [X + Y, sp.Integer(2), sp.atan(X)])  # atan: through lambdify
    values = f(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    assert np.asarray(values[0]).tolist() == [4.0, 6.0] and float(values[1]) == 2.0
    assert np.allclose(values[2], np.arctan([1.0, 2.0]))
    assert float(evaluator((X, Y), sp.Max(X, Y))(1.0, 2.0)) == 2.0
