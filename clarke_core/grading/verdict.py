"""What a grade is made of: ``Verdict``, the tolerances and scores, exact comparison of numbers,
and the small pieces of prose (a set, a vector) that the 1D and 2D feedback share.

>>> same_number(sp.sqrt(2) / 2, False, 1 / sp.sqrt(2), 0.7071067811865476)
(True, False)
>>> show_set(DifferentialSet("interval", [(0.0,), (1.0,)], [(0,), (1,)]))
'[0, 1]'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ..engine import printing
from ..engine.primitives import nonsmooth_funcs
from ..engine.sets import DifferentialSet, SetKind
from ..errors import UndecidedError

DECIMAL_TOLERANCE = 1e-6  # relative, for coordinates typed as decimals
EXACT_TOLERANCE_2D = 1e-9  # relative, 2D comparisons of exact answers (floating point)
CURVED_TOLERANCE = 2e-3  # sets with a curved boundary are polygons within 1e-3
OPEN_END_PENALTY = 0.25
CONTAINED_SCORE = 0.25
MAX_WRONG_SCORE = 0.9
KINDS = ("clarke", "subdifferential", "member", "homogeneity", "lipschitz")
SET_KINDS = ("clarke", "subdifferential")
NAMES = {"clarke": "Clarke set", "subdifferential": "subdifferential"}
# Verdict.diagnosis: the grader's case, one word each (the meaning, for a lecturer's tally).
DIAGNOSES = {
    "right": "the right answer",
    "backwards": "the right interval written backwards",
    "open_ends": "the right endpoints with an open end",
    "one_value": "one element of the set, such as an autodiff value at a kink",
    "some_points": "some points of the set, not their convex hull",
    "too_small": "a part of the set",
    "too_large": "a superset of the set",
    "sum_rule": "a superset from the sum rule",
    "outside": "points outside the set",
    "disjoint": "an interval that misses the set",
    "wrong_endpoint": "a wrong endpoint",
    "not_the_set": "a set that neither contains nor lies in the set",
    "other_set": "the other set (the subdifferential for the Clarke set, or back)",
    "not_empty": "empty, where the set is not",
    "should_be_empty": "a set, where the set is empty",
    "exists": "undefined, where f is locally Lipschitz",
    "not_lipschitz": "a set, where f is not locally Lipschitz",
    "wrong_yes_no": "the wrong yes or no",
    "wrong_degree": "a wrong degree of homogeneity",
}


@dataclass(frozen=True)
class Verdict:
    """A graded answer: ``correct``, ``score`` in [0, 1] and ``feedback`` (never empty).

    ``answer_latex`` is the answer as parsed, for showing back (empty when not applicable).
    ``diagnosis`` is the grader's case in one machine-readable word (``DIAGNOSES``: "right",
    "sum_rule", "one_value", "open_ends", "other_set", ...; empty when not given), for counting
    mistakes and for feedback that says what is wrong without the set.
    """

    correct: bool
    score: float
    feedback: str
    answer_latex: str = ""
    diagnosis: str = ""

    def __post_init__(self) -> None:
        if not self.feedback:
            raise ValueError("a Verdict needs feedback")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")


@lru_cache(maxsize=512)
def _sum_like(f: sp.Expr) -> bool:
    """Whether f is a sum of two or more nonsmooth terms (where the sum rule tempts)."""
    nonsmooth = nonsmooth_funcs()
    return isinstance(f, sp.Add) and sum(1 for t in f.args if t.has(*nonsmooth)) >= 2


# --- comparing numbers --------------------------------------------------------------------------


UNDECIDED_DIGITS = (100, 1000)  # digits, with evalf's error bound, tried when sign_of gives up


def _sign(c: sp.Expr) -> int:
    """The exact sign of an engine value (sympy, int or float, never text).

    ``sign_of`` first; where it gives up, sympy's assumptions, then ``UNDECIDED_DIGITS`` digits
    with a proven error bound (``strict=True``). Never a float tolerance: a value that stays
    undecided raises ``UndecidedError`` (the grader says it cannot decide rather than guess).
    """
    from ..engine.local import sign_of
    from ..errors import NotFiniteError

    if not isinstance(c, sp.Basic):
        c = sp.Float(c) if isinstance(c, float) else sp.Integer(c)
    try:
        return sign_of(c)
    except NotFiniteError:
        raise
    except UndecidedError:
        pass
    if c.is_positive:
        return 1
    if c.is_negative:
        return -1
    for digits in UNDECIDED_DIGITS:
        try:
            value = sp.N(c, digits, strict=True)
        except (sp.core.evalf.PrecisionExhausted, ValueError, TypeError):
            continue
        re, im = value.as_real_imag()
        if im == 0 and re != 0:
            return 1 if re > 0 else -1
    raise UndecidedError(f"Clarke Lab could not decide whether {c} is exactly zero.")


def same_number(a: sp.Expr, decimal: bool, exact: sp.Expr | None,
                approx: float) -> tuple[bool, bool]:
    """Whether the typed ``a`` equals the true value; and whether only within the tolerance."""
    if exact is None:
        return abs(float(a) - approx) <= DECIMAL_TOLERANCE * max(1.0, abs(approx)), decimal
    difference = a - exact
    if difference == 0:
        return True, False
    if decimal:
        return abs(float(difference)) <= DECIMAL_TOLERANCE * max(1.0, abs(approx)), True
    try:
        return _sign(difference) == 0, False
    except UndecidedError:
        raise UndecidedError(
            f"The grader could not decide exactly whether {a} equals {exact}, and it does not "
            "guess with a tolerance: ask your teacher to check this answer by hand.") from None


def decimal_note(exact) -> str:
    """The note on a right answer typed in decimals: accepted, but the exact form is better."""
    return (f" (Accepted: your decimals are within {DECIMAL_TOLERANCE:g} (relative) of the exact "
            f"values in {exact}; prefer the exact form.)")


# Numbers, points and sets in feedback: the one printer's plain forms (what a student types back).
show = printing.number_text
vec = printing.vector_text
show_set = printing.show_set


def do_word(items: list) -> str:
    """'does' for one item, 'do' for several."""
    return "does" if len(items) == 1 else "do"


def graded(correct: bool, score: float, parts: list[str], diagnosis: str = "") -> Verdict:
    """A verdict from sentence parts; a wrong answer scores at most ``MAX_WRONG_SCORE``.

    >>> v = graded(False, 1.0, ["almost:", "one end is open."], "open_ends")
    >>> v.correct, v.score, v.feedback, v.diagnosis
    (False, 0.9, 'Almost: one end is open.', 'open_ends')
    """
    text = " ".join(parts)
    top = 1.0 if correct else MAX_WRONG_SCORE
    return Verdict(correct, min(top, max(0.0, score)), text[:1].upper() + text[1:],
                   diagnosis=diagnosis)


def contains_exact(truth: DifferentialSet, s: tuple) -> bool:
    """Whether s is in the set: exactly for a 1D set with exact ends, else within 1e-9 (half
    ``CURVED_TOLERANCE`` for a curved set).

    >>> half = DifferentialSet("interval", [(0.0,), (0.5,)], [(sp.S.Zero,), (sp.S.Half,)])
    >>> contains_exact(half, (sp.Rational(1, 2),)), contains_exact(half, (sp.sqrt(2) / 2,))
    (True, False)
    """
    if truth.kind == SetKind.EMPTY:
        return False
    if len(s) == 1 and truth.exact is not None:
        lo, hi = truth.exact[0][0], truth.exact[-1][0]
        return _sign(s[0] - lo) >= 0 and _sign(hi - s[0]) >= 0
    tol = CURVED_TOLERANCE / 2 if truth.kind == SetKind.CONVEX else 1e-9
    return truth.contains(tuple(float(c) for c in s), tol)


def wrong_extra(kind: str, f, name: str, shown: str, extra: list[str], covers: bool,
                base: float) -> Verdict:
    """The verdict for an answer with points ``extra`` outside the set: too large when it
    ``covers`` the set (the sum rule's superset when f looks like a sum), else another set."""
    if covers:
        why = (f"Too large: the {name} is {shown}; {', '.join(extra)} {do_word(extra)} not "
               "belong to it.")
        diagnosis = "too_large"
        if kind == "clarke" and f is not None and _sum_like(f):
            diagnosis = "sum_rule"
            why += (" This looks like the sum rule, ∂(f + g) ⊆ ∂f + ∂g, which only gives a "
                    "superset.")
        return graded(False, base, [why], diagnosis)
    return graded(False, base, [f"Not the {name}: it is {shown}; {', '.join(extra)} "
                                f"{do_word(extra)} not belong to it."], "not_the_set")
