"""Feedback on a 1D answer (an interval, a point, a finite set): right, too small, too large,
backwards, open, or a wrong endpoint, with the score of ``check``'s docstring.

Endpoints typed exactly are compared exactly (``verdict.same_number``); the overlap score is a
ratio of float lengths.

>>> from clarke_core.grading.answers import parse_answer
>>> from clarke_core.api import clarke_set
>>> compare_1d(parse_answer("[0, 1/2]", 1), clarke_set("relu(x)", "0"), "clarke", None).feedback
'Too small: the Clarke set is [0, 1]; your answer misses (0.5, 1].'
"""

from __future__ import annotations

import sympy as sp

from ..engine.sets import DifferentialSet
from .answers import ParsedAnswer
from .verdict import (
    CONTAINED_SCORE,
    NAMES,
    OPEN_END_PENALTY,
    Verdict,
    _sum_like,
    decimal_note,
    graded,
    same_number,
    show,
    show_set,
)


def _interval_text(lo, hi) -> str:
    return f"[{show(lo)}, {show(hi)}]"


def compare_1d(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                f: sp.Expr | None) -> Verdict:
    name = NAMES.get(kind, "set")
    exact = truth.exact
    t_lo, t_hi = truth.vertices[0][0], truth.vertices[-1][0]
    e_lo, e_hi = (exact[0][0], exact[-1][0]) if exact is not None else (None, None)
    shown = show_set(truth)

    def same(i: int, exact_value, approx: float) -> tuple[bool, bool]:
        return same_number(parsed.points[i][0], parsed.decimal[i], exact_value, approx)

    values = [float(p[0]) for p in parsed.points]
    notes: list[str] = []
    factor, penalty = 1.0, 0.0

    if parsed.form == "interval":
        a, b = values
        lo_i, hi_i = 0, 1
        same_ends, _ = same_number(parsed.points[0][0], False, parsed.points[1][0], b)
        if not same_ends and a > b:
            lo_i, hi_i = 1, 0
            factor = 0.5
            first, second = parsed.points[0][0], parsed.points[1][0]
            notes.append(f"{_interval_text(first, second)} is written backwards (the left end "
                         "must be the smaller one), so it is empty as written; read as "
                         f"{_interval_text(second, first)}:")
        open_ends = (not parsed.closed[0]) + (not parsed.closed[1])
        penalty = OPEN_END_PENALTY * open_ends
        (lo_ok, lo_approx), (hi_ok, hi_approx) = same(lo_i, e_lo, t_lo), same(hi_i, e_hi, t_hi)
        a, b = values[lo_i], values[hi_i]
        if lo_ok and hi_ok:
            if open_ends:
                closed = f"[{show(e_lo if exact else t_lo)}, {show(e_hi if exact else t_hi)}]"
                return graded(False, (1 - penalty) * factor, notes + [
                    f"The endpoints belong to the set: a {name} is always closed (it contains "
                    f"the limits of its elements), so write {closed}."])
            if factor < 1:
                return graded(False, factor, notes + ["that is the right set."])
            note = decimal_note(shown) if (lo_approx or hi_approx) else ""
            return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}")
        lo_v, hi_v = (a, b)
        finite = False
    else:
        lo_v, hi_v = min(values), max(values)
        finite = True
        matches = [same(i, e_lo, t_lo) for i in range(len(values))]
        if t_lo == t_hi and all(ok for ok, _ in matches):
            note = decimal_note(shown) if any(ap for _, ap in matches) else ""
            return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}")
        if parsed.form == "hull" and len(values) >= 2:
            finite = False  # conv{a, b} in 1D is an interval
            ends = [values.index(lo_v), values.index(hi_v)]
            (lo_ok, _), (hi_ok, _) = same(ends[0], e_lo, t_lo), same(ends[1], e_hi, t_hi)
            if lo_ok and hi_ok:
                return Verdict(True, 1.0, f"Right: the {name} is {shown}.")
    tol = 1e-12 * max(1.0, abs(t_lo), abs(t_hi))
    inside = lo_v >= t_lo - tol and hi_v <= t_hi + tol
    covers = lo_v <= t_lo + tol and hi_v >= t_hi - tol
    if penalty:
        notes.append(f"Also, a {name} is closed: use square brackets.")
    if finite or t_lo == t_hi or lo_v == hi_v:
        base = CONTAINED_SCORE if (inside or covers) else 0.0
    else:
        overlap = max(0.0, min(hi_v, t_hi) - max(lo_v, t_lo))
        base = overlap / (max(hi_v, t_hi) - min(lo_v, t_lo))
    score = max(0.0, base - penalty) * factor

    if finite and inside:
        if len(values) == 1:
            why = (f"{{{show(parsed.points[0][0])}}} is one element of the {name}, e.g. what "
                   f"autodiff returns at a kink, but the set is {shown}: every limit of nearby "
                   "slopes and everything in between.")
        else:
            why = (f"These are elements of the {name}, but a {name} is convex: it is the whole "
                   f"interval {shown}, not just some points of it.")
        return graded(False, score, [*notes, why])
    if inside and not covers:
        missing = []
        if lo_v > t_lo + tol:
            missing.append(f"[{show(e_lo if exact else t_lo)}, {lo_v:.6g})")
        if hi_v < t_hi - tol:
            missing.append(f"({hi_v:.6g}, {show(e_hi if exact else t_hi)}]")
        return graded(False, score, [*notes, f"Too small: the {name} is {shown}; your answer "
                                       f"misses {' and '.join(missing)}."])
    if covers and not inside:
        extra = []
        if lo_v < t_lo - tol:
            extra.append(f"[{lo_v:.6g}, {show(e_lo if exact else t_lo)})")
        if hi_v > t_hi + tol:
            extra.append(f"({show(e_hi if exact else t_hi)}, {hi_v:.6g}]")
        verb = "does" if len(extra) == 1 else "do"
        why = f"Too large: the {name} is {shown}; {' and '.join(extra)} {verb} not belong to it."
        if kind == "clarke" and f is not None and _sum_like(f):
            why += (" This looks like the sum rule, ∂(f + g) ⊆ ∂f + ∂g, which only gives a "
                    "superset: compute the limits of f' itself.")
        elif kind == "subdifferential":
            why += " Lines with those slopes cross the graph somewhere."
        return graded(False, score, [*notes, why])
    if finite:
        outside = [show(parsed.points[i][0]) for i, v in enumerate(values)
                   if not (t_lo - tol <= v <= t_hi + tol)]
        return graded(False, score, [*notes, f"{', '.join(outside)} is not in the {name}, "
                                       f"which is {shown}."])
    if hi_v < t_lo - tol or lo_v > t_hi + tol:
        return graded(False, score, [*notes, f"Your interval does not meet the {name} at "
                                       f"all: it is {shown}."])
    wrong = []
    if not same(lo_i, e_lo, t_lo)[0]:
        wrong.append(f"the left endpoint should be {show(e_lo if exact else t_lo)}, "
                     f"not {parsed.points[lo_i][0]}")
    if not same(hi_i, e_hi, t_hi)[0]:
        wrong.append(f"the right endpoint should be {show(e_hi if exact else t_hi)}, "
                     f"not {parsed.points[hi_i][0]}")
    return graded(False, score, [*notes, f"Wrong endpoint: {' and '.join(wrong)}."])
