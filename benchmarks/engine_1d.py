"""Exact 1D Clarke sets and subdifferentials against gradient sampling, in one process.

For each case: the median wall time of an exact call (after one warm-up call on the same case),
the time of a gradient-sampling estimate (2000 seeded finite-difference slopes within 1e-3 of the
point) and the Hausdorff distance between that estimate and the exact set.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from clarke_core import clarke_set, subdifferential
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.sampling import hausdorff_1d, sampled_interval_1d

from .table import Row

CASES = [
    ("max(0, x)", "0"),
    ("-abs(x)", "0"),
    ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1"),
    ("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0"),
    ("relu(x) - relu(-x)", "0"),
    ("sqrt(abs(x))", "0"),
    ("abs(x**2 - 2)", "sqrt(2)"),
    ("max(x**2, 2*abs(x) - 1)", "0"),
    ("abs(sin(x))", "pi"),
    ("max(x, x**3) + abs(x - 1/2)", "0"),
    ("abs(x) + abs(x - 1) + abs(x + 1) + relu(2*x)", "0"),
    ("min(x, 2*x) + exp(abs(x))", "0"),
]
REPEATS = 5


def _median_ms(fn, *args) -> float:
    fn(*args)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _sampled(expr: str, at: str) -> tuple[float, tuple[float, float]]:
    f = parse_function(expr).expr
    (a,) = parse_point(at, 1)
    start = time.perf_counter()
    estimate = sampled_interval_1d(f, float(a), radius=1e-3, n=2000,
                                   rng=np.random.default_rng(0))
    return (time.perf_counter() - start) * 1000, estimate


def main() -> list[Row]:
    print(__doc__.splitlines()[0])
    header = f"{'function @ point':58} {'clarke ms':>9} {'subdiff ms':>10} {'sampled ms':>10} "
    print(header + f"{'ratio':>6} {'sampled error':>13}")
    clarke_times, sub_times, sample_times = [], [], []
    for expr, at in CASES:
        exact = clarke_set(expr, at)
        t_clarke = _median_ms(clarke_set, expr, at)
        t_sub = _median_ms(subdifferential, expr, at)
        t_sample, estimate = _sampled(expr, at)
        if exact.kind == "unbounded":
            error = "unbounded"
        else:
            interval = (exact.vertices[0][0], exact.vertices[-1][0])
            error = f"{hausdorff_1d(interval, estimate):.2e}"
        clarke_times.append(t_clarke)
        sub_times.append(t_sub)
        sample_times.append(t_sample)
        label = f"{expr} @ {at}"[:58]
        print(f"{label:58} {t_clarke:9.1f} {t_sub:10.1f} {t_sample:10.2f} "
              f"{t_clarke / t_sample:6.0f} {error:>13}")
    mc, ms, mt = (statistics.median(v) for v in (clarke_times, sub_times, sample_times))
    print(f"median exact clarke_set: {mc:.1f} ms, subdifferential: {ms:.1f} ms "
          f"(target <= 20 ms); max {max(clarke_times + sub_times):.1f} ms")
    print(f"median sampled estimate: {mt:.2f} ms; exact / sampled = {mc / mt:.0f}x")
    return [
        Row("1D exact clarke_set, median", mc, "ms", "1D gradient sampling, median", mt,
            "≤ 20 ms", mc <= 20),
        Row("1D exact subdifferential, median", ms, "ms", "1D gradient sampling, median", mt,
            "≤ 20 ms", ms <= 20),
    ]


if __name__ == "__main__":
    main()
