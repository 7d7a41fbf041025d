"""The lecturer's chart: a class's most common wrong answers, one bar each, coloured by the
grader's diagnosis (in words, ``grading.verdict.DIAGNOSES``).

Answers are students' text: every label is HTML-escaped, since plotly reads a few tags (``<a>``,
``<b>``, ``<br>``) in labels.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from ..engine.printing import count_text
from ..grading.verdict import DIAGNOSES
from .style import (
    CLARKE_SET,
    FUNCTION,
    LEFT_SEQUENCE,
    NEUTRAL,
    POINT,
    RIGHT_SEQUENCE,
    SUBDIFFERENTIAL,
    base_layout,
)

_COLOURS = (POINT, FUNCTION, LEFT_SEQUENCE, CLARKE_SET, SUBDIFFERENTIAL, RIGHT_SEQUENCE, NEUTRAL)
NO_DIAGNOSIS = "no diagnosis given"
MAX_LABEL = 40


def diagnosis_words(diagnosis: str) -> str:
    """A diagnosis as the lecturer reads it.

    >>> diagnosis_words("sum_rule"), diagnosis_words("")
    ('a superset from the sum rule', 'no diagnosis given')
    """
    return DIAGNOSES.get(diagnosis, NO_DIAGNOSIS)


def _label(question: str, answer: str, with_question: bool) -> str:
    text = answer if len(answer) <= MAX_LABEL else answer[: MAX_LABEL - 1] + "…"
    text = f"{question}: {text}" if with_question else text
    return html.escape(text, quote=False)


def _stacked(labels: list[str], wrong: list[tuple[str, dict]]) -> dict[str, int]:
    """The length of each bar (an answer under two diagnoses stacks)."""
    total: dict[str, int] = {}
    for label, (_, w) in zip(labels, wrong, strict=True):
        total[label] = total.get(label, 0) + w["count"]
    return total


def wrong_answers_figure(stats: list[dict], *, top: int = 12) -> go.Figure:
    """The ``top`` most frequent wrong answers of ``stats`` (``classroom.stats`` rows), most
    frequent at the top, one trace per diagnosis, the legend always shown (it says the
    diagnosis in words). Labels name the question when ``stats`` holds more than one.

    >>> rows = [{"question": "q", "wrong": [
    ...     {"answer": "[0, 2]", "diagnosis": "sum_rule", "count": 3},
    ...     {"answer": "<b>1</b>", "diagnosis": "one_value", "count": 1}]}]
    >>> fig = wrong_answers_figure(rows)
    >>> [(t.name, list(t.x), list(t.y)) for t in fig.data]
    [('a superset from the sum rule', [3], ['[0, 2]']), \
('one element of the set, such as an autodiff value at a kink', [1], ['&lt;b&gt;1&lt;/b&gt;'])]
    """
    with_question = len(stats) > 1
    wrong = [(row["question"], w) for row in stats for w in row["wrong"]]
    wrong.sort(key=lambda qw: -qw[1]["count"])
    wrong = wrong[:top]
    labels = [_label(q, w["answer"], with_question) for q, w in wrong]
    fig = go.Figure()
    order: list[str] = []
    for _, w in wrong:
        if w["diagnosis"] not in order:
            order.append(w["diagnosis"])
    for k, diagnosis in enumerate(order):
        picked = [(label, w["count"]) for label, (_, w) in zip(labels, wrong, strict=True)
                  if w["diagnosis"] == diagnosis]
        fig.add_trace(go.Bar(
            x=[n for _, n in picked], y=[label for label, _ in picked], orientation="h",
            name=html.escape(diagnosis_words(diagnosis), quote=False),
            marker={"color": _COLOURS[k % len(_COLOURS)]},
            customdata=[count_text(n, "attempt") for _, n in picked],
            hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>"))
    most = max((n for n in _stacked(labels, wrong).values()), default=1)
    layout = base_layout(
        barmode="stack", bargap=0.4, height=150 + 36 * len(labels), showlegend=True,
        # Whole numbers of attempts: about eight ticks at most, one apart for a small class.
        xaxis={"title": {"text": "wrong attempts"}, "dtick": max(1, math.ceil(most / 8)),
               "tickformat": "d", "rangemode": "tozero"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(labels)),
               "automargin": True, "type": "category"},
        margin={"l": 20, "r": 20, "t": 50, "b": 50})  # the legend above, as in base_layout
    if not wrong:
        layout["annotations"] = [{"text": "No wrong answers yet.", "showarrow": False,
                                  "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}]
        layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
    fig.update_layout(**layout)
    return fig
