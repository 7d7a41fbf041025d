"""The classroom store: every attempt kept, in SQLite by default or any SQLAlchemy database.

The URL comes from the caller, else ``CLARKE_LAB_DATABASE_URL``, else ``DEFAULT_URL`` (a SQLite
file in ``data/`` beside the code, created on first use). Opening a store creates or migrates
its schema (``schema.migrate``).

Nothing is lost when many sessions write at once: SQLite runs in WAL mode with a busy timeout and
begins every transaction ``IMMEDIATE`` (writers queue instead of failing); an attempt's number is
unique per student and question, so ``record`` counts and inserts in one transaction and, if
another session took the number meanwhile (PostgreSQL raises an ``IntegrityError``), counts again.

>>> from datetime import UTC, datetime
>>> store = Store("sqlite://")
>>> a = store.record(NewAttempt("hw", "ann", "q1", "[0, 1]", True, 1.0, "right", "Right.",
...                             datetime(2026, 1, 1, tzinfo=UTC)), limit=2)
>>> a.number, store.count("hw", "ann", "q1"), store.attempts("hw")[0].answer
(1, 1, '[0, 1]')
>>> store.close()
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from ..errors import InputError
from .schema import ATTEMPTS, StoreError, migrate

URL_VARIABLE = "CLARKE_LAB_DATABASE_URL"
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'clarke_lab.sqlite'}"
BUSY_TIMEOUT_S = 30.0  # how long a SQLite writer waits for another one before giving up
RETRIES = 200  # recounts when another session took an attempt's number (PostgreSQL)
MAX_ANSWER_CHARS = 1000
MAX_STUDENT_CHARS = 200


@dataclass(frozen=True)
class NewAttempt:
    """An attempt to record: who, where, what was answered, and the grader's verdict."""

    assignment: str
    student: str
    question: str
    answer: str
    correct: bool
    score: float
    diagnosis: str
    feedback: str
    submitted_at: datetime
    variant: str | None = None


@dataclass(frozen=True)
class Attempt(NewAttempt):
    """A stored attempt: a ``NewAttempt`` with its row ``id`` and its ``number`` (1, 2, ... per
    student and question)."""

    id: int = 0
    number: int = 0


class AttemptLimitError(InputError):
    """The student has used every attempt the assignment allows at the question.

    >>> str(AttemptLimitError.at("ann", 1, "q"))
    "ann has used the one attempt allowed at question 'q'; no more answers are taken."
    """

    @classmethod
    def at(cls, student: str, limit: int, question: str) -> AttemptLimitError:
        return cls(f"{student} has used {used_up(limit)} at question {question!r}; no more "
                   "answers are taken.")


def used_up(limit: int) -> str:
    """The attempts a student has used when none is left, for a sentence.

    >>> used_up(1), used_up(3)
    ('the one attempt allowed', 'all 3 attempts allowed')
    """
    return "the one attempt allowed" if limit == 1 else f"all {limit} attempts allowed"


def database_url(url: str | None = None) -> str:
    """The URL to use: ``url``, else ``CLARKE_LAB_DATABASE_URL``, else ``DEFAULT_URL``.

    >>> database_url("sqlite://")
    'sqlite://'
    """
    return url or os.environ.get(URL_VARIABLE) or DEFAULT_URL


def shown_url(url: str) -> str:
    """The URL for messages, without its password.

    >>> shown_url("postgresql://lab:secret@db/lab")
    'postgresql://lab:***@db/lab'
    """
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an unreadable URL)"


def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"The database URL {url!r} is not a SQLAlchemy URL, such as "
                         "sqlite:///data/lab.sqlite or postgresql://user@host/db.") from None
    if parsed.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(parsed, pool_pre_ping=True)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as err:
            raise StoreError(f"The database URL {shown_url(url)} cannot be used ({err}).") from None
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # In memory: one connection, shared by the threads of this process (a test or a doctest).
    connect = {"timeout": BUSY_TIMEOUT_S} | ({"check_same_thread": False} if memory else {})
    engine = sa.create_engine(parsed, connect_args=connect,
                              poolclass=sa.pool.StaticPool if memory else None)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # sqlite3's own transaction handling would BEGIN late (DEFERRED, on the first write),
        # which lets two writers deadlock; the "begin" hook below begins instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now, waiting if need be

    return engine


