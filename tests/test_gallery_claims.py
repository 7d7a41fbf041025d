"""Every gallery example's "what this teaches" sentence, checked against what is computed.

Each example in ``EXAMPLES_1D`` and ``EXAMPLES_2D`` has an entry below that restates its note's
claims as facts (the kind and exact ends of both sets, which are equal or empty, what an
independent computation sees), and a test checks each fact on the engine, and where it makes
sense with gradient sampling or plain numeric evaluation (an independent method). A new example
without an entry fails ``test_every_example_has_its_claims``.

The subdifferential claims are certified exact answers (√|x| at 0 is {0}, the cusp jump's is ∅),
and "how the two sets compare" must say that a jump is a jump, not growing slopes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
import sympy as sp

from clarke_core import clarke_set, homogeneity_degree, subdifferential
from clarke_core.engine.geometry import hausdorff_2d
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import X, Y
from clarke_core.engine.sampling import (
    hausdorff_1d,
    sampled_gradients_2d,
    sampled_interval_1d,
    sampled_slopes_1d,
)
from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D, EXAMPLES_HOMOGENEITY, Example
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d

R2 = sp.sqrt(2)
SQUARE = [(-1, -1), (1, -1), (1, 1), (-1, 1)]

@dataclass(frozen=True)
class Claims:
    """What an example's note says, as facts: ``clarke`` and ``sub`` are a kind and, for sets
    with vertices, the exact vertices (1D: the ends; 2D: the vertices in any order)."""

    clarke: tuple
    sub: tuple
    extra: tuple[Callable[[Example], None], ...] = field(default=())


def _same_number(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def assert_set(dset, claim: tuple) -> None:
    kind, *vertices = claim
    assert dset.kind == kind, (dset.kind, dset.exact, dset.reason)
    if vertices:
        assert dset.exact is not None, f"{kind} without exact vertices"
        got = [tuple(v) if isinstance(v, tuple) else (v,) for v in dset.exact]
        want = [tuple(v) if isinstance(v, tuple) else (v,) for v in vertices]
        assert len(got) == len(want), (got, want)
        for w in want:
            assert any(all(_same_number(g_i, w_i) for g_i, w_i in zip(g, w, strict=True))
                       for g in got), (w, got)
        assert dset.certified, dset.reason


# --- checks beyond the two sets, each an independent computation where possible ---------------

def _function(example: Example) -> sp.Expr:
    return parse_function(example.expr).expr


def _point(example: Example) -> tuple[float, ...]:
    return tuple(float(sp.sympify(c)) for c in example.at.split(","))


def sampling_agrees_1d(example: Example) -> None:
    """Gradient sampling near x₀ finds (nearly) the whole exact Clarke interval, nothing more."""
    exact = clarke_set(example.expr, example.at)
    lo, hi = (float(v[0]) for v in (exact.vertices[0], exact.vertices[-1]))
    sampled = sampled_interval_1d(_function(example), _point(example)[0], radius=1e-3, n=2000,
                                  rng=np.random.default_rng(0))
    assert hausdorff_1d(sampled, (lo, hi)) < 2e-2, (sampled, (lo, hi))


def sampling_agrees_2d(example: Example) -> None:
    exact = clarke_set(example.expr, example.at)
    _, grads = sampled_gradients_2d(_function(example), _point(example), radius=1e-3, n=2000,
                                    rng=np.random.default_rng(0))
    assert hausdorff_2d(grads, np.array(exact.vertices)) < 2e-2


def is_smooth_max_at_1(example: Example) -> None:
    """Both pieces equal f(1) = 1 (2|x| - 1 is active), the line stays below the parabola with
    equality only at ±1 (so its region has no interior), and the engine's side forms are both
    x² (only x² is essentially active)."""
    x = X
    parabola, line = x**2, 2 * sp.Abs(x) - 1
    assert parabola.subs(x, 1) == line.subs(x, 1) == _function(example).subs(x, 1) == 1
    grid = np.linspace(-5, 5, 100_001)
    gap = grid**2 - (2 * np.abs(grid) - 1)
    assert gap.min() >= 0
    assert set(np.round(grid[gap < 1e-8], 3)) == {-1.0, 1.0}
    forms = clarke_set(example.expr, example.at).extra
    assert forms["left_form"] == forms["right_form"] == sp.latex(parabola)
    assert "2|x| - 1" in example.note


def derivative_exists_but_oscillates(example: Example) -> None:
    """f'(0) = 0 (difference quotients shrink like h) while f' fills [-1, 1] on both sides."""
    f = sp.lambdify(X, _function(example), "numpy")
    for h in (1e-3, 1e-5, 1e-7):
        assert abs((f(h) - 0.0) / h) <= h and abs((f(-h) - 0.0) / -h) <= h
    # f' itself (sympy's derivative away from 0), on a dense grid of 1/x: finite differences
    # would average the oscillation out.
    slope = sp.lambdify(X, sp.diff(_function(example), X), "numpy")
    xs = 1 / np.linspace(1e3, 1e4, 200_001)
    for side in (xs, -xs):
        values = slope(side)
        assert values.min() < -0.99 and values.max() > 0.99 and np.all(np.abs(values) < 1.01)


def sum_rule_overestimates(example: Example) -> None:
    """∂|x|(0) + ∂(-|x|)(0) = [-2, 2], a strict superset of the computed {0}."""
    a, b = clarke_set("abs(x)", 0), clarke_set("-abs(x)", 0)
    lo = a.exact[0][0] + b.exact[0][0]
    hi = a.exact[-1][0] + b.exact[-1][0]
    assert (lo, hi) == (-2, 2)


def slopes_blow_up(example: Example) -> None:
    """Sampled slopes within smaller and smaller radii grow without bound."""
    biggest = [max(abs(v) for v in sampled_interval_1d(
        _function(example), 0.0, radius=r, n=200, rng=np.random.default_rng(0)))
        for r in (1e-2, 1e-4, 1e-6)]
    assert biggest[0] * 5 < biggest[1] and biggest[1] * 5 < biggest[2]


def jumps_with_bounded_slopes(example: Example) -> None:
    """f is constant -1 left of 0 and 1 right of it (slopes 0), with the value 0 between:
    a jump, read off the engine's side forms, and seen by evaluation."""
    c = clarke_set(example.expr, example.at)
    assert (c.extra["left_form"], c.extra["right_form"], c.extra["value"]) == ("-1", "1", "0")
    f = sp.lambdify(X, _function(example), "numpy")
    for h in (1e-3, 1e-9):
        assert (f(-h), f(h)) == (-1, 1)
    _, slopes = sampled_slopes_1d(
        _function(example), 0.0, radius=1e-3, n=200, rng=np.random.default_rng(0))
    assert np.all(slopes == 0)


