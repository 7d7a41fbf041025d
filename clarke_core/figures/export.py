"""Slide-ready copies of figures: the picture alone, as it ends, with a title line, at 16:9.

Draw only: ``slide_figure`` returns a new figure; making PNG or SVG bytes of it is the page's
business (ui.figure_downloads, with kaleido). The original figure is never changed.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from ..engine.sets import DifferentialSet
from ..views.comparison import set_text
from . import style

SLIDE_WIDTH, SLIDE_HEIGHT = 1600, 900  # 16:9, the shape of a projected slide
SLIDE_FONT, TITLE_FONT = 22, 28
# Text sizes the builders set for a screen (labels, notes) grow by this much on a slide.
_TEXT_SCALE = SLIDE_FONT / style.SCREEN_FONT
# Labels in a role colour too faint as text on white take its darker variant (4.5:1).
_ON_WHITE = style.text_colours((style.LIGHT_BACKGROUND,))
_MARGIN = {"l": 90, "r": 40, "t": 150, "b": 80}
# Hints that only make sense next to a Play button (legend names such as "… (press ▶ Play)").
_PLAY_HINT = re.compile(r"\s*\(press ▶ Play\)")
# plotly reads <b>, <br>, <a href=…> and entities in text: a title shows the characters given.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def slide_title(function: str, point: str, dset: DifferentialSet | None, *,
                variables: str = "x", symbol: str = "∂f(x₀)") -> str:
    """The title line a lecture writes, ``f(x) = …, x₀ = …, ∂f(x₀) = …``, the set printed
    exactly where it is known (and said to be checked numerically where it was); a point of
    two coordinates is put in parentheses.

    >>> slide_title("abs(x)", "0", DifferentialSet("interval", [(-1.0,), (1.0,)]))
    'f(x) = abs(x),  x₀ = 0,  ∂f(x₀) = [-1, 1]'
    >>> slide_title("max(x, y)", "0, 0", DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]),
    ...             variables="x, y")
    'f(x, y) = max(x, y),  x₀ = (0, 0),  ∂f(x₀) = conv{(0, 1), (1, 0)}'
    """
    point = point.strip()
    if "," in point and not point.startswith("("):
        point = f"({point})"
    shown = "undecided" if dset is None else set_text(dset)
    return f"f({variables}) = {function.strip()},  x₀ = {point},  {symbol} = {shown}"


def _escaped(text: str) -> str:
    return "".join(_ENTITIES.get(c, c) for c in text)


def final_state(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` showing what its animation ends on: every frame's data and layout
    applied in order, as plotly does when Play runs to the end; the frames are gone.

    >>> fig = go.Figure(go.Scatter(x=[0], y=[0]), frames=[go.Frame(data=[go.Scatter(x=[k])])
    ...                                                     for k in (1, 2)])
    >>> end = final_state(fig)
    >>> end.data[0].x, end.data[0].y, len(end.frames), fig.data[0].x
    ((2,), (0,), 0, (0,))
    """
    out = go.Figure(fig)
    frames = out.frames
    out.frames = ()
    for frame in frames:
        targets = frame.traces if frame.traces is not None else range(len(frame.data))
        for index, update in zip(targets, frame.data, strict=False):
            changes = update.to_plotly_json()
            changes.pop("type", None)
            out.data[index].update(changes)
        if frame.layout is not None:
            out.update_layout(frame.layout.to_plotly_json())
    return out


def slide_figure(fig: go.Figure, title: str | None = None) -> go.Figure:
    """``fig`` ready for a slide: its final frame, no Play/Pause buttons, slider or frames,
    ``title`` (shown as given, one line) above the plot, 1600×900 on white, fonts large
    enough to read from the back of a room. ``fig`` itself is not changed.

    >>> fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    >>> fig.update_layout(sliders=[{"steps": [{"label": "1"}]}], updatemenus=[{}]) and None
    >>> slide = slide_figure(fig, "f(x) = x")
    >>> slide.layout.sliders, slide.layout.updatemenus, slide.layout.width, slide.layout.height
    ((), (), 1600, 900)
    >>> slide.layout.title.text, len(fig.layout.sliders)
    ('f(x) = x', 1)
    """
    slide = final_state(fig)
    for trace in slide.data:
        if isinstance(trace.name, str):
            trace.name = _PLAY_HINT.sub("", trace.name)
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and isinstance(textfont.size, int | float):
            textfont.size = round(textfont.size * _TEXT_SCALE)
        if textfont is not None and isinstance(textfont.color, str):
            textfont.color = _ON_WHITE.get(textfont.color.upper(), textfont.color)
    for note in slide.layout.annotations:
        if isinstance(note.font.size, int | float):
            note.font.size = round(note.font.size * _TEXT_SCALE)
    margin = {**_MARGIN} if title else {**_MARGIN, "t": 100}
    slide.layout.updatemenus, slide.layout.sliders = (), ()  # update_layout would merge them
    slide.update_layout(
        width=SLIDE_WIDTH, height=SLIDE_HEIGHT, autosize=False,
        template="plotly_white", paper_bgcolor="white", plot_bgcolor="white", margin=margin,
        font={"size": SLIDE_FONT},
        # the legend stays in the top margin, under the title
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                "font": {"size": SLIDE_FONT - 2}},
        title={"text": _escaped(title), "x": 0.02, "xanchor": "left", "y": 0.97,
               "yanchor": "top", "font": {"size": TITLE_FONT}} if title else None,
    )
    return slide


# Presentation mode sets the page's type at this size (ui_present.PRESENT_CSS); a figure's text,
# style.SCREEN_FONT by default, grows by the same factor.
PRESENT_FONT = 20


def _larger_fonts(node, scale: float, in_font: bool = False):
    """``node`` (a figure's plain JSON) with every number under a ``size`` key of a font
    (``font``, ``textfont``, ``tickfont``, …) multiplied by ``scale``; marker and line sizes,
    which are not under a font, stay."""
    if isinstance(node, dict):
        return {key: round(value * scale, 1)
                if in_font and key == "size" and isinstance(value, int | float)
                else _larger_fonts(value, scale, key.endswith("font"))
                for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_larger_fonts(value, scale) for value in node]
    return node


def presentation_figure(fig: go.Figure) -> dict:
    """``fig`` for presentation mode: the same figure with all its text, in frames too, as much
    larger as the page's type (20 px for 14), as plotly JSON. ``fig`` itself is not changed.

    >>> fig = go.Figure(go.Scatter(x=[0], y=[0], marker={"size": 8}, textfont={"size": 14}))
    >>> _ = fig.update_layout(font={"size": 14}, annotations=[{"text": "a", "font": {"size": 7}}])
    >>> big = presentation_figure(fig)
    >>> big["layout"]["font"]["size"], big["layout"]["annotations"][0]["font"]["size"]
    (20.0, 10.0)
    >>> big["data"][0]["textfont"]["size"], big["data"][0]["marker"]["size"], fig.layout.font.size
    (20.0, 8, 14)
    """
    plain = fig.to_dict()
    layout = plain.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font.setdefault("size", style.SCREEN_FONT)
    return _larger_fonts(plain, PRESENT_FONT / style.SCREEN_FONT)
