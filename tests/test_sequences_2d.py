"""Limiting-gradient sequences in 2D run inside open cells: no point sits on a kink."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from clarke_core import clarke_set
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.views.examples import EXAMPLES_2D

EXTRA = [
    # a kink line 0.35 from the point, crossed by the first points of the 45° sequence once
    ("abs(x) + abs(y) + abs(x + y - 1/2)", "0, 0"),
    ("max(x, y) + abs(x - 1/4)", "0, 0"),
]
CASES = [(e.expr, e.at) for e in EXAMPLES_2D] + EXTRA


@pytest.mark.parametrize("expr, at", CASES, ids=[c[0] for c in CASES])
def test_no_sequence_point_lies_on_a_kink(expr, at):
    """Independent of the engine's cells: at each point x_i, f is differentiable with the
    recorded gradient (one-sided difference quotients in eight directions agree with it), which
    fails on a kink, and the gradient is the one the sequence tends to (same cell)."""
    result = clarke_set(expr, at)
    f = sp.lambdify(sp.symbols("x y", real=True), parse_function(expr).expr, "math")
    p = np.array([float(c) for c in parse_point(at, 2)])
    for seq in result.sequences:
        for q, g in zip(seq.points, seq.gradients, strict=True):
            r = math.dist(q, p)
            h = 1e-4 * min(r, r * r)
            for angle in np.linspace(0, 2 * np.pi, 8, endpoint=False):
                u = (math.cos(angle), math.sin(angle))
                slope = (f(q[0] + h * u[0], q[1] + h * u[1]) - f(*q)) / h
                assert slope == pytest.approx(g[0] * u[0] + g[1] * u[1], abs=1e-3), (seq.side, q)
        # the same smooth piece all along: gradients approach the target monotonically enough
        assert math.dist(seq.gradients[-1], seq.target) <= math.dist(seq.gradients[0],
                                                                   seq.target) + 1e-9


def test_a_sequence_that_would_cross_another_kink_starts_closer():
    result = clarke_set("abs(x) + abs(y) + abs(x + y - 1/2)", "0, 0")
    diagonal = [s for s in result.sequences if s.target == (0.0, 0.0) or s.side.startswith(
        "direction 45")]
    assert diagonal
    for seq in diagonal:
        assert all(x + y < 0.5 for x, y in seq.points)
