"""The one way an exact expression becomes a numpy function: ``lambdify``, and ``real_part``.

``lambdify`` maps every registered primitive to its numpy implementation (``Primitive.numeric``;
a primitive with none is evaluated through its branches), and prints a Piecewise so that a
literal True or False condition, or a Piecewise of booleans (which sympy's derivative of a Max
contains), works on arrays: numpy's ``select`` needs boolean arrays, and sympy's printer gives
it a float ``nan`` default that makes a boolean Piecewise float.

>>> import numpy as np
>>> from clarke_core.engine.primitives import X
>>> f = lambdify(X, sp.Piecewise((X, X > 0), (0, True)))
>>> f(np.array([-1.0, 2.0]))
array([0., 2.])
>>> real_part(np.array([1 + 0j, 1 + 1j]))
array([ 1., nan])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp
from sympy.logic.boolalg import Boolean
from sympy.printing.numpy import NumPyPrinter

from .primitives import as_piecewise, by_func, numeric_modules, registered

IMAG_TOL = 1e-12  # a value with a smaller imaginary part is real (the rest is rounding)


def _dirac_delta(u, *order):
    """sympy's derivative of sign and Heaviside: 0 off the jump, undefined (nan) on it."""
    u = np.asarray(u)
    return np.where(u == 0, np.nan, 0.0)


# Functions that only appear in derivatives of primitives, which sympy's numpy printer lacks.
_DERIVED = {"DiracDelta": _dirac_delta}


class _Printer(NumPyPrinter):
    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        pairs = list(expr.args)
        boolean = isinstance(pairs[0].expr, Boolean) and not isinstance(pairs[0].expr, sp.Expr)
        default = "False" if boolean else self._print(sp.nan)
        if pairs[-1].cond == sp.true:  # the last branch is the default: never nan, same dtype
            default = self._print(pairs[-1].expr)
            pairs = pairs[:-1]
        if not pairs:
            return f"({default})"
        conds = ", ".join(f"{self._module_format('numpy.asarray')}({self._print(p.cond)}, "
                          "dtype=bool)" for p in pairs)
        exprs = ", ".join(self._print(p.expr) for p in pairs)
        return f"{self._module_format('numpy.select')}([{conds}], [{exprs}], default={default})"


def _evaluable(expr):
    """``expr`` (or a list of them) with every primitive that has no numpy implementation (and
    is not sympy's own) replaced by the Piecewise of its branches."""
    if isinstance(expr, list | tuple):
        return type(expr)(_evaluable(e) for e in expr)
    pending = {p.sympy_func for p in registered()
               if p.numeric is None and p.branches is not None and p.sympy_func is not None
               and not p.sympy_func.__module__.startswith("sympy.")}
    if not pending or not expr.has(*pending):
        return expr
    return expr.replace(lambda e: e.func in pending, as_piecewise)


def lambdify(variables: sp.Symbol | Sequence[sp.Symbol], expr) -> Callable:
    """``expr`` (or a list of expressions) as a numpy function of ``variables`` (a symbol or a
    sequence of them).

    >>> from clarke_core.engine.primitives import X, Y
    >>> float(lambdify((X, Y), sp.Max(X, Y, evaluate=False))(1.0, 2.0))
    2.0
    """
    modules = {name: getattr(np, f) if isinstance(f, str) else f
               for name, f in {**_DERIVED, **numeric_modules()}.items()}
    printer = _Printer({"fully_qualified_modules": False, "inline": True,
                        "allow_unknown_functions": True,
                        "user_functions": {name: name for name in modules}})
    return sp.lambdify(variables, _evaluable(expr), modules=[modules, "numpy"], printer=printer)


def numpy_function(func: type) -> Callable | None:
    """The numpy implementation of the primitive whose sympy class is ``func`` (None if none).

    >>> numpy_function(sp.Abs) is np.absolute, numpy_function(sp.Piecewise)
    (True, None)
    """
    p = by_func(func)
    if p is None or p.numeric is None:
        return None
    return getattr(np, p.numeric) if isinstance(p.numeric, str) else p.numeric


def real_part(z: np.ndarray, tol: float = IMAG_TOL) -> np.ndarray:
    """The real part of ``z`` where it is real (imaginary part below ``tol``), nan elsewhere."""
    z = np.asarray(z)
    return np.where(np.abs(z.imag) < tol, z.real, np.nan)
