"""What autodiff libraries return at a kink: their conventions as data, emulated exactly.

An autodiff library differentiates the *program*, primitive by primitive, and at a kink each
primitive returns one conventional value. ``CONVENTIONS`` records, per library, the value of
relu'(0), |·|'(0) and how a tie in max/min splits, with where that is stated; ``LIBRARY_CALLS``
says which library call each primitive stands for. ``emulate`` runs forward mode over the
program as TYPED (read by the parser's own AST reader: a typed relu(u) is torch.relu, a typed
max(u, 0) is torch.maximum, arguments keep their order); SymPy differentiates the simplified
expression instead. Values are exact (sympy), so kinks and ties are detected exactly;
derivatives are floats. JAX and autograd are checked against the real libraries
(tests/test_autodiff_real.py); PyTorch stays emulated. Not emulated: the NaN a where passes
back from a branch it does not take (Piecewise((sqrt(x), x > 0), (0, True)) at 0 is NaN in JAX,
0 here). ``compare`` puts each library's value next to the exact Clarke set.

>>> emulate("relu(x) - relu(-x)", "0", convention("PyTorch"))
0.0
>>> from clarke_core import clarke_set
>>> clarke_set("relu(x) - relu(-x)", "0").contains(0.0)
False
>>> emulate("abs(x)", "0", convention("JAX")), emulate("max(x, 2*x)", "0", convention("JAX"))
(1.0, 1.5)
>>> emulate("min(x, 0) + max(x, 0)", "0", convention("JAX"))
1.0
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import sympy as sp

from ..api import clarke_of
from ..engine.parsing import ParsedFunction, _Builder, _read, parse_function, parse_point
from ..engine.primitives import (
    FIRST,
    HALF,
    PAIRWISE,
    SPLIT,
    allowed_names,
    by_func,
    by_name,
    is_zero,
)
from ..engine.primitives import TIE_TEXT as _TIE_TEXT
from ..engine.problem import Problem
from ..engine.sets import DifferentialSet
from ..errors import InputError

__all__ = ["CONVENTIONS", "FIRST", "HALF", "LIBRARY_CALLS", "PAIRWISE", "PROGRAMS", "SPLIT",
           "TIE_TEXT", "Convention", "compare", "convention", "derivative_from_definition",
           "emulate"]

TIE_TEXT = {**_TIE_TEXT, PAIRWISE: "nested pairwise calls; a tie of two gives 1/2 to each"}

# Programs whose value depends on how they are written (the Autodiff page's presets), with the
# point each is read at.
PROGRAMS = (("relu(x) - relu(-x)", "0", "it is x, Clarke set {1}"),
            ("abs(x) - abs(x)", "0", "it is 0, Clarke set {0}"),
            ("max(0, x)", "0", "ReLU written as a max: jnp.maximum, not jax.nn.relu"),
            ("min(x, 0) + max(x, 0)", "0", "it is x; each call splits its tie"),
            ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1",
             "lecture figure 1, at -1"))

# The library call each typed primitive stands for (a smooth one: the call of the same name).
LIBRARY_CALLS: dict[str, dict[str, str]] = {
    "abs": {"PyTorch": "torch.abs", "JAX": "jnp.abs", "autograd": "np.abs",
            "CVXPY": "cp.abs", "SymPy": "Abs"},
    "max": {"PyTorch": "torch.maximum, nested from the left", "JAX": "jnp.maximum, nested",
            "autograd": "np.maximum, nested", "CVXPY": "cp.maximum (n-ary)", "SymPy": "Max"},
    "min": {"PyTorch": "torch.minimum, nested from the left", "JAX": "jnp.minimum, nested",
            "autograd": "np.minimum, nested", "CVXPY": "cp.minimum (n-ary)", "SymPy": "Min"},
    "relu": {"PyTorch": "torch.relu", "JAX": "jax.nn.relu",
             "autograd": "np.maximum(u, 0) (no relu)", "CVXPY": "cp.pos",
             "SymPy": "Max(0, u)"},
    "sign": {"PyTorch": "torch.sign", "JAX": "jnp.sign", "autograd": "np.sign",
             "CVXPY": "no atom (taken as 0)", "SymPy": "sign"},
    "Heaviside": {"PyTorch": "torch.heaviside (no derivative: backward raises)",
                  "JAX": "jnp.heaviside(u, 0.5)",
                  "autograd": "np.heaviside (no derivative: grad raises)",
                  "CVXPY": "no atom (taken as 0)", "SymPy": "Heaviside"},
    "Piecewise": {"PyTorch": "torch.where, nested", "JAX": "jnp.where, nested",
                  "autograd": "np.where, nested", "CVXPY": "no atom (first branch that holds)",
                  "SymPy": "Piecewise"},
}


@dataclass(frozen=True)
class Convention:
    """One library, where its values at kinks are stated, and (read from the primitives, which
    hold them: ``Primitive.kink``) those values.

    ``relu``: relu'(0) of a typed relu (a typed ``max(u, 0)`` follows ``tie``); ``abs``:
    |·|'(0); ``tie``: how max and min share the derivative among tied arguments (``PAIRWISE``,
    ``HALF`` or ``FIRST``); ``step``: the derivative of sign at 0, ``heaviside`` of Heaviside
    (None: undefined, a Dirac delta; NaN: the library has no derivative of it).
    ``sources`` cite the documentation page (or, where the docs are silent, the source file).
    """

    library: str
    sources: tuple[str, ...]
    documented: bool
    symbolic: bool = False  # differentiates the simplified expression, not the typed program

    @property
    def relu(self) -> float:
        return by_name("relu").kink[self.library]

    @property
    def abs(self) -> float:
        return by_name("abs").kink[self.library]

    @property
    def tie(self) -> str:
        return by_name("max").kink[self.library]

    @property
    def step(self) -> float | None:
        return by_name("sign").kink[self.library]

    @property
    def heaviside(self) -> float | None:
        """Heaviside'(0); NaN: the library has no derivative of it at all."""
        return by_name("Heaviside").kink[self.library]


CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "PyTorch",
        ("Emulated, not run (its wheel is too large for this set-up). PyTorch docs, Autograd "
         "mechanics › Gradients for non-differentiable functions: at a "
         "kink of a locally convex (concave) function use the sub- (super-)gradient of minimum "
         "norm — 0 for relu and abs, (1/2, 1/2) for a tie of two",
         "torch.amax docs: amax/amin evenly distribute gradient between equal values; "
         "torch.maximum/minimum (derivatives.yaml) give grad/2 to each side of a tie",
         "torch.heaviside has no derivative: backward raises “derivative for aten::heaviside "
         "is not implemented” (pytorch/pytorch#148856)"),
        True,
    ),
    Convention(
        "JAX",
        ("jax.nn.relu docs: “except under differentiation, we take ∇relu(0) = 0”",
         "jax/_src/lax/lax.py (source, not docs): abs JVP select(x >= 0, g, -g), so "
         "jnp.abs'(0) = 1; max/min JVP _balanced_eq gives 1/2 to each of two tied inputs",
         "checked against jax 0.10.2 (jax.grad, x64) in tests/test_autodiff_real.py"),
        False,
    ),
    Convention(
        "SymPy",
        ("SymPy docs, sign: sign(0) = 0, and diff(Abs(x), x) = sign(x) for real x",
         "SymPy docs, Heaviside: H(0) = 1/2 by default; diff(Max(0, x), x) = Heaviside(x)",
         "diff(sign(x), x) = 2 DiracDelta(x): undefined at 0",
         "SymPy differentiates the expression as simplified, so relu(x) - max(x, 0) is 0"),
        True, symbolic=True,
    ),
    Convention(
        "CVXPY",
        ("CVXPY docs, Expression.grad: “the (sub/super)gradient of the expression”, choice "
         "unspecified",
         "cvxpy/atoms/elementwise/abs.py and maximum.py (source): abs grad +1/-1/0, maximum "
         "gives the whole gradient to the first tied argument; pos(x) = maximum(x, 0)"),
        False,
    ),
    Convention(
        "autograd",
        ("autograd/numpy/numpy_vjps.py (source; the docs are silent): abs VJP "
         "g·replace_zero(x, 0)/replace_zero(|x|, 1), so 0 at 0; maximum/minimum use "
         "balanced_eq, 1/2 to each of two tied inputs; there is no relu, np.maximum(x, 0) "
         "gives 1/2; np.heaviside has no VJP (grad raises NotImplementedError)",
         "checked against autograd 1.9.1 in tests/test_autodiff_real.py"),
        False,
    ),
)


