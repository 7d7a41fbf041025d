"""The public Python API: text in (as a student types it), exact sets out.

Text goes through the safe parser only. ``timeout=None`` computes in this process (the parser's
static limits still apply); a number runs the computation in a resource-limited worker process
that is killed after that many seconds, raising ``InputError``.

>>> clarke_set("max(0, x)", "0").latex()
'\\\\left[0, 1\\\\right]'
>>> subdifferential("-abs(x)", 0).kind
'empty'
"""

from __future__ import annotations

from dataclasses import replace

from .engine.clarke_1d import clarke_from_local, local_1d
from .engine.clarke_2d import clarke_2d
from .engine.clarke_nd import PolytopeResult, clarke_nd
from .engine.convexity import is_certified_convex
from .engine.primitives import MAX_DIM
from .engine.problem import Problem, problem
from .engine.sets import DifferentialSet
from .engine.subdiff_1d import subdifferential_from_local
from .engine.subdiff_2d import subdifferential_2d
from .engine.subdiff_nd import NotPiecewiseAffine, SubdifferentialResult, subdifferential_nd
from .errors import UndecidedError, numeric_limits


def _limited(fn, expr, at, timeout):
    from .service import sandbox

    return sandbox.run(fn, expr, at, timeout=timeout)


def clarke_set(expr: str, at, *, timeout: float | None = None) -> DifferentialSet:
    """The exact Clarke set of the function ``expr`` at the point ``at``.

    The set carries a limiting-gradient sequence for each of its endpoints.

    >>> clarke_set("relu(x) - relu(-x)", 0).exact
    [(1,)]
    >>> clarke_set("sqrt(abs(x))", 0).kind
    'unbounded'
    >>> clarke_set("max(x, y)", "0, 0").exact
    [(0, 1), (1, 0)]
    >>> clarke_set("max(x, y, z)", "0, 0, 0").exact  # in R³: x, y, z or x1 … x8
    [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    """
    if timeout is not None:
        return _limited(clarke_set, expr, at, timeout)
    with numeric_limits():
        return clarke_of(problem(expr, at, max_dim=MAX_DIM))


def subdifferential(expr: str, at, *, timeout: float | None = None) -> DifferentialSet:
    """The convex-analysis subdifferential of ``expr`` at ``at`` (lecture §1, a global notion).

    >>> figure_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
    >>> subdifferential(figure_1, -1).witnesses[0].bound
    's ≥ 1'
    """
    if timeout is not None:
        return _limited(subdifferential, expr, at, timeout)
    with numeric_limits():
        return subdifferential_of(problem(expr, at, max_dim=MAX_DIM))


def clarke_of(p: Problem) -> DifferentialSet:
    """The exact Clarke set of a parsed problem (the engines' one dispatch on the dimension)."""
    if p.dim >= 3:
        return _polytope(clarke_nd(p.expr, p.variables, p.point))
    if p.dim == 2:
        return clarke_2d(p.expr, p.point)
    return clarke_from_local(local_1d(p.expr, p.variables[0], p.point[0]))


def subdifferential_of(p: Problem, clarke: DifferentialSet | None = None) -> DifferentialSet:
    """The subdifferential of a parsed problem; ``clarke``, when known, is its Clarke set.

    In n >= 3 variables it is answered for f certified convex (then it is the Clarke set) and
    for f piecewise affine (``subdiff_nd``: exactly, from f's global arrangement).

    >>> subdifferential("max(x, y, z)", "0, 0, 0").kind
    'polytope'
    >>> subdifferential("min(abs(x) + abs(y) + abs(z), 1)", "0, 0, 0").exact
    [(0, 0, 0)]
    """
    if p.dim >= 3:
        if not is_certified_convex(p.expr):
            try:
                result = subdifferential_nd(p.expr, p.variables, p.point)
            except NotPiecewiseAffine as err:
                raise UndecidedError(_NOT_CONVEX_ND.format(err)) from None
            return _subdifferential_polytope(result)
        s = clarke or clarke_of(p)
        return replace(s, reason="f is convex (proved by the composition rules), so its "
                                 "subdifferential is its Clarke set: " + s.reason[:1].lower()
                                 + s.reason[1:])
    if p.dim == 2:
        return subdifferential_2d(p.expr, p.point, clarke or clarke_2d(p.expr, p.point))
    return subdifferential_from_local(local_1d(p.expr, p.variables[0], p.point[0]))


_NOT_CONVEX_ND = ("In three or more variables the subdifferential is computed for functions proved "
                  "convex (then it is the Clarke set) and for piecewise-affine ones, and this one "
                  "is neither ({}): the global inequality for other f in Rⁿ is future work.")


def _subdifferential_polytope(result: SubdifferentialResult) -> DifferentialSet:
    """The exact n-D subdifferential of a piecewise-affine f as a set (kind empty when no
    subgradient exists)."""
    extra = {"cells": result.cells, "halfspaces": result.halfspaces}
    source = (f"the {result.halfspaces} half-spaces that the vertices and rays of the "
              f"{result.cells} cells of f's arrangement impose (f is piecewise affine)")
    if result.kind == "empty":
        return DifferentialSet("empty", [], None, reason="No s satisfies the subgradient "
                               f"inequality everywhere: {source} have no common point (exact "
                               "arithmetic).", extra=extra)
    kind = result.kind if result.kind in ("point", "segment") else "polytope"
    exact = [tuple(v) for v in result.vertices]
    return DifferentialSet(kind, [tuple(float(c) for c in v) for v in exact], exact,
                           reason=f"Exactly the common points of {source}.", extra=extra)


def _polytope(result: PolytopeResult) -> DifferentialSet:
    """The n-D engine's answer as a set: kind polytope unless it is a point or a segment."""
    cells = {"cells": len(result.cells)}
    if result.kind == "unbounded":
        return DifferentialSet("unbounded", [], None, reason="A gradient blows up near the point, "
                               "so f is not locally Lipschitz there.", extra=cells)
    kind = result.kind if result.kind in ("point", "segment") else "polytope"
    exact = [tuple(v) for v in result.vertices]
    vertices = [tuple(float(c) for c in v) for v in exact]
    n = len(result.cells)
    reason = (f"The exact convex hull of the gradient limits on the {n} open "
              f"{'cell' if n == 1 else 'cells'} of the local fan around the point, each found by "
              "an exact LP.")
    return DifferentialSet(kind, vertices, exact, certified=result.exact, reason=reason,
                           extra=cells)