def jump_not_called_unbounded_slopes(example: Example) -> None:
    assert "grow without bound" not in explore_1d(example.expr, example.at).why


def jump_not_called_unbounded_gradients(example: Example) -> None:
    assert "grow without bound" not in explore_2d(example.expr, example.at).why


def convex_sets_equal(example: Example) -> None:
    """The note says the two sets coincide: the engine found them equal, and certified."""
    c, d = clarke_set(example.expr, example.at), subdifferential(example.expr, example.at)
    assert c.kind == d.kind and d.certified
    assert sorted(c.vertices) == sorted(d.vertices)


def unit_disk(example: Example) -> None:
    """The curved set is the unit disk: its polygon's support function is within 1e-3 of 1 in
    every direction (the contract for ``convex``)."""
    v = np.array(clarke_set(example.expr, example.at).vertices)
    for theta in np.linspace(0, 2 * np.pi, 720, endpoint=False):
        h = float(np.max(v @ np.array([np.cos(theta), np.sin(theta)])))
        assert abs(h - 1) < 1e-3, (theta, h)


def jumps_across_the_cusp(example: Example) -> None:
    """Across the cusp's edge y = x² (between y = x²/2 and y = 3x²/2, a distance x²), f changes
    by 2|x|: difference quotients 2/|x| without bound, so f is not locally Lipschitz."""
    f = sp.lambdify((X, Y), _function(example), "numpy")
    for x in (1e-1, -1e-2, 1e-3):
        jump = abs(f(x, 1.5 * x**2) - f(x, 0.5 * x**2))
        assert abs(jump - 2 * abs(x)) < 1e-12
        assert jump / x**2 > 1.9 / abs(x)


def sampling_misses_the_ridge(example: Example) -> None:
    """Seeded gradient sampling within 1e-3 misses the thin ridge: it sees gradients near 0 only,
    far from the exact segment's ends (0, ±1)."""
    _, grads = sampled_gradients_2d(_function(example), (0.0, 0.0), radius=1e-3, n=500,
                                    rng=np.random.default_rng(0))
    assert np.max(np.abs(grads)) < 0.5


