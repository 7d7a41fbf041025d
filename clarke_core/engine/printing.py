r"""The one printer: numbers, vectors, sets and formulas as plain text, page text and LaTeX.

Three forms, each from sympy expressions (never by rewriting another form's text):

- **plain** (``PlainPrinter``, a sympy ``StrPrinter``): what a student types back, in the names
  of the primitive table (``max(``, ``min(``, ``abs(``), with ``sqrt(``, ``pi`` and ``1/2``. The
  command line and the grader's feedback print this; the parser reads it back.
- **page text** (``UnicodePrinter``): √, π, superscript powers and implicit products, for
  sentences and figure labels (plotly draws no LaTeX there).
- **LaTeX**: sympy's ``latex`` for numbers, wrapped into the sets' notation here.

>>> from clarke_core.engine.sets import DifferentialSet as Set
>>> x, y = sp.symbols("x y")
>>> plain(sp.Max(0, x) + sp.Abs(y)), unicode(-2 * sp.sqrt(2)), unicode(x**2 - y, minus="−")
('abs(y) + max(0, x)', '-2√2', 'x² − y')
>>> set_text(Set("interval", [(0.0,), (1.0,)], [(sp.Integer(0),), (sp.sqrt(2) / 2,)]))
'[0, sqrt(2)/2]'
>>> set_text(Set("point", [(3.14,)], [(sp.pi,)]), page=True), tuple_latex((sp.pi, 1))
('{π}', '\\left(\\pi, 1\\right)')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from .primitives import by_func
from .sets import DifferentialSet, Ellipse, SetKind

CURVED = "a convex set with a curved boundary"
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class PlainPrinter(StrPrinter):
    """sympy's ``str`` form with every primitive under the name a student types.

    >>> PlainPrinter().doprint(sp.Min(sp.Symbol("x"), 1) - sp.sqrt(2) / 2)
    'min(1, x) - sqrt(2)/2'
    """

    def _named(self, expr: sp.Basic) -> str:
        p = by_func(expr.func)
        name = p.name if p is not None else expr.func.__name__
        return name + "(" + self.stringify(expr.args, ", ") + ")"

    def _print_Function(self, expr: sp.Basic) -> str:
        return self._named(expr)

    def _print_MinMaxBase(self, expr: sp.Basic) -> str:
        return self._named(expr)

    def _print_Relational(self, expr: sp.Basic) -> str:
        if expr.rel_op in ("==", "!="):  # sympy's str writes Eq(x, 0) and Ne(x, 0)
            level = precedence(expr)
            return (f"{self.parenthesize(expr.lhs, level)} {expr.rel_op} "
                    f"{self.parenthesize(expr.rhs, level)}")
        return super()._print_Relational(expr)


class UnicodePrinter(PlainPrinter):
    """Page text: √2, π, e^x, |x|, x², implicit products (2√2, 2x); ``minus`` is "-" for labels
    and numbers, "−" (U+2212) for formulas.

    >>> x, y = sp.symbols("x y")
    >>> UnicodePrinter({"minus": "−"}).doprint(sp.sqrt(x**2 + y**2) - sp.exp(x + y) + x / 2)
    'x/2 + √(x² + y²) − e^(x + y)'
    """

    _default_settings = {**StrPrinter._default_settings, "minus": "-"}

    def _minus(self) -> str:
        return self._settings["minus"]

    def _group(self, expr: sp.Basic) -> str:
        """``expr`` bare when it is one name or one non-negative number, else in brackets."""
        text = self._print(expr)
        atom = expr.is_Symbol or expr.is_NumberSymbol or (expr.is_Integer and expr >= 0)
        return text if atom else "(" + text + ")"

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        out = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            negative = term.could_extract_minus_sign()
            body = self.parenthesize(-term if negative else term, PRECEDENCE["Add"])
            if i == 0:
                out = (self._minus() if negative else "") + body
            else:
                out += (f" {self._minus()} " if negative else " + ") + body
        return out

    def _print_Mul(self, expr: sp.Mul) -> str:
        if expr.could_extract_minus_sign():
            return self._minus() + self.parenthesize(-expr, PRECEDENCE["Mul"], strict=True)
        numer, denom = sp.fraction(expr)
        if denom != 1:
            top = self.parenthesize(numer, PRECEDENCE["Mul"], strict=True)
            bottom = self._print(denom)
            if denom.is_Add or denom.is_Mul:
                bottom = "(" + bottom + ")"
            return top + "/" + bottom
        factors = expr.as_ordered_factors()
        shown = [self.parenthesize(f, PRECEDENCE["Mul"], strict=True) for f in factors]
        out = shown[0]
        for before, text in zip(factors, shown[1:], strict=False):
            out += ("" if before.is_Number else "·") + text  # 2√2 and 2x, but x·y
        return out

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.as_base_exp()
        if exponent == sp.S.Half:
            return "√" + self._group(base)
        if exponent.is_Number and exponent.is_negative:
            return "1/" + self.parenthesize(sp.Pow(base, -exponent), PRECEDENCE["Mul"],
                                            strict=True)
        shown = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        if exponent.is_Integer:
            return shown + superscript(exponent)
        return shown + "^" + self._group(exponent)

    def _print_exp(self, expr: sp.Basic) -> str:
        return "e^" + self._group(expr.args[0])

    def _print_Abs(self, expr: sp.Basic) -> str:
        return "|" + self._print(expr.args[0]) + "|"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return (self._minus() + str(-expr.p)) if expr.p < 0 else str(expr.p)

    def _print_Rational(self, expr: sp.Rational) -> str:
        if expr.q == 1:
            return self._print_Integer(sp.Integer(expr.p))
        sign = self._minus() if expr.p < 0 else ""
        return f"{sign}{abs(expr.p)}/{expr.q}"

    def _print_Pi(self, expr: sp.Basic) -> str:
        return "π"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"

    def _print_Infinity(self, expr: sp.Basic) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: sp.Basic) -> str:
        return self._minus() + "∞"


def plain(expr: object, order: str | None = None) -> str:
    """``expr`` as a student would type it (max, not sympy's Max)."""
    return PlainPrinter({"order": order}).doprint(expr)


def unicode(expr: object, minus: str = "-") -> str:
    """``expr`` as page text: √ for sqrt, π for pi, superscripts for integer powers.

    >>> unicode(sp.sqrt(2) / 2), unicode(sp.pi / 4), unicode(sp.Rational(-1, 2))
    ('√2/2', 'π/4', '-1/2')
    """
    return UnicodePrinter({"minus": minus}).doprint(sp.sympify(expr, strict=True))


def formula_text(expr: sp.Basic) -> str:
    """A formula as page text, with the minus sign U+2212 (a piece's legend entry).

    >>> x, y = sp.symbols("x y")
    >>> formula_text(-x + y), formula_text(x - y - sp.sqrt(2)), formula_text(x**10)
    ('−x + y', 'x − y − √2', 'x¹⁰')
    """
    return unicode(expr, minus="−")


def decimal(v: float, digits: int = 4) -> str:
    """A float for labels: integers without decimals, others with ``digits`` significant digits.

    >>> decimal(1.0), decimal(-0.0), decimal(2 ** 0.5), decimal(-1.5e-7), decimal(float("inf"))
    ('1', '0', '1.414', '-1.5e-07', '∞')
    """
    if not math.isfinite(v):
        return "∞" if v > 0 else "-∞" if v < 0 else "undefined"
    if abs(v - round(v)) < 1e-12:
        return str(int(round(v)))
    return f"{v:.{digits}g}"


def number_text(c: object) -> str:
    """One coordinate as plain text: exact as typed back, a float with 6 significant digits.

    >>> number_text(sp.sqrt(2) / 2), number_text(0.1234567), number_text(2)
    ('sqrt(2)/2', '0.123457', '2')
    """
    return f"{c:.6g}" if isinstance(c, float) else plain(c)


def count_text(n: float, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural (``plural``, else noun + "s") unless ``n`` is 1.

    >>> count_text(1, "attempt"), count_text(0, "student"), count_text(2.5, "point")
    ('1 attempt', '0 students', '2.5 points')
    >>> count_text(1.0, "point"), count_text(1200000, "row"), count_text(3, "branch", "branches")
    ('1 point', '1200000 rows', '3 branches')
    """
    shown = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{shown} {noun_for(n, noun, plural)}"


def noun_for(n: float, noun: str, plural: str | None = None) -> str:
    """``noun`` for ``n`` of them: itself for one, else ``plural`` (default: noun + "s").

    >>> noun_for(1, "corner"), noun_for(2, "corner"), noun_for(0, "branch", "branches")
    ('corner', 'corners', 'branches')
    """
    return noun if n == 1 else plural or noun + "s"


def superscript(n: int) -> str:
    """A whole number as Unicode superscript digits, for powers in page text (x², α⁻¹).

    >>> "x" + superscript(10), "α" + superscript(-1)
    ('x¹⁰', 'α⁻¹')
    """
    return str(n).translate(_SUPERSCRIPTS)


def subscript(n: int) -> str:
    """A whole number as Unicode subscript digits, for names in plain text (W₂, f₁₀).

    >>> "W" + subscript(12)
    'W₁₂'
    """
    return str(n).translate(_SUBSCRIPTS)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def vector(parts: Sequence[str], *, bare: bool = True) -> str:
    """Coordinates as ``(a, b)``; one coordinate alone when ``bare``.

    >>> vector(["1"]), vector(["1"], bare=False), vector(["1", "-2"])
    ('1', '(1)', '(1, -2)')
    """
    return parts[0] if bare and len(parts) == 1 else "(" + ", ".join(parts) + ")"


def vector_text(p: Sequence[object]) -> str:
    """A point or gradient as plain text (``_vec`` of the grader).

    >>> vector_text((sp.Integer(1), sp.sqrt(3))), vector_text((0.5,))
    ('(1, sqrt(3))', '0.5')
    """
    return vector([number_text(c) for c in p])


def label(c: object) -> str:
    """An exact number as page text (a figure's label).

    >>> label(-2 * sp.sqrt(2)), label(sp.Rational(1, 2)), label(sp.pi)
    ('-2√2', '1/2', 'π')
    """
    return unicode(c)


def vector_label(v: Sequence[object], exact: bool, digits: int = 4) -> str:
    """A gradient as ``(a, b)``: exact numbers as page text, floats with ``digits`` digits.

    >>> vector_label((sp.Integer(1), -sp.sqrt(2) / 2), True), vector_label((0.5, 1.0), False)
    ('(1, -√2/2)', '(0.5, 1)')
    """
    return vector([label(c) if exact else decimal(float(c), digits) for c in v], bare=False)


def _exact_points(s: DifferentialSet) -> bool:
    return s.exact is not None and len(s.exact) == len(s.vertices)


def set_text(s: DifferentialSet, *, page: bool = False, closed_form: bool = True,
             caveat: str = "") -> str:
    """A set in one line: ``{a}``, ``[a, b]``, ``conv{(a, b), ...}``, exact where known.

    Plain text by default (the command line, the grader); ``page`` prints page text (√, π,
    ∅, floats with 4 digits). A curved set prints its closed form when ``closed_form`` and one is
    known. ``caveat`` is appended to a set written out (not to a named one: empty, undefined,
    curved) when it is not certified.

    >>> from clarke_core.engine.sets import DifferentialSet as Set
    >>> set_text(Set("segment", [(0.0, 1.0), (1.0, 0.0)])), set_text(Set("empty", []))
    ('conv{(0, 1), (1, 0)}', 'empty')
    >>> set_text(Set("point", [(0.5,)], certified=False), page=True, caveat=" (numerically)")
    '{0.5} (numerically)'
    """
    tail = "" if s.certified else caveat
    if s.kind == SetKind.EMPTY:
        return "∅" if page else "empty"
    if s.kind == SetKind.UNBOUNDED:
        return "undefined"
    closed = s.extra.get("closed_form") if closed_form else None
    if closed is not None:
        return ellipse_text(closed, page=page) + tail
    if s.kind == SetKind.CONVEX:
        return CURVED
    exact = _exact_points(s)
    if page:
        def number(c):
            return label(c) if exact else decimal(float(c))
    else:
        number = number_text
    items = [vector([number(c) for c in v]) for v in (s.exact if exact else s.vertices)]
    if s.kind == SetKind.POINT:
        return "{" + items[0] + "}" + tail
    if s.kind == SetKind.INTERVAL:
        return f"[{items[0]}, {items[-1]}]" + tail
    return "conv{" + ", ".join(items) + "}" + tail


def show_set(s: DifferentialSet) -> str:
    """The grader's form of a set (``_show_set``): plain, a curved set described, no caveat.

    >>> from clarke_core.engine.sets import DifferentialSet as Set
    >>> show_set(Set("convex", [(1.0, 0.0), (0.0, 1.0)]))
    'a convex set with a curved boundary'
    """
    return set_text(s, closed_form=False)


def bound_text(direction: Sequence[object] | None, limit: object, lower: bool = False,
               number=plain) -> str:
    """What a witness forces: ``s ≥ 1`` (1D, ``direction`` None) or ``⟨s, (1/2, 0)⟩ ≤ -1/2``
    (2D), each number printed by ``number`` (plain text, or ``label`` on figures).

    >>> bound_text(None, sp.sqrt(2), lower=True), bound_text((1, 0), -sp.pi / 4, number=label)
    ('s ≥ sqrt(2)', '⟨s, (1, 0)⟩ ≤ -π/4')
    """
    head = "s" if direction is None else (
        "⟨s, " + vector([number(c) for c in direction], bare=False) + "⟩")
    return f"{head} {'≥' if lower else '≤'} {number(limit)}"


# --- the curved sets' closed form {s : (s - c)ᵀ M (s - c) <= 1} ---------------------------------


def _disk(e: Ellipse) -> tuple[list[sp.Expr], sp.Expr] | None:
    """(c, r) when the ellipse is the disk ‖s - c‖ <= r."""
    c = [sp.sympify(v, strict=True) for v in e.center]
    m = [[sp.sympify(v, strict=True) for v in row] for row in e.matrix]
    if m[0][1] == 0 and m[1][0] == 0 and m[0][0] == m[1][1]:
        return c, 1 / sp.sqrt(m[0][0])
    return None


def _form(e: Ellipse, names: str) -> sp.Expr:
    s1, s2 = sp.symbols(names, real=True)
    c = [sp.sympify(v, strict=True) for v in e.center]
    m = [[sp.sympify(v, strict=True) for v in row] for row in e.matrix]
    d = (s1 - c[0], s2 - c[1])
    return m[0][0] * d[0] ** 2 + (m[0][1] + m[1][0]) * d[0] * d[1] + m[1][1] * d[1] ** 2


def ellipse_text(e: Ellipse, *, page: bool = False) -> str:
    """The closed form in plain text, ``{s : ||s|| <= 1}`` or ``{s : s1**2 + s2**2/4 <= 1}``, or
    as page text (``page``): ``{s : ‖s‖ ≤ 1}``.

    >>> from clarke_core.engine.sets import Ellipse
    >>> ellipse_text(Ellipse((1, 0), ((4, 0), (0, 4)))), ellipse_text(
    ...     Ellipse((0, 0), ((1, 0), (0, sp.Rational(1, 4)))), page=True)
    ('{s : ||s - (1, 0)|| <= 1/2}', '{s : s1² + s2²/4 ≤ 1}')
    """
    show = (lambda v, order=None: UnicodePrinter({"order": order}).doprint(v)) if page else plain
    norm, le = ("‖", "≤") if page else ("||", "<=")
    disk = _disk(e)
    if disk is not None:
        c, radius = disk
        inner = "s" if c == [0, 0] else f"s - {vector([show(v) for v in c])}"
        return "{s : " + norm + inner + norm + f" {le} {show(radius)}" + "}"
    return "{s : " + show(_form(e, "s1 s2"), order="lex") + f" {le} 1}}"


def ellipse_latex(e: Ellipse) -> str:
    r"""The closed form in LaTeX: ``\left\{ s : \|s\| \le 1 \right\}``."""
    disk = _disk(e)
    if disk is not None:
        c, radius = disk
        inner = "s" if c == [0, 0] else r"s - " + sp.latex(sp.Tuple(*c))
        return r"\left\{ s : \|" + inner + r"\| \le " + sp.latex(radius) + r" \right\}"
    return r"\left\{ s : " + sp.latex(_form(e, "s_1 s_2"), order="lex") + r" \le 1 \right\}"


# --- LaTeX -------------------------------------------------------------------------------------


def tuple_latex(p: Sequence[object]) -> str:
    r"""A point in LaTeX: one coordinate bare, several as ``\left(a, b\right)``."""
    return _latex_tuple([sp.latex(c) for c in p])


def _latex_tuple(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else r"\left(" + ", ".join(parts) + r"\right)"


def set_latex(s: DifferentialSet) -> str:
    r"""A set in LaTeX, exact endpoints where known; an uncertified set says so in the formula.

    >>> from clarke_core.engine.sets import DifferentialSet as Set
    >>> set_latex(Set("point", [(0.0, 0.0)], certified=False))
    '\\left\\{\\left(0, 0\\right)\\right\\}\\text{ (checked numerically)}'
    """
    body = _set_body_latex(s)
    return body if s.certified else body + r"\text{ (checked numerically)}"


def _set_body_latex(s: DifferentialSet) -> str:
    if s.kind == SetKind.EMPTY:
        return r"\varnothing"
    if s.kind == SetKind.UNBOUNDED:
        return r"\text{undefined: not locally Lipschitz}"
    closed = s.extra.get("closed_form")
    if closed is not None:
        return ellipse_latex(closed)
    if s.kind == SetKind.CONVEX:
        return r"\text{a convex set with a curved boundary (see the plane)}"
    if s.exact is not None:
        pts = [tuple_latex(v) for v in s.exact]
    else:  # floats with 4 digits, -0.0 as 0
        pts = [_latex_tuple([f"{c + 0.0:.4g}" for c in v]) for v in s.vertices]
    if s.kind == SetKind.POINT:
        return r"\left\{" + pts[0] + r"\right\}"
    if s.kind == SetKind.INTERVAL:
        return r"\left[" + pts[0] + ", " + pts[1] + r"\right]"
    return r"\operatorname{conv}\left\{" + ", ".join(pts) + r"\right\}"


def answer_latex(form: str, points: Sequence[Sequence[object]], closed: tuple[bool, bool],
                 dim: int) -> str:
    r"""A parsed answer in LaTeX (``ParsedAnswer.latex``): what the page shows back.

    >>> answer_latex("interval", [(0,), (1,)], (False, True), 1)
    '\\left(0, 1\\right]'
    """
    words = {"yes": r"\text{yes}", "no": r"\text{no}", "none": r"\text{not positively homogeneous}",
             "empty": r"\varnothing", "undefined": r"\text{undefined (not locally Lipschitz)}"}
    if form in words:
        return words[form]
    body = ", ".join(tuple_latex(p) for p in points)
    if form == "number":
        return tuple_latex(points[0]) if dim == 1 else r"\left\{" + body + r"\right\}"
    if form == "interval":
        left = r"\left[" if closed[0] else r"\left("
        right = r"\right]" if closed[1] else r"\right)"
        return left + body + right
    if form == "finite":
        return r"\left\{" + body + r"\right\}"
    return r"\operatorname{conv}\left\{" + body + r"\right\}"

