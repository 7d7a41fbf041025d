"""Frames move only what they name: ``check_frames`` refuses a frame that would write over a
background, ``moving_traces`` finds what the frames move, and in the linked 1D and 2D figures
the live table at step k shows the k-th point of each sequence, exactly where it is exact."""

from __future__ import annotations

import copy
from fractions import Fraction

import plotly.graph_objects as go
import pytest

from clarke_core.figures.animation import animate, check_frames, keep_backgrounds, moving_traces
from clarke_core.figures.linked import BOLD, CHAR_PX, NARROW_PX, ROWS, linked_1d, linked_2d
from clarke_core.figures.two_d import contour_figure
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d


def _move(i: int, name: str = "1", trace=go.Scatter) -> go.Frame:
    return go.Frame(name=name, traces=[i], data=[trace(x=[1])])


def _still_and_dot() -> go.Figure:  # a level-curve background (0) and a dot that moves (1)
    return go.Figure([go.Contour(z=[[0, 1], [1, 0]], contours={"coloring": "lines"}),
                      go.Scatter(x=[0])])


# --- moving_traces ---------------------------------------------------------------------------


def test_moving_traces_are_the_union_of_what_frames_name():
    frames = [go.Frame(name="1", traces=[2, 5], data=[go.Scatter(), go.Scatter()]),
              go.Frame(name="2", traces=[5], data=[go.Scatter()]), go.Frame(name="3")]
    assert moving_traces(frames) == {2, 5}
    assert moving_traces([]) == set() == moving_traces([go.Frame(name="still")])


# --- check_frames ----------------------------------------------------------------------------


@pytest.mark.parametrize(("frames", "backgrounds", "message"), [
    ([go.Frame(name="1", data=[go.Scatter(x=[1])])], (), "does not say which traces"),
    ([go.Frame(name="1", traces=[1, 0], data=[go.Scatter(x=[1])])], (), "names 2 traces for 1"),
    ([_move(0)], (), "writes a scatter over trace 0, a contour"),
    ([_move(1), _move(2, "2")], (), "names trace 2; the figure has 2"),
    ([_move(1), _move(0, "2", go.Contour)], {0}, "moves trace 0, a background"),
], ids=["no-traces", "count", "over-a-contour", "out-of-range", "a-named-background"])
def test_check_frames_refuses_a_frame_over_a_background(frames, backgrounds, message):
    with pytest.raises(ValueError, match=message):
        check_frames(frames, _still_and_dot(), backgrounds)
    with pytest.raises(ValueError, match=message):
        animate(_still_and_dot(), frames, "t = ", frame_ms=100, backgrounds=backgrounds)


def test_check_frames_passes_frames_that_move_only_their_own_traces():
    frames = [_move(1, "1"), _move(1, "2")]
    check_frames(frames, _still_and_dot(), {0})
    fig = animate(_still_and_dot(), frames, "t = ", frame_ms=100, backgrounds={0})
    assert moving_traces(fig.frames) == {1}


def test_a_real_contour_map_refuses_a_frame_over_its_regions():
    fig = contour_figure(explore_2d("abs(x) + abs(y)", "0, 0"))
    moving = moving_traces(fig.frames)
    still = [i for i, t in enumerate(fig.data) if i not in moving]
    assert moving and still
    check_frames(fig.frames, fig, still)  # as built: only the moving traces
    region = next(i for i in still if fig.data[i].type in ("heatmap", "contour"))
    bad = copy.deepcopy(list(fig.frames))
    bad[-1].traces = [region if i == min(moving) else i for i in bad[-1].traces]
    with pytest.raises(ValueError, match=f"over trace {region}"):
        check_frames(bad, fig)
    with pytest.raises(ValueError, match=f"trace {region}, a background"):
        check_frames(bad, None, still)


# --- the linked figures ----------------------------------------------------------------------

LINKED = [
    ("1D", lambda: linked_1d(explore_1d("abs(x)", "1/3"))),
    ("2D", lambda: linked_2d(explore_2d("abs(x - 1/3) + y", "1/3, 1/2"))),
    ("2D-curved", lambda: linked_2d(explore_2d("sqrt(x**2 + y**2)", "0, 0"))),
]


@pytest.fixture(scope="module", params=LINKED, ids=[name for name, _ in LINKED])
def linked(request):
    return request.param[1]()


# Traces that a linked figure draws once and that no frame may move (by their names).
_BACKGROUNDS = ("f(x)", "regions", "level curves", "table header", "table columns",
                "sequences", "Clarke set", "subdifferential", "the point", "point (x₀")


