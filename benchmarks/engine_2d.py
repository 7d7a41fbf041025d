"""Exact 2D Clarke sets against gradient sampling, in one process.

For each case: the median wall time of an exact `clarke_set` call and of a gradient-sampling
estimate (2000 seeded difference gradients within 1e-3 of the point), each after a warm-up call,
and the Hausdorff distance between the hulls (exact, at their vertices: `engine.geometry`). The
medians' ratio exact / sampled is the figure to keep low (target: at most ``RATIO_TARGET``).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from clarke_core import clarke_set
from clarke_core.engine.geometry import hausdorff_2d
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.sampling import sampled_gradients_2d

from .engine_1d import REPEATS
from .table import Row

RATIO_TARGET = 3.0  # median exact time at most this many times the median sampled time

CASES = [
    ("abs(x) + abs(y)", "0, 0"),
    ("max(x, y)", "0, 0"),
    ("sqrt(x**2 + y**2)", "0, 0"),
    ("-abs(x) - abs(y)", "0, 0"),
    ("max(x + 2*y, x - y, -x)", "0, 0"),
    ("max((x-1)**2 + y**2, (x+1)**2 + y**2, x**2 + (y-1)**2)", "0, 0"),
    ("abs(x - sqrt(2)) + abs(y - pi)", "sqrt(2), pi"),
    ("abs(x**2 + y**2 - 1)", "sqrt(2)/2, sqrt(2)/2"),
    ("max(0, min(y - x**2, 2*x**2 - y))", "0, 0"),
    ("Piecewise((y - abs(x), abs(x) < y), (0, True))", "0, 0"),
    ("max(sqrt(x**2 + y**2), 2*x)", "0, 0"),
    (" + ".join(f"abs({k}*x - {40 - k}*y)" for k in range(40)), "0, 0"),
]


def main() -> list[Row]:
    print(__doc__.splitlines()[0])
    print(f"{'function @ point':58} {'exact ms':>9} {'sampled ms':>10} {'ratio':>6} "
          f"{'sampled error':>13}")
    exact_times, sample_times = [], []
    for expr, at in CASES:
        exact = clarke_set(expr, at)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            clarke_set(expr, at)
            times.append((time.perf_counter() - start) * 1000)
        t_exact = statistics.median(times)
        f = parse_function(expr).expr
        p = tuple(float(c) for c in parse_point(at, 2))
        times = []
        for _ in range(REPEATS + 1):  # the first call warms up, as for the exact call
            start = time.perf_counter()
            _, grads = sampled_gradients_2d(f, p, radius=1e-3, n=2000,
                                            rng=np.random.default_rng(0))
            times.append((time.perf_counter() - start) * 1000)
        t_sample = statistics.median(times[1:])
        error = ("unbounded" if exact.kind == "unbounded"
                 else f"{hausdorff_2d(np.array(exact.vertices), grads):.2e}")
        exact_times.append(t_exact)
        sample_times.append(t_sample)
        label = f"{expr} @ {at}" if len(expr) < 100 else f"sum of 40 abs(k*x - (40-k)*y) @ {at}"
        print(f"{label[:58]:58} {t_exact:9.1f} {t_sample:10.2f} {t_exact / t_sample:6.0f} "
              f"{error:>13}")
    me, ms = statistics.median(exact_times), statistics.median(sample_times)
    print(f"median exact 2D clarke_set: {me:.1f} ms (target <= 20 ms); "
          f"max {max(exact_times):.1f} ms (target <= 1000 ms)")
    ratio = me / ms
    print(f"median sampled estimate: {ms:.2f} ms; exact / sampled = {ratio:.1f}x "
          f"(target <= {RATIO_TARGET:g}x: {'met' if ratio <= RATIO_TARGET else 'MISSED'})")
    slowest = max(range(len(CASES)), key=exact_times.__getitem__)
    return [
        Row("2D exact clarke_set, median", me, "ms", "2D gradient sampling, median", ms,
            "≤ 20 ms", me <= 20),
        Row("2D exact / sampled medians", ratio, "×", "target (issue 13)", RATIO_TARGET,
            f"≤ {RATIO_TARGET:g}×", ratio <= RATIO_TARGET),
        Row("2D exact clarke_set, slowest case", exact_times[slowest], "ms",
            "2D gradient sampling, same case", sample_times[slowest], "≤ 1000 ms",
            exact_times[slowest] <= 1000),
    ]


if __name__ == "__main__":
    main()
