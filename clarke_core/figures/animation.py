"""The one animation helper: a figure's frames, ▶ Play / ❚❚ Pause buttons and a step slider.

The figure builders make the frames (each carries only the traces that move); ``animate`` gives
every animated figure the same controls, placed where the figure has room for them, and ``link``
puts several animated panels in one figure driven by one slider.

Backgrounds (regions, level curves, the graph) are the traces no frame names. plotly.js plays a
frame without ``redraw`` by re-plotting only the traces the frame names, and it rebuilds each
x-y subplot's layers from those alone: a heatmap or contour layer there, or every trace of a
subplot no frame touches, is dropped from the page for good. A full redraw per frame keeps
them but blinks them out while it draws, so ``link`` (and ``keep_backgrounds`` for one figure)
redraws heatmaps and contours as scatter traces (``backgrounds``), which stay; ``animate``
still asks for a full redraw whenever a figure has a background that would be dropped
(``needs_redraw``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .backgrounds import as_scatter


@dataclass(frozen=True)
class Placement:
    """Where the controls sit: the tops of the buttons (at the left) and of the slider as
    fractions of the plot area's height (negative: under it). The slider spans the plot's
    width: on a row of its own, or ``beside`` the buttons, its rail starting ``BUTTONS_PX``
    to the right of the plot's left edge (in pixels: a fraction of the width put it under
    ❚❚ Pause on a narrow figure).
    """

    buttons_y: float
    slider_y: float
    beside: bool = False

    @classmethod
    def in_pixels(cls, plot_px: float, buttons_px: float, slider_px: float,
                  beside: bool = False) -> Placement:
        """Tops ``buttons_px`` and ``slider_px`` pixels under a plot area ``plot_px`` high: clear
        of the axis title whatever the figure's height.

        >>> Placement.in_pixels(400, 40, 80).slider_y
        -0.2
        """
        return cls(-buttons_px / plot_px, -slider_px / plot_px, beside)


# The width of ▶ Play and ❚❚ Pause side by side (~150 px in the app's font), and a gap.
BUTTONS_PX = 165
# Buttons on their own row under the plot, a full-width slider under them (~130 px of margin).
UNDER = Placement(-0.2, -0.36)
# Buttons at the left under the plot, the slider on the same row to their right (~130 px).
BESIDE = Placement(-0.14, -0.12, beside=True)


def moving_traces(frames: Sequence[go.Frame]) -> set[int]:
    """The indices of the traces some frame names (the rest are the figure's backgrounds)."""
    return {i for f in frames for i in (f.traces or ())}


def check_frames(frames: Sequence[go.Frame], fig: go.Figure | None = None,
                 backgrounds: Collection[int] = ()) -> None:
    """Raise ValueError unless every frame names its traces (``traces``), one per data entry:
    a frame without ``traces`` writes its data over traces 0, 1, …, the backgrounds first.
    With ``fig``, each named trace must be one of its traces and of its data entry's type (a
    scatter frame over a contour replaces the contour); no frame may name one of the
    ``backgrounds`` (indices the caller drew as still pictures).

    >>> fig = go.Figure([go.Contour(z=[[0, 1], [1, 0]]), go.Scatter(x=[0])])
    >>> check_frames([go.Frame(name="1", traces=[1], data=[go.Scatter(x=[1])])], fig)
    >>> check_frames([go.Frame(name="1", traces=[0], data=[go.Scatter(x=[1])])], fig)
    Traceback (most recent call last):
    ...
    ValueError: frame '1' writes a scatter over trace 0, a contour
    """
    for f in frames:
        if f.data and f.traces is None:
            raise ValueError(f"frame {f.name!r} does not say which traces it moves")
        traces = list(f.traces or ())
        if len(traces) != len(f.data or ()):
            raise ValueError(f"frame {f.name!r} names {len(traces)} traces for "
                             f"{len(f.data or ())} data entries")
        for i, data in zip(traces, f.data or (), strict=True):
            if i in backgrounds:
                raise ValueError(f"frame {f.name!r} moves trace {i}, a background")
            if fig is None:
                continue
            if not 0 <= i < len(fig.data):
                raise ValueError(f"frame {f.name!r} names trace {i}; the figure has "
                                 f"{len(fig.data)}")
            if data.type != fig.data[i].type:
                raise ValueError(f"frame {f.name!r} writes a {data.type} over trace {i}, "
                                 f"a {fig.data[i].type}")


def _subplot(trace) -> str | None:
    if trace.type not in _CARTESIAN:
        return None
    return (getattr(trace, "xaxis", None) or "x") + (getattr(trace, "yaxis", None) or "y")


# Trace types drawn on x-y axes; of these plotly.js re-plots only scatter traces by themselves.
_CARTESIAN = {"scatter", "bar", "heatmap", "contour", "histogram", "histogram2d",
              "histogram2dcontour", "box", "violin", "image", "carpet"}


def needs_redraw(fig: go.Figure, frames: Sequence[go.Frame]) -> bool:
    """Whether plotly.js must redraw the whole figure per frame to keep its backgrounds: a frame
    moves a trace that is not a 2D scatter (a table, a surface, a heatmap), or the figure has a
    background that a partial re-plot drops (any non-scatter trace on x-y axes, or a subplot
    whose traces no frame moves).

    >>> line = go.Figure([go.Scatter(x=[0]), go.Scatter(x=[1])])
    >>> needs_redraw(line, [go.Frame(name="0", traces=[1], data=[go.Scatter(x=[2])])])
    False
    >>> _ = line.add_trace(go.Contour(z=[[0, 1], [1, 0]]))
    >>> needs_redraw(line, [go.Frame(name="0", traces=[1], data=[go.Scatter(x=[2])])])
    True
    """
    moving = moving_traces(frames)
    if any(fig.data[i].type != "scatter" for i in moving if i < len(fig.data)):
        return True
    touched = {_subplot(fig.data[i]) for i in moving if i < len(fig.data)}
    for i, trace in enumerate(fig.data):
        if i in moving or _subplot(trace) is None:
            continue
        if trace.type != "scatter" or _subplot(trace) not in touched:
            return True
    return False


def animate(
    fig: go.Figure,
    frames: Sequence[go.Frame],
    prefix: str,
    *,
    frame_ms: int,
    transition_ms: int = 0,
    active: int = 0,
    labels: Sequence[str] | None = None,
    redraw: bool = False,
    place: Placement = UNDER,
    value_side: str = "left",
    value_font: dict | None = None,
    step_labels: bool = True,
    backgrounds: Collection[int] = (),
) -> go.Figure:
    """Give ``fig`` its ``frames``, ▶ Play / ❚❚ Pause buttons and a slider with one step per
    frame; returns ``fig``. The caller leaves room under the plot (its bottom margin).

    ``prefix`` labels the slider's current value (shown at ``value_side``, in ``value_font``;
    always at the right end when the slider sits beside the buttons, clear of them);
    ``labels`` name the steps (default: the frame names), ``active`` is the step shown first;
    ``step_labels=False`` hides the labels under the slider (long ones: the current value says
    it). Play shows a frame every ``frame_ms`` ms, moving over ``transition_ms``; ``redraw``
    must be True for 3D scenes (plotly redraws WebGL traces only then), and is made True when
    the figure's backgrounds need it (``needs_redraw``). Raises ValueError for a frame that
    does not name its traces, names one ``fig`` lacks or of another type, or names one of the
    ``backgrounds`` (``check_frames``).

    >>> fig = animate(go.Figure(), [go.Frame(name="0"), go.Frame(name="1")], "t = ", frame_ms=200)
    >>> [b.label for b in fig.layout.updatemenus[0].buttons], len(fig.layout.sliders[0].steps)
    (['▶ Play', '❚❚ Pause'], 2)
    """
    check_frames(frames, fig, backgrounds)
    redraw = redraw or needs_redraw(fig, frames)
    fig.frames = frames
    names = [f.name for f in fig.frames]
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": redraw},
             "transition": {"duration": 0}}
    play = {"frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": True,
            "transition": {"duration": transition_ms, "easing": "linear"}}
    # Beside the buttons, a label at the slider's left end ran under ❚❚ Pause on a narrow
    # figure (800 px wide); at the right end it has the slider's whole length.
    current = {"prefix": prefix, "visible": True,
               "xanchor": "right" if place.beside else value_side}
    if value_font is not None:
        current["font"] = value_font
    slider = {
        "active": active, "x": 0, "len": 1, "y": place.slider_y, "yanchor": "top",
        "pad": {"t": 0, "b": 0, "l": BUTTONS_PX if place.beside else 0}, "currentvalue": current,
        "transition": {"duration": 0},
        "steps": [{"method": "animate", "label": label, "args": [[name], still]}
                  for name, label in zip(names, labels or names, strict=True)],
    }
    if not step_labels:
        slider["font"] = {"color": "rgba(0,0,0,0)"}
    fig.update_layout(
        updatemenus=[{
            "type": "buttons", "direction": "left", "showactive": False, "x": 0,
            "xanchor": "left", "y": place.buttons_y, "yanchor": "top", "pad": {"r": 10, "t": 0},
            "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, play]},
                        {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]}],
        }],
        sliders=[slider],
    )
    return fig


