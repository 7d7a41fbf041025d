"""The convex subdifferential of f(x, y) at p (lecture §1: global, possibly empty).

∂_s f(p) = {s : f(q) >= f(p) + ⟨s, q - p⟩ for every q}, an intersection of half-planes that lies
inside the Clarke set for locally Lipschitz f.

- f certified convex by composition rules: it is the Clarke set, exactly.
- Empty: proved by at most three exact witness points q_k and weights λ_k >= 0 with
  Σ λ_k (q_k - p) = 0 and Σ λ_k (f(q_k) - f(p)) < 0 (Farkas), which no s can satisfy.
- Otherwise the Clarke set is clipped by the half-planes of a dense set of q out to |q - p| = 10^4
  and the result is marked as checked numerically.

>>> from clarke_core.primitives import X, Y
>>> from clarke_core.clarke_2d import clarke_2d
>>> p = (sp.Integer(0), sp.Integer(0))
>>> f = -sp.Abs(X) - sp.Abs(Y)
>>> subdifferential_2d(f, p, clarke_2d(f, p)).kind
'empty'
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from .clarke_2d import value_at
from .convexity import is_certified_convex
from .local import is_finite_number, sign_of
from .primitives import X, Y
from .sets import DifferentialSet, Witness

_RADII = np.geomspace(1e-6, 1e4, 60)
_ANGLES = 256


def _samples(expr: sp.Expr, p: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Points q around p and the half-planes ⟨s, n⟩ <= b they impose (n = unit(q - p))."""
    theta = np.linspace(0, 2 * np.pi, _ANGLES, endpoint=False)
    r, t = np.meshgrid(_RADII, theta)
    d = np.stack([(r * np.cos(t)).ravel(), (r * np.sin(t)).ravel()], axis=1)
    f = sp.lambdify((X, Y), expr, "numpy")
    pf = np.array([float(p[0]), float(p[1])])
    with np.errstate(all="ignore"):
        values = np.asarray(f(pf[0] + d[:, 0], pf[1] + d[:, 1]), dtype=float)
        values = values * np.ones(len(d))
    b = values - float(f(*pf))
    keep = np.isfinite(b)
    return d[keep], b[keep]


def _clip(polygon: list[tuple[float, float]], n: np.ndarray, b: float) -> list:
    """Sutherland–Hodgman: the part of a convex polygon with ⟨s, n⟩ <= b."""
    out = []
    for i, cur in enumerate(polygon):
        prev = polygon[i - 1]
        fc, fp = n @ cur - b, n @ prev - b
        if fc <= 1e-12:
            if fp > 1e-12:
                out.append(tuple(np.add(prev, (np.subtract(cur, prev)) * fp / (fp - fc))))
            out.append(cur)
        elif fp <= 1e-12:
            out.append(tuple(np.add(prev, (np.subtract(cur, prev)) * fp / (fp - fc))))
    return out


_SIMPLE = [sp.Rational(v) for v in ("0", "1/2", "-1/2", "1", "-1", "2", "-2", "3", "-3",
                                      "10", "-10", "100", "-100")]


def _clip_segment(vertices: list, d: np.ndarray, b: np.ndarray) -> list:
    """A point or segment a + τ (c - a), τ in [0, 1], cut by every ⟨s, d_k⟩ <= b_k: an interval
    of τ (flat sets clipped as polygons would vanish by rounding)."""
    a = np.array(vertices[0])
    c = np.array(vertices[-1])
    slope, offset = d @ (c - a), b - d @ a  # each constraint: τ · slope <= offset
    tol = 1e-9 * (1 + np.abs(b))
    if np.any((np.abs(slope) <= 1e-15) & (offset < -tol)):
        return []
    pos, neg = slope > 1e-15, slope < -1e-15
    hi = min(1.0, float(np.min((offset[pos] + tol[pos]) / slope[pos], initial=np.inf)))
    lo = max(0.0, float(np.max((offset[neg] + tol[neg]) / slope[neg], initial=-np.inf)))
    if lo > hi + 1e-12:
        return []
    ends = [tuple(a + lo * (c - a)), tuple(a + hi * (c - a))]
    return ends[:1] if hi - lo <= 1e-12 else ends


def _simple_samples(expr: sp.Expr, p: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Offsets such as (1, 0) or (-2, 1/2) and the half-planes they impose: simple witnesses,
    and points that often lie on kink curves (where f is smallest)."""
    simple = np.array([(float(u), float(v)) for u in _SIMPLE for v in _SIMPLE if u or v])
    f = sp.lambdify((X, Y), expr, "numpy")
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
                        f"⟨s, {sp.sstr((q[0] - p[0], q[1] - p[1]))}⟩ ≤ {sp.nsimplify(c)}",
                        q,
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


def subdifferential_2d(expr: sp.Expr, p: tuple, clarke: DifferentialSet) -> DifferentialSet:
    """The subdifferential of f at p, given its Clarke set there."""
    if clarke.kind == "unbounded":
        return DifferentialSet("unbounded", [], None, reason=clarke.reason)
    if is_certified_convex(expr):
        return DifferentialSet(
            clarke.kind, clarke.vertices, clarke.exact, certified=True,
            reason="f is convex, so its subdifferential equals its Clarke set.",
        )
    d, b = (np.concatenate(pair) for pair in zip(_samples(expr, p), _simple_samples(expr, p),
                                                  strict=True))
    norms = np.linalg.norm(d, axis=1)
    if len(clarke.vertices) <= 2:
        polygon = _clip_segment(clarke.vertices, d, b)
    else:
        polygon = list(clarke.vertices)
        # Of all q in one direction, only the most restrictive half-plane matters.
        bins = np.round(np.arctan2(d[:, 1], d[:, 0]) * _ANGLES / (2 * np.pi)).astype(int)
        for k in np.unique(bins):
            idx = np.flatnonzero(bins == k)
            best = idx[np.argmin(b[idx] / norms[idx])]
            polygon = _clip(polygon, d[best] / norms[best], b[best] / norms[best])
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
    unique = []
    for v in polygon:
        if not unique or max(abs(v[0] - unique[-1][0]), abs(v[1] - unique[-1][1])) > 1e-8:
            unique.append((float(v[0]), float(v[1])))
    if len(unique) > 1 and max(abs(unique[0][i] - unique[-1][i]) for i in (0, 1)) <= 1e-8:
        unique.pop()
    same = len(unique) == len(clarke.vertices) and all(
        max(abs(u[i] - v[i]) for i in (0, 1)) <= 1e-9
        for u, v in zip(unique, clarke.vertices, strict=True)
    )
    kind = {1: "point", 2: "segment"}.get(len(unique), "polygon")
    if same:
        return DifferentialSet(clarke.kind, clarke.vertices, clarke.exact, certified=False,
                               reason=reason)
    return DifferentialSet(kind, unique, None, certified=False, reason=reason)
