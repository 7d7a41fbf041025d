"""The one lambdify helper: every primitive's numpy value, Piecewise with literal conditions."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from clarke_core.engine.numeric import lambdify, real_part
from clarke_core.engine.primitives import X, Y

CORE = Path(__file__).resolve().parent.parent / "clarke_core"
ALLOWED = {CORE / "engine" / "numeric.py"}


def _direct_lambdify_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr == "lambdify":
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and any(a.name == "lambdify" for a in node.names):
            if node.module and node.module.startswith("sympy"):
                lines.append(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("path", sorted(set(CORE.rglob("*.py")) - ALLOWED),
                         ids=lambda p: str(p.relative_to(CORE)))
def test_only_numeric_calls_sympys_lambdify(path):
    assert _direct_lambdify_calls(path) == [], "use clarke_core.engine.numeric.lambdify"


def test_the_checker_sees_a_direct_call(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import sympy as sp\nf = sp.lambdify(x, x, 'numpy')\n"
                   "from sympy import lambdify\n")
    assert _direct_lambdify_calls(bad) == [2, 3]


PIECEWISE = [
    (sp.Piecewise((X, X > 0), (0, True)), [0.0, 0.0, 2.0]),
    (sp.Piecewise((X, sp.true),), [-1.0, 0.0, 2.0]),
    (sp.Piecewise((1, sp.false), (X, True)), [-1.0, 0.0, 2.0]),
    (sp.Piecewise((X, X < -5),), [np.nan, np.nan, np.nan]),
    (sp.Piecewise((1, sp.Piecewise((X > 1, X > 0), (False, True))), (0, True)), [0, 0, 1]),
]


@pytest.mark.parametrize(("expr", "want"), PIECEWISE, ids=[str(e) for e, _ in PIECEWISE])
def test_piecewise_with_literal_and_boolean_conditions(expr, want):
    got = np.asarray(lambdify(X, expr)(np.array([-1.0, 0.0, 2.0])), dtype=float)
    np.testing.assert_array_equal(got * np.ones(3), want)


def test_the_derivative_of_a_big_max_evaluates_on_arrays():
    """sympy's derivative of a Max holds a Piecewise of booleans (the gradient_flow bug)."""
    expr = sp.Max(X, Y, -X, -Y, X + 2 * Y, X - 3 * Y, 2 * X - Y)
    grad = [lambdify((X, Y), sp.diff(expr, v)) for v in (X, Y)]
    at = (np.array([1.0]), np.array([0.5]))  # where x + 2y is the largest
    assert [float(np.asarray(g(*at))[0]) for g in grad] == [1.0, 2.0]


def test_gradient_flow_of_a_big_max():
    from clarke_core.labs.descent import gradient_flow

    picture = gradient_flow("max(x, y, -x, -y, x+2*y, x-3*y, 2*x-y)", "1, 0.5")
    assert picture.flow[0] == (1.0, 0.5)
    assert max(abs(c) for c in picture.flow[-1]) < 0.05  # the flow reaches the minimum at 0


def test_real_part():
    z = np.array([1 + 0j, 2 + 1e-13j, 3 + 1e-3j])
    np.testing.assert_array_equal(real_part(z), [1.0, 2.0, np.nan])


class mag(sp.Function):  # noqa: N801 -- a class of the test's own, unknown to sympy's printers
    pass


def test_a_primitive_of_its_own_is_evaluated_by_its_numeric_name():
    from clarke_core.engine import primitives

    entry = primitives.Primitive("mag", "|u|", "mag(x)", mag, sympy_func=mag, numeric="abs")
    with primitives.register(entry):
        f = lambdify(X, mag(X) + 1)
        np.testing.assert_array_equal(f(np.array([-2.0, 3.0])), [3.0, 4.0])
    with pytest.raises(NameError):
        lambdify(X, mag(X))(1.0)
