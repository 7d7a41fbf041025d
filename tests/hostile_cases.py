"""The shared table of hostile input: what strangers may type into the app, the CLI or a URL.

Every case must be answered or refused with one clear sentence (``InputError``), and nothing
injected may run; what keeps each one cheap is a limit that is enforced (the parser refuses it,
or the sandbox kills the worker), never a timing the tests measure. ``{marker}`` in a payload
is replaced by a file path under the test's ``tmp_path``: a payload that ran would create that
file (the tests assert it does not exist).

Tables (each row starts with an id):

- ``FUNCTIONS``: (id, expression) — hostile function text, asked at ``0`` (1D) or ``0, 0``.
- ``POINTS``: (id, expression, point) — a fine function with a hostile point.
- ``ANSWERS``: (id, expression, point, answer) — a fine question with a hostile answer.
- ``CLI_IDS``: the ids of ``FUNCTIONS`` and ``POINTS`` also run through ``python -m clarke_core``.
- ``PAGES``: (id, page, how, f, at) — page cases; ``how`` is ``"url"`` (query parameters) or
  ``"typed"`` (the text inputs).
"""

from __future__ import annotations

ZWSP = "\u200b"
FULLWIDTH_X = "\uff58"  # ｘ
CYRILLIC_E = "\u0435"  # е, looks like Latin e

TOUCH = "__import__('os').system('touch {marker}')"
OPEN = "open('{marker}', 'w').write('x')"

INJECTION = [
    ("import-os-system", TOUCH),
    ("import-os-plus-x", TOUCH + " + x"),
    ("open-write", OPEN),
    ("exec", "exec(\"open('{marker}', 'w')\")"),
    ("eval", "eval(\"open('{marker}', 'w')\")"),
    ("compile", "compile('1', 'f', 'eval')"),
    ("dunder-class-subclasses", "().__class__.__base__.__subclasses__()"),
    ("dunder-on-x", "x.__class__"),
    ("dunder-globals", "abs.__globals__"),
    ("dunder-builtins-name", "__builtins__"),
    ("dunder-builtins-index", "__builtins__['open']('{marker}', 'w')"),
    ("dunder-import-name", "__import__"),
    ("getattr-call", "getattr(x, '__class__')"),
    ("getattr-os", "getattr(__import__('os'), 'system')('touch {marker}')"),
    ("lambda", "(lambda: open('{marker}', 'w'))()"),
    ("lambda-x", "lambda x: x"),
    ("import-statement", "import os"),
    ("import-semicolon", "x; import os; os.system('touch {marker}')"),
    ("newline-statement", "x\nopen('{marker}', 'w')"),
    ("string-literal", "'abc'"),
    ("string-concat", "'__im' + 'port__'"),
    ("bytes-literal", "b'x'"),
    ("f-string", "f'{{open(\"{marker}\", \"w\")}}'"),
    ("walrus", "(y := open('{marker}', 'w'))"),
    ("list-comprehension", "[open('{marker}', 'w') for i in range(1)]"),
    ("generator", "sum(i for i in range(10**9))"),
    ("attribute-sympy", "x.func"),
    ("sympy-name-sympify", "sympify('x')"),
    ("sympy-name-Symbol", "Symbol('z')"),
    ("subscript", "x[0]"),
    ("keyword-argument", "abs(x, evaluate=False)"),
    ("starred", "max(*[x, 1])"),
    ("dict-literal", "{'a': x}"),
    ("set-literal", "{x, 1}"),
    ("conditional-expr", "x if x > 0 else -x"),
    ("unicode-fullwidth-x", FULLWIDTH_X + " + 1"),
    ("unicode-fullwidth-abs", "\uff41\uff42\uff53(x)"),
    ("unicode-cyrillic-e-exp", CYRILLIC_E + "xp(x)"),
    ("unicode-fullwidth-import", "\uff3f\uff3fimport\uff3f\uff3f('os')"),
    ("zero-width-space", "abs(x)" + ZWSP),
    ("zero-width-in-name", "ab" + ZWSP + "s(x)"),
    ("zero-width-dunder", "_" + ZWSP + "_import__('os')"),
    ("bidi-override", "\u202eabs(x)"),
    ("nul-byte", "abs(x)\0"),
    ("backslash-escape", "\\x61bs(x)"),
    ("comment", "x # __import__('os')"),
    ("comment-image", "log(0 #![](http://evil.example/a.png)\n)"),
    ("line-continuation", "abs(x) + \\\n1"),
    ("ellipsis", "..."),
    ("await", "await x"),
    ("yield", "(yield x)"),
]

