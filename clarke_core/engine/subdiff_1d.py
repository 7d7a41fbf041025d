"""The convex-analysis subdifferential (lecture §1) of a function of one variable.

∂_s f(a) = {s : f(x') >= f(a) + s (x' - a) for every x'}. With q(x') = (f(x') - f(a)) / (x' - a)
it is the interval [sup over x' < a of q, inf over x' > a of q], which always lies inside
[f'_-(a), f'_+(a)]. It is global: one far-away x' can empty it.

- f certified convex (composition rules): it is exactly [f'_-(a), f'_+(a)], the Clarke set.
- Empty: proved by two exact witnesses x'_L < a < x'_R with q(x'_L) > q(x'_R) (the lecture's
  x' = -2 and x' = 1 argument), chosen as simple numbers where possible.
- Otherwise both ends are found exactly where sympy can: f is split at its exact kinks, each
  end is the best of finitely many exact candidates, proved by h_s >= 0 on every piece (see
  ``exact_ends``); √|x| and min(|x|, 10^7) at 0 give the certified point {0}.
- Where an end cannot be found exactly, the global inequality is checked on a dense grid of x'
  out to |x' - a| = 10^6, and the result says so (``certified`` is False, the reason starts
  "Checked numerically", and the numbers are clean: noise around one value is a point).

>>> from clarke_core.engine.primitives import X
>>> subdifferential_1d(-sp.Abs(X), sp.Integer(0)).kind
'empty'
>>> subdifferential_1d(sp.Abs(X), sp.Integer(0)).exact
[(-1,), (1,)]
>>> subdifferential_1d(sp.sqrt(sp.Abs(X)), sp.Integer(0)).exact
[(0,)]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import NotFiniteError, UndecidedError
from . import printing
from .clarke_1d import Local1D, local_1d
from .convexity import is_certified_convex, jensen_violation
from .local import (
    NotExactError,
    finite_at,
    interior_point,
    is_finite_number,
    kinks,
    side_form,
    sign_of,
    smooth_zeros,
    sorted_exact,
)
from .numeric import lambdify
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
    f = lambdify(loc.x, loc.expr)
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
    f = lambdify(loc.x, loc.expr)
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
    bound = printing.bound_text(None, q, lower=left)
    return Witness((float(c),), float(value), bound, (c,), limit=q, lower=left)


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


# --- The exact method -------------------------------------------------------------------------
# s is a subgradient iff h_s(x') = f(x') - f(a) - s (x' - a) >= 0 for every x'. f is one smooth
# form F on each open piece between consecutive kinks, so the end sup_{x' < a} q is the largest of
# finitely many exact candidates: q at the kinks, the limits of q at the piece ends (at a the
# one-sided derivative, at -oo the slope at infinity) and q at its critical points inside a piece.
# The candidate c is then proved to be the sup by showing h_c >= 0 on each piece (h_c's minimum is
# at a zero of F' - c, an easier equation than q' = 0, or at a piece end); only where that fails
# are the critical points of q solved for.


@dataclass(frozen=True)
class _Piece:
    lo: sp.Expr
    hi: sp.Expr
    form: sp.Expr


def _pieces(loc: Local1D, points: list[sp.Expr]) -> list[_Piece]:
    """The open pieces of the line cut at ``points`` on which f is real-valued, with f's form."""
    ends = [-sp.oo, *points, sp.oo]
    out = []
    for lo, hi in zip(ends, ends[1:], strict=False):
        m = interior_point(lo, hi)
        form = side_form(loc.expr, loc.x, m, 1)
        try:
            value = complex(form.xreplace({loc.x: m}).evalf(30))
        except (TypeError, ValueError):
            continue  # f is undefined (nan, zoo) there: no inequality to check
        if abs(value.imag) > 1e-20 or not np.isfinite(value.real):
            continue
        out.append(_Piece(lo, hi, form))
    return out


