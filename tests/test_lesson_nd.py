"""The Clarke lesson (/clarke?dim=3) for f of 3 to 8 variables, run headless with AppTest (real
engine): every example, the exact vertex labels of the polytope figure, undecided and unbounded
headlines, bad input in one sentence, and the projection a student chooses for n > 3."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from page_util import assert_refused, figures, page_runner, share_url
from scipy import optimize

from benchmarks.nd import sampled_gradients_nd
from clarke_core.api import clarke_set
from clarke_core.engine import printing
from clarke_core.engine.geometry import in_hull
from clarke_core.engine.problem import problem
from clarke_core.views import steps
from clarke_core.views.examples import EXAMPLES_ND, find_example
from clarke_core.views.explore_nd import explore_nd

PAGE = "../app_pages/clarke_lesson.py"
TIMEOUT = 90
F, AT, PICK, PROJECT = "clarke_nd_f", "clarke_nd_at", "clarke_nd_example", "clarke_nd_project"
DIM = "clarke_dim"

_run = page_runner(PAGE, TIMEOUT)


def run_page(**query: str):
    return _run(**{"dim": "3", **query})


def unit(n: int, k: int) -> tuple[int, ...]:
    return tuple(int(i == k) for i in range(n))


CUBE = {(a, b, c) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)}
# What each example's note claims, derived by hand (None: the claim is checked otherwise).
CLAIMS = {
    "max-xyz": {unit(3, k) for k in range(3)},
    "l1-3d": CUBE,
    "tetrahedron": {unit(3, k) for k in range(3)} | {(-1, -1, -1)},
    "square-3d": {(1, 0, 1), (1, 0, -1), (0, 1, 1), (0, 1, -1)},
    "relu-linear": {(1, 1, 1)},
    "abs-minus-abs-3d": {(0, 0, 1)},
    "relu-network": None,
    "smooth-times-kink": {(0, 0, 0), (1, -1, 0)},
    "max-4": {unit(4, k) for k in range(4)},
    # the output neuron dead (0) or alive with each hidden neuron on or off
    "relu-network-4": {(0, 0, 0, 0), (0, 0, 0, 1), (1, 1, 0, 1), (0, -1, 1, 1), (1, 0, 1, 1)},
    "sqrt-abs-3d": "unbounded",
}


def exact_set(s) -> set[tuple]:
    return {tuple(v) for v in s.exact}


def test_every_example_has_a_claim():
    assert {e.key for e in EXAMPLES_ND} == set(CLAIMS)


@pytest.mark.parametrize("example", EXAMPLES_ND, ids=lambda e: e.key)
def test_each_example_is_what_its_note_says(example):
    ex = explore_nd(example.expr, example.at)
    claim = CLAIMS[example.key]
    if claim == "unbounded":
        assert ex.clarke.kind == "unbounded" and ex.status.startswith("Unbounded")
        assert ex.clarke_solid is None
        return
    assert ex.status.startswith("Certified exactly")
    if claim is not None:
        assert exact_set(ex.clarke) == claim
    if ex.subdifferential is not None:  # for a Lipschitz f it lies in the Clarke set
        assert all(in_hull([float(c) for c in v], ex.clarke.vertices)
                   for v in ex.subdifferential.vertices)
        if exact_set(ex.subdifferential) == exact_set(ex.clarke):
            assert ex.sub_latex == r"\partial_s f(x_0) = \partial f(x_0)"


def _distance_to_hull(g, vertices) -> float:
    """Independent float check (HiGHS): min |sum lambda_i v_i - g|_inf over the simplex."""
    k, n = len(vertices), len(g)
    a_ub, b_ub = [], []
    for i in range(n):
        a_ub += [[v[i] for v in vertices] + [-1], [-v[i] for v in vertices] + [-1]]
        b_ub += [g[i], -g[i]]
    res = optimize.linprog([0] * k + [1], A_ub=a_ub, b_ub=b_ub, A_eq=[[1] * k + [0]], b_eq=[1],
                           bounds=[(0, None)] * (k + 1), method="highs")
    return float(res.fun)


def test_the_network_example_against_gradient_sampling():
    """The note's 16 cells and 9 vertices; sampled gradients near 0 lie in the exact set and
    approach each of its vertices (seeded)."""
    example = find_example(EXAMPLES_ND, "relu(relu(x + y) - relu(y - z) + relu(z - x) - x/2)",
                           "0, 0, 0")
    ex = explore_nd(example.expr, example.at)
    assert ex.cell_count == 16 and len(ex.clarke.exact) == 9
    p = problem(example.expr, example.at, max_dim=8)
    sampled = sampled_gradients_nd(p.expr, p.variables, (0.0, 0.0, 0.0), radius=1e-6, n=2000,
                                   rng=np.random.default_rng(3))
    vertices = [tuple(float(c) for c in v) for v in ex.clarke.exact]
    assert all(_distance_to_hull(g, vertices) <= 1e-6 for g in sampled[:300])
    for v in vertices:
        assert np.min(np.max(np.abs(sampled - np.array(v)), axis=1)) <= 1e-6, v


def assert_shown(at, charts: int = 1) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == charts
    assert any(r"\partial f(x_0)" in x.value for x in at.latex)
    assert any(r"\partial_s f(x_0)" in x.value for x in at.latex)


@pytest.mark.parametrize("example", EXAMPLES_ND, ids=lambda e: e.key)
def test_each_example_renders(example):
    at = run_page()
    at.selectbox(key=PICK).select(example.label).run()
    assert (at.text_input(key=F).value, at.text_input(key=AT).value) == (example.expr,
                                                                         example.at)
    assert_shown(at, charts=0 if CLAIMS[example.key] == "unbounded" else 1)
    assert any(example.note in c.value for c in at.caption)
    assert (at.query_params["f"], at.query_params["at"]) == (example.expr, example.at)


def labelled(figure: dict) -> list[str]:
    """The labels of the trace that marks the Clarke set's vertices."""
    (trace,) = [t for t in figure["data"] if t.get("name") == "vertices of ∂f(x₀)"]
    return trace["text"]


