"""The exact Clarke set of a function of two variables.

Near p, f follows one smooth form in each cell (``plane.local_cells``), and the Clarke set is the
convex hull of the limits of the forms' gradients along curves into their cells: a form that is
C¹ at p contributes its exact gradient ∇F(p); a form whose gradient has no limit at p (the
Euclidean norm at 0) contributes the curve of its limits along the rays of its sector, sampled
densely, which gives a ``convex`` set with a curved boundary. Only cells with interior enter, so
branches that are merely active are ignored, and no calculus rule is used.

>>> from clarke_core.engine.primitives import X, Y
>>> s = clarke_2d(sp.Abs(X) + sp.Abs(Y), (sp.Integer(0), sp.Integer(0)))
>>> s.kind, s.exact
('polygon', [(-1, -1), (1, -1), (1, 1), (-1, 1)])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import InputError, NotFiniteError, UndecidedError
from .cells_2d import Cell, Germ, S, local_cells
from .evaluation import evaluator
from .geometry import exact_hull as _hull
from .local import check_size_at, finite_at, form_by_signs, is_finite_number, sign_of
from .primitives import X, Y
from .sequences_2d import Memo, OpenCells, limiting_sequence
from .sets import DifferentialSet, Ellipse

CURVE_SAMPLES = 720  # rays per full turn for curved sets: support error < 1e-4 for the unit disk
_PROBE = (1e-7, 1e-8)


@dataclass(frozen=True)
class Limit:
    """A limiting gradient: float coordinates, exact ones when known, and the germ reaching it."""

    point: tuple[float, float]
    exact: tuple[sp.Expr, sp.Expr] | None
    form: sp.Expr
    germ: Germ


def value_at(expr: sp.Expr, p: tuple[sp.Expr, sp.Expr]) -> sp.Expr:
    """f(p) exactly, every branch condition decided by its exact sign at p."""
    form = form_by_signs(expr, lambda g: sign_of(g.xreplace({X: p[0], Y: p[1]})))
    return form.xreplace({X: p[0], Y: p[1]})


def _at(expr: sp.Expr, p: tuple) -> sp.Expr | None:
    if expr.is_polynomial(X, Y):  # finite everywhere: finite_at's value, without its checks
        return expr.xreplace({X: sp.S(p[0]), Y: sp.S(p[1])})
    return finite_at(expr, {X: p[0], Y: p[1]})


def _along(expr: sp.Expr, germ: Germ, p: tuple) -> sp.Expr:
    cx, cy = germ.curve(p)
    h = expr.xreplace({X: cx, Y: cy})
    value = finite_at(h, S, sp.Integer(0))
    if value is not None:
        return value
    try:
        return sp.limit(h, S, 0, "+")
    except (NotImplementedError, ValueError, TypeError, sp.PoleError) as exc:
        message = f"Clarke Lab could not find the limit of {expr} at the point."
        raise UndecidedError(message) from exc


def _numeric_gradient(grad, p: tuple[float, float], theta: np.ndarray) -> np.ndarray:
    """Gradient limits along the rays at angles ``theta``, probed at two radii that must agree."""
    out = []
    for r in _PROBE:
        xs, ys = p[0] + r * np.cos(theta), p[1] + r * np.sin(theta)
        with np.errstate(all="ignore"):
            gx = np.asarray(grad[0](xs, ys), dtype=float) * np.ones_like(xs)
            gy = np.asarray(grad[1](xs, ys), dtype=float) * np.ones_like(xs)
        out.append(np.stack([gx, gy], axis=1))
    if not np.all(np.isfinite(out[1])) or np.max(np.abs(out[0] - out[1])) > 1e-5:
        raise UndecidedError("The gradient of f does not settle along some rays into the point.")
    return out[1]


def _limits_of(form: sp.Expr, cells: list[Cell], p: tuple,
               memo: Memo | None = None) -> list[Limit]:
    fx, fy = (memo or Memo()).gradient(form)
    exact = (_at(fx, p), _at(fy, p))
    if exact[0] is not None and exact[1] is not None:
        return [Limit((float(exact[0]), float(exact[1])), exact, form, cells[0].germ)]
    limits = []
    for cell in cells:
        along = (_along(fx, cell.germ, p), _along(fy, cell.germ, p))
        if not all(is_finite_number(v) for v in along):
            raise _NotLipschitz("The gradient of f is unbounded next to the point")
        if cell.germ.span is None:
            limits.append(Limit((float(along[0]), float(along[1])), along, form, cell.germ))
    grad = [evaluator((X, Y), d) for d in (fx, fy)]
    pf = (float(p[0]), float(p[1]))
    on_rays = _ray_limit(fx, fy, p)
    if on_rays is not None and not (on_rays[0].free_symbols | on_rays[1].free_symbols):
        # The same gradient limit along every ray (x·|(x, y)|, say): one exact point, not a
        # curve of probed rounding noise around it.
        sectors = [c for c in cells if c.germ.span is not None]
        if sectors:
            limits.append(Limit((float(on_rays[0]), float(on_rays[1])), on_rays, form,
                                sectors[0].germ))
            for cell in sectors:
                lo, hi = cell.germ.span
                edges = _numeric_gradient(grad, pf, np.array([lo + 1e-8, hi - 1e-8]))
                if np.abs(edges).max() > 10 * (1 + abs(float(on_rays[0])) + abs(float(on_rays[1]))):
                    raise _NotLipschitz("The gradient of f is unbounded next to the point")
        return limits
    for cell in cells:
        if cell.germ.span is None:
            continue
        lo, hi = cell.germ.span
        n = max(8, int(CURVE_SAMPLES * (hi - lo) / (2 * math.pi)))
        theta = np.linspace(lo, hi, n + 2)[1:-1]
        curve = _numeric_gradient(grad, pf, theta)
        if on_rays is not None:  # the limits themselves, from their exact formula
            exact_curve = _on_directions(on_rays, theta)
            if exact_curve is not None:
                curve = exact_curve
        # The limits along the sector's own edges close the curve, exactly where sympy can.
        for edge, inward in zip(cell.germ.bounds or (), (1, -1), strict=False):
            try:
                at_edge = (_along(fx, Germ(edge), p), _along(fy, Germ(edge), p))
            except UndecidedError:
                continue
            if all(is_finite_number(v) for v in at_edge):
                # reached along a parabola tangent to the edge, bending into the sector
                bend = Germ(edge, sp.Integer(2), sp.Integer(inward))
                limits.append(Limit((float(at_edge[0]), float(at_edge[1])), at_edge, form, bend))
        # Bounded on every ray is not enough: the limits may blow up towards the sector's edges
        # (sqrt(|x y|) near the axes), and then f is not locally Lipschitz.
        edges = _numeric_gradient(grad, pf, np.array([lo + 1e-8, hi - 1e-8]))
        if np.abs(edges).max() > 10 * (1 + np.abs(curve).max()):
            raise _NotLipschitz("The gradient of f is unbounded next to the point")
        for angle, g in zip(theta, curve, strict=True):
            ray = Germ((sp.Rational(round(math.cos(angle) * 10**6), 10**6),
                        sp.Rational(round(math.sin(angle) * 10**6), 10**6)))
            limits.append(Limit((float(g[0]), float(g[1])), None, form, ray))
    return limits


_A, _B = sp.symbols("a b", real=True)


def _ray_limit(fx: sp.Expr, fy: sp.Expr, p: tuple) -> tuple[sp.Expr, sp.Expr] | None:
    """The limits of the gradient along the ray p + s·(a, b), s -> 0+, as exact functions of
    the direction (a, b) (x/|(x, y)| gives a/sqrt(a² + b²)), or None when sympy cannot
    simplify the gradient on a ray into a form continuous at s = 0."""
    out = []
    for d in (fx, fy):
        if sp.count_ops(d) > 120:
            return None
        h = d.xreplace({X: p[0] + S * _A, Y: p[1] + S * _B})
        try:
            h = sp.simplify(h)
        except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
            return None
        probe = h.xreplace({_A: sp.Rational(3, 5), _B: sp.Rational(4, 5)})
        if finite_at(probe, S, sp.Integer(0)) is None:
            return None
        h0 = h.xreplace({S: sp.Integer(0)})
        if h0.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.AccumBounds) or S in h0.free_symbols:
            return None
        out.append(sp.nsimplify(h0) if h0.is_Float else h0)
    return out[0], out[1]


def _on_directions(limit: tuple[sp.Expr, sp.Expr], theta: np.ndarray) -> np.ndarray | None:
    fn = evaluator((_A, _B), list(limit))
    with np.errstate(all="ignore"):
        values = [np.asarray(v, dtype=float) * np.ones_like(theta)
                  for v in fn(np.cos(theta), np.sin(theta))]
    out = np.stack(values, axis=1)
    return out if np.all(np.isfinite(out)) else None


class _NotLipschitz(Exception):
    """f is not locally Lipschitz at p; ``cause`` is "jump" (f itself jumps, at p or at points
    arbitrarily close to it) or "slopes" (f is continuous but its gradients grow without bound)."""

    def __init__(self, message: str, cause: str = "slopes"):
        super().__init__(message)
        self.cause = cause


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


# The jump test's circles: for each radius r, the offsets r·(cos θ, sin θ) of 20001 angles.
_THETA = _read_only(np.linspace(0, 2 * np.pi, 20001))
_CIRCLES = {r: (_read_only(r * np.cos(_THETA)), _read_only(r * np.sin(_THETA)))
            for r in (1e-2, 1e-3)}


def _check_no_jumps_nearby(expr: sp.Expr, p: tuple, lipschitz: float,
                           memo: Memo | None = None) -> None:
    """Pieces may agree at p yet disagree along the curves between them (x against -x on the
    edges of a cusp): then f jumps at points arbitrarily close to p. On circles around p, values
    at neighbouring angles of a Lipschitz f differ by at most L·(arc step); a jump does not shrink
    with the step. A numeric test: it raises only on a clear violation."""
    f = evaluator((X, Y), expr, (memo or Memo()).constants)
    x0, y0 = float(p[0]), float(p[1])
    for r, (dx, dy) in _CIRCLES.items():
        with np.errstate(all="ignore"):
            values = np.asarray(f(x0 + dx, y0 + dy), dtype=float) * np.ones_like(dx)
        steps = np.abs(np.diff(values))
        arc = r * (_THETA[1] - _THETA[0])
        if np.nanmax(steps, initial=0.0) > 100 * (1 + lipschitz) * arc + 1e-12:
            raise _NotLipschitz(
                "The function jumps between its pieces next to the point (found numerically)",
                "jump")


def _continuous(form: sp.Expr, cells: list[Cell], p: tuple, value: sp.Expr) -> bool:
    at = _at(form, p)
    if at is not None:
        return sign_of(at - value) == 0
    return all(sign_of(_along(form, c.germ, p) - value) == 0 for c in cells)




def clarke_2d(expr: sp.Expr, p: tuple[sp.Expr, sp.Expr], scale: float = 0.5) -> DifferentialSet:
    """The exact Clarke set of f(x, y) at p, with a limiting-gradient sequence per vertex."""
    check_size_at(expr, {X: p[0], Y: p[1]})
    try:
        value = value_at(expr, p)
    except NotFiniteError:
        value = sp.nan
    if not is_finite_number(value):
        raise InputError(
            "The function is not defined at the point; define it there, for example with "
            "Piecewise((x**2*sin(1/x) + y, x != 0), (y, True))."
        )
    cells = local_cells(expr, p)
    by_form: dict[sp.Expr, list[Cell]] = {}
    for cell in cells:
        by_form.setdefault(cell.form, []).append(cell)
    limits: list[Limit] = []
    memo = Memo()
    try:
        for form, group in by_form.items():
            if not _continuous(form, group, p, value):
                raise _NotLipschitz("The function jumps at the point", "jump")
            limits += _limits_of(form, group, p, memo)
        if len(by_form) > 1:
            _check_no_jumps_nearby(expr, p, max(math.hypot(*q.point) for q in limits), memo)
    except _NotLipschitz as why:
        consequence = ("it is not locally Lipschitz there: f itself is discontinuous, a jump "
                       "and not slopes growing without bound" if why.cause == "jump"
                       else "it is not locally Lipschitz there")
        return DifferentialSet(
            "unbounded", [], None, reason=f"{why}, so {consequence}.",
            certified="numerically" not in str(why), extra={"cause": why.cause},
        )
    hull = _hull(limits)
    curved = any(q.exact is None for q in hull)
    exact = None if curved else [q.exact for q in hull]
    kind = {1: "point", 2: "segment"}.get(len(hull), "convex" if curved else "polygon")
    closed = _closed_form(next(iter(by_form)), p) if curved and len(by_form) == 1 else None
    corners = [q for q in hull if q.exact is not None] if curved else hull
    if curved:
        step = max(1, len(hull) // 8)
        corners += [q for q in hull[::step] if q.exact is None]
    open_cells = OpenCells(expr, cells, memo)
    pf = (float(p[0]), float(p[1]))
    pieces = "one smooth piece" if len(by_form) == 1 else f"{len(by_form)} smooth pieces"
    reason = (f"The hull of the gradient limits of {pieces} whose regions have interior next to "
              "the point.")
    if curved and closed is None:
        reason += (" Its boundary is curved: the limits were found along rays and their hull is "
                   "drawn from samples, so it was checked numerically.")
    elif closed is not None:
        reason += (" f is c·x + sqrt(xᵀAx) near the point, so the set is exactly the "
                   "ellipse {s : (s - c)ᵀA⁻¹(s - c) ≤ 1}.")
    extra = {"forms": list(by_form), "cells": len(cells)}
    if closed is not None:
        extra["closed_form"] = closed
    return DifferentialSet(
        kind,
        [(q.point[0] + 0.0, q.point[1] + 0.0) for q in hull],
        exact,
        tuple(limiting_sequence(q, pf, scale, open_cells) for q in corners),
        certified=not curved or closed is not None,
        reason=reason,
        extra=extra,
    )


def _closed_form(form: sp.Expr, p: tuple) -> Ellipse | None:
    """The Clarke set of L + c·sqrt(dᵀHd) (d = x - p, L affine, H positive definite) at p:
    the ellipse {s : (s - ∇L)ᵀ (c²H)⁻¹ (s - ∇L) <= 1}; None for other forms."""
    shifted = form.xreplace({X: X + p[0], Y: Y + p[1]})
    affine, roots = sp.Integer(0), []
    for term in sp.Add.make_args(shifted):
        if term.is_polynomial(X, Y) and sp.Poly(term, X, Y).total_degree() <= 1:
            affine += term
        else:
            roots.append(term)
    if len(roots) != 1:
        return None
    c, root = roots[0].as_independent(X, Y, as_Add=False)
    if not (isinstance(root, sp.Pow) and root.exp == sp.S.Half) or c.free_symbols:
        return None
    quad = sp.expand(root.base)
    if not quad.is_polynomial(X, Y):
        return None
    poly = sp.Poly(quad, X, Y)
    if any(sum(m) != 2 for m in poly.monoms()):
        return None
    h11, h22 = poly.coeff_monomial(X**2), poly.coeff_monomial(Y**2)
    h12 = poly.coeff_monomial(X * Y) / 2
    if sign_of(h11) <= 0 or sign_of(h11 * h22 - h12**2) <= 0 or sign_of(c) == 0:
        return None
    a = sp.Matrix([[h11, h12], [h12, h22]]) * c**2
    inv = a.inv().applyfunc(sp.nsimplify)
    centre = (sp.diff(affine, X), sp.diff(affine, Y))
    return Ellipse(centre, ((inv[0, 0], inv[0, 1]), (inv[1, 0], inv[1, 1])))
