"""Figures of the 2D page, from hand-made explorations (no engine) and from the real gallery."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
import sympy as sp
from figure_text import ascii_minus, shown_texts

from clarke_core.engine.sets import DifferentialSet, GradientSequence, Witness
from clarke_core.figures import style
from clarke_core.figures.surface import plane_map_figure, surface_figure
from clarke_core.figures.two_d import contour_figure, gradient_figure, piece_colour, sampling_figure
from clarke_core.views.examples import EXAMPLES_2D
from clarke_core.views.explore_2d import SAMPLING_RADII, Exploration2D, explore_2d
from clarke_core.views.plane_2d import (
    boundary_point,
    plane_verdict,
    sampling_note,
    set_latex,
)

MAX_JSON = 1_000_000
GRID = np.linspace(-1.0, 1.0, 41)
SQUARE = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
SQUARE_EXACT = [tuple(sp.Integer(int(c)) for c in v) for v in SQUARE]


def _sequences(grad, targets_dirs, n=8) -> tuple[GradientSequence, ...]:
    seqs = []
    for target, (dx, dy) in targets_dirs:
        pts = tuple((dx * 2.0 ** -i, dy * 2.0 ** -i) for i in range(1, n + 1))
        seqs.append(GradientSequence(target=target, points=pts,
                                     gradients=tuple(grad(*p) for p in pts), side="direction"))
    return tuple(seqs)


def _exploration(f, pieces, region_of, clarke, sub, sampled=None) -> Exploration2D:
    mx, my = np.meshgrid(GRID, GRID)
    z = np.vectorize(f)(mx, my)
    region = np.vectorize(region_of)(mx, my)
    sampled = sampled or tuple(tuple(v for v in clarke.vertices) for _ in SAMPLING_RADII)
    return Exploration2D(
        text="f", latex="f", point=(0.0, 0.0), point_latex="(0, 0)", value=float(f(0.0, 0.0)),
        clarke=clarke, subdifferential=sub, window=((-1.0, 1.0), (-1.0, 1.0)),
        grid_x=tuple(GRID.tolist()), grid_y=tuple(GRID.tolist()),
        grid_z=tuple(tuple(row) for row in z.tolist()), pieces=tuple(pieces),
        region=tuple(tuple(int(v) for v in row) for row in region.tolist()),
        sampled=sampled,
    )


def _quadrant(x: float, y: float) -> int:
    return (0 if y >= 0 else 3) if x >= 0 else (1 if y >= 0 else 2)


def _sign(v: float) -> float:
    return 1.0 if v >= 0 else -1.0


def l1() -> Exploration2D:
    """|x| + |y|: four quadrant pieces, the square, equal subdifferential."""
    dirs = [((1.0, 1.0), (0.7, 0.7)), ((-1.0, 1.0), (-0.7, 0.7)),
            ((-1.0, -1.0), (-0.7, -0.7)), ((1.0, -1.0), (0.7, -0.7))]
    seqs = _sequences(lambda x, y: (_sign(x), _sign(y)), dirs)
    clarke = DifferentialSet("polygon", SQUARE, SQUARE_EXACT, sequences=seqs)
    return _exploration(lambda x, y: abs(x) + abs(y), ["x + y", "- x + y", "- x - y", "x - y"],
                        _quadrant, clarke, DifferentialSet("polygon", SQUARE, SQUARE_EXACT))


def minus_l1() -> Exploration2D:
    """-|x| - |y|: the same square, subdifferential empty with two witnesses."""
    dirs = [((-1.0, -1.0), (0.7, 0.7)), ((1.0, -1.0), (-0.7, 0.7)),
            ((1.0, 1.0), (-0.7, -0.7)), ((-1.0, 1.0), (0.7, -0.7))]
    seqs = _sequences(lambda x, y: (-_sign(x), -_sign(y)), dirs)
    clarke = DifferentialSet("polygon", SQUARE, SQUARE_EXACT, sequences=seqs)
    half = sp.Rational(1, 2)
    witnesses = (Witness((0.5, 0.0), -0.5, "⟨s, (1/2, 0)⟩ ≤ -1/2", (half, sp.Integer(0))),
                 Witness((-0.5, 0.0), -0.5, "⟨s, (-1/2, 0)⟩ ≤ -1/2", (-half, sp.Integer(0))))
    sub = DifferentialSet("empty", [], witnesses=witnesses, reason="No s works.")
    return _exploration(lambda x, y: -abs(x) - abs(y), ["- x - y", "x - y", "x + y", "- x + y"],
                        _quadrant, clarke, sub)


def max_xy() -> Exploration2D:
    """max(x, y): a segment; the samples (radius index 2) see only one end of it."""
    seqs = _sequences(lambda x, y: (1.0, 0.0) if x > y else (0.0, 1.0),
                      [((1.0, 0.0), (0.7, -0.7)), ((0.0, 1.0), (-0.7, 0.7))])
    verts = [(0.0, 1.0), (1.0, 0.0)]
    exact = [(sp.Integer(0), sp.Integer(1)), (sp.Integer(1), sp.Integer(0))]
    clarke = DifferentialSet("segment", verts, exact, sequences=seqs)
    sampled = (tuple(verts), tuple(verts), ((0.0, 1.0),) * 5)
    return _exploration(lambda x, y: max(x, y), ["x", "y"], lambda x, y: 0 if x > y else 1,
                        clarke, DifferentialSet("segment", verts, exact), sampled=sampled)


def norm() -> Exploration2D:
    """The Euclidean norm: a curved set (a 72-gon), no exact vertices."""
    theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    disk = [(float(np.cos(t)), float(np.sin(t))) for t in theta]
    seqs = _sequences(lambda x, y: (x / math.hypot(x, y), y / math.hypot(x, y)),
                      [(disk[k], (0.7 * disk[k][0], 0.7 * disk[k][1])) for k in (0, 18, 36, 54)])
    clarke = DifferentialSet("convex", disk, None, sequences=seqs)
    return _exploration(lambda x, y: math.hypot(x, y), [r"\sqrt{x^{2} + y^{2}}"],
                        lambda x, y: 0, clarke, dataclasses.replace(clarke, sequences=()))


def smooth_point() -> Exploration2D:
    """x + y: the set is one point; the subdifferential is left undecided (None)."""
    clarke = DifferentialSet("point", [(1.0, 1.0)], [(sp.Integer(1), sp.Integer(1))])
    return _exploration(lambda x, y: x + y, ["x + y"], lambda x, y: 0, clarke, None)


def cone() -> Exploration2D:
    """sqrt(|x| + |y|): not locally Lipschitz, no sequences to animate."""
    clarke = DifferentialSet("unbounded", [], reason="The gradient blows up.")
    sampled = (((1e3, 1e3), (-2e3, 5.0)),) * len(SAMPLING_RADII)
    return _exploration(lambda x, y: math.sqrt(abs(x) + abs(y)), [], lambda x, y: -1, clarke,
                        DifferentialSet("unbounded", []), sampled=sampled)


ANIMATED = [l1, minus_l1, max_xy, norm]
ALL = [*ANIMATED, smooth_point, cone]


def _json(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def _moving_ok(fig: go.Figure, n_sequences: int) -> list[int]:
    moving = list(fig.frames[0].traces)
    assert len(moving) == n_sequences
    for frame in fig.frames:
        assert list(frame.traces) == moving, "every frame moves the same traces"
        assert len(frame.data) == len(moving), "frames carry only the moving traces"
    return moving


@pytest.mark.parametrize("make", ANIMATED, ids=lambda m: m.__name__)
def test_map_frames_move_only_the_points(make):
    ex = make()
    fig = contour_figure(ex)
    moving = _moving_ok(fig, len(ex.clarke.sequences))
    static = [i for i, t in enumerate(fig.data) if i not in moving]
    kinds = {type(fig.data[i]).__name__ for i in static}
    assert {"Heatmap", "Contour"} <= kinds, "regions and level curves never move"
    assert any((t.name or "").startswith("the point") for t in (fig.data[i] for i in static))
    assert len(fig.frames) == max(len(s.points) for s in ex.clarke.sequences) + 1
    for trace, seq in zip(fig.frames[0].data, ex.clarke.sequences, strict=True):
        assert (trace.x[0], trace.y[0]) == pytest.approx(seq.points[0])
    for trace in fig.frames[-1].data:  # the limit frame: every point has arrived at x0
        assert (trace.x[0], trace.y[0]) == pytest.approx(ex.point)


@pytest.mark.parametrize("make", ANIMATED, ids=lambda m: m.__name__)
def test_gradient_arrows_converge_to_the_targets(make):
    ex = make()
    fig = gradient_figure(ex)
    _moving_ok(fig, len(ex.clarke.sequences))
    assert fig.frames[-1].name == "∞"
    for trace, seq in zip(fig.frames[-1].data, ex.clarke.sequences, strict=True):
        assert (trace.x[0], trace.y[0]) == (0.0, 0.0), "arrows start at the origin"
        assert (trace.x[-1], trace.y[-1]) == pytest.approx(seq.target)
    for trace, seq in zip(fig.frames[0].data, ex.clarke.sequences, strict=True):
        assert (trace.x[-1], trace.y[-1]) == pytest.approx(seq.gradients[0])


@pytest.mark.parametrize("build", [contour_figure, gradient_figure], ids=["map", "plane"])
def test_play_pause_and_slider(build):
    fig = build(l1())
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert any("Play" in x for x in labels) and any("Pause" in x for x in labels)
    assert [s.label for s in fig.layout.sliders[0].steps] == [f.name for f in fig.frames]


@pytest.mark.parametrize("make", ALL, ids=lambda m: m.__name__)
def test_axis_ranges_are_fixed_and_finite(make):
    ex = make()
    for fig in (contour_figure(ex), gradient_figure(ex), sampling_figure(ex, 0)):
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.autorange is False and axis.range[0] < axis.range[1]
            assert all(math.isfinite(v) for v in axis.range)
        assert fig.layout.yaxis.scaleanchor == "x", "equal scales: a disk looks round"
    scene = surface_figure(ex, boundary_point(ex.clarke, 0.3)).layout.scene
    for axis in (scene.xaxis, scene.yaxis, scene.zaxis):
        assert axis.range[0] < axis.range[1] and all(math.isfinite(v) for v in axis.range)
    lo, hi = scene.zaxis.range
    assert lo <= ex.value <= hi


@pytest.mark.parametrize("make", [l1, minus_l1, max_xy, norm], ids=lambda m: m.__name__)
def test_the_plane_shows_the_whole_clarke_set(make):
    ex = make()
    layout = gradient_figure(ex).layout
    for v in ex.clarke.vertices:
        assert layout.xaxis.range[0] < v[0] < layout.xaxis.range[1]
        assert layout.yaxis.range[0] < v[1] < layout.yaxis.range[1]


def _clarke_trace(fig: go.Figure):
    return next(t for t in fig.data if t.name == "Clarke set ∂f(x₀)")


@pytest.mark.parametrize("make", [l1, minus_l1, norm], ids=lambda m: m.__name__)
def test_clarke_polygon_trace_has_the_sets_vertices(make):
    ex = make()
    trace = _clarke_trace(gradient_figure(ex))
    assert trace.fill == "toself"
    drawn = list(zip(trace.x, trace.y, strict=True))
    assert drawn[0] == drawn[-1], "the polygon is closed"
    np.testing.assert_allclose(drawn[:-1], ex.clarke.vertices)


def test_segment_and_point_sets_are_drawn_as_such():
    segment = _clarke_trace(gradient_figure(max_xy()))
    assert list(zip(segment.x, segment.y, strict=True)) == [(0.0, 1.0), (1.0, 0.0)]
    assert not segment.fill
    point = _clarke_trace(gradient_figure(smooth_point()))
    assert (list(point.x), list(point.y)) == ([1.0], [1.0]) and point.mode == "markers"


def test_vertices_are_labelled_exactly():
    ex = dataclasses.replace(max_xy(), clarke=DifferentialSet(
        "segment", [(0.0, 0.7071), (0.7071, 0.0)],
        [(sp.Integer(0), sp.sqrt(2) / 2), (sp.sqrt(2) / 2, sp.Integer(0))]))
    texts = [t for trace in gradient_figure(ex).data if trace.text for t in trace.text]
    assert "(0, √2/2)" in texts and "(√2/2, 0)" in texts
    floats = dataclasses.replace(ex.clarke, exact=None)
    texts = [t for trace in gradient_figure(dataclasses.replace(ex, clarke=floats)).data
             if trace.text for t in trace.text]
    assert "≈ (0, 0.7071)" in texts, "digits only, said so as the live table says it"


def test_equal_subdifferential_is_outlined_and_said_equal():
    fig = gradient_figure(l1())
    sub = next(t for t in fig.data if (t.name or "").startswith("subdifferential"))
    assert "= the Clarke set" in sub.name and sub.line.dash == "dash" and not sub.fill


def test_empty_subdifferential_shows_the_witness_half_planes():
    ex = minus_l1()
    fig = gradient_figure(ex)
    names = [t.name or "" for t in fig.data]
    assert any("empty" in n for n in names)
    hatched = [t for t in fig.data if t.fillpattern and t.fillpattern.shape]
    assert len(hatched) == len(ex.subdifferential.witnesses)
    assert hatched[0].name.startswith("q′ = (1/2, 0) needs"), "exact witness points"
    for trace, w in zip(hatched, ex.subdifferential.witnesses, strict=True):
        assert w.bound in trace.name  # known only as text: shown as the engine says it
        d = (w.point[0] - ex.point[0], w.point[1] - ex.point[1])
        for sx, sy in zip(trace.x, trace.y, strict=True):  # the hatched side breaks the bound
            assert sx * d[0] + sy * d[1] >= w.value - ex.value - 1e-9


def test_undecided_subdifferential_is_said_so():
    fig = gradient_figure(smooth_point())
    assert any("undecided" in (t.name or "") for t in fig.data)
    assert set_latex(None) == r"\text{undecided}"


def test_curved_set_is_described_not_listed():
    assert "curved" in set_latex(norm().clarke)
    assert set_latex(l1().clarke) == l1().clarke.latex()


def test_unbounded_set_has_a_note_and_no_animation():
    ex = cone()
    for fig in (contour_figure(ex), gradient_figure(ex)):
        assert not fig.frames and not fig.layout.updatemenus
    assert "blows up" in contour_figure(ex).layout.annotations[0].text
    assert "keep growing" in sampling_note(ex, 0)


def test_sequences_take_the_colour_of_their_region():
    ex = l1()
    fig = contour_figure(ex)
    for index, seq in zip(fig.frames[0].traces, ex.clarke.sequences, strict=True):
        assert fig.data[index].marker.color == piece_colour(_quadrant(*seq.points[0]))
    arrows = gradient_figure(ex)
    for index, seq in zip(arrows.frames[0].traces, ex.clarke.sequences, strict=True):
        assert arrows.data[index].line.color == piece_colour(_quadrant(*seq.points[0]))


@pytest.mark.parametrize(
    ("make", "s", "support"),
    [(l1, (1.0, -1.0), True), (l1, (0.0, 0.0), True), (minus_l1, (1.0, 1.0), False),
     (max_xy, (0.5, 0.5), True)],
    ids=["l1-vertex", "l1-centre", "minus-l1", "max-middle"],
)
def test_plane_is_a_support_plane_exactly_when_s_is_a_subgradient(make, s, support):
    ex = make()
    fig = surface_figure(ex, s)
    plane = next(t for t in fig.data if (t.name or "").startswith("plane"))
    above = np.asarray(plane.surfacecolor, dtype=float)
    assert plane_verdict(ex, s).startswith("a support plane") is support
    assert ("not a support plane" in plane.name) is not support
    assert bool(above.max() == 0) is support, "purple (above f) appears iff the plane crosses f"


@pytest.mark.parametrize(
    ("make", "s", "support"),
    [(l1, (1.0, -1.0), True), (l1, (0.0, 0.0), True), (minus_l1, (1.0, 1.0), False),
     (max_xy, (0.5, 0.5), True)],
    ids=["l1-vertex", "l1-centre", "minus-l1", "max-middle"],
)
def test_plane_map_is_purple_exactly_where_the_plane_rises_above_f(make, s, support):
    ex = make()
    fig = plane_map_figure(ex, s)
    cells = np.asarray([[np.nan if v is None else v for v in row] for row in fig.data[0].z],
                       dtype=float)
    mx, my = np.meshgrid(ex.grid_x, ex.grid_y)
    plane = ex.value + s[0] * (mx - ex.point[0]) + s[1] * (my - ex.point[1])
    z = np.asarray(ex.grid_z, dtype=float)
    assert np.array_equal(cells == 1, plane > z + 1e-9 * (1 + np.abs(z)))
    assert bool(np.nanmax(cells) == 0) is support
    assert fig.layout.title.text.endswith(plane_verdict(ex, s))
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.autorange is False


def test_plane_map_without_s_says_why():
    fig = plane_map_figure(cone(), None)
    assert [type(t).__name__ for t in fig.data] == ["Scatter"]
    assert "no s to try" in fig.layout.annotations[0].text


def test_level_curves_speak_the_shared_colour_language():
    """The map's level curves and region fills use style's level-curve colour and fill opacity
    (chosen there to read over the fills on white and on the dark theme), not a local shade."""
    fig = contour_figure(l1())
    levels = next(t for t in fig.data if type(t).__name__ == "Contour")
    regions = next(t for t in fig.data if type(t).__name__ == "Heatmap")
    assert {c for _, c in levels.colorscale} == {style.LEVEL_CURVE}
    assert regions.opacity == style.REGION_OPACITY
    assert not levels.contours.showlabels, "values on hover: labels cost a slow first draw"


@pytest.mark.parametrize("build", [contour_figure, gradient_figure], ids=["map", "plane"])
def test_play_buttons_sit_above_the_slider_not_beside_it(build):
    fig = build(l1())
    buttons, slider = fig.layout.updatemenus[0], fig.layout.sliders[0]
    assert slider.x == 0 and slider.len == 1, "the slider has the plot's full width"
    assert slider.y < buttons.y < 0, "buttons under the plot, the slider under the buttons"


def test_surface_without_s_has_no_plane():
    fig = surface_figure(l1())
    assert [type(t).__name__ for t in fig.data] == ["Surface", "Scatter3d"]
    assert fig.layout.uirevision, "the camera stays put while s changes"


@pytest.mark.parametrize("make", [l1, max_xy, norm, smooth_point], ids=lambda m: m.__name__)
def test_boundary_walk_stays_in_the_set(make):
    dset = make().clarke
    assert boundary_point(dset, 0.0) == pytest.approx(dset.vertices[0])
    for t in np.linspace(0, 1, 23):
        assert dset.contains(boundary_point(dset, float(t)), tol=1e-9)
    assert boundary_point(cone().clarke, 0.5) is None


def test_sampling_marks_what_it_misses():
    ex = max_xy()
    missed = [t for t in sampling_figure(ex, 2).data if (t.name or "").startswith("missed")]
    assert len(missed) == 1 and (missed[0].x[0], missed[0].y[0]) == (1.0, 0.0)
    assert "(1, 0)" in sampling_note(ex, 2) and "misses" in sampling_note(ex, 2)
    assert not any((t.name or "").startswith("missed") for t in sampling_figure(ex, 0).data)
    assert "every part" in sampling_note(ex, 0)


def test_sampling_hull_is_the_square_for_l1():
    fig = sampling_figure(l1(), 1)
    hull = next(t for t in fig.data if (t.name or "").startswith("their hull"))
    assert sorted(set(zip(hull.x, hull.y, strict=True))) == sorted(SQUARE)


# test_piece_text moved to test_printing.py::test_formula_text (legends print the expression).


@pytest.mark.parametrize("make", ALL, ids=lambda m: m.__name__)
def test_hand_made_figures_are_small(make):
    ex = make()
    s = boundary_point(ex.clarke, 0.4)
    figs = [contour_figure(ex), gradient_figure(ex), sampling_figure(ex, 2),
            surface_figure(ex, s), plane_map_figure(ex, s)]
    assert all(len(f.to_json()) <= MAX_JSON for f in figs)


@pytest.fixture(scope="module", params=EXAMPLES_2D, ids=lambda e: e.key)
def gallery(request) -> Exploration2D:
    return explore_2d(request.param.expr, request.param.at)


def test_gallery_figures_are_small_and_valid(gallery):
    ex = gallery
    s = boundary_point(ex.clarke, 0.25)
    figs = [contour_figure(ex), gradient_figure(ex), surface_figure(ex, s), plane_map_figure(ex, s)]
    figs += [sampling_figure(ex, k) for k in range(len(SAMPLING_RADII))]
    for fig in figs:
        assert len(fig.to_json()) <= MAX_JSON
        assert _json(fig)["data"], "every figure draws something"
    if ex.clarke.kind != "unbounded":
        assert _clarke_trace(figs[1]), "the Clarke set is drawn"


def test_thin_cusp_sampling_misses_the_cusp_gradient():
    example = next(e for e in EXAMPLES_2D if e.key == "cusp-ridge")
    ex = explore_2d(example.expr, example.at)
    note = sampling_note(ex, len(SAMPLING_RADII) - 1)
    assert "(0, 1)" in note and "misses" in note


@pytest.mark.parametrize(("f", "at"), [
    ("abs(x) + abs(y)", "0, 0"), ("-abs(x) - abs(y)", "0, 0"), ("abs(x) + abs(y)", "-1, 0"),
    ("sqrt(x**2 + y**2)", "0, 0"),
], ids=["l1", "minus-l1-witnesses", "negative-point", "norm"])
def test_every_number_in_the_linked_figure_has_one_minus_sign(f, at):
    # The vertex labels printed (-1, -1) beside a table printing (−1, −1), and plotly's ticks −1.
    from clarke_core.figures.linked import linked_2d

    fig = linked_2d(explore_2d(f, at))
    assert not ascii_minus(fig), ascii_minus(fig)[:5]
    texts = shown_texts(fig.to_plotly_json())
    assert any("−1" in t for t in texts), "numbers are there and are negative somewhere"


def test_the_point_in_the_legend_is_exact():
    # A float legend said x₀ = (0.3333, 0.5) for the point typed as 1/3, 1/2.
    from clarke_core.figures.linked import linked_2d

    names = [t.name or "" for t in linked_2d(explore_2d("abs(x) + y", "1/3, 1/2")).data]
    assert "the point x₀ = (1/3, 1/2)" in names, names
    names = [t.name or "" for t in contour_figure(explore_2d("abs(x - y)", "sqrt(2), 0")).data]
    assert "the point x₀ = (√2, 0)" in names, names
