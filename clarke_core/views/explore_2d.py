"""Everything the 2D Clarke page shows, computed in one call (run in the sandbox by the app)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..api import clarke_of, subdifferential_of
from ..engine import printing
from ..engine.clarke_2d import value_at
from ..engine.convexity import is_certified_convex
from ..engine.numeric import lambdify, real_part
from ..engine.primitives import X, Y
from ..engine.problem import Problem, problem
from ..engine.sampling import sampled_gradients_2d
from ..engine.sets import DifferentialSet
from ..errors import UndecidedError
from .comparison import why_they_differ
from .steps import Step, sequence_steps, vector

HALF_WIDTH = 1.0
GRID = 61
SAMPLING_RADII = (1e-1, 1e-2, 1e-3)
SAMPLES = 200


@dataclass(frozen=True)
class Surface2D:
    """f(x, y) around a point, with both sets there: what every 2D picture starts from.

    ``grid_z[i][j]`` is f(grid_x[j], grid_y[i]) (nan where undefined); ``subdifferential`` is
    None when undecided.
    """

    text: str
    latex: str
    point: tuple[float, float]
    point_latex: str
    value: float
    clarke: DifferentialSet
    subdifferential: DifferentialSet | None
    window: tuple[tuple[float, float], tuple[float, float]]
    grid_x: tuple[float, ...]
    grid_y: tuple[float, ...]
    grid_z: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Exploration2D(Surface2D):
    """Plain data for the 2D lesson: ``region[i][j]`` is the index into ``pieces`` (LaTeX of the
    smooth forms f follows next to the point) of the form f equals there, or -1 for none of
    them; ``piece_texts`` are the same forms as page text (for legends). ``sampled[r]`` holds
    the gradients gradient sampling sees within radius ``SAMPLING_RADII[r]`` (seeded). ``why``
    is the paragraph comparing the two sets (``comparison.why_they_differ``). ``steps[j]`` are
    the rows of the live table for ``clarke.sequences[j]`` (``views.steps``). Where ``region``
    changes between neighbouring grid points, ``cuts_x[i][j]`` (between columns j and j + 1 of
    row i) and ``cuts_y[i][j]`` (between rows i and i + 1 of column j) say where, as a fraction
    of the way (found by bisection, so the map's regions have their true edges, not the grid's
    staircase); 0.5 elsewhere.
    """

    pieces: tuple[str, ...]
    region: tuple[tuple[int, ...], ...]
    sampled: tuple[tuple[tuple[float, float], ...], ...]
    notes: tuple[str, ...] = ()
    why: str = ""
    piece_texts: tuple[str, ...] = ()
    steps: tuple[tuple[Step, ...], ...] = ()
    cuts_x: tuple[tuple[float, ...], ...] = ()
    cuts_y: tuple[tuple[float, ...], ...] = ()
    point_text: str = ""  # the point as the live table prints it, "(−1/3, 1/2)"; "" if unknown


def _grid(expr: sp.Expr, p: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gx = np.linspace(p[0] - HALF_WIDTH, p[0] + HALF_WIDTH, GRID)
    gy = np.linspace(p[1] - HALF_WIDTH, p[1] + HALF_WIDTH, GRID)
    mx, my = np.meshgrid(gx, gy)
    f = lambdify((X, Y), expr)
    with np.errstate(all="ignore"):
        z = np.asarray(f(mx.astype(complex), my.astype(complex)), dtype=complex) * np.ones_like(mx)
    z = real_part(z)
    return gx, gy, z


def _labeller(expr: sp.Expr, forms: list[sp.Expr]):
    """Which local form f equals at points (x, y) (arrays), or -1: a picture, not a proof."""
    f = lambdify((X, Y), expr)
    fs = [lambdify((X, Y), form) for form in forms]

    def label(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> np.ndarray:
        with np.errstate(all="ignore"):
            if z is None:
                z = real_part(np.asarray(f(x.astype(complex), y.astype(complex)),
                                         dtype=complex) * np.ones_like(x))
            region = np.full(np.shape(z), -1)
            for k in reversed(range(len(fs))):  # the first matching form wins
                value = np.asarray(fs[k](x, y), dtype=float) * np.ones_like(x)
                region[np.abs(value - z) < 1e-9 * (1 + np.abs(z))] = k
        return region

    return label


def _cuts(label, gx: np.ndarray, gy: np.ndarray, region: np.ndarray,
          steps: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Where the label changes along each grid edge whose ends differ, as a fraction of the
    edge (bisection: the first point seen with another label than the edge's start), rounded
    to 1e-3; 0.5 on the other edges."""
    mx, my = np.meshgrid(gx, gy)
    out = []
    for axis in (1, 0):  # along x (columns j, j + 1), then along y (rows i, i + 1)
        a = region[:, :-1] if axis else region[:-1, :]
        b = region[:, 1:] if axis else region[1:, :]
        x0 = mx[:, :-1] if axis else mx[:-1, :]
        y0 = my[:, :-1] if axis else my[:-1, :]
        x1 = mx[:, 1:] if axis else mx[1:, :]
        y1 = my[:, 1:] if axis else my[1:, :]
        t = np.full(a.shape, 0.5)
        where = np.nonzero(a != b)
        if where[0].size:
            start = a[where]
            lo, hi = np.zeros(start.size), np.ones(start.size)
            for _ in range(steps):
                mid = (lo + hi) / 2
                px = x0[where] + mid * (x1[where] - x0[where])
                py = y0[where] + mid * (y1[where] - y0[where])
                same = label(px, py) == start
                lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
            t[where] = (lo + hi) / 2
        out.append(np.round(t, 3))
    return out[0], out[1]


