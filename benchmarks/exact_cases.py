"""Guard for speed work on the 2D engine: every 2D case's Clarke set, recorded and compared exactly.

The cases: the 2D bench (``engine_2d.CASES``), the 2D gallery (``EXAMPLES_2D``) and the 2D cases
of tests/test_clarke_2d.py. For each, the kind, ``certified``, the exact vertices as strings
(sympy equality decides a match), the float vertices (to 1e-9), an unbounded set's cause, a
closed form, and each limiting-gradient sequence's side, target and end points (to 1e-9); a
refusal records the error's class.

    python -m benchmarks.exact_cases --record   # write benchmarks/exact_cases.json
    python -m benchmarks.exact_cases            # compare with it; exit 1 on any difference
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import sympy as sp

from clarke_core import clarke_set
from clarke_core.views.examples import EXAMPLES_2D

from .engine_2d import CASES as BENCH_CASES

RECORD = Path(__file__).with_name("exact_cases.json")

# tests/test_clarke_2d.py: its CASES table (imported when tests/ is on the path) and the
# functions its other tests call, all at the origin.
TEST_EXPRS_AT_ORIGIN = [
    "sqrt(x**2 + y**2)",
    "max(sqrt(x**2 + y**2), x)",
    "max(sqrt(x**2 + y**2), 2*x)",
    "sqrt(abs(x)) + y",
    "Piecewise((x + 1, y > 0), (x, True))",
    "Piecewise((x, (y > x**2) & (y < 2*x**2)), (-x, True))",
    "Piecewise((x + y, abs(x) < y), (0, True))",
    "max(x + 2*y, x - y, -x)",
    "max(0, min(y - x**2, 2*x**2 - y))",
    "Piecewise((x, (y > x**2) & (y < x**2 + x**4)), (-x, True))",
    "sqrt(abs(x*y))",
    "sqrt(x**2 + y**2)*x",
    "sqrt(x**4 + y**4)",
    "sqrt(x**2 + y**2)*x + abs(y)",
    "sqrt(x**2 + y**2)*x + abs(x) + abs(y)",
    "sqrt(x**2 + 4*y**2)",
    "sqrt(x**2 + y**2/4)",
    " + ".join(f"abs({k}*x - {40 - k}*y)" for k in range(40)),
]
TEST_OTHER = [("x + 2*sqrt((x - 1)**2 + y**2)", "1, 0"),
              # tests/test_sequences_2d.py: sequences that must start closer to the point
              ("abs(x) + abs(y) + abs(x + y - 1/2)", "0, 0"), ("max(x, y) + abs(x - 1/4)", "0, 0")]


def cases() -> list[tuple[str, str]]:
    out = [(e, a) for e, a in BENCH_CASES]
    out += [(ex.expr, ex.at) for ex in EXAMPLES_2D]
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.test_clarke_2d import CASES as TEST_CASES
    except ImportError:  # pragma: no cover - tests/ not shipped
        TEST_CASES = []
    out += [(c[0], c[1]) for c in TEST_CASES]
    out += [(e, "0, 0") for e in TEST_EXPRS_AT_ORIGIN] + TEST_OTHER
    return list(dict.fromkeys(out))


_DIRECTIONS = [(math.cos(2 * math.pi * k / 24), math.sin(2 * math.pi * k / 24)) for k in range(24)]


def _vertices(points: list[tuple[float, ...]]) -> list | dict:
    """The float vertices to 1e-9; many of them (a curved set's samples) by their count and
    support function in 24 directions."""
    rounded = [[round(c, 9) for c in v] for v in points]
    if len(rounded) <= 12:
        return rounded
    return {"count": len(rounded), "support": [
        round(max(v[0] * u[0] + v[1] * u[1] for v in rounded), 8) for u in _DIRECTIONS]}


def describe(expr: str, at: str) -> dict:
    try:
        s = clarke_set(expr, at)
    except Exception as exc:  # noqa: BLE001 - a refusal is part of the record
        return {"error": type(exc).__name__}
    return {
        "kind": s.kind,
        "certified": s.certified,
        "exact": None if s.exact is None else [[str(c) for c in v] for v in s.exact],
        "vertices": _vertices([tuple(v) for v in s.vertices]),
        "cause": s.extra.get("cause"),
        "closed_form": None if "closed_form" not in s.extra else str(s.extra["closed_form"]),
        # each sequence's side, target and first and last points: where it starts is decided
        "sequences": [[q.side, *(round(c, 9) for c in (*q.target, *q.points[0], *q.points[-1]))]
                      for q in s.sequences],
    }


def _same(old: dict, new: dict) -> list[str]:
    problems = []
    for key in ("error", "kind", "certified", "cause", "closed_form"):
        if old.get(key) != new.get(key):
            problems.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    if (old.get("exact") is None) != (new.get("exact") is None):
        problems.append(f"exact: {old.get('exact')} -> {new.get('exact')}")
    elif old.get("exact") is not None:
        if len(old["exact"]) != len(new["exact"]) or any(
                sp.simplify(sp.sympify(a) - sp.sympify(b)) != 0
                for v, w in zip(old["exact"], new["exact"], strict=True)
                for a, b in zip(v, w, strict=True)):
            problems.append(f"exact: {old['exact']} -> {new['exact']}")
    ov, nv = old.get("vertices", []), new.get("vertices", [])
    if isinstance(ov, dict) or isinstance(nv, dict):
        if not (isinstance(ov, dict) and isinstance(nv, dict) and ov["count"] == nv["count"]
                and all(abs(a - b) <= 2e-8 for a, b in zip(ov["support"], nv["support"],
                                                           strict=True))):
            problems.append(f"vertices differ ({ov} -> {nv})")
    elif len(ov) != len(nv) or any(abs(a - b) > 1e-9 for v, w in zip(ov, nv, strict=True)
                                   for a, b in zip(v, w, strict=True)):
        problems.append(f"vertices differ ({len(ov)} -> {len(nv)} points)")
    os_, ns = old.get("sequences", []), new.get("sequences", [])
    if len(os_) != len(ns) or any(a[0] != b[0] or any(abs(u - v) > 1e-9 for u, v in zip(
            a[1:], b[1:], strict=True)) for a, b in zip(os_, ns, strict=True)):
        problems.append(f"sequences differ ({len(os_)} -> {len(ns)})")
    return problems


def _dumps(results: dict) -> str:
    lines = (f"{json.dumps(k)}: {json.dumps(v)}" for k, v in results.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"  # one case a line


def main(argv: list[str]) -> int:
    results = {f"{e} @ {a}": describe(e, a) for e, a in cases()}
    if "--record" in argv:
        RECORD.write_text(_dumps(results))
        print(f"recorded {len(results)} cases in {RECORD}")
        return 0
    recorded = json.loads(RECORD.read_text())
    bad = 0
    for key, new in results.items():
        if key not in recorded:
            print(f"NEW  {key}: not in the record")
            bad += 1
            continue
        for problem in _same(recorded[key], new):
            print(f"DIFF {key}: {problem}")
            bad += 1
    missing = set(recorded) - set(results)
    for key in sorted(missing):
        print(f"GONE {key}")
    bad += len(missing)
    print(f"{len(results)} cases, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