def convention(library: str) -> Convention:
    """The convention of ``library`` (KeyError if unknown).

    >>> convention("SymPy").relu
    0.5
    """
    for c in CONVENTIONS:
        if c.library == library:
            return c
    raise KeyError(library)


def _truth(cond: sp.Basic | tuple) -> bool:
    if isinstance(cond, tuple):  # a conjunction, as in max's branches
        return all(_truth(c) for c in cond)
    if cond in (sp.true, sp.false):
        return bool(cond)
    simplified = sp.simplify(cond)
    if simplified in (sp.true, sp.false):
        return bool(simplified)
    raise InputError("A Piecewise condition could not be decided at this point; try another.")


class _Forward:
    """Forward mode: ``run(node)`` is (exact value, derivative as a float) at x = x0."""

    def __init__(self, x: sp.Symbol, x0: sp.Expr, conv: Convention) -> None:
        self.x, self.x0, self.conv = x, x0, conv

    def run(self, e: sp.Basic) -> tuple[sp.Expr, float]:
        if e == self.x:
            return self.x0, 1.0
        if not e.free_symbols:
            return e, 0.0
        if isinstance(e, sp.Add):
            parts = [self.run(a) for a in e.args]
            return sp.Add(*(v for v, _ in parts)), math.fsum(d for _, d in parts)
        if isinstance(e, sp.Mul):
            return self.product([self.run(a) for a in e.args])
        if isinstance(e, sp.Pow):
            return self._pow(e)
        p = by_func(e.func)
        if p is None:
            raise InputError(f"The autodiff emulator does not know {e.func.__name__}.")
        if p.autodiff is not None and self.conv.library in p.kink:
            parts = [self.run(a) for a in e.args]
            value = e.func(*(v for v, _ in parts))
            return value, p.autodiff(self.conv.library, e.args, parts)
        if p.branches is not None:  # no convention: the first branch that holds at the point
            for b in p.branches(e.args):
                if _truth(_at(b.condition, self.x, self.x0)):
                    return self.run(b.value)
            raise InputError("No Piecewise condition holds at this point.")
        (u, du), = [self.run(a) for a in e.args]
        return e.func(u), self._slope(p, u) * du

    @staticmethod
    def _slope(p, u: sp.Expr) -> float:
        if p.slope is not None:
            return p.slope(float(u))
        t = sp.Dummy("t")  # a registered smooth primitive without a float derivative
        return float(sp.diff(p.sympy_func(t), t).subs(t, u))

    def _pow(self, e: sp.Pow) -> tuple[sp.Expr, float]:
        base, expo = e.args
        return self.power(self.run(base), expo, None if not expo.free_symbols else self.run(expo))

    @staticmethod
    def power(base: tuple[sp.Expr, float], expo: sp.Expr,
              varying: tuple[sp.Expr, float] | None) -> tuple[sp.Expr, float]:
        """base**expo; ``varying`` is the exponent's (value, derivative) when it depends on x."""
        b, db = base
        if varying is None:
            bf, ef = float(b), float(expo)
            # at a zero base the outer derivative is inf (ef < 1, as sqrt'(0)), and the chain
            # rule multiplies through, so inf·0 = NaN exactly as in a numeric library
            outer = ef * bf ** (ef - 1) if bf else (math.inf if ef < 1 else float(ef == 1))
            return b**expo, outer * db
        p, dp = varying
        bf = float(b)
        return b**p, float(b**p) * (dp * math.log(bf) + float(p) * db / bf)

    def product(self, parts: list[tuple[sp.Expr, float]]) -> tuple[sp.Expr, float]:
        value = sp.Mul(*(v for v, _ in parts))
        d = 0.0
        for i, (_, di) in enumerate(parts):
            others = math.prod(float(v) for j, (v, _) in enumerate(parts) if j != i)
            if di == 0 or (self.conv.step is None and others == 0):
                continue  # a symbolic library simplifies 0·δ(0) to 0; a numeric one gets NaN
            d += di * others
        return value, d


