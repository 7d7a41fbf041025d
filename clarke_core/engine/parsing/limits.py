"""The parser's limits and the characters it translates or refuses, all in one place.

Every limit is checked *before* sympy builds anything large (sympy hangs on ``9**9**9`` or
``1e999999999`` long before it could say no).
"""

from __future__ import annotations

import math

import sympy as sp

MAX_TEXT_LENGTH = 2000  # characters of typed text
MAX_DEPTH = 40  # nesting of brackets, calls and operators (a chain like a + b + c counts once)
MAX_NODES = 1500  # syntax-tree nodes
MAX_LITERAL_DIGITS = 30  # digits in one typed number
MAX_LITERAL_EXPONENT = 30  # |e| in a typed number such as 1e-3
MAX_NONSMOOTH = 200  # applications of abs, max, min, relu, Piecewise, sign, Heaviside
MAX_BRANCHES = 50  # branches of one Piecewise, arguments of one max or min
MAX_EXPONENT = 100  # |exponent| of a power with a constant exponent
# Digits any exact number may reach. Below Python's 4300-digit limit on int -> str, so every
# result can still be printed and rendered as LaTeX.
MAX_NUMBER_DIGITS = 4000
# sympy factors the integers under a fractional power (8**(2/3) -> 4), and for n**(p/q) it works
# on n**p: digits(n) * |p| (see _root_work) stays below this, or a 30-digit number to the power
# 99/100 takes seconds.
MAX_ROOT_DIGITS = 300

_LOG10_2 = math.log10(2)
# A constant argument this large (in absolute value) is refused for fast-growing functions
# (exp): exp(10**4) already has 4343 digits, and exp(exp(exp(9))) hangs sympy's evalf.
_FAST_GROWTH_ARGUMENT = 1e4
# Highest power of a sum allowed inside a non-rational constant exponent (see _costly_exponent).
_MAX_SUM_POWER = 4

# The largest size of any constant (a literal, or a constant part folded exactly, such as
# (10**29)**11): beyond it the engines' floating-point steps overflow (floats end near 1.8e308).
MAX_MAGNITUDE = 1e300
# Relative error of a constant's plain floating-point value (the sum of its terms' floats, as
# the engines compute it) beyond which the constant is refused: its terms cancel.
_CANCELLATION = 1e-6
_MAX_MAGNITUDE_EXACT = sp.Integer(10) ** 300

# The notation students type, translated to the parser's ASCII before the syntax tree is built
# (never evaluated): − (U+2212), ·, × and π here; |…| bars, √ and superscripts in _translate.
_REPLACEMENTS = {"\u2212": "-", "\u00b7": "*", "\u00d7": "*", "\u03c0": "pi"}
_SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b",
                         "0123456789-", strict=True))
_SUPERSCRIPT_RUN = "\u207b?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+"  # a pattern for re
_SQRT = "\u221a"
# Other characters students paste, each refused with the ASCII to type instead.
_ASCII_FORMS = {
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u00f7": "/", "\u2013": "-",
    "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2217": "*", "\u22c5": "*",
    "\u2219": "*", "\u02c6": "^", "\u2227": "&", "\u2228": "|", "\u00ac": "not",
    "\u221e": "a large number such as 10**6", "\u2044": "/", "\u2215": "/", "\u00a0": "a space",
    "\u2018": "no quotes", "\u2019": "no quotes", "\u201c": "no quotes", "\u201d": "no quotes",
    "\u03a0": "pi", "\u2148": "nothing (only real numbers are allowed)",
}
_OPEN, _CLOSE = "([{", ")]}"
_FLOAT_LITERAL = r"(?P<int>[0-9_]*)(?:\.(?P<frac>[0-9_]*))?(?:[eE](?P<exp>[-+]?[0-9_]+))?"
_UNDEFINED = (sp.nan, sp.zoo, sp.oo, -sp.oo)
