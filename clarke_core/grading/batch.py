"""Batch grading: a class's answers graded on the one sandbox (``service.sandbox``), in chunks of
answers to one question, each worker with a time and memory limit and a hard kill; and the
``grade`` subcommand that reads the files and writes the grades.

>>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "abs(x)"\\npoint = "0"')
>>> grade_batch(a, 'student,question,answer\\nbo,q,"[-1, 1]"\\n', processes=0).totals
{'bo': 1.0}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.printing import count_text
from ..errors import InputError
from .assignment import MAX_ASSIGNMENT_BYTES, Assignment, Question, check_question, load_assignment
from .check import _cached_degree, exact_set, question_problem
from .gradescope import gradescope_results
from .tables import MAX_CSV_BYTES, grades_csv, read_answers

ANSWER_TIMEOUT_S = 10.0  # per answer in a batch (first answer of a question computes its set)
WORKER_MEMORY_MB = 1536
CHUNK = 32  # answers to one question graded by one sandbox worker (its cached set serves them)
SPARE_S = 5.0  # seconds a sandbox call gets beyond its answers' own time limits


@dataclass(frozen=True)
class GradedRow:
    """One graded line of a class's answers file.

    ``status``: ``graded``, ``refused`` (the answer could not be read: 0 points, the reason as
    feedback), ``bad row`` (the line itself is wrong: unknown question, missing field, duplicate),
    ``no answer`` (a question the student did not answer) or ``error`` (a bug or a time-out).
    """

    line: int
    student: str
    question: str
    answer: str
    points: float
    max_points: float
    correct: bool
    feedback: str
    status: str


@dataclass(frozen=True)
class BatchReport:
    """Every row graded, and per student the points earned (out of ``assignment.total``)."""

    rows: tuple[GradedRow, ...]
    totals: dict[str, float]
    max_total: float

    @property
    def bad_rows(self) -> int:
        return sum(r.status == "bad row" for r in self.rows)

    @property
    def answers(self) -> int:
        """The rows that hold a student's answer (graded, refused or lost to an error)."""
        return sum(r.status in ("graded", "refused", "error") for r in self.rows)

    def summary(self) -> str:
        """What was graded and each student's total, in one sentence without its full stop.

        >>> row = GradedRow(2, "ann", "q", "[0, 1]", 1.0, 1.0, True, "Right.", "graded")
        >>> BatchReport((row,), {"ann": 1.0}, 1.0).summary()
        'Graded 1 answer of 1 student (0 bad rows); totals out of 1: ann 1'
        """
        return (f"Graded {count_text(self.answers, 'answer')} of "
                f"{count_text(len(self.totals), 'student')} "
                f"({count_text(self.bad_rows, 'bad row')}); totals out of {self.max_total:g}: "
                + ", ".join(f"{s} {t:g}" for s, t in self.totals.items()))


