"""The live table under an animated sequence: i, xᵢ, f(xᵢ) and ∇f(xᵢ) at each step, as the
lecture writes them (xᵢ = −2, −3/2, …): exact where the number is exact, else "≈" and 4 digits.

A sequence's points are floats of x₀ + hᵢ·d. A coordinate whose step from x₀ is a fraction with a
small denominator (a ± h·2⁻ⁱ usually is) is x₀'s exact coordinate plus that fraction (1/3 + 1/2
is 5/6, not ≈ 0.8333), and where every coordinate is exact, f and f′ are worked out exactly.

>>> number(-1.5), number(0.1), number(2.0 ** -0.5)
('−3/2', '≈ 0.1', '≈ 0.7071')
>>> vector((5 / 6, 1 / 2 + 2.0 ** -0.5), exact_point((5 / 6, 1 / 2 + 2.0 ** -0.5),
...                                             (sp.Rational(1, 3), sp.Rational(1, 2))))
'≈ (5/6, 1.207)'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from ..engine import printing
from ..engine.sets import DifferentialSet, GradientSequence

MAX_DENOMINATOR = 4096
# A step hᵢ = h·2⁻ⁱ from x₀: h a fraction (half the way to the next kink: 1/6), i up to 12.
STEP_DENOMINATOR = 2**16
MAX_CHARS = 14  # an exact value longer than this (sin(4/9)·16/81) is shown by its digits


@dataclass(frozen=True)
class Step:
    """One row of the live table: the step ``i`` ("1", "2", …, "∞" for the limit) and the
    point, value and gradient there, as page text."""

    i: str
    x: str
    value: str
    gradient: str


def fraction(v: float) -> sp.Rational | None:
    """``v`` as a fraction when the float is exactly one with a small denominator.

    >>> fraction(-1.25), fraction(1 / 3)
    (-5/4, None)
    """
    if not math.isfinite(v):
        return None
    q = sp.Rational(v)  # the float's exact value
    return q if q.q <= MAX_DENOMINATOR else None


def exact_point(p: Sequence[float], base: Sequence[sp.Expr]) -> tuple[sp.Expr | None, ...]:
    """The exact coordinates that the float point ``p`` of a sequence towards ``base`` stands
    for: ``base``'s coordinate plus the step when the step is a fraction (denominator at most
    ``STEP_DENOMINATOR``) that reproduces the float to rounding; None for a coordinate whose
    step is not one.

    >>> exact_point((1 / 3 + 0.25, 2.0 ** 0.5, 0.1), (sp.Rational(1, 3), sp.sqrt(2), sp.S(0)))
    (7/12, sqrt(2), 1/10)
    >>> exact_point((1 / 3 - 2.0 ** -10 / 6, 1 / 3 + 2.0 ** -0.5), (sp.Rational(1, 3),) * 2)
    (2047/6144, None)
    """
    out: list[sp.Expr | None] = []
    for c, b in zip(p, base, strict=True):
        try:
            bf = float(b)
        except TypeError:
            out.append(None)
            continue
        if not (math.isfinite(c) and math.isfinite(bf)):
            out.append(None)
            continue
        # c is float(b) + (the step, rounded): a few ulps of slack, never more.
        step = sp.Rational(c - bf).limit_denominator(STEP_DENOMINATOR)
        slack = 2 * math.ulp(max(abs(c), abs(bf), math.ulp(0.0)))
        out.append(b + step if abs(bf + float(step) - c) <= slack else None)
    return tuple(out)


def _exact_text(e: sp.Expr | None) -> str | None:
    if e is None or not e.is_number or e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    text = printing.unicode(e, minus="−")
    return text if e.is_Rational or len(text) <= MAX_CHARS else None


def number(v: float, exact: sp.Expr | None = None) -> str:
    """A number of the table: ``exact`` (or the fraction ``v`` is) when short, else ≈ digits."""
    text = _exact_text(exact) or _exact_text(fraction(v))
    if text is not None:
        return text
    return "≈ " + printing.decimal(v).replace("-", "−")


def exact_number(e: object) -> str:
    """An exact number as the table prints it (``number`` of its value, knowing it exactly).

    >>> exact_number(sp.Rational(-3, 4)), exact_number(-sp.sqrt(2))
    ('−3/4', '−√2')
    """
    if isinstance(e, int) and not isinstance(e, bool):
        e = sp.Integer(e)
    if not isinstance(e, sp.Expr):  # never text: nothing here parses
        raise TypeError(f"exact_number takes an exact number, not {type(e).__name__}")
    return number(float(e), e)


def vector(vs: Sequence[float], exact: Sequence[sp.Expr | None] | None = None) -> str:
    """A point or gradient of the plane as ``(a, b)``, each coordinate as ``number`` prints it
    (``exact[k]``, where known, is coordinate k exactly); one coordinate alone as that number;
    "≈" in front when some coordinate is only known by its digits."""
    parts = [number(v, exact[k] if exact else None) for k, v in enumerate(vs)]
    if len(parts) == 1:
        return parts[0]
    return "(" + ", ".join(p.replace("≈ ", "") for p in parts) + ")" if all(
        not p.startswith("≈") for p in parts) else "≈ (" + ", ".join(
        p.replace("≈ ", "") for p in parts) + ")"


def _limit_exact(dset: DifferentialSet, target: Sequence[float]) -> tuple[sp.Expr, ...] | None:
    """The exact vertex of ``dset`` that ``target`` is, if any."""
    if dset.exact is None or len(dset.exact) != len(dset.vertices):
        return None
    for v, e in zip(dset.vertices, dset.exact, strict=True):
        if len(v) == len(target) and all(
                abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(v, target, strict=True)):
            return tuple(e)
    return None


def sequence_steps(
    seq: GradientSequence, dset: DifferentialSet, point: Sequence[sp.Expr], value: sp.Expr,
    exact_at: Callable[[tuple[sp.Expr, ...]], tuple[sp.Expr | None, tuple | None]],
    values: Sequence[float],
) -> tuple[Step, ...]:
    """The rows of one sequence, step by step, then its limit (i = ∞: x₀, f(x₀), the limit).

    ``exact_at(q)`` gives f and its gradient exactly at a point whose coordinates are all
    known exactly (``exact_point`` from ``point``; None where it cannot); ``values`` are f(xᵢ)
    as floats.
    """
    rows = []
    for k, (p, g) in enumerate(zip(seq.points, seq.gradients, strict=True)):
        q = exact_point(p, point)
        f_exact, g_exact = exact_at(q) if all(c is not None for c in q) else (None, None)
        rows.append(Step(str(k + 1), vector(p, q), number(values[k], f_exact),
                         vector(g, g_exact)))
    limit = _limit_exact(dset, seq.target)
    rows.append(Step("∞", vector([float(c) for c in point], list(point)),
                     number(float(value), value), vector(seq.target, limit)))
    return tuple(rows)
