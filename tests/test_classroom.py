"""The classroom store on SQLite and on a real PostgreSQL: attempts that last, concurrent writers
that lose nothing, the attempt limit, migrations; and the rules: deadline, hint-only feedback that
never states the set, TOML errors that name the question and the field."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from classroom_postgres import fresh_database, postgres_server  # noqa: F401 (a fixture)

from clarke_core import InputError
from clarke_core.classroom import (
    HINTS,
    LATEST,
    AttemptLimitError,
    NewAttempt,
    Store,
    StoreError,
    migrate,
    shown_feedback,
    stats,
    submit,
)
from clarke_core.classroom.store import database_url
from clarke_core.grading import Verdict, check_answer, check_question, load_assignment
from clarke_core.grading.check import exact_set, question_problem
from clarke_core.grading.verdict import DIAGNOSES, show_set

REPO_ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database of each kind: a SQLite file, or a new database on the test cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lab.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_server"))


def attempt(student: str = "ann", question: str = "q1", answer: str = "[0, 1]",
            correct: bool = True) -> NewAttempt:
    return NewAttempt("hw1", student, question, answer, correct, 1.0 if correct else 0.25,
                      "right" if correct else "too_small", "Feedback.", WHEN)


# --- what is stored lasts ------------------------------------------------------------------


def test_an_attempt_survives_reopening_the_store(db_url):
    with Store(db_url) as store:
        stored = store.record(attempt(answer="[0, 1/2]", correct=False))
    with Store(db_url) as again:
        [back] = again.attempts("hw1")
        assert again.version == LATEST
    assert back == stored
    assert (back.answer, back.correct, back.score, back.diagnosis, back.number) == (
        "[0, 1/2]", False, 0.25, "too_small", 1)
    assert back.submitted_at == WHEN and back.variant is None


def test_the_default_url_is_a_sqlite_file_in_data(monkeypatch):
    monkeypatch.delenv("CLARKE_LAB_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{REPO_ROOT / 'data' / 'clarke_lab.sqlite'}"
    monkeypatch.setenv("CLARKE_LAB_DATABASE_URL", "postgresql://lab@db/lab")
    assert database_url() == "postgresql://lab@db/lab"
    assert database_url("sqlite://") == "sqlite://"


def test_a_sqlite_store_is_in_wal_mode(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'sub' / 'lab.sqlite'}") as store:  # folder created
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://x/y",
                                 "postgresql://nobody@127.0.0.1:1/none"],
                         ids=["not-a-url", "unknown-dialect", "nobody-listening"])
def test_an_unusable_database_is_one_sentence(url):
    with pytest.raises(StoreError, match="database"):
        Store(url)


# --- concurrent writers ----------------------------------------------------------------------


def test_concurrent_threads_lose_nothing(db_url):
    threads, each = 8, 25
    errors: list[BaseException] = []
    with Store(db_url) as store:
        def work(k: int) -> None:
            try:
                for i in range(each):  # half the threads answer the same question as another
                    store.record(attempt(student=f"s{k % 4}", question=f"q{i % 3}"))
            except BaseException as err:  # noqa: BLE001 -- reported below
                errors.append(err)

        workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        rows = store.attempts("hw1")
    assert not errors
    assert len(rows) == threads * each
    for s in range(4):
        for q in range(3):
            numbers = sorted(a.number for a in rows if (a.student, a.question) == (f"s{s}",
                                                                                  f"q{q}"))
            assert numbers == list(range(1, len(numbers) + 1))  # no number twice, none skipped


_WRITER = """
import sys
from datetime import UTC, datetime
from clarke_core.classroom import NewAttempt, Store
url, student, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store(url) as store:  # every process migrates the fresh database at once
    for i in range(n):
        store.record(NewAttempt("hw1", student, f"q{i % 2}", "[0, 1]", True, 1.0, "right",
                                "Right.", datetime.now(UTC)))