def test_linked_frames_never_touch_a_background(linked):
    named = moving_traces(linked.frames)
    backgrounds = {i for i, t in enumerate(linked.data)
                   if (t.name or "").startswith(_BACKGROUNDS)}
    assert backgrounds and named, "the figure has both"
    assert not named & backgrounds
    check_frames(linked.frames, linked, backgrounds)
    # Every step moves the same traces: none keeps a picture of a step before.
    assert {tuple(sorted(f.traces)) for f in linked.frames} == {tuple(sorted(named))}
    # Kept backgrounds stay apart from the frames after keep_backgrounds too.
    kept = keep_backgrounds(linked)
    assert not moving_traces(kept.frames) & {
        i for i, t in enumerate(kept.data) if (t.name or "").startswith(_BACKGROUNDS)}


def _table(fig: go.Figure, frame: go.Frame) -> list[tuple[str, str, str, str]]:
    """The live table's rows (i, xᵢ, f(xᵢ), ∇f(xᵢ)) as the frame draws them."""
    table = next(i for i, t in enumerate(fig.data) if t.name == "live table")
    text = list(frame.data[list(frame.traces).index(table)].text)
    assert len(text) % 4 == 0
    return [tuple(text[r:r + 4]) for r in range(0, len(text), 4)]


def _exact(text: str) -> tuple[Fraction, ...]:
    """A printed point as fractions; fails on "≈", √ or any other non-rational text."""
    assert "≈" not in text, text
    return tuple(Fraction(c.strip()) for c in text.replace("−", "-").strip("()").split(","))


def _approx(text: str) -> tuple[float, ...]:
    assert text.startswith("≈"), text
    return tuple(float(c) for c in text[1:].replace("−", "-").strip(" ()").split(","))


@pytest.mark.parametrize(("build", "base", "f"), [
    (lambda: linked_1d(explore_1d("abs(x)", "1/3")), (Fraction(1, 3),), lambda q: abs(q[0])),
    (lambda: linked_1d(explore_1d("abs(x - 1/10)", "1/10")), (Fraction(1, 10),),
     lambda q: abs(q[0] - Fraction(1, 10))),
    (lambda: linked_2d(explore_2d("abs(x - 1/3) + y", "1/3, 1/2")),
     (Fraction(1, 3), Fraction(1, 2)), lambda q: abs(q[0] - Fraction(1, 3)) + q[1]),
    (lambda: linked_2d(explore_2d("abs(y - 1/3) + x", "1/5, 1/3")),
     (Fraction(1, 5), Fraction(1, 3)), lambda q: abs(q[1] - Fraction(1, 3)) + q[0]),
], ids=["abs-1D", "abs-tenth-1D", "abs-2D", "abs-2D-y"])
def test_the_live_table_at_step_k_shows_the_kth_exact_point(build, base, f):
    fig = build()
    points = _sequence_points(fig)
    assert fig.frames[-1].name == "∞" and len(fig.frames) == len(points[0]) + 1
    for k, frame in enumerate(fig.frames[:-1]):
        rows = _table(fig, frame)
        assert {r[0] for r in rows} == {frame.name} == {str(k + 1)}
        shown = sorted(_exact(r[1]) for r in rows)
        expected = sorted(p[k] for p in points)
        assert len(shown) == len(expected)
        for q, p in zip(shown, expected, strict=True):
            assert all(abs(float(a) - b) < 1e-12 for a, b in zip(q, p, strict=True)), (q, p)
        # f(xᵢ) is worked out exactly at the exact point (Fraction arithmetic, not sympy).
        for r in rows:
            assert Fraction(r[2].replace("−", "-")) == f(_exact(r[1]))
    limit = _table(fig, fig.frames[-1])
    assert {_exact(r[1]) for r in limit} == {base} and {r[0] for r in limit} == {"∞"}


def _sequence_points(fig: go.Figure) -> list[list[tuple[float, ...]]]:
    """Each sequence's points xᵢ, read back frame by frame from the figure's own moving marker
    for it (1D: "xᵢ from the left", x only; 2D: "points xᵢ → x₀"): independent of the table."""
    out: dict[int, list[tuple[float, ...]]] = {}
    for frame in fig.frames[:-1]:
        for i, data in zip(frame.traces, frame.data, strict=True):
            name = fig.data[i].name or ""
            if name.startswith("points xᵢ"):
                out.setdefault(i, []).append((float(data.x[0]), float(data.y[0])))
            elif name.startswith("xᵢ"):
                out.setdefault(i, []).append((float(data.x[0]),))
    assert out, "the figure marks its points"
    return list(out.values())


