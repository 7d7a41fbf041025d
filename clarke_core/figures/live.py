"""The live question's pictures: the QR code of its short link (an SVG drawn here by segno, no
network), and the histogram of the answers given so far (right ones green, wrong ones
vermillion) beside the wrong answers counted by the grader's diagnosis. Draw only: the counts
come from ``classroom.live_tally``.

Answers are text that students typed; plotly reads a few HTML tags in labels (``<a href>``,
``<b>``), so every answer is escaped and shortened before it becomes a label.

>>> from clarke_core.classroom.live import LiveTally
>>> fig = live_figure(LiveTally(3, 1, 3, (("one_value", 2),),
...                             (("0", False, "one_value", 2), ("[0, 1]", True, "right", 1))))
>>> [t.name for t in fig.data], list(fig.data[1].x), fig.layout.yaxis.ticktext
(['right', 'wrong', 'diagnoses'], [2], ('“0”', '“[0, 1]”'))
>>> fig.layout.yaxis2.ticktext
('one value',)
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import segno
from plotly.subplots import make_subplots

from ..classroom.live import LiveTally
from ..engine.printing import count_text
from ..grading.verdict import DIAGNOSES
from .style import CLARKE_SET, NEUTRAL, POINT, base_layout

MAX_BARS = 8  # distinct answers drawn; the rest are one "other answers" bar
LABEL_CHARS = 22
ROW_PX = 30


QR_SCALE = 7  # pixels per module: a version-3 code is about 260 px, readable across a lecture hall


def qr_svg(link: str, scale: int = QR_SCALE) -> str:
    """The QR code of ``link`` as inline SVG: black on white with its quiet zone, so that it
    scans on the dark theme too. Only squares: the SVG holds no text of the link.

    >>> svg = qr_svg("http://127.0.0.1:8602/live?t=AB3DE")
    >>> svg.startswith("<svg") and "AB3DE" not in svg
    True
    """
    return segno.make(link, error="m").svg_inline(scale=scale, dark="#000", light="#fff",
                                                   border=4)


def answer_label(answer: str, limit: int = LABEL_CHARS) -> str:
    """A typed answer as a bar's label: one line, at most ``limit`` characters, HTML escaped.

    >>> answer_label('<a href="x">[0, 1] or so</a>')
    '&lt;a href=&quot;x&quot;&gt;[0, 1] or…'
    """
    text = " ".join(answer.split()) or "(empty)"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text)


def diagnosis_label(diagnosis: str) -> str:
    """A diagnosis word as a short label ("sum_rule" -> "sum rule"; none: "not diagnosed")."""
    return diagnosis.replace("_", " ") if diagnosis else "not diagnosed"


def live_figure(tally: LiveTally) -> go.Figure:
    """Two horizontal bar charts: the most frequent answers (at most ``MAX_BARS``, then the
    rest as one bar; each in quotes, as typed) and the wrong answers per diagnosis; a note when
    there is no answer. Counts are whole numbers, so the count axes tick in whole steps."""
    rows = list(tally.by_answer[:MAX_BARS])
    rest = tally.by_answer[MAX_BARS:]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.22,
                        subplot_titles=("Answers", "Wrong answers by diagnosis"))
    bar = {"orientation": "h", "textposition": "outside", "cliponaxis": False, "width": 0.7}
    for right, name, colour in ((True, "right", CLARKE_SET), (False, "wrong", POINT)):
        picked = [(i, n, d) for i, (_, ok, d, n) in enumerate(rows) if ok == right]
        fig.add_trace(go.Bar(
            x=[n for _, n, _ in picked], y=[i for i, _, _ in picked], name=name,
            marker_color=colour, text=[n for _, n, _ in picked],
            customdata=[[count_text(n, "answer"), diagnosis_label(d)] for _, n, d in picked],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>", **bar),
            row=1, col=1)
    ticks = [f"“{answer_label(a)}”" for a, *_ in rows]
    if rest:
        ticks.append(count_text(len(rest), "other answer"))
        fig.add_trace(go.Bar(x=[sum(r[3] for r in rest)], y=[len(rows)], name="other answers",
                             marker_color=NEUTRAL, showlegend=False,
                             text=[sum(r[3] for r in rest)], hoverinfo="x", **bar),
                      row=1, col=1)
    shown = list(tally.diagnoses[:MAX_BARS])
    fig.add_trace(go.Bar(
        x=[n for _, n in shown], y=list(range(len(shown))), name="diagnoses",
        marker_color=POINT, showlegend=False, text=[n for _, n in shown],
        customdata=[DIAGNOSES.get(d, "not diagnosed") for d, _ in shown],
        hovertemplate="%{x}: %{customdata}<extra></extra>", **bar), row=1, col=2)
    n_rows = max(len(ticks), len(shown), 3)
    fig.update_layout(**base_layout(
        height=150 + ROW_PX * n_rows, barmode="overlay", showlegend=bool(tally.answers),
        margin={"l": 10, "r": 30, "t": 40, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12 - 0.5 / n_rows, "x": 0}))
    for col, labels in ((1, ticks), (2, [diagnosis_label(d) for d, _ in shown])):
        fig.update_yaxes(tickvals=list(range(len(labels))), ticktext=labels,
                         range=[n_rows - 0.5, -0.5], automargin=True, fixedrange=True,
                         showgrid=False, row=1, col=col)
    top = max([n for *_, n in tally.by_answer] + [n for _, n in shown] + [1])
    for col, title in ((1, "answers"), (2, "wrong answers")):
        fig.update_xaxes(range=[0, top * 1.25 + 0.5], dtick=max(1, math.ceil(top / 5)),
                         fixedrange=True, title_text=title, row=1, col=col)
    if not tally.answers:
        fig.add_annotation(text="No answers yet.", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5, font={"size": 18})
    return fig
