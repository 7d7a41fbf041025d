"""The lecture's properties of the Clarke differential (§2), checked on a function of x at a point.

Locally Lipschitz (an estimated local constant), convex ⇒ Clarke set = subdifferential,
differentiable ⇒ {f'} only when f' is continuous (erratum 4), and Clarke regularity. Everything the
Properties page shows comes from ``study_properties`` (run in the sandbox by the app).

>>> p = study_properties("abs(x)", "0")
>>> p.lipschitz.holds, p.lipschitz.constant, p.convex, p.sets_equal, p.regular
(True, 1.0, True, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..engine.clarke_1d import Local1D, clarke_from_local, local_1d
from ..engine.convexity import is_certified_convex
from ..engine.geometry import same_set
from ..engine.local import is_finite_number, side_form, sign_of
from ..engine.numeric import lambdify, real_part
from ..engine.parsing import parse_function, parse_point
from ..engine.sets import DifferentialSet, SetKind
from ..engine.subdiff_1d import not_convex_text, subdifferential_from_local
from ..errors import UndecidedError

SAMPLES = 4001


@dataclass(frozen=True)
class LipschitzEstimate:
    """A local Lipschitz constant on [x0 - r, x0 + r], estimated as max |f'| over the exact
    one-sided limits of f' at x0 and a dense sample (an estimate: a sample can miss a peak).
    When f is not locally Lipschitz, ``constant`` is None, ``reason`` says why and ``escapes``
    lists (L, h) pairs: for that L, the graph leaves the cone at distances from x0 up to h.
    ``escapes_latex`` holds each h exactly (LaTeX) where the boundary |f(x) - f(x0)| = L|x - x0|
    was solved exactly, else an empty string (h is then read off a fine grid)."""

    holds: bool
    constant: float | None
    radius: float
    reason: str = ""
    escapes: tuple[tuple[float, float], ...] = ()
    escapes_latex: tuple[str, ...] = ()


@dataclass(frozen=True)
class PropertiesReport:
    """Plain data for the Properties page (floats and LaTeX strings, picklable)."""

    latex: str
    point: float
    point_latex: str
    value: float
    clarke: DifferentialSet
    subdifferential: DifferentialSet | None
    lipschitz: LipschitzEstimate
    convex: bool
    convexity_note: str  # "f is not convex: f(m) > ..." with two Jensen points, when not convex
    sets_equal: bool | None  # None when the subdifferential was not decided
    derivative_latex: str | None  # f'(x0) when f is differentiable at x0
    strictly_differentiable: bool
    right_slope_latex: str | None  # f'(x0; 1)
    left_slope_latex: str | None  # f'(x0; -1)
    one_sided: tuple[float | None, float | None]  # left and right derivative of f at x0
    regular: bool | None  # None: no Clarke set (not locally Lipschitz)
    regularity_reason: str
    curve_x: tuple[float, ...]
    curve_y: tuple[float, ...]


def _sampled_slopes(expr: sp.Expr, x: sp.Symbol, a: float, r: float) -> np.ndarray:
    xs = np.linspace(a - r, a + r, SAMPLES)
    f = lambdify(x, expr)
    with np.errstate(all="ignore"):
        ys = np.asarray(f(xs.astype(complex)), dtype=complex) * np.ones_like(xs)
    ys = real_part(ys)
    # Difference quotients of neighbours: a slope of f that needs no derivative formula.
    q = np.diff(ys) / np.diff(xs)
    fprime = lambdify(x, sp.diff(expr, x))
    with np.errstate(all="ignore"):
        d = np.asarray(fprime(xs.astype(complex)), dtype=complex) * np.ones_like(xs)
    d = real_part(d)
    both = np.concatenate([q, d])
    return both[np.isfinite(both)]


def lipschitz_estimate(loc: Local1D, radius: float) -> LipschitzEstimate:
    """Estimate the Lipschitz constant of f near x0 (see ``LipschitzEstimate``).

    >>> from clarke_core.engine.primitives import X
    >>> lipschitz_estimate(local_1d(2 * sp.Abs(X), X, sp.Integer(0)), 1.0).constant
    2.0
    >>> lipschitz_estimate(local_1d(sp.sqrt(sp.Abs(X)), X, sp.Integer(0)), 1.0).holds
    False
    """
    a = float(loc.a)
    if not loc.lipschitz:
        found = [(L, _escape(loc, L)) for L in (1, 10, 100)]
        escapes = tuple((float(L), float(h)) for L, h in found)
        texts = tuple(sp.latex(h) if isinstance(h, sp.Expr) else "" for _, h in found)
        return LipschitzEstimate(False, None, radius, loc.lipschitz_reason, escapes, texts)
    exact = [abs(float(v)) for s in (loc.left, loc.right) for v in (s.lo, s.hi)]
    sampled = _sampled_slopes(loc.expr, loc.x, a, radius)
    constant = max([*exact, *(np.abs(sampled).tolist() or [0.0])])
    constant = float(round(constant, 6))
    return LipschitzEstimate(True, constant, radius)


def _escape(loc: Local1D, L: int) -> float | sp.Expr:
    """The largest distance h <= 1 from x0 at which the graph lies outside the cone
    |f(x) - f(x0)| <= L |x - x0|: the graph leaves every cone this close to x0.

    Found on a geometric grid, then made exact where the grid's bracket [last h outside, next h
    inside] holds one root of the boundary equation that sympy solves exactly (``_exact_root``);
    h = 1 exactly when the graph is still outside at h = 1.

    >>> from clarke_core.engine.primitives import X
    >>> loc = local_1d(sp.sqrt(sp.Abs(X)), X, sp.Integer(0))
    >>> [_escape(loc, L) for L in (1, 10, 100)]
    [1, 1/100, 1/10000]
    """
    f = lambdify(loc.x, loc.expr)
    a, fa = float(loc.a), float(loc.value)
    h = np.geomspace(1e-12, 1.0, 2000)
    found, exact = 0.0, None
    with np.errstate(all="ignore"):
        for side in (1, -1):
            ys = np.asarray(f((a + side * h).astype(complex)), dtype=complex) * np.ones_like(h)
            bad = np.abs(ys - fa) > L * h
            if bad.any() and h[last := int(np.nonzero(bad)[0].max())] > found:
                found = float(h[last])
                exact = (sp.Integer(1) if last == len(h) - 1
                         else _exact_root(loc, L, side, found, float(h[last + 1])))
    return found if exact is None else exact


def _exact_root(loc: Local1D, L: int, side: int, lo: float, hi: float) -> sp.Expr | None:
    """The one root in [lo, hi] of |f(x0 + side·h) - f(x0)| = L h, solved exactly when f's form
    there is a polynomial in a rational power of h (as √|x| is); else None."""
    h, u = sp.Symbol("h", positive=True), sp.Symbol("u", positive=True)
    try:
        start = sp.nsimplify(lo, rational=True)
        form = side_form(loc.expr, loc.x, loc.a + side * start, side)
        gap = sp.powsimp(sp.expand(form.xreplace({loc.x: loc.a + side * h}) - loc.value))
        equation = sp.expand(gap**2 - L**2 * h**2)
        powers = [p.exp for p in equation.atoms(sp.Pow) if p.base == h]
        q = sp.ilcm(*[sp.Rational(e).q for e in powers if e.is_Rational], 1)
        poly_eq = sp.expand(equation.xreplace({h: u**q}))
        if not poly_eq.is_polynomial(u) or sp.Poly(poly_eq, u).degree() > 8:
            return None
        roots = [r**q for r in sp.Poly(poly_eq, u).real_roots() if r > 0]
    except (ValueError, TypeError, NotImplementedError, sp.PolynomialError, UndecidedError):
        return None
    inside = [sp.nsimplify(r) if r.is_Float else r for r in roots
              if lo * (1 - 1e-12) <= float(r) <= hi * (1 + 1e-12)]
    return inside[0] if len(inside) == 1 else None


def _bounds(dset: DifferentialSet) -> tuple[sp.Expr, sp.Expr] | None:
    if dset.exact is None or dset.kind not in (SetKind.POINT, SetKind.INTERVAL):
        return None
    return dset.exact[0][0], dset.exact[-1][0]


def regularity(loc: Local1D, clarke: DifferentialSet) -> tuple[bool | None, str]:
    """Whether f is Clarke regular at x0: f'(x0; 1) = max ∂f(x0) and f'(x0; -1) = -min ∂f(x0),
    with a sentence why.

    >>> from clarke_core.engine.primitives import X
    >>> loc = local_1d(-sp.Abs(X), X, sp.Integer(0))
    >>> regularity(loc, clarke_from_local(loc))[0]
    False
    """
    bounds = _bounds(clarke)
    if not loc.lipschitz or bounds is None:
        return None, ("f is not locally Lipschitz at $x_0$, so it has no Clarke set and "
                      "regularity is undefined.")
    lo, hi = bounds
    right, left = loc.right.slope, loc.left.slope
    if right is None or left is None or not (is_finite_number(right) and is_finite_number(left)):
        return False, ("A one-sided difference quotient of f has no limit at x0, so a directional "
                       "derivative $f'(x_0; d)$ does not exist: f is not regular.")
    if sign_of(right - hi) != 0:
        return False, (rf"$f'(x_0; 1) = {sp.latex(right)}$ but $\max \partial f(x_0) = "
                       rf"{sp.latex(hi)}$, so f is not regular at $x_0$.")
    if sign_of(left - lo) != 0:
        return False, (rf"$f'(x_0; -1) = {sp.latex(-left)}$ but $-\min \partial f(x_0) = "
                       rf"{sp.latex(-lo)}$, so f is not regular at $x_0$.")
    return True, "Both directional derivatives equal the Clarke support function: f is regular."


def study_properties(text: str, at, radius: float = 1.0) -> PropertiesReport:
    """Check the lecture's §2 properties for ``text`` at ``at`` (see ``PropertiesReport``).

    >>> p = study_properties("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0")
    >>> p.derivative_latex, p.strictly_differentiable, p.clarke.exact, p.regular
    ('0', False, [(-1,), (1,)], False)
    >>> study_properties("sqrt(abs(x))", "0").lipschitz.holds
    False
    """
    function = parse_function(text, max_dim=1)
    (a,) = parse_point(at, 1)
    x = function.variables[0]
    r = float(radius)
    loc = local_1d(function.expr, x, a)
    clarke = clarke_from_local(loc, scale=r / 2)
    try:
        sub = subdifferential_from_local(loc)
    except UndecidedError:
        sub = None
    convex = is_certified_convex(function.expr)
    left, right = loc.left.slope, loc.right.slope
    finite = [s is not None and is_finite_number(s) for s in (left, right)]
    derivative = right if all(finite) and sign_of(right - left) == 0 else None
    strict = derivative is not None and all(
        sign_of(s.lo - derivative) == 0 and sign_of(s.hi - derivative) == 0
        for s in (loc.left, loc.right))
    regular, why = regularity(loc, clarke)
    xs = np.linspace(float(a) - 1.5 * r, float(a) + 1.5 * r, 1201)
    f = lambdify(x, function.expr)
    with np.errstate(all="ignore"):
        ys = np.asarray(f(xs.astype(complex)), dtype=complex) * np.ones_like(xs)
    ys = real_part(ys)
    return PropertiesReport(
        latex=sp.latex(function.expr), point=float(a), point_latex=sp.latex(a),
        value=float(loc.value), clarke=clarke, subdifferential=sub,
        lipschitz=lipschitz_estimate(loc, r), convex=convex,
        convexity_note="" if convex else not_convex_text(loc),
        sets_equal=None if sub is None else same_set(clarke, sub),
        derivative_latex=None if derivative is None else sp.latex(derivative),
        strictly_differentiable=strict,
        right_slope_latex=sp.latex(right) if finite[1] else None,
        left_slope_latex=sp.latex(-left) if finite[0] else None,
        one_sided=(float(left) if finite[0] else None, float(right) if finite[1] else None),
        regular=regular, regularity_reason=why,
        curve_x=tuple(xs.tolist()), curve_y=tuple(float(v) for v in ys),
    )


@dataclass(frozen=True)
class Oscillation:
    """x² sin(1/x) near 0 (erratum 4): curve samples of f and f', and points x_k → 0 where the
    moving marker sits, with f(x_k) and f'(x_k)."""

    curve_x: tuple[float, ...]
    f: tuple[float, ...]
    fprime: tuple[float, ...]
    xk: tuple[float, ...]
    f_xk: tuple[float, ...]
    fprime_xk: tuple[float, ...]


def oscillation(frames: int = 60, reach: float = 0.25) -> Oscillation:
    """Samples for the animation of f'(x) = 2x sin(1/x) - cos(1/x) as x -> 0 from the right.

    >>> o = oscillation(8)
    >>> len(o.xk), max(abs(v) for v in o.fprime) <= 1 + 2 * 0.25
    (8, True)
    """
    # Even in 1/x (about 19 samples per wiggle), so the wiggles near 0 are drawn; both sides.
    t = np.linspace(1 / reach, 400.0, 1200)
    right = 1 / t
    xs = np.concatenate([-right, right[::-1]])
    fx = xs**2 * np.sin(1 / xs)
    fp = 2 * xs * np.sin(1 / xs) - np.cos(1 / xs)
    tk = np.linspace(1 / reach + 2, 1 / reach + 2 + frames * 0.7, frames)
    xk = 1 / tk
    return Oscillation(
        tuple(xs.tolist()), tuple(fx.tolist()), tuple(fp.tolist()), tuple(xk.tolist()),
        tuple((xk**2 * np.sin(tk)).tolist()), tuple((2 * xk * np.sin(tk) - np.cos(tk)).tolist()),
    )
