"""One colour language for every Clarke Lab figure, readable in Streamlit's light and dark themes.

Each role keeps its colour on every page: the function is blue, the point vermillion, the Clarke
set green, the convex subdifferential purple, sequences from the left orange and from the right
sky blue. The hues are Okabe–Ito's (safe for colour-blind readers); four of them are set a little
darker than Okabe–Ito's own values so that every role colour keeps a WCAG contrast of at least 3:1
(the level WCAG 2.1 asks of graphics, SC 1.4.11) against the white light theme *and* the near-black
dark theme. Okabe–Ito's orange and sky blue reach only 2.3:1 on white, and a darker orange alone
would meet the vermillion for a deuteranope, so the vermillion and the green are darkened with it.
tests/test_style.py checks both: the contrast on each background, and that every pair of role
colours stays apart under simulated protanopia, deuteranopia and tritanopia. Black and yellow are
left out: each vanishes in one of the themes.

>>> base_layout()["paper_bgcolor"]
'rgba(0,0,0,0)'
>>> round(contrast_ratio(FUNCTION, LIGHT_BACKGROUND), 2)
5.19
"""

from __future__ import annotations

import math

FUNCTION = "#0072B2"  # blue (Okabe–Ito)
POINT = "#AD4B00"  # vermillion, darker than Okabe–Ito's #D55E00
CLARKE_SET = "#008D66"  # bluish green, darker than #009E73
SUBDIFFERENTIAL = "#CC79A7"  # reddish purple (Okabe–Ito)
LEFT_SEQUENCE = "#C48700"  # orange, darker than #E69F00
RIGHT_SEQUENCE = "#499BC9"  # sky blue, darker than #56B4E9
# Witnesses explain why the subdifferential is empty, so they speak in its colour.
WITNESS = SUBDIFFERENTIAL
# Guides (reference lines, the rejected line of a sweep, zero lines): a mid grey, solid, so that
# it keeps 3.5:1 on white and 5:1 on the dark background (a half-transparent grey fell to 2:1).
NEUTRAL = "#888888"
# Level curves of f, drawn over regions filled at REGION_OPACITY: the function's blue, lighter, so
# that the curves stay visible on the dark theme's dimmed fills as well as on the light pastels.
LEVEL_CURVE = "#0087D2"
REGION_OPACITY = 0.3
# Level curves on a bare background (no fills under them) are a backdrop: this opacity.
LEVEL_CURVE_OPACITY = 0.8
# The alpha of "the whole run, faint" lines drawn under an animation.
GHOST_ALPHA = 0.5

ROLE_COLOURS = {"function": FUNCTION, "point": POINT, "Clarke set": CLARKE_SET,
                "subdifferential": SUBDIFFERENTIAL, "left sequence": LEFT_SEQUENCE,
                "right sequence": RIGHT_SEQUENCE}
SIDE_COLOURS = {"left": LEFT_SEQUENCE, "right": RIGHT_SEQUENCE}

# Streamlit's page backgrounds: the light theme, the dark theme of Streamlit 1.67 (measured on a
# screenshot) and the dark theme of earlier versions.
LIGHT_BACKGROUND = "#FFFFFF"
DARK_BACKGROUNDS = ("#171614", "#0E1117")
MIN_CONTRAST = 3.0
# Text (labels drawn in a role colour, such as the Clarke set's teal vertex labels) needs more:
# WCAG 2.1 SC 1.4.3 asks 4.5:1 for text of normal size.
TEXT_CONTRAST = 4.5


# The modebar buttons figures leave out (zoom box, pan, reset, PNG and full screen stay).
MODEBAR_REMOVED = ("zoomin", "zoomout", "autoscale", "lasso", "select")


