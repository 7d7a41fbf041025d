"""Checking one answer: a student's answer against the exact set, with feedback that says why.

``check_answer`` parses the question once (``question_problem``: a typed ``Problem``), reads the
answer (``answers.parse_answer``: a syntax problem raises ``InputError`` and is not graded),
computes the exact set once per (problem, kind) (``exact_set``, cached), and compares: 1D sets in
``feedback_1d``, 2D sets in ``feedback_2d`` (on ``engine.geometry``), sets in ℝⁿ (f of x, y, z
or x1 … x8) in ``feedback_nd``.

**Equality.** 1D endpoints typed exactly (``sqrt(2)/2``) are compared exactly (``local.sign_of``
of the difference). A coordinate typed as a decimal (``0.7071067811865476``) is accepted within
``DECIMAL_TOLERANCE`` relative (|a - b| <= 1e-6 max(1, |b|)), with a note. 2D sets are compared by
the Hausdorff distance of their convex hulls, computed from support functions in floating point:
within 1e-9 (relative to the set's size) for exact answers, 1e-6 for decimals, 2e-3 for a set with
a curved boundary (the engine's polygon is within 1e-3 of it). So a polygon listed in another
order, or with an extra collinear vertex, equals the same set. In ℝⁿ an exact answer is the set
when each one's points lie in the other's hull, decided by exact LPs (same polytope, same vertex
set); membership questions there are exact too.

**Score** (in [0, 1]):

- 1 for the right set; 0 when one of the two is empty (or undefined) and the other is not;
- otherwise the overlap ratio |A ∩ S| / |A ∪ S| of the answer's hull A and the set S (length in
  1D, area in 2D) when both have positive size; when one is a point or a segment in 2D (or a
  finite set), and always in ℝⁿ: 0.25 if one contains the other, else 0;
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

from dataclasses import replace
from functools import lru_cache

import sympy as sp

from ..engine.parsing import parse_point
from ..engine.primitives import MAX_DIM
from ..engine.problem import Problem, problem
from ..engine.sets import DifferentialSet, SetKind
from ..errors import InputError, numeric_limits
from .answers import ParsedAnswer, parse_answer
from .feedback_1d import compare_1d
from .feedback_2d import compare_2d
from .feedback_nd import compare_nd, contains_nd
from .verdict import (
    KINDS,
    NAMES,
    SET_KINDS,
    Verdict,
    contains_exact,
    decimal_note,
    same_number,
    show_set,
    vec,
)

# --- the exact sets, cached ---------------------------------------------------------------------


@lru_cache(maxsize=512)
def question_problem(expr: str, at: str) -> Problem:
    """The one parse of a question's function and point, cached per text (a class's answers to
    one question share it).

    >>> question_problem("abs(x) + abs(y)", "0, 0").point
    (0, 0)
    >>> question_problem("max(x, y, z)", "0, 0, 0").dim
    3
    """
    return problem(expr, at, max_dim=MAX_DIM)


def question_dim(expr: str, at: str) -> int:
    """The dimension of the question: 2 when f uses y or the point has two coordinates.

    >>> question_dim("abs(x)", "0"), question_dim("abs(x) + abs(y)", "0, 0")
    (1, 2)
    """
    return question_problem(expr, at).dim


@lru_cache(maxsize=512)
def exact_set(p: Problem, kind: str) -> DifferentialSet:
    """The exact Clarke set (``kind="clarke"``) or subdifferential of a parsed question, cached.

    A class's answers to one question reuse one computation; a 2D subdifferential starts from
    the cached Clarke set.
    """
    from .. import api

    with numeric_limits():
        if kind == "clarke":
            return api.clarke_of(p)
        return api.subdifferential_of(p, exact_set(p, "clarke") if p.dim == 2 else None)


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
    p = question_problem(expr, _text(at))
    expect = "yesno" if kind in ("member", "lipschitz") else "set"
    parsed = parse_answer(answer, p.dim, expect=expect)
    truth = exact_set(p, "clarke" if kind != "subdifferential" else kind)
    if kind == "member":
        if s is None:
            raise InputError("A membership question needs the slope s to ask about.")
        return _check_member(truth, parsed, parse_point(_text(s), p.dim))
    if kind == "lipschitz":
        return _check_lipschitz(truth, parsed)
    verdict = _compare(parsed, truth, kind, p)
    return replace(verdict, answer_latex=parsed.latex())


# --- yes/no and degree questions ----------------------------------------------------------------


def _check_member(truth: DifferentialSet, parsed: ParsedAnswer, s: tuple) -> Verdict:
    shown = vec(s)
    if truth.kind == SetKind.UNBOUNDED:
        inside, where = False, "f is not locally Lipschitz at this point, so it has no Clarke set"
    else:
        inside = contains_nd(truth, s) if len(s) >= 3 else contains_exact(truth, s)
        where = f"the Clarke set is {show_set(truth)}"
    said = parsed.form == "yes"
    verdict = "in" if inside else "not in"
    if said == inside:
        return Verdict(True, 1.0, f"Right: s = {shown} is {verdict} it; {where}.",
                       parsed.latex(), "right")
    return Verdict(False, 0.0, f"No: s = {shown} is {verdict} the Clarke set; {where}.",
                   parsed.latex(), "wrong_yes_no")


def _check_lipschitz(truth: DifferentialSet, parsed: ParsedAnswer) -> Verdict:
    lipschitz = truth.kind != SetKind.UNBOUNDED
    why = (f"near the point the slopes stay bounded (the Clarke set is {show_set(truth)})"
           if lipschitz else (truth.reason or "the slopes blow up near the point"))
    said = parsed.form == "yes"
    if said == lipschitz:
        return Verdict(True, 1.0, f"Right: {why.rstrip('.')}.", parsed.latex(), "right")
    is_it = "is" if lipschitz else "is not"
    return Verdict(False, 0.0, f"No: f {is_it} locally Lipschitz at this point: {why.rstrip('.')}.",
                   parsed.latex(), "wrong_yes_no")


def _check_degree(expr: str, answer: str) -> Verdict:
    try:
        from ..labs.homogeneity import homogeneity_degree
    except ImportError:
        raise InputError("Homogeneity questions are not available yet.") from None
    degree = _cached_degree(expr, homogeneity_degree)  # parses f: a bad f is refused first
    parsed = parse_answer(answer, expect="degree")
    if degree is None:
        if parsed.form == "none":
            return Verdict(True, 1.0, "Right: f is not positively homogeneous.", parsed.latex(),
                           "right")
        return Verdict(False, 0.0, "No: f is not positively homogeneous; no degree d gives "
                       "f(t x) = t^d f(x) for all t > 0.", parsed.latex(), "wrong_degree")
    if parsed.form == "none":
        return Verdict(False, 0.0, f"No: f is positively homogeneous, of degree {degree}: "
                       f"f(t x) = {_power(degree)} f(x) for t > 0.", parsed.latex(),
                       "wrong_degree")
    same, approximate = same_number(parsed.points[0][0], parsed.decimal[0], degree, float(degree))
    if same:
        note = decimal_note(degree) if approximate else ""
        return Verdict(True, 1.0, f"Right: f(t x) = {_power(degree)} f(x) for t > 0.{note}",
                       parsed.latex(), "right")
    return Verdict(False, 0.0, f"No: the degree is {degree}, not {parsed.points[0][0]}: "
                   f"f(t x) = {_power(degree)} f(x) for t > 0.", parsed.latex(), "wrong_degree")


@lru_cache(maxsize=256)
def _cached_degree(expr: str, decide):
    return decide(expr)


def _power(degree) -> str:
    return f"t^{degree}" if sp.Integer(degree) == degree else f"t^({degree})"


# --- comparing sets ------------------------------------------------------------------------------


def _compare(parsed: ParsedAnswer, truth: DifferentialSet, kind: str, p: Problem) -> Verdict:
    name = NAMES[kind]
    if truth.kind == SetKind.UNBOUNDED:
        if parsed.form == "undefined":
            return Verdict(True, 1.0, f"Right: f is not locally Lipschitz here. {truth.reason}",
                           diagnosis="right")
        return Verdict(False, 0.0, f"f is not locally Lipschitz at this point, so it has no "
                       f"{name} to give; answer 'undefined'. {truth.reason}",
                       diagnosis="not_lipschitz")
    if parsed.form == "undefined":
        return Verdict(False, 0.0, f"f is locally Lipschitz at this point, so its {name} exists; "
                       "give it as a set.", diagnosis="exists")
    verdict = _compare_sets(parsed, truth, kind, p.expr)
    if verdict.correct or kind not in SET_KINDS:
        return verdict
    other_kind = "subdifferential" if kind == "clarke" else "clarke"
    try:
        other = exact_set(p, other_kind)
    except InputError:
        return verdict
    if (other.kind == SetKind.UNBOUNDED or _answer_equals(parsed, truth)
            or not _answer_equals(parsed, other)):
        return verdict
    if kind == "clarke":
        lead = ("This is the subdifferential (slopes of lines below the whole graph), but the "
                "question asks for the Clarke set (hull of limits of nearby slopes). ")
    else:
        lead = ("This is the Clarke set (hull of limits of nearby slopes), but the question asks "
                "for the subdifferential (slopes of lines below the whole graph). ")
    return replace(verdict, feedback=lead + verdict.feedback, diagnosis="other_set")


def _answer_equals(parsed: ParsedAnswer, truth: DifferentialSet) -> bool:
    """Whether the answer, read generously (open ends closed, order fixed), is ``truth``: the
    grader's own equality (typed decimals allowed), not ``geometry.same_set`` of two sets."""
    if (parsed.form in ("empty", "undefined")
            or truth.kind in (SetKind.EMPTY, SetKind.UNBOUNDED)):
        return parsed.form == "empty" and truth.kind == SetKind.EMPTY
    generous = replace(parsed, closed=(True, True))
    return _compare_sets(generous, truth, "clarke", None).score == 1.0


def _compare_sets(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                  f: sp.Expr | None) -> Verdict:
    name = NAMES.get(kind, "set")
    if truth.kind == SetKind.EMPTY:
        if parsed.form == "empty":
            return Verdict(True, 1.0, f"Right: the {name} is empty. {truth.reason}".strip(),
                           diagnosis="right")
        return Verdict(False, 0.0, f"The {name} is empty here: no line through the point stays "
                       f"below the whole graph. {truth.reason}".strip(),
                       diagnosis="should_be_empty")
    if parsed.form == "empty":
        why = ("a Clarke set is never empty where f is locally Lipschitz (it holds every limit "
               "of nearby slopes)" if kind == "clarke" else "some lines through the point stay "
               "below the whole graph")
        return Verdict(False, 0.0, f"Not empty: {why}; here the {name} is {show_set(truth)}.",
                       diagnosis="not_empty")
    if parsed.dim == 1:
        return compare_1d(parsed, truth, kind, f)
    if parsed.dim == 2:
        return compare_2d(parsed, truth, kind, f)
    return compare_nd(parsed, truth, kind, f)
