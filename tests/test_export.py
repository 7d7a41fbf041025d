"""Slide-ready figures (clarke_core/figures/export.py) and their PNG and SVG files (ui)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

import ui
from clarke_core.engine.sets import DifferentialSet
from clarke_core.figures import graph_figure, style
from clarke_core.figures.export import SLIDE_HEIGHT, SLIDE_WIDTH, slide_figure, slide_title
from clarke_core.views.explore_1d import explore_1d

LECTURE_FIGURE_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"


@pytest.fixture(scope="module")
def lecture_graph() -> tuple[go.Figure, str]:
    ex = explore_1d(LECTURE_FIGURE_1, "-1")
    return graph_figure(ex), slide_title(ex.text, "-1", ex.clarke)


def test_the_title_names_f_the_point_and_the_set(lecture_graph):
    _, title = lecture_graph
    assert title == f"f(x) = {LECTURE_FIGURE_1},  x₀ = -1,  ∂f(x₀) = [-1, 1]"


@pytest.mark.parametrize(("dset", "shown"), [
    (DifferentialSet("empty", []), "∂f(x₀) = ∅"),
    (None, "∂f(x₀) = undecided"),
    (DifferentialSet("point", [(0.5, 0.5)], certified=False),
     "∂f(x₀) = {(0.5, 0.5)} (checked numerically)"),
], ids=["empty", "undecided", "numeric"])
def test_the_title_says_what_the_set_is(dset, shown):
    assert slide_title("f", "1, 2", dset, variables="x, y").endswith(f"x₀ = (1, 2),  {shown}")


def test_a_slide_has_no_widgets_a_title_and_16_by_9(lecture_graph):
    fig, title = lecture_graph
    assert fig.layout.updatemenus and fig.layout.sliders and fig.frames  # the page's figure
    slide = slide_figure(fig, title)
    assert not slide.layout.updatemenus and not slide.layout.sliders and not slide.frames
    assert slide.layout.title.text == title.replace("<", "&lt;")
    assert (slide.layout.width, slide.layout.height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert SLIDE_WIDTH * 9 == SLIDE_HEIGHT * 16
    assert "press ▶ Play" not in json.dumps([t.name for t in slide.data])
    # the page's figure keeps its controls
    assert fig.layout.updatemenus and fig.layout.sliders and fig.frames


def test_the_slide_shows_the_last_frame(lecture_graph):
    fig, title = lecture_graph
    last = fig.frames[-1]
    assert last.name == "∞"
    slide = slide_figure(fig, title)
    for index, moved in zip(last.traces, last.data, strict=True):
        assert slide.data[index].x == moved.x and slide.data[index].y == moved.y
    # the dots x_i have moved from step 1 to the point (a tangent of a linear piece need not)
    assert any(fig.data[k].x != slide.data[k].x for k in last.traces)
    # traces that no frame touches (the graph of f, the point) stay as they were
    still = [k for k in range(len(fig.data)) if k not in last.traces]
    assert still and all(slide.data[k].x == fig.data[k].x for k in still)


def test_frames_that_change_only_some_properties_are_merged_in_order():
    fig = go.Figure([go.Scatter(x=[0], y=[0], name="a"), go.Scatter(x=[5], y=[5], name="b")],
                    frames=[go.Frame(data=[go.Scatter(x=[1])], traces=[1]),
                            go.Frame(data=[go.Scatter(y=[2])], traces=[1])])
    slide = slide_figure(fig)
    assert (slide.data[1].x, slide.data[1].y, slide.data[1].name) == ((1,), (2,), "b")
    assert slide.data[0].x == (0,) and slide.layout.title.text is None


def test_title_text_is_shown_as_typed_never_as_markup():
    slide = slide_figure(go.Figure(), "f(x) = <a href='http://evil'>x</a> & <b>y</b>")
    assert "<" not in slide.layout.title.text and "&lt;a href" in slide.layout.title.text
    assert "&amp;" in slide.layout.title.text


def test_labels_too_faint_on_white_are_darkened_on_a_slide():
    fig = go.Figure(go.Scatter(x=[0], y=[0], mode="text", text=["slope 1"],
                               textfont={"color": style.LEFT_SEQUENCE, "size": 14}))
    label = slide_figure(fig).data[0].textfont
    assert style.contrast_ratio(style.LEFT_SEQUENCE, style.LIGHT_BACKGROUND) < 4.5
    assert style.contrast_ratio(label.color, style.LIGHT_BACKGROUND) >= 4.5
    assert label.size > 14  # larger for the back of the room


@pytest.fixture(scope="module")
def render():
    draw = ui._picture_renderer()
    if draw is None:
        pytest.skip("kaleido or a Chromium is not installed")
    return draw


def test_png_and_svg_of_a_slide_are_made_with_kaleido(render, lecture_graph):
    fig, title = lecture_graph
    slide = slide_figure(fig, title)
    png = render(slide, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * SLIDE_WIDTH, 2 * SLIDE_HEIGHT)  # drawn at scale 2
    svg = render(slide, "svg").decode()
    assert svg.startswith("<svg") and f'width="{SLIDE_WIDTH}" height="{SLIDE_HEIGHT}"' in svg
    assert "x₀ = -1" in svg and "[-1, 1]" in svg  # the title is in the picture
    assert "Play" not in svg and "slider" not in svg
    assert render(slide, "svg").decode() == svg  # kept: the same file for the same figure


def test_the_html_file_is_built_once_per_figure(lecture_graph):
    fig, _ = lecture_graph
    ui._FILES.clear()
    first = ui._figure_html(fig)
    # a rerun draws the figure again from the same data: the file built before is handed out
    again = graph_figure(explore_1d(LECTURE_FIGURE_1, "-1"))
    assert again is not fig and ui._figure_html(again) is first
    plotly_js = len(go.Figure().to_html(include_plotlyjs=True, full_html=True).encode())
    # almost all of its size is plotly.js, inlined so that the file opens offline
    assert plotly_js < len(first) < plotly_js + 200_000
