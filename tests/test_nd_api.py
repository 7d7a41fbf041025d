"""Functions of n variables through the parser, the sets, the API and the command line.

The engine itself (``engine/clarke_nd``) is tested in test_clarke_nd.py; here: that x, y, z and
x1 … x8 reach it, that its answer comes back as a ``DifferentialSet`` (kind polytope, exact
vertices), and that the text API and the CLI keep their contracts in Rⁿ.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from clarke_core import InputError, clarke_set, subdifferential
from clarke_core.engine import numeric
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import VARIABLES
from clarke_core.engine.printing import set_text
from clarke_core.engine.problem import problem
from clarke_core.engine.sets import SetKind
from clarke_core.errors import UndecidedError

REPO_ROOT = Path(__file__).resolve().parent.parent
CUBE = sorted(itertools.product((-1, 1), repeat=3))


def _exact(s) -> list[tuple]:
    return sorted(tuple(sp.Integer(c) if isinstance(c, int) else c for c in v) for v in s.exact)


# --- the parser: namings and dimensions ----------------------------------------------------------

DIMENSIONS = [
    ("max(x, y, z)", ("x", "y", "z")),
    ("x + z", ("x", "y", "z")),
    ("x1 + x3", ("x1", "x2", "x3")),
    ("relu(x8)", tuple(f"x{i}" for i in range(1, 9))),
    ("abs(x1)", ("x1",)),
    ("abs(y)", ("x", "y")),
]


@pytest.mark.parametrize(("text", "names"), DIMENSIONS, ids=[t for t, _ in DIMENSIONS])
def test_the_dimension_is_the_last_name_used(text, names):
    f = parse_function(text, max_dim=8)
    assert f.variables == tuple(VARIABLES[n] for n in names) and f.dim == len(names)


@pytest.mark.parametrize("text", ["x + x1", "max(z, x2)", "y*x3"])
def test_mixed_naming_is_refused_in_one_sentence(text):
    with pytest.raises(InputError, match=r"^Name the variables one way, x, y, z or x1, x2, …, "
                                         r"not both: this function uses \w+ and x\d\.$"):
        parse_function(text, max_dim=8)
    with pytest.raises(InputError, match="^Name the variables one way"):
        clarke_set(text, "0, 0, 0")


@pytest.mark.parametrize(("text", "max_dim", "message"), [
    ("max(x, z)", 2, "This page takes functions of x and y only; remove z."),
    ("x1 + 1", 2, "This page takes functions of x and y only; remove x1."),
    ("z", 1, "This page takes functions of x only; remove z."),
])
def test_pages_keep_their_limits(text, max_dim, message):
    with pytest.raises(InputError) as err:
        parse_function(text, max_dim=max_dim)
    assert str(err.value) == message


def test_the_point_needs_one_coordinate_per_variable():
    with pytest.raises(InputError, match=r"^The point needs 3 coordinates, like 0, 0, 0\.$"):
        clarke_set("x + z", "0, 0")
    lifted = problem("max(x, y)", "0, 0, 1", max_dim=8)  # constant in z, as abs(x) at (0, 0)
    assert lifted.dim == 3 and lifted.point == (0, 0, 1)
    assert problem("max(x, y)", "0, 0", max_dim=8).dim == 2  # the 2D path is unchanged
    with pytest.raises(InputError, match=r"^A function of x, y, z takes points with at most 3 "
                                         r"coordinates; for 5, name the variables x1 … x5\.$"):
        clarke_set("relu(x)", "0, 0, 0, 0, 0")
    assert clarke_set("relu(x1)", "0, 0, 0, 0, 0").exact == [(0, 0, 0, 0, 0), (1, 0, 0, 0, 0)]


# --- the API --------------------------------------------------------------------------------------


def test_max_of_three_is_the_simplex_of_the_unit_vectors():
    s = clarke_set("max(x, y, z)", "0, 0, 0")
    assert s.kind is SetKind.POLYTOPE and s.certified and s.extra["cells"] == 3
    assert _exact(s) == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    assert all(isinstance(c, sp.Integer) for v in s.exact for c in v)
    assert s.latex() == (r"\operatorname{conv}\left\{\left(0, 0, 1\right), \left(0, 1, 0\right), "
                         r"\left(1, 0, 0\right)\right\}")
    assert set_text(s) == "conv{(0, 0, 1), (0, 1, 0), (1, 0, 0)}"
    assert s.contains((1 / 3, 1 / 3, 1 / 3)) and not s.contains((0.5, 0.5, 0.5))
    assert s.reason and json.loads(json.dumps(s.to_dict()))["kind"] == "polytope"


def test_a_cancellation_comes_out_exactly():
    s = clarke_set("abs(x) - abs(x) + z", "0, 0, 0")
    assert s.kind == "point" and s.exact == [(0, 0, 1)] and set_text(s) == "{(0, 0, 1)}"


def test_a_weight_space_product_is_a_segment():
    s = clarke_set("x3*relu(x1 - x2)", "0, 0, 1")
    assert s.kind == "segment" and _exact(s) == [(0, 0, 0), (1, -1, 0)]
    assert s.contains((0.5, -0.5, 0.0)) and not s.contains((0.5, 0.5, 0.0))


def test_irrational_vertices_stay_exact():
    s = clarke_set("max(sqrt(2)*x1, x2, x3 + x4)", "0, 0, 0, 0")
    assert s.kind == "polytope" and (sp.sqrt(2), 0, 0, 0) in s.exact


def test_non_lipschitz_is_unbounded():
    s = clarke_set("sqrt(abs(x)) + y + z", "0, 0, 0")
    assert s.kind == "unbounded" and s.vertices == [] and "Lipschitz" in s.reason


def test_the_sandbox_path_gives_the_same_set():
    s = clarke_set("max(x1, x2, x3)", "0, 0, 0", timeout=10)
    assert s.kind == "polytope" and _exact(s) == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]


def test_the_subdifferential_of_a_convex_function_is_its_clarke_set():
    s = subdifferential("abs(x) + abs(y) + abs(z)", "0, 0, 0")
    assert s.kind == "polytope" and _exact(s) == CUBE and "convex" in s.reason


def test_a_non_convex_subdifferential_in_rn_is_refused_with_the_reason():
    # Not convex and not piecewise affine (-abs(x) + y + z is answered: tests/test_subdiff_nd.py).
    with pytest.raises(UndecidedError) as err:
        subdifferential("-abs(x) + y**2 + z", "0, 0, 0")
    message = str(err.value)
    assert "proved convex" in message and "future work" in message and "\n" not in message


def test_the_2d_and_1d_paths_are_unchanged():
    assert clarke_set("max(x, y)", "0, 0").kind == "segment"
    assert clarke_set("abs(x)", "0").kind == "interval"


# --- the command line -----------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clarke_core", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_json_in_r3():
    out = _cli("clarke", "abs(x) + abs(y) + abs(z)", "--at", "0, 0, 0", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["expression"] == "abs(x) + abs(y) + abs(z)" and data["point"] == ["0", "0", "0"]
    assert data["set"]["kind"] == "polytope"
    assert sorted(tuple(v) for v in data["set"]["vertices"]) == [
        tuple(float(c) for c in v) for v in CUBE]
    assert sorted(tuple(int(c) for c in v) for v in data["set"]["exact"]) == CUBE


def test_cli_refusal_in_r3_is_one_line_exit_2():
    out = _cli("subdifferential", "-abs(x1) + x2**2 + x3", "--at", "0, 0, 0")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "future work" in out.stderr
    assert "Traceback" not in out.stderr


# --- cross-check: gradients sampled near the point lie in the set, its vertices are approached ---

CROSS = [
    ("max(x, y, z)", "0, 0, 0"),
    ("abs(x1 - x2) + relu(x3 + x4) - abs(x1)", "0, 0, 0, 0"),
    ("min(x + y, 2*z, max(-x, y - z))", "0, 0, 0"),
    ("x3*relu(x1 - x2)", "0, 0, 1"),
]


@pytest.mark.parametrize(("text", "at"), CROSS, ids=[t for t, _ in CROSS])
def test_sampled_gradients_lie_in_the_set_and_reach_its_vertices(text, at):
    p = problem(text, at, max_dim=8)
    s = clarke_set(text, at)
    gradient = [numeric.lambdify(p.variables, sp.diff(p.expr, v)) for v in p.variables]
    rng = np.random.default_rng(0)
    u = rng.normal(size=(4000, p.dim))
    points = np.asarray([float(c) for c in p.point]) + 1e-6 * u / np.linalg.norm(
        u, axis=1, keepdims=True) * rng.uniform(0.01, 1, (len(u), 1))
    grads = np.column_stack([np.broadcast_to(g(*points.T), len(points)) for g in gradient])
    assert all(s.contains(tuple(g), tol=1e-5) for g in grads[:400])  # gradients move O(radius)
    for v in s.vertices:
        assert np.min(np.max(np.abs(grads - np.asarray(v)), axis=1)) < 1e-5
