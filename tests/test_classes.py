"""Classes on the pages (SQLite): joining a class on the Homework page and answering under its
rules, one student never seeing another's answers, and the Lecturer page behind its secret
(creating a class, the results per question, the chart by diagnosis, the exports, grading a
class's answers file). Also the lecturer's figure and the exports built from stored attempts."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from page_util import figures
from streamlit.testing.v1 import AppTest

import ui
from clarke_core.classroom import (
    Store,
    attempt_feedback,
    class_record,
    classes,
    create_class,
    gradescope_export,
    stats,
    submit,
)
from clarke_core.figures.classroom import wrong_answers_figure
from clarke_core.grading import check_question, grades_csv, load_assignment
from clarke_core.grading.verdict import DIAGNOSES

HOMEWORK, LECTURER = "../app_pages/homework_checker.py", "../app_pages/lecturer.py"
TIMEOUT = 60
SECRET = "a lecturer's secret"
CODE, NAME, JOIN = "homework_class_code", "homework_join_name", "homework_join"
ANSWER = "homework_class_answer_"
ASSETS = Path(__file__).resolve().parent.parent / "assets"
SHEET = """title = "Class sheet"
id = "sheet"
attempts = 3
{extra}
[[question]]
id = "diff"
function = "relu(x) - relu(-x)"
point = "0"

[[question]]
id = "relu"
function = "relu(x)"
point = "0"
"""


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    """A fresh SQLite store for the pages (the server's store is cached: dropped around each
    test) and the lecturer's secret set."""
    url = f"sqlite:///{tmp_path / 'lab.sqlite'}"
    monkeypatch.setenv("CLARKE_LAB_DATABASE_URL", url)
    monkeypatch.setenv("CLARKE_LAB_LECTURER_SECRET", SECRET)
    ui.classroom_store.clear()
    yield url
    ui.classroom_store.clear()


def new_class(url: str, extra: str = "") -> str:
    with Store(url) as store:
        return create_class(store, SHEET.format(extra=extra))


def homework() -> AppTest:
    return AppTest.from_file(HOMEWORK, default_timeout=TIMEOUT).run()


def join(at: AppTest, code: str, name: str) -> AppTest:
    at.text_input(key=CODE).input(code)
    at.text_input(key=NAME).input(name)
    at.button(key=JOIN).click()
    return at.run()


