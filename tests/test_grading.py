"""check_answer: a table of (function, point, kind, answer) -> verdict, score and why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from clarke_core import InputError, Verdict, check_answer
from clarke_core.grading import (
    KINDS,
    check_question,
    grade_batch,
    grades_csv,
    gradescope_results,
    hausdorff_2d,
    load_assignment,
    question_latex,
    read_answers,
)

FIGURE_1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
WIGGLE = "Piecewise((x**2*sin(1/x), x != 0), (0, True))"
SQUARE = "conv{(1, 1), (-1, 1), (-1, -1), (1, -1)}"

CASES = [
    # id, function, point, kind, answer, correct, score, key phrase of the feedback
    ("relu-right", "relu(x)", "0", "clarke", "[0, 1]", True, 1.0, "Right"),
    ("relu-hull", "relu(x)", "0", "clarke", "conv{1, 0}", True, 1.0, "Right"),
    ("relu-autodiff", "relu(x)", "0", "clarke", "0", False, 0.25, "autodiff"),
    ("relu-open", "relu(x)", "0", "clarke", "(0, 1)", False, 0.5, "always closed"),
    ("relu-half-open", "relu(x)", "0", "clarke", "[0, 1)", False, 0.75, "always closed"),
    ("relu-reversed", "relu(x)", "0", "clarke", "[1, 0]", False, 0.5, "backwards"),
    ("relu-endpoints-only", "relu(x)", "0", "clarke", "{0, 1}", False, 0.25, "convex"),
    ("relu-too-small", "relu(x)", "0", "clarke", "[0, 1/2]", False, 0.5, "misses (0.5, 1]"),
    ("relu-wrong-end", "relu(x)", "0", "clarke", "[1/2, 2]", False, 0.25, "Wrong endpoint"),
    ("relu-disjoint", "relu(x)", "0", "clarke", "[3, 4]", False, 0.0, "does not meet"),
    ("relu-empty", "relu(x)", "0", "clarke", "empty", False, 0.0, "Not empty"),
    ("relu-sub", "relu(x)", "0", "subdifferential", "[0, 1]", True, 1.0, "Right"),
    ("sum-rule-superset", "relu(x) - relu(-x)", "0", "clarke", "[0, 2]", False, 0.25,
     "sum rule"),
    ("relu-difference", "relu(x) - relu(-x)", "0", "clarke", "1", True, 1.0, "{1}"),
    ("relu-difference-set", "relu(x) - relu(-x)", "0", "clarke", "{1}", True, 1.0, "Right"),
    ("figure-1-clarke", FIGURE_1, "-1", "clarke", "[-1, 1]", True, 1.0, "Right"),
    ("figure-1-sub-for-clarke", FIGURE_1, "-1", "clarke", "empty", False, 0.0,
     "This is the subdifferential"),
    ("figure-1-clarke-for-sub", FIGURE_1, "-1", "subdifferential", "[-1, 1]", False, 0.0,
     "This is the Clarke set"),
    ("figure-1-sub", FIGURE_1, "-1", "subdifferential", "∅", True, 1.0, "x' = -2"),
    ("wiggle", WIGGLE, "0", "clarke", "[-1, 1]", True, 1.0, "Right"),
    ("wiggle-autodiff", WIGGLE, "0", "clarke", "0", False, 0.25, "autodiff"),
    ("exact-irrational", "abs(x**2 - 2)", "sqrt(2)", "clarke", "[-2*sqrt(2), sqrt(8)]", True,
     1.0, "Right"),
    ("decimal-endpoints", "abs(x**2 - 2)", "sqrt(2)", "clarke",
     "[-2.8284271247461903, 2.8284271247461903]", True, 1.0, "prefer the exact form"),
    ("decimal-too-coarse", "abs(x**2 - 2)", "sqrt(2)", "clarke", "[-2.83, 2.83]", False, None,
     "Too large"),
    ("decimal-sqrt2-over-2", "abs(x)*sqrt(2)/2", "0", "clarke",
     "[-0.7071067811865476, 0.7071067811865476]", True, 1.0, "within 1e-06"),
    ("near-but-not-exact", "abs(x)*sqrt(2)/2", "0", "clarke",
     "[-7071067811865476/10000000000000000, sqrt(2)/2]", False, None, "left endpoint"),
    ("unbounded", "sqrt(abs(x))", "0", "clarke", "undefined", True, 1.0, "not locally Lipschitz"),
    ("unbounded-given-set", "sqrt(abs(x))", "0", "clarke", "[0, 1]", False, 0.0, "'undefined'"),
    ("lipschitz-given-undefined", "abs(x)", "0", "clarke", "undefined", False, 0.0,
     "exists"),
    ("square", "abs(x) + abs(y)", "0, 0", "clarke", SQUARE, True, 1.0, "Right"),
    ("square-other-order", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(-1, -1), (1, 1), (1, -1), (-1, 1)}", True, 1.0, "Right"),
    ("square-collinear-vertex", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(1, 1), (0, 1), (-1, 1), (-1, -1), (1, -1)}", True, 1.0, "Right"),
    ("square-missing-corner", "abs(x) + abs(y)", "0, 0", "subdifferential",
     "conv{(1, 1), (-1, 1), (1, -1)}", False, 0.5, "misses the corner(s) (-1, -1)"),
    ("square-autodiff", "abs(x) + abs(y)", "0, 0", "clarke", "(0, 0)", False, 0.25, "autodiff"),
    ("square-superset", "abs(x) + abs(y)", "0, 0", "clarke",
     "conv{(2, 2), (-2, 2), (-2, -2), (2, -2)}", False, 0.25, "Too large"),
    ("segment", "max(x, y)", "0, 0", "clarke", "[(1, 0), (0, 1)]", True, 1.0, "Right"),
    ("segment-decimal", "max(x, y)", "0, 0", "clarke", "[(1.0, 0), (0, 1.0)]", True, 1.0,
     "Right"),
    ("segment-endpoints", "max(x, y)", "0, 0", "clarke", "{(1, 0), (0, 1)}", False, 0.25,
     "convex"),
    ("disk-by-polygon", "sqrt(x**2 + y**2)", "0, 0", "clarke", "conv{(1,0),(0,1),(-1,0),(0,-1)}",
     False, None, "curved"),
    ("member-yes", "abs(x)", "0", "member", "yes", True, 1.0, "is in"),
    ("member-wrong", "abs(x)", "0", "member", "no", False, 0.0, "is in the Clarke set"),
    ("lipschitz-yes", "abs(x)", "0", "lipschitz", "yes", True, 1.0, "bounded"),
    ("lipschitz-no", "sqrt(abs(x))", "0", "lipschitz", "no", True, 1.0, "unbounded"),
    ("lipschitz-wrong", "sqrt(abs(x))", "0", "lipschitz", "yes", False, 0.0, "is not locally"),
]


@pytest.mark.parametrize(("expr", "at", "kind", "answer", "correct", "score", "phrase"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdicts(expr, at, kind, answer, correct, score, phrase):
    verdict = check_answer(expr, at, answer, kind, s="1/2")
    assert isinstance(verdict, Verdict)
    assert verdict.correct is correct, verdict.feedback
    if score is not None:
        assert verdict.score == pytest.approx(score), verdict.feedback
    assert 0 <= verdict.score <= (1 if correct else 0.9)
    assert phrase in verdict.feedback
    assert verdict.feedback.endswith((".", ")"))


@pytest.mark.skipif(importlib.util.find_spec("clarke_core.labs.homogeneity") is None,
                    reason="clarke_core.labs.homogeneity is not there yet")
@pytest.mark.parametrize(("expr", "answer", "correct", "phrase"), [
    ("abs(x) + abs(y)", "1", True, "t^1"),
    ("sqrt(abs(x))", "0.5", True, "t^(1/2)"),
    ("x**2", "1", False, "degree is 2"),
    ("abs(x) + 1", "none", True, "not positively homogeneous"),
    ("relu(x)*x", "none", False, "degree 2"),
], ids=["l1-norm", "sqrt-decimal", "wrong-degree", "not-homogeneous", "said-none"])
def test_homogeneity_degree(expr, answer, correct, phrase):
    verdict = check_answer(expr, None, answer, "homogeneity")
    assert verdict.correct is correct and phrase in verdict.feedback, verdict.feedback


def test_membership_is_decided_exactly_at_an_irrational_endpoint():
    # abs(x**2 - 2) at sqrt(2): the set is [-2 sqrt 2, 2 sqrt 2]; 2.8284271247461903 > 2 sqrt 2.
    assert check_answer("abs(x**2 - 2)", "sqrt(2)", "yes", "member", s="sqrt(8)").correct
    assert check_answer("abs(x**2 - 2)", "sqrt(2)", "no", "member",
                        s="2.8284271247461903").correct


@pytest.mark.parametrize("answer", [
    "__import__('os').system('echo hacked')",
    "().__class__.__base__.__subclasses__()",
    "9**9**9",
    "[0, 9**9**9]",
    "x" * 5000,
    "[0, 1",
])
def test_unreadable_answers_raise_input_error_not_a_grade(answer):
    with pytest.raises(InputError):
        check_answer("relu(x)", "0", answer)


@pytest.mark.parametrize(("expr", "at", "kind", "kwargs"), [
    ("relu(", "0", "clarke", {}),
    ("relu(x)", "0", "nonsense", {}),
    ("relu(x)", "0", "member", {}),
])
def test_bad_questions_raise_input_error(expr, at, kind, kwargs):
    with pytest.raises(InputError):
        check_answer(expr, at, "yes" if kind == "member" else "[0, 1]", kind, **kwargs)


def test_hausdorff_is_symmetric_and_sees_a_missing_corner():
    square = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]
    triangle = [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0)]
    d = hausdorff_2d(square, triangle)
    assert d == pytest.approx(2 ** 0.5) and d == pytest.approx(hausdorff_2d(triangle, square))


def test_sandboxed_check_answer():
    verdict = check_answer("relu(x)", "0", "[0, 1]", timeout=20)
    assert verdict.correct


# --- assignments and batch grading ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "assets" / "lecture_assignment.toml"
ANSWERS = ROOT / "assets" / "example_answers.csv"


def test_the_lecture_assignment_loads_and_every_model_answer_is_right():
    assignment = load_assignment(LECTURE.read_bytes())
    assert len(assignment.questions) >= 9
    assert {q.kind for q in assignment.questions} == set(KINDS)
    rows = [row for _, row in read_answers(ANSWERS.read_text()) if isinstance(row, dict)]
    model = {r["question"]: r["answer"] for r in rows if r["student"] == "ada"}
    for question in assignment.questions:
        assert check_question(question, model[question.id]).correct, question.id
        assert question_latex(question)[0]


def test_forbidden_words_refuse_the_question_typed_back():
    question = load_assignment(LECTURE.read_bytes()).question("relu-clarke")
    with pytest.raises(InputError, match="may not use 'max'"):
        check_question(question, "[MAX(0, -1), 1]")


@pytest.mark.parametrize(("toml", "phrase"), [
    ("title = 'x'", "no questions"),
    ("[[question]]\nid = 'a'\nfunction = 'x'\npoint = '0'\nkind = 'nope'", "kind must be"),
    ("[[question]]\nid = 'a'\nfunction = 'x'", "needs a point"),
    ("[[question]]\nid = 'a'\nfunction = 'x'\npoint = '0'\n[[question]]\nid = 'a'\n"
     "function = 'x'\npoint = '0'", "unique"),
    ("[[question]]\nid = 'a'\nfunction = 'x'\npoint = '0'\npoints = -1", "points must"),
    ("[[question]]\nid = 'a'\nfunction = 'x'\npoint = '0'\nweight = 1", "unknown key"),
    ("[[question]\n", "not valid TOML"),
    ("x" * 70_000, "too large"),
])
def test_bad_assignments_are_refused(toml, phrase):
    with pytest.raises(InputError, match=phrase):
        load_assignment(toml.encode())


def test_batch_with_bad_rows_grades_the_rest_in_two_processes():
    assignment = load_assignment(LECTURE.read_bytes())
    report = grade_batch(assignment, ANSWERS.read_text(), processes=2)
    statuses = [r.status for r in report.rows]
    assert statuses.count("bad row") == 4 and "refused" in statuses and "no answer" in statuses
    assert report.totals["ada"] == assignment.total
    assert 0 < report.totals["bob"] < assignment.total
    hostile = next(r for r in report.rows if "__import__" in r.answer)
    assert hostile.status == "refused" and hostile.points == 0
    table = grades_csv(report)
    assert table.splitlines()[0].startswith("student,question,answer,points")
    assert f"ada,TOTAL,,{assignment.total:g}" in table
    # the same grades in this process, without the cache
    again = grade_batch(assignment, ANSWERS.read_text(), processes=0, cache=False)
    assert again.totals == report.totals


def test_answers_file_without_the_columns_is_refused():
    with pytest.raises(InputError, match="columns"):
        read_answers("name,answer\nann,1\n")


def test_gradescope_results_for_one_student():
    assignment = load_assignment(LECTURE.read_bytes())
    report = grade_batch(assignment, 'student,question,answer\nann,relu-clarke,"[0, 1]"\n',
                         processes=0)
    results = gradescope_results(report)
    assert results["score"] == 1 and len(results["tests"]) == len(assignment.questions)


# --- a batch survives workers that die or hang ----------------------------------------------


def _fake_grade(task):
    """Stands in for grading._grade_task in a sandbox worker: dies, loops, or answers."""
    import os

    _, answer, _ = task
    if answer == "die":
        os._exit(137)  # what the out-of-memory killer or a crash in C code looks like
    if answer == "loop":
        while True:
            pass
    return True, 1.0, f"graded {answer}", "graded"


def test_a_dying_or_looping_worker_costs_one_row_never_the_batch(monkeypatch):
    from clarke_core import grading

    monkeypatch.setattr(grading, "ANSWER_TIMEOUT_S", 1.0)
    monkeypatch.setattr(grading, "SPARE_S", 1.0)
    question = "q"
    answers = ["a", "die", "b", "loop", "c"]
    results = grading._run([(question, a, True) for a in answers], 2, None, grade=_fake_grade)
    assert [r[3] for r in results] == ["graded", "error", "graded", "error", "graded"]
    assert [r[2] for r in results if r[3] == "graded"] == ["graded a", "graded b", "graded c"]
    assert "exit code 137" in results[1][2] and "not graded" in results[1][2]
    assert results[3][2] == "This took too long to grade (over 1 s)."


def test_a_real_batch_in_the_sandbox_grades_like_one_process():
    assignment = load_assignment(LECTURE.read_bytes())
    text = ANSWERS.read_text()
    assert grade_batch(assignment, text, processes=2).rows == \
        grade_batch(assignment, text, processes=0).rows


# --- hostile files and answers: formulas, control characters, deep TOML, near-equal values -----

ONE_QUESTION = '[[question]]\nid = "q"\nfunction = "relu(x)"\npoint = "0"\n'


def test_cells_that_a_spreadsheet_would_run_are_written_as_text():
    import csv
    import io

    answers = ('student,question,answer\n'
               '"=HYPERLINK(""http://evil.example"",""x"")",q,"[0, 1]"\n'
               '@SUM(A1),q,"-1"\n+cmd,q,"[0, 1]"\n')
    table = grades_csv(grade_batch(load_assignment(ONE_QUESTION), answers, processes=0))
    cells = [c for row in csv.reader(io.StringIO(table)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'-1" in cells
    assert "'@SUM(A1)" in cells and "'+cmd" in cells


def test_a_neutralised_answer_is_graded_as_typed():
    rows = read_answers("student,question,answer\n'-ann,q,'-1\n")
    assert rows == [(2, {"student": "-ann", "question": "q", "answer": "-1"})]


def test_control_characters_never_reach_the_printed_grades():
    answers = ('student,question,answer\n'
               '"ann\x1b]0;owned\x07\x1b[2K\r",q,"[0,\x07\x0b 1]"\n'
               '"b\u202eob",q,"[0, 1]"\n')
    report = grade_batch(load_assignment(ONE_QUESTION), answers, processes=0)
    table = grades_csv(report)
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) < 0xA0 or c == "\u202e"
                   for c in table)
    assert report.totals == {"ann ]0;owned  [2K": 1.0, "bob": 1.0}  # still graded right


@pytest.mark.parametrize("toml", [
    "x = " + "[" * 30_000 + "]" * 30_000,
    "x = " + "{a = " * 10_000 + "1" + "}" * 10_000,
    ONE_QUESTION + "extra = " + "[" * 33 + "]" * 33,
], ids=["arrays-30000", "tables-10000", "arrays-33"])
def test_deeply_nested_toml_is_refused_in_one_sentence(toml):
    with pytest.raises(InputError, match=r"^The assignment nests brackets \d+ deep; the limit "
                                         r"is 32\.$"):
        load_assignment(toml)


def test_brackets_inside_strings_and_comments_are_not_nesting():
    text = f'title = "{"[" * 40}"  # {"{" * 40}\n' + ONE_QUESTION
    assert load_assignment(text).title.startswith("[[[[")


def test_a_value_a_hair_above_the_end_is_not_graded_right():
    # 1 + 1e-45·(√2 + √3) is not 1: the grader decides it exactly (a 1e-12 float test said equal)
    verdict = check_answer("max(0, x)", "0", "[0, 1 + 10**-45*(sqrt(2)+sqrt(3))]")
    assert not verdict.correct and "right endpoint should be 1" in verdict.feedback
    assert check_answer("max(0, x)", "0", "[0, sqrt(2)+sqrt(3)-sqrt(5+2*sqrt(6)) + 1]").correct


def test_an_undecided_comparison_is_refused_not_guessed(monkeypatch):
    from clarke_core import grading
    from clarke_core.errors import UndecidedError

    def undecided(c):
        raise UndecidedError("undecided")

    monkeypatch.setattr(grading, "_sign", undecided)
    with pytest.raises(InputError, match="could not decide exactly whether .* does not guess"):
        check_answer("max(0, x)", "0", "[0, 1 + 10**-45*(sqrt(2)+sqrt(3))]")