@dataclass(frozen=True)
class Panel:
    """One animated (or still) figure to place in the subplot at ``row``, ``col`` of a linked
    figure; its traces go to the legend ``legend`` (None: they show no legend)."""

    figure: go.Figure
    row: int
    col: int
    legend: str | None = None


def _refs(grid: go.Figure, row: int, col: int) -> dict[str, str]:
    sub = grid.get_subplot(row, col)
    if sub is None or not hasattr(sub, "xaxis"):
        return {}
    x, y = sub.xaxis.plotly_name, sub.yaxis.plotly_name  # "xaxis2", "yaxis2"
    return {"xaxis": x, "yaxis": y, "x": x.replace("axis", ""), "y": y.replace("axis", "")}


def _axis(props: dict, refs: dict[str, str]) -> dict:
    props = {k: v for k, v in props.items() if k not in ("domain", "anchor")}
    if props.get("scaleanchor") in ("x", "y"):
        props["scaleanchor"] = refs[props["scaleanchor"]]
    return props


def _annotation(a: dict, refs: dict[str, str]) -> dict:
    a = dict(a)
    for key in ("xref", "yref"):
        axis = key[0]
        ref = a.get(key, axis)
        a[key] = refs[axis] if ref == axis else f"{refs[axis]} domain" if ref == "paper" else ref
    return a


