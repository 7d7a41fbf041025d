"""The vocabulary a primitive's calculus is written in: curvature, sign, monotonicity, branches,
homogeneity degrees and the autodiff tie rules (the table itself is ``primitives``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
import sympy as sp


class Curvature(Enum):
    """DCP-style curvature, used to certify convexity (and so Clarke set = subdifferential)."""

    CONSTANT = "constant"
    AFFINE = "affine"
    CONVEX = "convex"
    CONCAVE = "concave"
    UNKNOWN = "unknown"

    @property
    def is_convex(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONVEX)

    @property
    def is_concave(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONCAVE)


class Sign(Enum):
    """What is known of an expression's sign everywhere on its domain."""

    ZERO = "zero"
    NONNEGATIVE = "nonnegative"
    NONPOSITIVE = "nonpositive"
    UNKNOWN = "unknown"

    @property
    def is_nonneg(self) -> bool:
        return self in (Sign.ZERO, Sign.NONNEGATIVE)

    @property
    def is_nonpos(self) -> bool:
        return self in (Sign.ZERO, Sign.NONPOSITIVE)


class Monotonicity(Enum):
    """How a primitive moves with one argument (nondecreasing, nonincreasing, or neither)."""

    INCREASING = "increasing"
    DECREASING = "decreasing"
    NONE = "none"


# How an autodiff library shares the derivative of max/min among tied arguments.
SPLIT, HALF, FIRST = "split", "half", "first"
TIE_TEXT = {
    SPLIT: "split evenly: each of k tied arguments gets 1/k",
    HALF: "each tied argument gets Heaviside(0) = 1/2",
    FIRST: "the first tied argument gets 1, the others 0",
}
# The derivative as (exact value, float derivative) of one argument at the point.
Tangent = tuple[sp.Expr, float]


class NotHomogeneous(ValueError):
    """A degree rule's refusal; the message completes "<the expression> ..."."""


# A degree: a sympy Rational, or VANISHES for a part that is identically 0 (it has every degree).
VANISHES = "zero"


@dataclass(frozen=True)
class Branch:
    """One smooth branch of a nonsmooth primitive: ``value`` wherever ``condition`` holds first.

    ``condition`` is a sympy boolean, or a tuple of them meaning all must hold."""

    condition: sp.Basic | tuple
    value: sp.Expr


def common_degree(degrees: list, what: str):
    """The one degree shared by the parts that do not vanish (VANISHES when all do).

    >>> common_degree([sp.Integer(1), VANISHES], "max or min")
    1
    """
    known = {d for d in degrees if d is not VANISHES}
    if not known:
        return VANISHES
    if len(known) > 1:
        pair = " and ".join(str(d) for d in sorted(known, key=float)[:2])
        raise NotHomogeneous(f"mixes degrees {pair} in a {what}")
    return known.pop()


def scale_invariant(value_at_zero: int) -> Callable[[list], object]:
    """A step of a homogeneous argument: degree 0 (unchanged by scaling x by α > 0); of a
    vanishing argument, the constant value at 0."""
    def degree(degrees: list):
        if degrees[0] is VANISHES:
            return VANISHES if value_at_zero == 0 else sp.Integer(0)
        return sp.Integer(0)
    return degree


def is_zero(value: sp.Expr) -> bool:
    """Whether an exact value is 0 (sympy's assumptions, then ``simplify``).

    >>> is_zero(sp.sin(sp.pi / 7) ** 2 + sp.cos(sp.pi / 7) ** 2 - 1), is_zero(sp.pi - 3)
    (True, False)
    """
    if value.is_zero is not None:
        return bool(value.is_zero)
    return bool(sp.simplify(value) == 0)


# --- numpy implementations (Primitive.numeric) -------------------------------------------------


def np_max(*args):
    return functools.reduce(np.maximum, args)


def np_min(*args):
    return functools.reduce(np.minimum, args)


def np_heaviside(u, h0=0.5):
    u = np.asarray(u)
    if np.iscomplexobj(u):  # callers that look for complex values: real where the input is
        u = np.where(u.imag == 0, u.real, np.nan)
    return np.heaviside(u, h0)
