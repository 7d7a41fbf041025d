"""The exact 1D Clarke set: hand-derived answers, and a cross-check by gradient sampling."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from compositions_1d import random_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from clarke_core import InputError, UndecidedError, clarke_set
from clarke_core.engine.clarke_1d import local_1d
from clarke_core.engine.local import kinks, side_form
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.primitives import X
from clarke_core.engine.sampling import sampled_slopes_1d
from clarke_core.views.examples import EXAMPLES_1D

S2 = sp.sqrt(2)

# (function, point, exact endpoints): a point set has one endpoint.
CASES = [
    ("max(0, x)", "0", [0, 1]),
    ("-abs(x)", "0", [-1, 1]),
    ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1", [-1, 1]),
    ("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0", [-1, 1]),
    ("relu(x) - relu(-x)", "0", [1]),
    ("abs(x) - abs(x)", "0", [0]),
    ("abs(x) + abs(x)", "0", [-2, 2]),
    ("max(x**2, 2*abs(x) - 1)", "0", [0]),
    ("abs(x**2 - 2)", "sqrt(2)", [-2 * S2, 2 * S2]),
    ("abs(x**2 - 2)", "-sqrt(2)", [-2 * S2, 2 * S2]),
    ("abs(x - pi)", "pi", [-1, 1]),
    ("abs(sin(x))", "pi", [-1, 1]),
    ("max(x, sin(x))", "0", [1]),
    ("max(x, x**3)", "0", [0, 1]),
    ("min(x, 2*x)", "0", [1, 2]),
    ("abs(x)**3", "0", [0]),
    ("abs(x)^(3/2)", "0", [0]),
    ("x*Heaviside(x)", "0", [0, 1]),
    ("x*sign(x)", "0", [-1, 1]),
    ("abs(x) + x**2", "1/2", [2]),
    ("max(0, x)", "1/2", [1]),
    ("max(0, x)", "-1/2", [0]),
    ("abs(2*x**2 - 1) + abs(x - sqrt(2)/2)", "sqrt(2)/2", [-2 * S2 - 1, 2 * S2 + 1]),
    ("abs(exp(x) - 1)", "0", [-1, 1]),
    ("abs(log(x))", "1", [-1, 1]),
    ("Piecewise((x, x < 0), (2*x, x < 1), (x + 1, True))", "1", [1, 2]),
    ("Piecewise((-x, x <= 0), (x**2, True))", "0", [-1, 0]),
    ("max(abs(x), x**2)", "1", [1, 2]),
    ("max(abs(x), x**2)", "-1", [-2, -1]),
    ("relu(1 - abs(x))", "1", [-1, 0]),
    ("abs(x**3)", "0", [0]),
    ("min(0, x)^2", "0", [0]),
    ("abs(x - 0.1)", "0.1", [-1, 1]),
    ("abs(cos(x))", "pi/2", [-1, 1]),
    ("max(x - x, x)", "0", [0, 1]),
    ("abs(x)*(x + 1)", "0", [-1, 1]),
]


def _exact(result):
    return [p[0] for p in result.exact]


@pytest.mark.parametrize("expr, at, expected", CASES, ids=[f"{c[0]} @ {c[1]}" for c in CASES])
def test_clarke_set_exact(expr, at, expected):
    result = clarke_set(expr, at)
    assert result.kind == ("point" if len(expected) == 1 else "interval")
    assert len(result.exact) == len(expected)
    for got, want in zip(_exact(result), expected, strict=True):
        assert sp.simplify(got - want) == 0, (got, want)
    assert [v[0] for v in result.vertices] == pytest.approx([float(e) for e in expected])


@pytest.mark.parametrize(
    "expr, at",
    [
        ("sqrt(abs(x))", "0"),
        ("Piecewise((x*sin(1/x), x != 0), (0, True))", "0"),
        ("Piecewise((x, x < 0), (x + 1, True))", "0"),
        ("abs(x)^(1/3)", "0"),
        ("sign(x)", "0"),
    ],
)
def test_not_locally_lipschitz_is_unbounded(expr, at):
    result = clarke_set(expr, at)
    assert result.kind == "unbounded"
    assert result.vertices == [] and "Lipschitz" in result.reason


@pytest.mark.parametrize(
    "expr, at",
    [("sqrt(x)", "0"), ("log(x)", "0"), ("x*sin(1/x)", "0"), ("abs(x**2*sin(1/x))", "0")],
)
def test_functions_undefined_near_the_point_are_refused(expr, at):
    with pytest.raises(InputError):
        clarke_set(expr, at)


def test_overwide_accumulation_bounds_are_not_trusted():
    # sympy's limit says [-2, 2]; the truth is [-sqrt(2), sqrt(2)]: the engine must not say [-2, 2].
    # (It used to refuse; the extremes of the periodic part sin θ - cos θ are now found exactly.)
    result = clarke_set("Piecewise((x**2*(sin(1/x) + cos(1/x)), x != 0), (0, True))", "0")
    assert result.exact == [(-sp.sqrt(2),), (sp.sqrt(2),)] and result.certified


def test_sequences_converge_to_each_endpoint():
    result = clarke_set("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1")
    by_side = {s.side: s for s in result.sequences}
    # Erratum 2: the sequence from the left has gradients -> +1.
    assert by_side["left"].target == (1.0,) and by_side["right"].target == (-1.0,)
    for s in result.sequences:
        xs = [p[0] for p in s.points]
        assert abs(xs[-1] + 1) < abs(xs[0] + 1) / 100
        assert s.gradients[-1][0] == pytest.approx(s.target[0], abs=1e-9)


def test_oscillating_sequences_pick_points_whose_slopes_approach_the_ends():
    result = clarke_set("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0")
    assert len(result.sequences) == 4
    for s in result.sequences:
        assert abs(s.gradients[-1][0] - s.target[0]) < 0.01


# --- cross-check by gradient sampling (an independent numeric method) -------------------------

kink = st.sampled_from(["0", "1/2", "-1", "sqrt(2)", "pi/4"])
coefficient = st.integers(-3, 3)


@st.composite
def piecewise_linear(draw):
    """f = sum of c_i * abs(x - k) + d * max(0, x - k) + e * min(x - k, 2*(x - k)) + slope * x,
    with every kink at k, plus a smooth term."""
    k = draw(kink)
    c, d, e, slope = (draw(coefficient) for _ in range(4))
    smooth = draw(st.sampled_from(["0", "x**2", "sin(x)", "exp(x)/3"]))
    text = (
        f"{c}*abs(x - ({k})) + {d}*max(0, x - ({k})) + {e}*min(x - ({k}), 2*(x - ({k})))"
        f" + {slope}*x + {smooth}"
    )
    return text, k


@settings(max_examples=60, deadline=None)
@given(piecewise_linear(), st.integers(0, 2**32 - 1))
def test_sampled_gradients_lie_in_the_set_and_reach_its_ends(case, seed):
    text, k = case
    result = clarke_set(text, k)
    expr = parse_function(text).expr
    (a,) = parse_point(k, 1)
    _, slopes = sampled_slopes_1d(expr, float(a), radius=1e-4, n=400,
                                  rng=np.random.default_rng(seed))
    lo, hi = result.vertices[0][0], result.vertices[-1][0]
    assert slopes.min() >= lo - 1e-3 and slopes.max() <= hi + 1e-3
    assert abs(slopes.min() - lo) < 1e-3 and abs(slopes.max() - hi) < 1e-3


def test_local_analysis_reports_the_value_and_both_sides():
    expr = parse_function("max(0, x)").expr
    loc = local_1d(expr, sp.Symbol("x", real=True), sp.Integer(0))
    assert loc.value == 0 and loc.left.form == 0 and loc.right.form == sp.Symbol("x", real=True)


def test_a_small_extra_oscillation_gets_proved_ends_not_sympys_wider_ones():
    # f' = 2x sin(1/x) - cos(1/x) + (2x cos(2/x) + 2 sin(2/x))/2000: sympy's bounds say ±1.001,
    # which the sampled check used to accept (within 1e-3) and certify. The true ends are
    # ±max(-cos θ + sin(2θ)/1000) ≈ ±1.000002, proved at the zeros of the derivative in θ.
    result = clarke_set("Piecewise((x**2*sin(1/x) + x**2*cos(2/x)/2000, x != 0), (0, True))", "0")
    assert result.certified and result.exact is not None
    (lo,), (hi,) = result.vertices
    assert abs(hi - 1.000002) < 1e-6 and abs(lo + 1.000002) < 1e-6


@pytest.mark.parametrize(("expr", "cause", "says"), [
    ("sign(x)", "jump", "f jumps at x = 0"),
    ("Piecewise((x, x < 0), (x + 1, True))", "jump", "f jumps at x = 0"),
    ("sqrt(abs(x))", "slopes", "f' is unbounded as x -> 0"),
], ids=["sign", "step-up", "sqrt-abs"])
def test_not_lipschitz_records_its_cause(expr, cause, says):
    result = clarke_set(expr, "0")
    assert result.kind == "unbounded" and result.extra["cause"] == cause
    assert says in result.reason
    if cause == "jump":
        assert "without bound" not in result.reason


def _is_kink(expr, p: float) -> bool:
    """Whether p is (up to rounding) a kink of f: a switch point found exactly, or a point where
    the left and right side forms of f differ."""
    exact = sp.Rational(p)
    if any(abs(float(k) - p) < 1e-12 for k in kinks(expr, X)):
        return True
    return sp.simplify(side_form(expr, X, exact, -1) - side_form(expr, X, exact, 1)) != 0


@pytest.mark.parametrize("example", list(EXAMPLES_1D), ids=[e.key for e in EXAMPLES_1D])
def test_gallery_sequences_stay_inside_open_cells(example):
    result = clarke_set(example.expr, example.at)
    expr = parse_function(example.expr).expr
    (a,) = parse_point(example.at, 1)
    for seq in result.sequences:
        for (p,) in seq.points:
            assert p != float(a) and not _is_kink(expr, p), (seq.side, p)


def test_figure_one_right_sequence_starts_between_the_kinks():
    # It used to start at x = 0, itself a kink (labelled "slope -1"); the next kink is at 0.
    result = clarke_set("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1")
    right = next(s for s in result.sequences if s.side == "right")
    assert right.points[0] == (-0.5,)


RANDOM_CASES = random_cases(60, seed=5)


def _precise_sampled_slopes(expr: sp.Expr, a: sp.Expr) -> np.ndarray:
    """sampling.sampled_slopes_1d's method (random points near a, central differences a
    thousandth of their distance to a wide) at 40 digits: in floats, log(1 + x²/2) at x = 1e-8
    rounds to 0 and the differences are noise."""
    import mpmath

    f = sp.lambdify(X, expr, "mpmath")
    rng = np.random.default_rng(0)
    offsets = rng.uniform(1e-8, 1e-5, 300) * rng.choice([-1.0, 1.0], 300)
    with mpmath.workdps(40):
        centre = mpmath.mpf(sp.Float(a, 45))
        out = []
        for t in offsets:
            x, h = centre + mpmath.mpf(t), mpmath.mpf(abs(t)) / 1000
            out.append(float(mpmath.re((f(x + h) - f(x - h)) / (2 * h))))
    return np.array(out)


@pytest.mark.parametrize("expr, at", RANDOM_CASES, ids=[f"{e} @ {a}" for e, a in RANDOM_CASES])
def test_certified_sets_of_random_compositions_match_gradient_sampling(expr, at):
    # Whenever the engine certifies a set, sampled slopes near the point never leave it, and
    # each end is approached by sampled slopes (ends are limits of gradients).
    try:
        result = clarke_set(expr, at)
    except InputError:
        return  # not real-valued next to the point, or undecided: nothing is claimed
    if not result.certified or result.kind not in ("point", "interval"):
        return
    (a,) = parse_point(at, 1)
    slopes = _precise_sampled_slopes(parse_function(expr).expr, a)
    lo, hi = result.vertices[0][0], result.vertices[-1][0]
    scale = 1e-3 * max(1.0, abs(lo), abs(hi))
    assert slopes.min() >= lo - scale and slopes.max() <= hi + scale
    assert abs(slopes.min() - lo) < scale and abs(slopes.max() - hi) < scale


def test_the_random_compositions_include_real_kinks():
    # The cross-check above must see nonsmooth points, not only smooth ones.
    intervals = 0
    for expr, at in RANDOM_CASES:
        try:
            result = clarke_set(expr, at)
        except InputError:
            continue
        intervals += result.certified and result.kind == "interval"
    assert intervals >= 5


def test_nested_accumulation_bounds_are_not_read_as_unbounded_slopes():
    # sympy returns AccumBounds(√2·AccumBounds(-1/2000, 1/2000) - 1, ...) for this bounded f'
    # (|f'| ≤ 1 + √2/1000 + o(1)); the engine used to call f "not locally Lipschitz".
    with pytest.raises(UndecidedError):
        clarke_set("Piecewise((x**2*sin(1/x) + x**2*cos(sqrt(2)/x)/2000, x != 0), (0, True))", "0")
