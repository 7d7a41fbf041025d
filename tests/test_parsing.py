"""The safe parser: valid input builds the expected sympy object, hostile input is refused by a
limit the parser enforces (never timed: a loaded machine made timed bounds flake).

Expected expressions are built here with sympy's constructors directly, never by parsing text.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from clarke_core.engine import parsing
from clarke_core.engine.parsing import ParsedFunction, parse_constant, parse_function, parse_point
from clarke_core.engine.primitives import PRIMITIVES, X, Y, allowed_names
from clarke_core.errors import InputError

R = sp.Rational


def assert_sentence(err: InputError) -> None:
    """The message is one sentence a student can read: one line, ends with '.', short."""
    assert type(err) is InputError or isinstance(err, InputError)
    message = str(err)
    assert message, "empty message"
    assert "\n" not in message, message
    assert message.endswith("."), message
    assert "Traceback (most recent call last)" not in message, message  # a quoted word is fine
    assert len(message) < 300, message


def refused(call, *args, **kwargs) -> InputError:
    """Run ``call``, which must raise InputError with one sentence; return the error."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert_sentence(info.value)
    return info.value


# --- valid functions ------------------------------------------------------------------------------

PIECE_01 = sp.Piecewise((X, sp.And(sp.Lt(0, X), sp.Lt(X, 1))), (0, True))

VALID = [
    ("x^2 + 1", X**2 + 1, "caret-power"),
    ("x**2 + 1", X**2 + 1, "star-power"),
    ("-x^2", -(X**2), "minus-binds-looser"),
    ("2**3**2", sp.Integer(512), "power-right-assoc"),
    ("2^-1", R(1, 2), "negative-exponent"),
    ("x ** -2", X**-2, "negative-exponent-x"),
    ("relu(x)", sp.Max(X, 0), "relu"),
    ("ReLU(x) - relu(-x)", sp.Max(X, 0) - sp.Max(-X, 0), "relu-alias"),
    ("max(0, x)", sp.Max(0, X), "max"),
    ("Max(x, y, 1)", sp.Max(X, Y, 1), "max-three"),
    ("min(x, 1 - x)", sp.Min(X, 1 - X), "min"),
    ("abs(x) + Abs(y)", sp.Abs(X) + sp.Abs(Y), "abs-alias"),
    ("-abs(x)", -sp.Abs(X), "minus-abs"),
    ("Piecewise((x**2, x < 0), (x, True))",
     sp.Piecewise((X**2, X < 0), (X, True)), "piecewise"),
    ("Piecewise((x, (x > 0) & (x < 1)), (0, True))",
     sp.Piecewise((X, sp.And(X > 0, X < 1)), (0, True)), "piecewise-and"),
    ("Piecewise((x, 0 < x < 1), (0, True))", PIECE_01, "piecewise-chained"),
    ("Piecewise((1, (x < 0) | (x > 1)), (0, True))",
     sp.Piecewise((1, sp.Or(X < 0, X > 1)), (0, True)), "piecewise-or"),
    ("Piecewise((1, x > 0 and y > 0), (0, True))",
     sp.Piecewise((1, sp.And(X > 0, Y > 0)), (0, True)), "piecewise-and-word"),
    ("Piecewise((1, not x > 0), (0, True))",
     sp.Piecewise((1, sp.Not(X > 0)), (0, True)), "piecewise-not"),
    ("Piecewise((1, x == 0), (0, True))",
     sp.Piecewise((1, sp.Eq(X, 0)), (0, True)), "piecewise-eq"),
    ("piecewise((x, x >= 0), (-x, True))",
     sp.Piecewise((X, X >= 0), (-X, True)), "piecewise-alias"),
    ("Piecewise((x**2*sin(1/x), x != 0), (0, True))",
     sp.Piecewise((X**2 * sp.sin(1 / X), sp.Ne(X, 0)), (0, True)), "lecture-oscillating"),
    ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))",
     sp.Piecewise((-1 - sp.Abs(X + 1), X <= 0), (X - 2, True)), "lecture-figure-1"),
    ("Piecewise((x, True))", X, "piecewise-single"),
    ("\u2212x", -X, "unicode-minus"),
    ("2\u00b7x \u00d7 y", 2 * X * Y, "unicode-times"),
    ("x\u00b2 + y\u00b3", X**2 + Y**3, "unicode-squares"),
    ("0.1*x", R(1, 10) * X, "float-exact"),
    ("1e-3 * x", R(1, 1000) * X, "float-exponent"),
    ("2.5E+2", sp.Integer(250), "float-big-e"),
    (".5 + 5.", R(11, 2), "float-short-forms"),
    ("x**0.5", sp.sqrt(X), "float-exponent-half"),
    ("1/2*x", X / 2, "division"),
    ("x/3/2", X / 6, "division-chain-left"),
    ("x - 1 - 2", X - 3, "subtraction-chain-left"),
    ("x*(x + 1)", X * (X + 1), "product"),
    ("+x", X, "unary-plus"),
    ("((x))", X, "brackets"),
    ("sqrt(x**2 + y**2)", sp.sqrt(X**2 + Y**2), "euclidean-norm"),
    ("exp(abs(x))", sp.exp(sp.Abs(X)), "exp"),
    ("log(1 + x**2) + ln(2)", sp.log(1 + X**2) + sp.log(2), "log-ln"),
    ("sin(x) + cos(y) + tan(x)", sp.sin(X) + sp.cos(Y) + sp.tan(X), "trig"),
    ("x * sign(x)", X * sp.sign(X), "sign"),
    ("Heaviside(x) + H(y)", sp.Heaviside(X) + sp.Heaviside(Y), "heaviside"),
    ("pi", sp.pi, "constant-pi"),
    ("E**x", sp.exp(X), "e-power"),
    ("2**x", sp.Integer(2) ** X, "positive-base-variable-exponent"),
    ("abs(x - pi)", sp.Abs(X - sp.pi), "abs-pi"),
    ("  max(0, x)  ", sp.Max(0, X), "surrounding-space"),
    ("sqrt(2)**2 * x", 2 * X, "radical-simplifies"),
    ("9" * parsing.MAX_LITERAL_DIGITS + "*x", int("9" * parsing.MAX_LITERAL_DIGITS) * X,
     "longest-literal"),
    (f"x**{parsing.MAX_EXPONENT}", X**parsing.MAX_EXPONENT, "largest-exponent"),
    ("1e30*x", 10**30 * X, "largest-literal-exponent"),
    ("0x10*x", 16 * X, "hex-literal"),
]