class _Program:
    """Forward mode over the typed program: the parser's syntax tree, each call as typed
    (relu apart from max, arguments in their order). Values are built up exactly from the
    parts; a constant subtree, a condition, and what is not a typed call or operator (the
    variable, a registered primitive without a rule) come from the parser's own builder, the
    last then through ``_Forward``."""

    def __init__(self, source: str, x: sp.Symbol, x0: sp.Expr, conv: Convention) -> None:
        self.builder = _Builder(source, {"x": x}, function_page=True)
        self.forward = _Forward(x, x0, conv)
        self.x, self.x0, self.conv = x, x0, conv
        self._built: dict[int, sp.Basic] = {}
        self._uses: dict[int, bool] = {}

    def expr(self, node: ast.AST) -> sp.Basic:
        if id(node) not in self._built:
            self.builder.nonsmooth = 0  # parse_function counted the whole text already
            self._built[id(node)] = self.builder.build(node).expr
        return self._built[id(node)]

    def uses_x(self, node: ast.AST) -> bool:
        # on the tree, not the value: sympy folds relu(x) - max(x, 0) to 0, a library does not
        if id(node) not in self._uses:
            self._uses[id(node)] = (
                (isinstance(node, ast.Name) and self.builder.variables.get(node.id) == self.x)
                or any(self.uses_x(child) for child in ast.iter_child_nodes(node)))
        return self._uses[id(node)]

    def undifferentiable(self, root: ast.AST) -> bool:
        """Whether the program calls, on x, a primitive the library has no derivative of at all
        (kink NaN: autograd's heaviside): tracing it raises, whichever branch is taken."""
        for n in ast.walk(root):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and self.uses_x(n):
                value = allowed_names()[n.func.id].kink.get(self.conv.library)
                if isinstance(value, float) and math.isnan(value):
                    return True
        return False

    def run(self, node: ast.AST) -> tuple[sp.Expr, float]:
        if not self.uses_x(node):
            return self.expr(node), 0.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v, d = self.run(node.operand)
            return (-v, -d) if isinstance(node.op, ast.USub) else (v, d)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            (u, du), (v, dv) = self.run(node.left), self.run(node.right)
            sign = 1 if isinstance(node.op, ast.Add) else -1
            return u + sign * v, du + sign * dv
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return self.forward.product([self.run(node.left), self.run(node.right)])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            v, dv = self.run(node.right)  # u/v = u · v**(-1), as a numeric library divides
            inverse = self.forward.power((v, dv), sp.Integer(-1), None)
            return self.forward.product([self.run(node.left), inverse])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            expo = self.expr(node.right)
            varying = self.run(node.right) if self.uses_x(node.right) else None
            return self.forward.power(self.run(node.left), expo.subs(self.x, self.x0), varying)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node, allowed_names()[node.func.id])
        return self.forward.run(self.expr(node))  # the variable itself

    def _call(self, node: ast.Call, p) -> tuple[sp.Expr, float]:
        if p.sympy_func is sp.Piecewise:  # nested where: the first branch that holds
            for pair in node.args:
                value, condition = pair.elts
                if _truth(_at(self.expr(condition), self.x, self.x0)):
                    return self.run(value)
            raise InputError("No Piecewise condition holds at this point.")
        if p.autodiff is not None and self.conv.library in p.kink:
            parts = [self.run(a) for a in node.args]
            value = p.build(*(v for v, _ in parts))
            value = value if value.is_Number else value.doit()
            return value, p.autodiff(self.conv.library, [v for v, _ in parts], parts)
        if p.sympy_func is None and len(node.args) == 1 and not p.nonsmooth:  # sqrt: a power
            return self.forward.power(self.run(node.args[0]), sp.S.Half, None)
        if not p.nonsmooth and len(node.args) == 1 and p.sympy_func is not None:
            u, du = self.run(node.args[0])
            return p.sympy_func(u), self.forward._slope(p, u) * du
        return self.forward.run(self.expr(node))  # a registered primitive without a rule