@pytest.mark.parametrize(("f", "point", "drawn"), [
    ("abs(x) + abs(y) + abs(z)", "0, 0, 0", "mesh3d"),
    ("max(x, y, z)", "0, 0, 0", "mesh3d"),  # a flat triangle: a flat mesh
    ("max(x, y) + abs(z - 1)", "1, 1, 1", "mesh3d"),  # a flat square
    ("z*relu(x - y)", "0, 0, 1", "line"),
    ("abs(x) - abs(x) + z", "0, 0, 0", "marker"),
    ("max(x, 2*y, -x/3 + sqrt(2)*z)", "0, 0, 0", "mesh3d"),  # an irrational vertex
], ids=["cube", "triangle", "square", "segment", "point", "irrational"])
def test_the_figure_labels_are_the_exact_vertices(f, point, drawn):
    at = run_page(f=f, at=point)
    assert_shown(at)
    (figure,) = figures(at)
    # as the live table prints numbers: exact where short, the minus sign U+2212
    expected = {steps.vector([float(c) for c in v], v) for v in clarke_set(f, point).exact}
    assert set(labelled(figure)) == expected and len(labelled(figure)) == len(expected)
    types = [t["type"] for t in figure["data"]]
    assert ("mesh3d" in types) == (drawn == "mesh3d")
    lines = [t for t in figure["data"] if t["type"] == "scatter3d" and t.get("mode") == "lines"]
    assert bool(lines) == (drawn != "marker")
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    # the table beside the figure prints its numbers with the figure's minus sign U+2212
    rows = {"(" + ", ".join(row) + ")" for row in table.iloc[:, 1:].itertuples(index=False)}
    assert not any("-" in r for r in rows)
    assert rows == {printing.vector([printing.unicode(c, minus="−") for c in v], bare=False)
                    for v in clarke_set(f, point).exact}, "every vertex, exactly"


def test_the_mesh_triangles_cover_the_cube_faces():
    at = run_page(f="abs(x) + abs(y) + abs(z)", at="0, 0, 0")
    (mesh,) = [t for t in figures(at)[0]["data"] if t["type"] == "mesh3d"]
    assert len(mesh["i"]) == 12, "six square faces, two triangles each"
    (edges,) = [t for t in figures(at)[0]["data"] if t.get("name") == "its edges"]
    assert len([c for c in edges["x"] if c is None]) == 12, "a cube has 12 edges, no diagonals"


def test_the_cells_table_lists_the_fan():
    at = run_page(f="max(x, y) + abs(z)", at="0, 0, 0")
    assert_shown(at)
    cells = at.dataframe[1].value
    assert len(cells) == 4
    assert set(cells["gradient limit"]) == {"(1, 0, 1)", "(1, 0, −1)", "(0, 1, 1)",
                                            "(0, 1, −1)"}, "the figure's minus sign U+2212"
    assert any("4 open cells" in m.value for m in at.markdown)


def test_undecided_says_so_in_the_headline():
    at = run_page(f="sqrt(x**2 + y**2 + z**2)", at="0, 0, 0")
    assert not at.exception and not at.error
    assert not at.get("plotly_chart")
    assert any(r"\partial f(x_0) \text{ is undecided}" in x.value for x in at.latex)
    assert any(m.value.startswith("**Clarke set.** Undecided: ") for m in at.markdown)