def test_irrational_points_are_marked_approximate():
    fig = linked_2d(explore_2d("abs(x - 1/3) + abs(y - 1/2)", "1/3, 1/2"))
    points = _sequence_points(fig)
    for k, frame in enumerate(fig.frames[:-1]):
        shown = sorted(_approx(r[1]) for r in _table(fig, frame))
        for q, p in zip(shown, sorted(p[k] for p in points), strict=True):
            assert all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(q, p, strict=True))


# A table 400 px wide (the lesson at 800 px) in its 12 px font: ~5.5 px a character on average.
_NARROW_PX, _CHAR_PX = NARROW_PX, CHAR_PX


@pytest.mark.parametrize("build", [
    lambda: linked_1d(explore_1d("abs(x)", "1/3")),
    lambda: linked_2d(explore_2d("abs(x) + abs(y)", "0, 0")),
    lambda: linked_2d(explore_2d("abs(x - 1/3) + y", "1/3, 1/2")),
    # 11 sequences with limits like ≈ (0.7025, −0.7117): the full names ran over xᵢ, and ∇f(xᵢ)
    # past the table's right edge, at 800 px; the names shrink to the sequences' numbers
    lambda: linked_2d(explore_2d("sqrt(x**2 + y**2)", "0, 0")),
], ids=["1D", "2D-approximate", "2D-exact", "2D-eleven-sequences"])
def test_no_table_text_runs_into_the_next_column_at_800px(build):
    fig = build()
    columns = next(t for t in fig.data if t.name == "table columns")
    starts = [*columns.x, 1.0]
    names = next(t for t in fig.data if t.name == "sequences")
    room = [(b - a) * _NARROW_PX for a, b in zip(starts, starts[1:], strict=False)]
    # a name starts after its colour square (14 px) and two spaces
    assert all(len(n.strip()) * _CHAR_PX + 16 <= room[0] for n in names.text), "names"
    # the headers too ("sequence" ran into "i" and "xᵢ" once the names were numbers)
    for text, space in zip(columns.text, room, strict=True):
        assert len(text.removeprefix("<b>").removesuffix("</b>")) * _CHAR_PX * BOLD <= space, text
    for frame in fig.frames:
        for row in _table(fig, frame):
            for c, text in enumerate(row, start=1):
                assert len(text) * _CHAR_PX <= room[c], (text, room[c])


def test_eleven_sequences_list_six_rows_and_say_how_many_more():
    ex = explore_2d("sqrt(x**2 + y**2)", "0, 0")
    fig = linked_2d(ex)
    n = len(ex.clarke.sequences)
    assert n == 11
    names = next(t for t in fig.data if t.name == "sequences")
    assert [n.strip() for n in names.text] == ["1", "2", "3", "4", "5", "6"]
    more = next(t for t in fig.data if t.name == "more sequences")
    assert more.text == ("… and 5 more sequences, drawn on the map and the plane",)
    assert more.y == (-ROWS,) and fig.layout.yaxis3.range == (-ROWS - 0.5, 0.5)
    for frame in fig.frames:
        assert len(_table(fig, frame)) == ROWS - 1, frame.name
    # every sequence is still drawn: one moving point on the map per sequence
    assert sum((t.name or "").startswith("points xᵢ") for t in fig.data) == n
    assert len(_sequence_points(fig)) == n


def test_a_table_of_four_lists_them_all():
    fig = linked_2d(explore_2d("abs(x) + abs(y)", "0, 0"))
    assert not any(t.name == "more sequences" for t in fig.data)
    assert all(len(_table(fig, frame)) == 4 for frame in fig.frames)


@pytest.mark.parametrize(("f", "at"), [("abs(x) + abs(y)", "0, 0"),
                                       ("sqrt(x**2 + y**2)", "0, 0")], ids=["l1", "norm"])
def test_the_tables_colour_squares_are_not_cut_by_its_axis(f, at):
    # At 800 px the squares (14 px, centred 0.8 % in) reached past the table's left edge, which
    # cut them in half; the table's text may run into the margins rather than be cut either.
    fig = linked_2d(explore_2d(f, at))
    for name in ("sequences", "live table", "table columns"):
        assert next(t for t in fig.data if t.name == name).cliponaxis is False, name
    squares = next(t for t in fig.data if t.name == "sequences")
    narrow_left = fig.layout.margin.l
    assert squares.marker.size / 2 <= narrow_left, "the margin holds the squares' spill"