def link(grid: go.Figure, panels: Sequence[Panel], prefix: str, **controls) -> go.Figure:
    """Put each panel's traces, axes and notes into its subplot of ``grid`` (a figure from
    ``plotly.subplots.make_subplots``) and merge the panels' frames by name into one frame per
    step, so that one slider and one ▶ Play move every panel; heatmaps and contours that no
    frame moves are drawn as scatter traces, so that they stay. Returns ``grid``, animated by
    ``animate(grid, frames, prefix, **controls)`` (not animated when no panel is). Animated
    panels must have the same steps.

    >>> from plotly.subplots import make_subplots
    >>> def dot(x): return go.Figure(go.Scatter(x=[x]), frames=[
    ...     go.Frame(name=str(k), traces=[0], data=[go.Scatter(x=[x + k])]) for k in (1, 2)])
    >>> fig = link(make_subplots(rows=1, cols=2), [Panel(dot(0), 1, 1), Panel(dot(5), 1, 2)],
    ...            "i = ", frame_ms=300)
    >>> [(f.name, list(f.traces)) for f in fig.frames], fig.data[1].xaxis
    ([('1', [0, 1]), ('2', [0, 1])], 'x2')
    """
    names: list[str] | None = None
    merged: dict[str, dict] = {}
    still: list[int] = []  # the grid's backgrounds: what no panel's frames move
    annotations = list(grid.layout.annotations or ())
    for panel in panels:
        refs = _refs(grid, panel.row, panel.col)
        moving, index = moving_traces(panel.figure.frames), {}
        for i, original in enumerate(panel.figure.data):
            index[i] = len(grid.data)
            drawn = [original] if i in moving else as_scatter(original)
            if i not in moving:
                still += range(len(grid.data), len(grid.data) + len(drawn))
            for trace in drawn:
                trace = go.Figure(trace).data[0]  # a copy: the panel keeps its own
                if panel.legend is None and "showlegend" in trace:
                    trace.showlegend = False
                elif refs:
                    trace.legend = panel.legend
                grid.add_trace(trace, row=panel.row, col=panel.col)
        layout = panel.figure.layout
        if refs:
            grid.layout[refs["xaxis"]].update(_axis(layout.xaxis.to_plotly_json(), refs))
            grid.layout[refs["yaxis"]].update(_axis(layout.yaxis.to_plotly_json(), refs))
            annotations += [_annotation(a.to_plotly_json(), refs)
                            for a in layout.annotations or ()]
        if not panel.figure.frames:
            continue
        own = [f.name for f in panel.figure.frames]
        if names is not None and own != names:
            raise ValueError("linked panels must have the same steps")
        names = own
        for f in panel.figure.frames:
            step = merged.setdefault(f.name, {"data": [], "traces": [], "layout": {}})
            step["data"] += list(f.data)
            step["traces"] += [index[i] for i in f.traces]
            for key, value in (f.layout.to_plotly_json() if f.layout else {}).items():
                step["layout"][refs.get(key, key)] = value
    grid.update_layout(annotations=annotations)
    if not merged:
        return grid  # still panels: nothing to play
    frames = [go.Frame(name=name, data=step["data"], traces=step["traces"],
                       layout=step["layout"] or None) for name, step in merged.items()]
    return animate(grid, frames, prefix, backgrounds=still, **controls)


