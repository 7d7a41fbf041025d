"""The one animation helper: a figure's frames, ▶ Play / ❚❚ Pause buttons and a step slider.

The figure builders make the frames (each carries only the traces that move); ``animate`` gives
every animated figure the same controls, placed where the figure has room for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go


@dataclass(frozen=True)
class Placement:
    """Where the controls sit: the tops of the buttons (at the left) and of the slider as
    fractions of the plot area's height (negative: under it), and the slider's left end and
    length as fractions of its width (``x`` = 0, ``length`` = 1: a full-width row of its own).
    """

    buttons_y: float
    slider_y: float
    slider_x: float = 0.0
    slider_len: float = 1.0

    @classmethod
    def in_pixels(cls, plot_px: float, buttons_px: float, slider_px: float,
                  slider_x: float = 0.0, slider_len: float = 1.0) -> Placement:
        """Tops ``buttons_px`` and ``slider_px`` pixels under a plot area ``plot_px`` high: clear
        of the axis title whatever the figure's height.

        >>> Placement.in_pixels(400, 40, 80).slider_y
        -0.2
        """
        return cls(-buttons_px / plot_px, -slider_px / plot_px, slider_x, slider_len)


# Buttons on their own row under the plot, a full-width slider under them (~130 px of margin).
UNDER = Placement(-0.2, -0.36)
# Buttons at the left under the plot, the slider on the same row to their right (~130 px).
BESIDE = Placement(-0.14, -0.12, slider_x=0.2, slider_len=0.8)


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
) -> go.Figure:
    """Give ``fig`` its ``frames``, ▶ Play / ❚❚ Pause buttons and a slider with one step per
    frame; returns ``fig``. The caller leaves room under the plot (its bottom margin).

    ``prefix`` labels the slider's current value (shown at ``value_side``, in ``value_font``);
    ``labels`` name the steps (default: the frame names), ``active`` is the step shown first;
    ``step_labels=False`` hides the labels under the slider (long ones: the current value says
    it). Play shows a frame every ``frame_ms`` ms, moving over ``transition_ms``; ``redraw``
    must be True for 3D scenes (plotly redraws WebGL traces only then).

    >>> fig = animate(go.Figure(), [go.Frame(name="0"), go.Frame(name="1")], "t = ", frame_ms=200)
    >>> [b.label for b in fig.layout.updatemenus[0].buttons], len(fig.layout.sliders[0].steps)
    (['▶ Play', '❚❚ Pause'], 2)
    """
    fig.frames = frames
    names = [f.name for f in fig.frames]
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": redraw},
             "transition": {"duration": 0}}
    play = {"frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": True,
            "transition": {"duration": transition_ms, "easing": "linear"}}
    current = {"prefix": prefix, "visible": True, "xanchor": value_side}
    if value_font is not None:
        current["font"] = value_font
    slider = {
        "active": active, "x": place.slider_x, "len": place.slider_len, "y": place.slider_y,
        "yanchor": "top", "pad": {"t": 0, "b": 0}, "currentvalue": current,
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
