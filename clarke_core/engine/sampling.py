"""Gradient sampling: an independent, approximate estimate of the Clarke set.

It evaluates f numerically (numpy, no side forms, no limits) and takes central finite differences
at random points near the point. The tests use it to cross-check the exact engine; the benchmark
reports how far its estimate is from the exact set. It can miss thin regions and cannot tell an
oscillation from a kink: that is the point of computing the set exactly.

>>> import numpy as np
>>> from clarke_core.engine.primitives import X
>>> lo, hi = sampled_interval_1d(abs(X), 0.0, radius=1e-3, n=200, rng=np.random.default_rng(0))
>>> round(lo, 6), round(hi, 6)
(-1.0, 1.0)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .numeric import lambdify
from .primitives import X, Y


def sampled_slopes_1d(
    expr: sp.Expr, a: float, *, radius: float, n: int, rng: np.random.Generator, x: sp.Symbol = X
) -> tuple[np.ndarray, np.ndarray]:
    """Random points within ``radius`` of a (never a itself) and central-difference slopes there.

    The difference step is a thousandth of each point's distance to a, so no stencil straddles a.
    """
    f = lambdify(x, expr)
    offsets = rng.uniform(radius * 1e-3, radius, n) * rng.choice([-1.0, 1.0], n)
    xs = a + offsets
    h = np.abs(offsets) * 1e-3
    with np.errstate(all="ignore"):
        slopes = (np.asarray(f(xs + h), dtype=float) - np.asarray(f(xs - h), dtype=float)) / (2 * h)
    keep = np.isfinite(slopes)
    return xs[keep], slopes[keep]


def sampled_interval_1d(
    expr: sp.Expr, a: float, *, radius: float, n: int, rng: np.random.Generator, x: sp.Symbol = X
) -> tuple[float, float]:
    """The hull [min, max] of sampled slopes near a: gradient sampling's estimate of ∂f(a)."""
    _, slopes = sampled_slopes_1d(expr, a, radius=radius, n=n, rng=rng, x=x)
    return float(slopes.min()), float(slopes.max())


def hausdorff_1d(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Hausdorff distance between two closed intervals.

    >>> hausdorff_1d((0.0, 1.0), (0.1, 1.0))
    0.1
    """
    return max(abs(p[0] - q[0]), abs(p[1] - q[1]))


def sampled_gradients_2d(
    expr: sp.Expr, p: tuple[float, float], *, radius: float, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random points in the disk of ``radius`` around p and central-difference gradients there.

    >>> from clarke_core.engine.primitives import Y
    >>> _, g = sampled_gradients_2d(abs(X) + abs(Y), (0.0, 0.0), radius=1e-3, n=50,
    ...                             rng=np.random.default_rng(0))
    >>> bool(np.allclose(np.abs(g), 1.0))
    True
    """
    f = lambdify((X, Y), expr)
    r = radius * np.sqrt(rng.uniform(1e-6, 1.0, n))
    theta = rng.uniform(0, 2 * np.pi, n)
    xs, ys = p[0] + r * np.cos(theta), p[1] + r * np.sin(theta)
    h = r * 1e-3

    def at(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.asarray(f(u, v), dtype=float) * np.ones_like(u)

    def gradient(step: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            gx = (at(xs + step, ys) - at(xs - step, ys)) / (2 * step)
            gy = (at(xs, ys + step) - at(xs, ys - step)) / (2 * step)
        return np.stack([gx, gy], axis=1)

    # A stencil that straddles a kink line mixes two pieces' partial derivatives; such points
    # change their estimate when the step shrinks, and are dropped.
    grads, finer = gradient(h), gradient(h / 16)
    points = np.stack([xs, ys], axis=1)
    keep = np.all(np.isfinite(grads), axis=1) & np.all(
        np.abs(grads - finer) <= 1e-6 * (1 + np.abs(grads)), axis=1
    )
    return points[keep], grads[keep]


def support(points: np.ndarray, direction: np.ndarray) -> float:
    """max over the points of ⟨point, direction⟩: the support function of their hull."""
    return float(np.max(points @ direction))
