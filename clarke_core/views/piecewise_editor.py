"""Check the rows of the piecewise editor, (expression, condition) pairs, as a student types them.

Each cell goes through the safe parser. The rows are then checked for gaps (points where no
condition holds), overlaps (points where two hold: Piecewise takes the first), and continuity
where the active row switches, since the lecture's theory needs a continuous, locally Lipschitz f.
1D: sample points on [-10, 10] plus the exact breakpoints, exact one-sided limits there;
2D: a grid on [-5, 5]², values compared numerically across the switching curves.

>>> check_rows([("-x", "x < 0"), ("x", "True")], 1).text
'Piecewise((-x, x < 0), (x, True))'
>>> print(check_rows([("0", "x < 0"), ("1", "x >= 0")], 1).problems[0])
f jumps at x = 0: row 1 tends to 0 from the left, row 2 tends to 1 from the right; make the rows ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from ..engine import printing
from ..engine.local import finite_at, is_finite_number, sign_of
from ..engine.numeric import lambdify
from ..engine.parsing import parse_function
from ..engine.primitives import VARIABLES
from ..errors import InputError, UndecidedError

REACH_1D = 10
REACH_2D = 5
MAX_ROWS = 20
_SAMPLES_1D = 4001
_GRID_2D = 161


@dataclass(frozen=True)
class EditorCheck:
    """The verdict on the rows: ``problems`` (one sentence each; any problem means no function),
    ``notes`` (sentences that do not block, such as which row wins an overlap) and ``text``, the
    ``Piecewise(...)`` the rows make, when there is no problem."""

    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    text: str | None = None


def _balanced(cell: str) -> bool:
    """No bracket closes before it opens and no comma sits outside brackets, so the cell cannot
    reach out of the (value, condition) pair it is placed in."""
    depth = 0
    for ch in cell:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0 or (ch == "," and depth == 0):
            return False
    return depth == 0


def parse_condition(cell: str, dim: int) -> sp.Basic:
    """A condition cell as a sympy Boolean, through the safe parser.

    >>> parse_condition("x > 0", 1), parse_condition("(x <= 1) | (x > 2)", 1).func
    (x > 0, Or)
    >>> parse_condition("True", 1)
    True
    """
    if not _balanced(cell):
        raise InputError("its brackets do not match, or it has a comma outside brackets.")
    # Value 1 under the condition, else 0: Piecewise keeps the condition unless it is constant.
    expr = parse_function(f"Piecewise((1, {cell}), (0, True))", max_dim=dim).expr
    if isinstance(expr, sp.Piecewise) and len(expr.args) == 2:
        return expr.args[0].cond
    if expr == 1:
        return sp.true
    if expr == 0:
        return sp.false
    raise InputError("it is not a condition such as x < 0.")


def _cell(text: object) -> str:
    return "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text).strip()


def _boundaries(cond: sp.Basic) -> list[sp.Expr]:
    return [r.lhs - r.rhs for r in cond.atoms(sp.Rel)]


def _breakpoints(conds: Sequence[sp.Basic], x: sp.Symbol) -> tuple[list[sp.Expr], list[str]]:
    points: set[sp.Expr] = set()
    notes = []
    for g in {g for c in conds for g in _boundaries(c)}:
        roots = sp.solveset(g, x, sp.Interval(-REACH_1D, REACH_1D))
        if isinstance(roots, sp.FiniteSet) and len(roots) <= 50:
            points |= {r for r in roots if is_finite_number(r)}
        else:
            notes.append(f"The places where {printing.formula_text(g)} changes sign were checked "
                         "at sample points only.")
    return sorted(points, key=float), notes


def _first(conds: Sequence[sp.Basic], x: sp.Symbol, p: sp.Expr) -> int | None:
    for i, c in enumerate(conds):
        value = c.subs(x, p)
        if value is sp.true or value == True:  # noqa: E712 (sympy truth)
            return i
    return None


def _limit(expr: sp.Expr, x: sp.Symbol, b: sp.Expr, side: str) -> sp.Expr:
    value = finite_at(expr, x, b)
    return value if value is not None else sp.limit(expr, x, b, side)


def _masks(conds: Sequence[sp.Basic], variables: tuple, points: Sequence[np.ndarray]) -> np.ndarray:
    shape = points[0].shape
    out = []
    for c in conds:
        if isinstance(c, BooleanTrue) or isinstance(c, BooleanFalse):
            out.append(np.full(shape, bool(c)))
            continue
        fn = lambdify(variables, c)
        with np.errstate(all="ignore"):
            out.append(np.asarray(fn(*points), dtype=bool) * np.ones(shape, dtype=bool))
    return np.array(out)


def _runs(xs: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    runs, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if start is not None and (not m or i == len(mask) - 1):
            end = i if m else i - 1
            runs.append((float(xs[start]), float(xs[end])))
            start = None
    return runs


def _where(run: tuple[float, float]) -> str:
    lo, hi = run
    return f"x = {lo:.4g}" if abs(hi - lo) < 1e-9 else f"x in [{lo:.4g}, {hi:.4g}]"


def _check_1d(exprs, conds, x) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    breaks, notes = _breakpoints(conds, x)
    samples = np.linspace(-REACH_1D, REACH_1D, _SAMPLES_1D)
    xs = np.union1d(samples, [float(b) for b in breaks])
    masks = _masks(conds, (x,), [xs])
    exact = {float(b): b for b in breaks}
    for j, xv in enumerate(xs):  # exact truth at the breakpoints: no float decides a tie
        if xv in exact:
            masks[:, j] = [c.subs(x, exact[xv]) == True for c in conds]  # noqa: E712
    covered = masks.any(axis=0)
    for run in _runs(xs, ~covered):
        problems.append(f"No row holds for {_where(run)}; add a row for it, or end with a row "
                        "whose condition is True.")
    for i in range(len(conds)):
        for k in range(i + 1, len(conds)):
            if conds[k] == sp.true:
                continue
            both = masks[i] & masks[k]
            for run in _runs(xs, both)[:1]:
                notes.append(f"Rows {i + 1} and {k + 1} both hold for {_where(run)}; Piecewise "
                             f"uses the first that holds, row {i + 1}.")
    if problems:
        return problems, notes
    cuts = [float(b) for b in breaks]
    for b in breaks:
        near = [abs(c - float(b)) for c in cuts if c != float(b)]
        delta = sp.Rational(min([*near, 1.0]) / 4).limit_denominator(10**6)
        left, at, right = (_first(conds, x, b + s * delta) for s in (-1, 0, 1))
        at = _first(conds, x, b)
        if left is None or right is None or at is None or left == at == right:
            continue
        try:
            lo = _limit(exprs[left], x, b, "-")
            hi = _limit(exprs[right], x, b, "+")
            mid = exprs[at].subs(x, b)
            pairs = ((lo, mid), (hi, mid))
            jump = any(not is_finite_number(u) or not is_finite_number(v) or sign_of(u - v) != 0
                       for u, v in pairs)
        except (UndecidedError, NotImplementedError, ValueError, TypeError):
            notes.append(f"Continuity at x = {printing.label(b)} could not be decided exactly.")
            continue
        if jump:
            show = printing.label
            problems.append(
                f"f jumps at x = {show(b)}: row {left + 1} tends to {show(lo)} from the left, row "
                f"{right + 1} tends to {show(hi)} from the right"
                + ("" if at in (left, right) else f", row {at + 1} gives {show(mid)} at the point")
                + "; make the rows agree there.")
    return problems, notes


def _check_2d(exprs, conds, variables) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    notes: list[str] = []
    g = np.linspace(-REACH_2D, REACH_2D, _GRID_2D)
    X, Y = np.meshgrid(g, g)
    masks = _masks(conds, variables, [X, Y])
    covered = masks.any(axis=0)
    if not covered.all():
        i, j = np.argwhere(~covered)[0]
        problems.append(f"No row holds at some points, for example (x, y) = ({X[i, j]:.3g}, "
                        f"{Y[i, j]:.3g}); add a row for them, or end with a row whose condition "
                        "is True.")
        return problems, notes
    for a in range(len(conds)):
        for b in range(a + 1, len(conds)):
            if conds[b] == sp.true:
                continue
            both = masks[a] & masks[b]
            if both.any():
                i, j = np.argwhere(both)[0]
                notes.append(f"Rows {a + 1} and {b + 1} both hold at some points, for example "
                             f"({X[i, j]:.3g}, {Y[i, j]:.3g}); Piecewise uses row {a + 1}.")
    winner = np.argmax(masks, axis=0)
    fns = [lambdify(variables, e) for e in exprs]

    def value(rows: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        out = np.full(px.shape, np.nan)
        with np.errstate(all="ignore"):
            for r in np.unique(rows):
                sel = rows == r
                out[sel] = np.real(np.asarray(fns[r](px[sel].astype(complex),
                                                     py[sel].astype(complex))) * np.ones(sel.sum()))
        return out

    def row_at(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return np.argmax(_masks(conds, variables, [px, py]), axis=0)

    for axis in (0, 1):
        w0 = winner[:-1, :] if axis == 0 else winner[:, :-1]
        w1 = winner[1:, :] if axis == 0 else winner[:, 1:]
        switch = w0 != w1
        if not switch.any():
            continue
        p0 = [(X[:-1, :], Y[:-1, :]) if axis == 0 else (X[:, :-1], Y[:, :-1])][0]
        p1 = [(X[1:, :], Y[1:, :]) if axis == 0 else (X[:, 1:], Y[:, 1:])][0]
        ax, ay, bx, by = p0[0][switch], p0[1][switch], p1[0][switch], p1[1][switch]
        ra = w0[switch]
        lo, hi = np.zeros(ax.shape), np.ones(ax.shape)
        for _ in range(40):  # bisect each grid edge down to the switching curve
            mid = (lo + hi) / 2
            same = row_at(ax + mid * (bx - ax), ay + mid * (by - ay)) == ra
            lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
        sx_lo, sy_lo = ax + lo * (bx - ax), ay + lo * (by - ay)
        sx_hi, sy_hi = ax + hi * (bx - ax), ay + hi * (by - ay)
        gap = np.abs(value(row_at(sx_lo, sy_lo), sx_lo, sy_lo)
                     - value(row_at(sx_hi, sy_hi), sx_hi, sy_hi))
        bad = np.nan_to_num(gap, nan=np.inf) > 1e-6
        if bad.any():
            k = int(np.argmax(gap if np.isfinite(gap).any() else bad))
            problems.append(
                f"f jumps across the curve where row {row_at(sx_lo, sy_lo)[k] + 1} meets row "
                f"{row_at(sx_hi, sy_hi)[k] + 1}, for example near ({sx_lo[k]:.3g}, "
                f"{sy_lo[k]:.3g}) by about {gap[k]:.3g}; make the rows agree there.")
            break
    return problems, notes


def check_rows(rows: Sequence[tuple[object, object]], dim: int) -> EditorCheck:
    """Check the editor's rows for a function of x (``dim`` 1) or of x and y (``dim`` 2).

    Empty rows are skipped. A cell that does not parse, a gap or a jump is a problem; an overlap
    is a note (Piecewise uses the first row that holds).

    >>> check_rows([("x", "x < 0"), ("2*x", "x > 0")], 1).problems
    ('No row holds for x = 0; add a row for it, or end with a row whose condition is True.',)
    >>> check_rows([("x +", "True")], 1).problems[0].startswith("Row 1, expression:")
    True
    """
    if dim not in (1, 2):
        raise ValueError(f"dim must be 1 or 2, not {dim!r}")
    cells = [(_cell(e), _cell(c)) for e, c in rows]
    cells = [(e, c) for e, c in cells if e or c]
    if not cells:
        return EditorCheck(("Add a row: an expression and the condition where it holds.",))
    if len(cells) > MAX_ROWS:
        return EditorCheck((f"Use at most {MAX_ROWS} rows.",))
    problems, exprs, conds = [], [], []
    for n, (e, c) in enumerate(cells, start=1):
        for what, text in (("expression", e), ("condition", c)):
            if not text:
                problems.append(f"Row {n}, {what}: it is empty; fill it in or delete the row.")
                continue
            try:
                parsed = (parse_function(text, max_dim=dim).expr if what == "expression"
                          else parse_condition(text, dim))
            except InputError as err:
                problems.append(f"Row {n}, {what}: {err}")
                continue
            (exprs if what == "expression" else conds).append(parsed)
    if problems:
        return EditorCheck(tuple(problems))
    for n, c in enumerate(conds[:-1], start=1):
        if c == sp.true:
            return EditorCheck((f"Row {n}'s condition is True, so the rows below it are never "
                                "used; move it to the end.",))
    variables = tuple(VARIABLES[v] for v in ("x", "y")[:dim])
    if dim == 1:
        problems, notes = _check_1d(exprs, conds, variables[0])
    else:
        problems, notes = _check_2d(exprs, conds, variables)
    if problems:
        return EditorCheck(tuple(problems), tuple(notes))
    text = "Piecewise(" + ", ".join(f"({e}, {c})" for e, c in cells) + ")"
    try:
        parse_function(text, max_dim=dim)
    except InputError as err:
        return EditorCheck((f"Together the rows are refused: {err}",), tuple(notes))
    return EditorCheck((), tuple(notes), text)
