"""Checking answers: a student's answer against the exact set, with feedback that says why.

``check_answer`` reads the answer (``answers.parse_answer``: a syntax problem raises
``InputError`` and is not graded), computes the exact set once per (function, point, kind)
(``exact_set``, cached), and compares.

**Equality.** 1D endpoints typed exactly (``sqrt(2)/2``) are compared exactly (``local.sign_of``
of the difference). A coordinate typed as a decimal (``0.7071067811865476``) is accepted within
``DECIMAL_TOLERANCE`` relative (|a - b| <= 1e-6 max(1, |b|)), with a note. 2D sets are compared by
the Hausdorff distance of their convex hulls, computed from support functions in floating point:
within 1e-9 (relative to the set's size) for exact answers, 1e-6 for decimals, 2e-3 for a set with
a curved boundary (the engine's polygon is within 1e-3 of it). So a polygon listed in another
order, or with an extra collinear vertex, equals the same set.

**Score** (in [0, 1]):

- 1 for the right set; 0 when one of the two is empty (or undefined) and the other is not;
- otherwise the overlap ratio |A ∩ S| / |A ∪ S| of the answer's hull A and the set S (length in
  1D, area in 2D) when both have positive size; when one is a point or a segment in 2D (or a
  finite set): 0.25 if one contains the other, else 0;
- minus 0.25 per open end of an interval (the right interval, open, scores 0.5 or 0.75);
- halved for an interval written backwards ([1, 0] is graded as [0, 1]);
- a wrong answer scores at most ``MAX_WRONG_SCORE`` (0.9), however close;
- yes/no and degree questions: 1 or 0.

>>> v = check_answer("max(0, x)", "0", "[0, 1]")
>>> v.correct, v.score
(True, 1.0)
>>> check_answer("max(0, x)", "0", "0").feedback  # doctest: +ELLIPSIS
'{0} is one element of the Clarke set, e.g. what autodiff returns at a kink, but the set is ...'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import sympy as sp

from ..engine import geometry
from ..engine.geometry import hausdorff_2d
from ..engine.parsing import parse_function, parse_point
from ..engine.sets import DifferentialSet
from ..errors import InputError, UndecidedError
from .answers import ParsedAnswer, parse_answer

DECIMAL_TOLERANCE = 1e-6  # relative, for coordinates typed as decimals
EXACT_TOLERANCE_2D = 1e-9  # relative, 2D comparisons of exact answers (floating point)
CURVED_TOLERANCE = 2e-3  # sets with a curved boundary are polygons within 1e-3
OPEN_END_PENALTY = 0.25
CONTAINED_SCORE = 0.25
MAX_WRONG_SCORE = 0.9
KINDS = ("clarke", "subdifferential", "member", "homogeneity", "lipschitz")
SET_KINDS = ("clarke", "subdifferential")
_NAMES = {"clarke": "Clarke set", "subdifferential": "subdifferential"}


@dataclass(frozen=True)
class Verdict:
    """A graded answer: ``correct``, ``score`` in [0, 1] and ``feedback`` (never empty).

    ``answer_latex`` is the answer as parsed, for showing back (empty when not applicable).
    """

    correct: bool
    score: float
    feedback: str
    answer_latex: str = ""

    def __post_init__(self) -> None:
        if not self.feedback:
            raise ValueError("a Verdict needs feedback")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")


# --- the exact sets, cached ---------------------------------------------------------------------


@lru_cache(maxsize=512)
def question_dim(expr: str, at: str) -> int:
    """The dimension of the question: 2 when f uses y or the point has two coordinates.

    >>> question_dim("abs(x)", "0"), question_dim("abs(x) + abs(y)", "0, 0")
    (1, 2)
    """
    function = parse_function(expr)
    if function.dim == 2:
        return 2
    try:
        parse_point(at, 1)
    except InputError:
        parse_point(at, 2)
        return 2
    return 1


@lru_cache(maxsize=512)
def exact_set(expr: str, at: str, kind: str) -> DifferentialSet:
    """The exact Clarke set (``kind="clarke"``) or subdifferential, cached per text.

    A class's answers to one question reuse one computation.
    """
    from .. import api

    engine = api.clarke_set if kind == "clarke" else api.subdifferential
    return engine(expr, at)


@lru_cache(maxsize=512)
def _sum_like(expr: str) -> bool:
    """Whether f is a sum of two or more nonsmooth terms (where the sum rule tempts)."""
    f = parse_function(expr).expr
    nonsmooth = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.sign, sp.Heaviside)
    return isinstance(f, sp.Add) and sum(1 for t in f.args if t.has(*nonsmooth)) >= 2


def _text(at) -> str:
    if isinstance(at, str):
        return at
    if isinstance(at, (tuple, list)):
        return ", ".join(str(c) for c in at)
    return str(at)


# --- the entry point ----------------------------------------------------------------------------


def check_answer(expr: str, at, answer: str, kind: str = "clarke", *, s=None,
                 timeout: float | None = None) -> Verdict:
    """Grade ``answer`` to a question about ``expr`` at ``at``.

    ``kind``: ``"clarke"`` or ``"subdifferential"`` (the answer is a set), ``"member"`` (is
    ``s`` in the Clarke set? yes/no), ``"lipschitz"`` (is f locally Lipschitz at the point?
    yes/no), ``"homogeneity"`` (the degree of positive homogeneity, or ``none``; ``at`` is
    ignored). An answer that cannot be read raises ``InputError``. With ``timeout`` the work
    runs in a limited worker process (``sandbox.run``).

    >>> print(check_answer("relu(x) - relu(-x)", "0", "[0, 2]").feedback)  # doctest: +ELLIPSIS
    Too large: the Clarke set is {1}; ... This looks like the sum rule, ...
    >>> check_answer("abs(x)", "0", "yes", "member", s="1/2").correct
    True
    """
    if kind not in KINDS:
        raise InputError(f"Unknown question kind {kind!r}; use one of {', '.join(KINDS)}.")
    if timeout is not None:
        from ..service import sandbox

        return sandbox.run(check_answer, expr, at, answer, kind, s=s, timeout=timeout)
    if not isinstance(expr, str):
        raise InputError("The function must be given as text, for example 'max(0, x)'.")
    if kind == "homogeneity":
        return _check_degree(expr, answer)
    at = _text(at)
    dim = question_dim(expr, at)
    expect = "yesno" if kind in ("member", "lipschitz") else "set"
    parsed = parse_answer(answer, dim, expect=expect)
    truth = exact_set(expr, at, "clarke" if kind != "subdifferential" else kind)
    if kind == "member":
        if s is None:
            raise InputError("A membership question needs the slope s to ask about.")
        return _check_member(truth, parsed, parse_point(_text(s), dim))
    if kind == "lipschitz":
        return _check_lipschitz(truth, parsed)
    verdict = _compare(parsed, truth, kind, expr, at)
    return replace(verdict, answer_latex=parsed.latex())


# --- yes/no and degree questions ----------------------------------------------------------------


def _check_member(truth: DifferentialSet, parsed: ParsedAnswer, s: tuple) -> Verdict:
    shown = _vec(s)
    if truth.kind == "unbounded":
        inside, where = False, "f is not locally Lipschitz at this point, so it has no Clarke set"
    else:
        inside = _contains_exact(truth, s)
        where = f"the Clarke set is {_show_set(truth)}"
    said = parsed.form == "yes"
    verdict = "in" if inside else "not in"
    if said == inside:
        return Verdict(True, 1.0, f"Right: s = {shown} is {verdict} it; {where}.",
                       parsed.latex())
    return Verdict(False, 0.0, f"No: s = {shown} is {verdict} the Clarke set; {where}.",
                   parsed.latex())


def _contains_exact(truth: DifferentialSet, s: tuple) -> bool:
    if truth.kind == "empty":
        return False
    if len(s) == 1 and truth.exact is not None:
        lo, hi = truth.exact[0][0], truth.exact[-1][0]
        return _sign(s[0] - lo) >= 0 and _sign(hi - s[0]) >= 0
    tol = CURVED_TOLERANCE / 2 if truth.kind == "convex" else 1e-9
    return truth.contains(tuple(float(c) for c in s), tol)


def _check_lipschitz(truth: DifferentialSet, parsed: ParsedAnswer) -> Verdict:
    lipschitz = truth.kind != "unbounded"
    why = (f"near the point the slopes stay bounded (the Clarke set is {_show_set(truth)})"
           if lipschitz else (truth.reason or "the slopes blow up near the point"))
    said = parsed.form == "yes"
    if said == lipschitz:
        return Verdict(True, 1.0, f"Right: {why.rstrip('.')}.", parsed.latex())
    is_it = "is" if lipschitz else "is not"
    return Verdict(False, 0.0, f"No: f {is_it} locally Lipschitz at this point: {why.rstrip('.')}.",
                   parsed.latex())


def _check_degree(expr: str, answer: str) -> Verdict:
    try:
        from ..labs.homogeneity import homogeneity_degree
    except ImportError:
        raise InputError("Homogeneity questions are not available yet.") from None
    parse_function(expr)  # a bad function is refused before the answer is read
    parsed = parse_answer(answer, expect="degree")
    degree = _cached_degree(expr, homogeneity_degree)
    if degree is None:
        if parsed.form == "none":
            return Verdict(True, 1.0, "Right: f is not positively homogeneous.", parsed.latex())
        return Verdict(False, 0.0, "No: f is not positively homogeneous; no degree d gives "
                       "f(t x) = t^d f(x) for all t > 0.", parsed.latex())
    if parsed.form == "none":
        return Verdict(False, 0.0, f"No: f is positively homogeneous, of degree {degree}: "
                       f"f(t x) = {_power(degree)} f(x) for t > 0.", parsed.latex())
    same, approximate = _same(parsed.points[0][0], parsed.decimal[0], degree, float(degree))
    if same:
        note = _decimal_note(degree) if approximate else ""
        return Verdict(True, 1.0, f"Right: f(t x) = {_power(degree)} f(x) for t > 0.{note}",
                       parsed.latex())
    return Verdict(False, 0.0, f"No: the degree is {degree}, not {parsed.points[0][0]}: "
                   f"f(t x) = {_power(degree)} f(x) for t > 0.", parsed.latex())


@lru_cache(maxsize=256)
def _cached_degree(expr: str, decide):
    return decide(expr)


def _power(degree) -> str:
    return f"t^{degree}" if sp.Integer(degree) == degree else f"t^({degree})"


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


def _same(a: sp.Expr, decimal: bool, exact: sp.Expr | None, approx: float) -> tuple[bool, bool]:
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


def _decimal_note(exact) -> str:
    return (f" (Accepted: your decimals are within {DECIMAL_TOLERANCE:g} (relative) of the exact "
            f"values in {exact}; prefer the exact form.)")


def _show(c) -> str:
    if isinstance(c, float):
        return f"{c:.6g}"
    return str(c)


def _vec(p: tuple) -> str:
    parts = [_show(c) for c in p]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def _show_set(t: DifferentialSet) -> str:
    if t.kind == "empty":
        return "empty"
    if t.kind == "unbounded":
        return "undefined"
    if t.kind == "convex":
        return "a convex set with a curved boundary"
    points = t.exact if t.exact is not None else t.vertices
    if t.kind == "point":
        return "{" + _vec(points[0]) + "}"
    if t.kind == "interval":
        return f"[{_vec(points[0])}, {_vec(points[-1])}]"
    return "conv{" + ", ".join(_vec(p) for p in points) + "}"


# --- comparing sets ------------------------------------------------------------------------------


def _compare(parsed: ParsedAnswer, truth: DifferentialSet, kind: str, expr: str,
             at: str) -> Verdict:
    name = _NAMES[kind]
    if truth.kind == "unbounded":
        if parsed.form == "undefined":
            return Verdict(True, 1.0, f"Right: f is not locally Lipschitz here. {truth.reason}")
        return Verdict(False, 0.0, f"f is not locally Lipschitz at this point, so it has no "
                       f"{name} to give; answer 'undefined'. {truth.reason}")
    if parsed.form == "undefined":
        return Verdict(False, 0.0, f"f is locally Lipschitz at this point, so its {name} exists; "
                       "give it as a set.")
    verdict = _compare_sets(parsed, truth, kind, expr)
    if verdict.correct or kind not in SET_KINDS:
        return verdict
    other_kind = "subdifferential" if kind == "clarke" else "clarke"
    try:
        other = exact_set(expr, at, other_kind)
    except InputError:
        return verdict
    if other.kind == "unbounded" or _same_set(parsed, truth) or not _same_set(parsed, other):
        return verdict
    if kind == "clarke":
        lead = ("This is the subdifferential (slopes of lines below the whole graph), but the "
                "question asks for the Clarke set (hull of limits of nearby slopes). ")
    else:
        lead = ("This is the Clarke set (hull of limits of nearby slopes), but the question asks "
                "for the subdifferential (slopes of lines below the whole graph). ")
    return replace(verdict, feedback=lead + verdict.feedback)


def _same_set(parsed: ParsedAnswer, truth: DifferentialSet) -> bool:
    """Whether the answer, read generously (open ends closed, order fixed), is ``truth``."""
    if parsed.form in ("empty", "undefined") or truth.kind in ("empty", "unbounded"):
        return parsed.form == "empty" and truth.kind == "empty"
    generous = replace(parsed, closed=(True, True))
    return _compare_sets(generous, truth, "clarke", "").score == 1.0


def _compare_sets(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                  expr: str) -> Verdict:
    name = _NAMES.get(kind, "set")
    if truth.kind == "empty":
        if parsed.form == "empty":
            return Verdict(True, 1.0, f"Right: the {name} is empty. {truth.reason}".strip())
        return Verdict(False, 0.0, f"The {name} is empty here: no line through the point stays "
                       f"below the whole graph. {truth.reason}".strip())
    if parsed.form == "empty":
        why = ("a Clarke set is never empty where f is locally Lipschitz (it holds every limit "
               "of nearby slopes)" if kind == "clarke" else "some lines through the point stay "
               "below the whole graph")
        return Verdict(False, 0.0, f"Not empty: {why}; here the {name} is {_show_set(truth)}.")
    if parsed.dim == 1:
        return _compare_1d(parsed, truth, kind, expr)
    return _compare_2d(parsed, truth, kind, expr)


def _interval_text(lo, hi) -> str:
    return f"[{_show(lo)}, {_show(hi)}]"


def _compare_1d(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                expr: str) -> Verdict:
    name = _NAMES.get(kind, "set")
    exact = truth.exact
    t_lo, t_hi = truth.vertices[0][0], truth.vertices[-1][0]
    e_lo, e_hi = (exact[0][0], exact[-1][0]) if exact is not None else (None, None)
    shown = _show_set(truth)

    def same(i: int, exact_value, approx: float) -> tuple[bool, bool]:
        return _same(parsed.points[i][0], parsed.decimal[i], exact_value, approx)

    values = [float(p[0]) for p in parsed.points]
    notes: list[str] = []
    factor, penalty = 1.0, 0.0

    if parsed.form == "interval":
        a, b = values
        lo_i, hi_i = 0, 1
        same_ends, _ = _same(parsed.points[0][0], False, parsed.points[1][0], b)
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
                closed = f"[{_show(e_lo if exact else t_lo)}, {_show(e_hi if exact else t_hi)}]"
                return _verdict(False, (1 - penalty) * factor, notes + [
                    f"The endpoints belong to the set: a {name} is always closed (it contains "
                    f"the limits of its elements), so write {closed}."])
            if factor < 1:
                return _verdict(False, factor, notes + ["that is the right set."])
            note = _decimal_note(shown) if (lo_approx or hi_approx) else ""
            return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}")
        lo_v, hi_v = (a, b)
        finite = False
    else:
        lo_v, hi_v = min(values), max(values)
        finite = True
        matches = [same(i, e_lo, t_lo) for i in range(len(values))]
        if t_lo == t_hi and all(ok for ok, _ in matches):
            note = _decimal_note(shown) if any(ap for _, ap in matches) else ""
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
            why = (f"{{{_show(parsed.points[0][0])}}} is one element of the {name}, e.g. what "
                   f"autodiff returns at a kink, but the set is {shown}: every limit of nearby "
                   "slopes and everything in between.")
        else:
            why = (f"These are elements of the {name}, but a {name} is convex: it is the whole "
                   f"interval {shown}, not just some points of it.")
        return _verdict(False, score, [*notes, why])
    if inside and not covers:
        missing = []
        if lo_v > t_lo + tol:
            missing.append(f"[{_show(e_lo if exact else t_lo)}, {lo_v:.6g})")
        if hi_v < t_hi - tol:
            missing.append(f"({hi_v:.6g}, {_show(e_hi if exact else t_hi)}]")
        return _verdict(False, score, [*notes, f"Too small: the {name} is {shown}; your answer "
                                       f"misses {' and '.join(missing)}."])
    if covers and not inside:
        extra = []
        if lo_v < t_lo - tol:
            extra.append(f"[{lo_v:.6g}, {_show(e_lo if exact else t_lo)})")
        if hi_v > t_hi + tol:
            extra.append(f"({_show(e_hi if exact else t_hi)}, {hi_v:.6g}]")
        verb = "does" if len(extra) == 1 else "do"
        why = f"Too large: the {name} is {shown}; {' and '.join(extra)} {verb} not belong to it."
        if kind == "clarke" and expr and _sum_like(expr):
            why += (" This looks like the sum rule, ∂(f + g) ⊆ ∂f + ∂g, which only gives a "
                    "superset: compute the limits of f' itself.")
        elif kind == "subdifferential":
            why += " Lines with those slopes cross the graph somewhere."
        return _verdict(False, score, [*notes, why])
    if finite:
        outside = [_show(parsed.points[i][0]) for i, v in enumerate(values)
                   if not (t_lo - tol <= v <= t_hi + tol)]
        return _verdict(False, score, [*notes, f"{', '.join(outside)} is not in the {name}, "
                                       f"which is {shown}."])
    if hi_v < t_lo - tol or lo_v > t_hi + tol:
        return _verdict(False, score, [*notes, f"Your interval does not meet the {name} at "
                                       f"all: it is {shown}."])
    wrong = []
    if not same(lo_i, e_lo, t_lo)[0]:
        wrong.append(f"the left endpoint should be {_show(e_lo if exact else t_lo)}, "
                     f"not {parsed.points[lo_i][0]}")
    if not same(hi_i, e_hi, t_hi)[0]:
        wrong.append(f"the right endpoint should be {_show(e_hi if exact else t_hi)}, "
                     f"not {parsed.points[hi_i][0]}")
    return _verdict(False, score, [*notes, f"Wrong endpoint: {' and '.join(wrong)}."])


def _do(items: list) -> str:
    return "does" if len(items) == 1 else "do"


def _verdict(correct: bool, score: float, parts: list[str]) -> Verdict:
    text = " ".join(parts)
    top = 1.0 if correct else MAX_WRONG_SCORE
    return Verdict(correct, min(top, max(0.0, score)), text[:1].upper() + text[1:])


# --- 2D -----------------------------------------------------------------------------------------


def _compare_2d(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                expr: str) -> Verdict:
    name = _NAMES.get(kind, "set")
    shown = _show_set(truth)
    target = [tuple(v) for v in truth.vertices]
    scale = max([1.0] + [abs(c) for v in target for c in v])
    if truth.kind == "convex":
        tol = CURVED_TOLERANCE * scale
    elif any(parsed.decimal):
        tol = DECIMAL_TOLERANCE * scale
    else:
        tol = EXACT_TOLERANCE_2D * scale
    points = parsed.floats()
    hull = geometry.hull(points, tol)
    finite = parsed.form == "finite" and len(hull) > 1
    distance = hausdorff_2d(hull, target)
    if distance <= tol and not finite:
        note = _decimal_note(shown) if any(parsed.decimal) and truth.kind != "convex" else ""
        if truth.kind == "convex":
            note = " (Within 2e-3 of the set, whose boundary is curved.)"
        return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}")
    inside = all(geometry.distance(p, target) <= tol for p in hull)
    covers = all(geometry.distance(v, hull) <= tol for v in target)
    if finite or geometry.area(hull) == 0 or geometry.area(target) == 0:
        base = CONTAINED_SCORE if (inside or covers) else 0.0
    else:
        common = geometry.area(geometry.intersection(hull, target))
        base = common / (geometry.area(hull) + geometry.area(target) - common)
    if finite and inside:
        return _verdict(False, base, [f"These points belong to the {name}, but it is convex: "
                                      f"it is {shown}, everything between them too."])
    if inside:
        if len(hull) == 1:
            why = (f"{_vec(parsed.points[0])} is one element of the {name}, e.g. what autodiff "
                   f"returns at a kink, but the set is {shown}.")
        else:
            missing = [_vec(v) for v in (truth.exact or truth.vertices)
                       if geometry.distance(tuple(float(c) for c in v), hull) > tol]
            corners = (f" It misses the corner(s) {', '.join(missing[:6])}."
                       if missing and truth.kind != "convex" else "")
            curved = (" A polygon can only approximate a curved set: within 2e-3 counts as right."
                      if truth.kind == "convex" else "")
            why = f"Too small: the {name} is {shown}.{corners}{curved}"
        return _verdict(False, base, [why])
    extra = [_vec(tuple(parsed.points[points.index(p)])) for p in hull
             if p in points and geometry.distance(p, target) > tol]
    if covers:
        why = (f"Too large: the {name} is {shown}; {', '.join(extra[:6])} {_do(extra)} not "
               "belong to it.")
        if kind == "clarke" and expr and _sum_like(expr):
            why += (" This looks like the sum rule, ∂(f + g) ⊆ ∂f + ∂g, which only gives a "
                    "superset.")
        return _verdict(False, base, [why])
    return _verdict(False, base, [f"Not the {name}: it is {shown}; {', '.join(extra[:6])} "
                                  f"{_do(extra)} not belong to it."])


# --- assignments ------------------------------------------------------------------------------

MAX_ASSIGNMENT_BYTES = 64_000
MAX_QUESTIONS = 100
MAX_TOML_NESTING = 32  # [ and { inside one another in an assignment file
MAX_CSV_BYTES = 20_000_000
MAX_ROWS = 200_000
ANSWER_TIMEOUT_S = 10.0  # per answer in a batch (first answer of a question computes its set)
WORKER_MEMORY_MB = 1536
CHUNK = 32  # answers to one question graded by one sandbox worker (its cached set serves them)
SPARE_S = 5.0  # seconds a sandbox call gets beyond its answers' own time limits
_PROMPTS = {
    "clarke": "Give the Clarke set ∂f(x₀).",
    "subdifferential": "Give the subdifferential ∂ₛf(x₀) (slopes of lines below the whole graph).",
    "member": "Is s in the Clarke set ∂f(x₀)? Answer yes or no.",
    "lipschitz": "Is f locally Lipschitz at x₀? Answer yes or no.",
    "homogeneity": "Give the degree of positive homogeneity of f, or none.",
}


@dataclass(frozen=True)
class Question:
    """One question of an assignment (a ``[[question]]`` table of the TOML file)."""

    id: str
    function: str
    kind: str = "clarke"
    point: str = ""
    points: float = 1.0
    prompt: str = ""
    hints: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    s: str | None = None

    @property
    def text(self) -> str:
        """The question in words: the prompt of the file, else one made from the kind."""
        return self.prompt or _PROMPTS[self.kind]


@dataclass(frozen=True)
class Assignment:
    """A titled list of questions with unique ids.

    >>> a = load_assignment('title = "T"\\n[[question]]\\nid = "q1"\\nfunction = "relu(x)"\\n'
    ...                     'point = "0"\\nkind = "clarke"\\npoints = 2\\nforbidden = ["relu"]')
    >>> a.total, a.question("q1").forbidden
    (2.0, ('relu',))
    """

    title: str
    questions: tuple[Question, ...]

    @property
    def total(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def load_assignment(text: str | bytes) -> Assignment:
    """Read an assignment from TOML text (stdlib ``tomllib``); bad files raise ``InputError``.

    Each ``[[question]]`` has ``id``, ``function``, ``kind`` (one of ``KINDS``), ``point``
    (except for homogeneity), ``points`` (default 1), and optionally ``prompt``, ``hints`` (a list
    of strings), ``forbidden`` (words the answer may not contain) and ``s`` (the slope of a
    membership question). Functions are not parsed here: that is math, done in the sandbox.
    """
    import tomllib

    if isinstance(text, bytes):
        if len(text) > MAX_ASSIGNMENT_BYTES:
            raise InputError(f"The assignment file is too large; the limit is "
                             f"{MAX_ASSIGNMENT_BYTES // 1000} kB.")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("The assignment file is not UTF-8 text.") from None
    if len(text) > MAX_ASSIGNMENT_BYTES:
        raise InputError(f"The assignment file is too large; the limit is "
                         f"{MAX_ASSIGNMENT_BYTES // 1000} kB.")
    depth = _nesting(text)
    if depth > MAX_TOML_NESTING:
        raise InputError(f"The assignment nests brackets {depth} deep; the limit is "
                         f"{MAX_TOML_NESTING}.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"The assignment is not valid TOML ({err}).") from None
    except RecursionError:  # a nesting the count above missed: still one sentence
        raise InputError("The assignment nests too deeply to read.") from None
    tables = data.get("question")
    if not isinstance(tables, list) or not tables:
        raise InputError("The assignment lists no questions: add [[question]] tables.")
    if len(tables) > MAX_QUESTIONS:
        raise InputError(f"The assignment has more than {MAX_QUESTIONS} questions.")
    questions = tuple(_question(t, i) for i, t in enumerate(tables, 1))
    ids = [q.id for q in questions]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise InputError(f"Two questions have the id {duplicate!r}; ids must be unique.")
    title = data.get("title", "Assignment")
    return Assignment(str(title)[:200], questions)


def _nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest, outside quoted strings and comments (an upper bound on
    what tomllib would recurse into; it recurses once per level and a deep one exhausts the
    stack)."""
    depth = most = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            most = max(most, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return most


def _question(table, number: int) -> Question:
    where = f"Question {number}"
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table of keys.")
    known = {"id", "function", "kind", "point", "points", "prompt", "hints", "forbidden", "s"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"{where} has an unknown key {unknown[0]!r}; use "
                         f"{', '.join(sorted(known))}.")

    def text(key: str, default: str | None = None, limit: int = 2000) -> str:
        value = table.get(key, default)
        if value is None:
            raise InputError(f"{where} needs a {key}.")
        if isinstance(value, int | float) and not isinstance(value, bool) and key in ("point", "s"):
            value = str(value)
        if not isinstance(value, str) or len(value) > limit:
            raise InputError(f"{where}: {key} must be text of at most {limit} characters.")
        return value

    def words(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not (isinstance(value, list) and all(isinstance(w, str) for w in value)):
            raise InputError(f"{where}: {key} must be a list of strings.")
        return tuple(w for w in value if w.strip())[:20]

    kind = text("kind", "clarke")
    if kind not in KINDS:
        raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    points = table.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or not 0 <= points <= 1000:
        raise InputError(f"{where}: points must be a number from 0 to 1000.")
    s = text("s") if kind == "member" else None
    return Question(
        id=text("id", limit=64), function=text("function"), kind=kind,
        point="" if kind == "homogeneity" else text("point", limit=200),
        points=float(points), prompt=text("prompt", "", 500), hints=words("hints"),
        forbidden=words("forbidden"), s=s,
    )


def check_question(question: Question, answer: str) -> Verdict:
    """``check_answer`` for one question of an assignment, refusing forbidden words first.

    >>> q = Question("q", "relu(x)", "clarke", "0", forbidden=("relu",))
    >>> check_question(q, "relu'(0)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Your answer may not use 'relu': give the answer itself, ...
    """
    lowered = answer.lower() if isinstance(answer, str) else ""
    for word in question.forbidden:
        if word.lower() in lowered:
            raise InputError(f"Your answer may not use {word!r}: give the answer itself, not the "
                             "question back.")
    return check_answer(question.function, question.point, answer, question.kind, s=question.s)


def question_latex(question: Question) -> tuple[str, str]:
    """LaTeX of the question's function and point (for the page; parsed, never raw text)."""
    function = parse_function(question.function)
    f = sp.latex(function.expr)
    if question.kind == "homogeneity":
        return f, ""
    point = parse_point(question.point, question_dim(question.function, question.point))
    shown = ", ".join(sp.latex(c) for c in point)
    shown = shown if len(point) == 1 else rf"\left({shown}\right)"
    if question.kind == "member" and question.s is not None:
        s = ", ".join(sp.latex(c) for c in parse_point(question.s, len(point)))
        s = s if len(point) == 1 else r"\left(" + s + r"\right)"
        shown += r", \qquad s = " + s
    return f, shown


def assignment_latex(assignment: Assignment) -> list[tuple[str, str]]:
    """``question_latex`` of every question (one sandboxed call for the page)."""
    return [question_latex(q) for q in assignment.questions]


# --- batch grading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradedRow:
    """One graded line of a class's answers file.

    ``status``: ``graded``, ``refused`` (the answer could not be read: 0 points, the reason as
    feedback), ``bad row`` (the line itself is wrong: unknown question, missing field, duplicate),
    ``no answer`` (a question the student did not answer) or ``error`` (a bug or a time-out).
    """

    line: int
    student: str
    question: str
    answer: str
    points: float
    max_points: float
    correct: bool
    feedback: str
    status: str


@dataclass(frozen=True)
class BatchReport:
    """Every row graded, and per student the points earned (out of ``assignment.total``)."""

    rows: tuple[GradedRow, ...]
    totals: dict[str, float]
    max_total: float

    @property
    def bad_rows(self) -> int:
        return sum(r.status == "bad row" for r in self.rows)


def read_answers(text: str) -> list[tuple[int, dict[str, str] | str]]:
    """The rows of an answers CSV (columns student, question, answer) as (line, row or reason).

    A row that cannot be used becomes (line, reason); a file without those columns raises
    ``InputError``.

    >>> for row in read_answers('student,question,answer\\nann,q1,"[0, 1]"\\nbob,q1\\n'):
    ...     print(row)
    (2, {'student': 'ann', 'question': 'q1', 'answer': '[0, 1]'})
    (3, 'the row has 2 fields, not 3')
    """
    import csv
    import io

    if len(text) > MAX_CSV_BYTES:
        raise InputError(f"The answers file is too large; the limit is {MAX_CSV_BYTES // 10**6} "
                         "MB.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError("The answers file is empty.") from None
    except csv.Error as err:
        raise InputError(f"The answers file is not valid CSV ({err}).") from None
    columns = ("student", "question", "answer")
    if not set(columns) <= set(header):
        raise InputError("The answers file needs the columns student, question, answer in its "
                         "first line.")
    where = {c: header.index(c) for c in columns}
    rows: list[tuple[int, dict[str, str] | str]] = []
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            rows.append((line, f"the line is not valid CSV ({err})"))
            continue
        if len(rows) >= MAX_ROWS:
            raise InputError(f"The answers file has more than {MAX_ROWS} rows.")
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            rows.append((line, f"the row has {len(fields)} fields, not {len(header)}"))
            continue
        rows.append((line, {c: printable(uncell(fields[i])).strip() for c, i in where.items()}))
    return rows


_CONTROL = {c: " " for c in range(32)} | {127: " "} | {c: " " for c in range(0x80, 0xA0)}
_FORMAT = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B,
                         0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])


def printable(text: str) -> str:
    """``text`` without control characters (each becomes a space) or invisible direction and
    zero-width marks (dropped), so that a name printed by ``grade`` cannot move the cursor,
    retitle the terminal or reorder what is shown.

    >>> printable("ann\x1b]0;pwned\x07\u202e")
    'ann ]0;pwned '
    """
    return text.translate(_CONTROL).translate(_FORMAT)


def uncell(text: str) -> str:
    """Undo ``csv_cell`` (an answers file the Homework page wrote is read back as typed).

    >>> uncell("'-1/2"), uncell("'quoted")
    ('-1/2', "'quoted")
    """
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_STARTS else text


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading ``'`` before a cell starting with
    ``= + - @``, a tab or a carriage return (which would make it a formula).

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-1"), csv_cell("[0, 1]")
    ("'=HYPERLINK(1)", "'-1", '[0, 1]')
    """
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _grade_task(task: tuple[Question, str, bool]) -> tuple[bool, float, str, str]:
    """Grade one answer in a batch worker: (correct, score, feedback, status); never raises."""
    import signal

    question, answer, cache = task
    if not cache:
        exact_set.cache_clear()
        question_dim.cache_clear()
        _cached_degree.cache_clear()

    def expire(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, ANSWER_TIMEOUT_S)
    try:
        verdict = check_question(question, answer)
        return verdict.correct, verdict.score, verdict.feedback, "graded"
    except InputError as err:
        return False, 0.0, str(err), "refused"
    except TimeoutError:
        return False, 0.0, f"This took too long to grade (over {ANSWER_TIMEOUT_S:g} s).", "error"
    except MemoryError:
        return False, 0.0, "This needed too much memory to grade.", "error"
    except Exception as err:  # noqa: BLE001 -- one bad answer must not stop the batch
        return False, 0.0, f"Internal error while grading ({type(err).__name__}).", "error"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def grade_batch(assignment: Assignment, answers_csv: str, *, processes: int = 2,
                cache: bool = True, progress=None) -> BatchReport:
    """Grade a class's answers (CSV text) against ``assignment``.

    ``processes`` sandbox workers at a time (each with a memory limit, a per-answer time limit
    and a hard kill; a worker that dies costs its one row; 0 grades in this process);
    ``cache=False`` recomputes each exact set for every answer (the benchmark's baseline).
    ``progress(done, total)`` is called as answers finish. A bad row is reported in the rows
    and never stops the batch.

    >>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "relu(x)"\\npoint = "0"')
    >>> r = grade_batch(a, 'student,question,answer\\nann,q,"[0, 1]"\\nann,q2,1\\n', processes=0)
    >>> [(row.status, row.points) for row in r.rows], r.totals
    ([('graded', 1.0), ('bad row', 0.0)], {'ann': 1.0})
    """
    rows = read_answers(answers_csv)
    slots: list[GradedRow | None] = []
    tasks: list[tuple[int, tuple[Question, str, bool]]] = []
    seen: set[tuple[str, str]] = set()
    students: list[str] = []
    for line, row in rows:
        if isinstance(row, str):
            slots.append(GradedRow(line, "", "", "", 0.0, 0.0, False, f"Line {line}: {row}.",
                                   "bad row"))
            continue
        student, qid, answer = row["student"], row["question"], row["answer"]
        question = assignment.question(qid)
        problem = None
        if not student:
            problem = "no student name"
        elif question is None:
            problem = f"there is no question {qid!r} in the assignment"
        elif (student, qid) in seen:
            problem = f"a second answer by {student} to {qid}; the first one counts"
        if student and student not in students:
            students.append(student)
        if problem:
            slots.append(GradedRow(line, student, qid, answer, 0.0, 0.0, False,
                                   f"Line {line}: {problem}.", "bad row"))
            continue
        seen.add((student, qid))
        tasks.append((len(slots), (question, answer, cache)))
        slots.append(None)
    # Answers to one question next to each other: a worker's cached set serves the whole run.
    order = sorted(range(len(tasks)), key=lambda i: tasks[i][1][0].id)
    ordered = [tasks[i][1] for i in order]
    results = _run(ordered, processes, progress)
    for i, result in zip(order, results, strict=True):
        slot, (question, answer, _) = tasks[i]
        line = rows[slot][0]
        correct, score, feedback, status = result
        student = rows[slot][1]["student"]  # type: ignore[index]
        slots[slot] = GradedRow(line, student, question.id, answer,
                                round(score * question.points, 4), question.points, correct,
                                feedback, status)
    graded = [r for r in slots if r is not None]
    for student in students:
        for q in assignment.questions:
            if (student, q.id) not in seen:
                graded.append(GradedRow(0, student, q.id, "", 0.0, q.points, False,
                                        "No answer given.", "no answer"))
    totals = {s: round(sum(r.points for r in graded if r.student == s and r.status != "bad row"),
                       4) for s in students}
    return BatchReport(tuple(graded), totals, assignment.total)


def _run(tasks: list, processes: int, progress, grade=_grade_task) -> list:
    """``grade`` of every task, in order. With ``processes`` > 0, chunks of up to ``CHUNK``
    answers to one question go to the sandbox (``processes`` calls at a time), each with a time
    and memory limit and a hard kill: a chunk whose worker dies or runs out of time is graded
    again one answer per worker, so a dead worker costs one row, never the batch (a
    ``multiprocessing.Pool`` hangs for good when a worker dies, CPython bpo-22393)."""
    total = len(tasks)
    if processes <= 0 or total < 2:
        out = []
        for i, task in enumerate(tasks, 1):
            out.append(grade(task))
            if progress:
                progress(i, total)
        return out
    import threading
    from concurrent.futures import ThreadPoolExecutor, as_completed

    # A single-threaded program (the command line) forks itself, with the engine imported, as
    # its Pool did; a server with threads forks from the sandbox's fork server.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    chunks: list[list] = []
    for task in tasks:
        if chunks and len(chunks[-1]) < CHUNK and chunks[-1][-1][0] is task[0]:
            chunks[-1].append(task)
        else:
            chunks.append([task])
    results: list[list | None] = [None] * len(chunks)
    done = 0
    with ThreadPoolExecutor(processes) as pool:
        futures = {pool.submit(_graded_in_sandbox, grade, chunk, method): k
                   for k, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            done += len(chunks[k])
            if progress:
                progress(done, total)
    return [r for chunk in results for r in chunk or ()]


def _grade_chunk(grade, tasks: list) -> list:
    """In a sandbox worker: ``grade`` each task (answers to one question share its cached set)."""
    return [grade(task) for task in tasks]


def _graded_in_sandbox(grade, tasks: list, method: str) -> list:
    from ..service import sandbox

    try:
        return sandbox.run(_grade_chunk, grade, tasks, memory_mb=WORKER_MEMORY_MB,
                           timeout=len(tasks) * ANSWER_TIMEOUT_S + SPARE_S, method=method)
    except (InputError, RuntimeError) as err:
        if len(tasks) > 1:  # find the answer that killed the worker: one worker each
            return [row for task in tasks for row in _graded_in_sandbox(grade, [task], method)]
        return [(False, 0.0, _lost(err), "error")]


def _lost(err: Exception) -> str:
    """Why an answer has no grade, when its worker did not come back."""
    text = str(err)
    if "too long" in text:
        return f"This took too long to grade (over {ANSWER_TIMEOUT_S:g} s)."
    if "memory" in text:
        return "This needed too much memory to grade."
    if isinstance(err, InputError):
        return text
    code = re.search(r"exit code (-?\d+)", text)
    how = f"died (exit code {code[1]})" if code else f"failed ({text})"
    return f"The worker grading this answer {how}; it was not graded."


def grades_csv(report: BatchReport) -> str:
    """Per-question points and feedback, then one TOTAL row per student, as CSV text."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "question", "answer", "points", "max_points", "correct", "status",
                     "feedback", "line"])
    for r in report.rows:
        writer.writerow([csv_cell(r.student), csv_cell(r.question), csv_cell(r.answer),
                         f"{r.points:g}", f"{r.max_points:g}", "yes" if r.correct else "no",
                         r.status, csv_cell(r.feedback), r.line or ""])
    for student, points in report.totals.items():
        writer.writerow([csv_cell(student), "TOTAL", "", f"{points:g}", f"{report.max_total:g}",
                         "", "total", "", ""])
    return buffer.getvalue()