@pytest.mark.parametrize(("text", "expected"), [v[:2] for v in VALID], ids=[v[2] for v in VALID])
def test_valid_functions_build_the_expected_expression(text, expected):
    f = parse_function(text)
    assert isinstance(f, ParsedFunction)
    assert f.expr == expected or sp.simplify(f.expr - expected) == 0, f.expr
    assert f.text == text.strip()
    assert not f.expr.atoms(sp.Float), "floats must become exact rationals"
    assert f.dim == (2 if Y in expected.free_symbols else 1)


@pytest.mark.parametrize(
    ("text", "variables"),
    [("max(0, x)", (X,)), ("abs(x) + abs(y)", (X, Y)), ("7", (X,)), ("y", (X, Y)),
     ("x + y - y", (X,))],
    ids=["x", "x-and-y", "constant-is-1d", "y-only", "y-cancels"],
)
def test_variables_and_dim(text, variables):
    f = parse_function(text)
    assert f.variables == variables
    assert f.dim == len(variables)


def test_functions_of_x_only_when_max_dim_is_1():
    assert parse_function("abs(x)", max_dim=1).variables == (X,)
    err = refused(parse_function, "max(x, y)", max_dim=1)
    assert str(err).startswith("This page takes functions of x only")


# --- limits at their edges ------------------------------------------------------------------------


def _nested(name: str, depth: int) -> str:
    return f"{name}(" * depth + "x" + ")" * depth


def _piecewise(branches: int) -> str:
    return "Piecewise(" + ", ".join(f"(x, x < {i})" for i in range(branches)) + ")"


