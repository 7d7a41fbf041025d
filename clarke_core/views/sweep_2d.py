"""The subgradient inequality in 2D (lecture §1): planes f(p) + ⟨s, q − p⟩ swept through the
subdifferential, for the Subgradients page.

``explore_subgradients`` decides by the function's variables which picture the page draws: a
function of x gets the 1D exploration (lines, descent), a function of x and y a ``PlaneSweep``.
``slope_path`` gives the slopes s the animation moves through (a straight path across the set,
with its entry and exit points exactly on it), and ``plane_verdicts`` says for each s whether the
plane is a supporting plane: from the exact subdifferential when it is decided, and, as a picture,
where on the window the plane rises above the graph.

>>> sweep = sweep_2d("abs(x) + abs(y)", "0, 0")
>>> sweep.subdifferential.kind, [v.supports for v in plane_verdicts(sweep, [(1, 1), (1.2, 0)])]
('polygon', [True, False])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..engine import printing
from ..engine.clarke_2d import value_at
from ..engine.numeric import lambdify, real_part
from ..engine.parsing import ParsedFunction
from ..engine.primitives import X, Y
from ..engine.problem import Problem, problem
from ..engine.sets import DifferentialSet, SetKind, Witness
from .examples import EXAMPLES_2D, EXAMPLES_SUBGRADIENTS, Example
from .explore_1d import Exploration1D, explore_1d
from .explore_2d import Surface2D, both_sets

GRID = 61
HALF_WIDTH = 1.0
MAX_HALF_WIDTH = 10.0
PATHS = ("auto", "0", "45", "90", "135")
# The presets of the page: the 1D ones (figure 1 among them), then functions of x and y.
EXAMPLES_2D_SWEEP: tuple[Example, ...] = tuple(
    Example(e.key, "2D: " + e.label, e.expr, e.at, e.note)
    for e in EXAMPLES_2D if e.key in ("l1-norm", "minus-l1", "max-xy", "euclidean-norm",
                                      "max-minus-square")
)
EXAMPLES_SUBGRADIENTS_ALL: tuple[Example, ...] = EXAMPLES_SUBGRADIENTS + EXAMPLES_2D_SWEEP
_TOL = 1e-7
HOW_IT_IS_COMPUTED = (
    "The subdifferential is decided exactly (one-sided limits of f′, then a global check; when "
    "it is empty, the points x′ that rule slopes out are found; in 2D, two or three points with "
    "Farkas weights). The sweep checks each line or plane against the graph sampled on the "
    "window. Descent runs in floating point: at each iterate the slopes just left and right of "
    "x_t are read; when they differ, x_t is on a kink and the Clarke set between them supplies "
    "the chosen subgradient.")


@dataclass(frozen=True)
class PlaneSweep(Surface2D):
    """Plain data for the 2D sweep: f on a grid around the point, the Clarke set and the
    subdifferential (empty ones carry exact Farkas witness points). The window is widened to
    show every witness."""

    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaneVerdict:
    """The plane of slope s through (p, f(p)): ``supports`` (s in the subdifferential; None when
    that is undecided), whether it stays below f on the sampled window, and the grid point where
    it rises highest above f (None when it never does)."""

    s: tuple[float, float]
    supports: bool | None
    below_on_window: bool
    worst: tuple[float, float, float] | None  # (x, y, f(x, y))


def explore_subgradients(text: str, at) -> Exploration1D | PlaneSweep:
    """The 1D exploration for a function of x, the plane sweep for a function of x and y (a
    function of x at a point (x0, y0) counts as one of x and y).

    >>> type(explore_subgradients("abs(x)", "0")).__name__
    'Exploration1D'
    >>> type(explore_subgradients("max(x, y)", "0, 0")).__name__
    'PlaneSweep'
    """
    question = problem(text, at)
    if question.dim == 1:
        return explore_1d(question)
    return _sweep(question)


def sweep_2d(text: str, at) -> PlaneSweep:
    """The plane sweep for a function of x and y at a point (x0 alone stands for (x0, 0))."""
    question = problem(text, at)
    if question.dim != 2:
        f, (x0,) = question.function, question.point
        question = Problem(ParsedFunction(f.text, f.expr, (X, Y)), (x0, sp.Integer(0)))
    return _sweep(question)


def _sweep(question: Problem) -> PlaneSweep:
    text, expr, p = question.text, question.expr, question.point
    clarke, subdiff, notes = both_sets(question)
    pf = (float(p[0]), float(p[1]))
    half = HALF_WIDTH
    for w in subdiff.witnesses if subdiff is not None else ():
        reach = max(abs(w.point[0] - pf[0]), abs(w.point[1] - pf[1]))
        half = max(half, min(MAX_HALF_WIDTH, reach + 0.25))
    gx = np.linspace(pf[0] - half, pf[0] + half, GRID)
    gy = np.linspace(pf[1] - half, pf[1] + half, GRID)
    z = _values(expr, *np.meshgrid(gx, gy))
    return PlaneSweep(
        text=text, latex=sp.latex(expr), point=pf,
        point_latex=printing.tuple_latex(p),
        value=float(value_at(expr, p)), clarke=clarke, subdifferential=subdiff,
        window=((float(gx[0]), float(gx[-1])), (float(gy[0]), float(gy[-1]))),
        grid_x=tuple(gx.tolist()), grid_y=tuple(gy.tolist()),
        grid_z=tuple(tuple(row) for row in z.tolist()), notes=tuple(notes),
    )


def _values(expr: sp.Expr, mx: np.ndarray, my: np.ndarray) -> np.ndarray:
    f = lambdify((X, Y), expr)
    with np.errstate(all="ignore"):
        z = np.asarray(f(mx.astype(complex), my.astype(complex)), dtype=complex) * np.ones_like(mx)
    return real_part(z)


def witness_sentence(w: Witness, number: Callable[[object], str] = str) -> str:
    """What one witness forces, in the one wording every page, chart and label uses:
    ``x′ = 0 forces s ≤ -1`` (1D) or ``q′ = (1/2, 0) forces ...`` (2D). Exact coordinates
    and the bound are printed with ``number`` (figures pass their short style, √ and π),
    coordinates known only as floats to 3 digits.

    >>> witness_sentence(Witness((0.0,), -1.0, "s <= -1", (sp.Integer(0),)))
    'x′ = 0 forces s ≤ -1'
    """
    coords = [number(c) for c in w.exact_point] if w.exact_point is not None else [
        f"{c:.3g}" for c in w.point]
    where = coords[0] if len(coords) == 1 else "(" + ", ".join(coords) + ")"
    bound = (printing.bound_text(w.direction, w.limit, w.lower, number) if w.limit is not None
             else w.bound.replace(">=", "≥").replace("<=", "≤"))
    return f"{'x′' if len(coords) == 1 else 'q′'} = {where} forces {bound}"


def no_subgradient_note(ex: Exploration1D | PlaneSweep) -> str:
    """Why the subdifferential is empty, from its witnesses (Markdown with $LaTeX$).

    >>> print(no_subgradient_note(explore_subgradients("-abs(x)", "0")))  # doctest: +ELLIPSIS
    **No subgradient here.** Each diamond is a point x′ ... x′ = -1 forces s ≥ 1; ...
    """
    witnesses = ex.subdifferential.witnesses if ex.subdifferential is not None else ()
    bounds = "; ".join(witness_sentence(w) for w in witnesses)
    if isinstance(ex, Exploration1D):
        what = "Each diamond is a point x′ whose inequality f(x′) ≥ f(p) + s(x′ − p)"
    else:
        what = ("Each diamond on the surface is a point q′ whose inequality f(q′) ≥ f(p) + "
                "⟨s, q′ − p⟩ rules out a half-plane of s (hatched on the right): it")
    return (f"**No subgradient here.** {what} bounds s from one side, and the bounds "
            "contradict each other" + (f": {bounds}." if bounds else ".") + " The Clarke set "
            f"is still ${ex.clarke.latex()}$: it only asks for limits of nearby gradients.")


def path_set(sweep: PlaneSweep) -> DifferentialSet | None:
    """The set the path of s crosses: the subdifferential, else the Clarke set (when the
    subdifferential is empty or undecided), else None."""
    for dset in (sweep.subdifferential, sweep.clarke):
        if (dset is not None and dset.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED)
                and dset.vertices):
            return dset
    return None


def _direction(dset: DifferentialSet | None, path: str) -> np.ndarray:
    if path != "auto":
        angle = math.radians(float(path))
        return np.array([math.cos(angle), math.sin(angle)])
    if dset is not None and dset.kind == SetKind.SEGMENT:  # a flat set: along it
        a, b = (np.asarray(v, dtype=float) for v in (dset.vertices[0], dset.vertices[-1]))
        return (b - a) / np.linalg.norm(b - a)
    return np.array([1.0, 0.0])


def _chord(vertices: list, c: np.ndarray, u: np.ndarray) -> tuple[float, float]:
    """The t with c + t·u in the convex set (a point, a segment or a counter-clockwise polygon)."""
    verts = np.asarray(vertices, dtype=float)
    if len(verts) == 1:
        return 0.0, 0.0
    if len(verts) == 2:
        a, b = verts
        d = b - a
        if abs(d[0] * u[1] - d[1] * u[0]) > 1e-12 * np.linalg.norm(d):  # across: one point
            return 0.0, 0.0
        ts = sorted(float((v - c) @ u) for v in verts)
        return ts[0], ts[1]
    lo, hi = -np.inf, np.inf
    for a, b in zip(verts, np.roll(verts, -1, axis=0), strict=True):
        e = b - a
        # inside this edge: cross(e, c + t u - a) >= 0, i.e. k0 + t k1 >= 0
        k0 = e[0] * (c[1] - a[1]) - e[1] * (c[0] - a[0])
        k1 = e[0] * u[1] - e[1] * u[0]
        if abs(k1) < 1e-15:
            continue
        t = -k0 / k1
        if k1 > 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
    return (float(lo), float(hi)) if lo <= hi else (0.0, 0.0)


def slope_path(sweep: PlaneSweep, path: str = "auto",
               count: int = 25) -> list[tuple[float, float]]:
    """Slopes s on a straight path through the centre of the set (``path``: "auto" — along a flat
    set, else horizontal — or an angle in degrees, one of ``PATHS``), from outside the set,
    through it and out again; where the path enters and leaves the set is among them.

    >>> ends = slope_path(sweep_2d("abs(x) + abs(y)", "0, 0"))
    >>> ends[0], (-1.0, 0.0) in ends, (1.0, 0.0) in ends, ends[-1]
    ((-1.5, 0.0), True, True, (1.5, 0.0))
    """
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}, not {path!r}")
    dset = path_set(sweep)
    u = _direction(dset, path)
    if dset is None:
        c, (t_lo, t_hi) = np.zeros(2), (0.0, 0.0)
    else:
        verts = np.asarray(dset.vertices, dtype=float)
        c = verts.mean(axis=0)
        t_lo, t_hi = _chord(dset.vertices, c, u)
    reach = max(abs(t_lo), abs(t_hi))
    extent = max(reach + max(0.5, 0.5 * reach), 1.0)
    ts = np.union1d(np.linspace(-extent, extent, count), [t_lo, 0.0, t_hi])
    out = []
    for t in ts:
        s = c + t * u
        pair = (round(float(s[0]), 9) + 0.0, round(float(s[1]), 9) + 0.0)
        if not out or pair != out[-1]:
            out.append(pair)
    return out


def plane_verdicts(sweep: PlaneSweep, slopes) -> list[PlaneVerdict]:
    """For each slope s: does the plane f(p) + ⟨s, q − p⟩ support the graph?

    ``supports`` comes from the exact subdifferential (s within 1e-7 of it); ``below_on_window``
    and ``worst`` from the grid of f on the window. They agree for convex f; for other f a
    plane can stay below the window and still cross f farther out.
    """
    gx, gy = np.asarray(sweep.grid_x), np.asarray(sweep.grid_y)
    mx, my = np.meshgrid(gx, gy)
    z = np.asarray(sweep.grid_z, dtype=float)
    finite = np.isfinite(z)
    dx, dy = (mx - sweep.point[0])[finite], (my - sweep.point[1])[finite]
    zf, xf, yf = z[finite], mx[finite], my[finite]
    scale = max(1.0, float(np.abs(zf).max(initial=1.0)))
    sub = sweep.subdifferential
    out = []
    for s in slopes:
        s = (float(s[0]), float(s[1]))
        gap = sweep.value + s[0] * dx + s[1] * dy - zf
        k = int(np.argmax(gap)) if gap.size else 0
        above = bool(gap.size) and gap[k] > 1e-9 * scale
        supports = None if sub is None else sub.contains(s, tol=_TOL)
        worst = (float(xf[k]), float(yf[k]), float(zf[k])) if above else None
        out.append(PlaneVerdict(s, supports, not above, worst))
    return out
