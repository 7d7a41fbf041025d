"""The one printer (engine/printing.py): every plain form parses back to the same exact value,
and the page text reads as the pages have always written it."""

from __future__ import annotations

import pytest
import sympy as sp

from clarke_core import clarke_set, subdifferential
from clarke_core.engine import printing
from clarke_core.engine.parsing import parse_constant, parse_function
from clarke_core.engine.sets import DifferentialSet, Ellipse
from clarke_core.errors import UndecidedError
from clarke_core.grading.answers import parse_answer
from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D, EXAMPLES_SUBGRADIENTS

X, Y = sp.symbols("x y", real=True)
GALLERY = {(e.expr, e.at): e.key for e in (*EXAMPLES_1D, *EXAMPLES_2D, *EXAMPLES_SUBGRADIENTS)}
CASES = [(expr, at) for expr, at in GALLERY]
IDS = list(GALLERY.values())


def _sets(expr: str, at: str) -> list[DifferentialSet]:
    sets = [clarke_set(expr, at)]
    try:
        sets.append(subdifferential(expr, at))
    except UndecidedError:
        pass
    return sets


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return a == b or sp.simplify(a - b) == 0


@pytest.mark.parametrize(("expr", "at"), CASES, ids=IDS)
def test_every_gallery_set_is_printed_as_an_answer_that_reads_back_exactly(expr, at):
    for s in _sets(expr, at):
        if s.exact is None or s.kind in ("empty", "unbounded", "convex"):
            continue
        text = printing.set_text(s)
        dim = len(s.exact[0])
        parsed = parse_answer(text, dim)
        want = s.exact if s.kind != "interval" else [s.exact[0], s.exact[-1]]
        assert len(parsed.points) == len(want), text
        for got, exact in zip(parsed.points, want, strict=True):
            assert all(_same(g, e) for g, e in zip(got, exact, strict=True)), text
        for v in s.exact:
            for c in v:
                assert _same(parse_constant(printing.number_text(c)), c)
                assert _same(parse_constant(printing.plain(c)), c)


@pytest.mark.parametrize(("expr", "at"), CASES, ids=IDS)
def test_every_gallery_function_is_printed_as_text_that_parses_to_it(expr, at):
    f = parse_function(expr).expr
    assert parse_function(printing.plain(f)).expr == f


@pytest.mark.parametrize(("value", "text"), [
    (sp.Rational(1, 2), "1/2"), (-sp.sqrt(2) / 2, "-sqrt(2)/2"), (sp.pi / 4, "pi/4"),
    (sp.Max(X, 0, evaluate=False), "max(0, x)"), (sp.Min(X, Y), "min(x, y)"),
    (sp.Abs(X - 1), "abs(x - 1)"), (sp.Heaviside(X), "Heaviside(x)"), (sp.E, "E"),
], ids=["rational", "surd", "pi", "max", "min", "abs", "heaviside", "e"])
def test_plain_text_is_what_a_student_types(value, text):
    assert printing.plain(value) == text


@pytest.mark.parametrize(("expr", "text"), [
    (-X + Y, "−x + y"), (X**2 + Y, "x² + y"), (sp.sqrt(X**2 + Y**2), "√(x² + y²)"),
    (X - Y - sp.sqrt(2), "x − y − √2"), (X / 2 + sp.sin(Y), "x/2 + sin(y)"), (X**10, "x¹⁰"),
    (sp.exp(X + Y), "e^(x + y)"),
], ids=["minus", "square", "norm", "surd", "frac-sin", "power-10", "exp"])
def test_formula_text(expr, text):
    """The legend text of a smooth piece, from the expression (moved from test_figures_2d, which
    gave the same outputs from LaTeX)."""
    assert printing.formula_text(expr) == text


@pytest.mark.parametrize(("value", "text"), [
    (sp.Integer(-1), "-1"), (sp.Rational(1, 2), "1/2"), (-2 * sp.sqrt(2), "-2√2"),
    (sp.sqrt(2) / 2, "√2/2"), (sp.pi, "π"), (2 * sp.pi / 3, "2π/3"), (sp.sqrt(3) - 1, "-1 + √3"),
    (1 / (1 + sp.sqrt(2)), "1/(1 + √2)"), (sp.cbrt(2), "2^(1/3)"), (sp.pi**2, "π²"),
], ids=["integer", "fraction", "surd", "surd-fraction", "pi", "pi-fraction", "surd-sum",
        "sum-below", "cube-root", "pi-squared"])
def test_labels(value, text):
    assert printing.label(value) == text


def test_closed_forms_in_each_form():
    disk = Ellipse((0, 0), ((1, 0), (0, 1)))
    ellipse = Ellipse((0, 0), ((1, 0), (0, sp.Rational(1, 4))))
    assert printing.ellipse_text(disk) == "{s : ||s|| <= 1}"
    assert printing.ellipse_text(disk, page=True) == "{s : ‖s‖ ≤ 1}"
    assert printing.ellipse_text(ellipse) == "{s : s1**2 + s2**2/4 <= 1}"
    assert printing.ellipse_latex(disk) == r"\left\{ s : \|s\| \le 1 \right\}"
    curved = DifferentialSet("convex", [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)],
                             extra={"closed_form": disk}, certified=False)
    assert printing.set_text(curved, caveat=" (checked)") == "{s : ||s|| <= 1} (checked)"
    assert printing.show_set(curved) == printing.CURVED
    assert printing.set_text(curved, page=True, closed_form=False) == printing.CURVED


def test_the_grader_forms_are_drop_in():
    """show_set / vector_text / number_text print what grading's _show_set / _vec / _show did."""
    s = DifferentialSet("interval", [(-1.41,), (1.41,)], [(-sp.sqrt(2),), (sp.sqrt(2),)])
    assert printing.show_set(s) == "[-sqrt(2), sqrt(2)]"
    assert printing.show_set(DifferentialSet("empty", [])) == "empty"
    assert printing.show_set(DifferentialSet("unbounded", [])) == "undefined"
    assert printing.show_set(DifferentialSet("polygon", [(0.1234567, 0.0), (1.0, 0.0),
                                                         (0.0, 1.0)])) == (
        "conv{(0.123457, 0), (1, 0), (0, 1)}")
    assert printing.vector_text((sp.Integer(1), 0.5)) == "(1, 0.5)"
    assert printing.number_text(1 / 3) == "0.333333"


def test_latex_of_sets_and_answers():
    s = DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)], [(0, 1), (1, 0)])
    assert s.latex() == r"\operatorname{conv}\left\{\left(0, 1\right), \left(1, 0\right)\right\}"
    assert DifferentialSet("point", [(-0.0,)]).latex() == r"\left\{0\right\}"
    assert parse_answer("[(0, 1), (1, 0)]", 2).latex() == (
        r"\operatorname{conv}\left\{\left(0, 1\right), \left(1, 0\right)\right\}")
    assert parse_answer("(0, 1]").latex() == r"\left(0, 1\right]"
    assert parse_answer("{1/2}").latex() == r"\left\{\frac{1}{2}\right\}"