EXHAUSTION = [
    ("power-tower-9", "9**9**9"),
    ("power-tower-10", "10**10**10"),
    ("power-tower-caret", "9^9^9"),
    ("power-tower-x", "x**9**9**9"),
    ("float-exponent-huge", "1e999999999"),
    ("float-exponent-huge-x", "1e999999999*x"),
    ("huge-integer-literal", "1" + "0" * 4000),
    ("huge-integer-times-x", "9" * 300 + "*x"),
    ("long-input-5000", "x + " * 1249 + "x"),
    ("deep-nesting-300", "(" * 300 + "x" + ")" * 300),
    ("deep-abs-nesting-300", "abs(" * 300 + "x" + ")" * 300),
    ("deep-unary-minus", "-" * 3000 + "x"),
    ("abs-terms-1000", " + ".join(f"abs(x - {k})" for k in range(1000))),
    ("abs-terms-300-short", "+".join("abs(x)" for _ in range(300))),
    ("piecewise-60", "Piecewise(" + ", ".join(f"({k}*x, x < {k})" for k in range(60))
     + ", (0, True))"),
    ("max-60-args", "max(" + ", ".join(f"{k}*x" for k in range(60)) + ")"),
    ("factorial-huge", "factorial(10**8)"),
    ("exp-exp-exp", "exp(exp(exp(100)))"),
    ("exp-huge", "exp(10**30)*x"),
    ("power-of-x-huge", "x**(10**8)"),
    ("expand-bomb", "(x + 1)**100 * (x - 1)**100"),
    ("sqrt-tower", "sqrt(" * 30 + "2" + ")" * 30 + "*x"),
    ("rational-huge", "1/" + "7" * 29 + "**99"),
    ("sin-huge-argument", "sin(10**29*x)"),
    # Issue 12: values beyond floating point, once crashes (OverflowError, JSON inf, 0.0**-1).
    ("exp-9000", "exp(9000)*x"),
    ("folded-power-1e319", "(10**29)**11*abs(x)"),
    ("cancelling-constant", "x/(pi - 314159265358979323846264338327/10**29)"),
]

MALFORMED = [
    ("empty", ""),
    ("blank", "   "),
    ("unbalanced-open", "abs(x"),
    ("unbalanced-close", "abs(x))"),
    ("operator-only", "+"),
    ("trailing-operator", "x +"),
    ("double-star-only", "**"),
    ("unknown-function", "foo(x)"),
    ("unknown-variable", "z + 1"),
    ("three-variables", "x + y + z"),
    ("wrong-arity-abs", "abs(x, y)"),
    ("empty-call", "abs()"),
    ("comparison", "x < 1"),
    ("boolean", "x and y"),
    ("piecewise-bad", "Piecewise(x)"),
    ("piecewise-no-true", "Piecewise((x, x < 0))"),
    ("assignment", "x = 1"),
    ("tuple", "(x, 1)"),
    ("matrix-mult", "x @ x"),
    ("floor-div", "x // 2"),
    ("modulo", "x % 2"),
    ("bit-ops", "x & 1"),
    ("number-only-nan", "nan"),
    ("zoo", "zoo*x"),
    ("division-by-zero", "1/0 + x"),
    ("emoji", "\U0001f600(x)"),
    ("latex", "\\frac{1}{x}"),
    ("tab-and-newlines", "\t\n\n"),
    ("only-comma", ","),
]

FUNCTIONS = INJECTION + EXHAUSTION + MALFORMED

POINTS = [
    ("point-x", "abs(x)", "x"),
    ("point-zero-division", "abs(x)", "1/0"),
    ("point-sqrt-negative", "abs(x)", "sqrt(-1)"),
    ("point-nan", "abs(x)", "nan"),
    ("point-inf", "abs(x)", "inf"),
    ("point-oo", "abs(x)", "oo"),
    ("point-minus-oo", "abs(x)", "-oo"),
    ("point-zoo", "abs(x)", "zoo"),
    ("point-three-coordinates", "abs(x)", "(1, 2, 3)"),
    ("point-two-for-1d", "abs(x)", "1, 2"),
    ("point-one-for-2d", "abs(x) + abs(y)", "1"),
    ("point-empty", "abs(x)", ""),
    ("point-injection", "abs(x)", TOUCH),
    ("point-lambda", "abs(x)", "(lambda: open('{marker}', 'w'))()"),
    ("point-power-tower", "abs(x)", "9**9**9"),
    ("point-huge-exponent", "abs(x)", "1e999999999"),
    ("point-huge-literal", "abs(x)", "1" * 5000),
    ("point-long-text", "abs(x)", "1+" * 2500 + "1"),
    ("point-fullwidth-digit", "abs(x)", "\uff11"),
    ("point-string", "abs(x)", "'0'"),
    ("point-exp-exp", "abs(x)", "exp(exp(exp(100)))"),
    ("point-log-zero", "abs(x)", "log(0)"),
    ("point-outside-domain", "sqrt(x)", "-1"),
    ("point-undefined", "1/x", "0"),
    ("point-undefined-2d", "log(x) + y", "0, 0"),
    # Fine functions at points where they are astronomically large (e**(2.7e43)).
    ("point-exp-tower-1d", "exp(exp(exp(x)))", "100"),
    ("point-exp-tower-2d", "exp(exp(exp(x + y)))", "50, 50"),
    ("point-variable-power", "abs(x) + 2**(x**3)", "30"),
]