def _at(cond: sp.Basic | tuple, x: sp.Symbol, x0: sp.Expr):
    if isinstance(cond, tuple):
        return tuple(_at(c, x, x0) for c in cond)
    return cond.subs(x, x0) if isinstance(cond, sp.Basic) else cond


def emulate(text: str, at, conv: Convention) -> float:
    """The derivative that ``conv``'s library would return for the program ``text`` at ``at``.

    NaN where the library's value is undefined (a Dirac delta, for example).

    >>> emulate("abs(x) - abs(x)", 0, convention("JAX"))
    0.0
    >>> emulate("x**2 + 3*x", "1", convention("SymPy"))
    5.0
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    return _emulate(function, x0, conv, _read(function.text, function=True))


def _emulate(function: ParsedFunction, x0: sp.Expr, conv: Convention, read: tuple) -> float:
    """``emulate`` on a parsed function, with ``read`` its typed syntax tree (source, tree)."""
    x = function.variables[0]
    if conv.symbolic:
        _, d = _Forward(x, x0, conv).run(function.expr)
    else:
        source, tree = read
        program = _Program(source, x, x0, conv)
        if program.undifferentiable(tree.body):
            return math.nan
        _, d = program.run(tree.body)
    return float(d)


@dataclass(frozen=True)
class LibraryValue:
    """One library's value at the point and whether it lies in the exact Clarke set."""

    library: str
    value: float
    in_clarke: bool


@dataclass(frozen=True)
class Comparison:
    """The user's function at a point: every library's value next to the Clarke set."""

    latex: str
    point_latex: str
    clarke: DifferentialSet
    values: tuple[LibraryValue, ...]


def compare(text: str, at) -> Comparison:
    """Each library's emulated derivative of ``text`` at ``at``, checked against the Clarke set.

    >>> c = compare("relu(x) - relu(-x)", "0")
    >>> [(v.library, v.value, v.in_clarke) for v in c.values][:2]
    [('PyTorch', 0.0, False), ('JAX', 0.0, False)]
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    clarke = clarke_of(Problem(function, (x0,)))
    read = _read(function.text, function=True)  # the typed program, read once for every library
    values = []
    for conv in CONVENTIONS:
        d = _emulate(function, x0, conv, read)
        ok = math.isfinite(d) and clarke.contains(d, tol=1e-9)
        values.append(LibraryValue(conv.library, d, ok))
    return Comparison(sp.latex(function.expr), sp.latex(x0), clarke, tuple(values))


def derivative_from_definition(text: str, at) -> float | None:
    """f'(x0) as the limit of (f(x0 + h) - f(x0)) / h, or None when the two sides differ.

    What every convention tries to return where f is differentiable; it can exist where the
    Clarke set is larger than {f'(x0)} (lecture erratum 4).

    >>> derivative_from_definition("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0")
    0.0
    >>> derivative_from_definition("abs(x)", "0") is None
    True
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    x = function.variables[0]
    h = sp.Symbol("h", positive=True)
    # Piecewise conditions are decided at x0 + h for small h > 0 (or < 0) by the limit itself
    f0 = function.expr.subs(x, x0)
    sides = [sp.limit((function.expr.subs(x, x0 + s * h) - f0) / (s * h), h, 0, "+")
             for s in (1, -1)]
    if any(not v.is_finite for v in sides) or not is_zero(sides[0] - sides[1]):
        return None
    return float(sides[0])
