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

from .clarke import clarke_from_local, local_1d
from .clarke_2d import clarke_2d
from .errors import numeric_limits
from .parsing import parse_function_and_point
from .sets import DifferentialSet
from .subgradients import subdifferential_from_local
from .subgradients_2d import subdifferential_2d


def _limited(fn, expr, at, timeout):
    from . import sandbox

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
    """
    if timeout is not None:
        return _limited(clarke_set, expr, at, timeout)
    with numeric_limits():
        function, point = parse_function_and_point(expr, at)
        if function.dim == 2:
            return clarke_2d(function.expr, point)
        return clarke_from_local(local_1d(function.expr, function.variables[0], point[0]))


def subdifferential(expr: str, at, *, timeout: float | None = None) -> DifferentialSet:
    """The convex-analysis subdifferential of ``expr`` at ``at`` (lecture §1, a global notion).

    >>> figure_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
    >>> subdifferential(figure_1, -1).witnesses[0].bound
    's ≥ 1'
    """
    if timeout is not None:
        return _limited(subdifferential, expr, at, timeout)
    with numeric_limits():
        function, point = parse_function_and_point(expr, at)
        if function.dim == 2:
            return subdifferential_2d(function.expr, point, clarke_2d(function.expr, point))
        return subdifferential_from_local(local_1d(function.expr, function.variables[0],
                                                   point[0]))
