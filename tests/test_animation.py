"""The one animation helper: one slider step per frame, the settings reach the controls, and no
figure builds its controls by hand."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from clarke_core.figures import animation
from clarke_core.figures.animation import BESIDE, UNDER, Placement, animate

FIGURES = Path(animation.__file__).parent


def _frames(n: int) -> list[go.Frame]:
    return [go.Frame(name=f"f{k}", traces=[0], data=[{"x": [k]}]) for k in range(n)]


def _dot() -> go.Figure:  # the one trace the frames move
    return go.Figure(go.Scatter(x=[0]))


def test_one_step_per_frame_named_by_the_frame():
    fig = animate(go.Figure(go.Scatter(x=[0])), _frames(4), "t = ", frame_ms=300, active=2)
    slider = fig.layout.sliders[0]
    assert [f.name for f in fig.frames] == ["f0", "f1", "f2", "f3"]
    assert [s.label for s in slider.steps] == [s.args[0][0] for s in slider.steps] == [
        f.name for f in fig.frames]
    assert slider.active == 2 and slider.currentvalue.prefix == "t = "
    play, pause = fig.layout.updatemenus[0].buttons
    assert (play.label, pause.label) == ("▶ Play", "❚❚ Pause")
    assert play.args[1]["frame"]["duration"] == 300 and play.args[1]["fromcurrent"]
    assert list(pause.args[0]) == [None]  # pause: jump to no frame, at once


def test_labels_redraw_and_hidden_step_labels():
    fig = animate(_dot(), _frames(3), "s = ", frame_ms=600, labels=["a", "b", "c"],
                  redraw=True, value_font={"size": 15}, step_labels=False)
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["a", "b", "c"]
    assert [s.args[0][0] for s in slider.steps] == ["f0", "f1", "f2"]  # still the frames
    assert all(s.args[1]["frame"]["redraw"] for s in slider.steps)
    assert all(b.args[1]["frame"]["redraw"] for b in fig.layout.updatemenus[0].buttons)
    assert slider.font.color == "rgba(0,0,0,0)" and slider.currentvalue.font.size == 15
    with pytest.raises(ValueError):
        animate(_dot(), _frames(3), "s = ", frame_ms=600, labels=["a", "b"])


@pytest.mark.parametrize("place", [UNDER, BESIDE, Placement.in_pixels(300, 50, 90),
                                   Placement.in_pixels(300, 60, 50, beside=True)],
                         ids=["under", "beside", "pixels", "pixels-beside"])
def test_the_controls_sit_where_placed(place):
    fig = animate(_dot(), _frames(2), "t = ", frame_ms=200, place=place)
    buttons, slider = fig.layout.updatemenus[0], fig.layout.sliders[0]
    assert (buttons.y, slider.y) == (place.buttons_y, place.slider_y)
    assert (slider.x, slider.len, buttons.x) == (0, 1, 0), "both from the plot's left edge"
    assert buttons.y < 0 and slider.y < 0, "under the plot"
    if place.beside:
        # In pixels, past the buttons at any width (a fraction of 450 px ran under ❚❚ Pause).
        assert slider.pad.l == animation.BUTTONS_PX >= 150
    else:
        assert slider.y < buttons.y, "a full-width slider has its own row under the buttons"
        assert not slider.pad.l


def test_no_figure_builds_its_controls_by_hand():
    hand_built = [p.name for p in FIGURES.glob("*.py")
                  if p.name not in ("animation.py", "export.py")  # export removes them
                  and ("updatemenus" in p.read_text()
                                                   or '"sliders"' in p.read_text())]
    assert hand_built == []


@pytest.mark.parametrize(("place", "side", "anchor"), [
    (BESIDE, "left", "right"),
    (Placement.in_pixels(300, 60, 50, beside=True), "left", "right"),
    (UNDER, "left", "left"),
    (UNDER, "right", "right"),
], ids=["beside", "beside-pixels", "under-left", "under-right"])
def test_the_current_value_clears_the_buttons_beside_the_slider(place, side, anchor):
    # At the slider's left end the label runs under ❚❚ Pause on a figure 800 px wide.
    fig = animate(_dot(), _frames(2), "t = ", frame_ms=200, place=place, value_side=side)
    assert fig.layout.sliders[0].currentvalue.xanchor == anchor
