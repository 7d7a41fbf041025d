"""One minus sign in every figure: the numbers a figure prints from Python (labels, legend
names, slider steps, hover text, annotations, titles) use U+2212 "−", as the live table and
plotly's own tick labels do, never an ASCII "-" before a digit (``figure_text.ascii_minus``)."""

from __future__ import annotations

import pytest
from figure_text import ascii_minus, shown_texts

from clarke_core.figures import one_d, polytope, surface, two_d
from clarke_core.figures.descent import sweep_figure
from clarke_core.figures.linked import linked_1d
from clarke_core.figures.planes import plane_sweep_figure
from clarke_core.figures.properties import oscillation_figure, regularity_figure
from clarke_core.figures.properties_2d import directional_figure
from clarke_core.labs.properties import oscillation, study_properties
from clarke_core.labs.properties_2d import study_properties_2d
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d
from clarke_core.views.explore_nd import explore_nd, project_nd
from clarke_core.views.sweep_2d import explore_subgradients, sweep_2d


def _plane_sweep(f, at, path="auto"):
    return plane_sweep_figure(sweep_2d(f, at), path)


def _nd(f, at):
    ex = explore_nd(f, at)
    return polytope.set_figure(ex.clarke_solid, ex.sub_solid, ("∂f/∂x", "∂f/∂y", "∂f/∂z"), "∂f")


def _projection(f, at):
    shown = project_nd(f, at, (0, 1))
    return polytope.set_figure(shown.clarke, shown.subdifferential, ("a", "b"), shown.title)


FIGURES = {
    # /subgradients: the line sweep (f of x) and the plane sweep (f of x and y)
    "line-sweep-abs": lambda: sweep_figure(explore_subgradients("abs(x)", "0")),
    "line-sweep-witnesses": lambda: sweep_figure(explore_subgradients("-abs(x)", "0")),
    "plane-sweep-l1": lambda: _plane_sweep("abs(x) + abs(y)", "0, 0"),
    "plane-sweep-diagonal": lambda: _plane_sweep("max(x, y)", "0, 0", "135"),
    "plane-sweep-witnesses": lambda: _plane_sweep("-abs(x) - abs(y)", "0, 0"),
    # the 2D lesson's support-plane test, in 3D and from above
    "surface": lambda: surface.surface_figure(explore_2d("abs(x) + abs(y)", "-1, 0"),
                                              (-0.5, -1.25)),
    "plane-map": lambda: surface.plane_map_figure(explore_2d("max(x, y)", "0, 0"),
                                                  (-0.004351, 1.0)),
    "sampling": lambda: two_d.sampling_figure(explore_2d("abs(x) + abs(y)", "0, 0"), 0),
    # the 1D lesson
    "linked-1d": lambda: linked_1d(explore_1d("abs(x**2 - 2)", "sqrt(2)")),
    "linked-1d-negative-point": lambda: linked_1d(explore_1d("abs(x + 1) - x", "-1")),
    "witness-1d": lambda: one_d.witness_figure(explore_1d("-abs(x)", "0")),
    # f of 3+ variables: the polytope's vertex labels, and a projection's
    "polytope-cube": lambda: _nd("abs(x) + abs(y) + abs(z)", "0, 0, 0"),
    "polytope-fractions": lambda: _nd("relu(relu(x + y) - relu(y - z) + relu(z - x) - x/2)",
                                      "0, 0, 0"),
    "projection": lambda: _projection("relu(relu(x1 + x2) - relu(x2 - x3) + x4)", "0, 0, 0, 0"),
    # the properties lesson: regularity on the slope axis, erratum 4, and the directional
    # derivative against the support function in 2D
    "regularity": lambda: regularity_figure(study_properties("-abs(x)", "0")),
    "oscillation": lambda: oscillation_figure(oscillation()),
    "directional": lambda: directional_figure(study_properties_2d("min(x, y)", "0, 0")),
}


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_every_number_in_a_figure_has_one_minus_sign(build):
    fig = build()
    assert not ascii_minus(fig), ascii_minus(fig)[:5]
    texts = shown_texts(fig.to_plotly_json())
    assert any("−" in t for t in texts), "negative numbers are printed somewhere, with U+2212"


def test_the_slider_steps_are_named_with_the_minus_sign():
    # The line sweep named its steps by the frames' names, f"{s:.3g}": "-1.5" beside a "−1.5"
    # tick; the plane sweep printed "(-0.125, 0): supporting plane ✓".
    line = sweep_figure(explore_subgradients("abs(x)", "0")).layout.sliders[0].steps
    assert "−1/2" in [s.label for s in line] and "≈ −0.1667" in [s.label for s in line]
    plane = _plane_sweep("abs(x) + abs(y)", "0, 0").layout.sliders[0].steps
    assert "= (−1/8, 0): supporting plane ✓" in [s.label for s in plane]
    # The slider reads "s = (…)" for an exact s and "s ≈ (…)" for another, never "s = ≈ (…)".
    sliders = (_plane_sweep("abs(x) + abs(y)", "0, 0").layout.sliders[0],
               sweep_figure(explore_subgradients("abs(x)", "0")).layout.sliders[0])
    for slider in sliders:
        for step in slider.steps:
            assert "= ≈" not in slider.currentvalue.prefix + step.label
