"""Subgradient descent (lecture §1) and the gradient inclusion dx/dt ∈ -∂f(x) (lecture §4).

Numbers only, for pictures: iterates are floats, and an iterate counts as "at a kink" when the
gradients just left and right of it (or around it, in 2D) disagree. There, the step uses the
element of the Clarke set the caller asks for; the flow always uses the minimum-norm element,
the one direction of steepest descent, which is what makes it slide along a kink.

>>> path = subgradient_descent("abs(x)", 1.0, eta=0.25, steps=6, choice="min-norm")
>>> [round(v, 2) for v in path.xs]
[1.0, 0.75, 0.5, 0.25, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..engine.clarke_2d import clarke_2d
from ..engine.geometry import nearest
from ..engine.numeric import lambdify, real_part
from ..engine.parsing import ParsedFunction, parse_function, parse_point
from ..engine.primitives import by_func, switches
from ..engine.printing import count_text
from ..engine.sets import SetKind
from ..errors import InputError

CHOICES = ("smallest", "largest", "min-norm")
SCHEDULES = ("constant", "diminishing")
# Relative offset at which one-sided derivatives are read, and the gap that makes a kink.
_SIDE = 1e-7
_KINK_GAP = 1e-4
# Iterates beyond this are reported as diverging (the picture has left any sensible window).
_ESCAPE = 1e6


@dataclass(frozen=True)
class DescentPath:
    """Subgradient descent on f(x): iterates ``xs``, values ``fs``, the subgradients ``gs`` used
    and the steps ``etas`` (one fewer than iterates); ``kinks[t]`` says x_t was at a kink; curve
    samples of f over ``window`` for the picture; ``stopped`` is a sentence when the run ended
    early (or empty)."""

    latex: str
    xs: tuple[float, ...]
    fs: tuple[float, ...]
    gs: tuple[float, ...]
    etas: tuple[float, ...]
    kinks: tuple[bool, ...]
    window: tuple[float, float]
    curve_x: tuple[float, ...]
    curve_y: tuple[float, ...]
    stopped: str = ""

    def summary(self) -> str:
        """Where the run ended, in a sentence or three (Markdown)."""
        tail = ", ".join(f"{x:.3g}" for x in self.xs[-4:])
        kinks = sum(self.kinks)
        return (f"Last iterates: {tail}. Lowest value reached: f = {min(self.fs):.4g}. "
                + (f"{count_text(kinks, 'step')} started exactly on a kink (◆), where the chosen "
                   "subgradient decided the move." if kinks
                   else "No iterate landed exactly on a kink.")
                + (f" {self.stopped}" if self.stopped else ""))


@dataclass(frozen=True)
class FlowPicture:
    """The gradient inclusion for f(x, y) from ``start``: the minimum-norm flow (``flow_t``,
    ``flow``), discrete gradient-descent paths for each step size in ``paths``, and a grid of f
    values (``grid_x``, ``grid_y``, ``grid_f``) for contours."""

    latex: str
    start: tuple[float, float]
    flow_t: tuple[float, ...]
    flow: tuple[tuple[float, float], ...]
    paths: dict[float, tuple[tuple[float, float], ...]]
    grid_x: tuple[float, ...]
    grid_y: tuple[float, ...]
    grid_f: tuple[tuple[float, ...], ...]
    arrival: float | None
    arrival_latex: str | None = None
    """The arrival time in exact form, as LaTeX (``"1"``, ``"\\sqrt{2}"``), when the flow was
    followed exactly (f piecewise affine): then ``flow`` is the exact path, ``arrival`` its
    value."""


def step_sizes(eta: float, steps: int, schedule: str = "constant") -> np.ndarray:
    """η_t for t = 0..steps-1: constant η, or diminishing η/√(t+1).

    >>> step_sizes(1.0, 4, "diminishing").round(3).tolist()
    [1.0, 0.707, 0.577, 0.5]
    """
    if schedule not in SCHEDULES:
        raise InputError(f"The step schedule must be one of {', '.join(SCHEDULES)}.")
    t = np.arange(steps, dtype=float)
    return eta * np.ones(steps) if schedule == "constant" else eta / np.sqrt(t + 1)


def min_norm_element(points) -> np.ndarray:
    """The point of the convex hull of ``points`` (k points in 1 or 2 dimensions) nearest 0.

    Exact up to rounding: 0 itself when the hull holds it, else the nearest point of the nearest
    hull edge. Flat hulls (a segment, a point) are handled like any other.

    >>> min_norm_element([(1.0, 2.0), (1.0, -2.0)]).tolist()
    [1.0, 0.0]
    >>> min_norm_element([(-1.0,), (2.0,)]).tolist()
    [0.0]
    """
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    if pts.shape[1] == 1:
        return np.array([np.clip(0.0, pts.min(), pts.max())])
    return np.array(nearest((0.0, 0.0), pts.tolist()))


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _numeric(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> Callable:
    """f as a numpy function (real part where real, nan elsewhere), on arrays of each variable."""
    fn = lambdify(variables, expr)

    def value(*args):
        with np.errstate(all="ignore"):
            out = np.asarray(fn(*(np.asarray(a, dtype=complex) for a in args)), dtype=complex)
        out = out * np.ones(np.broadcast(*args).shape)
        return real_part(out)

    return value


def _gradient(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> list[Callable]:
    # sympy differentiates each piece (Abs -> sign, Max -> Heaviside); the value exactly on a
    # kink is a convention, so it is only ever read just off the kink.
    return [_numeric(sp.diff(expr, v), variables) for v in variables]


def subgradient_descent(text: str, start: float, *, eta: float = 0.3, steps: int = 50,
                        schedule: str = "constant", choice: str = "min-norm") -> DescentPath:
    """Run x_{t+1} = x_t - η_t g_t on the function of x in ``text`` from ``start``.

    Away from kinks g_t = f'(x_t). At a kink (one-sided derivatives d₋ ≠ d₊) g_t is the
    ``choice`` of the Clarke set [min(d₋, d₊), max(d₋, d₊)]: "smallest", "largest" or
    "min-norm" (the element nearest 0, which stops at a convex minimum).

    >>> path = subgradient_descent("abs(x)", 1.0, eta=0.3, steps=8)
    >>> [round(v, 1) for v in path.xs[-4:]]
    [0.1, -0.2, 0.1, -0.2]
    """
    if choice not in CHOICES:
        raise InputError(f"The subgradient choice must be one of {', '.join(CHOICES)}.")
    if not (np.isfinite(start) and np.isfinite(eta) and eta > 0 and 1 <= steps <= 1000):
        raise InputError("The start must be a number, the step size positive, and 1 to 1000 "
                         "steps.")
    function = parse_function(text, max_dim=1)
    x = function.variables[0]
    f = _numeric(function.expr, (x,))
    (df,) = _gradient(function.expr, (x,))
    etas = step_sizes(eta, steps, schedule)
    xs, gs, kinks, stopped = [float(start)], [], [], ""
    for t in range(steps):
        xt = xs[-1]
        h = _SIDE * max(1.0, abs(xt))
        left, right = (float(v) for v in df(np.array([xt - h, xt + h])))
        if not (np.isfinite(left) and np.isfinite(right)):
            stopped = f"Stopped at step {t}: f has no finite slope near x = {xt:.4g}."
            break
        kink = abs(right - left) > _KINK_GAP * max(1.0, abs(left), abs(right))
        lo, hi = min(left, right), max(left, right)
        g = {"smallest": lo, "largest": hi, "min-norm": float(np.clip(0.0, lo, hi))}[choice]
        g = float(g if kink else 0.5 * (left + right))
        gs.append(g)
        kinks.append(kink)
        xs.append(float(xt - etas[t] * g))
        if abs(xs[-1]) > _ESCAPE:
            stopped = f"Stopped at step {t + 1}: the iterates run off to infinity."
            break
    kinks.append(False)
    xs_arr = np.array(xs)
    fs = f(xs_arr)
    lo, hi = float(min(xs_arr.min(), start - 1.0)), float(max(xs_arr.max(), start + 1.0))
    pad = 0.15 * (hi - lo)
    window = (lo - pad, hi + pad)
    curve_x = np.linspace(*window, 801)
    return DescentPath(
        latex=sp.latex(function.expr), xs=tuple(xs), fs=tuple(float(v) for v in fs),
        gs=tuple(gs), etas=tuple(float(e) for e in etas[: len(gs)]), kinks=tuple(kinks),
        window=window, curve_x=tuple(curve_x.tolist()),
        curve_y=tuple(float(v) for v in f(curve_x)), stopped=stopped,
    )


def supporting_lines(curve_x, curve_y, x0: float, f0: float, slopes) -> list[tuple[bool, float]]:
    """For each slope s: whether the line f(x0) + s(x - x0) stays below the sampled graph, and
    the x where it rises highest above it (x0 itself when it never does).

    >>> xs = np.linspace(-1, 1, 201); supporting_lines(xs, np.abs(xs), 0.0, 0.0, [0.5, 2.0])
    [(True, 0.0), (False, 1.0)]
    """
    xs, ys = np.asarray(curve_x, dtype=float), np.asarray(curve_y, dtype=float)
    keep = np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    out = []
    for s in slopes:
        gap = f0 + s * (xs - x0) - ys
        worst = int(np.argmax(gap))
        above = gap[worst] > 1e-9 * max(1.0, float(np.abs(ys).max(initial=1.0)))
        out.append((not above, round(float(xs[worst]), 12) if above else float(x0)))
    return out


def _clarke_min_norm(grad: list[Callable], p: np.ndarray, radius: float) -> np.ndarray:
    """Minimum-norm element of the hull of gradients sampled on a small circle around p (the
    Clarke set of the radius-ball, which tends to ∂f(p) as the radius shrinks)."""
    angles = np.linspace(0.0, 2 * np.pi, 16, endpoint=False)
    xs = np.concatenate([[p[0]], p[0] + radius * np.cos(angles)])
    ys = np.concatenate([[p[1]], p[1] + radius * np.sin(angles)])
    g = np.column_stack([gi(xs, ys) for gi in grad])
    g = g[np.all(np.isfinite(g), axis=1)]
    return min_norm_element(g) if len(g) else np.zeros(2)

# The exact flow follows at most this many straight segments (one per change of kink pattern).
_MAX_SEGMENTS = 24
# More switching functions than this and the exact flow is not tried (the Euler flow is drawn).
_MAX_SWITCHES = 12


def _affine(u: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    return bool(u.is_polynomial(*variables)) and sp.Poly(u, *variables).total_degree() <= 1


def affine_switches(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> list[sp.Expr] | None:
    """The switching functions of f when f is piecewise affine with affine switches (nonsmooth
    primitives whose branches and switches are affine, combined linearly): the affine functions
    whose signs decide which piece is in force. None for any other f.

    >>> from clarke_core.engine.primitives import X, Y
    >>> sorted(affine_switches(abs(X) + 2 * abs(Y), (X, Y)), key=str)
    [x, y]
    >>> affine_switches(abs(X - Y) + (X + Y)**2, (X, Y)) is None
    True
    """
    out: list[sp.Expr] = []

    def walk(e: sp.Basic) -> bool:
        if not e.free_symbols:
            return True
        if e.is_Symbol:
            return True
        if isinstance(e, sp.Add):
            return all(walk(a) for a in e.args)
        if isinstance(e, sp.Mul):
            varying = [a for a in e.args if a.free_symbols]
            return len(varying) <= 1 and all(walk(a) for a in varying)
        p = by_func(e.func)
        if p is None or p.branches is None:
            return False
        found = switches(e)
        out.extend(found)
        values = [b.value for b in p.branches(e.args)]
        return all(walk(v) for v in values) and all(_affine(g, variables) for g in found)

    if not walk(expr):
        return None
    unique: list[sp.Expr] = []
    for g in out:
        g = sp.expand(g)
        if g.free_symbols and all(sp.expand(g - h) != 0 for h in unique):
            unique.append(g)
    return unique


def _exact_min_norm(vertices: list[tuple[sp.Expr, sp.Expr]]) -> tuple[sp.Expr, sp.Expr]:
    """The point of the hull of exact vertices (counter-clockwise; or a segment, a point)
    nearest 0, in exact arithmetic.

    >>> _exact_min_norm([(1, -2), (1, 2)])
    (1, 0)
    """
    pts = [tuple(sp.nsimplify(c) for c in v) for v in vertices]
    if len(pts) == 1:
        return pts[0]
    edges = list(zip(pts, pts[1:] + pts[:1], strict=True)) if len(pts) >= 3 else [tuple(pts)]
    if len(pts) >= 3 and all(sp.simplify(_cross(a, b, (0, 0))) >= 0 for a, b in edges):
        return (sp.S.Zero, sp.S.Zero)
    best = None
    for a, b in edges:
        d = (b[0] - a[0], b[1] - a[1])
        length2 = d[0] ** 2 + d[1] ** 2
        t = sp.Min(sp.Max(sp.simplify(-(a[0] * d[0] + a[1] * d[1]) / length2), 0), 1)
        q = (sp.simplify(a[0] + t * d[0]), sp.simplify(a[1] + t * d[1]))
        if best is None or sp.simplify(q[0] ** 2 + q[1] ** 2 - best[0] ** 2 - best[1] ** 2) < 0:
            best = q
    return best


def _min_norm_at(function: ParsedFunction, p: tuple[sp.Expr, sp.Expr]):
    try:
        dset = clarke_2d(function.expr, p)
    except InputError:  # undecided there: the numeric flow takes over
        return None
    if not dset.certified or dset.exact is None or dset.kind not in (SetKind.POINT, SetKind.SEGMENT,
                                                                     SetKind.POLYGON):
        return None
    return _exact_min_norm(dset.exact)


def exact_flow(function: ParsedFunction, start: tuple[sp.Expr, sp.Expr], horizon: sp.Expr
               ) -> tuple[list[tuple[sp.Expr, tuple[sp.Expr, sp.Expr]]], sp.Expr | None] | None:
    """The minimum-norm flow of a piecewise-affine f followed exactly: a list of (time, point)
    corners of its straight segments up to ``horizon``, and the exact time it stops at a
    critical point (None if it is still moving at the horizon). None when f is not piecewise
    affine with affine switches, or a step could not be made exact.

    On a segment no switching function changes sign, so the Clarke set is the same at every
    inner point; the segment is kept only when the set's minimum-norm element there is the
    direction taken (checked exactly at its midpoint).

    >>> from clarke_core.engine.parsing import parse_function
    >>> f = parse_function("abs(x) + 2*abs(y)")
    >>> corners, arrival = exact_flow(f, (1, sp.Rational(9, 10)), 2)
    >>> [t for t, _ in corners], arrival
    ([0, 9/20, 1], 1)
    """
    variables = function.variables
    switches = affine_switches(function.expr, variables)
    if switches is None or len(switches) > _MAX_SWITCHES:
        return None
    p = tuple(sp.nsimplify(c) for c in start)
    t, corners = sp.S.Zero, [(sp.S.Zero, p)]
    for _ in range(_MAX_SEGMENTS):
        m = _min_norm_at(function, p)
        if m is None:
            return None
        if m == (0, 0):
            return corners, t
        at = dict(zip(variables, p, strict=True))
        crossings = []
        for g in switches:
            g0 = sp.simplify(g.subs(at))
            rate = sp.simplify(sum(sp.diff(g, v) * mi for v, mi in zip(variables, m, strict=True)))
            if g0 != 0 and rate != 0 and sp.simplify(g0 / rate) > 0:
                crossings.append(sp.simplify(g0 / rate))
        tau = min([*crossings, horizon - t], key=lambda c: float(c))
        mid = tuple(pi - tau / 2 * mi for pi, mi in zip(p, m, strict=True))
        if _min_norm_at(function, mid) != m:
            return None
        p = tuple(sp.simplify(pi - tau * mi) for pi, mi in zip(p, m, strict=True))
        t = sp.simplify(t + tau)
        corners.append((t, p))
        if sp.simplify(t - horizon) >= 0:
            return corners, None
    return None


def _sample_path(corners, times: np.ndarray) -> np.ndarray:
    ts = np.array([float(t) for t, _ in corners])
    pts = np.array([[float(c) for c in q] for _, q in corners])
    return np.column_stack([np.interp(times, ts, pts[:, i]) for i in range(2)])


def gradient_flow(text: str, start, *, horizon: float = 1.5, dt: float = 0.002,
                  etas: tuple[float, ...] = (0.3, 0.1, 0.02)) -> FlowPicture:
    """The gradient inclusion dx/dt ∈ -∂f(x) for a function of x and y, from ``start``.

    The flow follows minus the minimum-norm element of the Clarke set (explicit Euler, step dt,
    with gradients sampled within a few steps' reach, so that on a kink both sides count and the
    flow slides along it). Next to it: gradient descent x ← x - η ∇f(x) for each η in ``etas``,
    run for the same time horizon. ``arrival`` is the time the flow stops at a critical point,
    or None. For a piecewise-affine f the flow is followed exactly (``exact_flow``) and
    ``arrival_latex`` is that time in exact form; otherwise the Euler flow stops within 1e-3 of
    a critical point, and ``arrival`` is approximate.

    >>> pic = gradient_flow("abs(x) + 2*abs(y)", "1, 0.9")
    >>> pic.arrival, pic.arrival_latex
    (1.0, '1')
    >>> cone = gradient_flow("sqrt(x**2 + y**2)", "1, 1")
    >>> round(cone.arrival, 1), cone.arrival_latex
    (1.4, None)
    """
    function = parse_function(text, max_dim=2)
    if function.dim != 2:
        raise InputError("This page needs a function of x and y, for example abs(x) + 2*abs(y).")
    if not (0 < horizon <= 20 and 1e-4 <= dt <= 0.1 and all(0 < e <= 5 for e in etas)):
        raise InputError("The time horizon, the flow step and the step sizes are out of range.")
    p0 = np.array([float(c) for c in parse_point(start, 2)])
    grad = _gradient(function.expr, function.variables)
    f = _numeric(function.expr, function.variables)

    exact = exact_flow(function, parse_point(start, 2), sp.nsimplify(horizon))
    arrival_latex = None
    if exact is not None:
        corners, stop = exact
        end = float(corners[-1][0])
        times = [*np.arange(0.0, end, dt).tolist(), end]
        flow = list(_sample_path(corners, np.array(times)))
        arrival = None if stop is None else float(stop)
        arrival_latex = None if stop is None else sp.latex(stop)
    else:
        flow, times, arrival = [p0], [0.0], None
        p = p0
        for k in range(int(round(horizon / dt))):
            g = _clarke_min_norm(grad, p,
                                 radius=3 * dt * (1.0 + float(np.abs(grad_at(grad, p)).max())))
            if np.linalg.norm(g) < 1e-3:
                arrival = times[-1]
                break
            p = p - dt * g
            flow.append(p)
            times.append((k + 1) * dt)

    paths = {}
    for eta in etas:
        q, path = p0, [tuple(p0)]
        for _ in range(int(np.ceil(horizon / eta))):
            q = q - eta * _clarke_min_norm(grad, q, radius=1e-9 * max(1.0, np.abs(q).max()))
            path.append((float(q[0]), float(q[1])))
        paths[float(eta)] = tuple(path)

    everything = np.array([pt for path in paths.values() for pt in path] + [tuple(p0), (0, 0)])
    everything = everything[np.all(np.isfinite(everything), axis=1)]
    lo, hi = everything.min(axis=0), everything.max(axis=0)
    pad = 0.15 * max(hi - lo) + 0.1
    gx = np.linspace(lo[0] - pad, hi[0] + pad, 81)
    gy = np.linspace(lo[1] - pad, hi[1] + pad, 81)
    X, Y = np.meshgrid(gx, gy)
    F = f(X, Y)
    return FlowPicture(
        latex=sp.latex(function.expr), start=(float(p0[0]), float(p0[1])),
        flow_t=tuple(times), flow=tuple((float(a), float(b)) for a, b in flow), paths=paths,
        grid_x=tuple(gx.tolist()), grid_y=tuple(gy.tolist()),
        grid_f=tuple(tuple(float(v) for v in row) for row in F), arrival=arrival,
        arrival_latex=arrival_latex,
    )


def grad_at(grad: list[Callable], p: np.ndarray) -> np.ndarray:
    """The gradient read at p (a convention on a kink), for scaling sample radii."""
    g = np.array([float(gi(np.array([p[0]]), np.array([p[1]]))[0]) for gi in grad])
    return np.where(np.isfinite(g), g, 0.0)