def _grade_task(task: tuple[Question, str, bool]) -> tuple[bool, float, str, str]:
    """Grade one answer in a batch worker: (correct, score, feedback, status); never raises."""
    import signal

    question, answer, cache = task
    if not cache:
        exact_set.cache_clear()
        question_problem.cache_clear()
        _cached_degree.cache_clear()

    def expire(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, ANSWER_TIMEOUT_S)
    try:
        verdict = check_question(question, answer)
        return verdict.correct, verdict.score, verdict.feedback, "graded"
    except InputError as err:
        return False, 0.0, str(err), "refused"
    except TimeoutError:
        return False, 0.0, f"This took too long to grade (over {ANSWER_TIMEOUT_S:g} s).", "error"
    except MemoryError:
        return False, 0.0, "This needed too much memory to grade.", "error"
    except Exception as err:  # noqa: BLE001 -- one bad answer must not stop the batch
        return False, 0.0, f"Internal error while grading ({type(err).__name__}).", "error"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def grade_batch(assignment: Assignment, answers_csv: str, *, processes: int = 2,
                cache: bool = True, progress=None) -> BatchReport:
    """Grade a class's answers (CSV text) against ``assignment``.

    ``processes`` sandbox workers at a time (each with a memory limit, a per-answer time limit
    and a hard kill; a worker that dies costs its one row; 0 grades in this process);
    ``cache=False`` recomputes each exact set for every answer (the benchmark's baseline).
    ``progress(done, total)`` is called as answers finish. A bad row is reported in the rows
    and never stops the batch.

    >>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "relu(x)"\\npoint = "0"')
    >>> r = grade_batch(a, 'student,question,answer\\nann,q,"[0, 1]"\\nann,q2,1\\n', processes=0)
    >>> [(row.status, row.points) for row in r.rows], r.totals
    ([('graded', 1.0), ('bad row', 0.0)], {'ann': 1.0})
    """
    rows = read_answers(answers_csv)
    slots: list[GradedRow | None] = []
    tasks: list[tuple[int, tuple[Question, str, bool]]] = []
    seen: set[tuple[str, str]] = set()
    students: list[str] = []
    for line, row in rows:
        if isinstance(row, str):
            slots.append(GradedRow(line, "", "", "", 0.0, 0.0, False, f"Line {line}: {row}.",
                                   "bad row"))
            continue
        student, qid, answer = row["student"], row["question"], row["answer"]
        question = assignment.question_for(qid, student)  # a variant per student
        problem = None
        if not student:
            problem = "no student name"
        elif question is None:
            problem = f"there is no question {qid!r} in the assignment"
        elif (student, qid) in seen:
            problem = f"a second answer by {student} to {qid}; the first one counts"
        if student and student not in students:
            students.append(student)
        if problem:
            slots.append(GradedRow(line, student, qid, answer, 0.0, 0.0, False,
                                   f"Line {line}: {problem}.", "bad row"))
            continue
        seen.add((student, qid))
        tasks.append((len(slots), (question, answer, cache)))
        slots.append(None)
    # Answers to one question next to each other: a worker's cached set serves the whole run.
    order = sorted(range(len(tasks)), key=lambda i: tasks[i][1][0].id)
    ordered = [tasks[i][1] for i in order]
    results = _run(ordered, processes, progress)
    for i, result in zip(order, results, strict=True):
        slot, (question, answer, _) = tasks[i]
        line = rows[slot][0]
        correct, score, feedback, status = result
        student = rows[slot][1]["student"]  # type: ignore[index]
        slots[slot] = GradedRow(line, student, question.id, answer,
                                round(score * question.points, 4), question.points, correct,
                                feedback, status)
    graded = [r for r in slots if r is not None]
    for student in students:
        for q in assignment.questions:
            if (student, q.id) not in seen:
                graded.append(GradedRow(0, student, q.id, "", 0.0, q.points, False,
                                        "No answer given.", "no answer"))
    totals = {s: round(sum(r.points for r in graded if r.student == s and r.status != "bad row"),
                       4) for s in students}
    return BatchReport(tuple(graded), totals, assignment.total)


