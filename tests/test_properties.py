"""The §2 properties on the lecture's examples, checked against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import InputError, clarke_set, subdifferential
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.primitives import X
from clarke_core.labs.properties import oscillation, study_properties

X2_SIN = "Piecewise((x**2*sin(1/x), x != 0), (0, True))"
FIGURE_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"

# text, point, locally Lipschitz, certified convex, Clarke = subdifferential, regular
CASES = [
    ("abs(x)", "0", True, True, True, True),
    ("-abs(x)", "0", True, False, False, False),
    ("max(0, x)", "0", True, True, True, True),
    (FIGURE_1, "-1", True, False, False, False),
    (X2_SIN, "0", True, False, None, False),
    ("x**2", "1", True, True, True, True),
    ("sqrt(abs(x))", "0", False, False, False, None),
]


@pytest.mark.parametrize(("text", "at", "lipschitz", "convex", "equal", "regular"), CASES,
                         ids=[c[0][:20] + "@" + c[1] for c in CASES])
def test_properties_table(text, at, lipschitz, convex, equal, regular):
    p = study_properties(text, at)
    assert p.lipschitz.holds is lipschitz
    assert p.convex is convex
    if equal is not None:
        assert p.sets_equal is equal
    assert p.regular is regular


@pytest.mark.parametrize("text", ["abs(x)", "3*abs(x) - x", "x**2", "sin(3*x)"])
def test_lipschitz_estimate_bounds_sampled_quotients(text):
    # Independent check: every difference quotient of random pairs near x0 is <= L (+ a little).
    p = study_properties(text, "0", radius=0.5)
    rng = np.random.default_rng(0)
    f = {"abs(x)": np.abs, "3*abs(x) - x": lambda v: 3 * np.abs(v) - v,
         "x**2": np.square, "sin(3*x)": lambda v: np.sin(3 * v)}[text]
    a, b = rng.uniform(-0.5, 0.5, (2, 2000))
    quotients = np.abs(f(a) - f(b)) / np.abs(a - b)
    assert quotients.max() <= p.lipschitz.constant * (1 + 1e-3)
    assert quotients.max() >= 0.9 * p.lipschitz.constant  # the estimate is not absurdly loose


def test_sqrt_abs_escapes_every_cone_closer_and_closer():
    p = study_properties("sqrt(abs(x))", "0")
    assert "unbounded" in p.lipschitz.reason and p.lipschitz.constant is None
    distances = [h for _, h in p.lipschitz.escapes]
    assert distances == sorted(distances, reverse=True) and distances[-1] > 0
    for L, h in p.lipschitz.escapes:  # |x|^(1/2) > L |x| exactly when |x| < 1/L²
        assert h == pytest.approx(1 / L**2, rel=0.05)


@pytest.mark.parametrize(("f", "radii"), [
    ("sqrt(abs(x))", ["1", r"\frac{1}{100}", r"\frac{1}{10000}"]),       # h < 1/L²
    ("abs(x)**(1/3)", ["1", r"\frac{\sqrt{10}}{100}", r"\frac{1}{1000}"]),  # h < L^(-3/2)
    ("sqrt(abs(x)) + x", ["1", r"\frac{1}{81}", r"\frac{1}{9801}"]),     # √h > (L - 1) h
    ("sign(x)", ["1", r"\frac{1}{10}", r"\frac{1}{100}"]),              # a jump: 1 > L h
], ids=["sqrt", "cube-root", "sqrt-plus-x", "sign"])
def test_cone_escape_radii_are_exact(f, radii):
    lip = study_properties(f, "0").lipschitz
    assert list(lip.escapes_latex) == radii
    expr = parse_function(f).expr
    fn = sp.lambdify(parse_function(f).variables[0], expr, "numpy")
    for (L, h), text in zip(lip.escapes, radii, strict=True):
        # outside the cone just inside h, inside it just beyond (an independent evaluation)
        near = np.array([h * (1 - 1e-6), -h * (1 - 1e-6)])
        beyond = np.array([h * (1 + 1e-6), -h * (1 + 1e-6)])
        assert np.max(np.abs(fn(near) - fn(0.0)) - L * np.abs(near)) > 0, (f, L, text)
        if h < 1:
            assert np.all(np.abs(fn(beyond) - fn(0.0)) <= L * np.abs(beyond)), (f, L, text)


def test_cone_radius_without_a_closed_form_stays_a_grid_reading():
    lip = study_properties("abs(x)**(1/2)*cos(x)", "0").lipschitz
    assert lip.escapes_latex == ("", "", "")
    assert lip.escapes[1][1] == pytest.approx(1e-2, rel=0.05)


def test_erratum_4_differentiable_but_not_strictly():
    p = study_properties(X2_SIN, "0")
    assert p.derivative_latex == "0" and not p.strictly_differentiable
    assert clarke_set(X2_SIN, "0").exact == p.clarke.exact == [(-1,), (1,)]


def test_c1_function_has_the_gradient_as_clarke_set():
    p = study_properties("x**3 - x", "1")
    assert p.derivative_latex == "2" and p.strictly_differentiable
    assert p.clarke.kind == "point"


def test_convex_sets_agree_with_the_api():
    p = study_properties("abs(x - 1) + x**2/4", "1")
    assert p.convex and p.sets_equal
    assert subdifferential("abs(x - 1) + x**2/4", "1").exact == p.clarke.exact


def test_oscillation_marker_follows_the_derivative():
    o = oscillation(20)
    xk = np.array(o.xk)
    assert np.all(np.diff(xk) < 0) and xk[-1] < 0.1  # x_k -> 0
    expected = 2 * xk * np.sin(1 / xk) - np.cos(1 / xk)
    assert np.allclose(o.fprime_xk, expected)
    assert max(o.fprime_xk) > 0.8 and min(o.fprime_xk) < -0.8  # it keeps swinging


def test_bad_input_is_one_sentence():
    with pytest.raises(InputError):
        study_properties("x +", "0")


@pytest.mark.parametrize(
    "text", ["-abs(x)", "abs(x) + sin(x)", "min(abs(x), 1)", "sqrt(abs(x)) - x"])
def test_not_convex_note_names_points_that_break_jensen(text):
    """The properties page's "f is not convex" names m, p, q; f(m) > (f(p) + f(q))/2 exactly."""
    import re

    note = study_properties(text, "0").convexity_note
    m = re.fullmatch(r"f is not convex: f\((.+?)\) = .+ > .+ = \(f\((.+?)\) \+ f\((.+?)\)\)/2",
                     note)
    assert m, note
    f = parse_function(text).expr
    mid, p, q = (parse_point(c, 1)[0] for c in m.groups())
    assert sp.simplify(mid - (p + q) / 2) == 0
    gap = f.subs(X, mid) - (f.subs(X, p) + f.subs(X, q)) / 2
    assert sp.N(gap, 50) > 0


def test_convex_functions_have_no_not_convex_note():
    assert study_properties("max(x**2, 2*abs(x) - 1)", "0").convexity_note == ""
