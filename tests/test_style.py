"""The shared palette: WCAG contrast on the light and the dark theme, and colour-blind safety;
the 3D axes' ticks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clarke_core.figures import networks, style

BACKGROUNDS = (style.LIGHT_BACKGROUND, *style.DARK_BACKGROUNDS)
# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
# CIE76 ΔE between two role colours as a colour-blind reader sees them; about 2.3 is just
# noticeable, 10 is plainly different side by side.
MIN_DELTA_E = 10.0


def _linear(colour: str) -> np.ndarray:
    c = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear_rgb, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def worst_pair(colours: dict[str, str], deficiency: str) -> tuple[float, str, str]:
    """The two colours that come closest under ``deficiency``, and their ΔE."""
    m = np.array(CVD[deficiency])
    return min((float(np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b)))), na, nb)
               for (na, a), (nb, b) in itertools.combinations(colours.items(), 2))


def low_contrast(colours: dict[str, str]) -> list[str]:
    return [f"{name} {colour} on {bg}: {style.contrast_ratio(colour, bg):.2f}"
            for name, colour in colours.items() for bg in BACKGROUNDS
            if style.contrast_ratio(colour, bg) < style.MIN_CONTRAST]


def test_wcag_formula_matches_known_values():
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert style.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # translucent colours are blended onto the background first
    assert style.contrast_ratio("rgba(0,0,0,0)", "#FFFFFF") == pytest.approx(1.0)


def test_every_role_colour_reads_on_the_light_and_the_dark_theme():
    colours = {**style.ROLE_COLOURS, "neutral": style.NEUTRAL, "level curve": style.LEVEL_CURVE}
    assert low_contrast(colours) == []


def test_every_network_layer_colour_reads_on_both_themes():
    layers = {f"W{h}": networks.layer_colour(h) for h in range(1, 8)}
    assert low_contrast(layers) == []


def test_the_check_fails_for_colours_that_vanish_in_one_theme():
    # Okabe–Ito's own orange and sky blue (2.3:1 on white), its yellow, and a dark wine
    # (2.2:1 on the dark theme): exactly what the palette was changed to avoid.
    bad = {"orange": "#E69F00", "sky blue": "#56B4E9", "yellow": "#F0E442", "wine": "#882255"}
    assert [line.split()[0] for line in low_contrast(bad)] == [
        "orange", "sky", "yellow", "wine", "wine"]


def test_faint_runs_and_guides_stay_visible():
    for colour in (*style.ROLE_COLOURS.values(), style.NEUTRAL):
        for bg in BACKGROUNDS:
            assert style.contrast_ratio(style.ghost(colour), bg) >= 1.5, (colour, bg)
            assert style.contrast_ratio(
                style.translucent(style.LEVEL_CURVE, style.LEVEL_CURVE_OPACITY), bg) >= 2.0


@pytest.mark.parametrize("deficiency", sorted(CVD))
def test_role_colours_stay_apart_for_colour_blind_readers(deficiency):
    delta, a, b = worst_pair(style.ROLE_COLOURS, deficiency)
    assert delta >= MIN_DELTA_E, f"{a} and {b} are only ΔE {delta:.1f} apart under {deficiency}"


def test_the_colour_blind_check_can_fail():
    # Darkening only the orange (for contrast) would make it meet the vermillion for a
    # deuteranope: the reason the vermillion is darkened too.
    naive = {**style.ROLE_COLOURS, "point": "#D55E00"}
    delta, a, b = worst_pair(naive, "deuteranopia")
    assert delta < MIN_DELTA_E and {a, b} == {"point", "left sequence"}
    # red against green: the classic confusion
    assert worst_pair({"red": "#D00000", "green": "#6B6B00"}, "deuteranopia")[0] < MIN_DELTA_E


@given(lo=st.floats(-1e4, 1e4), span=st.floats(1e-3, 1e4))
def test_3d_ticks_are_round_and_clear_of_the_corners(lo, span):
    hi = lo + span
    axis = style.axis_3d("x", lo, hi)
    assert axis["range"] == [lo, hi]
    ticks = axis["tickvals"]
    assert 3 <= len(ticks) <= 6
    assert all(lo + 0.1 * span - 1e-9 * abs(hi) <= t <= hi - 0.1 * span + 1e-9 * abs(hi)
               for t in ticks), "none in the tenth at either end, where two axes' labels meet"
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0], rtol=1e-6)
    mantissa = steps[0] / 10.0 ** np.floor(np.log10(steps[0]))  # 9.99… for 0.0999…
    assert any(abs(mantissa - m) < 1e-6 * m for m in (1, 2, 2.5, 5, 10)), "a round step"


def _surface():
    from clarke_core.figures.surface import surface_figure
    from clarke_core.views.explore_2d import explore_2d
    return surface_figure(explore_2d("abs(x) + abs(y)", "0, 0"), (1.0, 1.0))


def _sweep():
    from clarke_core.figures.planes import plane_sweep_figure
    from clarke_core.views.sweep_2d import sweep_2d
    return plane_sweep_figure(sweep_2d("max(x, y)", "0, 0"))


def _polytope():
    from clarke_core.figures.polytope import set_figure
    from clarke_core.views.explore_nd import solid
    return set_figure(solid([(1, 0, 0), (0, 1, 0), (0, 0, 1)]), None, ("a", "b", "c"), "t")


@pytest.mark.parametrize("build", [_surface, _sweep, _polytope],
                         ids=["surface", "plane-sweep", "polytope"])
def test_3d_figures_use_the_corner_free_ticks(build):
    scene = build().layout.scene
    for axis in (scene.xaxis, scene.yaxis, scene.zaxis):
        lo, hi = axis.range
        assert axis.tickvals and all(lo + 0.1 * (hi - lo) - 1e-12 <= t <= hi - 0.1 * (hi - lo)
                                     + 1e-12 for t in axis.tickvals)
