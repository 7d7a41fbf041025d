"""Grading: one answer checked against the exact set (``check``), with feedback that says why
(``feedback_1d``, ``feedback_2d``), and a class's answers graded from files (``assignment`` for
the TOML schema, ``variants`` for questions with parameters, ``tables`` for CSV, ``batch`` on the
sandbox, ``gradescope`` for export).

``verdict`` holds what a grade is made of: ``Verdict``, the tolerances and the scores.

>>> v = check_answer("max(0, x)", "0", "[0, 1]")
>>> v.correct, v.score
(True, 1.0)
>>> check_answer("max(0, x)", "0", "0").feedback  # doctest: +ELLIPSIS
'{0} is one element of the Clarke set, e.g. what autodiff returns at a kink, but the set is ...'
"""

from __future__ import annotations

from ..engine.geometry import hausdorff_2d
from .assignment import (
    MAX_ASSIGNMENT_BYTES,
    MAX_QUESTIONS,
    MAX_TOML_NESTING,
    Assignment,
    Question,
    assignment_latex,
    check_question,
    load_assignment,
    question_latex,
)
from .batch import (
    ANSWER_TIMEOUT_S,
    CHUNK,
    SPARE_S,
    WORKER_MEMORY_MB,
    BatchReport,
    GradedRow,
    example_assignments,
    grade_batch,
    grade_files,
)
from .check import check_answer, exact_set, question_dim, question_problem
from .gradescope import gradescope_results
from .tables import MAX_CSV_BYTES, MAX_ROWS, csv_cell, grades_csv, printable, read_answers, uncell
from .variants import MAX_COMBINATIONS, MAX_PARAMETERS, MAX_VALUES, Parameter
from .verdict import (
    CONTAINED_SCORE,
    CURVED_TOLERANCE,
    DECIMAL_TOLERANCE,
    EXACT_TOLERANCE_2D,
    KINDS,
    MAX_WRONG_SCORE,
    OPEN_END_PENALTY,
    SET_KINDS,
    UNDECIDED_DIGITS,
    Verdict,
)

__all__ = [
    "ANSWER_TIMEOUT_S", "CHUNK", "CONTAINED_SCORE", "CURVED_TOLERANCE", "DECIMAL_TOLERANCE",
    "EXACT_TOLERANCE_2D", "KINDS", "MAX_ASSIGNMENT_BYTES", "MAX_COMBINATIONS", "MAX_CSV_BYTES",
    "MAX_PARAMETERS", "MAX_QUESTIONS", "MAX_ROWS", "MAX_TOML_NESTING", "MAX_VALUES",
    "MAX_WRONG_SCORE", "OPEN_END_PENALTY", "SET_KINDS", "SPARE_S", "UNDECIDED_DIGITS",
    "WORKER_MEMORY_MB", "Assignment", "BatchReport", "GradedRow", "Parameter", "Question",
    "Verdict", "assignment_latex", "check_answer", "check_question", "csv_cell", "exact_set",
    "example_assignments", "grade_batch", "grade_files", "gradescope_results", "grades_csv",
    "hausdorff_2d", "load_assignment", "printable", "question_dim", "question_latex",
    "question_problem", "read_answers", "uncell",
]