class Store:
    """Attempts in a database: ``record`` one, ``count`` them, read them back (``attempts``)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine = _engine(self.url)
        try:
            self.version = migrate(self.engine)
        except sa.exc.OperationalError as err:
            self.engine.dispose()
            reason = " ".join(str(err.orig).split())[:300]
            raise StoreError(f"Cannot open the database at {shown_url(self.url)}: {reason}"
                             ) from None
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def count(self, assignment: str, student: str, question: str) -> int:
        """How many attempts the student has made at the question."""
        with self.engine.begin() as conn:
            return _last_number(conn, assignment, student, question)

    def record(self, attempt: NewAttempt, limit: int | None = None) -> Attempt:
        """Store ``attempt`` as the student's next one at its question; with ``limit``, refuse
        (``AttemptLimitError``) when that many are stored already. Counting and inserting are
        one transaction, so concurrent sessions never exceed the limit nor lose a row."""
        row = _row(attempt)
        for _ in range(RETRIES):
            try:
                with self.engine.begin() as conn:
                    last = _last_number(conn, row["assignment"], row["student"], row["question"])
                    if limit is not None and last >= limit:
                        raise AttemptLimitError.at(row["student"], limit, row["question"])
                    number = last + 1
                    new_id = conn.execute(ATTEMPTS.insert().values(**row, number=number)
                                          .returning(ATTEMPTS.c.id)).scalar_one()
            except sa.exc.IntegrityError:
                continue  # another session took this number first: count again
            return Attempt(**row, id=new_id, number=number)
        raise StoreError(f"Could not store the attempt after {RETRIES} tries: too many "
                         "sessions answered the same question at once.")

    def attempts(self, assignment: str, *, student: str | None = None,
                 question: str | None = None) -> list[Attempt]:
        """The attempts at an assignment, oldest first (optionally one student's, one
        question's)."""
        query = sa.select(ATTEMPTS).where(ATTEMPTS.c.assignment == assignment)
        if student is not None:
            query = query.where(ATTEMPTS.c.student == student)
        if question is not None:
            query = query.where(ATTEMPTS.c.question == question)
        with self.engine.begin() as conn:
            rows = conn.execute(query.order_by(ATTEMPTS.c.id)).mappings().all()
        return [_attempt(r) for r in rows]

    def wrong_answers(self, assignment: str) -> list[tuple[str, str, str, int]]:
        """(question, answer, diagnosis, count) of the wrong attempts, counted by the database."""
        c = ATTEMPTS.c
        query = (sa.select(c.question, c.answer, c.diagnosis, sa.func.count())
                 .where(c.assignment == assignment, c.correct.is_(False))
                 .group_by(c.question, c.answer, c.diagnosis))
        with self.engine.begin() as conn:
            return [tuple(r) for r in conn.execute(query).all()]

    def tally(self, assignment: str) -> dict[str, tuple[int, int, int]]:
        """Per question: (attempts, correct attempts, students), counted by the database."""
        c = ATTEMPTS.c
        query = (sa.select(c.question, sa.func.count(),
                           sa.func.sum(sa.case((c.correct, 1), else_=0)),
                           sa.func.count(sa.distinct(c.student)))
                 .where(c.assignment == assignment).group_by(c.question))
        with self.engine.begin() as conn:
            return {q: (n, int(right or 0), who) for q, n, right, who in conn.execute(query)}


def _last_number(conn: sa.Connection, assignment: str, student: str, question: str) -> int:
    c = ATTEMPTS.c
    query = sa.select(sa.func.max(c.number)).where(
        c.assignment == assignment, c.student == student, c.question == question)
    return conn.execute(query).scalar() or 0


def _row(attempt: NewAttempt) -> dict:
    """The columns of a new attempt, checked: names and answers of bounded length, an aware
    time (stored in UTC), a score in [0, 1]."""
    for name, value, limit in (("assignment", attempt.assignment, 100),
                               ("student", attempt.student, MAX_STUDENT_CHARS),
                               ("question", attempt.question, 64)):
        if not value or len(value) > limit:
            raise InputError(f"The {name} must be given, in at most {limit} characters.")
    if len(attempt.answer) > MAX_ANSWER_CHARS:
        raise InputError(f"The answer is longer than {MAX_ANSWER_CHARS} characters.")
    if attempt.submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be an aware datetime")
    if not 0.0 <= attempt.score <= 1.0:
        raise ValueError(f"score {attempt.score} is outside [0, 1]")
    return {"assignment": attempt.assignment, "student": attempt.student,
            "question": attempt.question, "answer": attempt.answer,
            "correct": bool(attempt.correct), "score": float(attempt.score),
            "diagnosis": attempt.diagnosis[:32], "feedback": attempt.feedback,
            "submitted_at": attempt.submitted_at.astimezone(UTC), "variant": attempt.variant}


def _attempt(row) -> Attempt:
    when = row["submitted_at"]
    if when.tzinfo is None:  # SQLite keeps no time zone: the store wrote UTC
        when = when.replace(tzinfo=UTC)
    fields = {k: row[k] for k in ("assignment", "student", "question", "answer", "correct",
                                  "score", "diagnosis", "feedback", "variant", "id", "number")}
    return Attempt(**fields, submitted_at=when)