EDGES = [
    ("x +" + " " * (parsing.MAX_TEXT_LENGTH - 5) + " 1", "longest-text"),
    (_nested("abs", parsing.MAX_DEPTH - 1), "deepest-nesting"),
    ("(" * parsing.MAX_DEPTH + "x" + ")" * parsing.MAX_DEPTH, "deepest-brackets"),
    ("+".join(["x"] * ((parsing.MAX_NODES + 1) // 2)), "most-nodes"),
    ("+".join(["abs(x)"] * parsing.MAX_NONSMOOTH), "most-nonsmooth"),
    (_piecewise(parsing.MAX_BRANCHES), "most-branches"),
]
OVER_EDGES = [
    ("x +" + " " * (parsing.MAX_TEXT_LENGTH - 4) + " 1", "text-too-long"),
    (_nested("abs", parsing.MAX_DEPTH + 1), "nesting-too-deep"),
    ("(" * (parsing.MAX_DEPTH + 1) + "x" + ")" * (parsing.MAX_DEPTH + 1), "brackets-too-deep"),
    ("+".join(["x"] * ((parsing.MAX_NODES + 3) // 2)), "too-many-nodes"),
    ("+".join(["abs(x)"] * (parsing.MAX_NONSMOOTH + 1)), "too-many-nonsmooth"),
    (_piecewise(parsing.MAX_BRANCHES + 1), "too-many-branches"),
    ("max(" + ", ".join(["x"] * (parsing.MAX_BRANCHES + 1)) + ")", "too-many-max-arguments"),
    ("9" * (parsing.MAX_LITERAL_DIGITS + 1) + "*x", "literal-too-long"),
    (f"x**{parsing.MAX_EXPONENT + 1}", "exponent-too-large"),
    ("1e31*x", "literal-exponent-too-large"),
]


@pytest.mark.parametrize("text", [e[0] for e in EDGES], ids=[e[1] for e in EDGES])
def test_inputs_at_the_limits_are_accepted(text):
    assert isinstance(parse_function(text), ParsedFunction)


@pytest.mark.parametrize("text", [e[0] for e in OVER_EDGES], ids=[e[1] for e in OVER_EDGES])
def test_inputs_just_over_the_limits_are_refused(text):
    refused(parse_function, text)


# --- hostile input --------------------------------------------------------------------------------

BIG = "925106962013624035947818692440"  # 30 digits, with a large prime factor

HOSTILE = [
    ("__import__('os').system('echo hi')", "import-os"),
    ("__import__('os')", "import"),
    ("().__class__.__base__.__subclasses__()", "subclasses"),
    ("x.__class__", "dunder-attribute"),
    ("x.__class__.__mro__", "mro"),
    ("__builtins__", "builtins"),
    ("globals()", "globals"),
    ("type(x)", "type"),
    ("lambda: 1", "lambda"),
    ("[x for x in ()]", "comprehension"),
    ("(x for x in ())", "generator"),
    ("'abc'", "string"),
    ("9**9**9", "tower"),
    ("2**10**10", "tower-2"),
    ("1e999999999", "float-overflow"),
    ("1e5000", "float-big-exponent"),
    ("10**100000", "big-power"),
    ("10**(10**5)", "big-power-2"),
    ("(x+1)**1000", "big-exponent"),
    ("((9**99)**99)", "nested-powers"),
    ("((2/3)**100)**100", "nested-rational-powers"),
    ("x+" * 1500 + "x", "3000-chars"),
    ("(" * 200 + "x" + ")" * 200, "200-brackets"),
    (_nested("abs", 100), "abs-depth-100"),
    ("-" * 1000 + "x", "1000-unary-minus"),
    ("+".join(["abs(x)"] * 500), "500-abs"),
    ("+".join(["abs(x)"] * 201), "201-abs"),
    ("max()", "max-no-args"),
    ("max(x)", "max-one-arg"),
    ("abs(x, y)", "abs-two-args"),
    ("relu()", "relu-no-args"),
    ("Piecewise(x)", "piecewise-no-pair"),
    ("Piecewise((x, y))", "piecewise-number-condition"),
    ("Piecewise((x < 0, x))", "piecewise-swapped"),
    ("Piecewise((x, x < 0), x)", "piecewise-bare-default"),
    ("Piecewise((x, x < 0, 1))", "piecewise-triple"),
    ("x y", "juxtaposed"),
    ("2x", "implicit-product"),
    ("sin", "bare-function"),
    ("foo(x)", "unknown-function"),
    ("X", "capital-x"),
    ("x.real", "attribute"),
    ("getattr(x, 'a')", "getattr"),
    ("exec('1')", "exec"),
    ("eval('1')", "eval"),
    ("sympify('1')", "sympify"),
    ("S('1')", "S"),
    ("open('f')", "open"),
    ("x if x else 1", "ternary"),
    ("x := 1", "walrus"),
    ("(y := 1)", "walrus-brackets"),
    ('f"{x}"', "f-string"),
    ("b'x'", "bytes"),
    ("{1: 2}", "dict"),
    ("{x}", "set"),
    ("[x]", "list"),
    ("x[0]", "subscript"),
    ("*x", "starred"),
    ("max(*x)", "starred-argument"),
    ("max(x, key=1)", "keyword-argument"),
    ("1/0", "division-by-zero"),
    ("x/(x - x)", "division-by-zero-symbolic"),
    ("0**-1", "zero-to-negative"),
    ("log(0)", "log-zero"),
    ("tan(pi/2)", "tan-pole"),
    ("sqrt(-1)*x", "imaginary"),
    ("(-8)**(1/3)", "negative-root"),
    ("1j*x", "complex-literal"),
    ("x**x", "variable-exponent"),
    ("(-2)**x", "negative-base-variable-exponent"),
    ("exp(exp(exp(9)))", "exp-tower"),
    ("max(exp(exp(exp(9))), 1)", "exp-tower-compared"),
    ("exp(9000)*exp(9000)*x", "huge-coefficient"),
    (f"{BIG}**(99/100)", "costly-root"),
    (f"{BIG}**(1/100)*{BIG}**(98/100)", "costly-root-product"),
    ("x < 1", "condition-as-function"),
    ("(x < 1) + 1", "condition-as-number"),
    ("x > 0 & x < 1", "ampersand-precedence"),
    ("not x", "not-number"),
    ("x % 2", "modulo"),
    ("x // 2", "floor-division"),
    ("~x", "invert"),
    ("x << 1", "shift"),
    ("pi(2)", "call-constant"),
    ("x(2)", "call-variable"),
    ("1(2)", "call-number"),
    ("sin(x)(2)", "call-call"),
    ("(x, y)", "tuple"),
    ("x, 1", "bare-tuple"),
    ("x = 1", "assignment"),
    ("import os", "import-statement"),
    ("x; 1", "semicolon"),
    ("x\nimport os", "second-line"),
    ("await x", "await"),
    ("yield x", "yield"),
    ("x is 1", "is"),
    ("x in (1, 2)", "in"),
    ("None", "none"),
    ("...", "ellipsis"),
    ("True", "bool-function"),
    ("\uff38", "fullwidth-x"),
    ("x\u200b", "zero-width-space"),
    ("x\x00", "nul"),
    ("", "empty"),
    ("   \n\t", "blank"),
    ("(x", "unclosed-bracket"),
    ("x)", "unmatched-bracket"),
    ("x +", "ends-early"),
    ("0777", "leading-zero"),
    ("\u00b2", "superscript-only"),
]


@pytest.mark.parametrize("text", [h[0] for h in HOSTILE], ids=[h[1] for h in HOSTILE])
def test_hostile_functions_are_refused_quickly_with_one_sentence(text):
    refused(parse_function, text)


def test_the_hostile_table_is_large():
    assert len(HOSTILE) >= 40


HOSTILE_1D = [
    ("Piecewise((x, y))", "piecewise-with-y"),
    ("x + y", "sum-with-y"),
    ("max(x, y)", "max-with-y"),
]


@pytest.mark.parametrize("text", [h[0] for h in HOSTILE_1D], ids=[h[1] for h in HOSTILE_1D])
def test_y_is_refused_on_a_1d_page(text):
    refused(parse_function, text, max_dim=1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("\uff38", "'\uff38'"),
        ("foo(x)", "Unknown name 'foo'"),
        ("Sin(x)", "did you mean sin?"),
        ("max()", "max takes at least 2 arguments"),
        ("abs(x, y)", "abs takes exactly 1 argument"),
        ("1/(x - x)", "Division by zero in 1/(x - x)"),
        ("x < 1", "not a condition"),
        ("Piecewise(x)", "Piecewise((x**2, x < 0), (x, True))"),
        ("2x", "2*x"),
        ("", "Type a function of x, for example max(0, x)."),
        ("1/0 + log(0)", "Division by zero in 1/0"),
        ("1e999999999", "1e999999999"),
        ("x**1000", "1000"),
    ],
    ids=["names-the-character", "unknown-name", "case-hint", "arity-min", "arity-exact",
         "division-by-zero", "condition", "piecewise-syntax", "implicit-product", "empty",
         "first-error", "literal", "exponent"],
)
def test_messages_say_what_is_wrong(text, fragment):
    assert fragment in str(refused(parse_function, text))


def test_unknown_name_message_lists_the_table():
    message = str(refused(parse_function, "foo(x)"))
    for p in PRIMITIVES:
        assert p.name in message


def test_syntax_errors_never_show_python_internals():
    for text in ["x +", "(x", "x y", "max(x,,1)", "1.2.3", "x!"]:
        message = str(refused(parse_function, text))
        assert "^^" not in message and "SyntaxError" not in message and "line 1" not in message
        assert "invalid syntax" not in message and "<unknown>" not in message


def test_non_text_is_refused():
    refused(parse_function, 3)
    refused(parse_function, None)


# --- the notation students type -------------------------------------------------------------------

NOTATION = [
    ("|x|", sp.Abs(X), "bars"),
    ("|x - 1| + |y|", sp.Abs(X - 1) + sp.Abs(Y), "bars-twice"),
    ("||x| - 1|", sp.Abs(sp.Abs(X) - 1), "bars-nested"),
    ("-|x|*|y|", -sp.Abs(X) * sp.Abs(Y), "bars-product"),
    ("|(x + 1)|", sp.Abs(X + 1), "bars-around-brackets"),
    ("max(|x|, |y|)", sp.Max(sp.Abs(X), sp.Abs(Y)), "bars-as-arguments"),
    ("Piecewise((1, |x| < 1), (0, True))", sp.Piecewise((1, sp.Abs(X) < 1), (0, True)),
     "bars-in-a-condition"),
    ("Piecewise((1, (x < 0) | (x > 1)), (0, True))",
     sp.Piecewise((1, sp.Or(X < 0, X > 1)), (0, True)), "bar-after-bracket-is-or"),
    ("√x", sp.sqrt(X), "root"),
    ("√(x + 1)", sp.sqrt(X + 1), "root-bracket"),
    ("√2*x", sp.sqrt(2) * X, "root-number"),
    ("√|x|", sp.sqrt(sp.Abs(X)), "root-bars"),
    ("√abs(x) + √√y", sp.sqrt(sp.Abs(X)) + Y ** R(1, 4), "root-call-and-twice"),
    ("π*x", sp.pi * X, "pi"),
    ("sin(π/2)*x", X, "pi-inside"),
    ("x² + y³", X**2 + Y**3, "superscripts"),
    ("x⁴ - x⁻¹", X**4 - 1 / X, "superscript-four-and-minus-one"),
    ("(x + 1)²", (X + 1) ** 2, "superscript-of-bracket"),
    ("2·x × y", 2 * X * Y, "dot-and-cross"),
    ("−x − 1", -X - 1, "minus-sign"),
    ("|x − 1|·√(x² + 1)", sp.Abs(X - 1) * sp.sqrt(X**2 + 1), "all-together"),
]


@pytest.mark.parametrize(("text", "expected"), [n[:2] for n in NOTATION],
                         ids=[n[2] for n in NOTATION])
def test_students_notation_is_read_as_its_ascii_form(text, expected):
    assert parse_function(text).expr == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="|"),
               max_size=40))
def test_ascii_without_bars_is_not_translated(text):
    assert parsing._translate(text) == text


def test_the_notation_reaches_points_too():
    assert parse_point("π/2, √2", 2) == (sp.pi / 2, sp.sqrt(2))
    assert parse_constant("−|−3|") == -3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x ≤ 1", "type <= instead"),
        ("x ≥ 1", "type >= instead"),
        ("x – 1", "type - instead"),
        ("x ÷ 2", "type / instead"),
        ("é", "type plain ASCII"),
        ("|x", "bar | is not closed"),
        ("√", "must be followed by"),
        ("√+x", "must be followed by"),
    ],
    ids=["le", "ge", "en-dash", "divide", "other-letter", "open-bar", "root-alone",
         "root-operator"],
)
def test_other_notation_is_refused_with_its_ascii_form(text, fragment):
    assert fragment in str(refused(parse_function, text))


