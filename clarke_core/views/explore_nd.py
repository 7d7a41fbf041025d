"""Everything the Clarke lesson shows for f of 3 to 8 variables (x, y, z or x1 … x8), computed in
one call (run in the sandbox by the app): both sets with exact vertex labels, the cells of the
local fan around the point, and the exact projection of the Clarke set onto chosen coordinates.

>>> ex = explore_nd("max(x, y, z)", "0, 0, 0")
>>> ex.clarke.kind, ex.clarke_solid.kind, ex.clarke_solid.labels
('polytope', 'polygon', ('(0, 0, 1)', '(0, 1, 0)', '(1, 0, 0)'))
>>> project_nd("max(x1, x2, x3, x4)", "0, 0, 0, 0", (0, 2)).title
'projection onto (x1, x3)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..api import clarke_of, subdifferential_of
from ..engine import printing
from ..engine.clarke_nd import Cell, clarke_nd
from ..engine.lp_exact import hull_kind, hull_vertices
from ..engine.primitives import MAX_DIM
from ..engine.problem import Problem, problem
from ..engine.sets import DifferentialSet, SetKind
from ..errors import InputError, UndecidedError
from . import steps

MAX_CELL_ROWS = 64  # the table shows this many cells; the count says how many there are


@dataclass(frozen=True)
class Solid:
    """A set to draw: float ``vertices`` (its extreme points, in 2 or 3 coordinates or all n),
    their coordinates as the live table prints numbers (``labels``: exact where short, minus
    sign U+2212), and its affine ``kind`` (point, segment, polygon or polytope), decided
    exactly."""

    vertices: tuple[tuple[float, ...], ...]
    labels: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class CellRow:
    """One open cell of the local fan, as page text: the signs of the switches tied at the
    point on it, a direction d into it (x₀ + t d lies in it for small t > 0), the smooth form f
    takes there and that form's gradient limit at x₀."""

    signs: str
    direction: str
    piece: str
    gradient: str


