"""Numeric values of sympy expressions without generating code, for the 2D engine's hot paths.

``sp.lambdify`` prints and compiles Python source for each expression, about a millisecond each;
the 2D engine evaluates dozens of small expressions per point (switch functions on sequence
points, the function on circles, gradients on rays). ``evaluator`` walks the expression once
into numpy calls instead, with lambdify's values, and hands anything it does not know to
``numeric.lambdify``.

>>> x, y = sp.symbols("x y", real=True)
>>> float(evaluator((x, y), x * y + sp.pi)(2.0, 3.0)) == 6 + np.pi
True
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from .numeric import lambdify, numpy_function


class _Unsupported(Exception):
    """A node the tree walk does not know: lambdify evaluates the expression instead."""


# Arithmetic and logic; each primitive's numpy function is the primitive's own (numpy_function).
_NARY = {sp.Add: np.add, sp.Mul: np.multiply, sp.And: np.logical_and, sp.Or: np.logical_or}
_COMPARE = {sp.StrictLessThan: np.less, sp.LessThan: np.less_equal, sp.Equality: np.equal,
            sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
            sp.Unequality: np.not_equal}


def evaluator(variables: tuple[sp.Symbol, ...], expr: sp.Basic | list[sp.Basic],
              constants: dict | None = None):
    """``expr`` (or a list of them) as a numpy function of ``variables``, with the values of
    ``sp.lambdify(..., "numpy")`` up to rounding (nan outside the domain, sign(0) = 0,
    Heaviside(0) = 1/2, the first true Piecewise branch). The primitives are walked as a tree of
    numpy calls, since generating code costs a millisecond per expression; anything else goes
    through lambdify. ``constants`` keeps the floats of constant subexpressions (sqrt(2) takes
    sympy 40 µs) for the next call in the same computation.

    >>> x, y = sp.symbols("x y", real=True)
    >>> f = evaluator((x, y), sp.Max(sp.Abs(x), y) + sp.sign(y))
    >>> f(np.array([-3.0, 0.5]), np.array([1.0, 0.0])).tolist()
    [4.0, 0.5]
    """
    compiler = _Compiler({} if constants is None else constants)
    try:
        runs = [compiler.closure(e) for e in (expr if isinstance(expr, list) else [expr])]
    except _Unsupported:
        return lambdify(variables, expr)

    def f(*values):
        env = {v: np.asarray(x, dtype=float) for v, x in zip(variables, values, strict=True)}
        with np.errstate(all="ignore"):
            out = [run(env) for run in runs]
        return out if isinstance(expr, list) else out[0]

    return f


class _Compiler:
    """Closures env -> value for sympy trees; _Unsupported for nodes outside the primitives."""

    def __init__(self, constants: dict):
        self.constants = constants

    def closure(self, e: sp.Basic):
        run = self._compile(e)
        return self._constant(e) if run is None else run

    def _compile(self, e: sp.Basic):
        """A closure for ``e``, or None when ``e`` is a constant: the largest constant subtrees
        are each turned into one float."""
        if e.is_Symbol:
            return lambda env: env[e]
        if e.is_Atom:
            return None
        if isinstance(e, sp.Piecewise):
            pairs = [(a.expr, self._compile(a.expr), a.cond, self._compile(a.cond))
                     for a in e.args]
            if all(v is None and c is None for _, v, _, c in pairs):
                return None
            return _compiled_piecewise([(v or self._constant(ve), c or self._constant(ce))
                                        for ve, v, ce, c in pairs])
        runs = [self._compile(a) for a in e.args]
        if all(run is None for run in runs):
            return None
        return self._node(e, [run or self._constant(a)
                              for a, run in zip(e.args, runs, strict=True)])

    def _constant(self, e: sp.Basic):
        if e not in self.constants:
            if e is sp.true or e is sp.false:
                self.constants[e] = bool(e)
            else:
                try:
                    self.constants[e] = float(e)
                except TypeError as exc:  # complex or undefined: lambdify decides
                    raise _Unsupported from exc
        value = self.constants[e]
        return lambda env: value

    def _node(self, e: sp.Basic, parts: list):
        primitive = numpy_function(e.func)
        if primitive is not None:
            return lambda env: primitive(*[a(env) for a in parts])
        if e.is_Mul:  # as the printer: x/sqrt(u), not x*(1/sqrt(u))
            over = [i for i, a in enumerate(e.args)
                    if a.is_Pow and a.exp.is_Rational and a.exp.is_negative]
            if over:
                top = [p for i, p in enumerate(parts) if i not in over] or [lambda env: 1.0]
                bottom = [self.closure(sp.Pow(e.args[i].base, -e.args[i].exp)) for i in over]
                return lambda env: (functools.reduce(np.multiply, [a(env) for a in top])
                                    / functools.reduce(np.multiply, [a(env) for a in bottom]))
        if e.func in _NARY:
            fn = _NARY[e.func]
            return lambda env: functools.reduce(fn, [a(env) for a in parts])
        if e.func in _COMPARE:
            fn, (a, b) = _COMPARE[e.func], parts
            return lambda env: fn(a(env), b(env))
        if e.func is sp.Not:
            (a,) = parts
            return lambda env: np.logical_not(a(env))
        if e.is_Pow:
            return _compiled_pow(e, *parts)
        raise _Unsupported


def _compiled_pow(e: sp.Pow, base, power):
    exponent = e.exp
    if exponent == sp.S.Half:
        return lambda env: np.sqrt(base(env))
    if exponent == -sp.S.Half:
        return lambda env: 1 / np.sqrt(base(env))
    if exponent.is_Integer:
        n = int(exponent)
        return lambda env: np.asarray(base(env), dtype=float) ** n
    return lambda env: np.power(np.asarray(base(env), dtype=float), power(env))


def _compiled_piecewise(pairs):
    def run(env):
        values = [(v(env), c(env)) for v, c in pairs]
        out = np.nan
        for value, condition in reversed(values):  # the first true condition wins
            out = np.where(condition, value, out)
        return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out

    return run
