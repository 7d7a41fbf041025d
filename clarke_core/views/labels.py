"""Numbers as short plain text for labels and sentences: floats with 4 digits, sympy numbers with
√ and π (plotly draws no LaTeX in legends and hover text).
"""

from __future__ import annotations

import math


def fmt(v: float) -> str:
    """A number for labels: integers without decimals, others with 4 significant digits.

    >>> fmt(1.0), fmt(-0.0), fmt(2 ** 0.5), fmt(-1.5e-7)
    ('1', '0', '1.414', '-1.5e-07')
    """
    if not math.isfinite(v):
        return "∞" if v > 0 else "-∞" if v < 0 else "undefined"
    if abs(v - round(v)) < 1e-12:
        return str(int(round(v)))
    return f"{v:.4g}"


def exact_label(value: object) -> str:
    """A sympy number as short plain text for a figure (√ for sqrt, π for pi, ^ for powers).

    >>> import sympy as sp
    >>> exact_label(-2 * sp.sqrt(2)), exact_label(sp.Rational(1, 2)), exact_label(sp.pi / 4)
    ('-2√2', '1/2', 'π/4')
    """
    text = str(value).replace("**", "^").replace("*", "")
    text = text.replace("sqrt", "√").replace("pi", "π")
    # √(2) -> √2 when the radicand is a plain number or name
    out, i = [], 0
    while i < len(text):
        if text[i] == "√" and i + 1 < len(text) and text[i + 1] == "(":
            j = text.find(")", i)
            inner = text[i + 2 : j]
            if j > 0 and inner.replace(".", "").isalnum():
                out.append("√" + inner)
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)