@dataclass(frozen=True)
class ExplorationND:
    """Plain data for the n-D lesson. ``clarke`` is None when undecided (``clarke_note`` says
    why), ``subdifferential`` likewise (``sub_note``); ``status`` says in one sentence how the
    Clarke set was decided. ``names`` are the variables (``variables_latex`` in LaTeX, x_{1} for
    x1). ``cells`` lists at most ``MAX_CELL_ROWS`` of the ``cell_count`` cells.
    ``clarke_latex`` and ``sub_latex`` are the sets in exact notation, whole equations
    (``set_equation``); ``vertex_rows`` the Clarke set's vertices, one exact coordinate per
    column (page text)."""

    text: str
    latex: str
    names: tuple[str, ...]
    variables_latex: str
    point_latex: str
    clarke: DifferentialSet | None
    clarke_note: str
    subdifferential: DifferentialSet | None
    sub_note: str
    clarke_latex: str
    sub_latex: str
    vertex_rows: tuple[tuple[str, ...], ...]
    status: str
    clarke_solid: Solid | None
    sub_solid: Solid | None
    cells: tuple[CellRow, ...]
    cell_count: int

    @property
    def dim(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Projection:
    """The Clarke set (and the subdifferential, when decided and not empty) projected onto the
    coordinates ``coords`` (indices): each is the exact hull of the projected vertices."""

    coords: tuple[int, ...]
    names: tuple[str, ...]
    title: str
    clarke: Solid
    subdifferential: Solid | None


def solid(exact: Sequence[Sequence[sp.Expr]]) -> Solid:
    """The drawable form of a set given by exact points (all extreme, as the engine gives them).

    >>> solid([(0, 0, 1), (0, 1, 0)]).kind, solid([(-1, sp.Rational(1, 2), 0)]).labels
    ('segment', ('(−1, 1/2, 0)',))
    """
    points = tuple(tuple(sp.sympify(c, strict=True) for c in v) for v in exact)
    floats = tuple(tuple(float(c) for c in v) for v in points)
    return Solid(floats, tuple(steps.vector(f, v) for f, v in zip(floats, points, strict=True)),
                 hull_kind(points))


def _shown(s: DifferentialSet | None) -> Solid | None:
    """The set as a solid, when it has exact vertices to draw."""
    if s is None or s.kind in (SetKind.EMPTY, SetKind.UNBOUNDED) or not s.exact:
        return None
    return solid(s.exact)


def _problem_nd(text: str | Problem, at) -> Problem:
    question = problem(text, at, max_dim=MAX_DIM)
    if question.dim < 3:
        raise InputError(f"This is a function of {question.dim} "
                         f"{'variable' if question.dim == 1 else 'variables'} at a point with "
                         f"{question.dim} {'coordinate' if question.dim == 1 else 'coordinates'}; "
                         "this lesson takes 3 to 8, so give the point 3 coordinates (like "
                         "0, 0, 0) or choose the 1D or 2D lesson.")
    return question


def _exact(c: object) -> str:
    """An exact coordinate of the tables: all of it, with the minus sign U+2212 of the
    figure's labels and of the pieces (``printing.formula_text``) beside it."""
    return printing.unicode(c, minus="−")


def _exact_vector(v: Sequence[object]) -> str:
    return printing.vector([_exact(c) for c in v], bare=False)


def _cell_row(cell: Cell) -> CellRow:
    signs = ", ".join(f"{printing.formula_text(s)} {'>' if tau > 0 else '<'} 0"
                      for s, tau in cell.signs)
    gradient = "blows up" if cell.gradient is None else _exact_vector(cell.gradient)
    direction = ("any" if all(c == 0 for c in cell.direction)
                 else _exact_vector(cell.direction))
    return CellRow(signs or "no switch is tied here: one cell fills the ball", direction,
                   printing.formula_text(cell.piece), gradient)


LINE_CHARS = 56  # of printed vertices per line of a long conv{...}


def set_equation(lhs: str, s: DifferentialSet | None, same_as: str = "",
                 other: DifferentialSet | None = None) -> str:
    r"""``lhs = `` the set in exact LaTeX, a long vertex list broken over lines; ``same_as``
    (the other set's name) when ``s`` has exactly the vertices of ``other``.

    >>> from clarke_core.engine.sets import DifferentialSet as Set
    >>> set_equation("A", Set("point", [(0.0, 1.0, 0.0)], [(0, 1, 0)]))
    'A = \\left\\{\\left(0, 1, 0\\right)\\right\\}'
    >>> cube = [(a, b, c) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
    >>> set_equation("A", Set("polytope", cube, cube)).count(r"\\")
    1
    """
    if s is None:
        return lhs + r" \text{ is undecided}"
    if other is not None and same_as and s.exact and other.exact and \
            len(s.exact) == len(other.exact) and all(
                all(sp.simplify(a - b) == 0 for a, b in zip(u, v, strict=True))
                for u, v in zip(s.exact, other.exact, strict=True)):
        return f"{lhs} = {same_as}"
    if s.kind not in (SetKind.SEGMENT, SetKind.POLYGON, SetKind.POLYTOPE) or not s.exact:
        return f"{lhs} = {printing.set_latex(s)}"
    texts = [printing.tuple_latex(v) for v in s.exact]
    chars = sum(len(printing.vector_text(v)) + 2 for v in s.exact)
    per_line = math.ceil(len(texts) / math.ceil(chars / LINE_CHARS))  # lines of equal length
    lines = [texts[k:k + per_line] for k in range(0, len(texts), per_line)]
    if len(lines) == 1:
        return f"{lhs} = {printing.set_latex(s)}"
    body = r",\\ & ".join(", ".join(line) for line in lines)
    tail = "" if s.certified else r"\text{ (checked numerically)}"
    return (r"\begin{aligned} " + lhs + r" = \operatorname{conv}\big\{ & " + body
            + r" \big\}" + tail + r" \end{aligned}")


def _status(clarke: DifferentialSet | None, note: str) -> str:
    if clarke is None:
        return "Undecided: " + note
    if clarke.kind == SetKind.UNBOUNDED:
        return "Unbounded: " + clarke.reason
    done = "Certified exactly" if clarke.certified else "Checked numerically, not proved"
    return f"{done}: {clarke.reason[:1].lower()}{clarke.reason[1:]}"


def explore_nd(text: str | Problem, at=None) -> ExplorationND:
    """Parse (once: a ``Problem`` is taken as it is) and analyse a function of 3 to 8 variables
    at a point, for the n-D lesson.

    >>> ex = explore_nd("abs(x) - abs(x) + z", "0, 0, 0")
    >>> ex.clarke.exact, ex.cell_count, ex.status.split(":")[0]
    ([(0, 0, 1)], 1, 'Certified exactly')
    """
    question = _problem_nd(text, at)
    clarke, clarke_note, cells = None, "", ()
    try:
        clarke = clarke_of(question)
        # The fan's cells, for the table (the same exact engine, asked for its cells).
        cells = clarke_nd(question.expr, question.variables, question.point).cells
    except UndecidedError as err:
        clarke_note = str(err)
    sub, sub_note = None, ""
    if clarke is not None and clarke.kind == SetKind.UNBOUNDED:
        sub_note = "f is not locally Lipschitz at x₀, and its subdifferential is not decided here."
    else:
        try:
            sub = subdifferential_of(question, clarke)
        except UndecidedError as err:
            sub_note = str(err)
    exact = clarke.exact if clarke is not None and clarke.exact else []
    return ExplorationND(
        text=question.text, latex=sp.latex(question.expr),
        names=tuple(str(v) for v in question.variables),
        variables_latex=", ".join(sp.latex(v) for v in question.variables),
        point_latex=printing.tuple_latex(question.point),
        clarke=clarke, clarke_note=clarke_note, subdifferential=sub,
        sub_note=sub_note or (sub.reason if sub is not None else ""),
        clarke_latex=set_equation(r"\partial f(x_0)", clarke),
        sub_latex=set_equation(r"\partial_s f(x_0)", sub, r"\partial f(x_0)", clarke),
        vertex_rows=tuple(tuple(_exact(c) for c in v) for v in exact),
        status=_status(clarke, clarke_note), clarke_solid=_shown(clarke), sub_solid=_shown(sub),
        cells=tuple(_cell_row(c) for c in cells[:MAX_CELL_ROWS]), cell_count=len(cells))


def projected(exact: Sequence[Sequence[sp.Expr]], coords: Sequence[int]) -> Solid:
    """The exact projection of the hull of ``exact`` onto ``coords``: the hull of the projected
    points (a linear map sends the hull of a set to the hull of its image).

    >>> projected([(1, 0, 0), (0, 1, 0), (0, 0, 1)], (0, 1)).labels
    ('(0, 0)', '(1, 0)', '(0, 1)')
    """
    points = [tuple(sp.sympify(v[i], strict=True) for i in coords) for v in exact]
    return solid(hull_vertices(points))


def project_nd(text: str | Problem, at, coords: Sequence[int]) -> Projection:
    """The Clarke set of f at the point (and its subdifferential when decided), projected onto
    the 2 or 3 coordinates ``coords`` (0-based indices, in the order given)."""
    question = _problem_nd(text, at)
    coords = tuple(int(i) for i in coords)
    names = tuple(str(v) for v in question.variables)
    if not 2 <= len(coords) <= 3 or len(set(coords)) != len(coords) or \
            not all(0 <= i < len(names) for i in coords):
        raise InputError(f"Choose 2 or 3 different coordinates among {', '.join(names)}.")
    clarke = clarke_of(question)
    if not clarke.exact:
        raise InputError("There is no Clarke set to project: f is not locally Lipschitz here.")
    try:
        sub = subdifferential_of(question, clarke)
    except UndecidedError:
        sub = None
    chosen = tuple(names[i] for i in coords)
    return Projection(coords, chosen, f"projection onto ({', '.join(chosen)})",
                      projected(clarke.exact, coords),
                      projected(sub.exact, coords) if _shown(sub) else None)
