"""Assignments (TOML), answers files (CSV), batch grading on the sandbox and Gradescope export."""

from __future__ import annotations

from pathlib import Path

import pytest

from clarke_core import InputError
from clarke_core.grading import (
    KINDS,
    check_question,
    grade_batch,
    grades_csv,
    gradescope_results,
    load_assignment,
    question_latex,
    read_answers,
)

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
    """Stands in for batch._grade_task in a sandbox worker: dies, loops, or answers."""
    import os

    _, answer, _ = task
    if answer == "die":
        os._exit(137)  # what the out-of-memory killer or a crash in C code looks like
    if answer == "loop":
        while True:
            pass
    return True, 1.0, f"graded {answer}", "graded"


def test_a_dying_or_looping_worker_costs_one_row_never_the_batch(monkeypatch):
    from clarke_core.grading import batch

    monkeypatch.setattr(batch, "ANSWER_TIMEOUT_S", 1.0)
    monkeypatch.setattr(batch, "SPARE_S", 1.0)
    question = "q"
    answers = ["a", "die", "b", "loop", "c"]
    results = batch._run([(question, a, True) for a in answers], 2, None, grade=_fake_grade)
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