def translucent(colour: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba(...)`` string, for bands drawn under other marks.

    >>> translucent("#009E73", 0.25)
    'rgba(0,158,115,0.25)'
    """
    r, g, b = _rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def ghost(colour: str) -> str:
    """The faint version of a role colour, for a whole run drawn under its animation."""
    return translucent(colour, GHOST_ALPHA)


def side_colour(side: str) -> str:
    """The colour of a gradient sequence coming from ``side`` ("left", "right", or other)."""
    return SIDE_COLOURS.get(side, CLARKE_SET)


def _rgb(colour: str) -> tuple[int, int, int]:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return r, g, b


def over(colour: str, background: str) -> str:
    """What ``colour`` (``#rrggbb`` or ``rgba(...)``) looks like drawn on ``background``
    (``#rrggbb``): the browser's alpha blend, as ``#rrggbb``.

    >>> over("rgba(255,255,255,0.5)", "#000000")
    '#808080'
    """
    if colour.startswith("rgba("):
        *rgb, alpha = (float(v) for v in colour[5:-1].split(","))
    else:
        rgb, alpha = list(_rgb(colour)), 1.0
    mixed = (round(alpha * c + (1 - alpha) * b) for c, b in zip(rgb, _rgb(background),
                                                                  strict=True))
    return "#" + "".join(f"{v:02X}" for v in mixed)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB ``#rrggbb`` colour (0 for black, 1 for white)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour: str, background: str) -> float:
    """WCAG 2.1's contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21; a translucent
    ``colour`` is first blended onto ``background``.

    >>> contrast_ratio("#000000", "#FFFFFF")
    21.0
    """
    lighter, darker = sorted((relative_luminance(over(colour, background)),
                              relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, toward: str, t: float) -> str:
    """``colour`` moved a fraction ``t`` of the way to ``toward`` (both ``#rrggbb``), in sRGB.

    >>> mix("#000000", "#FFFFFF", 0.5)
    '#808080'
    """
    return over(translucent(toward, t), colour)


def readable(colour: str, backgrounds: tuple[str, ...],
             ratio: float = TEXT_CONTRAST) -> str:
    """``colour`` as text on ``backgrounds`` (all light or all dark): itself when it reaches
    ``ratio`` on each, else the least change of it towards white (dark backgrounds) or black
    (light ones) that does, so the hue stays recognisable.

    >>> readable(CLARKE_SET, DARK_BACKGROUNDS)
    '#0A926C'
    >>> readable(FUNCTION, (LIGHT_BACKGROUND,)) == FUNCTION
    True
    """
    toward = "#FFFFFF" if relative_luminance(backgrounds[0]) < 0.5 else "#000000"
    for step in range(101):
        candidate = mix(colour, toward, step / 100)
        if all(contrast_ratio(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return toward


def text_colours(backgrounds: tuple[str, ...]) -> dict[str, str]:
    """The role colours (and the guides' grey) that are too faint as text on ``backgrounds``,
    each with the colour its labels take there instead (see ``readable``)."""
    colours = (*ROLE_COLOURS.values(), NEUTRAL, LEVEL_CURVE)
    return {c: readable(c, backgrounds) for c in dict.fromkeys(colours)
            if readable(c, backgrounds) != c}


def css_rgb(colour: str) -> str:
    """``#rrggbb`` as plotly.js writes it into an SVG element's style (``fill: rgb(…)``).

    >>> css_rgb(CLARKE_SET)
    'rgb(0, 141, 102)'
    """
    return "rgb({}, {}, {})".format(*_rgb(colour))


SCREEN_FONT = 14  # px: the figures' text on a screen (slides and presentation mode scale it)


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
        # Upright at the right edge, and only the buttons a student uses: lying across the top
        # (plotly's default) it covered the legend above the plot.
        "modebar": {"orientation": "v", "remove": MODEBAR_REMOVED},
        "font": {"size": SCREEN_FONT},
    }
    layout.update(overrides)
    return layout


def axis_3d(title: str, lo: float, hi: float, ticks: int = 4) -> dict:
    """A 3D scene axis over [lo, hi] with about ``ticks`` round ticks (at least 3), none in the
    tenth of the range at either end: there, at the scene's corners, two axes' labels meet.

    >>> axis_3d("x", -1, 1)["tickvals"], axis_3d("f", -2.2, 2.2)["tickvals"]
    ([-0.5, 0.0, 0.5], [-1.0, 0.0, 1.0])
    """
    axis: dict = {"title": {"text": title}, "range": [lo, hi], "tickfont": {"size": 12}}
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return axis
    margin, magnitude = 0.1 * span, 10.0 ** math.floor(math.log10(span / ticks))
    steps = sorted((m * magnitude * 10.0**e for e in (-1, 0, 1) for m in (1, 2, 2.5, 5)),
                   reverse=True)
    for step in steps:  # the coarsest round step that gives at least 3 inner ticks
        first, last = math.ceil((lo + margin) / step), math.floor((hi - margin) / step)
        if last - first + 1 >= 3:
            axis["tickvals"] = [round(k * step, 12) + 0.0 for k in range(first, last + 1)]
            break
    return axis
