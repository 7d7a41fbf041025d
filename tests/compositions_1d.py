"""Random functions of x for property tests (import as `from compositions_1d import ...`):
compositions of abs/max/min/relu/sqrt/log/exp/Piecewise with rational coefficients, from a
seeded ``random.Random``, written as a student would type them."""

from __future__ import annotations

import random

COEFFICIENTS = ["-2", "-1", "-1/2", "1/2", "1", "3/2", "2"]


def random_function(rng: random.Random, depth: int) -> str:
    """One composition of the given nesting depth."""
    if depth == 0:
        c = rng.choice(COEFFICIENTS)
        return rng.choice(["x", f"(x - ({c}))", f"({c})*x", f"x**2/{rng.choice(['2', '4'])}"])
    k = rng.randrange(9)
    u = random_function(rng, depth - 1)
    unary = [f"abs({u})", f"relu({u})", f"sqrt(abs({u}))", f"log(1 + abs({u}))",
             f"exp(-abs({u}))"]
    if k < len(unary):
        return unary[k]
    v = random_function(rng, depth - 1)
    return [f"max({u}, {v})", f"min({u}, {v})", f"({u}) - ({rng.choice(COEFFICIENTS)})*({v})",
            f"Piecewise(({u}, x < {rng.choice(COEFFICIENTS)}), ({v}, True))"][k - len(unary)]


def random_cases(n: int, seed: int) -> list[tuple[str, str]]:
    """n (function, point) pairs, the points simple numbers near the coefficients' kinks."""
    rng = random.Random(seed)
    return [(random_function(rng, rng.choice([1, 2, 2, 3])), rng.choice(["0", "1", "-1", "1/2"]))
            for _ in range(n)]