def answer(at: AppTest, question: str, text: str) -> AppTest:
    at.text_input(key=ANSWER + question).input(text)
    keys = [t.key for t in at.text_input if t.key.startswith(ANSWER)]
    [b for b in at.button if b.label == "Check"][keys.index(ANSWER + question)].click()
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text: messages, Markdown, captions and table cells."""
    parts = [e.value for kind in ("error", "warning", "success", "info", "markdown", "caption")
             for e in getattr(at, kind)]
    parts += [str(d.value.to_dict()) for d in at.dataframe]
    return "\n".join(parts)


# --- the Homework page: joining a class -----------------------------------------------------------


def test_without_a_class_the_page_is_practice_and_says_nothing_is_stored(db):
    at = homework()
    assert not at.exception and not at.error
    assert any(i.value.startswith("Practice: nothing is stored") for i in at.info)
    assert at.text_input(key=CODE) and at.button(key=JOIN)


@pytest.mark.parametrize(("code", "name", "said"), [
    ("ZZZZZZ", "ann", "There is no class with the code ZZZZZZ"),
    ("", "ann", "Type the class code your lecturer gave you"),
    (None, "  ", "Type your name"),
], ids=["unknown-code", "no-code", "no-name"])
def test_a_bad_join_is_one_sentence(db, code, name, said):
    code = new_class(db) if code is None else code
    at = join(homework(), code, name)
    assert not at.exception
    assert [e.value.startswith(said) for e in at.error] == [True], [e.value for e in at.error]
    assert at.button(key=JOIN), "still the join box"


def test_a_wrong_then_a_right_answer_are_stored_and_shown_under_the_rules(db):
    code = new_class(db)
    at = join(homework(), code.lower(), "Ann Example")
    assert not at.exception and not at.error
    assert at.header[0].value == "Class sheet"
    assert "Attempts: 3 per question" in texts(at)
    at = answer(at, "diff", "[0, 2]")
    assert not at.exception and not at.error
    [warning] = [w.value for w in at.warning]
    assert "sum rule" in warning and "(attempt 1, " in warning and "of 1 point)" in warning
    assert "Attempts used: 1 of 3" in texts(at)
    at = answer(at, "diff", "{1}")
    assert at.success and "(attempt 2, 1 of 1 point)" in at.success[0].value
    with Store(db) as store:
        stored = store.attempts("sheet", student="Ann Example", question="diff")
    assert [(a.answer, a.correct, a.diagnosis) for a in stored] == [
        ("[0, 2]", False, "sum_rule"), ("{1}", True, "right")]
    assert at.metric[0].value == "1 / 2"
    assert "[0, 2]" in texts(at)  # this session's own attempts are listed


def test_an_unreadable_answer_is_refused_without_using_an_attempt(db):
    at = join(homework(), new_class(db), "ann")
    at = answer(at, "relu", "__import__('os').getpid()")
    assert not at.exception and len(at.error) == 1 and "Traceback" not in at.error[0].value
    assert "Attempts used: 0 of 3" in texts(at)


def test_the_attempt_limit_and_the_deadline_close_the_question(db):
    sheet = SHEET.replace("attempts = 3", "attempts = 1").format(extra="")
    with Store(db) as store:
        code = create_class(store, sheet)
    at = answer(join(homework(), code, "ann"), "relu", "[0, 1/2]")
    assert "You have used the one attempt allowed at this question." in [i.value for i in at.info]
    assert ANSWER + "relu" not in [t.key for t in at.text_input]
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    at = join(homework(), new_class(db, f"deadline = {past}"), "bo")
    assert not at.exception
    assert "passed: no more answers are taken" in texts(at)
    assert not [t for t in at.text_input if t.key.startswith(ANSWER)]


def test_hint_feedback_says_what_is_wrong_without_the_set(db):
    at = join(homework(), new_class(db, 'feedback = "hint"'), "ann")
    at = answer(at, "diff", "[0, 2]")
    shown = at.warning[0].value
    assert "sum rule" in shown and "{1}" not in shown and "is {" not in shown


def test_a_session_never_shows_another_students_answer(db):
    code = new_class(db)
    ann = answer(join(homework(), code, "ann"), "diff", "[0, 7/4]")
    assert "[0, 7/4]" in texts(ann)
    bob = answer(join(homework(), code, "bob"), "diff", "[0, 2]")
    assert "[0, 7/4]" not in texts(bob) and "[0, 2]" in texts(bob)
    # A second session typing ann's name: her attempt counts, but her answer is not shown.
    again = join(homework(), code, "ann")
    assert "Attempts used: 1 of 3" in texts(again)
    assert "[0, 7/4]" not in texts(again) and not at_has_history(again)


def at_has_history(at: AppTest) -> bool:
    return any(e.label.startswith("Your attempts") for e in at.expander)


def test_leaving_the_class_returns_to_practice(db):
    at = join(homework(), new_class(db), "ann")
    at.button(key="homework_leave").click()
    at = at.run()
    assert any(i.value.startswith("Practice: nothing is stored") for i in at.info)


# --- the Lecturer page ----------------------------------------------------------------------------


def lecturer(secret: str | None = SECRET) -> AppTest:
    at = AppTest.from_file(LECTURER, default_timeout=TIMEOUT).run()
    if secret is not None:
        at.text_input(key="lecturer_secret_typed").input(secret)
        at = at.run()
    return at


def test_with_no_secret_configured_the_page_says_how_to_set_one(db, monkeypatch):
    monkeypatch.delenv("CLARKE_LAB_LECTURER_SECRET")
    at = lecturer(secret=None)
    assert not at.exception and not at.text_input and not at.tabs
    assert "CLARKE_LAB_LECTURER_SECRET" in at.info[0].value


def test_a_wrong_secret_shows_nothing(db):
    new_class(db)
    at = lecturer("not the secret")
    assert not at.exception
    assert [e.value for e in at.error] == ["That is not the lecturer's secret."]
    assert not at.tabs and not at.dataframe and not at.get("plotly_chart")
    assert not at.button


def test_the_lecturer_creates_a_class_from_a_bundled_assignment(db):
    at = lecturer()
    [create] = [b for b in at.button if b.label == "Create the class"]
    at = create.click().run()
    assert not at.exception and not at.error
    with Store(db) as store:
        [record] = classes(store)
    assert record.assignment == "lecture_assignment"
    assert record.code in at.success[0].value
    assert at.selectbox(key="lecturer_class").value == record.code


def test_an_uploaded_toml_with_a_bad_function_names_the_question_and_field(db):
    at = lecturer()
    at.selectbox(key="lecturer_pick").set_value("Upload a file…").run()
    bad = SHEET.format(extra="").replace('"relu(x)"', '"abs(x"')
    at.file_uploader(key="lecturer_upload").set_value(("hw.toml", bad.encode(), "text/plain"))
    at = at.run()
    [create] = [b for b in at.button if b.label == "Create the class"]
    at = create.click().run()
    assert not at.exception
    assert [e.value.startswith("Question 'relu', field 'function'") for e in at.error] == [True]
    with Store(db) as store:
        assert classes(store) == []


def test_the_class_view_counts_attempts_and_charts_wrong_answers_by_diagnosis(db):
    code = new_class(db)
    with Store(db) as store:
        key, assignment = "sheet", class_record(store, code).open()
        for student, text in (("ann", "[0, 2]"), ("bo", "[0, 2]"), ("bo", "{1}"), ("cy", "0")):
            submit(store, key, assignment, student, "diff", text, grade=check_question)
    at = lecturer()
    assert not at.exception and not at.error
    per_question = at.dataframe[1].value.to_dict("records")
    assert per_question[0] == {"question": "diff", "attempts": 4, "students": 3,
                               "right (share of attempts)": "25%", "students right": 1}
    [fig] = figures(at)
    bars = {t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in fig["data"]}
    assert bars == {DIAGNOSES["sum_rule"]: {"diff: [0, 2]": 2},
                    DIAGNOSES["outside"]: {"diff: 0": 1}}
    at.selectbox(key="lecturer_question").set_value("relu").run()
    assert not figures(at)[0]["data"]  # no wrong answer to relu yet


def test_the_lecturer_grades_the_example_answers_file(db):
    at = lecturer()
    assert [t.label for t in at.tabs] == ["Classes", "Grade a file", "Live question"]
    data = (ASSETS / "example_answers.csv").read_bytes()
    at.file_uploader(key="lecturer_csv").set_value(("example_answers.csv", data, "text/csv"))
    at = at.run()
    [grade] = [b for b in at.button if b.label == "Grade the answers"]
    at = grade.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    report = at.session_state["lecturer_report"]
    students = {row["student"] for row in csv.DictReader(io.StringIO(data.decode()))}
    assert set(report.totals) == students - {""} and report.bad_rows >= 1
    # What the command line's grade writes for the same files.
    cli = subprocess.run([sys.executable, "-m", "clarke_core", "grade",
                          str(ASSETS / "lecture_assignment.toml"),
                          str(ASSETS / "example_answers.csv")],
                         capture_output=True, text=True, timeout=600, cwd=ASSETS.parent)
    assert cli.returncode == 0, cli.stderr
    assert grades_csv(report).rstrip("\n") == cli.stdout.rstrip("\n")
    assert any(c.value.startswith("Graded ") for c in at.caption)


# --- the figure and the exports -----------------------------------------------------------------


def test_the_figure_escapes_answers_and_orders_bars_by_count():
    rows = [{"question": "q1", "wrong": [{"answer": "<a href='x'>1</a>", "diagnosis": "outside",
                                          "count": 1}]},
            {"question": "q2", "wrong": [{"answer": "[0, 2]", "diagnosis": "sum_rule",
                                          "count": 5}]}]
    fig = wrong_answers_figure(rows)
    labels = [y for t in fig.data for y in t.y]
    assert "q1: &lt;a href='x'&gt;1&lt;/a&gt;" in labels and not any("<" in y for y in labels)
    assert list(fig.layout.yaxis.categoryarray)[-1] == "q2: [0, 2]"  # the most frequent on top
    assert {t.name for t in fig.data} == {DIAGNOSES["outside"], DIAGNOSES["sum_rule"]}
    assert fig.layout.xaxis.dtick == 1  # whole attempts
    hovers = {t.name: list(t.customdata) for t in fig.data}  # "1 attempt", not "1 attempt(s)"
    assert hovers == {DIAGNOSES["outside"]: ["1 attempt"], DIAGNOSES["sum_rule"]: ["5 attempts"]}
    one = wrong_answers_figure(rows[:1])
    assert one.layout.showlegend and one.data[0].y == ("&lt;a href='x'&gt;1&lt;/a&gt;",)
    many = wrong_answers_figure([{"question": "q", "wrong": [
        {"answer": "0", "diagnosis": "one_value", "count": 40}]}])
    assert many.layout.xaxis.dtick == 5


def test_an_empty_class_has_an_empty_chart_that_says_so():
    fig = wrong_answers_figure([{"question": "q", "wrong": []}])
    assert not fig.data and fig.layout.annotations[0].text == "No wrong answers yet."


def test_gradescope_export_scores_best_attempts_and_unanswered_questions():
    a = load_assignment(SHEET.format(extra=""))
    with Store("sqlite://") as store:
        submit(store, "sheet", a, "ann", "diff", "[0, 2]", grade=check_question)
        submit(store, "sheet", a, "ann", "diff", "{1}", grade=check_question)
        submit(store, "sheet", a, "bo", "relu", "[0, 1/2]", grade=check_question)
        out = json.loads(json.dumps(gradescope_export(store, "sheet", a)))
        rows = stats(store, "sheet", a)
    assert out["ann"]["score"] == 1.0
    assert [(t["name"], t["score"], t["status"]) for t in out["ann"]["tests"]] == [
        ("diff", 1.0, "passed"), ("relu", 0.0, "failed")]
    assert out["bo"]["score"] < 1 and rows[1]["attempts"] == 1


def test_stored_feedback_under_none_opens_after_the_deadline():
    deadline = datetime(2026, 6, 1, tzinfo=UTC)
    a = load_assignment(SHEET.format(extra="").replace("attempts = 3", 'feedback = "none"\n'
                                                        'deadline = 2026-06-01T00:00:00Z'))
    with Store("sqlite://") as store:
        s = submit(store, "sheet", a, "ann", "diff", "[0, 2]", grade=check_question,
                   now=deadline - timedelta(days=1))
    assert "recorded" in s.shown
    before = attempt_feedback(s.attempt, "clarke", a.rules, deadline - timedelta(hours=1))
    after = attempt_feedback(s.attempt, "clarke", a.rules, deadline)
    assert "recorded" in before and after == s.attempt.feedback and "{1}" in after