"""


def test_concurrent_processes_lose_nothing(db_url):
    processes, each = 4, 25
    workers = [subprocess.Popen([sys.executable, "-c", _WRITER, db_url, f"p{k % 2}", str(each)],
                                cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
               for k in range(processes)]
    failures = [w.communicate(timeout=120)[1] for w in workers if w.wait(timeout=120) != 0]
    assert not failures
    with Store(db_url) as store:
        rows = store.attempts("hw1")
        with store.engine.connect() as conn:
            versions = conn.exec_driver_sql("SELECT version FROM schema_version").all()
    assert len(rows) == processes * each
    assert versions == [(LATEST,)]  # migrated once, though four processes started together
    for student in ("p0", "p1"):
        for q in ("q0", "q1"):
            numbers = sorted(a.number for a in rows if (a.student, a.question) == (student, q))
            assert numbers == list(range(1, len(numbers) + 1))  # no number twice


def test_the_attempt_limit_holds_under_concurrent_sessions(db_url):
    outcomes: list[str] = []
    with Store(db_url) as store:
        def work() -> None:
            try:
                store.record(attempt(), limit=3)
                outcomes.append("stored")
            except AttemptLimitError:
                outcomes.append("refused")

        workers = [threading.Thread(target=work) for _ in range(10)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert store.count("hw1", "ann", "q1") == 3
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"] * 3


# --- migrations ------------------------------------------------------------------------------


def test_an_old_database_is_migrated_and_keeps_its_attempts(db_url):
    engine = sa.create_engine(db_url)
    try:
        assert migrate(engine, target=1) == 1  # the schema as version 1 left it
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO attempts (assignment, student, question, number, answer, correct, "
                "score, feedback, submitted_at) VALUES ('hw1', 'ann', 'q1', 1, '[0, 1]', :t, 1.0, "
                "'Right.', :when)"), {"t": True, "when": WHEN})
            columns = {c["name"] for c in sa.inspect(conn).get_columns("attempts")}
        assert "diagnosis" not in columns and "variant" not in columns
    finally:
        engine.dispose()
    with Store(db_url) as store:
        assert store.version == LATEST
        [old] = store.attempts("hw1")
        assert (old.answer, old.correct, old.diagnosis, old.variant) == ("[0, 1]", True, "", None)
        assert store.record(attempt()).number == 2  # the old attempt still counts


def test_a_database_newer_than_the_code_is_refused(db_url):
    with Store(db_url) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store(db_url)


# --- rules: attempts, deadline, feedback ------------------------------------------------------


RULES = """id = "hw1"
attempts = 2
feedback = "{mode}"
deadline = 2026-12-24T23:59:00+01:00

