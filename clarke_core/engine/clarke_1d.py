"""The exact Clarke set of a function of one variable.

For a locally Lipschitz f of one variable, ∂f(a) = [liminf f'(y), limsup f'(y)] as y -> a. Just
right of a, f equals one smooth side form (see ``local``), so the right-hand cluster values of f'
are the limit (or the accumulation interval) of that form's derivative, and likewise on the left.
The set is the hull of both sides: only branches with interior next to a (essentially active ones)
ever enter, and no calculus rule (which only gives supersets) is used.

>>> from clarke_core.engine.primitives import X
>>> clarke_1d(sp.Max(0, X), sp.Integer(0)).exact
[(0,), (1,)]
>>> clarke_1d(sp.Abs(X) - sp.Abs(X), sp.Integer(0)).kind
'point'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import InputError, NotFiniteError, UndecidedError
from .local import check_size_at, finite_at, is_finite_number, kinks, side_form, sign_of
from .numeric import lambdify
from .primitives import X
from .sets import DifferentialSet, GradientSequence

SEQUENCE_LENGTH = 12
_SIDE_NAMES = {-1: "left", 1: "right"}


@dataclass(frozen=True)
class SideLimits:
    """What f does on one side of the point: its smooth form there, the limit of f at the point,
    the cluster interval [lo, hi] of f' (lo == hi when f' converges), and the one-sided derivative
    (None when f' oscillates and the difference quotient has no limit)."""

    side: int
    form: sp.Expr
    derivative: sp.Expr
    value: sp.Expr
    lo: sp.Expr
    hi: sp.Expr
    slope: sp.Expr | None
    proved: bool = True  # False: [lo, hi] of an oscillating f' was only sampled

    @property
    def bounded(self) -> bool:
        return is_finite_number(self.lo) and is_finite_number(self.hi)


@dataclass(frozen=True)
class Local1D:
    """Exact local data of f at a: the value, both sides, and whether f is locally Lipschitz."""

    expr: sp.Expr
    x: sp.Symbol
    a: sp.Expr
    value: sp.Expr
    left: SideLimits
    right: SideLimits
    lipschitz_reason: str  # empty when f is locally Lipschitz at a
    lipschitz_cause: str = ""  # "jump" (f is not continuous at a) or "slopes" (f' unbounded)

    @property
    def lipschitz(self) -> bool:
        return not self.lipschitz_reason


def _limit(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> sp.Expr:
    value = finite_at(expr, x, a)
    if value is not None:
        return sp.nsimplify(value) if value.is_Float else value
    try:
        return sp.limit(expr, x, a, "+" if side > 0 else "-")
    except (NotImplementedError, ValueError, TypeError, sp.PoleError) as exc:
        raise UndecidedError(
            f"Clarke Lab could not find the limit of {expr} as x -> {a} from the "
            f"{_SIDE_NAMES[side]}."
        ) from exc


def _check_real_near(form: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> None:
    for step in ("1/1000", "1/1000000"):
        value = form.xreplace({x: a + side * sp.Rational(step)}).evalf(30)
        if not value.is_real and value.is_real is not None or value.has(sp.I):
            raise InputError(
                f"The function is not real-valued just {_SIDE_NAMES[side]} of x = {a}, so it has "
                "no Clarke set there; choose another point or function."
            )


def _side_limits(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> SideLimits:
    form = side_form(expr, x, a, side)
    _check_real_near(form, x, a, side)
    derivative = sp.diff(form, x)
    value = _limit(form, x, a, side)
    limit = _limit(derivative, x, a, side)
    if isinstance(limit, sp.AccumBounds):
        lo, hi, proved = _checked_bounds(derivative, x, a, side, limit)
        slope = _limit((form - value) / (x - a), x, a, side) if value.is_finite else None
        if slope is not None and not is_finite_number(slope):
            slope = None
        return SideLimits(side, form, derivative, value, lo, hi, slope, proved)
    if not (limit.is_extended_real or limit in (sp.oo, -sp.oo)):
        raise UndecidedError(
            f"Clarke Lab could not decide the limit of f' as x -> {a} from the "
            f"{_SIDE_NAMES[side]}."
        )
    return SideLimits(side, form, derivative, value, limit, limit, limit)


def _checked_bounds(
    derivative: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int, bounds: sp.AccumBounds
) -> tuple[sp.Expr, sp.Expr, bool]:
    """The range [lo, hi] of the limits of an oscillating f', and whether it is proved.

    sympy's accumulation bounds come from interval arithmetic and may be too wide
    (sin(1/x) + cos(1/x) gets [-2, 2], truly [-√2, √2]). The range is proved when f' splits into
    terms with limits plus a trigonometric polynomial P in θ = 1/|x - a|, whose exact extremes over
    one period are found at the zeros of P'. Otherwise sampled values of f' close to a are kept,
    unproved (certified=False), when they reach sympy's bounds (which are then not trusted)."""
    lo, hi = bounds.min, bounds.max
    fprime = lambdify(x, derivative)
    with np.errstate(all="ignore"):
        t = np.concatenate([np.geomspace(1e-7, 1e-3, 100_000)])
        values = np.asarray(fprime(float(a) + side * t), dtype=float)
    if not (is_finite_number(lo) and is_finite_number(hi)):
        exact = _oscillation_range(derivative, x, a, side)
        if exact is not None:
            return exact[0], exact[1], True
        near, far = np.abs(values[:25_000]), np.abs(values[-25_000:])
        if np.nanmax(near) <= 2 * np.nanmax(far) + 1:
            # sympy's bounds are infinite or nested, but f' looks bounded: do not say unbounded.
            raise UndecidedError(
                f"f' oscillates as x -> {a} from the {_SIDE_NAMES[side]} and Clarke Lab could not "
                "decide the range of its limits, nor whether it is bounded.")
        return lo, hi, True
    values = values[np.isfinite(values)]
    tol = 1e-3 * max(1.0, float(hi - lo))
    exact = _oscillation_range(derivative, x, a, side)
    near = [abs(values.min() - float(e)) < tol for e in exact or ()] if values.size else []
    if exact is not None and near and abs(values.max() - float(exact[1])) < tol and near[0]:
        return exact[0], exact[1], True
    if values.size and abs(values.min() - float(lo)) < tol and abs(values.max() - float(hi)) < tol:
        return sp.Float(f"{values.min():.6g}"), sp.Float(f"{values.max():.6g}"), False
    raise UndecidedError(
        f"f' oscillates as x -> {a} from the {_SIDE_NAMES[side]} and Clarke Lab could not find "
        "the exact range of its limits."
    )


def _oscillation_range(derivative: sp.Expr, x: sp.Symbol, a: sp.Expr,
                       side: int) -> tuple[sp.Expr, sp.Expr] | None:
    """The exact [liminf, limsup] of f' at a from one side, when f'(a ± 1/θ) is a sum of terms
    with limits as θ -> ∞ and a trigonometric polynomial in θ (sin and cos of rational multiples
    of θ); None otherwise.

    >>> from clarke_core.engine.primitives import X
    >>> _oscillation_range(2 * X * sp.sin(1 / X) - sp.cos(1 / X), X, sp.Integer(0), 1)
    (-1, 1)
    """
    theta = sp.Dummy("theta", positive=True)
    g = sp.expand(derivative.xreplace({x: a + side / theta}))
    constant, periodic = sp.Integer(0), sp.Integer(0)
    try:
        for term in sp.Add.make_args(g):
            limit = sp.limit(term, theta, sp.oo)
            if is_finite_number(limit):
                constant += limit
            else:
                periodic += term
        trig = [f for f in periodic.atoms(sp.Function) if theta in f.free_symbols]
        rates = []
        for f in trig:
            rate = sp.diff(f.args[0], theta) if f.func in (sp.sin, sp.cos) else None
            if rate is None or not rate.is_Rational or rate == 0 or not sp.diff(
                    f.args[0], theta, 2) == 0:
                return None
            rates.append(abs(rate))
        symbols = sp.symbols(f"u0:{len(trig)}")
        flat = periodic.xreplace(dict(zip(trig, symbols, strict=True)))
        if not trig or theta in flat.free_symbols:
            return None
        step = sp.gcd([r.p for r in rates]) / sp.lcm([r.q for r in rates])
        period = 2 * sp.pi / step
        critical = sp.solveset(sp.diff(periodic, theta), theta, sp.Interval(0, period))
        if not isinstance(critical, sp.FiniteSet):
            return None
        values = [periodic.xreplace({theta: c}) for c in (*critical, sp.Integer(0))]
        low, high = values[0], values[0]
        for v in values[1:]:
            low = v if sign_of(v - low) < 0 else low
            high = v if sign_of(v - high) > 0 else high
    except (NotImplementedError, ValueError, TypeError, sp.PoleError, UndecidedError):
        return None
    return sp.nsimplify(constant + low) if (constant + low).is_Float else constant + low, (
        constant + high)


def local_1d(expr: sp.Expr, x: sp.Symbol, a: sp.Expr) -> Local1D:
    """Exact one-sided analysis of f at a (value, side forms, derivative limits, Lipschitz)."""
    check_size_at(expr, {x: a})
    try:
        value = side_form(expr, x, a, 0)
    except NotFiniteError:
        value = sp.nan
    if not is_finite_number(value):
        raise InputError(
            f"The function is not defined at x = {a}; define it there, for example with "
            "Piecewise((x**2*sin(1/x), x != 0), (0, True))."
        )
    left, right = (_side_limits(expr, x, a, side) for side in (-1, 1))
    reason, cause = "", ""
    for s in (left, right):
        if not is_finite_number(s.value) or sign_of(s.value - value) != 0:
            reason, cause = (
                f"f jumps at x = {a} (its limit from the {_SIDE_NAMES[s.side]} is {s.value}, "
                f"its value {value}), so it is not continuous, let alone locally Lipschitz, "
                "there."), "jump"
            break
    for s in (left, right) if not reason else ():
        if not s.bounded:
            how = ", oscillating with ever larger swings," if s.lo != s.hi else ""
            reason, cause = (
                f"f' is unbounded{how} as x -> {a} from the {_SIDE_NAMES[s.side]}, so f is not "
                "locally Lipschitz there."), "slopes"
            break
    return Local1D(expr, x, a, value, left, right, reason, cause)


def _smaller(p: sp.Expr, q: sp.Expr) -> sp.Expr:
    return p if sign_of(p - q) <= 0 else q


def _larger(p: sp.Expr, q: sp.Expr) -> sp.Expr:
    return p if sign_of(p - q) >= 0 else q


def _kinks_or_none(loc: Local1D) -> list[sp.Expr] | None:
    try:
        return kinks(loc.expr, loc.x)
    except UndecidedError:
        return None  # kinks not found exactly: sequences start at the caller's scale, as before


def _first_step(loc: Local1D, side: int, scale: float,
                points: list[sp.Expr] | None) -> float:
    """How far from a the sequence on one side starts: ``scale``, or half the distance to the
    nearest other kink on that side when that is nearer, so that every x_i lies in the open cell
    next to a (the lecture requires x_i ∉ Ω_f)."""
    if points is None:
        return scale
    a = float(loc.a)
    gaps = [abs(float(k) - a) for k in points if sign_of(k - loc.a) == side]
    return min([scale, *(g / 2 for g in gaps)])


def limiting_sequence(
    loc: Local1D, side: int, target: sp.Expr, scale: float, n: int = SEQUENCE_LENGTH,
    kink_points: list[sp.Expr] | None = None,
) -> GradientSequence:
    """Points x_i -> a from one side whose slopes f'(x_i) tend to ``target``.

    The points stay strictly between a and the nearest other kink on that side. When f'
    converges there they are a ± h·2^-i (h = ``scale``, or half the distance to that kink);
    when it oscillates, each x_i is the point in the dyadic shell [h·2^-(i+1), h·2^-i] where
    f' is closest to ``target``.
    """
    s = loc.left if side < 0 else loc.right
    f = lambdify(loc.x, s.form)
    fprime = lambdify(loc.x, s.derivative)
    a = float(loc.a)
    points_known = kink_points if kink_points is not None else _kinks_or_none(loc)
    first = _first_step(loc, side, scale, points_known)
    points = []
    with np.errstate(all="ignore"):
        for i in range(n):
            h = first * 2.0**-i
            if sign_of(s.hi - s.lo) == 0:
                points.append(a + side * h)
                continue
            shell = a + side * np.linspace(h / 2, h, 4001)
            slopes = np.asarray(fprime(shell), dtype=float) * np.ones_like(shell)
            points.append(float(shell[np.nanargmin(np.abs(slopes - float(target)))]))
        xs = np.array(points)
        values = np.asarray(f(xs), dtype=float) * np.ones_like(xs)
        slopes = np.asarray(fprime(xs), dtype=float) * np.ones_like(xs)
    return GradientSequence(
        target=(float(target),),
        points=tuple((float(p),) for p in xs),
        gradients=tuple((float(g),) for g in slopes),
        values=tuple(float(v) for v in values),
        side=_SIDE_NAMES[side],
    )


def clarke_from_local(loc: Local1D, scale: float = 1.0) -> DifferentialSet:
    """The Clarke set from exact local data, with a limiting-gradient sequence per limit."""
    extra = {
        "left_form": sp.latex(loc.left.form),
        "right_form": sp.latex(loc.right.form),
        "value": str(loc.value),
    }
    if not loc.lipschitz:
        extra["cause"] = loc.lipschitz_cause
        return DifferentialSet("unbounded", [], None, reason=loc.lipschitz_reason, extra=extra)
    proved = loc.left.proved and loc.right.proved
    lo = _smaller(loc.left.lo, loc.right.lo)
    hi = _larger(loc.left.hi, loc.right.hi)
    sequences = []
    points = _kinks_or_none(loc)
    for s in (loc.left, loc.right):
        targets = [s.lo] if sign_of(s.hi - s.lo) == 0 else [s.lo, s.hi]
        sequences += [limiting_sequence(loc, s.side, t, scale, kink_points=points)
                      for t in targets]
    checked = "" if proved else (
        " Checked numerically, not proved: f' oscillates near x₀ and the exact range of its "
        "limits was not found, so the ends are the extremes of f' sampled close to x₀.")
    if sign_of(hi - lo) == 0:
        return DifferentialSet(
            "point", [(float(lo),)], [(lo,)] if proved else None, tuple(sequences),
            reason="f' has the same limit from both sides." + checked, extra=extra,
            certified=proved,
        )
    return DifferentialSet(
        "interval", [(float(lo),), (float(hi),)], [(lo,), (hi,)] if proved else None,
        tuple(sequences), certified=proved,
        reason="The hull of the limits of f' from the left and from the right." + checked,
        extra=extra,
    )


def clarke_1d(expr: sp.Expr, a: sp.Expr, x: sp.Symbol | None = None) -> DifferentialSet:
    """The exact Clarke set of a function of x at the point a."""
    x = x or X
    return clarke_from_local(local_1d(expr, x, a))
