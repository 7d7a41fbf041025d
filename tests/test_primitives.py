"""The primitive table is the one source of names: README, parser and tests derive from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import NONSMOOTH_FUNCS, PRIMITIVES, X, branches

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _readme_row(name: str) -> str:
    block = README.split("<!-- primitives -->")[1].split("<!-- /primitives -->")[0]
    rows = [r for r in block.splitlines() if r.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"README's table has no single row for {name}"
    return rows[0]


@pytest.mark.parametrize("p", PRIMITIVES, ids=[p.name for p in PRIMITIVES])
def test_every_primitive_is_documented_and_parses(p):
    row = _readme_row(p.name)
    assert p.doc in row and p.example in row
    for alias in p.aliases:
        assert f"`{alias}`" in row
    parse_function(p.example)
    for name in p.names:
        call = name if p.constant else f"{name}({', '.join(['x'] * max(p.arity[0], 1))})"
        if p.name == "Piecewise":
            call = f"{name}((x, x < 0), (0, True))"
        parse_function(call)


@pytest.mark.parametrize("func", NONSMOOTH_FUNCS, ids=[f.__name__ for f in NONSMOOTH_FUNCS])
def test_branches_reproduce_the_function(func):
    """Picking the first branch whose condition holds gives the function's own value."""
    args = {sp.Piecewise: [(X**2, X < 0), (X, True)]}.get(func, [X - 1, -X] if func in
                                                            (sp.Max, sp.Min) else [X - 1])
    expr = func(*args)
    for value in (-2, 0, sp.Rational(1, 2), 1, 3):
        def holds(cond, value=value):
            conds = cond if isinstance(cond, tuple) else (cond,)
            return all(c.subs(X, value) == sp.true for c in conds)

        chosen = next(b.value for b in branches(expr) if holds(b.condition))
        assert chosen.subs(X, value) == expr.subs(X, value)
