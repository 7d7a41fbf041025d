"""Figures of the 1D page, built from hand-made explorations (no engine needed)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import plotly.graph_objects as go
import pytest
import sympy as sp

from clarke_core.engine.sets import DifferentialSet, GradientSequence, Witness
from clarke_core.figures import graph_figure, slope_figure, witness_figure
from clarke_core.views.explore_1d import Exploration1D, explore_1d
from clarke_core.views.steps import exact_number
from clarke_core.views.sweep_2d import witness_sentence

MAX_JSON = 1_000_000


def _sequence(f, df, x0: float, side: str, target: float, n: int = 8) -> GradientSequence:
    sign = -1.0 if side == "left" else 1.0
    pts = [x0 + sign * 2.0 ** -i for i in range(n)]
    return GradientSequence(
        target=(target,), points=tuple((p,) for p in pts),
        gradients=tuple((df(p),) for p in pts), values=tuple(f(p) for p in pts), side=side,
    )


def _exploration(text, f, x0, clarke, sub, window=None, n=401) -> Exploration1D:
    lo, hi = window or (x0 - 2.0, x0 + 2.0)
    xs = np.linspace(lo, hi, n)
    ys = [f(x) for x in xs]
    return Exploration1D(text=text, latex=text, point=x0, point_latex=str(x0), value=f(x0),
                         clarke=clarke, subdifferential=sub, window=(lo, hi),
                         curve_x=tuple(map(float, xs)), curve_y=tuple(map(float, ys)))


def relu() -> Exploration1D:
    f = lambda x: max(0.0, x)  # noqa: E731
    df = lambda x: 0.0 if x < 0 else 1.0  # noqa: E731
    seqs = (_sequence(f, df, 0.0, "left", 0.0), _sequence(f, df, 0.0, "right", 1.0, n=5))
    exact = [(sp.Integer(0),), (sp.Integer(1),)]
    clarke = DifferentialSet("interval", [(0.0,), (1.0,)], exact, sequences=seqs)
    sub = DifferentialSet("interval", [(0.0,), (1.0,)], exact)
    return _exploration("max(0, x)", f, 0.0, clarke, sub)


def minus_abs() -> Exploration1D:
    f = lambda x: -abs(x)  # noqa: E731
    df = lambda x: 1.0 if x < 0 else -1.0  # noqa: E731
    seqs = (_sequence(f, df, 0.0, "left", 1.0), _sequence(f, df, 0.0, "right", -1.0))
    clarke = DifferentialSet("interval", [(-1.0,), (1.0,)],
                             [(sp.Integer(-1),), (sp.Integer(1),)], sequences=seqs)
    witnesses = (Witness((-1.0,), -1.0, "s >= 1", (sp.Integer(-1),), sp.Integer(1), True),
                 Witness((1.0,), -1.0, "s <= -1", (sp.Integer(1),), sp.Integer(-1)))
    sub = DifferentialSet("empty", [], witnesses=witnesses, reason="f is concave at 0.")
    return _exploration("-abs(x)", f, 0.0, clarke, sub)


def irrational_kink() -> Exploration1D:
    r2 = math.sqrt(2)
    f = lambda x: abs(x * x - 2)  # noqa: E731
    df = lambda x: 2 * x * (1.0 if x * x > 2 else -1.0)  # noqa: E731
    seqs = (_sequence(f, df, r2, "left", -2 * r2), _sequence(f, df, r2, "right", 2 * r2))
    exact = [(-2 * sp.sqrt(2),), (2 * sp.sqrt(2),)]
    clarke = DifferentialSet("interval", [(-2 * r2,), (2 * r2,)], exact, sequences=seqs)
    return _exploration("abs(x**2 - 2)", f, r2, clarke, clarke)


def sqrt_abs() -> Exploration1D:
    f = lambda x: math.sqrt(abs(x))  # noqa: E731
    clarke = DifferentialSet("unbounded", [], reason="f'(x) blows up as x -> 0.")
    sub = DifferentialSet("point", [(0.0,)], [(sp.Integer(0),)])
    return _exploration("sqrt(abs(x))", f, 0.0, clarke, sub)


def with_pole() -> Exploration1D:
    """A curve with a huge outlier and nan gaps: the y-range must follow the bulk."""
    f = lambda x: float("nan") if x < -1.5 else (1e9 if abs(x - 1) < 0.006 else x)  # noqa: E731
    clarke = DifferentialSet("point", [(1.0,)], [(sp.Integer(1),)])
    return _exploration("x", f, 0.0, clarke, clarke)


ALL = [relu, minus_abs, irrational_kink, sqrt_abs, with_pole]


def _frames_ok(fig: go.Figure) -> None:
    moving = set(fig.frames[0].traces)
    for frame in fig.frames:
        assert list(frame.traces) == list(fig.frames[0].traces)
        assert len(frame.data) == len(frame.traces)
    static = {i for i, t in enumerate(fig.data)
              if t.name == "f(x)" or t.name.startswith("point (x₀")}
    assert len(static) == 2 and not static & moving, "the curve and the point never move"


@pytest.mark.parametrize("make", [relu, minus_abs, irrational_kink], ids=lambda m: m.__name__)
def test_graph_figure_animates_only_the_moving_traces(make):
    ex = make()
    fig = graph_figure(ex)
    n_seq = len(ex.clarke.sequences)
    assert len(fig.frames) == max(len(s.points) for s in ex.clarke.sequences) + 1
    assert len(fig.frames[0].traces) == 2 * n_seq  # a tangent line and a point per sequence
    _frames_ok(fig)
    # the last frame is the limit: each moving point sits on (x0, f(x0))
    last = fig.frames[-1]
    assert last.name == "∞"
    for trace in last.data[1::2]:
        assert trace.x[0] == pytest.approx(ex.point)
        assert trace.y[0] == pytest.approx(ex.value)


@pytest.mark.parametrize("make", [relu, minus_abs], ids=lambda m: m.__name__)
def test_tangent_lines_converge_to_the_limit_slope(make):
    ex = make()
    fig = graph_figure(ex)
    for j, seq in enumerate(ex.clarke.sequences):
        line = fig.frames[-2].data[2 * j]  # the last real step
        slope = (line.y[1] - line.y[0]) / (line.x[1] - line.x[0])
        assert slope == pytest.approx(seq.target[0])


def test_play_pause_and_slider_are_present():
    fig = graph_figure(relu())
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert any("Play" in x for x in labels) and any("Pause" in x for x in labels)
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == [f.name for f in fig.frames]
    assert slider.currentvalue.prefix.strip().endswith("i =")


@pytest.mark.parametrize("make", ALL, ids=lambda m: m.__name__)
def test_axis_ranges_are_fixed_and_finite(make):
    ex = make()
    for fig in (graph_figure(ex), slope_figure(ex)):
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.range is not None and axis.autorange is False
            assert all(math.isfinite(v) for v in axis.range) and axis.range[0] < axis.range[1]
    lo, hi = graph_figure(ex).layout.yaxis.range
    assert lo <= ex.value <= hi


def test_y_range_ignores_outliers_and_nan():
    lo, hi = graph_figure(with_pole()).layout.yaxis.range
    assert hi < 100 and lo > -10


def test_legend_and_axes_explain_themselves():
    fig = graph_figure(relu())
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "f(x)"
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert any(n.startswith("sequence from the left: slopes → 0") for n in names)
    assert any(n.startswith("sequence from the right: slopes → 1") for n in names)


@pytest.mark.parametrize("make", ALL, ids=lambda m: m.__name__)
def test_figure_json_is_small(make):
    ex = make()
    figs = [graph_figure(ex), slope_figure(ex), witness_figure(ex)]
    for fig in figs:
        if fig is not None:
            assert len(fig.to_json()) <= MAX_JSON


def _band(fig: go.Figure, prefix: str):
    return next(t for t in fig.data if t.name and t.name.startswith(prefix) and t.fill)


@pytest.mark.parametrize("make", [relu, minus_abs, irrational_kink], ids=lambda m: m.__name__)
def test_clarke_band_endpoints_are_the_vertices(make):
    ex = make()
    band = _band(slope_figure(ex), "Clarke set")
    assert min(band.x) == pytest.approx(ex.clarke.vertices[0][0])
    assert max(band.x) == pytest.approx(ex.clarke.vertices[-1][0])


def test_endpoints_are_labelled_exactly():
    fig = slope_figure(irrational_kink())
    texts = [t for trace in fig.data if trace.text for t in trace.text]
    assert "−2√2" in texts and "2√2" in texts


def test_point_set_is_a_dot():
    fig = slope_figure(sqrt_abs())
    dots = [t for t in fig.data if t.name and t.name.startswith("subdifferential")]
    assert len(dots) == 1 and list(dots[0].x) == [0.0] and not dots[0].fill


def test_empty_subdifferential_says_empty():
    fig = slope_figure(minus_abs())
    words = " ".join(a.text for a in fig.layout.annotations)
    assert "empty" in words
    assert not any(t.name and t.name.startswith("subdifferential") for t in fig.data)


def test_unbounded_graph_has_a_note_and_no_animation():
    ex = sqrt_abs()
    fig = graph_figure(ex)
    assert not fig.frames and not fig.layout.updatemenus
    assert "blows up" in fig.layout.annotations[0].text
    assert "undefined" in " ".join(a.text for a in slope_figure(ex).layout.annotations)


def test_witnesses_are_drawn_with_their_bounds():
    fig = witness_figure(minus_abs())
    captions = [a.text for a in fig.layout.annotations]
    # one wording for every witness sentence (sweep_2d.witness_sentence), from the witnesses
    assert captions == ["x′ = −1 forces s ≥ 1", "x′ = 1 forces s ≤ −1"]
    ex = minus_abs()
    assert captions == [witness_sentence(w, exact_number) for w in ex.subdifferential.witnesses]
    assert witness_figure(relu()) is None


@pytest.mark.parametrize(
    ("value", "label"),
    [(sp.Integer(-1), "−1"), (sp.Rational(1, 2), "1/2"), (-2 * sp.sqrt(2), "−2√2"),
     (sp.sqrt(2) / 2, "√2/2"), (sp.pi, "π")],
    ids=["integer", "fraction", "surd", "surd-fraction", "pi"],
)
def test_exact_labels(value, label):
    # the figures print exact numbers as the live table does, with the minus sign U+2212
    assert exact_number(value) == label


def test_undecided_subdifferential_is_said_so():
    ex = dataclasses.replace(relu(), subdifferential=None)
    fig = slope_figure(ex)
    assert "undecided" in " ".join(a.text for a in fig.layout.annotations)
    assert witness_figure(ex) is None
    assert len(fig.to_json()) <= MAX_JSON


def test_limit_slopes_are_named_exactly():
    names = [t.name for t in graph_figure(irrational_kink()).data if t.showlegend is not False]
    assert "sequence from the left: slopes → −2√2" in names
    assert "sequence from the right: slopes → 2√2" in names


def test_a_long_note_across_the_graph_is_wrapped_to_fit():
    # sign(x) at 0: the jump sentence is ~110 characters, clipped at both ends on one line.
    fig = graph_figure(explore_1d("sign(x)", "0"))
    (note,) = fig.layout.annotations
    assert "jumps" in note.text and "<br>" in note.text
    assert max(len(line) for line in note.text.split("<br>")) <= 60


def test_the_point_in_the_legend_is_exact():
    # (x₀, f(x₀)) as typed, exactly, not (0.3333, 0.1111).
    from clarke_core.figures.linked import linked_1d
    from clarke_core.views.explore_1d import explore_1d

    names = [t.name or "" for t in linked_1d(explore_1d("abs(x) + x**2", "1/3")).data]
    assert "point (x₀, f(x₀)) = (1/3, 4/9)" in names, names


def test_the_moving_slope_labels_say_what_the_live_table_says():
    # The label read "slope -0.8284" beside a table row f′(xᵢ) = 2 − 2√2.
    ex = explore_1d("abs(x**2 - 2)", "sqrt(2)")
    fig = graph_figure(ex)
    for k, frame in enumerate(fig.frames):
        labels = [d.text[0] for d in frame.data if d.text]
        rows = [st[min(k, len(st) - 1)] for st in ex.steps]  # the limit row last
        assert labels == [f"slope {r.gradient}" for r in rows], (k, labels)
    assert fig.frames[0].data[1].text == ("slope 2 − 2√2",)
