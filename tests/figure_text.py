"""What a figure says in words, for tests (import as ``from figure_text import ascii_minus``).

Every string a plotly figure shows, taken from its JSON (traces and frames alike): trace names,
text, hover text and hover data, the literal part of hover templates (``%{x:.3g}`` is plotly's
to render, with its own minus sign), slider step labels and its current-value prefix,
annotations, titles and tick texts.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

_SHOWN = {"text", "name", "hovertext", "customdata", "hovertemplate", "texttemplate", "label",
          "prefix", "ticktext"}
_PLACEHOLDER = re.compile(r"%\{[^}]*\}")
_ASCII_MINUS = re.compile(r"-\d")


def shown_texts(tree: object, key: str = "") -> list[str]:
    """Every text ``tree`` (a figure's ``to_plotly_json()``, or part of it) shows.

    ``title`` and annotations hold their words under ``text``, slider steps under ``label``;
    a step's ``args`` (the frame names it plays) and colours, dashes and symbols are not shown.

    >>> shown_texts({"data": [{"name": "a", "hovertemplate": "x = %{x:-.3g} b"}],
    ...              "layout": {"sliders": [{"steps": [{"label": "c", "args": [["-1"]]}]}]}})
    ['a', 'x =  b', 'c']
    """
    if isinstance(tree, dict):
        return [t for k, v in tree.items() for t in shown_texts(v, k)]
    if isinstance(tree, list | tuple):
        return [t for v in tree for t in shown_texts(v, key)]
    if key in _SHOWN and isinstance(tree, str):
        return [_PLACEHOLDER.sub("", tree)]
    return []


def ascii_minus(fig: go.Figure | dict) -> list[str]:
    """The texts of ``fig`` with an ASCII "-" right before a digit (the app prints U+2212 "−",
    as plotly's own ticks do).

    >>> ascii_minus({"data": [{"text": ["−1", "-1", "x-axis", "1e-07"]}]})
    ['-1', '1e-07']
    """
    tree = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
    return [t for t in shown_texts(tree) if _ASCII_MINUS.search(t)]
