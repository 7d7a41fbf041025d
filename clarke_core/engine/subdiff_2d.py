"""The convex subdifferential of f(x, y) at p (lecture §1: global, possibly empty).

∂_s f(p) = {s : f(q) >= f(p) + ⟨s, q - p⟩ for every q}, an intersection of half-planes that lies
inside the Clarke set for locally Lipschitz f.

- f certified convex by composition rules: it is the Clarke set, exactly.
- f piecewise affine (affine pieces, affine conditions): exactly, from its arrangement of lines
  (``arrangement``): finitely many half-planes in s, intersected in exact arithmetic.
- Otherwise the Clarke set is cut down by exact necessary conditions along curve germs where f is
  known exactly (the cells' germs, and the zero curves of its switch functions): the Taylor
  expansion of h_s(t) = f(q(t)) - f(p) - ⟨s, q(t) - p⟩ is affine in s, and its first coefficient
  that does not vanish on the candidate set must be >= 0. What is left is proved when each of its
  vertices is the gradient of an affine minorant of f that touches f at p (f >= |u| >= 0 = f(p),
  say); then the set is certified.
- Empty: proved by at most three exact witness points q_k and weights λ_k >= 0 with
  Σ λ_k (q_k - p) = 0 and Σ λ_k (f(q_k) - f(p)) < 0 (Farkas), which no s can satisfy.
- Otherwise the candidate set is clipped by the half-planes of a dense set of q out to
  |q - p| = 10^4 and the result is marked as checked numerically (certified=False, and so
  in its LaTeX), with rounding noise cleaned: a set thinner than the tolerance is a point.

>>> from clarke_core.engine.primitives import X, Y
>>> from clarke_core.engine.clarke_2d import clarke_2d
>>> p = (sp.Integer(0), sp.Integer(0))
>>> f = -sp.Abs(X) - sp.Abs(Y)
>>> subdifferential_2d(f, p, clarke_2d(f, p)).kind
'empty'
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy as sp

from ..errors import UndecidedError
from . import printing
from .arrangement import NotPiecewiseAffine, exact_subdifferential
from .cells_2d import TAYLOR_ORDER, S, _taylor, local_analysis
from .clarke_2d import value_at
from .convexity import is_certified_convex
from .geometry import clip, clip_exact, exact_hull, in_exact_hull, same_exact_point
from .local import form_by_signs, is_finite_number, sign_of
from .minorants import proved_subgradients
from .numeric import lambdify
from .primitives import X, Y
from .sets import DifferentialSet, SetKind, Witness

_RADII = np.geomspace(1e-6, 1e4, 60)
_ANGLES = 256


def _samples(expr: sp.Expr, p: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Points q around p and the half-planes ⟨s, n⟩ <= b they impose (n = unit(q - p))."""
    theta = np.linspace(0, 2 * np.pi, _ANGLES, endpoint=False)
    r, t = np.meshgrid(_RADII, theta)
    d = np.stack([(r * np.cos(t)).ravel(), (r * np.sin(t)).ravel()], axis=1)
    f = lambdify((X, Y), expr)
    pf = np.array([float(p[0]), float(p[1])])
    with np.errstate(all="ignore"):
        values = np.asarray(f(pf[0] + d[:, 0], pf[1] + d[:, 1]), dtype=float)
        values = values * np.ones(len(d))
    b = values - float(f(*pf))
    keep = np.isfinite(b)
    return d[keep], b[keep]


_SIMPLE = [sp.Rational(v) for v in ("0", "1/2", "-1/2", "1", "-1", "2", "-2", "3", "-3",
                                      "10", "-10", "100", "-100")]


