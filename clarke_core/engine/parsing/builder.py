"""The whitelist: a syntax tree walked node by node, building sympy objects directly."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from ...errors import InputError
from ..primitives import VARIABLES, Primitive, allowed_names
from .limits import (
    _FAST_GROWTH_ARGUMENT,
    _MAX_SUM_POWER,
    _UNDEFINED,
    MAX_BRANCHES,
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_NONSMOOTH,
    MAX_NUMBER_DIGITS,
    MAX_ROOT_DIGITS,
)
from .messages import (
    _COMPARISONS,
    _CONDITION_AS_NUMBER,
    _NODE_MESSAGES,
    _NUMBER_AS_CONDITION,
    _OPERATOR_SYMBOLS,
    _PIECEWISE_SYNTAX,
    _TOO_BIG,
    _nonsmooth_names,
    _short,
    _vocabulary,
)
from .numbers import (
    _approximate,
    _check_cancellation,
    _check_defined,
    _costly_exponent,
    _digits,
    _exposed,
    _fractional_powers,
    _grows_fast,
    _literal,
    _log10_abs,
    _rational_digits,
    _root_work,
    _sympy,
)
from .reading import _chain, _family


@dataclass(frozen=True)
class _Value:
    """A built piece of the expression.

    ``mass`` bounds the digits of any exact number sympy may make from it; ``approx`` is a
    15-digit value when the piece is a constant number (None otherwise), used to refuse huge
    constants before sympy evaluates them.
    """

    expr: sp.Basic
    mass: int
    approx: sp.Float | None = None

    @property
    def is_condition(self) -> bool:
        # Symbols are both Expr and Boolean in sympy; a condition is a Boolean that is no Expr.
        return not isinstance(self.expr, sp.Expr)


class _Builder:
    """Walks one syntax tree, building sympy objects node by node."""

    def __init__(self, source: str, variables: dict[str, sp.Symbol], *, function_page: bool,
                 shown: list[str] | None = None):
        self.source = source
        self.variables = variables
        self.shown = list(variables) if shown is None else shown  # the names as messages say them
        self.function_page = function_page
        self.nonsmooth = 0
        starts = [0]
        for line in source.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        self._line_starts = starts

    # -- helpers --

    def segment(self, node: ast.AST) -> str:
        start = self._line_starts[node.lineno - 1] + node.col_offset
        end = self._line_starts[node.end_lineno - 1] + node.end_col_offset
        return self.source[start:end]

    def where(self, node: ast.AST) -> str:
        return _short(self.segment(node))

    def number(self, node: ast.expr) -> _Value:
        value = self.build(node)
        if value.is_condition:
            raise InputError(_CONDITION_AS_NUMBER)
        return value

    def condition(self, node: ast.expr) -> _Value:
        value = self.build(node)
        if not value.is_condition:
            raise InputError(_NUMBER_AS_CONDITION)
        return value

    def constant(self, node: ast.expr) -> sp.Expr:
        """Build a node that must be one real, finite constant."""
        if isinstance(node, (ast.Tuple, ast.List)):
            raise InputError("Type one number here, such as 1/2, not a list of numbers.")
        value = self.number(node)
        expr = value.expr
        if expr.free_symbols:
            raise InputError("Only numbers are allowed here, such as 1/2, sqrt(2)/2 or pi.")
        # The table may build max/min unevaluated (for speed); a coordinate should be a number.
        expr = _sympy(expr.doit)
        _check_defined(expr, self.where(node))
        return expr

    def finish(self, node: ast.AST, expr: sp.Basic, mass: int,
               approx: Callable[[], sp.Basic] | None = None) -> _Value:
        """Check a freshly built piece and attach its size and (for constants) approximation."""
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        if not isinstance(expr, sp.Expr):
            return _Value(expr, mass)
        if expr.has(*_UNDEFINED):
            raise InputError(f"{self.where(node)} is undefined (for example a division by zero).")
        if expr.free_symbols:
            return _Value(expr, mass)
        rough = _sympy(approx) if approx is not None else expr
        value = _approximate(rough, self.where(node))
        if isinstance(expr, sp.Add):
            _check_cancellation(expr, value, self.where(node))
        return _Value(expr, mass, value)

    # -- dispatch --

    def build(self, node: ast.expr) -> _Value:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            message = _NODE_MESSAGES.get(type(node))
            if message is None:
                message = ("This kind of expression is not allowed; use "
                           f"{_vocabulary(self.shown)}.")
            raise InputError(message)
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Value:
        v = node.value
        if isinstance(v, bool):
            return _Value(sp.true if v else sp.false, 0)
        if isinstance(v, int):
            if abs(v) >= 10**MAX_LITERAL_DIGITS:
                raise InputError(f"Numbers may have at most {MAX_LITERAL_DIGITS} digits; "
                                 f"{self.where(node)} is too long.")
            return self.finish(node, sp.Integer(v), _digits(v))
        if isinstance(v, float):
            r = _literal(self.segment(node))
            return self.finish(node, r, _rational_digits(r))
        if isinstance(v, complex):
            raise InputError("Imaginary numbers such as 1j are not allowed; only real numbers are.")
        if isinstance(v, (str, bytes)):
            raise InputError("Text in quotes is not allowed; type a formula such as max(0, x).")
        raise InputError(f"{self.where(node)} is not allowed; use "
                         f"{_vocabulary(self.shown)}.")

    def _unknown(self, name: str) -> InputError:
        known = [*self.variables, *allowed_names()]
        guess = next((k for k in known if k.lower() == name.lower()), None)
        hint = f" (did you mean {guess}?)" if guess else ""
        return InputError(f"Unknown name '{_short(name, 30)}'{hint}: use "
                          f"{_vocabulary(self.shown)}.")

    def _variable_refused(self, name: str) -> InputError:
        if self.function_page:
            allowed = (" and ".join(self.shown) if len(self.shown) <= 2
                       else ", ".join(self.shown[:-1]) + " or " + self.shown[-1])
            return InputError(f"This page takes functions of {allowed} only; remove {name}.")
        return InputError(f"{name} cannot be used here: type a number such as 1/2, sqrt(2)/2 "
                          "or pi.")

    def _Name(self, node: ast.Name) -> _Value:
        name = node.id
        if name in self.variables:
            return _Value(self.variables[name], 0)
        if name in VARIABLES:
            raise self._variable_refused(name)
        p = allowed_names().get(name)
        if p is None:
            raise self._unknown(name)
        if not p.constant:
            raise InputError(f"{name} is a function: write it with brackets, like {name}(x).")
        return self.finish(node, p.build(), 1)

    def _UnaryOp(self, node: ast.UnaryOp) -> _Value:
        if isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            return _Value(_sympy(lambda: sp.Not(inner.expr)), inner.mass)
        if isinstance(node.op, ast.Invert):
            raise InputError("The operator ~ is not allowed; use 'not' to negate a condition.")
        inner = self.number(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        return self.finish(node, _sympy(lambda: -inner.expr), inner.mass,
                           (lambda: -inner.approx) if inner.approx is not None else None)

    def _BoolOp(self, node: ast.BoolOp) -> _Value:
        parts = [self.condition(v) for v in node.values]
        join = sp.And if isinstance(node.op, ast.And) else sp.Or
        return _Value(_sympy(lambda: join(*[p.expr for p in parts])), sum(p.mass for p in parts))

    def _Compare(self, node: ast.Compare) -> _Value:
        operands = [self.number(node.left), *[self.number(c) for c in node.comparators]]
        if any(o.expr.has(sp.Piecewise) for o in operands):
            # sympy rewrites such a condition branch by branch (ITE), exponentially in the nesting.
            raise InputError("Conditions cannot compare Piecewise expressions; compare plain "
                             "expressions such as abs(x) < 1.")
        relations = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            relate = _COMPARISONS.get(type(op))
            if relate is None:
                raise InputError("Only the comparisons < <= > >= == != are allowed.")
            relations.append(_sympy(lambda r=relate, a=left, b=right: r(a.expr, b.expr)))
        expr = relations[0] if len(relations) == 1 else _sympy(lambda: sp.And(*relations))
        return _Value(expr, sum(o.mass for o in operands))

    def _BinOp(self, node: ast.BinOp) -> _Value:
        family = _family(node)
        if family in ("sum", "product"):
            return self._arithmetic(node, family)
        if family in ("and", "or"):
            return self._logical(node, family)
        if isinstance(node.op, ast.Pow):
            return self._power(node, self.number(node.left), self.number(node.right))
        symbol = _OPERATOR_SYMBOLS.get(type(node.op), "this")
        raise InputError(f"The operator {symbol} is not allowed; use + - * / and ^ or ** for "
                         "powers.")

    def _logical(self, node: ast.BinOp, family: str) -> _Value:
        parts = [self.build(operand) for _, operand, _ in _chain(node)]
        if not all(p.is_condition for p in parts):
            raise InputError("& and | join conditions and bind tighter than comparisons, so write "
                             "(x > 0) & (x < 1) with brackets.")
        join = sp.And if family == "and" else sp.Or
        return _Value(_sympy(lambda: join(*[p.expr for p in parts])), sum(p.mass for p in parts))

    def _arithmetic(self, node: ast.BinOp, family: str) -> _Value:
        terms: list[sp.Expr] = []
        approxes: list[sp.Basic] = []
        mass = 0
        for op, operand, parent in _chain(node):
            value = self.number(operand)
            mass += value.mass
            expr, approx = value.expr, value.approx
            if isinstance(op, ast.Sub):
                expr, approx = -expr, (None if approx is None else -approx)
            elif isinstance(op, ast.Div):
                # A constant whose 15-digit value is 0 counts as zero: 1/(pi - 3.14159265358979)
                # is refused rather than evaluated to a meaningless huge number.
                if expr == 0 or (approx is not None and approx.is_zero):
                    raise InputError(f"Division by zero in {self.where(parent)}.")
                if _root_work([(n, -r) for n, r in _exposed(expr)]) > MAX_ROOT_DIGITS:
                    raise InputError(f"{self.where(parent)} is too costly to simplify: use a "
                                     "smaller number under a fractional power.")
                expr = _sympy(lambda e=expr: sp.Pow(e, -1))
                approx = None if approx is None else 1 / approx
            terms.append(expr)
            if approx is not None:
                approxes.append(approx)
        combine = sp.Add if family == "sum" else sp.Mul
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        if family == "product":
            powers = [pw for t in terms for pw in _fractional_powers(t)]
            if len(powers) > 1 and _root_work(powers) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use smaller "
                                 "numbers under fractional powers.")
        if 1 < len(approxes) < len(terms):
            # The constant part of a mixed chain, e.g. the coefficient in exp(900)*exp(900)*x.
            _approximate(_sympy(lambda: combine(*approxes)), self.where(node))
        result = _sympy(lambda: combine(*terms))
        exact = len(approxes) == len(terms)
        return self.finish(node, result, mass, (lambda: combine(*approxes)) if exact else None)

    def _power(self, node: ast.BinOp, base: _Value, exponent: _Value) -> _Value:
        b, e = base.expr, exponent.expr
        if exponent.approx is None and e.free_symbols:
            if base.approx is None or not base.approx > 0:
                raise InputError("x or y may appear in an exponent only when the base is a "
                                 "positive number, as in 2**x or E**x.")
            return self.finish(node, _sympy(lambda: sp.Pow(b, e)), base.mass + exponent.mass)
        e_approx = exponent.approx if exponent.approx is not None else _approximate(
            e, self.where(node.right))
        if abs(e_approx) > MAX_EXPONENT:
            raise InputError(f"The exponent {_short(self.segment(node.right), 20)} is too large: "
                             f"exponents may be at most {MAX_EXPONENT} in size.")
        if (b == 0 or (base.approx is not None and base.approx.is_zero)) and e_approx < 0:
            raise InputError(f"Division by zero in {self.where(node)}.")
        if base.approx is not None and base.approx < 0 and not e.is_integer:
            raise InputError("A negative number to a fractional power is not a real number; use "
                             "an integer exponent or abs(...).")
        if isinstance(e, sp.Rational):
            if _root_work([(n, r * e) for n, r in _exposed(b)]) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use a smaller "
                                 "number under a fractional power.")
        elif _costly_exponent(e):
            raise InputError(f"The exponent {_short(self.segment(node.right), 20)} is too costly "
                             "to handle: keep powers of sums in an exponent at most "
                             f"{_MAX_SUM_POWER}.")
        if base.approx is not None and not base.approx.is_zero:
            if abs(float(e_approx) * _log10_abs(base.approx)) > MAX_NUMBER_DIGITS:
                raise InputError(_TOO_BIG)
        mass = base.mass * max(1, math.ceil(abs(float(e_approx)))) + exponent.mass
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        result = _sympy(lambda: sp.Pow(b, e))
        if base.approx is None:
            return self.finish(node, result, mass)
        rough_e = e if isinstance(e, sp.Integer) else e_approx  # (-2.0)**3, not (-2.0)**3.0
        return self.finish(node, result, mass, lambda: sp.Pow(base.approx, rough_e))

    def _Call(self, node: ast.Call) -> _Value:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise InputError(_NODE_MESSAGES[ast.Attribute])
            raise InputError("Only named functions can be called, as in sin(x); write 2*(x + 1) "
                             "for a product.")
        name = node.func.id
        if name in VARIABLES:
            raise InputError(f"{name} is a variable, not a function; write {name}*(...) for a "
                             "product.")
        p = allowed_names().get(name)
        if p is None:
            raise self._unknown(name)
        if p.constant:
            raise InputError(f"{name} is a constant, not a function; write {name} without "
                             f"brackets, or {name}*(...) for a product.")
        if node.keywords:
            raise InputError("Functions take plain arguments, like max(x, 0), not name=value.")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise InputError(_NODE_MESSAGES[ast.Starred])
        self._check_arity(p, name, len(node.args))
        if p.nonsmooth:
            self.nonsmooth += 1
            if self.nonsmooth > MAX_NONSMOOTH:
                raise InputError(f"The expression uses more than {MAX_NONSMOOTH} nonsmooth "
                                 f"functions ({_nonsmooth_names()}); simplify it.")
        if p.sympy_func is sp.Piecewise:
            return self._piecewise(node, p)
        args = [self.number(a) for a in node.args]
        half = sp.Rational(1, 2)
        for a in args:
            # sqrt(a) is a**(1/2): the rationals it reaches in a get factored.
            if _root_work([(n, r * half) for n, r in _exposed(a.expr)]) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use smaller "
                                 "numbers.")
            if (a.approx is not None and abs(a.approx) > _FAST_GROWTH_ARGUMENT
                    and _grows_fast(name)):
                raise InputError(_TOO_BIG)
        mass = sum(a.mass for a in args)
        result = _sympy(lambda: p.build(*[a.expr for a in args]))
        if any(a.approx is None for a in args):
            return self.finish(node, result, mass)
        if not result.is_Number:
            # The table may build max/min unevaluated; of constants, sympy would later ask
            # Max(9, 10) whether it is real, which expands it branch by branch.
            result = _sympy(result.doit)
        return self.finish(node, result, mass, lambda: p.build(*[a.approx for a in args]))

    def _check_arity(self, p: Primitive, name: str, count: int) -> None:
        low, high = p.arity
        noun = "branch" if p.sympy_func is sp.Piecewise else "argument"
        plural = noun + ("es" if noun == "branch" else "s")
        if high is not None and low == high and count != low:
            raise InputError(f"{name} takes exactly {low} {noun if low == 1 else plural}, "
                             f"for example {p.example}.")
        if count < low:
            raise InputError(f"{name} takes at least {low} {noun if low == 1 else plural}, "
                             f"for example {p.example}.")
        limit = MAX_BRANCHES if high is None else high
        if count > limit:
            raise InputError(f"{name} takes at most {limit} {plural}.")

    def _piecewise(self, node: ast.Call, p: Primitive) -> _Value:
        pairs = []
        mass = 0
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise InputError(_PIECEWISE_SYNTAX)
            value = self.build(arg.elts[0])
            condition = self.build(arg.elts[1])
            if value.is_condition or not condition.is_condition:
                raise InputError(_PIECEWISE_SYNTAX)
            pairs.append((value.expr, condition.expr))
            mass += value.mass + condition.mass
        return self.finish(node, _sympy(lambda: p.build(*pairs)), mass)