def _exact_limit(expr: sp.Expr, x: sp.Symbol, point: sp.Expr, direction: str) -> sp.Expr:
    """lim expr as x -> point from ``direction`` (+ or -), exactly: a finite number or ±oo."""
    if x not in expr.free_symbols:
        return expr
    if point not in (sp.oo, -sp.oo):
        value = finite_at(expr, x, point)
        if value is not None:
            return value
    try:
        value = sp.limit(expr, x, point, direction) if point not in (sp.oo, -sp.oo) else (
            sp.limit(expr, x, point))
    except (NotImplementedError, ValueError, TypeError, sp.PoleError) as exc:
        raise NotExactError(f"Clarke Lab could not find the limit of {expr} at {point}.") from exc
    if value in (sp.oo, -sp.oo) or is_finite_number(value):
        return value
    raise NotExactError(f"The limit of {expr} at {point} is not one number ({value}).")


def _less(p: sp.Expr, q: sp.Expr) -> bool:
    """p < q for exact numbers that may be ±oo."""
    if p == q:
        return False
    if p == -sp.oo or q == sp.oo:
        return True
    if p == sp.oo or q == -sp.oo:
        return False
    return sign_of(p - q) < 0


def _ends(piece: _Piece) -> list[tuple[sp.Expr, str]]:
    return [(piece.lo, "+"), (piece.hi, "-")]


def _simplest(c: sp.Expr) -> sp.Expr:
    """c in its shortest form (a quotient of radicals that is 1 is shown as 1)."""
    if c.is_Rational or c in (sp.oo, -sp.oo):
        return c
    if sp.count_ops(c) <= 4:
        return c
    try:
        for simpler in (sp.nsimplify(c), sp.radsimp(c)):
            if simpler.is_Rational or sp.count_ops(simpler) < sp.count_ops(c):
                if sign_of(simpler - c) == 0:
                    return simpler
    except (UndecidedError, NotImplementedError, ValueError, TypeError):
        pass
    return c


def _h_nonnegative(loc: Local1D, piece: _Piece, c: sp.Expr) -> bool:
    """Whether F(x) - f(a) - c (x - a) >= 0 on the whole open piece, decided exactly."""
    x = loc.x
    h = piece.form - loc.value - c * (x - loc.a)
    values = [_exact_limit(h, x, p, d) for p, d in _ends(piece)]
    for z in smooth_zeros(sp.diff(piece.form, x) - c, x, piece.lo, piece.hi):
        values.append(h.xreplace({x: z}))
    return all(v == sp.oo or (v != -sp.oo and sign_of(v) >= 0) for v in values)


def _quotient_critical_values(loc: Local1D, piece: _Piece) -> list[sp.Expr]:
    x, form = loc.x, piece.form
    numerator = sp.diff(form, x) * (x - loc.a) - (form - loc.value)
    q = (form - loc.value) / (x - loc.a)
    return [q.xreplace({x: z}) for z in smooth_zeros(numerator, x, piece.lo, piece.hi)]


def _exact_end(loc: Local1D, pieces: list[_Piece], points: list[sp.Expr], side: int) -> sp.Expr:
    """sup_{x' < a} q (side -1) or inf_{x' > a} q (side +1), exactly, or NotExactError."""
    x, a = loc.x, loc.a
    mine = [p for p in pieces if (side < 0 and p.hi != sp.oo and not _less(a, p.hi))
            or (side > 0 and p.lo != -sp.oo and not _less(p.lo, a))]
    candidates = []
    for k in points:
        if sign_of(k - a) == side:
            try:
                value = side_form(loc.expr, x, k, 0)
            except NotFiniteError:
                continue
            if is_finite_number(value):
                candidates.append((value - loc.value) / (k - a))
    for piece in mine:
        q = (piece.form - loc.value) / (x - a)
        candidates += [_exact_limit(q, x, p, d) for p, d in _ends(piece)]
    if not candidates:  # f is undefined on this whole side: no constraint
        return -side * sp.oo

    def best(values: list[sp.Expr]) -> sp.Expr:
        out = values[0]
        for v in values[1:]:
            if _less(out, v) if side < 0 else _less(v, out):
                out = v
        return _simplest(out)

    c = best(candidates)
    if c in (sp.oo, -sp.oo) or all(_h_nonnegative(loc, p, c) for p in mine):
        return c
    for piece in mine:
        candidates += _quotient_critical_values(loc, piece)
    c = best(candidates)
    if all(_h_nonnegative(loc, p, c) for p in mine):
        return c
    raise NotExactError("The candidate bound did not pass the exact check.")