def _simple_samples(expr: sp.Expr, p: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Offsets such as (1, 0) or (-2, 1/2) and the half-planes they impose: simple witnesses,
    and points that often lie on kink curves (where f is smallest)."""
    simple = np.array([(float(u), float(v)) for u in _SIMPLE for v in _SIMPLE if u or v])
    f = lambdify((X, Y), expr)
    pf = (float(p[0]), float(p[1]))
    with np.errstate(all="ignore"):
        bs = np.asarray(f(pf[0] + simple[:, 0], pf[1] + simple[:, 1]), dtype=float) - f(*pf)
    keep = np.isfinite(bs)
    return simple[keep], bs[keep]


def _witnesses(expr: sp.Expr, p: tuple, d: np.ndarray, b: np.ndarray) -> tuple[Witness, ...]:
    """At most three exact points whose half-planes have no common point, or (): first among
    simple offsets such as (1, 0) or (-2, 1/2), then among the dense samples."""
    simple, bs = _simple_samples(expr, p)
    found = _farkas(expr, p, simple, bs)
    if found:
        return found
    order = np.argsort(b / np.linalg.norm(d, axis=1))[:300]
    return _farkas(expr, p, d[order], b[order])


def _farkas(expr: sp.Expr, p: tuple, d: np.ndarray, b: np.ndarray) -> tuple[Witness, ...]:
    # Weights on unit normals n_k = d_k/|d_k| with Σ λ n = 0 and Σ λ b_k/|d_k| < 0 prove that no s
    # exists; among such certificates prefer points close to p (cost |d_k|).
    from scipy.optimize import linprog  # imported here: it costs 0.7 s at start-up

    norms = np.linalg.norm(d, axis=1)
    result = linprog(norms, A_ub=[b / norms], b_ub=[-1e-6],
                     A_eq=np.vstack([(d / norms[:, None]).T, np.ones(len(d))]), b_eq=[0, 0, 1],
                     bounds=(0, None), method="highs")
    if result.status != 0:
        return ()
    support = np.flatnonzero(result.x > 1e-12)[:4]
    fp = value_at(expr, p)
    points = []
    for k in support:
        q = tuple(p[i] + sp.Rational(d[k, i]).limit_denominator(10**4) for i in (0, 1))
        value = value_at(expr, q)
        if not is_finite_number(value):
            return ()
        points.append((q, value - fp))
    # Confirm exactly on the smallest subset (two or three points) that certifies emptiness.
    for size in (2, 3):
        for subset in itertools.combinations(points, size):
            weights = _exact_weights([(q[0] - p[0], q[1] - p[1]) for q, _ in subset])
            if weights is None:
                continue
            if sign_of(sum(w * c for w, (_, c) in zip(weights, subset, strict=True))) < 0:
                return tuple(
                    Witness(
                        (float(q[0]), float(q[1])), float(fp + c),
                        printing.bound_text((q[0] - p[0], q[1] - p[1]), sp.nsimplify(c)),
                        q, limit=sp.nsimplify(c), direction=(q[0] - p[0], q[1] - p[1]),
                    )
                    for q, c in subset
                )
    return ()


def _exact_weights(ds: list[tuple]) -> list[sp.Expr] | None:
    """λ >= 0 with Σ λ = 1 and Σ λ d = 0 (unique for two opposite or three spanning d)."""
    lam = sp.symbols(f"l0:{len(ds)}")
    eqs = [sum(lam[k] * ds[k][i] for k in range(len(ds))) for i in (0, 1)] + [sum(lam) - 1]
    solution = sp.solve(eqs, lam, dict=True)
    if len(solution) != 1:
        return None
    weights = [solution[0].get(v, v) for v in lam]
    if any(w.free_symbols for w in weights) or any(sign_of(w) < 0 for w in weights):
        return None
    return weights


_NOISE = 1e-7  # numeric vertices closer than this are one point (rounding noise, not a set)


def _is_zero_vector(v: tuple) -> bool:
    return all(sign_of(sp.sympify(c, strict=True)) == 0 for c in v)


def _set_from_exact(points: list[tuple], clarke: DifferentialSet, reason: str,
                    extra: dict | None = None) -> DifferentialSet:
    """A certified set from its exact extreme points (those of ``exact_hull``)."""
    if clarke.exact is not None and len(clarke.exact) == len(points) and all(
            same_exact_point(u, v) for u, v in zip(points, clarke.exact, strict=True)):
        return DifferentialSet(clarke.kind, clarke.vertices, clarke.exact, certified=True,
                               reason=reason, extra=extra or {})
    kind = {0: "empty", 1: "point", 2: "segment"}.get(len(points), "polygon")
    return DifferentialSet(kind, [(float(a), float(b)) for a, b in points],
                           [tuple(sp.nsimplify(c) if c.is_Float else c for c in v)
                            for v in points] if points else None,
                           certified=True, reason=reason, extra=extra or {})


def _piecewise_affine(expr: sp.Expr, p: tuple, clarke: DifferentialSet) -> DifferentialSet | None:
    try:
        result = exact_subdifferential(expr, p)
    except (NotPiecewiseAffine, UndecidedError):
        return None
    pieces = f"f is piecewise affine: the inequality was checked exactly on each of its " \
             f"{result.faces} linear pieces (cells, edges and vertices)"
    if not result.points:
        witnesses = _witnesses(expr, p, *_all_samples(expr, p))
        return DifferentialSet(
            "empty", [], None, witnesses=witnesses, certified=True,
            reason=f"No s satisfies the subgradient inequality: {pieces}"
            + (", and the witness points below rule out every s together." if witnesses
               else "."),
        )
    return _set_from_exact(result.points, clarke, pieces + ".")


# --- curve germs: exact necessary conditions ----------------------------------------------------


def _series_along(expr: sp.Expr, p: tuple, curve: tuple, order: int) -> list[sp.Expr] | None:
    """Coefficients 0..order in t of expr(p + curve(t)) (curve: polynomials in S, no constant
    term), from the exact Taylor coefficients of expr at p; None where expr is not smooth."""
    coeffs = _taylor(expr, p)
    if coeffs is None:
        return None
    if any(i + j > TAYLOR_ORDER for i, j in coeffs) and not expr.is_polynomial(X, Y):
        return None
    total = sp.expand(sum(c * curve[0] ** i * curve[1] ** j for (i, j), c in coeffs.items()))
    poly = sp.Poly(total, S) if total.free_symbols else None
    out = [sp.Integer(0)] * (order + 1)
    out[0] = total if poly is None else poly.coeff_monomial(1)
    if poly is not None:
        for k in range(1, order + 1):
            out[k] = poly.coeff_monomial(S**k)
    return out


def _zero_curves(g: sp.Expr, p: tuple) -> list[tuple]:
    """Both halves t -> p + t u + w(t) v (t > 0, and with -u) of the zero curve of a switch
    function g with g(p) = 0 and ∇g(p) ≠ 0, w a polynomial exact to order TAYLOR_ORDER."""
    coeffs = _taylor(g, p)
    if not coeffs or (0, 0) in coeffs:
        return []
    gx, gy = coeffs.get((1, 0), sp.Integer(0)), coeffs.get((0, 1), sp.Integer(0))
    if sign_of(gx) == 0 and sign_of(gy) == 0:
        return []
    halves = []
    for u in ((gy, -gx), (-gy, gx)):
        v = (-u[1], u[0])
        lead = gx * v[0] + gy * v[1]
        w = sp.Integer(0)
        for k in range(2, TAYLOR_ORDER + 1):
            dx, dy = S * u[0] + w * v[0], S * u[1] + w * v[1]
            value = sp.expand(sum(c * dx**i * dy**j for (i, j), c in coeffs.items()))
            w -= sp.Poly(value, S).coeff_monomial(S**k) / lead * S**k if value.free_symbols \
                else 0
        halves.append((sp.expand(S * u[0] + w * v[0]), sp.expand(S * u[1] + w * v[1])))
    return halves


class _Skip(Exception):
    pass


def _form_on_curve(expr: sp.Expr, p: tuple, curve: tuple, zero: sp.Expr) -> sp.Expr:
    """f's smooth form along a zero curve of the switch function ``zero``: every other switch
    function's sign from its series along the curve; _Skip when that cannot be decided."""
    def oracle(g: sp.Expr) -> int:
        if not g.free_symbols & {X, Y}:
            return sign_of(g)
        ratio = sp.cancel(g / zero)
        if not ratio.free_symbols & {X, Y}:
            return 0
        series = _series_along(g, p, curve, TAYLOR_ORDER)
        if series is None:
            raise _Skip
        for c in series:
            s = sign_of(c)
            if s:
                return s
        raise _Skip

    return form_by_signs(expr, oracle)


def _germ_conditions(expr: sp.Expr, p: tuple) -> list[tuple[list, list]]:
    """(A_k, B_k) for k = 0..TAYLOR_ORDER along each germ: h_s(t) = Σ (A_k - ⟨s, B_k⟩) t^k."""
    cells, switches = local_analysis(expr, p)
    fp = value_at(expr, p)
    germs = []
    for cell in cells:
        cx, cy = cell.germ.curve(p)
        germs.append(((sp.expand(cx - p[0]), sp.expand(cy - p[1])), cell.form))
    for g in switches:
        if not _finite(g, p) or sign_of(g.xreplace({X: p[0], Y: p[1]})) != 0:
            continue
        for curve in _zero_curves(g, p):
            try:
                germs.append((curve, _form_on_curve(expr, p, curve, g)))
            except (_Skip, UndecidedError):
                continue
    out = []
    for curve, form in germs:
        values = _series_along(form, p, curve, TAYLOR_ORDER)
        if values is None:
            continue
        values[0] -= fp
        moves = [_series_along(c, (0, 0), (curve[0], curve[1]), TAYLOR_ORDER) for c in (X, Y)]
        out.append((values, list(zip(*moves, strict=True))))
    return out


def _finite(g: sp.Expr, p: tuple) -> bool:
    from .local import finite_at

    return finite_at(g, {X: p[0], Y: p[1]}) is not None


def _reduce_by_germs(expr: sp.Expr, p: tuple, candidate: list[tuple]) -> list[tuple]:
    """The candidate set cut by every germ's exact necessary condition, until nothing changes."""
    conditions = _germ_conditions(expr, p)
    for _ in range(2 * TAYLOR_ORDER):
        changed = False
        for a, b in conditions:
            for k in range(TAYLOR_ORDER + 1):
                signs = {sign_of(sp.expand(a[k] - b[k][0] * s[0] - b[k][1] * s[1]))
                         for s in candidate}
                if signs == {0}:
                    continue
                if signs <= {0, 1}:
                    break
                candidate = clip_exact(candidate, b[k], a[k])
                changed = True
                break
            if not candidate:
                return []
        if not changed:
            break
    return candidate


def _by_germs(expr: sp.Expr, p: tuple, clarke: DifferentialSet) -> tuple:
    """(exact candidate points, certified) from curve germs and minorant proofs, or None."""
    if clarke.exact is None:
        return None
    try:
        candidate = _reduce_by_germs(expr, p, exact_hull([tuple(v) for v in clarke.exact]))
        if not candidate:
            return [], True
        proved = exact_hull(proved_subgradients(expr, p))
        return candidate, all(in_exact_hull(v, proved) for v in candidate)
    except (UndecidedError, NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None


# --- numeric fallback ---------------------------------------------------------------------------


def _all_samples(expr: sp.Expr, p: tuple) -> tuple[np.ndarray, np.ndarray]:
    d, b = (np.concatenate(pair) for pair in zip(_samples(expr, p), _simple_samples(expr, p),
                                                  strict=True))
    return d, b


def _clean(value: float) -> float:
    """A float with rounding noise removed: snapped to a nearby simple fraction, -0.0 to 0."""
    from fractions import Fraction

    near = Fraction(value).limit_denominator(1000)
    return float(near) + 0.0 if abs(float(near) - value) <= _NOISE else value + 0.0


def _numeric(expr: sp.Expr, p: tuple, candidate: list[tuple[float, float]],
             clarke: DifferentialSet) -> DifferentialSet:
    d, b = _all_samples(expr, p)
    norms = np.linalg.norm(d, axis=1)
    if len(candidate) <= 2:
        polygon = clip(candidate, d, b)
    else:
        polygon = list(candidate)
        # Of all q in one direction, only the most restrictive half-plane matters.
        bins = np.round(np.arctan2(d[:, 1], d[:, 0]) * _ANGLES / (2 * np.pi)).astype(int)
        for k in np.unique(bins):
            idx = np.flatnonzero(bins == k)
            best = idx[np.argmin(b[idx] / norms[idx])]
            polygon = clip(polygon, d[best] / norms[best], b[best] / norms[best])
            if not polygon:
                break
    if not polygon:
        witnesses = _witnesses(expr, p, d, b)
        reason = (
            "No s satisfies the subgradient inequality at every q: the witness points below "
            "rule out every s together."
            if witnesses
            else "No s passed the subgradient inequality on a dense set of points q."
        )
        return DifferentialSet("empty", [], None, witnesses=witnesses,
                               certified=bool(witnesses), reason=reason)
    reason = "f is not certified convex; the inequality was checked numerically for |q - p| ≤ 10^4."
    unique: list[tuple[float, float]] = []
    for v in polygon:
        v = (_clean(float(v[0])), _clean(float(v[1])))
        if not any(max(abs(v[0] - u[0]), abs(v[1] - u[1])) <= _NOISE for u in unique):
            unique.append(v)
    if len(unique) > 1 and max(math.dist(u, v) for u in unique for v in unique) <= _NOISE:
        unique = unique[:1]
    same = len(unique) == len(clarke.vertices) and all(
        max(abs(u[i] - v[i]) for i in (0, 1)) <= 1e-9
        for u, v in zip(unique, clarke.vertices, strict=True)
    )
    if same:
        return DifferentialSet(clarke.kind, clarke.vertices, clarke.exact, certified=False,
                               reason=reason)
    kind = {1: "point", 2: "segment"}.get(len(unique), "polygon")
    return DifferentialSet(kind, unique, None, certified=False, reason=reason)


def subdifferential_2d(expr: sp.Expr, p: tuple, clarke: DifferentialSet) -> DifferentialSet:
    """The subdifferential of f at p, given its Clarke set there."""
    if clarke.kind == SetKind.UNBOUNDED:
        return _not_lipschitz(expr, p, clarke)
    if is_certified_convex(expr):
        return DifferentialSet(
            clarke.kind, clarke.vertices, clarke.exact, certified=clarke.certified,
            reason="f is convex, so its subdifferential equals its Clarke set.",
            extra={k: v for k, v in clarke.extra.items() if k == "closed_form"},
        )
    exact = _piecewise_affine(expr, p, clarke)
    if exact is not None:
        return exact
    found = _by_germs(expr, p, clarke)
    if found is not None:
        candidate, proved = found
        if not candidate:
            witnesses = _witnesses(expr, p, *_all_samples(expr, p))
            return DifferentialSet(
                "empty", [], None, witnesses=witnesses, certified=True,
                reason="No s satisfies the subgradient inequality even near the point: along "
                "curves where f is known exactly, every s of the Clarke set fails it.")
        if proved:
            return _set_from_exact(
                candidate, clarke,
                "Exact conditions along curves through the point where f is known leave only "
                "this set, and each of its vertices is the slope of a plane that touches f at "
                "the point and stays below it everywhere (read off f's structure, such as "
                "|u| ≥ 0).")
        floats = [(float(a), float(b)) for a, b in candidate]
        return _numeric(expr, p, floats, clarke)
    return _numeric(expr, p, list(clarke.vertices), clarke)


def _not_lipschitz(expr: sp.Expr, p: tuple, clarke: DifferentialSet) -> DifferentialSet:
    """∂ₛf(p) is defined by the global inequality for every f: exact when f is piecewise
    affine, empty when witness points prove it; else UndecidedError (never "undefined")."""
    exact = _piecewise_affine(expr, p, clarke)
    if exact is not None:
        return exact
    d, b = _all_samples(expr, p)
    witnesses = _witnesses(expr, p, d, b)
    if witnesses:
        return DifferentialSet(
            "empty", [], None, witnesses=witnesses, certified=True,
            reason="f is not locally Lipschitz here, but the subdifferential is still defined "
            "by the global inequality: the witness points below rule out every s together.")
    # Not "undefined": the set exists (and is bounded), it is just not decided here.
    raise UndecidedError(
        "f is not locally Lipschitz at the point; its subdifferential is still defined by the "
        "global inequality, but Clarke Lab could not decide it exactly (no witness points rule "
        "every s out).")