def gradescope_results(report: BatchReport) -> dict:
    """Gradescope's ``results.json``: one object ``{"score", "tests"}`` for a single student,
    else a mapping from each student to that object."""
    per_student = {}
    for student, total in report.totals.items():
        tests = [{"name": r.question, "score": r.points, "max_score": r.max_points,
                  "output": r.feedback, "status": "passed" if r.correct else "failed"}
                 for r in report.rows if r.student == student and r.status != "bad row"]
        per_student[student] = {"score": total, "tests": tests}
    if len(per_student) == 1:
        return next(iter(per_student.values()))
    return per_student


def grade_files(assignment_path: str, answers_path: str, out: str | None = None,
                gradescope: str | None = None) -> tuple[str, dict]:
    """The ``grade`` subcommand: read both files, grade, write the outputs.

    Returns the text to print (the grades CSV, or a summary when ``out`` is given) and the
    ``--json`` data. A progress bar goes to stderr when it is a terminal.
    """
    import json
    import sys

    assignment = load_assignment(_read_file(assignment_path, MAX_ASSIGNMENT_BYTES))
    answers = _read_file(answers_path, MAX_CSV_BYTES)
    try:
        text = answers.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{answers_path} is not UTF-8 text.") from None
    progress = _progress_bar(sys.stderr) if sys.stderr.isatty() else None
    report = grade_batch(assignment, text, progress=progress)
    table = grades_csv(report)
    if out:
        _write_file(out, table)
    if gradescope:
        _write_file(gradescope, json.dumps(gradescope_results(report), indent=2))
    data = {"students": report.totals, "max_total": report.max_total,
            "answers": sum(r.status in ("graded", "refused", "error") for r in report.rows),
            "bad_rows": report.bad_rows, "out": out, "gradescope": gradescope}
    summary = (f"Graded {data['answers']} answers of {len(report.totals)} student(s) "
               f"({report.bad_rows} bad row(s)); totals out of {report.max_total:g}: "
               + ", ".join(f"{s} {t:g}" for s, t in report.totals.items()))
    return (summary if out else table.rstrip("\n")), data


def _read_file(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise InputError(f"Cannot read {path}: {err.strerror or err}.") from None
    if len(data) > limit:
        raise InputError(f"{path} is too large; the limit is {limit // 1000} kB.")
    return data


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as err:
        raise InputError(f"Cannot write {path}: {err.strerror or err}.") from None


def _progress_bar(stream):
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} answers")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def example_assignments() -> dict[str, str]:
    """The example assignments shipped in ``assets/``: file stem -> path.

    >>> "lecture_assignment" in example_assignments()
    True
    """
    from pathlib import Path

    assets = Path(__file__).resolve().parents[2] / "assets"
    return {p.stem: str(p) for p in sorted(assets.glob("*.toml"))}
