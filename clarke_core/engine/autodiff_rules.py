"""What each autodiff library returns at a primitive's kink: the ``kink`` values and
``autodiff`` rules the table in ``primitives`` carries (emulated and checked in labs/autodiff).

The args and parts reach these rules in the order the student TYPED them (labs/autodiff reads
the typed program), and a typed relu(u) comes to relu's rule, a typed max(u, 0) to max's.

>>> import sympy as sp
>>> relu_autodiff("JAX", [sp.Integer(0)], [(sp.Integer(0), 1.0)])
0.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy as sp

from .calculus import FIRST, HALF, Tangent, is_zero

__all__ = ["ABS_KINK", "HEAVISIDE_KINK", "PAIRWISE", "RELU_KINK", "STEP_KINK", "TIE",
           "abs_autodiff", "extremum_autodiff", "relu_autodiff", "step_autodiff"]

# PAIRWISE: an n-ary max/min is the nested binary call (torch.maximum, jnp.maximum, np.maximum
# from the left), and each binary tie gives 1/2 to each side: max(x, 2x, 3x)'(0) = 9/4.
PAIRWISE = "pairwise"
RELU_KINK = {"PyTorch": 0.0, "JAX": 0.0, "SymPy": 0.5, "CVXPY": 1.0, "autograd": 0.5}
ABS_KINK = {"PyTorch": 0.0, "JAX": 1.0, "SymPy": 0.0, "CVXPY": 0.0, "autograd": 0.0}
TIE = {"PyTorch": PAIRWISE, "JAX": PAIRWISE, "SymPy": HALF, "CVXPY": FIRST,
       "autograd": PAIRWISE}
# sign' and Heaviside' at 0; None: undefined (sympy's DiracDelta)
STEP_KINK = {"PyTorch": 0.0, "JAX": 0.0, "SymPy": None, "CVXPY": 0.0, "autograd": 0.0}
# No derivative of heaviside at all (NaN here): autograd.numpy.heaviside has no VJP (grad raises
# NotImplementedError); torch.heaviside's backward raises "derivative for aten::heaviside is not
# implemented" (pytorch/pytorch#148856)
HEAVISIDE_KINK = {**STEP_KINK, "PyTorch": math.nan, "autograd": math.nan}


def _positive(u: sp.Expr) -> bool:
    return bool(u.is_positive or float(u) > 0)


def abs_autodiff(library: str, args: Sequence[sp.Expr], parts: list[Tangent]) -> float:
    ((u, du),) = parts
    slope = ABS_KINK[library] if is_zero(u) else (1.0 if _positive(u) else -1.0)
    return slope * du


def relu_autodiff(library: str, args: Sequence[sp.Expr], parts: list[Tangent]) -> float:
    ((u, du),) = parts
    slope = RELU_KINK[library] if is_zero(u) else (1.0 if _positive(u) else 0.0)
    return slope * du


def extremum_autodiff(library: str, args: Sequence[sp.Expr], parts: list[Tangent],
                       larger: bool) -> float:
    if TIE[library] == PAIRWISE:  # fold from the left, as nested binary calls do
        value, d = parts[0]
        for v, dv in parts[1:]:
            gap = v - value
            if is_zero(gap):
                d = 0.5 * d + 0.5 * dv
            elif _positive(gap) == larger:
                value, d = v, dv
        return d
    values = [v for v, _ in parts]
    best = sp.Max(*values) if larger else sp.Min(*values)
    tied = [d for v, d in parts if is_zero(v - best)]
    if len(tied) == 1 or TIE[library] == FIRST:
        return tied[0]
    return 0.5 * math.fsum(tied)  # HALF


def step_autodiff(kinks: dict[str, float | None]):
    def rule(library: str, args: Sequence[sp.Expr], parts: list[Tangent]) -> float:
        u, du = parts[0]  # Heaviside's second argument is its constant value at 0
        step = kinks[library]
        if step is not None and math.isnan(step):
            return math.nan  # the library cannot differentiate it anywhere
        slope = (math.nan if step is None else step) if is_zero(u) else 0.0
        return slope * du if du else 0.0
    return rule
