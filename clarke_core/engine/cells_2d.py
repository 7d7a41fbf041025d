"""Exact local analysis in two variables: the cells a nonsmooth f(x, y) splits into near a point.

Near p, every branch condition of f is the sign of a smooth *switch function* g. The zero curves
of the switch functions cut a small disk around p into cells, and f follows one smooth branch in
each. A cell is either a sector between two tangent directions, or a cusp: a thin region between
curves tangent to the same direction (between y = x² and y = 2x², say), which every ray misses.

So instead of rays alone, f is followed along *germs*: curves

    t -> p + t·u + (c t^β)·v,   t -> 0+,   v = u rotated by 90°,

rays when there is no offset. Sector germs go along a rational direction strictly between two
consecutive critical directions (where a switch function's leading Taylor form vanishes); cusp
germs go along a critical direction u with the offset exponents β > 1 and coefficients c read off
the Newton polygon of each switch function in coordinates along u: one germ between each pair of
consecutive real roots of the edge polynomials. Along a germ every sign is decided exactly (a
function of one variable, see ``local``). Switch functions are discovered by following germs, so
the search repeats until no new one appears.

>>> from clarke_core.engine.primitives import X, Y
>>> cells = local_cells(sp.Max(X, Y), (sp.Integer(0), sp.Integer(0)))
>>> sorted({str(c.form) for c in cells})
['x', 'y']
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..errors import UndecidedError
from .evaluation import evaluator
from .local import finite_at, form_by_signs, side_sign, sign_of
from .primitives import X, Y

S = sp.Symbol("s", positive=True)
TAYLOR_ORDER = 6
MAX_ROUNDS = 6
MAX_GERMS = 400
_W = sp.Symbol("w", real=True)
_T = sp.Symbol("t", positive=True)


@dataclass(frozen=True)
class Germ:
    """The curve s -> p + s^q·u + (c s^(qβ))·v for s -> 0+ (q clears β's denominator).

    ``direction`` u is exact, not normalised; ``beta`` is None for a ray, whose ``span`` gives the
    angles (radians, increasing) of the critical directions around it.
    """

    direction: tuple[sp.Expr, sp.Expr]
    beta: sp.Rational | None = None
    c: sp.Expr = sp.Integer(0)
    span: tuple[float, float] | None = None  # a ray's sector: angles of its bounding directions
    bounds: tuple[tuple, tuple] | None = None  # ... and those directions, exactly

    def curve(self, p: tuple[sp.Expr, sp.Expr]) -> tuple[sp.Expr, sp.Expr]:
        ux, uy = self.direction
        if self.beta is None:
            return p[0] + S * ux, p[1] + S * uy
        q = self.beta.q
        along, across = S**q, self.c * S ** (self.beta.p)
        return p[0] + along * ux - across * uy, p[1] + along * uy + across * ux

    def points(self, p: tuple[float, float], s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The curve at the parameters ``s``, in floats (``curve`` without sympy)."""
        ux, uy = float(self.direction[0]), float(self.direction[1])
        if self.beta is None:
            return p[0] + s * ux, p[1] + s * uy
        along, across = s**self.beta.q, float(self.c) * s ** int(self.beta.p)
        return p[0] + along * ux - across * uy, p[1] + along * uy + across * ux

    @property
    def angle(self) -> float:
        return math.atan2(float(self.direction[1]), float(self.direction[0]))


@dataclass(frozen=True)
class Cell:
    """One cell of f near p: a germ inside it and the smooth form f follows there; ``signs``,
    the switch functions asked along the germ with their signs there, chose that form."""

    germ: Germ
    form: sp.Expr
    signs: tuple[tuple[sp.Expr, int], ...] = field(default=(), compare=False, repr=False)


def _taylor(g: sp.Expr, p: tuple[sp.Expr, sp.Expr]) -> dict[tuple[int, int], sp.Expr] | None:
    """Taylor coefficients {(i, j): c} of g(p + (X, Y)) up to TAYLOR_ORDER (exact for
    polynomials), or None when some derivative is not finite at p (g not smooth there)."""
    shifted = g.xreplace({X: p[0] + X, Y: p[1] + Y})
    if shifted.is_polynomial(X, Y):
        return {m: c for m, c in _terms(shifted, (X, Y)).items() if c != 0}
    coeffs = {}
    for total in range(TAYLOR_ORDER + 1):
        for i in range(total + 1):
            j = total - i
            d = sp.diff(g, X, i, Y, j) if total else g
            value = finite_at(d, {X: p[0], Y: p[1]})
            if value is None:
                return None
            if sign_of(value) != 0:
                coeffs[(i, j)] = value / (math.factorial(i) * math.factorial(j))
        if coeffs and total >= TAYLOR_ORDER:
            break
    return coeffs


def _terms(poly: sp.Expr, gens: tuple[sp.Symbol, ...]) -> dict[tuple[int, ...], sp.Expr]:
    """The coefficients {exponents: c} of a polynomial in ``gens``, as ``sp.Poly(poly,
    *gens).terms()`` gives them (and in its order), read off the expanded sum directly: Poly
    spends most of its time choosing a coefficient domain."""
    out: dict[tuple[int, ...], sp.Expr] = {}
    expanded = sp.expand(poly)
    if expanded == 0:
        return out
    for term in sp.Add.make_args(expanded):
        c, monomial = term.as_independent(*gens, as_Add=False)
        powers = monomial.as_powers_dict()
        exponents = tuple(powers.pop(g, 0) for g in gens)
        if (powers and set(powers) != {sp.Integer(1)}) or not all(
                isinstance(e, (int, sp.Integer)) and e >= 0 for e in exponents):
            return {m: c for m, c in sp.Poly(poly, *gens).terms()}  # not a plain polynomial
        key = tuple(int(e) for e in exponents)
        out[key] = out[key] + c if key in out else c
    return {m: out[m] for m in sorted(out, reverse=True) if out[m] != 0}


def _leading_form(coeffs: dict[tuple[int, int], sp.Expr]) -> dict[tuple[int, int], sp.Expr]:
    k = min(i + j for i, j in coeffs)
    return {m: c for m, c in coeffs.items() if sum(m) == k}


def _real_roots(expr: sp.Expr, var: sp.Symbol) -> list[sp.Expr]:
    """The distinct real roots of a polynomial, exactly, also with irrational coefficients."""
    poly = sp.Poly(expr, var)
    if poly.degree() == 1 and (poly.domain.is_QQ or poly.domain.is_ZZ):
        a, b = poly.all_coeffs()
        return [-b / a]  # what real_roots gives, without isolating intervals
    try:
        return sorted(set(poly.real_roots()), key=float)
    except NotImplementedError:
        pass
    roots = sp.roots(poly)
    if sum(roots.values()) != poly.degree():
        raise UndecidedError(f"Clarke Lab could not find the roots of {expr} exactly.")
    return sorted({r for r in roots if sign_of(sp.im(r)) == 0}, key=lambda r: float(sp.re(r)))


def _critical_directions(coeffs: dict) -> list[tuple[sp.Expr, sp.Expr]]:
    """Unit-free directions u where the leading Taylor form of g vanishes (both orientations)."""
    lead = _leading_form(coeffs)
    if min(sum(m) for m in lead) == 0:
        return []
    if min(sum(m) for m in lead) == 1:  # a line: the direction is orthogonal to the gradient
        gx, gy = lead.get((1, 0), sp.Integer(0)), lead.get((0, 1), sp.Integer(0))
        return [(gy, -gx), (-gy, gx)]
    m = sp.Symbol("m", real=True)
    slope_poly = sp.expand(sum(c * m**j for (i, j), c in lead.items()))
    directions = []
    for root in _real_roots(slope_poly, m) if slope_poly.free_symbols else []:
        directions += [(sp.Integer(1), root), (sp.Integer(-1), -root)]
    k = sum(next(iter(lead)))
    if lead.get((0, k), 0) == 0 or sp.degree(slope_poly, m) < k:
        directions += [(sp.Integer(0), sp.Integer(1)), (sp.Integer(0), sp.Integer(-1))]
    return directions


def _rotated(coeffs: dict, u: tuple[sp.Expr, sp.Expr]) -> dict[tuple[int, int], sp.Expr]:
    """Coefficients of G(t, w) = g(p + t·u + w·v) with v = u rotated by 90°."""
    ux, uy = u
    poly = sum(
        c * (_T * ux - _W * uy) ** i * (_T * uy + _W * ux) ** j for (i, j), c in coeffs.items()
    )
    out = {}
    for (i, j), c in _terms(poly, (_T, _W)).items():
        if sign_of(c) != 0:
            out[(i, j)] = c
    return out


def _cusp_offsets(rotated: dict) -> dict[sp.Rational, list[sp.Expr]]:
    """For each Newton-polygon edge of G(t, w) of slope β > 1 (curves w ~ c t^β tangent to u),
    the nonzero real roots c of its edge polynomial."""
    monomials = list(rotated)
    out: dict[sp.Rational, list[sp.Expr]] = {}
    for (i1, j1), (i2, j2) in itertools.combinations(monomials, 2):
        if j1 == j2:
            continue
        beta = sp.Rational(i2 - i1, j1 - j2)
        if beta <= 1 or beta in out:
            continue
        order = min(i + beta * j for i, j in monomials)
        if i1 + beta * j1 != order:
            continue
        edge = [(i, j) for i, j in monomials if i + beta * j == order]
        c = sp.Symbol("c", real=True)
        edge_poly = sp.expand(sum(rotated[m] * c ** m[1] for m in edge))
        out[beta] = [r for r in _real_roots(edge_poly, c) if sign_of(r) != 0]
    return out


def _span(u1: tuple, u2: tuple) -> tuple[float, float]:
    a1 = math.atan2(float(u1[1]), float(u1[0]))
    a2 = math.atan2(float(u2[1]), float(u2[0]))
    return (a1, a2 if a2 > a1 else a2 + 2 * math.pi)


def _between(u1: tuple, u2: tuple, span: tuple[float, float] | None = None,
             floats: dict | None = None) -> tuple[sp.Rational, sp.Rational]:
    """A rational direction strictly between the angles of u1 and u2 (counter-clockwise);
    ``span`` is ``_span(u1, u2)`` when known, ``floats`` caches directions as floats."""
    mid = sum(span or _span(u1, u2)) / 2
    for denominator in (4, 16, 64, 1024, 10**6):
        d = (sp.Rational(round(math.cos(mid) * denominator), denominator),
             sp.Rational(round(math.sin(mid) * denominator), denominator))
        if d != (0, 0) and _cross_sign(u1, d, floats) > 0 and _cross_sign(d, u2, floats) > 0:
            return d
    raise UndecidedError("Two kink directions at the point are too close to separate.")


def _as_floats(u: tuple, floats: dict | None) -> tuple[float, float]:
    if floats is None:
        return float(u[0]), float(u[1])
    if u not in floats:
        floats[u] = (float(u[0]), float(u[1]))
    return floats[u]


def _cross_sign(u: tuple, v: tuple, floats: dict | None = None) -> int:
    """The exact sign of u × v; floats decide when the value is clearly away from zero
    (``floats`` caches the directions as floats: sympy's float(sqrt(2)) takes 40 µs)."""
    try:
        (u0, u1), (v0, v1) = _as_floats(u, floats), _as_floats(v, floats)
        a, b = u0 * v1, u1 * v0
    except TypeError:
        return sign_of(u[0] * v[1] - u[1] * v[0])
    if abs(a - b) > 1e-12 * (abs(a) + abs(b)):  # float rounding is far below this
        return 1 if a > b else -1
    return sign_of(u[0] * v[1] - u[1] * v[0])


def _germs_for(switches: list[sp.Expr], p: tuple[sp.Expr, sp.Expr], taylor: dict) -> list[Germ]:
    criticals: list[tuple] = []
    cusps: dict[tuple, dict[sp.Rational, set]] = {}
    owners: dict[tuple, sp.Expr] = {}
    floats: dict[tuple, tuple[float, float]] = {}  # directions as floats
    for g in switches:
        if g not in taylor:
            taylor[g] = _taylor(g, p)
        coeffs = taylor[g]
        if coeffs is None:
            for u in _scanned_directions(g, p):
                if not any(abs(_angle_gap(u, v)) < 1e-6 for v in criticals):
                    criticals.append(u)
            continue
        if not coeffs:
            continue
        for u in _critical_directions(coeffs):
            key = next((v for v in criticals if _same_direction(u, v, floats)), None)
            if key is None:
                criticals.append(u)
                key = u
            if max(i + j for i, j in coeffs) <= 1:
                continue  # a straight kink line has no cusps
            for beta, roots in _cusp_offsets(_rotated(coeffs, key)).items():
                for root in roots:
                    _refuse_high_contact(owners, (key, beta, root), g)
                cusps.setdefault(key, {}).setdefault(beta, set()).update(roots)
    axes = [(sp.Integer(1), sp.Integer(0)), (sp.Integer(-1), sp.Integer(0))]
    angle = {u: math.atan2(*_as_floats(u, floats)[::-1]) for u in criticals or axes}
    ordered = sorted(criticals or axes, key=angle.__getitem__)
    germs = []
    for u1, u2 in zip(ordered, ordered[1:] + ordered[:1], strict=True):
        a1, a2 = angle[u1], angle[u2]
        span = (a1, a2 if a2 > a1 else a2 + 2 * math.pi)  # as _span(u1, u2)
        germs.append(Germ(_between(u1, u2, span, floats), span=span, bounds=(u1, u2)))
    for u, by_beta in cusps.items():
        for beta, roots in by_beta.items():
            points = sorted({*roots, sp.Integer(0)}, key=float)
            tests = [points[0] - 1, points[-1] + 1]
            tests += [(p1 + p2) / 2 for p1, p2 in zip(points, points[1:], strict=False)]
            germs += [Germ(u, beta, c) for c in tests]
    return germs


def _angle_gap(u: tuple, v: tuple) -> float:
    gap = math.atan2(float(u[1]), float(u[0])) - math.atan2(float(v[1]), float(v[0]))
    return (gap + math.pi) % (2 * math.pi) - math.pi


def _scanned_directions(g: sp.Expr, p: tuple) -> list[tuple[sp.Rational, sp.Rational]]:
    """Where a switch function that is not smooth at p (2x - sqrt(x² + y²), say) changes sign
    around p, found on rays every 0.05° at radius 1e-6: rational directions close to the sign
    changes. Sectors are then tested exactly along rays between them; a sector thinner than the
    scan step, or a cusp tangent to such a curve, is not searched."""
    f = evaluator((X, Y), g)
    theta = np.linspace(0, 2 * np.pi, 7200, endpoint=False)
    with np.errstate(all="ignore"):
        values = np.asarray(
            f(float(p[0]) + 1e-6 * np.cos(theta), float(p[1]) + 1e-6 * np.sin(theta)), dtype=float
        ) * np.ones_like(theta)
    signs = np.sign(np.where(np.abs(values) < 1e-13, 0.0, values))
    changes = np.flatnonzero(signs != np.roll(signs, 1))
    out = []
    for k in changes:
        angle = theta[k] - np.pi / 7200  # between the two scanned rays
        out.append((sp.Rational(round(math.cos(angle) * 10**6), 10**6),
                    sp.Rational(round(math.sin(angle) * 10**6), 10**6)))
    return out


def _refuse_high_contact(owners: dict, branch: tuple, g: sp.Expr) -> None:
    """Two different kink curves with the same tangent and the same first cusp coefficient
    (y = x² and y = x² + x⁴) may enclose a region thinner still, which these germs would not
    reach; rather than risk missing it, say so."""
    u, beta, root = branch
    for (v, other_beta, other_root), h in owners.items():
        if v is u and other_beta == beta and sign_of(other_root - root) == 0 and h is not g:
            if sp.simplify(sp.cancel(g / h)).free_symbols:
                raise UndecidedError(
                    "Two kink curves through the point touch to high order, so Clarke Lab "
                    "cannot decide whether the region between them matters."
                )
    owners.setdefault(branch, g)


def _same_direction(u: tuple, v: tuple, floats: dict | None = None) -> bool:
    if _cross_sign(u, v, floats) != 0:
        return False
    try:  # floats decide the dot product's sign when it is clearly away from zero
        (u0, u1), (v0, v1) = _as_floats(u, floats), _as_floats(v, floats)
        a, b = u0 * v0, u1 * v1
        if abs(a + b) > 1e-12 * (abs(a) + abs(b)):
            return a + b > 0
    except TypeError:
        pass
    return sign_of(u[0] * v[0] + u[1] * v[1]) > 0


def _canonical(g: sp.Expr) -> sp.Expr:
    return sp.expand(g) if g.is_polynomial(X, Y) else g


def _sign_along(h: sp.Expr) -> int:
    """Sign of h(s) as s -> 0+; polynomials (the common case) by their first nonzero coefficient."""
    if h.is_polynomial(S):
        for _, c in sorted(_terms(h, (S,)).items()):
            s = sign_of(c)
            if s:
                return s
        return 0
    return side_sign(h, S, sp.Integer(0), +1)


def _quick_sign(c: sp.Expr) -> int:
    """sign_of, with a float shortcut for values far from zero (the common case)."""
    try:
        v = float(c)
    except TypeError:
        return sign_of(c)
    return (1 if v > 0 else -1) if abs(v) > 1e-6 else sign_of(c)


def _sign_on_ray(coeffs: dict, u: tuple, floats: dict | None = None) -> int | None:
    """Sign of g(p + s·u), s -> 0+, from g's exact Taylor coefficients: the first homogeneous
    degree that does not vanish along u decides. None when the truncated series cannot tell.
    ``floats``, the coefficients as floats, skips the exact sum where floats already give
    ``_quick_sign``'s answer (a value clearly beyond its 1e-6)."""
    try:
        fu = (float(u[0]), float(u[1])) if floats is not None else None
    except TypeError:
        fu = None
    for d in range(max(i + j for i, j in coeffs) + 1):
        if not any(i + j == d for i, j in coeffs):
            continue  # no term of this degree: it vanishes on every ray
        if fu is not None:
            terms = [c * fu[0] ** i * fu[1] ** j for (i, j), c in floats.items() if i + j == d]
            v = math.fsum(terms)
            if abs(v) > 1e-6 + 1e-12 * sum(abs(t) for t in terms):
                return 1 if v > 0 else -1
        value = sum((c * u[0] ** i * u[1] ** j for (i, j), c in coeffs.items() if i + j == d),
                    sp.Integer(0))
        s = _quick_sign(value)
        if s:
            return s
    return None


def _follow(expr: sp.Expr, germ: Germ, p: tuple, found: dict[sp.Expr, None],
            taylor: dict, known: dict | None = None) -> Cell:
    """f's cell along the germ. ``known`` caches, for each switch function met, its canonical
    form, whether it is a polynomial and its Taylor coefficients as floats (or its sign when it
    is a constant)."""
    known = {} if known is None else known
    asked: list[tuple[sp.Expr, int]] = []
    curve: list[tuple[sp.Expr, sp.Expr]] = []  # the germ's curve, built when first needed

    def oracle(g: sp.Expr) -> int:
        sign = _sign(g)
        asked.append((g, sign))
        return sign

    def _sign(g: sp.Expr) -> int:
        if g not in known:
            known[g] = _switch_info(g, p, taylor)
        info = known[g]
        if isinstance(info, int):
            return info
        key, exact, floats = info
        found.setdefault(key)
        if germ.beta is None:
            coeffs = taylor[key]
            if coeffs is not None and coeffs and exact:
                s = _sign_on_ray(coeffs, germ.direction, floats)
                if s is not None:
                    return s
            if coeffs == {} and exact:
                return 0
        if not curve:
            curve.append(germ.curve(p))
        return _sign_along(g.xreplace(dict(zip((X, Y), curve[0], strict=True))))

    form = form_by_signs(expr, oracle)
    return Cell(germ, form, tuple(asked))


def _switch_info(g: sp.Expr, p: tuple, taylor: dict) -> int | tuple:
    if not g.free_symbols & {X, Y}:
        return sign_of(g)
    key = _canonical(g)
    if key not in taylor:
        taylor[key] = _taylor(key, p)
    coeffs = taylor[key]
    exact = coeffs is not None and key.is_polynomial(X, Y)
    floats = None
    if exact and coeffs:
        try:
            floats = {m: float(c) for m, c in coeffs.items()}
        except TypeError:
            floats = None
    return key, exact, floats


def local_cells(expr: sp.Expr, p: tuple[sp.Expr, sp.Expr]) -> list[Cell]:
    """A germ in every cell of f near p, with the smooth form f follows in that cell."""
    return local_analysis(expr, p)[0]


def local_analysis(expr: sp.Expr, p: tuple[sp.Expr, sp.Expr]) -> tuple[list[Cell], list[sp.Expr]]:
    """The cells of f near p (as ``local_cells``) and the switch functions met on the way."""
    found: dict[sp.Expr, None] = {}  # switch functions met so far, in order
    taylor: dict[sp.Expr, dict | None] = {}
    known: dict = {}  # see _follow
    seen_count = -1
    cells: list[Cell] = []
    for _ in range(MAX_ROUNDS):
        if len(found) == seen_count:
            return cells, list(found)
        seen_count = len(found)
        germs = _germs_for(list(found), p, taylor)
        if len(germs) > MAX_GERMS:
            raise UndecidedError(
                "The function has too many kinks through this point for Clarke Lab to follow."
            )
        cells = [_follow(expr, g, p, found, taylor, known) for g in germs]
    raise UndecidedError("Clarke Lab could not settle the kinks through this point.")
