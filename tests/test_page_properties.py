"""The Properties page (lecture §2), run headless with Streamlit's AppTest and the real engine."""

from __future__ import annotations

import json
import re

import sympy
from page_util import assert_refused, figures, page_runner

from clarke_core.labs.properties import study_properties

PAGE = "../app_pages/properties.py"
F, AT, PICK = "properties_f", "properties_at", "properties_example"

run_page = page_runner(PAGE, 90)
SECTIONS = ("1. Locally Lipschitz", "2. Convex", "3. Differentiable", "4. Regular")


def every_section(**query: str) -> str:
    """The texts of all four lazy tabs (each opened through the URL), after no exception."""
    shown = []
    for section in SECTIONS:
        at = run_page(**query, section=section)
        assert not at.exception, at.exception
        shown.append(texts(at))
    return "\n".join(shown)


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.success]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts)


def test_default_renders_all_four_properties():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert [t.label for t in at.tabs] == list(SECTIONS)
    assert len(figures(at)) == 1  # the other tabs wait until they are opened
    at = run_page(section="3. Differentiable")
    (animated,) = figures(at)
    assert len(animated["frames"]) >= 20 and animated["layout"]["updatemenus"]
    assert animated["layout"]["sliders"][0]["steps"]
    assert all(len(f["data"]) == 3 for f in animated["frames"])  # only the moving traces
    shown = every_section()
    assert "L ≈ 1" in shown and "certified convex" in shown
    assert len(figures(run_page(section="4. Regular"))) == 1


def test_sqrt_abs_is_not_lipschitz():
    at = run_page(f="sqrt(abs(x))", at="0")
    assert not at.exception, at.exception
    assert not at.error
    warning = at.warning[0].value
    assert "Not locally Lipschitz" in warning and "unbounded" in warning
    assert "L = 10" in texts(at)


def test_sqrt_abs_cone_radii_are_exact():
    # √|x| > L|x| exactly when |x| < 1/L²: the radii 1, 1/100, 1/10000, not grid readings.
    at = run_page(f="sqrt(abs(x))", at="0")
    lip = study_properties("sqrt(abs(x))", "0", 1.0).lipschitz  # the page's engine call (r = 1)
    constants = [L for L, _ in lip.escapes]
    assert constants == [1, 10, 100]
    assert list(lip.escapes_latex) == [sympy.latex(sympy.Rational(1, int(L) ** 2))
                                       for L in constants]
    lines = [line for line in texts(at).splitlines() if line.startswith("- L = ")]
    assert len(lines) == len(constants)
    for line, L, exact in zip(lines, constants, lip.escapes_latex, strict=True):
        assert line.startswith(f"- L = {L:g}:") and line.endswith(f"$h = {exact}$"), line


def _jensen_points(note: str) -> tuple[sympy.Rational, sympy.Rational, sympy.Rational]:
    """The midpoint m and the points a, b of "f(m) = ... > ... = (f(a) + f(b))/2"."""
    found = re.search(r"f\((\S+)\) = \S+ > \S+ = \(f\((\S+)\) \+ f\((\S+)\)\)/2", note)
    assert found, note
    m, a, b = (sympy.Rational(v) for v in found.groups())
    return m, a, b


def test_minus_abs_is_not_regular_and_not_convex():
    f, point = "-abs(x)", "0"
    shown = every_section(f=f, at=point)
    p = study_properties(f, point, 1.0)  # the engine call the page made (r = 1)
    # Not "not certified convex": −|x| is provably not convex, and the page names two points
    # whose midpoint breaks Jensen's inequality (checked here exactly, on −|x| itself).
    assert not p.convex and p.convexity_note in shown
    m, a, b = _jensen_points(p.convexity_note)
    assert m == (a + b) / 2 and -abs(m) > (-abs(a) - abs(b)) / 2
    assert p.sets_equal is False and "here they differ" in shown
    # Not regular: f'(x0; 1) = -1 < 1 = max ∂f(x0); the page warns with those two numbers.
    assert p.regular is False
    assert p.right_slope_latex == "-1" and max(v for v, in p.clarke.vertices) == 1
    at = run_page(f=f, at=point, section="4. Regular")
    assert [w.value for w in at.warning] == [p.regularity_reason] and not at.success
    assert f"f'(x_0; 1) = {p.right_slope_latex}$" in p.regularity_reason


def test_x2_sin_is_differentiable_not_c1():
    at = run_page(f="Piecewise((x**2*sin(1/x), x != 0), (0, True))", at="0",
                  section="3. Differentiable")
    assert not at.exception, at.exception
    assert "is differentiable at x₀ with $f'(x_0) = 0$, but f′ is not continuous" in texts(at)


def test_bad_input_gives_one_error_sentence():
    at = run_page(f="x +", at="0", pieces="true")
    assert_refused(at)


def test_the_piecewise_editor_waits_until_it_is_opened():
    at = run_page()
    assert not at.exception, at.exception
    assert not any("Piecewise((" in c.value for c in at.code)  # no grid, no row check yet
    assert not at.button  # no "Use this function"


def test_the_piecewise_editor_fills_the_function_field():
    at = run_page(pieces="true")  # the expander's open state is kept in the URL
    assert not at.exception, at.exception
    assert any("Piecewise((-x, x < 0), (x, True))" in c.value for c in at.code)
    at.button(key="properties_use_pieces").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key=F).value == "Piecewise((-x, x < 0), (x, True))"
    assert at.query_params["f"] == ["Piecewise((-x, x < 0), (x, True))"] or \
        at.query_params["f"] == "Piecewise((-x, x < 0), (x, True))"
    assert "L ≈ 1" in texts(at)


def test_the_radius_is_kept_in_the_url():
    at = run_page(f="abs(x)", at="0", r="0.25")
    assert not at.exception, at.exception
    assert at.select_slider(key="properties_radius").value == "0.25" and not at.warning
    assert "[x₀ − 0.25, x₀ + 0.25]" in texts(at)
    at.select_slider(key="properties_radius").set_value("2").run()
    assert at.query_params["r"] in ("2", ["2"])
    assert "[x₀ − 2, x₀ + 2]" in texts(at)


def test_a_bad_radius_in_the_url_keeps_the_default_with_one_sentence():
    at = run_page(f="abs(x)", at="0", r="1e9")
    assert not at.exception, at.exception
    assert at.select_slider(key="properties_radius").value == "1"
    (warning,) = [w.value for w in at.warning]
    assert "r = '1e9'" in warning and "one of 0.25, 0.5, 1, 2" in warning


def test_the_piecewise_editor_stays_available_on_bad_input():
    at = run_page(f="x +", at="0", pieces="true")
    assert_refused(at)
    assert at.button(key="properties_use_pieces")  # the editor is there to fix the function
    at.button(key="properties_use_pieces").click().run()
    assert at.text_input(key=F).value == "Piecewise((-x, x < 0), (x, True))"
    assert not at.error and "L ≈ 1" in texts(at)


def test_figures_stay_small():
    sizes = [len(json.dumps(f)) for s in SECTIONS for f in figures(run_page(section=s))]
    assert len(sizes) == 3 and max(sizes) <= 250_000, sizes


def test_bad_section_and_pieces_in_the_url_are_named_in_one_sentence_each():
    at = run_page(section="5. Smooth", pieces="maybe")
    assert not at.exception and not at.error
    messages = " ".join(w.value for w in at.warning)
    assert "section = '5. Smooth' is not one of 1. Locally Lipschitz" in messages
    assert "pieces = 'maybe' is not one of true, false" in messages
    assert "section" not in at.query_params  # Streamlit dropped it: the first tab is open