CLAIMS_1D: dict[str, Claims] = {
    "relu": Claims(("interval", 0, 1), ("interval", 0, 1),
                   extra=(convex_sets_equal, sampling_agrees_1d)),
    "lecture-figure-1": Claims(("interval", -1, 1), ("empty",), extra=(sampling_agrees_1d,)),
    "x2-sin-1-over-x": Claims(("interval", -1, 1), ("empty",),
                              extra=(derivative_exists_but_oscillates,)),
    "abs": Claims(("interval", -1, 1), ("interval", -1, 1),
                  extra=(convex_sets_equal, sampling_agrees_1d)),
    "minus-abs": Claims(("interval", -1, 1), ("empty",), extra=(sampling_agrees_1d,)),
    "relu-difference": Claims(("point", 1), ("point", 1), extra=(sampling_agrees_1d,)),
    "sqrt-abs": Claims(("unbounded",), ("point", 0), extra=(slopes_blow_up,)),
    "active-not-essential": Claims(("point", 2), ("point", 2),
                                   extra=(is_smooth_max_at_1, sampling_agrees_1d)),
    "irrational-kink": Claims(("interval", -2 * R2, 2 * R2), ("interval", 0, 2 * R2),
                              extra=(sampling_agrees_1d,)),
    "abs-minus-abs": Claims(("point", 0), ("point", 0),
                            extra=(sum_rule_overestimates, sampling_agrees_1d)),
    "sign-jump": Claims(("unbounded",), ("empty",),
                        extra=(jumps_with_bounded_slopes, jump_not_called_unbounded_slopes)),
}

CLAIMS_2D: dict[str, Claims] = {
    "l1-norm": Claims(("polygon", *SQUARE), ("polygon", *SQUARE),
                      extra=(convex_sets_equal, sampling_agrees_2d)),
    "max-xy": Claims(("segment", (1, 0), (0, 1)), ("segment", (1, 0), (0, 1)),
                     extra=(convex_sets_equal, sampling_agrees_2d)),
    "euclidean-norm": Claims(("convex",), ("convex",), extra=(unit_disk, convex_sets_equal)),
    "minus-l1": Claims(("polygon", *SQUARE), ("empty",), extra=(sampling_agrees_2d,)),
    "max-minus-square": Claims(("segment", (1, 0), (0, 1)), ("empty",),
                               extra=(sampling_agrees_2d,)),
    "jump-on-cusp": Claims(("unbounded",), ("empty",),
                           extra=(jumps_across_the_cusp, jump_not_called_unbounded_gradients)),
    "cusp-ridge": Claims(("segment", (0, -1), (0, 1)), ("point", (0, 0)),
                         extra=(sampling_misses_the_ridge,)),
    "three-pieces": Claims(("polygon", (0, 1), (0, -1), (1, 0)),
                           ("polygon", (0, 1), (0, -1), (1, 0)),
                           extra=(convex_sets_equal, sampling_agrees_2d)),
    "irrational-point": Claims(("polygon", *SQUARE), ("polygon", *SQUARE),
                               extra=(convex_sets_equal, sampling_agrees_2d)),
}

GALLERY = [(e, CLAIMS_1D.get(e.key)) for e in EXAMPLES_1D] + [
    (e, CLAIMS_2D.get(e.key)) for e in EXAMPLES_2D]


def test_every_example_has_its_claims():
    assert {e.key for e in EXAMPLES_1D} == set(CLAIMS_1D)
    assert {e.key for e in EXAMPLES_2D} == set(CLAIMS_2D)


@pytest.mark.parametrize(("example", "claims"), GALLERY, ids=[e.key for e, _ in GALLERY])
def test_clarke_set_is_as_claimed(example, claims):
    assert_set(clarke_set(example.expr, example.at), claims.clarke)


@pytest.mark.parametrize(("example", "claims"), GALLERY, ids=[e.key for e, _ in GALLERY])
def test_subdifferential_is_as_claimed(example, claims):
    assert_set(subdifferential(example.expr, example.at), claims.sub)


def _extra_cases():
    for example, claims in GALLERY:
        for check in claims.extra:
            marks = list(getattr(check, "pytestmark", []))
            yield pytest.param(example, check, marks=marks, id=f"{example.key}-{check.__name__}")


@pytest.mark.parametrize(("example", "check"), list(_extra_cases()))
def test_what_the_example_teaches(example, check):
    check(example)


# The homogeneity gallery states a degree (or none) for each example.
DEGREES = {
    "relu-kink": 1, "l1-kink-line": 1, "max-diagonal": 1, "norm-origin": 1, "monomial": 3,
    "sqrt-degree": sp.Rational(1, 2), "odd-square": 2, "max-minus-min": 1,
    "lookalike-affine": None, "lookalike-max": None,
}


@pytest.mark.parametrize("example", EXAMPLES_HOMOGENEITY, ids=lambda e: e.key)
def test_homogeneity_example_degree(example):
    assert set(DEGREES) == {e.key for e in EXAMPLES_HOMOGENEITY}
    want = DEGREES[example.key]
    assert homogeneity_degree(example.expr) == want
    if want is not None:
        f = sp.lambdify((X, Y), _function(example), "numpy")
        rng = np.random.default_rng(0)
        for _ in range(20):
            p, alpha = rng.normal(size=2), rng.uniform(0.1, 5)
            assert np.isclose(f(*(alpha * p)), alpha ** float(want) * f(*p))
