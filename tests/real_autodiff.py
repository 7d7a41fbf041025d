"""The real JAX and autograd derivatives of typed programs, computed in their own process.

``tests/test_autodiff_real.py`` runs this file as a script (cases as JSON on stdin, values as
JSON on stdout), so that the test process never imports JAX: a forked sandbox worker inherits
its parent's address space, and JAX's reserved gigabytes would count against the worker's
memory cap in every later test of the run.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import operator
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd  # noqa: E402
import jax  # noqa: E402

from clarke_core.engine.parsing import _read, parse_function, parse_point  # noqa: E402
from clarke_core.engine.primitives import by_name  # noqa: E402

jax.config.update("jax_enable_x64", True)
jnp = jax.numpy
anp = autograd.numpy


def _nest(pair):
    return lambda *args: functools.reduce(pair, args)


JAX = {"abs": jnp.abs, "max": _nest(jnp.maximum), "min": _nest(jnp.minimum),
       "relu": jax.nn.relu, "sign": jnp.sign, "Heaviside": lambda u: jnp.heaviside(u, 0.5),
       "where": jnp.where, "and": jnp.logical_and, "or": jnp.logical_or}
AUTOGRAD = {"abs": anp.abs, "max": _nest(anp.maximum), "min": _nest(anp.minimum),
            "relu": lambda u: anp.maximum(u, 0.0), "sign": anp.sign,
            "Heaviside": lambda u: anp.heaviside(u, 0.5),
            "where": anp.where, "and": anp.logical_and, "or": anp.logical_or}
for _lib, _np in ((JAX, jnp), (AUTOGRAD, anp)):
    _lib.update({n: getattr(_np, n) for n in ("sqrt", "exp", "log", "sin", "cos", "tan")})

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow}
_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.Eq: operator.eq, ast.NotEq: operator.ne}
_CONSTANTS = {"pi": math.pi, "E": math.e}


def translate(node: ast.AST, lib: dict):
    """The typed program as a function of x built from ``lib``'s calls (no eval)."""
    if isinstance(node, ast.Constant):
        return lambda x, c=node.value: c
    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x: x
        name = by_name(node.id).name
        return lambda x, c=_CONSTANTS[name]: c
    if isinstance(node, ast.UnaryOp):
        f = translate(node.operand, lib)
        return {ast.USub: lambda x: -f(x), ast.UAdd: f}[type(node.op)]
    if isinstance(node, ast.BinOp):
        left, right = translate(node.left, lib), translate(node.right, lib)
        if isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            join = lib["and" if isinstance(node.op, ast.BitAnd) else "or"]
            return lambda x: join(left(x), right(x))
        op = _BIN[type(node.op)]
        return lambda x: op(left(x), right(x))
    if isinstance(node, ast.Compare):
        terms = [translate(t, lib) for t in (node.left, *node.comparators)]
        ops = [_CMP[type(o)] for o in node.ops]

        def compare(x):
            out = True
            for op, a, b in zip(ops, terms, terms[1:], strict=False):
                out = lib["and"](out, op(a(x), b(x)))
            return out
        return compare
    if isinstance(node, ast.BoolOp):
        parts = [translate(v, lib) for v in node.values]
        join = lib["and" if isinstance(node.op, ast.And) else "or"]
        return lambda x: functools.reduce(join, [p(x) for p in parts])
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name), ast.dump(node)
    name = by_name(node.func.id).name
    if name == "Piecewise":  # nested where, the last branch the default
        branches = [(translate(v, lib), translate(c, lib)) for v, c in (a.elts for a in node.args)]

        def where(x):
            value = branches[-1][0](x)
            for v, c in reversed(branches[:-1]):
                value = lib["where"](c(x), v(x), value)
            return value
        return where
    args = [translate(a, lib) for a in node.args]
    call = lib[name]
    return lambda x: call(*(a(x) for a in args))


def program(text: str, lib: dict):
    source, tree = _read(parse_function(text, max_dim=1).text, function=True)
    return translate(tree.body, lib)


def point(at: str) -> float:
    (x0,) = parse_point(at, 1)
    return float(x0)


def real_values(text: str, at: str) -> dict:
    """jax.grad and autograd.grad of the typed program at the point: a float, or the name of
    the exception the library raised (with its message)."""
    out = {}
    for name, lib, grad in (("jax", JAX, jax.grad), ("autograd", AUTOGRAD, autograd.grad)):
        try:
            out[name] = float(grad(program(text, lib))(point(at)))
        except Exception as err:  # the test decides which failures are the library's own
            out[name] = f"{type(err).__name__}: {err}"
    return out


if __name__ == "__main__":
    cases = json.load(sys.stdin)
    json.dump([real_values(text, at) for text, at in cases], sys.stdout)