def test_not_lipschitz_is_unbounded_as_in_1d_and_2d():
    at = run_page(f="sqrt(abs(x)) + y + z", at="0, 0, 0")
    assert not at.exception and not at.error
    assert any("not locally Lipschitz" in x.value and r"\partial f(x_0)" in x.value
               for x in at.latex)
    assert any(m.value.startswith("**Clarke set.** Unbounded") for m in at.markdown)


@pytest.mark.parametrize(("f", "point", "words"), [
    ("max(x, y, z) +", "0, 0, 0", ""),
    ("max(x, y, z)", "0, 0", "3 coordinates"),
    ("abs(x) + abs(y)", "0, 0", "3 to 8"),
    ("max(x1, x9)", "0, 0", ""),
    ("<script>alert(1)</script>", "0, 0, 0", ""),
    ("__import__('os').getpid() + x + y + z", "0, 0, 0", ""),
    ("max(x, y, z)", "0, 0, 1e999999999", ""),
], ids=["syntax", "short-point", "two-variables", "x9", "html", "dunder", "huge-literal"])
def test_bad_input_gives_one_sentence(f, point, words):
    message = assert_refused(run_page(f=f, at=point))
    assert words in message


def test_the_share_link_keeps_f_and_at():
    at = run_page(f="max(x, y) + abs(z)", at="0, 0, 1/2")
    assert_shown(at)
    link = share_url(at)
    assert "dim=3" in link and "f=max%28x%2C+y%29+%2B+abs%28z%29" in link
    assert "at=0%2C+0%2C+1%2F2" in link


def projection_labels(at) -> tuple[str, list[str]]:
    figure = figures(at)[-1]
    return figure["layout"]["title"]["text"], labelled(figure)


def test_more_than_three_variables_show_the_vertex_table_and_a_chosen_projection():
    at = run_page(f="max(x1, x2, x3, x4)", at="0, 0, 0, 0")
    assert_shown(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["vertex", "∂f/∂x1", "∂f/∂x2", "∂f/∂x3", "∂f/∂x4"]
    assert {tuple(row) for row in table.iloc[:, 1:].itertuples(index=False)} == {
        tuple(str(c) for c in unit(4, k)) for k in range(4)}
    assert at.multiselect(key=PROJECT).value == ["x1", "x2", "x3"]
    # The projection of the simplex onto (x1, x3, x4): e2 goes to 0, a tetrahedron at 0.
    at.multiselect(key=PROJECT).set_value(["x1", "x3", "x4"]).run()
    assert_shown(at)
    title, labels = projection_labels(at)
    assert title == "projection onto (x1, x3, x4)"
    assert sorted(labels) == ["(0, 0, 0)", "(0, 0, 1)", "(0, 1, 0)", "(1, 0, 0)"]
    assert "mesh3d" in [t["type"] for t in figures(at)[-1]["data"]]
    # Onto (x2, x4): e1 and e3 both go to 0, leaving a triangle of three vertices.
    at.multiselect(key=PROJECT).set_value(["x2", "x4"]).run()
    assert_shown(at)
    title, labels = projection_labels(at)
    assert title == "projection onto (x2, x4)"
    assert sorted(labels) == ["(0, 0)", "(0, 1)", "(1, 0)"]
    assert [t["type"] for t in figures(at)[-1]["data"]][0] == "scatter"


def test_a_projection_drops_vertices_that_are_not_extreme_any_more():
    at = run_page(f="relu(relu(x1 + x2) - relu(x2 - x3) + x4)", at="0, 0, 0, 0")
    at.multiselect(key=PROJECT).set_value(["x1", "x2"]).run()
    assert_shown(at)
    # images (0, 0), (0, 0), (1, 1), (0, -1), (1, 0): the hull's vertices, computed by hand
    labels = projection_labels(at)[1]
    assert sorted(labels) == sorted(["(0, −1)", "(0, 0)", "(1, 0)", "(1, 1)"]), "U+2212, once each"
    at.multiselect(key=PROJECT).set_value(["x4"]).run()
    assert not at.exception and not at.error
    assert any("at least 2 coordinates" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0


def test_switching_to_3d_starts_the_nd_lesson():
    at = _run(dim="1", f="abs(x - 1)", at="1")
    at.radio(key=DIM).set_value("3").run()
    assert_shown(at)
    assert at.text_input(key=F).value == EXAMPLES_ND[0].expr
    assert (at.query_params["dim"], at.query_params["f"]) == ("3", EXAMPLES_ND[0].expr)


def test_exact_coordinates_in_the_headline():
    at = run_page(f="abs(x - sqrt(2)) + max(y, z)", at="sqrt(2), 1, 1")
    assert_shown(at)
    expected = clarke_set("abs(x - sqrt(2)) + max(y, z)", "sqrt(2), 1, 1").exact
    assert any(all(sp.latex(c) in x.value for v in expected for c in v) and "conv" in x.value
               for x in at.latex)