# --- what the door refuses before anything else reads the text ------------------------------------

COMMENT_IMAGE = "log(0 #![](http://evil.example/a.png)\n)"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (COMMENT_IMAGE, "A # starts a comment"),
        ("x # a note", "A # starts a comment"),
        ("abs(x) + \\\n1", "backslash"),
        ("abs(x) +\n1", "one line"),
        ("abs(x)\r+ 1", "one line"),
        ("(10**29)**11*abs(x)", "about 1e319"),
        ("exp(9000)*x", "about 1e3908"),
        ("exp(700)*x", "about 1e304"),
        ("x/(pi - 314159265358979323846264338327/10**29)", "terms cancel"),
        ("(sqrt(2) - 14142135623730950488016887242/10**28)*x", "terms cancel"),
    ],
    ids=["comment-image", "comment", "line-continuation", "newline", "carriage-return",
         "folded-power", "exp-9000", "exp-700", "cancelling-pi", "cancelling-sqrt"],
)
def test_the_door_refuses_in_one_sentence(text, fragment):
    assert fragment in str(refused(parse_function, text))


def test_a_comment_is_refused_without_echoing_it():
    message = str(refused(parse_function, COMMENT_IMAGE))
    assert "evil" not in message and "![" not in message and "png" not in message


def test_numbers_up_to_1e300_are_kept_exactly():
    assert parse_function("(10**25)**12*x").expr == 10**300 * X
    assert parse_function("exp(690)*x").expr == sp.exp(690) * X
    refused(parse_function, "(10**25)**12*10*x")
    assert parse_point(10**300, 1) == (sp.Integer(10**300),)
    refused(parse_point, 10**301, 1)
    refused(parse_point, "(10**29)**11", 1)


