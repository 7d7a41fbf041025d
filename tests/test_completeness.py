"""Every primitive's example, in 1D and 2D, through every engine: answered, or refused with
InputError (which UndecidedError subclasses), never any other exception.

The table is the registry itself, so a new primitive is run through every engine here without a
line added. Engines run in this process (timeout=None).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sympy as sp

from clarke_core import InputError, check_answer, clarke_set, homogeneity_degree, subdifferential
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.primitives import PRIMITIVES
from clarke_core.engine.sets import DifferentialSet
from clarke_core.grading import Verdict
from clarke_core.labs.autodiff import CONVENTIONS, compare, emulate
from clarke_core.labs.descent import gradient_flow, subgradient_descent
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d

# Where each example is interesting (its kink), if not at 0.
POINTS = {"Piecewise": "-1", "pi": "pi", "E": "E"}


def _variants(p) -> list[tuple[str, str]]:
    """(text, point): the example in its own dimension and in the other one."""
    text, at = p.example, POINTS.get(p.name, "0")
    if parse_function(text).dim == 2:
        return [(re.sub(r"\by\b", "0", text), at), (text, f"{at}, {at}")]
    in_y = re.sub(r"\bx\b", "y", text)
    return [(text, at), (f"{text} + 2*({in_y})", f"{at}, {at}")]


CASES = [(p.name, text, at) for p in PRIMITIVES for text, at in _variants(p)]
IDS = [f"{name}:{text}@{at}" for name, text, at in CASES]


def _dim(at: str) -> int:
    return 2 if "," in at else 1


def answered_or_refused(call: Callable[[], object], kind: type | tuple) -> object | None:
    """The call's answer (of ``kind``), or None when it refused with InputError."""
    try:
        out = call()
    except InputError as why:
        assert str(why).strip(), "a refusal says why"
        return None
    assert isinstance(out, kind), f"{type(out).__name__} is not {kind}"
    return out


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_sets(name, text, at):
    c = answered_or_refused(lambda: clarke_set(text, at), DifferentialSet)
    s = answered_or_refused(lambda: subdifferential(text, at), DifferentialSet)
    assert c is not None, "every shipped example has a Clarke set at its point"
    for found in (c, s):
        if found is not None:
            assert found.kind in ("empty", "point", "interval", "segment", "polygon", "convex",
                                  "unbounded")
            assert all(len(v) == _dim(at) for v in found.vertices)


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_homogeneity(name, text, at):
    degree = answered_or_refused(lambda: homogeneity_degree(text), (sp.Rational, type(None)))
    if degree is not None:
        assert degree >= 0


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_autodiff(name, text, at):
    for conv in CONVENTIONS:
        answered_or_refused(lambda conv=conv: emulate(text, at, conv), float)
    comparison = answered_or_refused(lambda: compare(text, at), object)
    assert (comparison is None) == (_dim(at) == 2), "the emulator takes f(x) only"
    if comparison is not None:
        assert [v.library for v in comparison.values] == [c.library for c in CONVENTIONS]


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_descent(name, text, at):
    if _dim(at) == 1:
        start = float(parse_point(at, 1)[0]) + 0.5
        path = answered_or_refused(lambda: subgradient_descent(text, start, steps=20), object)
        if path is not None:
            assert len(path.xs) >= 1
    else:
        answered_or_refused(lambda: gradient_flow(text, at), object)


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_explore(name, text, at):
    view = explore_1d if _dim(at) == 1 else explore_2d
    answered_or_refused(lambda: view(text, at), object)


@pytest.mark.parametrize(("name", "text", "at"), CASES, ids=IDS)
def test_grading(name, text, at):
    answer = "[0, 1]" if _dim(at) == 1 else "conv{(0, 0), (1, 0), (0, 1)}"
    for kind in ("clarke", "subdifferential"):
        v = answered_or_refused(lambda kind=kind: check_answer(text, at, answer, kind), Verdict)
        if v is not None:
            assert v.feedback and 0 <= v.score <= 1
    answered_or_refused(lambda: check_answer(text, at, "1", "homogeneity"), Verdict)


# --- no engine lists primitives -----------------------------------------------------------------

CORE = Path(__file__).resolve().parent.parent / "clarke_core"
# Engines that ask ``primitives.by_func``; subdiff_2d.py, clarke_2d.py and parsing.py still name a
# few primitive classes themselves and join this list when they stop.
ASKING = ["engine/local.py", "engine/convexity.py", "engine/numeric.py", "labs/homogeneity.py",
          "labs/exact_zero.py", "labs/autodiff.py", "labs/descent.py", "labs/euler.py"]
CLASSES = {p.sympy_func.__name__ for p in PRIMITIVES if p.sympy_func is not None}


def _named_primitives(source: str) -> list[str]:
    """Primitive classes named in isinstance(...) or in a comparison with ``.func``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            targets = node.args[1:]
        elif isinstance(node, ast.Compare) and getattr(node.left, "attr", "") == "func":
            targets = node.comparators
        else:
            continue
        found += [n.attr for t in targets for n in ast.walk(t)
                  if isinstance(n, ast.Attribute) and n.attr in CLASSES]
    return found


@pytest.mark.parametrize("path", ASKING)
def test_engines_ask_the_primitive(path):
    assert _named_primitives((CORE / path).read_text(encoding="utf-8")) == []


def test_the_checker_sees_an_isinstance_chain():
    source = "a = isinstance(e, sp.Abs | sp.sign)\nb = e.func in (sp.Max, sp.exp)\n"
    assert sorted(_named_primitives(source)) == ["Abs", "Max", "exp", "sign"]