def exact_ends(loc: Local1D) -> tuple[sp.Expr | None, sp.Expr | None, str]:
    """Both ends of ∂ₛf(a) exactly (None for an end that could not be found exactly), and why
    an end failed ("" when none did)."""
    try:
        points = sorted_exact({*kinks(loc.expr, loc.x), loc.a})
        pieces = _pieces(loc, points)
    except (UndecidedError, NotImplementedError, ValueError, TypeError) as exc:
        return None, None, str(exc)
    ends, why = [], ""
    for side in (-1, 1):
        try:
            ends.append(_exact_end(loc, pieces, points, side))
        except (UndecidedError, NotImplementedError, ValueError, TypeError) as exc:
            ends.append(None)
            why = why or str(exc)
    return ends[0], ends[1], why


def subdifferential_from_local(loc: Local1D) -> DifferentialSet:
    """The subdifferential of f at a, given the exact local analysis."""
    if loc.lipschitz and is_certified_convex(loc.expr):
        reason = "f is convex, so its subdifferential is [f'₋, f'₊], equal to the Clarke set."
        return _interval(loc.left.slope, loc.right.slope, reason, certified=True)
    lower, upper, why = exact_ends(loc)
    if lower is not None and upper is not None:
        return _exact_result(loc, lower, upper)
    return _numeric_result(loc, lower, upper, why)


def not_convex_text(loc: Local1D) -> str:
    """"f is not convex: ..." with two exact points that break Jensen's inequality, or the
    honest "f is not certified convex" when none was found."""
    centers = [(loc.a,)] + [(k,) for k in _simple_kinks(loc)]
    pair = jensen_violation(loc.expr, (loc.x,), centers)
    if pair is None:
        return "f is not certified convex"
    (p,), (q,) = pair
    m = (p + q) / 2
    fp, fq, fm = (finite_at(loc.expr, loc.x, c) for c in (p, q, m))
    return (f"f is not convex: f({m}) = {sp.nsimplify(fm)} > {sp.nsimplify((fp + fq) / 2)} = "
            f"(f({p}) + f({q}))/2")


def _simple_kinks(loc: Local1D) -> list[sp.Expr]:
    try:
        return [k for k in kinks(loc.expr, loc.x) if k.is_Rational][:6]
    except (UndecidedError, NotImplementedError, ValueError, TypeError):
        return []


def _exact_result(loc: Local1D, lower: sp.Expr, upper: sp.Expr) -> DifferentialSet:
    """The set [lower, upper] whose ends were both found exactly."""
    if lower == sp.oo or upper == -sp.oo or (
            lower != -sp.oo and upper != sp.oo and sign_of(lower - upper) > 0):
        return _empty(loc, lower, upper)
    how = ("the inequality was checked exactly for every x' (on each smooth piece of f, at its "
           "kinks and towards ±∞)")
    start = "" if loc.lipschitz else (
        f"{loc.lipschitz_reason} The subdifferential is still defined by the global inequality: ")
    if lower == -sp.oo or upper == sp.oo:
        left = "(-∞" if lower == -sp.oo else f"[{lower}"
        shown = f"{left}, " + ("∞)" if upper == sp.oo else f"{upper}]")
        return DifferentialSet("unbounded", [], None, certified=True, reason=(
            f"{start}{not_convex_text(loc)}; {how}, and it leaves the unbounded set {shown}."),
            extra={"half_line": [str(lower), str(upper)]})
    reason = f"{start}{not_convex_text(loc)}; {how}."
    return _interval(lower, upper, reason, certified=True)


def _empty(loc: Local1D, lower: sp.Expr, upper: sp.Expr) -> DifferentialSet:
    grid_left, grid_right = _grid(float(loc.a))
    q_left, q_right = _quotients(loc, grid_left), _quotients(loc, grid_right)
    witnesses = _find_witnesses(loc, grid_left, grid_right, q_left, q_right) or ()
    if witnesses:
        reason = ("No slope s satisfies the subgradient inequality for every x': "
                  + " and ".join(f"x' = {w.exact_point[0]} forces {w.bound}" for w in witnesses)
                  + ".")
    else:
        reason = ("No slope s satisfies the subgradient inequality for every x': the quotients "
                  "(f(x') - f(x₀))/(x' - x₀) come arbitrarily close to "
                  f"{lower} from the left of x₀ but to {upper} from the right, checked exactly.")
    return DifferentialSet("empty", [], None, witnesses=witnesses, certified=True, reason=reason)