def test_sums_that_floating_point_can_tell_apart_are_kept():
    expected = (sp.sqrt(2) - R(35355339, 25000000)) * X
    assert parse_function("(sqrt(2) - 1.41421356)*x").expr == expected
    assert parse_function("(pi - 3.14159)*x").expr == (sp.pi - R(314159, 100000)) * X


def test_the_length_is_checked_first():
    """Before strip or anything else: padding does not hide a text's size."""
    padded = " " * parsing.MAX_TEXT_LENGTH + "x"
    assert "too long" in str(refused(parse_function, padded))
    assert "too long" in str(refused(parse_constant, padded))
    assert "too long" in str(refused(parse_point, padded, 1))


def test_recursion_and_overflow_become_sentences(monkeypatch):
    for error in (RecursionError, OverflowError):
        def explode(*args, error=error, **kwargs):
            raise error("deep inside")
        monkeypatch.setattr(parsing, "_check_defined", explode)
        message = str(refused(parse_function, "x"))
        assert "deep inside" not in message


# --- every name in the table parses ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(allowed_names()), ids=str)
def test_every_allowed_name_parses_in_its_example(name):
    p = allowed_names()[name]
    example = re.sub(rf"\b{re.escape(p.name)}\b", name, p.example)
    assert re.search(rf"\b{re.escape(name)}\b", example)
    assert parse_function(example).expr == parse_function(p.example).expr