def both_sets(problem_2d: Problem) -> tuple[DifferentialSet, DifferentialSet | None, list[str]]:
    """The Clarke set and the subdifferential of f at p; the latter is None when undecided,
    with the reason in the notes."""
    clarke = clarke_of(problem_2d)
    try:
        return clarke, subdifferential_of(problem_2d, clarke), []
    except UndecidedError as err:
        return clarke, None, [f"Subdifferential: {err}"]


def _steps(expr: sp.Expr, p, value: sp.Expr, clarke: DifferentialSet) -> tuple:
    """The live table's rows per sequence: f exactly at points known exactly (x₀ plus a
    fraction: ``steps.exact_point``), the gradients as computed (exact when they are fractions)."""
    f = lambdify((X, Y), expr)
    rows = []
    for seq in clarke.sequences:
        if not seq.points or len(seq.gradients) != len(seq.points):
            rows.append(())
            continue
        pts = np.asarray(seq.points, dtype=float)
        with np.errstate(all="ignore"):
            values = real_part(np.asarray(f(pts[:, 0].astype(complex), pts[:, 1].astype(complex)),
                                          dtype=complex) * np.ones(len(pts)))
        rows.append(sequence_steps(seq, clarke, p, value,
                                   lambda q: (expr.subs({X: q[0], Y: q[1]}), None),
                                   [float(v) for v in values]))
    return tuple(rows)


def explore_2d(text: str | Problem, at=None) -> Exploration2D:
    """Parse (once: a ``Problem`` is taken as it is), analyse and sample a function of x and y
    at a point, for the 2D page.

    >>> ex = explore_2d("abs(x) + abs(y)", "0, 0")
    >>> ex.clarke.kind, ex.subdifferential.kind, len(ex.pieces)
    ('polygon', 'polygon', 4)
    """
    question = problem(text, at, dim=2)
    function, p, expr = question.function, question.point, question.expr
    clarke, subdiff, notes = both_sets(question)
    pf = (float(p[0]), float(p[1]))
    gx, gy, z = _grid(expr, pf)
    forms = list(clarke.extra.get("forms", []))
    mx, my = np.meshgrid(gx, gy)
    label = _labeller(expr, forms)
    region = label(mx, my, z) if forms else np.full(z.shape, -1, dtype=int)
    cuts_x, cuts_y = _cuts(label, gx, gy, region) if forms else (np.zeros(0), np.zeros(0))
    value = value_at(expr, p)
    sampled = []
    for k, radius in enumerate(SAMPLING_RADII):
        _, grads = sampled_gradients_2d(expr, pf, radius=radius, n=SAMPLES,
                                        rng=np.random.default_rng(k))
        sampled.append(tuple((float(a), float(b)) for a, b in grads))
    return Exploration2D(
        text=function.text, latex=sp.latex(expr), point=pf,
        point_latex=printing.tuple_latex(p), point_text=vector(pf, p),
        value=float(value), clarke=clarke, subdifferential=subdiff,
        window=((gx[0], gx[-1]), (gy[0], gy[-1])),
        grid_x=tuple(gx.tolist()), grid_y=tuple(gy.tolist()),
        grid_z=tuple(tuple(row) for row in z.tolist()),
        pieces=tuple(sp.latex(f) for f in forms),
        piece_texts=tuple(printing.formula_text(f) for f in forms),
        region=tuple(tuple(int(v) for v in row) for row in region),
        cuts_x=tuple(tuple(row) for row in cuts_x.tolist()),
        cuts_y=tuple(tuple(row) for row in cuts_y.tolist()),
        sampled=tuple(sampled), notes=tuple(notes), steps=_steps(expr, p, value, clarke),
        why=why_they_differ(clarke, subdiff, convex=is_certified_convex(expr), dim=2),
    )
