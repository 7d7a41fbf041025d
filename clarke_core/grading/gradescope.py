"""Gradescope export: a graded batch as Gradescope's ``results.json``.

>>> from clarke_core.grading.batch import BatchReport, GradedRow
>>> row = GradedRow(2, "ann", "q1", "[0, 1]", 1.0, 1.0, True, "Right.", "graded")
>>> gradescope_results(BatchReport((row,), {"ann": 1.0}, 1.0))["score"]
1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .batch import BatchReport


def gradescope_results(report: BatchReport) -> dict:
    """Gradescope's ``results.json``: one object ``{"score", "tests"}`` for a single student,
    else a mapping from each student to that object."""
    per_student = {}
    for student, total in report.totals.items():
        tests = [{"name": r.question, "score": r.points, "max_score": r.max_points,
                  "output": r.feedback, "status": "passed" if r.correct else "failed"}
                 for r in report.rows if r.student == student and r.status != "bad row"]
        per_student[student] = {"score": total, "tests": tests}
    if len(per_student) == 1:
        return next(iter(per_student.values()))
    return per_student