# --- points and constants -------------------------------------------------------------------------

POINTS = [
    ("0", 1, (0,), "zero"),
    ("1/2", 1, (R(1, 2),), "half"),
    ("-pi", 1, (-sp.pi,), "minus-pi"),
    ("sqrt(2)/2", 1, (sp.sqrt(2) / 2,), "radical"),
    ("1e-3", 1, (R(1, 1000),), "float-text"),
    ("2^-1", 1, (R(1, 2),), "caret"),
    ("\u22121", 1, (-1,), "unicode-minus"),
    ("1/2, sqrt(3)", 2, (R(1, 2), sp.sqrt(3)), "pair"),
    ("(1, 2)", 2, (1, 2), "pair-brackets"),
    ("(0,)", 1, (0,), "one-tuple-text"),
    (0, 1, (0,), "int"),
    (-3, 1, (-3,), "negative-int"),
    (0.1, 1, (R(1, 10),), "float-exact"),
    (-2.5e-7, 1, (R(-1, 4000000),), "float-small"),
    (Fraction(1, 3), 1, (R(1, 3),), "fraction"),
    (R(1, 3), 1, (R(1, 3),), "sympy-rational"),
    (sp.sqrt(2) / 2, 1, (sp.sqrt(2) / 2,), "sympy-radical"),
    (sp.Float(0.25), 1, (R(1, 4),), "sympy-float"),
    ((1, "sqrt(3)"), 2, (1, sp.sqrt(3)), "tuple-mixed"),
    ([0.5, sp.pi], 2, (R(1, 2), sp.pi), "list"),
]