def keep_backgrounds(fig: go.Figure) -> go.Figure:
    """``fig`` (animated) with its heatmap and contour backgrounds redrawn as scatter traces,
    so that Play and the slider leave them in place; frames without a full redraw again when
    nothing else needs one. Returns a new figure.

    >>> lines = go.Contour(z=[[0, 1], [1, 2]], contours={"coloring": "lines"})
    >>> fig = animate(go.Figure([lines, go.Scatter(x=[0])]),
    ...               [go.Frame(name="0", traces=[1], data=[go.Scatter(x=[1])])], "t = ",
    ...               frame_ms=200)
    >>> [t.type for t in keep_backgrounds(fig).data], fig.layout.sliders[0].steps[0].args[1][
    ...     "frame"]["redraw"], keep_backgrounds(fig).layout.sliders[0].steps[0].args[1][
    ...     "frame"]["redraw"]
    (['scatter', 'scatter'], True, False)
    """
    moving, index, data, still = moving_traces(fig.frames), {}, [], []
    for i, trace in enumerate(fig.data):
        index[i] = len(data)
        drawn = [trace] if i in moving else as_scatter(trace)
        if i not in moving:
            still += range(len(data), len(data) + len(drawn))
        data += drawn
    out = go.Figure(data=data, layout=fig.layout)
    out.frames = [go.Frame(name=f.name, data=f.data, layout=f.layout,
                           traces=[index[i] for i in f.traces or ()]) for f in fig.frames]
    check_frames(out.frames, out, still)
    redraw = needs_redraw(out, out.frames)
    for step in out.layout.sliders[0].steps if out.layout.sliders else ():
        step.args[1]["frame"]["redraw"] = redraw
    for button in out.layout.updatemenus[0].buttons if out.layout.updatemenus else ():
        if button.args[1] and "frame" in button.args[1]:
            button.args[1]["frame"]["redraw"] = redraw
    return out
