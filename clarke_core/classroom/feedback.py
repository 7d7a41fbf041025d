"""What a student is shown of a verdict, under the assignment's feedback mode.

``full``: the grader's feedback. ``hint``: what is wrong, from the verdict's ``diagnosis`` alone
(one fixed sentence per diagnosis, ``HINTS``), so that no number of the true set can appear in
it; a right set gets the full feedback (it only repeats what the student typed), a right yes/no
or degree only "Right." (its full feedback states the Clarke set, which another question may
ask for). ``none``:
only that the answer is recorded, until the deadline.

>>> from clarke_core.grading import check_answer
>>> v = check_answer("relu(x) - relu(-x)", "0", "[0, 2]")
>>> v.feedback.startswith("Too large: the Clarke set is {1}"), v.diagnosis
(True, 'sum_rule')
>>> print(shown_feedback(v, "clarke", "hint"))  # doctest: +ELLIPSIS
Too large: part of your answer does not belong to the Clarke set. This looks like the sum rule...
"""

from __future__ import annotations

from datetime import datetime

from ..grading.verdict import DIAGNOSES, NAMES, SET_KINDS, Verdict

_TOO_LARGE = "Too large: part of your answer does not belong to the {name}."
# One sentence per diagnosis, with {name} the set asked for and {other} the other one. Words
# only: a hint never holds a digit (nor a subscript one), so it cannot reveal the set.
HINTS = {
    "right": "Right.",
    "backwards": "That is the right set written backwards: the left end must be the smaller one.",
    "open_ends": "The endpoints are right, but a {name} is always closed: it contains the "
                 "limits of its elements, so use square brackets.",
    "one_value": "You gave one element of the {name}, e.g. what autodiff returns at a kink; the "
                 "set holds every limit of nearby slopes and everything in between.",
    "some_points": "These are elements of the {name}, but a {name} is convex: give everything "
                   "between them too.",
    "too_small": "Too small: your answer misses part of the {name}.",
    "too_large": _TOO_LARGE,
    "sum_rule": _TOO_LARGE + " This looks like the sum rule, ∂(f + g) ⊆ ∂f + ∂g, which only "
                "gives a superset: compute the limits of the derivative of f itself.",
    "outside": "Some of your points are not in the {name}.",
    "disjoint": "Your answer does not meet the {name} at all.",
    "wrong_endpoint": "Not the {name}: at least one endpoint is wrong.",
    "not_the_set": "Not the {name}: part of your answer does not belong to it.",
    "other_set": "This looks like the {other}, but the question asks for the {name}.",
    "not_empty": "Not empty: some slopes belong to the {name} here.",
    "should_be_empty": "Not right: test the subgradient inequality at a few points x' for the "
                       "slopes you gave.",
    "exists": "f is locally Lipschitz at this point, so its {name} exists: give it as a set.",
    "not_lipschitz": "Not right: look again at whether f is locally Lipschitz at this point.",
    "wrong_yes_no": "Not right.",
    "wrong_degree": "Not right: compare f(t x) with t^d f(x) for positive t.",
}
NOT_RIGHT = "Not right."  # a verdict without a diagnosis
assert set(HINTS) == set(DIAGNOSES), "every diagnosis needs a hint"


def hint(verdict: Verdict, kind: str) -> str:
    """What is wrong with the answer, in words that never state the set.

    >>> from clarke_core.grading import check_answer
    >>> hint(check_answer("max(0, x)", "0", "[0, 1/2]"), "clarke")
    'Too small: your answer misses part of the Clarke set.'
    """
    name = NAMES.get(kind, "answer")
    other = NAMES["subdifferential" if kind == "clarke" else "clarke"]
    return HINTS.get(verdict.diagnosis, NOT_RIGHT).format(name=name, other=other)


def shown_feedback(verdict: Verdict, kind: str, mode: str,
                   deadline: datetime | None = None) -> str:
    """The feedback the student sees under ``mode`` (``full``, ``hint`` or ``none``)."""
    if mode == "full":
        return verdict.feedback
    if mode == "hint":
        return verdict.feedback if verdict.correct and kind in SET_KINDS else hint(verdict, kind)
    if mode == "none":
        when = f" ({deadline:%Y-%m-%d %H:%M} UTC)" if deadline is not None else ""
        return f"Your answer is recorded; feedback comes after the deadline{when}."
    raise ValueError(f"unknown feedback mode {mode!r}")


def attempt_feedback(attempt, kind: str, rules, now: datetime) -> str:
    """What a stored ``attempt`` shows its own student now, under the assignment's ``rules``:
    as ``shown_feedback`` at submission, except that ``none`` becomes ``full`` once the
    deadline has passed.

    >>> from datetime import UTC, datetime
    >>> from clarke_core.grading.assignment import Rules
    >>> from clarke_core.classroom.store import NewAttempt
    >>> a = NewAttempt("hw", "ann", "q", "[0, 2]", False, 0.0, "too_large",
    ...                "Too large: the Clarke set is [0, 1].", datetime(2026, 1, 1, tzinfo=UTC))
    >>> rules = Rules(None, "none", datetime(2026, 2, 1, tzinfo=UTC))
    >>> attempt_feedback(a, "clarke", rules, datetime(2026, 1, 2, tzinfo=UTC))[:24]
    'Your answer is recorded;'
    >>> attempt_feedback(a, "clarke", rules, datetime(2026, 3, 1, tzinfo=UTC))
    'Too large: the Clarke set is [0, 1].'
    """
    mode = rules.feedback
    if mode == "none" and not rules.open_at(now):
        mode = "full"
    verdict = Verdict(attempt.correct, attempt.score, attempt.feedback,
                      diagnosis=attempt.diagnosis)
    return shown_feedback(verdict, kind, mode, rules.deadline)