ANSWERS = [
    ("answer-injection", "max(0, x)", "0", TOUCH),
    ("answer-open", "max(0, x)", "0", OPEN),
    ("answer-lambda", "max(0, x)", "0", "(lambda: open('{marker}', 'w'))()"),
    ("answer-dunder", "max(0, x)", "0", "().__class__.__base__.__subclasses__()"),
    ("answer-power-tower", "max(0, x)", "0", "[0, 9**9**9]"),
    ("answer-huge-exponent", "max(0, x)", "0", "[0, 1e999999999]"),
    ("answer-huge-literal", "max(0, x)", "0", "[0, " + "9" * 5000 + "]"),
    ("answer-empty", "max(0, x)", "0", ""),
    ("answer-gibberish", "max(0, x)", "0", "[[[[,,,]"),
    ("answer-deep", "max(0, x)", "0", "[" * 300 + "0" + "]" * 300),
    ("answer-nan", "max(0, x)", "0", "[nan, 1]"),
    ("answer-oo", "max(0, x)", "0", "[-oo, oo]"),
    ("answer-wrong-dim", "max(0, x)", "0", "conv{(1, 1), (0, 0)}"),
    ("answer-conv-many", "abs(x) + abs(y)", "0, 0",
     "conv{" + ", ".join(f"({k}, {k})" for k in range(2000)) + "}"),
    ("answer-fullwidth", "max(0, x)", "0", "[\uff10, \uff11]"),
    ("answer-zero-width", "max(0, x)", "0", "[0," + ZWSP + " 1]"),
]

CLI_IDS = [
    "import-os-system", "open-write", "dunder-class-subclasses", "lambda", "f-string", "walrus",
    "list-comprehension", "unicode-fullwidth-x", "unicode-cyrillic-e-exp", "zero-width-space",
    "power-tower-9", "power-tower-10", "float-exponent-huge", "huge-integer-literal",
    "deep-nesting-300", "abs-terms-1000", "piecewise-60", "factorial-huge", "exp-exp-exp",
    "unbalanced-open", "unknown-function", "point-zero-division", "point-nan", "point-oo",
    "point-three-coordinates", "point-injection", "point-exp-tower-1d", "exp-9000",
    "folded-power-1e319", "cancelling-constant", "comment-image", "line-continuation",
]

PAGES = [
    # id, page, how, f, at
    ("1d-url-injection", "clarke_1d", "url", TOUCH, "0"),
    ("1d-url-power-tower", "clarke_1d", "url", "9**9**9", "0"),
    ("1d-url-bad-point", "clarke_1d", "url", "abs(x)", "1/0"),
    ("1d-url-html", "clarke_1d", "url", "<script>alert(1)</script>", "0"),
    ("1d-typed-dunder", "clarke_1d", "typed", "().__class__.__base__.__subclasses__()", "0"),
    ("1d-typed-factorial", "clarke_1d", "typed", "factorial(10**8)", "0"),
    ("1d-typed-fullwidth", "clarke_1d", "typed", FULLWIDTH_X + " + 1", "0"),
    ("2d-url-injection", "clarke_2d", "url", OPEN, "0, 0"),
    ("2d-url-deep", "clarke_2d", "url", "(" * 300 + "x" + ")" * 300, "0, 0"),
    ("2d-url-bad-point", "clarke_2d", "url", "abs(x) + abs(y)", "(1, 2, 3)"),
    ("2d-typed-huge-exponent", "clarke_2d", "typed", "1e999999999*x + y", "0, 0"),
    ("2d-typed-lambda", "clarke_2d", "typed", "(lambda: open('{marker}', 'w'))()", "0, 0"),
    ("subgradients-url-exp-9000", "subgradients", "url", "exp(9000)*x", "0"),
    ("subgradients-url-cancelling", "subgradients", "url",
     "x/(pi - 314159265358979323846264338327/10**29)", "1"),
    ("subgradients-url-comment", "subgradients", "url",
     "log(0 #![](http://evil.example/a.png)\n)", "0"),
    ("homework-injection", "homework_checker", "answer", TOUCH, ""),
    ("homework-power-tower", "homework_checker", "answer", "[0, 9**9**9]", ""),
    ("homework-gibberish", "homework_checker", "answer", "[[[[,,,]", ""),
]


def by_id(table: list[tuple], ids: list[str]) -> list[tuple]:
    """The rows of ``table`` whose id is in ``ids``, in the order of ``ids``."""
    rows = {row[0]: row for row in table}
    return [rows[i] for i in ids if i in rows]
