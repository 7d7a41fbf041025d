"""``submit`` and ``submissions stats|export`` as a lecturer runs them (``python -m clarke_core``
in a subprocess), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classroom_postgres import fresh_database, postgres_server  # noqa: F401 (a fixture)

REPO_ROOT = Path(__file__).resolve().parent.parent

HOMEWORK = """title = "Week 1"
id = "week1"
attempts = 2
feedback = "hint"
deadline = 2099-01-01T00:00:00Z

[[question]]
id = "diff"
function = "relu(x) - relu(-x)"
point = "0"
points = 2

[[question]]
id = "relu"
function = "relu(x)"
point = "0"
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lab.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_server"))


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clarke_core", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _submit(toml: Path, db: str, student: str, question: str, answer: str,
            *more: str) -> subprocess.CompletedProcess:
    return _cli("submit", str(toml), "--student", student, "--question", question, "--answer",
                answer, "--db", db, *more)


def test_submit_stats_and_export_through_the_command_line(db_url, tmp_path):
    toml = tmp_path / "week1.toml"
    toml.write_text(HOMEWORK)
    first = _submit(toml, db_url, "ann", "diff", "[0, 2]", "--json")
    assert first.returncode == 0, first.stderr
    shown = json.loads(first.stdout)
    assert shown["attempt"] == 1 and shown["attempts_allowed"] == 2
    assert shown["diagnosis"] == "sum_rule" and not shown["correct"]
    assert shown["feedback"].startswith("Too large: part of your answer")  # hint mode
    assert not any(c.isdigit() for c in shown["feedback"])  # the set {1} is never shown
    assert _submit(toml, db_url, "ann", "diff", "{1}").returncode == 0
    third = _submit(toml, db_url, "ann", "diff", "{1}")
    assert third.returncode == 2 and third.stdout == ""
    assert third.stderr.strip() == ("ann has used all 2 attempts allowed at question 'diff'; "
                                    "no more answers are taken.")
    # a name a spreadsheet would run, and one that starts with '-'
    assert _submit(toml, db_url, "=cmd", "relu", "0").returncode == 0
    assert _submit(toml, db_url, "-1", "diff", "[0, 2]").returncode == 0

    stats = _cli("submissions", "stats", str(toml), "--db", db_url, "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["assignment"] == "week1"
    by_question = {q["question"]: q for q in data["questions"]}
    assert {k: by_question["diff"][k] for k in ("attempts", "correct")} == {"attempts": 3,
                                                                          "correct": 1}
    assert by_question["diff"]["wrong"] == [{"answer": "[0, 2]", "diagnosis": "sum_rule",
                                             "count": 2}]
    assert by_question["relu"]["wrong"] == [{"answer": "0", "diagnosis": "one_value",
                                             "count": 1}]

    out = tmp_path / "grades.csv"
    export = _cli("submissions", "export", str(toml), "--out", str(out), "--db", db_url)
    assert export.returncode == 0, export.stderr
    assert "3 students" in export.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    best = {(r["student"], r["question"]): r for r in rows}
    assert best[("ann", "diff")]["answer"] == "{1}" and best[("ann", "diff")]["points"] == "2"
    assert best[("ann", "diff")]["attempts"] == "2"
    assert best[("ann", "TOTAL")]["points"] == "2"  # relu unanswered: 0 of 1
    assert best[("ann", "relu")]["attempts"] == "0"
    assert ("'=cmd", "relu") in best and ("'-1", "diff") in best  # cells kept as text
    assert not [c for r in rows for c in r.values() if c[:1] in ("=", "+", "-", "@")]


def test_submissions_from_parallel_processes_are_all_stored(db_url, tmp_path):
    toml = tmp_path / "week1.toml"
    toml.write_text(HOMEWORK)
    sent = [(f"s{k}", "relu", "[0, 1]") for k in range(4)]
    runs = [subprocess.Popen([sys.executable, "-m", "clarke_core", "submit", str(toml),
                              "--student", s, "--question", q, "--answer", a, "--db", db_url],
                             cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for s, q, a in sent]
    codes = [r.wait(timeout=120) for r in runs]
    assert codes == [0] * len(sent), [r.stderr.read() for r in runs]
    stats = json.loads(_cli("submissions", "stats", str(toml), "--db", db_url, "--json").stdout)
    relu = next(q for q in stats["questions"] if q["question"] == "relu")
    assert (relu["attempts"], relu["correct"], relu["students"]) == (4, 4, 4)


def test_the_database_url_variable_and_a_bundled_assignment(tmp_path):
    env = {"CLARKE_LAB_DATABASE_URL": f"sqlite:///{tmp_path / 'env.sqlite'}"}
    done = _cli("submit", "lecture_assignment", "--student", "bo", "--question", "relu-clarke",
                "--answer", "[0, 1]", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("correct (score 1.00, 1 of 1 point; attempt 1): Right")
    assert (tmp_path / "env.sqlite").exists()
    table = _cli("submissions", "export", "lecture_assignment", env=env)
    assert table.returncode == 0 and "bo,relu-clarke,\"[0, 1]\",1,1,yes,right,1," in table.stdout


@pytest.mark.parametrize(("rules", "args", "message"), [
    ("deadline = 2020-01-01T00:00:00Z\n", ("relu", "[0, 1]"),
     "The deadline of this assignment (2020-01-01 00:00 UTC) has passed; no more answers are "
     "taken."),
    ("", ("nope", "1"), "There is no question 'nope' in this assignment; its questions are "
                        "relu."),
    ("", ("relu", "[0, 1"), "The brackets in the answer do not match: every [ ( or { needs its "
                            "closing partner."),
], ids=["deadline", "unknown-question", "unreadable-answer"])
def test_refusals_are_exit_2_and_one_sentence(tmp_path, rules, args, message):
    toml = tmp_path / "hw.toml"
    toml.write_text(rules + '[[question]]\nid = "relu"\nfunction = "relu(x)"\npoint = "0"\n')
    db = f"sqlite:///{tmp_path / 'lab.sqlite'}"
    done = _submit(toml, db, "ann", *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")
    stats = json.loads(_cli("submissions", "stats", str(toml), "--db", db, "--json").stdout)
    assert stats["questions"][0]["attempts"] == 0  # nothing stored


def test_feedback_none_prints_no_verdict(tmp_path):
    toml = tmp_path / "quiet.toml"
    toml.write_text('feedback = "none"\ndeadline = 2099-01-01T00:00:00Z\n'
                    '[[question]]\nid = "relu"\nfunction = "relu(x)"\npoint = "0"\n')
    done = _submit(toml, f"sqlite:///{tmp_path / 'lab.sqlite'}", "ann", "relu", "[0, 2]",
                   "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "correct" not in data and "score" not in data and "diagnosis" not in data
    assert data["feedback"] == ("Your answer is recorded; feedback comes after the deadline "
                                "(2099-01-01 00:00 UTC).")


def test_an_unknown_assignment_or_a_broken_question_is_one_sentence(tmp_path):
    db = f"sqlite:///{tmp_path / 'lab.sqlite'}"
    missing = _cli("submissions", "stats", "no-such-sheet", "--db", db)
    assert missing.returncode == 2 and missing.stderr.startswith("No assignment 'no-such-sheet'")
    toml = tmp_path / "bad.toml"
    toml.write_text('[[question]]\nid = "q1"\nfunction = "abs(x"\npoint = "0"\n')
    broken = _submit(toml, db, "ann", "q1", "[0, 1]")
    assert broken.returncode == 2
    assert broken.stderr.startswith("Question 'q1', field 'function': The brackets do not match "
                                    "at column 4")