[[question]]
id = "diff"
function = "relu(x) - relu(-x)"
point = "0"
points = 2
"""


def _submit(store, mode: str, answer: str, when=WHEN):
    return submit(store, "hw1", load_assignment(RULES.format(mode=mode)), "ann", "diff", answer,
                  now=when, grade=check_question)


def test_the_deadline_and_the_attempt_limit_are_enforced():
    deadline = datetime(2026, 12, 24, 22, 59, tzinfo=UTC)
    with Store("sqlite://") as store:
        with pytest.raises(InputError, match=r"deadline .*2026-12-24 22:59 UTC.* has passed"):
            _submit(store, "full", "{1}", when=deadline)
        assert store.attempts("hw1") == []  # refused before grading: nothing stored
        first = _submit(store, "full", "[0, 2]", when=deadline - timedelta(seconds=1))
        second = _submit(store, "full", "{1}")
        with pytest.raises(AttemptLimitError, match="used all 2 attempt"):
            _submit(store, "full", "{1}")
        with pytest.raises(InputError, match="no question 'nope'"):
            submit(store, "hw1", load_assignment(RULES.format(mode="full")), "ann", "nope", "1",
                   now=WHEN, grade=check_question)
        questions = stats(store, "hw1", load_assignment(RULES.format(mode="full")))
    assert (first.attempt.number, first.points, second.points) == (1, 0.5, 2.0)
    assert "the Clarke set is {1}" in first.shown  # full feedback states the set
    assert questions == [{"question": "diff", "attempts": 2, "correct": 1, "students": 1,
                          "diagnoses": {"sum_rule": 1},
                          "wrong": [{"answer": "[0, 2]", "diagnosis": "sum_rule", "count": 1}]}]


def test_an_unreadable_answer_uses_no_attempt():
    with Store("sqlite://") as store:
        with pytest.raises(InputError, match="brackets"):
            _submit(store, "hint", "[0, 1")
        assert store.count("hw1", "ann", "diff") == 0


def test_feedback_none_says_only_that_the_answer_is_recorded():
    with Store("sqlite://") as store:
        s = _submit(store, "none", "[0, 2]")
    assert s.shown == ("Your answer is recorded; feedback comes after the deadline "
                       "(2026-12-24 22:59 UTC).")
    assert "Too large" in s.attempt.feedback  # the full feedback is kept for the lecturer


# Wrong answers of every kind the grader tells apart: (function, point, kind, answer, diagnosis).
WRONG = [
    ("relu(x)", "0", "clarke", "[1, 0]", "backwards"),
    ("relu(x)", "0", "clarke", "(0, 1)", "open_ends"),
    ("relu(x)", "0", "clarke", "0", "one_value"),
    ("abs(x)", "0", "clarke", "{-1, 1}", "some_points"),
    ("abs(x)", "0", "clarke", "[-1/2, 1]", "too_small"),
    ("abs(x)", "0", "clarke", "[-2, 1]", "too_large"),
    ("relu(x) - relu(-x)", "0", "clarke", "[0, 2]", "sum_rule"),
    ("relu(x)", "0", "clarke", "{1/2, 2}", "outside"),
    ("relu(x)", "0", "clarke", "[3, 4]", "disjoint"),
    ("abs(x)", "0", "clarke", "[-1, 2/3]", "too_small"),
    ("abs(x) + 3*x", "0", "clarke", "[-2, 5]", "too_large"),
    ("abs(x) + 3*x", "0", "clarke", "[3, 5]", "wrong_endpoint"),
    ("-abs(x)", "0", "subdifferential", "[-1, 1]", "other_set"),
    ("-abs(x)", "0", "subdifferential", "{0}", "should_be_empty"),
    ("-abs(x)", "0", "clarke", "empty", "other_set"),
    ("relu(x)", "0", "clarke", "undefined", "exists"),
    ("relu(x)", "0", "clarke", "empty", "not_empty"),
    ("sqrt(abs(x))", "0", "clarke", "[0, 1]", "not_lipschitz"),
    ("abs(x) + abs(y)", "0, 0", "clarke", "(1, 1)", "one_value"),
    ("abs(x) + abs(y)", "0, 0", "clarke", "conv{(1, 1), (-1, 1), (-1, -1)}", "too_small"),
    ("abs(x) + abs(y)", "0, 0", "clarke", "conv{(2, 2), (-2, 2), (-2, -2), (2, -2)}",
     "sum_rule"),
    ("max(x, y)", "0, 0", "clarke", "{(1, 0), (0, 1)}", "some_points"),
    ("max(x, y)", "0, 0", "clarke", "[(1, 0), (1, 1)]", "not_the_set"),
]


@pytest.mark.parametrize(("f", "at", "kind", "answer", "diagnosis"), WRONG,
                         ids=[f"{w[4]}:{w[0]}:{w[3]}" for w in WRONG])
def test_hint_mode_names_the_mistake_and_never_the_set(f, at, kind, answer, diagnosis):
    verdict = check_answer(f, at, answer, kind)
    truth = exact_set(question_problem(f, at), kind)
    hint = shown_feedback(verdict, kind, "hint")
    assert not verdict.correct and verdict.diagnosis == diagnosis
    if diagnosis not in ("exists", "not_lipschitz", "should_be_empty"):
        assert any(c.isdigit() for c in verdict.feedback)  # the full feedback gives numbers
    assert show_set(truth) not in hint
    assert not any(c.isdigit() for c in hint), hint  # no number at all: no endpoint, no vertex
    assert hint == HINTS[diagnosis].format(name="Clarke set" if kind == "clarke"
                                           else "subdifferential",
                                           other="subdifferential" if kind == "clarke"
                                           else "Clarke set")


def test_every_diagnosis_has_a_hint_and_the_table_meets_most_of_them():
    assert set(HINTS) == set(DIAGNOSES)
    assert {w[4] for w in WRONG} >= set(DIAGNOSES) - {"right", "wrong_yes_no", "wrong_degree"}


@pytest.mark.parametrize(("f", "kind", "answer", "s"), [
    ("abs(x)", "member", "no", "1/2"),
    ("sqrt(abs(x))", "lipschitz", "yes", None),
    ("abs(x)", "homogeneity", "2", None),
], ids=["member", "lipschitz", "homogeneity"])
def test_yes_no_and_degree_hints_state_nothing(f, kind, answer, s):
    wrong = check_answer(f, "0", answer, kind, s=s)
    assert wrong.diagnosis in ("wrong_yes_no", "wrong_degree")
    right = check_answer(f, "0", {"no": "yes", "yes": "no", "2": "1"}[answer], kind, s=s)
    assert right.diagnosis == "right"
    assert shown_feedback(right, kind, "hint") == "Right."  # its feedback states the set
    assert not any(c.isdigit() for c in shown_feedback(wrong, kind, "hint"))


def test_a_verdict_without_a_diagnosis_keeps_the_contract():
    v = Verdict(False, 0.0, "No.")
    assert v.diagnosis == "" and shown_feedback(v, "clarke", "hint") == "Not right."


# --- the assignment file ---------------------------------------------------------------------


def _question(function: str = "abs(x)", point: str = "0", extra: str = ""):
    text = f'[[question]]\nid = "q7"\nfunction = "{function}"\npoint = "{point}"\n{extra}'
    return load_assignment(text).questions[0]


@pytest.mark.parametrize(("question", "message"), [
    (lambda: _question("abs(x"), "Question 'q7', field 'function': The brackets do not match "
                                 "at column 4"),
    (lambda: _question(point="1/0"), "Question 'q7', field 'point': Division by zero"),
    (lambda: _question(extra='kind = "member"\ns = "(("'), "Question 'q7', field 's': "),
], ids=["function", "point", "s"])
def test_a_bad_question_names_its_id_and_field(question, message):
    with pytest.raises(InputError, match=f"^{message}".replace("(", r"\(")):
        check_question(question(), "[0, 1]")


def test_an_unreadable_answer_is_not_blamed_on_the_question():
    with pytest.raises(InputError, match="^The brackets in the answer do not match"):
        check_question(_question(), "[0, 1")


@pytest.mark.parametrize(("top", "phrase"), [
    ("attempts = 0", "attempts must be a whole number"),
    ('feedback = "quiet"', "feedback must be one of full, hint, none"),
    ('feedback = "none"', "needs a deadline"),
    ("deadline = 2026-12-24T23:59:00", "deadline needs a time zone"),
    ("deadline = 2026-12-24", "a date without a time"),
    ("atempts = 3", "unknown key 'atempts' at the top"),
], ids=["attempts", "feedback", "none-without-deadline", "no-zone", "date-only", "typo"])
def test_bad_rules_are_refused_naming_the_field(top, phrase):
    with pytest.raises(InputError, match=phrase):
        load_assignment(f'{top}\n[[question]]\nid = "q"\nfunction = "x"\npoint = "0"\n')


def test_a_bad_question_field_names_the_question_id():
    with pytest.raises(InputError, match=r"^Question 'q' \(number 1\): kind must be"):
        load_assignment('[[question]]\nid = "q"\nfunction = "x"\npoint = "0"\nkind = "nope"')
