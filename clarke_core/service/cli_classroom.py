"""The classroom subcommands of the command line, on the classroom store.

::

    submit ASSIGNMENT --student NAME --question ID --answer A [--db URL] [--json]
    submissions stats ASSIGNMENT [--db URL] [--json]
    submissions export ASSIGNMENT [--out GRADES.csv] [--db URL] [--json]

ASSIGNMENT is a TOML path or the name of a bundled one; ``--db`` a SQLAlchemy URL (default:
``CLARKE_LAB_DATABASE_URL``, else the SQLite file in ``data/``). ``submit`` grades the answer in
the sandbox (to the student's own variant of a question with parameters, named in the output),
stores it and prints the verdict under the assignment's feedback rule; past the attempt limit or
the deadline it refuses (exit 2, one sentence). ``CLASSROOM_SUBCOMMANDS`` maps
each name to (help, arguments, answer) for ``cli.SUBCOMMANDS``; answers are ``cli.Answer``s.
"""

from __future__ import annotations

import argparse

from ..engine.printing import count_text


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="the database (default: "
                        "$CLARKE_LAB_DATABASE_URL, else data/clarke_lab.sqlite)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _submit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT",
                        help="a TOML file or a bundled assignment's name")
    parser.add_argument("--student", required=True, metavar="NAME", help="who answers")
    parser.add_argument("--question", required=True, metavar="ID", help="the question's id")
    parser.add_argument("--answer", required=True, metavar="A", help="the answer, e.g. '[0, 1]'")
    _db_argument(parser)


def submit(args: argparse.Namespace):
    """``submit``: grade one answer, store it, show the verdict under the feedback rule."""
    from ..classroom import Store, open_assignment
    from ..classroom import submit as record
    from .cli import Answer

    key, assignment = open_assignment(args.assignment)
    with Store(args.db) as store:
        s = record(store, key, assignment, args.student, args.question, args.answer)
    a = s.attempt
    of = f" of {s.allowed}" if s.allowed is not None else ""
    data = {"assignment": key, "student": a.student, "question": a.question,
            "variant": a.variant or "", "attempt": a.number, "attempts_allowed": s.allowed,
            "feedback_mode": s.mode, "feedback": s.shown}
    of += f"; variant {a.variant}" if a.variant else ""
    if s.mode == "none":
        return Answer(f"Recorded: attempt {a.number}{of}. {s.shown}", data)
    data |= {"correct": a.correct, "score": a.score, "points": s.points,
             "max_points": s.max_points, "diagnosis": a.diagnosis}
    text = (f"{'correct' if a.correct else 'not correct'} (score {a.score:.2f}, {s.points:g} of "
            f"{count_text(s.max_points, 'point')}; attempt {a.number}{of}): {s.shown}")
    return Answer(text, data)


def _submissions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("stats", "export"),
                        help="stats: per question; export: each student's best attempts")
    parser.add_argument("assignment", metavar="ASSIGNMENT",
                        help="a TOML file or a bundled assignment's name")
    parser.add_argument("--out", metavar="GRADES.csv", help="export: write here, not stdout")
    _db_argument(parser)


def submissions(args: argparse.Namespace):
    """``submissions stats|export``: what the stored attempts say, per question or student."""
    from ..classroom import Store, grades_table, open_assignment, stats
    from ..grading.batch import _write_file
    from .cli import Answer

    key, assignment = open_assignment(args.assignment)
    with Store(args.db) as store:
        if args.action == "stats":
            questions = stats(store, key, assignment)
        else:
            table, students = grades_table(store, key, assignment)
    if args.action == "stats":
        lines = [f"{q['question']}: {count_text(q['attempts'], 'attempt')} by "
                 f"{count_text(q['students'], 'student')}, "
                 f"{q['correct']} correct" + "".join(
                     f"\n  {w['count']} x {w['answer']} ({w['diagnosis'] or 'no diagnosis'})"
                     for w in q["wrong"][:10]) + _variants_line(q) for q in questions]
        return Answer("\n".join(lines), {"assignment": key, "questions": questions})
    data = {"assignment": key, "students": students, "out": args.out}
    if not args.out:
        return Answer(table.rstrip("\n"), data)
    _write_file(args.out, table)
    return Answer(f"Wrote the best attempts of {count_text(students, 'student')} at {key} to "
                  f"{args.out}.",
                  data)


def _variants_line(question: dict) -> str:
    """The per-variant counts of a question with parameters, on one line (up to 10)."""
    shown = [f"{v['variant']} ({v['correct']} of {v['attempts']})"
             for v in question.get("variants", [])[:10]]
    more = len(question.get("variants", [])) - len(shown)
    return (f"\n  variants: {'; '.join(shown)}" + (f"; {more} more" if more else "")
            if shown else "")


CLASSROOM_SUBCOMMANDS = {
    "submit": ("grade one answer to an assignment's question and store it", _submit_arguments,
               submit),
    "submissions": ("the stored attempts at an assignment: stats per question, or export",
                    _submissions_arguments, submissions),
}
