"""Submissions under an assignment's rules: ``submit`` one answer (graded in the sandbox, as the
Homework page grades it, then stored), and what a lecturer reads back: ``stats`` per question and
``grades_table``, each student's best attempt per question.

An answer that cannot be read (a syntax error, a forbidden word) is refused with the grader's
sentence and not stored: it uses no attempt. Past the deadline or the attempt limit, ``submit``
refuses with one sentence (``InputError``) before grading anything.

>>> from clarke_core.grading import load_assignment
>>> from clarke_core.classroom.store import Store
>>> a = load_assignment('attempts = 2\\nfeedback = "hint"\\n'
...                     '[[question]]\\nid = "q"\\nfunction = "relu(x)"\\npoint = "0"')
>>> with Store("sqlite://") as store:
...     first = submit(store, "hw", a, "ann", "q", "[0, 2]", grade=check_question)
...     second = submit(store, "hw", a, "ann", "q", "[0, 1]", grade=check_question)
...     third = submit(store, "hw", a, "ann", "q", "[0, 1]", grade=check_question)
Traceback (most recent call last):
...
clarke_core.classroom.store.AttemptLimitError: ann has used all 2 attempts allowed at ...
>>> first.shown, second.attempt.number, second.points
('Too large: part of your answer does not belong to the Clarke set.', 2, 1.0)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError, UndecidedError
from ..grading import (
    MAX_ASSIGNMENT_BYTES,
    Assignment,
    Question,
    Verdict,
    check_question,
    csv_cell,
    example_assignments,
    load_assignment,
    printable,
)
from .feedback import shown_feedback
from .store import (
    MAX_ANSWER_CHARS,
    MAX_STUDENT_CHARS,
    Attempt,
    AttemptLimitError,
    NewAttempt,
    Store,
)

GRADE_TIMEOUT_S = 10.0  # as the Homework page
GRADE_MEMORY_MB = 1536
UNDECIDED = ("The grader could not decide this answer exactly, and it does not guess: ask your "
             "teacher to check it by hand.")


@dataclass(frozen=True)
class Submission:
    """A stored attempt and what its student is shown (``shown``, under ``mode``)."""

    attempt: Attempt
    shown: str
    mode: str
    allowed: int | None
    max_points: float

    @property
    def points(self) -> float:
        return round(self.attempt.score * self.max_points, 4)


def open_assignment(name: str) -> tuple[str, Assignment]:
    """An assignment by TOML path or bundled name (``example_assignments``), and the key its
    attempts are stored under: the file's ``id``, else the file's name without ``.toml``.

    >>> key, a = open_assignment("lecture_assignment")
    >>> key, len(a.questions) > 5
    ('lecture_assignment', True)
    """
    bundled = example_assignments()
    path = Path(bundled.get(name, name))
    if not path.is_file():
        raise InputError(f"No assignment {name!r}: give a TOML file or one of "
                         f"{', '.join(bundled) or 'the bundled ones'}.")
    try:
        with path.open("rb") as f:
            data = f.read(MAX_ASSIGNMENT_BYTES + 1)
    except OSError as err:
        raise InputError(f"Cannot read {path}: {err.strerror or err}.") from None
    assignment = load_assignment(data)
    return assignment.id or path.stem, assignment


def sandboxed_grade(question: Question, answer: str) -> Verdict:
    """``check_question`` in a limited worker process, as the Homework page runs it."""
    from ..service import sandbox

    method = "fork" if threading.active_count() == 1 else "forkserver"
    return sandbox.run(check_question, question, answer, timeout=GRADE_TIMEOUT_S,
                       memory_mb=GRADE_MEMORY_MB, method=method)


def submit(store: Store, key: str, assignment: Assignment, student: str, question_id: str,
           answer: str, *, now: datetime | None = None,
           grade: Callable[[Question, str], Verdict] = sandboxed_grade) -> Submission:
    """Grade ``answer`` by ``student`` to question ``question_id`` and store it under ``key``.

    A question with parameters is graded as the student's variant (``question_for``), which
    the attempt keeps (``a=2, b=1/2``). Refused (``InputError``, nothing stored): an unknown
    question, a time at or past the deadline, no attempts left (``AttemptLimitError``), an
    answer that cannot be read.
    """
    rules = assignment.rules
    if assignment.question(question_id) is None:
        ids = ", ".join(q.id for q in assignment.questions)
        raise InputError(f"There is no question {question_id!r} in this assignment; its "
                         f"questions are {ids}.")
    student = " ".join(printable(student).split())
    if not student or len(student) > MAX_STUDENT_CHARS:
        raise InputError(f"Give the student's name, in at most {MAX_STUDENT_CHARS} characters.")
    question = assignment.question_for(question_id, student)  # their variant, graded exactly
    answer = printable(answer).strip()
    if len(answer) > MAX_ANSWER_CHARS:
        raise InputError(f"The answer is longer than {MAX_ANSWER_CHARS} characters.")
    now = now or datetime.now(UTC)
    if not rules.open_at(now):
        raise InputError(f"The deadline of this assignment ({rules.deadline:%Y-%m-%d %H:%M} UTC) "
                         "has passed; no more answers are taken.")
    if rules.attempts is not None and store.count(key, student, question.id) >= rules.attempts:
        raise AttemptLimitError.at(student, rules.attempts, question.id)
    try:
        verdict = grade(question, answer)
    except UndecidedError as err:  # its sentence may name the exact value
        raise InputError(UNDECIDED if rules.feedback != "full" else str(err)) from None
    attempt = store.record(NewAttempt(key, student, question.id, answer, verdict.correct,
                                      verdict.score, verdict.diagnosis, verdict.feedback, now,
                                      question.variant or None),
                           limit=rules.attempts)
    shown = shown_feedback(verdict, question.kind, rules.feedback, rules.deadline)
    return Submission(attempt, shown, rules.feedback, rules.attempts, question.points)


def _same_answer(answer: str) -> str:
    return " ".join(answer.split())


def stats(store: Store, key: str, assignment: Assignment) -> list[dict]:
    """Per question of the assignment: ``question``, ``attempts``, ``correct`` (attempts),
    ``students``, ``diagnoses`` (wrong attempts per diagnosis) and ``wrong``: the wrong answers
    (whitespace aside) with their diagnosis and count, most frequent first. A question with
    parameters counts every variant's attempts together (the diagnosis is what a lecturer
    reads), and also has ``variants``: ``{"variant", "attempts", "correct"}`` per variant."""
    tally = store.tally(key)
    wrong: dict[str, dict[tuple[str, str], int]] = {}
    for question, answer, diagnosis, count in store.wrong_answers(key):
        group = wrong.setdefault(question, {})
        k = (_same_answer(answer), diagnosis)
        group[k] = group.get(k, 0) + count
    out = []
    for q in assignment.questions:
        attempts, correct, students = tally.get(q.id, (0, 0, 0))
        answers = sorted(wrong.get(q.id, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        diagnoses: dict[str, int] = {}
        for (_, diagnosis), count in answers:
            diagnoses[diagnosis] = diagnoses.get(diagnosis, 0) + count
        out.append({"question": q.id, "attempts": attempts, "correct": correct,
                    "students": students,
                    "diagnoses": dict(sorted(diagnoses.items(), key=lambda kv: -kv[1])),
                    "wrong": [{"answer": a, "diagnosis": d, "count": n}
                              for (a, d), n in answers]})
        if q.parameters:
            out[-1]["variants"] = _per_variant(store.attempts(key, question=q.id))
    return out


def _per_variant(attempts: list[Attempt]) -> list[dict]:
    counts: dict[str, list[int]] = {}
    for a in attempts:
        tally = counts.setdefault(a.variant or "", [0, 0])
        tally[0] += 1
        tally[1] += a.correct
    return [{"variant": v, "attempts": n, "correct": c} for v, (n, c) in sorted(counts.items())]


def best_attempts(store: Store, key: str, assignment: Assignment) -> dict[tuple[str, str],
                                                                            tuple[Attempt, int]]:
    """(student, question) -> (the best attempt: highest score, earliest of equals; how many
    attempts), for the assignment's questions."""
    ids = {q.id for q in assignment.questions}
    best: dict[tuple[str, str], tuple[Attempt, int]] = {}
    for a in store.attempts(key):  # oldest first
        if a.question not in ids:
            continue
        k = (a.student, a.question)
        old, n = best.get(k, (a, 0))
        best[k] = (a if a.score > old.score else old, n + 1)
    return best


