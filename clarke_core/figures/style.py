"""One colour language for every Clarke Lab figure (Okabe–Ito, safe for colour-blind readers).

Each role keeps its colour on every page: the function is blue, the point vermillion, the Clarke
set green, the convex subdifferential purple, sequences from the left orange and from the right
sky blue. Black and yellow are left out of the palette: each vanishes in one of Streamlit's themes.

>>> base_layout()["paper_bgcolor"]
'rgba(0,0,0,0)'
"""

from __future__ import annotations

FUNCTION = "#0072B2"  # blue
POINT = "#D55E00"  # vermillion
CLARKE_SET = "#009E73"  # bluish green
SUBDIFFERENTIAL = "#CC79A7"  # reddish purple
LEFT_SEQUENCE = "#E69F00"  # orange
RIGHT_SEQUENCE = "#56B4E9"  # sky blue
# Witnesses explain why the subdifferential is empty, so they speak in its colour.
WITNESS = SUBDIFFERENTIAL
# Grey at half opacity reads on white and on Streamlit's near-black background alike.
NEUTRAL = "rgba(128,128,128,0.55)"

SIDE_COLOURS = {"left": LEFT_SEQUENCE, "right": RIGHT_SEQUENCE}


def translucent(colour: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba(...)`` string, for bands drawn under other marks.

    >>> translucent("#009E73", 0.25)
    'rgba(0,158,115,0.25)'
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def side_colour(side: str) -> str:
    """The colour of a gradient sequence coming from ``side`` ("left", "right", or other)."""
    return SIDE_COLOURS.get(side, CLARKE_SET)


def base_layout(**overrides: object) -> dict:
    """Layout shared by all figures: transparent backgrounds, so the app's theme shows through.

    Fonts and gridlines are left to the template (Streamlit's adapts to light and dark).
    """
    layout: dict = {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "hovermode": "closest",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "font": {"size": 14},
    }
    layout.update(overrides)
    return layout
