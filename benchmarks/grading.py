"""Batch grading: answers per second of `grade` (2 processes, per-question set cache) against a
baseline run in the same process: one process, the exact set recomputed for every answer.

The batch is the lecture assignment answered by a synthetic class (seeded): right answers,
typical mistakes (autodiff values, sum-rule supersets, open intervals, decimals) and a few rows
that do not parse.
"""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path

from clarke_core.grading import grade_batch, load_assignment

from .table import Row

ASSIGNMENT = Path(__file__).resolve().parent.parent / "assets" / "lecture_assignment.toml"
STUDENTS = 300
BASELINE_STUDENTS = 20
TARGET = 200.0  # answers per second (issue 5)
ANSWERS = {
    "relu-clarke": ["[0, 1]", "0", "1", "(0, 1)", "[1, 0]", "{0, 1}", "[0, 1.0]", "1/2"],
    "figure1-clarke": ["[-1, 1]", "empty", "(-1, 1]", "-1", "[-1, 0.99999999]", "[0, 1"],
    "figure1-subdifferential": ["empty", "[-1, 1]", "∅", "{}", "1"],
    "wiggle-clarke": ["[-1, 1]", "0", "{0}", "[-1, 1)", "[0, 1]"],
    "relu-difference": ["1", "[0, 2]", "{1}", "0", "[0, 1]", "__import__('os')"],
    "l1-clarke": ["conv{(1, 1), (-1, 1), (-1, -1), (1, -1)}", "(0, 0)",
                  "conv{(1, 1), (0, 1), (-1, 1), (-1, -1), (1, -1)}", "conv{(1, 1), (-1, -1)}"],
    "relu-member": ["yes", "no", "YES", "maybe"],
    "l1-homogeneity": ["1", "2", "none", "1.0"],
    "sqrt-lipschitz": ["no", "yes"],
}


def class_answers(students: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "question", "answer"])
    for k in range(students):
        for question, pool in ANSWERS.items():
            writer.writerow([f"student{k:04d}", question, rng.choice(pool)])
    return buffer.getvalue()


def _rate(assignment, text: str, **options) -> tuple[float, float, int]:
    start = time.perf_counter()
    report = grade_batch(assignment, text, **options)
    seconds = time.perf_counter() - start
    graded = sum(r.status in ("graded", "refused") for r in report.rows)
    return graded / seconds, seconds, graded


def main() -> list[Row]:
    print(__doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
    assignment = load_assignment(ASSIGNMENT.read_bytes())
    batch = class_answers(STUDENTS)
    fast, fast_s, n = _rate(assignment, batch, processes=2, cache=True)
    base, base_s, m = _rate(assignment, class_answers(BASELINE_STUDENTS), processes=0,
                            cache=False)
    print(f"{'run':44} {'answers':>8} {'seconds':>8} {'answers/s':>10}")
    print(f"{'grade: 2 processes, per-question cache':44} {n:8d} {fast_s:8.2f} {fast:10.1f}")
    print(f"{'baseline: 1 process, no cache':44} {m:8d} {base_s:8.2f} {base:10.1f}")
    verdict = "meets" if fast >= TARGET else "MISSES"
    print(f"speed-up {fast / base:.1f}x; {verdict} the target of {TARGET:g} answers/s")
    return [Row("batch grading (2 processes, cache)", fast, "answers/s",
                "1 process, no cache", base, f"≥ {TARGET:g}/s", fast >= TARGET,
                lower_is_better=False)]


if __name__ == "__main__":
    main()