GRADES_COLUMNS = ("student", "question", "answer", "points", "max_points", "correct",
                  "diagnosis", "attempts", "submitted_at", "feedback", "variant")


def grades_table(store: Store, key: str, assignment: Assignment) -> tuple[str, int]:
    """Each student's best attempt per question, then a TOTAL row per student, as CSV text
    (every cell through ``csv_cell``); and the number of students. A question a student never
    answered is a row with 0 points and 0 attempts. ``variant`` is the student's variant of a
    question with parameters (empty otherwise)."""
    import csv
    import io

    best = best_attempts(store, key, assignment)
    students = sorted({s for s, _ in best})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GRADES_COLUMNS)
    for student in students:
        total = 0.0
        for q in assignment.questions:
            found = best.get((student, q.id))
            if found is None:
                variant = assignment.question_for(q.id, student).variant
                writer.writerow([csv_cell(student), csv_cell(q.id), "", "0", f"{q.points:g}",
                                 "no", "", "0", "", "No answer given.", csv_cell(variant)])
                continue
            a, n = found
            points = round(a.score * q.points, 4)
            total += points
            writer.writerow([csv_cell(student), csv_cell(q.id), csv_cell(a.answer),
                             f"{points:g}", f"{q.points:g}", "yes" if a.correct else "no",
                             csv_cell(a.diagnosis), str(n), a.submitted_at.isoformat(),
                             csv_cell(a.feedback), csv_cell(a.variant or "")])
        writer.writerow([csv_cell(student), "TOTAL", "", f"{round(total, 4):g}",
                         f"{assignment.total:g}", "", "", "", "", "", ""])
    return buffer.getvalue(), len(students)