def _clean(v: float) -> float:
    """A numerically found end without rounding noise: 0 when tiny, else six significant
    digits."""
    if not np.isfinite(v) or abs(v) < 1e-6:
        return 0.0 if np.isfinite(v) else v
    return float(f"{v:.6g}")


NUMERIC_POINT_WIDTH = 1e-4


def _numeric_result(loc: Local1D, exact_lo: sp.Expr | None, exact_hi: sp.Expr | None,
                    why: str) -> DifferentialSet:
    """Ends not found exactly are found on a dense grid of x' (|x' - a| ≤ 10^6); the set says
    so, in its reason and with certified=False, and shows clean numbers."""
    lo = loc.left.slope if loc.lipschitz else -sp.oo
    hi = loc.right.slope if loc.lipschitz else sp.oo
    if lo is None or hi is None:
        raise UndecidedError(
            f"f has no one-sided derivative at x = {loc.a}, so Clarke Lab cannot decide its "
            "subdifferential.")
    grid_left, grid_right = _grid(float(loc.a))
    q_left, q_right = _quotients(loc, grid_left), _quotients(loc, grid_right)
    lower_far, lower_at = _refined(loc, grid_left, q_left, 1.0)
    upper_far, upper_at = _refined(loc, grid_right, q_right, -1.0)
    lower, upper = max(float(lo), lower_far), min(float(hi), upper_far)
    if exact_lo is None:
        exact_lo = lo if abs(lower - float(lo)) <= 1e-9 else _snapped(loc, lower, lower_at)
    else:
        lower = float(exact_lo)
    if exact_hi is None:
        exact_hi = hi if abs(upper - float(hi)) <= 1e-9 else _snapped(loc, upper, upper_at)
    else:
        upper = float(exact_hi)
    span = f"|x' - {loc.a}| ≤ 10^6"
    head = "Checked numerically, not proved: "
    if lower > upper + 1e-9:
        witnesses = _find_witnesses(loc, grid_left, grid_right, q_left, q_right)
        if witnesses is not None:
            return DifferentialSet("empty", [], None, witnesses=witnesses, certified=True, reason=(
                "No slope s satisfies the subgradient inequality for every x': "
                + " and ".join(f"x' = {w.exact_point[0]} forces {w.bound}" for w in witnesses)
                + "."))
        return DifferentialSet("empty", [], None, certified=False, reason=(
            f"{head}no slope passed the subgradient inequality on a dense grid of x' values."))
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return DifferentialSet("unbounded", [], None, certified=False, reason=(
            f"{head}{loc.lipschitz_reason} No bound on s was found on a grid of x' values either."))
    reason = (f"{head}{not_convex_text(loc)}, and not every bound on s could be found exactly, "
              f"so the inequality was checked on a grid of x' values for {span}.")
    if not loc.lipschitz:
        reason = (f"{head}{loc.lipschitz_reason} The subdifferential is still defined by the "
                  f"global inequality, checked on a grid for {span}.")
    if exact_lo is not None and exact_hi is not None and sign_of(exact_hi - exact_lo) >= 0:
        return _interval(exact_lo, exact_hi, reason, certified=False)
    width = upper - lower
    if width <= NUMERIC_POINT_WIDTH * max(1.0, abs(lower), abs(upper)):
        # Rounding noise around one value is a point, shown exactly where one end is exact.
        known = exact_lo if exact_lo is not None else exact_hi
        if known is not None:
            return _interval(known, known, reason, certified=False)
        return DifferentialSet("point", [(_clean((lower + upper) / 2),)], None, certified=False,
                               reason=reason, extra={"not_exact": why})
    return DifferentialSet("interval", [(_clean(lower),), (_clean(upper),)], None,
                           certified=False, reason=reason, extra={"not_exact": why})


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