@pytest.mark.parametrize(("value", "dim", "expected"), [p[:3] for p in POINTS],
                         ids=[p[3] for p in POINTS])
def test_points_stay_exact(value, dim, expected):
    point = parse_point(value, dim)
    assert point == expected
    for c in point:
        assert isinstance(c, sp.Expr) and not c.atoms(sp.Float)


HOSTILE_POINTS = [
    ("sqrt(-1)", 1, "imaginary"),
    ("1/0", 1, "division-by-zero"),
    ("log(0)", 1, "log-zero"),
    ("x", 1, "variable"),
    ("x + 1, 2", 2, "variable-in-pair"),
    ("9**9**9", 1, "tower"),
    ("1e999999999", 1, "float-overflow"),
    ("exp(exp(exp(9)))", 1, "exp-tower"),
    ("__import__('os')", 1, "import"),
    ("1, 2", 1, "too-many"),
    ("1", 2, "too-few"),
    ("(1, 2, 3)", 2, "three"),
    ("((1, 2), 3)", 2, "nested-tuple"),
    ("1 < 2", 1, "condition"),
    ("", 1, "empty"),
    ("oo", 1, "oo-name"),
    ("I", 1, "I-name"),
    ((1, 2, 3), 2, "tuple-too-long"),
    (True, 1, "bool"),
    (None, 1, "none"),
    (float("nan"), 1, "nan"),
    (float("inf"), 1, "inf"),
    (sp.I, 1, "sympy-I"),
    (sp.oo, 1, "sympy-oo"),
    (X, 1, "sympy-symbol"),
    (object(), 1, "object"),
]


@pytest.mark.parametrize(("value", "dim"), [p[:2] for p in HOSTILE_POINTS],
                         ids=[p[2] for p in HOSTILE_POINTS])
def test_hostile_points_are_refused(value, dim):
    refused(parse_point, value, dim)


def test_point_count_message():
    assert str(refused(parse_point, "1", 2)) == "The point needs 2 coordinates, like 0, 0."


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1/2", R(1, 2)), ("sqrt(2)/2", sp.sqrt(2) / 2), ("pi", sp.pi), ("-E", -sp.E),
     ("0.25", R(1, 4)), ("max(1, 2)", sp.Integer(2))],
    ids=["half", "radical", "pi", "minus-e", "float", "max"],
)
def test_constants(text, expected):
    assert parse_constant(text) == expected


@pytest.mark.parametrize("text", ["x", "1, 2", "sqrt(-1)", "1 < 2", "", "log(-1)"],
                         ids=["variable", "pair", "imaginary", "condition", "empty", "log-minus"])
def test_bad_constants_are_refused(text):
    refused(parse_constant, text)


# --- properties -----------------------------------------------------------------------------------

TOKENS = ["x", "y", "(", ")", "+", "-", "*", "/", "^", "**", ",", "abs", "max", "Piecewise",
          "9", ".", "e", "<", "&", "|", " "]


def _parses_or_refuses(text: str) -> None:
    try:
        result = parse_function(text)
    except InputError as err:
        assert_sentence(err)
    else:
        assert isinstance(result, ParsedFunction)
        assert isinstance(result.expr, sp.Expr)
        assert result.expr.free_symbols <= {X, Y}


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_refused(text):
    _parses_or_refuses(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_any_token_soup_parses_or_is_refused(text):
    _parses_or_refuses(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "pi", "sqrt", "1", "2"]), max_size=30).map("".join))
def test_any_point_text_parses_or_is_refused(text):
    try:
        point = parse_point(text, 2)
    except InputError as err:
        assert_sentence(err)
    else:
        assert len(point) == 2 and all(not c.free_symbols for c in point)


# --- the parser never evaluates text --------------------------------------------------------------


def test_parser_source_never_calls_an_evaluator():
    modules = sorted(Path(parsing.__file__).parent.glob("*.py"))
    assert len(modules) > 1  # the package's modules, not only its __init__
    for module in modules:
        source = module.read_text()
        found = re.findall(r"\b(eval|exec|sympify|parse_expr|lambdify|compile)\s*\(", source)
        assert not found, f"{module.name} calls {found}"
