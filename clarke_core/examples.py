"""The gallery of 1D examples, as data: each preset says what it teaches in one sentence.

>>> EXAMPLES_1D[0].expr, EXAMPLES_1D[0].at
('max(0, x)', '0')
>>> example_1d("lecture-figure-1").at
'-1'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """One preset: a function ``expr`` of x, the point ``at`` (both as a student types them)."""

    key: str
    label: str
    expr: str
    at: str
    note: str


EXAMPLES_1D: tuple[Example, ...] = (
    Example(
        "relu", "ReLU at its kink", "max(0, x)", "0",
        "Slopes 0 from the left and 1 from the right give the Clarke set [0, 1], which here "
        "equals the subdifferential because ReLU is convex.",
    ),
    Example(
        "lecture-figure-1", "Lecture figure 1 (no subgradient)",
        "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1",
        "The lecture's non-convex example: no line through (-1, -1) stays below the graph, yet "
        "the limiting slopes +1 and -1 give the Clarke set [-1, 1].",
    ),
    Example(
        "x2-sin-1-over-x", "x² sin(1/x): differentiable, not strictly",
        "Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0",
        "f'(0) = 0 exists, but f' keeps oscillating between -1 and 1 near 0, so the Clarke set "
        "is [-1, 1] and not {f'(0)}.",
    ),
    Example(
        "abs", "|x| (convex kink)", "abs(x)", "0",
        "For a convex function the Clarke set [-1, 1] and the subdifferential coincide.",
    ),
    Example(
        "minus-abs", "-|x| (concave kink)", "-abs(x)", "0",
        "The Clarke set is still [-1, 1], but the subdifferential is empty because every line "
        "through the peak crosses above the graph somewhere.",
    ),
    Example(
        "relu-difference", "relu(x) - relu(-x) (it is x)", "relu(x) - relu(-x)", "0",
        "This program computes plain x, so its Clarke set is {1}, whatever value an autodiff "
        "convention would give at 0.",
    ),
    Example(
        "sqrt-abs", "√|x| (not locally Lipschitz)", "sqrt(abs(x))", "0",
        "Slopes blow up near 0, so f is not locally Lipschitz there and has no Clarke set.",
    ),
    Example(
        "active-not-essential", "max(x², 2|x| - 1) (active, not essentially active)",
        "max(x**2, 2*abs(x) - 1)", "0",
        "The pieces only touch at isolated points, so the function is x² near 0 and its Clarke "
        "set is {0}: a piece that is merely active does not count.",
    ),
    Example(
        "irrational-kink", "|x² - 2| at √2 (irrational kink)", "abs(x**2 - 2)", "sqrt(2)",
        "The kink sits at an irrational point, which must be handled exactly to find the "
        "Clarke set [-2√2, 2√2].",
    ),
    Example(
        "abs-minus-abs", "|x| - |x| (calculus rules overestimate)", "abs(x) - abs(x)", "0",
        "The sum rule only promises a superset, [-2, 2], while the function is 0 and its Clarke "
        "set is {0}.",
    ),
)


def example_1d(key: str) -> Example:
    """The 1D preset with this ``key``; raises KeyError for an unknown key."""
    for example in EXAMPLES_1D:
        if example.key == key:
            return example
    raise KeyError(key)


def find_example_1d(expr: str, at: str) -> Example | None:
    """The preset with exactly this function and point (spaces around them ignored), if any.

    >>> find_example_1d(" abs(x) ", "0").key
    'abs'
    >>> find_example_1d("abs(x)", "1") is None
    True
    """
    for example in EXAMPLES_1D:
        if (example.expr, example.at) == (expr.strip(), at.strip()):
            return example
    return None