def gradescope_export(store: Store, key: str, assignment: Assignment) -> dict:
    """Gradescope's ``results.json`` from each student's best stored attempt per question (a
    question never answered scores 0), as ``grading.gradescope_results`` writes it for a file.

    >>> from clarke_core.grading import load_assignment
    >>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "abs(x)"\\npoint = "0"')
    >>> with Store("sqlite://") as store:
    ...     _ = submit(store, "hw", a, "ann", "q", "[-1, 1]", grade=check_question)
    ...     gradescope_export(store, "hw", a)["score"]
    1.0
    """
    from ..grading.batch import BatchReport, GradedRow
    from ..grading.gradescope import gradescope_results

    best = best_attempts(store, key, assignment)
    rows, totals = [], {}
    for student in sorted({s for s, _ in best}):
        for q in assignment.questions:
            found = best.get((student, q.id))
            if found is None:
                rows.append(GradedRow(0, student, q.id, "", 0.0, q.points, False,
                                      "No answer given.", "no answer"))
                continue
            a = found[0]
            rows.append(GradedRow(0, student, q.id, a.answer, round(a.score * q.points, 4),
                                  q.points, a.correct, a.feedback, "graded"))
        totals[student] = round(sum(r.points for r in rows if r.student == student), 4)
    return gradescope_results(BatchReport(tuple(rows), totals, assignment.total))