def _run(tasks: list, processes: int, progress, grade=_grade_task) -> list:
    """``grade`` of every task, in order. With ``processes`` > 0, chunks of up to ``CHUNK``
    answers to one question go to the sandbox (``processes`` calls at a time), each with a time
    and memory limit and a hard kill: a chunk whose worker dies or runs out of time is graded
    again one answer per worker, so a dead worker costs one row, never the batch (a
    ``multiprocessing.Pool`` hangs for good when a worker dies, CPython bpo-22393)."""
    total = len(tasks)
    if processes <= 0 or total < 2:
        out = []
        for i, task in enumerate(tasks, 1):
            out.append(grade(task))
            if progress:
                progress(i, total)
        return out
    import threading
    from concurrent.futures import ThreadPoolExecutor, as_completed

    # A single-threaded program (the command line) forks itself, with the engine imported, as
    # its Pool did; a server with threads forks from the sandbox's fork server.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    chunks: list[list] = []
    for task in tasks:
        if chunks and len(chunks[-1]) < CHUNK and chunks[-1][-1][0] is task[0]:
            chunks[-1].append(task)
        else:
            chunks.append([task])
    results: list[list | None] = [None] * len(chunks)
    done = 0
    with ThreadPoolExecutor(processes) as pool:
        futures = {pool.submit(_graded_in_sandbox, grade, chunk, method): k
                   for k, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            done += len(chunks[k])
            if progress:
                progress(done, total)
    return [r for chunk in results for r in chunk or ()]


def _grade_chunk(grade, tasks: list) -> list:
    """In a sandbox worker: ``grade`` each task (answers to one question share its cached set)."""
    return [grade(task) for task in tasks]


def _graded_in_sandbox(grade, tasks: list, method: str) -> list:
    from ..service import sandbox

    try:
        return sandbox.run(_grade_chunk, grade, tasks, memory_mb=WORKER_MEMORY_MB,
                           timeout=len(tasks) * ANSWER_TIMEOUT_S + SPARE_S, method=method)
    except (InputError, RuntimeError) as err:
        if len(tasks) > 1:  # find the answer that killed the worker: one worker each
            return [row for task in tasks for row in _graded_in_sandbox(grade, [task], method)]
        return [(False, 0.0, _lost(err), "error")]


def _lost(err: Exception) -> str:
    """Why an answer has no grade, when its worker did not come back."""
    text = str(err)
    if "too long" in text:
        return f"This took too long to grade (over {ANSWER_TIMEOUT_S:g} s)."
    if "memory" in text:
        return "This needed too much memory to grade."
    if isinstance(err, InputError):
        return text
    code = re.search(r"exit code (-?\d+)", text)
    how = f"died (exit code {code[1]})" if code else f"failed ({text})"
    return f"The worker grading this answer {how}; it was not graded."


def grade_files(assignment_path: str, answers_path: str, out: str | None = None,
                gradescope: str | None = None) -> tuple[str, dict]:
    """The ``grade`` subcommand: read both files, grade, write the outputs.

    Returns the text to print (the grades CSV, or a summary when ``out`` is given) and the
    ``--json`` data. A progress bar goes to stderr when it is a terminal.
    """
    import json
    import sys

    assignment = load_assignment(_read_file(assignment_path, MAX_ASSIGNMENT_BYTES))
    answers = _read_file(answers_path, MAX_CSV_BYTES)
    try:
        text = answers.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{answers_path} is not UTF-8 text.") from None
    progress = _progress_bar(sys.stderr) if sys.stderr.isatty() else None
    report = grade_batch(assignment, text, progress=progress)
    table = grades_csv(report)
    if out:
        _write_file(out, table)
    if gradescope:
        _write_file(gradescope, json.dumps(gradescope_results(report), indent=2))
    data = {"students": report.totals, "max_total": report.max_total,
            "answers": report.answers, "bad_rows": report.bad_rows, "out": out,
            "gradescope": gradescope}
    return (report.summary() if out else table.rstrip("\n")), data


def _read_file(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise InputError(f"Cannot read {path}: {err.strerror or err}.") from None
    if len(data) > limit:
        raise InputError(f"{path} is too large; the limit is {limit // 1000} kB.")
    return data


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as err:
        raise InputError(f"Cannot write {path}: {err.strerror or err}.") from None


def _progress_bar(stream):
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} answers")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def example_assignments() -> dict[str, str]:
    """The example assignments shipped in ``assets/``: file stem -> path.

    >>> "lecture_assignment" in example_assignments()
    True
    """
    from pathlib import Path

    assets = Path(__file__).resolve().parents[2] / "assets"
    return {p.stem: str(p) for p in sorted(assets.glob("*.toml"))}
