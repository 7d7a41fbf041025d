"""Exact n-D Clarke sets (3 to 6 variables, up to 12 tied switches) against gradient sampling.

For each case: the median wall time of an exact `clarke_nd` call (after one warm-up call), the
time of a gradient-sampling estimate (2000 seeded difference gradients within 1e-6 of the point)
and the largest distance from an exact vertex to the nearest sampled gradient (how close
sampling comes to the set's corners: it misses thin cells, the reason for the exact engine).
Run: `.venv/bin/python -m benchmarks.nd`.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Sequence

import numpy as np
import sympy as sp

from clarke_core.engine.clarke_nd import clarke_nd
from clarke_core.engine.primitives import by_name

from .table import Row

REPEATS = 5
X = sp.symbols("x1:7", real=True)
relu = by_name("relu").build


def _max(*args: sp.Expr) -> sp.Expr:
    return sp.Max(*args, evaluate=False)


def _min(*args: sp.Expr) -> sp.Expr:
    return sp.Min(*args, evaluate=False)


def _pieces(n: int, k: int, seed: int = 0) -> list[sp.Expr]:
    """k affine pieces through 0 in n variables, integer coefficients in [-5, 5] (seeded)."""
    rng = random.Random(seed)
    return [sum(rng.randint(-5, 5) * X[j] for j in range(n)) for _ in range(k)]


def _net(n: int, width: int) -> sp.Expr:
    """A bias-free two-layer ReLU network written out: sum_j a_j relu(w_j . x)."""
    return sum((-1) ** j * (j % 3 + 1) * relu(p) for j, p in enumerate(_pieces(n, width + 1)[1:]))


CASES: list[tuple[str, sp.Expr, int, tuple]] = [
    ("max(x1, x2, x3)", _max(*X[:3]), 3, (0, 0, 0)),
    ("|x1| + |x2| + |x3|", sum(abs(v) for v in X[:3]), 3, (0, 0, 0)),
    ("|x1| - |x1| + x3", abs(X[0]) - abs(X[0]) + X[2], 3, (0, 0, 0)),
    ("x3 relu(x1 - x2) @ (0, 0, 1)", X[2] * relu(X[0] - X[1]), 3, (0, 0, 1)),
    ("relu(x1 + x2) - relu(-x1 - x2) + x3", relu(X[0] + X[1]) - relu(-X[0] - X[1]) + X[2], 3,
     (0, 0, 0)),
    ("max of 13 affine pieces, n = 3", _max(*_pieces(3, 13)), 3, (0,) * 3),
    ("max of 13 affine pieces, n = 4", _max(*_pieces(4, 13)), 4, (0,) * 4),
    ("max of 13 affine pieces, n = 6", _max(*_pieces(6, 13)), 6, (0,) * 6),
    ("min of 2 max of 4 pieces, n = 5", _min(_max(*_pieces(5, 4, 1)), _max(*_pieces(5, 4, 2))),
     5, (0,) * 5),
    ("|x1| + ... + |x6|", sum(abs(v) for v in X), 6, (0,) * 6),
    ("ReLU net 4 inputs, 6 neurons, x = 0", _net(4, 6), 4, (0,) * 4),
    ("sum of 12 |a_i . x|, n = 3 (12 ties)", sum(abs(p) for p in _pieces(3, 12)), 3,
     (0,) * 3),
    ("max(exp(x1) - 1, x2) * cos(x3) + x4", _max(sp.exp(X[0]) - 1, X[1]) * sp.cos(X[2]) + X[3], 4,
     (0,) * 4),
]


def sampled_gradients_nd(expr: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[float],
                         *, radius: float, n: int, rng: np.random.Generator,
                         directions: Sequence[Sequence[float]] = ()) -> np.ndarray:
    """Central-difference gradients at random points within ``radius`` of the point (uniform
    directions, and, when given, near each of ``directions``, jittered); a stencil that
    straddles a switch changes its estimate when the step shrinks, and is dropped."""
    dim = len(variables)
    f = sp.lambdify(tuple(variables), expr, "numpy")
    u = rng.normal(size=(n, dim))
    for d in directions:
        d = np.asarray(d, dtype=float)
        if np.linalg.norm(d) > 0:
            near = d / np.linalg.norm(d) + 1e-3 * rng.normal(size=(max(n // 10, 20), dim))
            u = np.vstack([u, near])
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    r = radius * rng.uniform(1e-2, 1.0, (len(u), 1))
    xs = np.asarray(point, dtype=float) + r * u
    h = r[:, 0] * 1e-3

    def at(points: np.ndarray) -> np.ndarray:
        return np.asarray(f(*points.T), dtype=float) * np.ones(len(points))

    def gradient(step: np.ndarray) -> np.ndarray:
        out = np.empty_like(xs)
        with np.errstate(all="ignore"):
            for j in range(dim):
                e = np.zeros(dim)
                e[j] = 1.0
                shift = step[:, None] * e
                out[:, j] = (at(xs + shift) - at(xs - shift)) / (2 * step)
        return out

    grads, finer = gradient(h), gradient(h / 16)
    keep = np.all(np.isfinite(grads), axis=1) & np.all(
        np.abs(grads - finer) <= 1e-6 * (1 + np.abs(grads)), axis=1)
    return grads[keep]


def bench_nd() -> list[Row]:
    """Print the table and return the summary rows (median and slowest case)."""
    print(__doc__.splitlines()[0])
    print(f"{'function @ point':42} {'n':>2} {'cells':>5} {'verts':>5} {'exact ms':>9} "
          f"{'sampled ms':>10} {'vertex gap':>10}")
    exact_times, sample_times = [], []
    for label, expr, n, at in CASES:
        variables = X[:n]
        result = clarke_nd(expr, variables, at)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            clarke_nd(expr, variables, at)
            times.append((time.perf_counter() - start) * 1000)
        t_exact = statistics.median(times)
        start = time.perf_counter()
        grads = sampled_gradients_nd(expr, variables, [float(c) for c in at], radius=1e-6,
                                     n=2000, rng=np.random.default_rng(0))
        t_sample = (time.perf_counter() - start) * 1000
        vertices = np.array([[float(c) for c in v] for v in result.vertices])
        gap = max(float(np.min(np.max(np.abs(grads - v), axis=1))) for v in vertices)
        exact_times.append(t_exact)
        sample_times.append(t_sample)
        print(f"{label[:42]:42} {n:2d} {len(result.cells):5d} {len(vertices):5d} "
              f"{t_exact:9.1f} {t_sample:10.1f} {gap:10.1e}")
    me, ms = statistics.median(exact_times), statistics.median(sample_times)
    slowest = max(range(len(CASES)), key=exact_times.__getitem__)
    print(f"median exact n-D clarke_nd: {me:.1f} ms (target <= 50 ms); "
          f"max {exact_times[slowest]:.1f} ms (target <= 1000 ms)")
    print(f"median sampled estimate: {ms:.1f} ms; exact / sampled = {me / ms:.2f}x")
    return [
        Row("n-D exact clarke_nd, median", me, "ms", "n-D gradient sampling, median", ms,
            "≤ 50 ms", me <= 50),
        Row("n-D exact clarke_nd, slowest case", exact_times[slowest], "ms",
            "n-D gradient sampling, same case", sample_times[slowest], "≤ 1000 ms",
            exact_times[slowest] <= 1000),
    ]


main = bench_nd

if __name__ == "__main__":
    bench_nd()
