"""One Play for one idea: the sequences, their gradients and the hull they span, in one figure
under one slider, with a live table of i, xᵢ, f(xᵢ), ∇f(xᵢ) (the rows come from
``views.steps``: the figures get strings).

``linked_1d``: the graph with its tangents, the slope axis (both sets, the current slopes and
the hull they span now) and the table. ``linked_2d``: the map of f and the gradient plane side
by side, the table under them. Each panel is the page's own figure (``one_d``, ``two_d``);
``animation.link`` merges their frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..engine.sets import GradientSequence, SetKind
from ..views.explore_1d import Exploration1D
from ..views.explore_2d import Exploration2D
from ..views.steps import Step
from . import one_d, style, two_d
from .animation import Panel, Placement, link

TABLE_HEADER = ("sequence", "i", "xᵢ", "f(xᵢ)", "∇f(xᵢ)")
TABLE_HEADER_1D = ("sequence", "i", "xᵢ", "f(xᵢ)", "f′(xᵢ)")
_ROW_PX, _HEADER_PX = 28, 28
_CONTROLS = 150  # px under the figure for the buttons and the slider
_BUTTONS_BELOW, _SLIDER_BELOW = 40, 80


def _step_index(seq: GradientSequence, k: int, n_steps: int) -> int:
    return len(seq.points) if k == n_steps - 1 else min(k, len(seq.points) - 1)


_GAP = 2  # characters between two columns of the table
_TABLE_FONT = {"size": 12}
# The table at 800 px: ~400 px wide, ~5.5 px a character of its 12 px font on average. A row of
# full names that does not fit there gets the short names (the limit is the table's ∞ row anyway).
NARROW_PX, CHAR_PX, BOLD = 400, 5.5, 1.25  # BOLD: a header's characters are that much wider
# Rows listed at most; past them, the first ROWS - 1 sequences and one row saying how many more
# there are (the map and the gradient plane still draw every one of them).
ROWS = 7


def table_rows(n: int) -> int:
    """How many rows the table of ``n`` sequences takes (header not counted).

    >>> table_rows(4), table_rows(7), table_rows(11)
    (4, 7, 7)
    """
    return min(n, ROWS)


def columns(texts: Sequence[Sequence[str]]) -> tuple[float, ...]:
    """Where each column of the table starts, as a fraction of its width: in proportion to the
    longest text each column holds (its header included), so that at 800 px a long point
    ≈ (−0.3536, −0.3536) does not run into f(xᵢ) while a short name leaves room to it.

    >>> columns([["name"], ["i"], ["(1, 2)"]])
    (0.0, 0.3544, 0.519)
    """
    widths = _widths(texts)
    starts, total = [0.0], sum(widths)
    for w in widths[:-1]:
        starts.append(round(starts[-1] + w / total, 4))
    return tuple(starts)


def _chars(column: Sequence[str]) -> float:
    """The longest text of a column in characters; its first, the header, is bold (wider)."""
    return max((len(t) * (BOLD if k == 0 else 1) for k, t in enumerate(column)), default=0)


def _widths(texts: Sequence[Sequence[str]]) -> list[float]:
    return [_chars(column) + _GAP for column in texts]


def fits(texts: Sequence[Sequence[str]]) -> bool:
    """Whether every column's longest text fits its share of a ``NARROW_PX`` table.

    >>> fits([["h", "a" * 30], ["h", "b" * 30]]), fits([["h", "a" * 40], ["h", "b" * 40]])
    (True, False)
    """
    widths = _widths(texts)
    return all(_chars(column) * CHAR_PX <= NARROW_PX * w / sum(widths)
               for column, w in zip(texts, widths, strict=True))


def _column_texts(names: Sequence[str], header: Sequence[str],
                  steps: Sequence[Sequence[Step]]) -> list[list[str]]:
    shown = [r for st in steps for r in st]
    return [[header[0], *(f"■  {n}" for n in names)], *(  # the colour square, then the name
        [header[c + 1], *(getattr(r, field) for r in shown)]
        for c, field in enumerate(("i", "x", "value", "gradient")))]


def table_panel(names: Sequence[str], colours: Sequence[str],
                steps: Sequence[Sequence[Step]], seqs: Sequence[GradientSequence],
                header: Sequence[str] = TABLE_HEADER,
                short_names: Sequence[str] | None = None) -> go.Figure:
    """A table with one row per sequence, showing its current step; one frame per step, named
    as the other panels' frames (1, 2, …, ∞). It is drawn with scatter text (a plotly Table
    would need a full redraw per frame, which blinks the backgrounds out).

    Past ``ROWS`` sequences it lists the first ``ROWS - 1`` and says how many more there are;
    ``short_names`` (under the header "#") replace ``names`` when the table would not ``fit``
    at 800 px with them.
    """
    n_steps = max(len(s.points) for s in seqs) + 1
    total = len(seqs)
    listed = total if total <= ROWS else ROWS - 1
    names, colours = list(names)[:listed], list(colours)[:listed]
    steps, seqs = list(steps)[:listed], list(seqs)[:listed]
    if short_names is not None and not fits(_column_texts(names, header, steps)):
        names, header = list(short_names)[:listed], ("#", *header[1:])  # "sequence" is wide
    at = columns(_column_texts(names, header, steps))

    def cells(k: int) -> dict:
        now = [st[_step_index(seq, k, n_steps)] for st, seq in zip(steps, seqs, strict=True)]
        text = [t for r in now for t in (r.i, r.x, r.value, r.gradient)]
        return {"x": [x for _ in now for x in at[1:]],
                "y": [-(j + 1) for j in range(listed) for _ in at[1:]], "text": text}

    fig = go.Figure()
    fig.add_trace(go.Scatter(  # the header's band
        x=[0, 1, 1, 0, 0], y=[-0.5, -0.5, 0.5, 0.5, -0.5], mode="lines", fill="toself",
        fillcolor=style.translucent("#808080", 0.2), line={"width": 0}, hoverinfo="skip",
        name="table header"))
    fig.add_trace(go.Scatter(
        x=list(at), y=[0] * len(at), mode="text", textposition="middle right",
        text=[f"<b>{h}</b>" for h in header], hoverinfo="skip", name="table columns",
        textfont=_TABLE_FONT, cliponaxis=False))
    # cliponaxis=False: the colour squares are centred 0.8 % in, which at 800 px is less than
    # their half-width (7 px): the axis cut their left side off. They spill into the margin.
    fig.add_trace(go.Scatter(  # each sequence's colour, then its name
        x=[0.008] * listed, y=[-(j + 1) for j in range(listed)], mode="markers+text",
        marker={"symbol": "square", "size": 14, "color": colours},
        text=[f"  {n}" for n in names], textposition="middle right", hoverinfo="skip",
        name="sequences", textfont=_TABLE_FONT, cliponaxis=False))
    fig.add_trace(go.Scatter(**cells(0), mode="text", textposition="middle right",
                             hoverinfo="skip", name="live table", textfont=_TABLE_FONT,
                             cliponaxis=False))
    if listed < total:  # static: the row under the listed ones
        fig.add_trace(go.Scatter(
            x=[0.0], y=[-ROWS], mode="text", textposition="middle right", hoverinfo="skip",
            text=[f"… and {total - listed} more sequences, drawn on the map and the plane"],
            name="more sequences", textfont=_TABLE_FONT, cliponaxis=False))
    rows = table_rows(total)
    fig.update_layout(
        xaxis={"range": [0, 1], "visible": False, "fixedrange": True},
        yaxis={"range": [-rows - 0.5, 0.5], "visible": False, "fixedrange": True})
    labels = [str(k + 1) for k in range(n_steps - 1)] + ["∞"]
    fig.frames = [go.Frame(name=name, traces=[3], data=[go.Scatter(**cells(k))])
                  for k, name in enumerate(labels)]
    return fig


def _controls(layout: dict) -> Placement:
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    return Placement.in_pixels(plot_px, _BUTTONS_BELOW, _SLIDER_BELOW)


# --- 1D ------------------------------------------------------------------------------------


def _usable_1d(ex: Exploration1D) -> list[int]:
    if ex.clarke.kind == SetKind.UNBOUNDED or len(ex.steps) != len(ex.clarke.sequences):
        return []
    return [j for j, s in enumerate(ex.clarke.sequences) if one_d._usable(s) and ex.steps[j]]


def slope_panel(ex: Exploration1D, used: Sequence[int]) -> go.Figure:
    """The slope axis (``one_d.slope_figure``) with the current slopes f′(xᵢ) marked and the
    hull they span now, a bar that closes in on the Clarke set as i grows."""
    fig = one_d.slope_figure(ex)
    seqs = [ex.clarke.sequences[j] for j in used]
    if not seqs:
        return fig
    n_steps = max(len(s.points) for s in seqs) + 1
    y = one_d._CLARKE_Y + 2.6 * one_d._HALF  # on the row of every step's slopes

    def state(k: int) -> list[dict]:
        slopes = [s.target[0] if _step_index(s, k, n_steps) >= len(s.points)
                  else s.gradients[_step_index(s, k, n_steps)][0] for s in seqs]
        return [{"x": [min(slopes), max(slopes)], "y": [y, y]},
                {"x": slopes, "y": [y] * len(slopes)}]

    hull, now = state(0)
    moving = [len(fig.data), len(fig.data) + 1]
    fig.add_trace(go.Scatter(**hull, mode="lines", name="hull of the slopes f′(xᵢ) now",
                             line={"color": style.CLARKE_SET, "width": 8}, opacity=0.6,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        **now, mode="markers", name="f′(xᵢ) now", hovertemplate="f′(xᵢ) = %{x:.6g}<extra></extra>",
        marker={"color": [style.side_colour(s.side) for s in seqs], "size": 14,
                "symbol": [one_d._SYMBOLS[[t.side for t in seqs[:j]].count(s.side)
                                          % len(one_d._SYMBOLS)] for j, s in enumerate(seqs)],
                "line": {"color": "white", "width": 1}}))
    names = [str(k + 1) for k in range(n_steps - 1)] + ["∞"]
    fig.frames = [go.Frame(name=name, traces=moving,
                           data=[go.Scatter(**d) for d in state(k)])
                  for k, name in enumerate(names)]
    return fig


def _names_1d(ex: Exploration1D, used: Sequence[int]) -> list[str]:
    return [f"{one_d._side_name(ex.clarke.sequences[j])}: f′ → {ex.steps[j][-1].gradient}"
            for j in used]


def linked_1d(ex: Exploration1D) -> go.Figure:
    """The graph (top), the slope axis (middle) and the live table (bottom), one slider."""
    used = _usable_1d(ex)
    seqs = [ex.clarke.sequences[j] for j in used]
    rows = len(seqs)
    table_px = _HEADER_PX + _ROW_PX * max(table_rows(rows), 1) + 10
    graph_px, slope_px, gaps = 430, 200, 130
    height = graph_px + slope_px + table_px + gaps + 70 + _CONTROLS
    grid = make_subplots(
        rows=3, cols=1, specs=[[{}], [{}], [{}]],
        vertical_spacing=gaps / 2 / (height - 70 - _CONTROLS),
        row_heights=[graph_px, slope_px, table_px])
    panels = [Panel(one_d.graph_figure(ex), 1, 1, "legend"), Panel(slope_panel(ex, used), 2, 1)]
    if seqs:
        colours = [style.side_colour(s.side) for s in seqs]
        panels.append(Panel(table_panel(_names_1d(ex, used), colours,
                                        [ex.steps[j] for j in used], seqs, TABLE_HEADER_1D),
                            3, 1))
    return _linked(grid, panels, height, {"l": 60, "r": 20, "t": 70})


# --- 2D ------------------------------------------------------------------------------------


def linked_2d(ex: Exploration2D) -> go.Figure:
    """The map of f (left) and the gradient plane (right) under one slider, the table below."""
    seqs = two_d._sequences(ex)
    index = [next(j for j, t in enumerate(ex.clarke.sequences) if t is s) for s in seqs]
    usable = bool(seqs) and len(ex.steps) == len(ex.clarke.sequences) and all(
        ex.steps[j] for j in index)
    table_px = _HEADER_PX + _ROW_PX * max(table_rows(len(seqs)), 1) + 10 if usable else 0
    square, gap = 470, 80
    height = square + table_px + gap + 110 + _CONTROLS
    specs = [[{}, {}], [{"colspan": 2}, None]] if usable else [[{}, {}]]
    grid = make_subplots(rows=2 if usable else 1, cols=2, specs=specs,
                         # room between the two for the plane's ticks and title at 800 px
                         horizontal_spacing=0.15,
                         vertical_spacing=gap / (height - 110 - _CONTROLS),
                         row_heights=[square, table_px] if usable else None)
    panels = [Panel(two_d.contour_figure(ex, outlines=True), 1, 1, "legend"),
              Panel(two_d.gradient_figure(ex), 1, 2, "legend")]
    if usable:
        colours = [two_d.sequence_colour(ex, s, j) for j, s in enumerate(seqs)]
        names = [f"{j + 1}: ∇f → {ex.steps[i][-1].gradient}" for j, i in enumerate(index)]
        panels.append(Panel(table_panel(names, colours, [ex.steps[j] for j in index], seqs,
                                        short_names=[str(j + 1) for j in range(len(seqs))]),
                            2, 1))
    return _linked(grid, panels, height, {"l": 50, "r": 35, "t": 110})  # r: vertex labels


def _linked(grid: go.Figure, panels: list, height: int, margin: dict) -> go.Figure:
    """The panels under one slider in ``grid``, one legend in a row above the plots."""
    layout = style.base_layout(height=height, margin={**margin, "b": _CONTROLS})
    grid.update_layout(**layout)
    grid.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0,
                               "font": {"size": 12}})
    return link(grid, panels, "step i = ", frame_ms=one_d.FRAME_MS,
                transition_ms=one_d.TRANSITION_MS, place=_controls(layout), value_side="right")
