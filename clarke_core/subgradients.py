"""The convex-analysis subdifferential (lecture §1) of a function of one variable.

∂_s f(a) = {s : f(x') >= f(a) + s (x' - a) for every x'}. With q(x') = (f(x') - f(a)) / (x' - a)
it is the interval [sup over x' < a of q, inf over x' > a of q], which always lies inside
[f'_-(a), f'_+(a)]. It is global: one far-away x' can empty it.

- f certified convex (composition rules): it is exactly [f'_-(a), f'_+(a)], the Clarke set.
- Empty: proved by two exact witnesses x'_L < a < x'_R with q(x'_L) > q(x'_R) (the lecture's
  x' = -2 and x' = 1 argument), chosen as simple numbers where possible.
- Otherwise the global inequality is checked on a dense grid of x' out to |x' - a| = 10^6, and
  the result says so (``certified`` is False).

>>> from clarke_core.primitives import X
>>> subdifferential_1d(-sp.Abs(X), sp.Integer(0)).kind
'empty'
>>> subdifferential_1d(sp.Abs(X), sp.Integer(0)).exact
[(-1,), (1,)]
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from .clarke import Local1D, local_1d
from .convexity import is_certified_convex
from .errors import UndecidedError
from .local import is_finite_number, side_form, sign_of
from .primitives import X
from .sets import DifferentialSet, Witness

GRID_REACH = 1e6
_SIMPLE_POINTS = sorted(
    {sp.Rational(n, d) for d in (1, 2, 4) for n in range(-40, 41)},
    key=lambda c: (abs(c.p) + c.q, bool(c < 0)),  # simplest first: 0, ±1, ±1/2, ±2, ...
)


def _grid(a: float) -> tuple[np.ndarray, np.ndarray]:
    near = np.geomspace(1e-6, GRID_REACH, 3000)
    mid = np.linspace(1e-3, 20.0, 4000)
    d = np.unique(np.concatenate([near, mid]))
    return a - d, a + d


def _quotients(loc: Local1D, xs: np.ndarray) -> np.ndarray:
    f = sp.lambdify(loc.x, loc.expr, "numpy")
    with np.errstate(all="ignore"):
        values = np.asarray(f(xs), dtype=float) * np.ones_like(xs)
        return (values - float(loc.value)) / (xs - float(loc.a))


def _refined(
    loc: Local1D, grid: np.ndarray, q: np.ndarray, sign: float
) -> tuple[float, float | None]:
    """The extreme of sign * q refined between the neighbours of the best grid point, so that a
    binding x' between grid points (x' = -sqrt(2), say) is not missed."""
    finite = np.isfinite(q)
    if not finite.any():
        return -sign * np.inf, None
    i = int(np.nanargmax(sign * q))
    lo, hi = sorted((grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]))
    f = sp.lambdify(loc.x, loc.expr, "numpy")
    a, fa = float(loc.a), float(loc.value)

    def objective(t: float) -> float:
        with np.errstate(all="ignore"):
            value = -sign * (float(f(t)) - fa) / (t - a)
        return value if np.isfinite(value) else np.inf

    from scipy.optimize import minimize_scalar  # imported here: it costs 0.7 s at start-up

    best = minimize_scalar(objective, bounds=(lo, hi), method="bounded",
                           options={"xatol": 1e-12})
    if sign * q[i] >= -best.fun:
        return float(q[i]), float(grid[i])
    return float(-best.fun * sign), float(best.x)


def _snapped(loc: Local1D, value: float, at: float | None) -> sp.Expr | None:
    """An exact endpoint for a bound that binds at x' = ``at`` (far from a), when ``at`` is a
    recognisable number whose exact quotient matches the numeric one."""
    if at is None or not np.isfinite(value):
        return None
    if abs(at - float(loc.a)) < 1e-3:
        return None  # a bound from next to a is the one-sided derivative's business
    guess = sp.nsimplify(at, [sp.pi], tolerance=1e-9)
    if not (_recognisable(guess) and guess.is_real):
        return None
    q = _exact_quotient(loc, guess)
    if q is None or abs(float(q) - value) >= 1e-7:
        return None
    q = sp.nsimplify(sp.simplify(q))
    return q if _recognisable(q) else None


def _recognisable(c: sp.Expr) -> bool:
    """A short expression in small numbers, such as -sqrt(2) or 3*pi/4: worth showing exactly."""
    small = all(abs(r.p) <= 1000 and r.q <= 1000 for r in c.atoms(sp.Rational))
    return small and sp.count_ops(c) <= 6


def _exact_quotient(loc: Local1D, c: sp.Expr) -> sp.Expr | None:
    value = side_form(loc.expr, loc.x, c, 0)
    if not is_finite_number(value):
        return None
    return sp.nsimplify(value - loc.value) / (c - loc.a) if value.is_Float else (
        (value - loc.value) / (c - loc.a)
    )


def _witness(loc: Local1D, c: sp.Expr, q: sp.Expr, left: bool) -> Witness:
    value = side_form(loc.expr, loc.x, c, 0)
    q = sp.nsimplify(sp.simplify(q))
    bound = f"s ≥ {q}" if left else f"s ≤ {q}"
    return Witness((float(c),), float(value), bound, (c,))


def _find_witnesses(loc: Local1D, grid_left: np.ndarray, grid_right: np.ndarray,
                    q_left: np.ndarray, q_right: np.ndarray) -> tuple[Witness, ...] | None:
    """Two points x'_L < a < x'_R with q(x'_L) > q(x'_R), confirmed exactly; simple ones first."""
    a = float(loc.a)
    candidates = list(_SIMPLE_POINTS)
    for grid, q, pick in ((grid_left, q_left, np.nanargmax), (grid_right, q_right, np.nanargmin)):
        if np.isfinite(q).any():
            best = float(grid[pick(q)])
            candidates.append(sp.Rational(best).limit_denominator(10**6))
    lefts = [c for c in candidates if float(c) < a and sign_of(c - loc.a) < 0][:60]
    rights = [c for c in candidates if float(c) > a and sign_of(c - loc.a) > 0][:60]
    ql = _quotients(loc, np.array([float(c) for c in lefts]))
    qr = _quotients(loc, np.array([float(c) for c in rights]))
    pairs = sorted(
        (i + j, i, j) for i, j in itertools.product(range(len(lefts)), range(len(rights)))
        if ql[i] > qr[j] + 1e-9
    )
    for _, i, j in pairs[:20]:
        exact_l, exact_r = _exact_quotient(loc, lefts[i]), _exact_quotient(loc, rights[j])
        if exact_l is not None and exact_r is not None and sign_of(exact_l - exact_r) > 0:
            return (
                _witness(loc, lefts[i], exact_l, True),
                _witness(loc, rights[j], exact_r, False),
            )
    return None


def subdifferential_from_local(loc: Local1D) -> DifferentialSet:
    """The subdifferential of f at a, given the exact local analysis."""
    if not loc.lipschitz:
        # No local slopes to start from, but the global inequality still defines the set.
        lo, hi = -sp.oo, sp.oo
    else:
        lo, hi = loc.left.slope, loc.right.slope
    if lo is None or hi is None:
        raise UndecidedError(
            f"f has no one-sided derivative at x = {loc.a}, so Clarke Lab cannot decide its "
            "subdifferential."
        )
    if loc.lipschitz and is_certified_convex(loc.expr):
        reason = "f is convex, so its subdifferential is [f'₋, f'₊], equal to the Clarke set."
        return _interval(lo, hi, reason, certified=True)
    grid_left, grid_right = _grid(float(loc.a))
    q_left, q_right = _quotients(loc, grid_left), _quotients(loc, grid_right)
    lower_far, lower_at = _refined(loc, grid_left, q_left, 1.0)
    upper_far, upper_at = _refined(loc, grid_right, q_right, -1.0)
    lower, upper = max(float(lo), lower_far), min(float(hi), upper_far)
    if (loc.lipschitz and sign_of(lo - hi) > 0) or lower > upper + 1e-9:
        witnesses = _find_witnesses(loc, grid_left, grid_right, q_left, q_right)
        reason = (
            "No slope s satisfies the subgradient inequality for every x': "
            + " and ".join(f"x' = {w.exact_point[0]} forces {w.bound}" for w in witnesses or ())
            + "."
        )
        if witnesses is None:
            reason = "No slope passed the subgradient inequality on a dense grid of x' values."
        return DifferentialSet(
            "empty", [], None, witnesses=witnesses or (), certified=witnesses is not None,
            reason=reason,
        )
    span = f"|x' - {loc.a}| ≤ 10^6"
    exact_lo = lo if abs(lower - float(lo)) <= 1e-9 else _snapped(loc, lower, lower_at)
    exact_hi = hi if abs(upper - float(hi)) <= 1e-9 else _snapped(loc, upper, upper_at)
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return DifferentialSet("unbounded", [], None, certified=False, reason=(
            f"{loc.lipschitz_reason} No bound on s was found on a grid of x' values either."))
    reason = f"f is not certified convex; the inequality was checked numerically for {span}."
    if not loc.lipschitz:
        reason = (f"{loc.lipschitz_reason} The subdifferential is still defined by the global "
                  f"inequality, checked numerically for {span}.")
    if exact_lo is None or exact_hi is None:
        vertices = [(lower,), (upper,)] if upper - lower > 1e-8 else [((lower + upper) / 2,)]
        kind = "interval" if len(vertices) == 2 else "point"
        return DifferentialSet(kind, vertices, None, certified=False, reason=reason)
    return _interval(exact_lo, exact_hi, reason, certified=False)


def _interval(lo: sp.Expr, hi: sp.Expr, reason: str, certified: bool) -> DifferentialSet:
    if sign_of(hi - lo) == 0:
        return DifferentialSet("point", [(float(lo),)], [(lo,)], certified=certified, reason=reason)
    return DifferentialSet(
        "interval", [(float(lo),), (float(hi),)], [(lo,), (hi,)], certified=certified,
        reason=reason,
    )


def subdifferential_1d(expr: sp.Expr, a: sp.Expr, x: sp.Symbol = X) -> DifferentialSet:
    """The convex subdifferential of a function of x at the point a."""
    return subdifferential_from_local(local_1d(expr, x, a))
