"""Live questions: the lecturer opens one question of a class in a lecture, students answer it
from their phones through a short token, and the lecturer watches the tally.

A class has at most one open live question: ``open_live`` closes the previous one in the same
transaction (on PostgreSQL under a lock of the class's row, so two lecturers' clicks cannot leave
two open). A token is ``TOKEN_LENGTH`` characters of the classes' alphabet, drawn by ``secrets``
and never reused (the column is unique). Live answers are attempts, stored by ``submit`` under
``live_key`` (apart from the class's homework), graded in the sandbox under the class's attempt
limit and feedback mode; the homework's deadline does not apply, the lecturer's ``close_live``
ends the question. ``live_tally`` is counted by the database.

>>> from clarke_core.classroom import Store, create_class
>>> from clarke_core.grading import check_question
>>> with Store("sqlite://") as store:
...     code = create_class(store, '[[question]]\\nid = "q"\\nfunction = "relu(x)"\\npoint = "0"')
...     live = open_live(store, code, "q")
...     s = answer_live(store, live.token.lower(), "ann", "[0, 1]", grade=check_question)
...     t = answer_live(store, live.token, "bob", "0", grade=check_question)
...     tally = live_tally(store, live)
...     _ = close_live(store, live)
...     find_live(store, live.token)
Traceback (most recent call last):
...
clarke_core.errors.InputError: This live question is closed: ask your lecturer for the new link.
>>> len(live.token), s.attempt.correct, tally.answers, tally.right, tally.diagnoses
(5, True, 2, 1, (('one_value', 1),))
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

import sqlalchemy as sa

from ..errors import InputError
from ..grading import Assignment, Question, Verdict
from .classes import ALPHABET, ClassRecord, class_record, normal_code
from .schema import ATTEMPTS, CLASSES, LIVE
from .store import Store
from .submissions import Submission, sandboxed_grade, submit

TOKEN_LENGTH = 5
_TRIES = 20
RECORDED = "Your answer is recorded; your lecturer goes through the answers in class."
UNKNOWN = "There is no live question with this link: check it with your lecturer."
CLOSED = "This live question is closed: ask your lecturer for the new link."


@dataclass(frozen=True)
class LiveQuestion:
    """A question of a class opened live: its row ``id``, the ``token`` of its short link, the
    key its answers are stored under, and when it was opened and closed (None: still open)."""

    id: int
    class_code: str
    question: str
    token: str
    key: str
    opened_at: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class LiveTally:
    """What a live question's answers add up to: ``answers`` (attempts), ``right``,
    ``students``, wrong ``diagnoses`` and every distinct ``answer`` (whitespace aside) as
    (answer, correct, diagnosis, count); both most frequent first."""

    answers: int
    right: int
    students: int
    diagnoses: tuple[tuple[str, int], ...]
    by_answer: tuple[tuple[str, bool, str, int], ...]


def live_key(class_key: str, live_id: int) -> str:
    """The assignment key of a live question's answers: apart from the class's homework, and
    within the 100 characters of the column.

    >>> live_key("hw1", 7)
    'hw1/live/7'
    """
    tail = f"/live/{live_id}"
    return class_key[: 100 - len(tail)] + tail


def normal_token(text: str) -> str:
    """A typed or linked token as stored (``classes.normal_code``: upper-case, no spaces)."""
    return normal_code(text)


# A host as a browser reports it: a name or IPv4 address, or [IPv6], and an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
                   r"(?::\d{1,5})?")
_PATH = re.compile(r"/[A-Za-z0-9._~/-]{0,200}")


def live_link(page_url: str | None, token: str) -> str | None:
    """The short link students open: the lecturer's own page address (scheme, host, path; never
    typed text) with ``?t=TOKEN``; None when the address is not a plain http(s) one.

    >>> live_link("https://lab.example.org/live", "AB3DE")
    'https://lab.example.org/live?t=AB3DE'
    >>> live_link("http://127.0.0.1:8602/base/live?x=1#top", "AB3DE")
    'http://127.0.0.1:8602/base/live?t=AB3DE'
    >>> live_link("javascript:alert(1)//live", "AB3DE") is None
    True
    """
    try:
        parts = urlsplit(page_url or "")
    except ValueError:
        return None
    path = parts.path or "/"
    if (parts.scheme not in ("http", "https") or parts.username or parts.password
            or not _HOST.fullmatch(parts.netloc) or not _PATH.fullmatch(path)):
        return None
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode({"t": normal_token(token)}),
                       ""))


def open_live(store: Store, class_code: str, question_id: str, *,
              now: datetime | None = None) -> LiveQuestion:
    """Open question ``question_id`` of the class live with a new token, closing the class's
    open live question if there is one; an unknown class or question raises ``InputError``."""
    record = class_record(store, class_code)
    assignment = record.open()
    if assignment.question(question_id) is None:
        ids = ", ".join(q.id for q in assignment.questions)
        raise InputError(f"There is no question {question_id!r} in this class; its questions "
                         f"are {ids}.")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    for _ in range(_TRIES):
        token = "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))
        try:
            with store.engine.begin() as conn:
                # Serialises two opens of one class (PostgreSQL; SQLite's BEGIN IMMEDIATE
                # already does, and SQLAlchemy leaves FOR UPDATE out there).
                conn.execute(sa.select(CLASSES.c.code).where(CLASSES.c.code == record.code)
                             .with_for_update())
                conn.execute(LIVE.update().where(LIVE.c.class_code == record.code,
                                                 LIVE.c.closed_at.is_(None))
                             .values(closed_at=now))
                new_id = conn.execute(LIVE.insert().values(
                    class_code=record.code, question=question_id, token=token, opened_at=now)
                    .returning(LIVE.c.id)).scalar_one()
        except sa.exc.IntegrityError:
            continue  # that token was drawn before: draw another
        return LiveQuestion(new_id, record.code, question_id, token,
                            live_key(record.assignment, new_id), now)
    raise InputError("Could not find a free live token; try again.")


def close_live(store: Store, live: LiveQuestion, *, now: datetime | None = None) -> bool:
    """Close ``live``; whether it was still open."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with store.engine.begin() as conn:
        done = conn.execute(LIVE.update().where(LIVE.c.id == live.id, LIVE.c.closed_at.is_(None))
                            .values(closed_at=now))
    return done.rowcount == 1


def current_live(store: Store, class_code: str) -> LiveQuestion | None:
    """The class's open live question, if any (for the lecturer's view after a rerun)."""
    code = normal_code(class_code)
    query = (_with_class().where(LIVE.c.class_code == code, LIVE.c.closed_at.is_(None))
             .order_by(LIVE.c.id.desc()).limit(1))
    with store.engine.begin() as conn:
        row = conn.execute(query).mappings().first()
    return None if row is None else _live(row)


def find_live(store: Store, token: str) -> tuple[LiveQuestion, ClassRecord]:
    """The open live question with ``token`` (as typed or linked) and its class; an unknown or
    closed token raises ``InputError`` with one sentence that names no class or question."""
    wanted = normal_token(token)
    if not wanted or len(wanted) > 16 or any(c not in ALPHABET for c in wanted):
        raise InputError(UNKNOWN)
    query = _with_class().where(LIVE.c.token == wanted)
    with store.engine.begin() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise InputError(UNKNOWN)
    live = _live(row)
    if not live.is_open:
        raise InputError(CLOSED)
    return live, class_record(store, live.class_code)


def live_assignment(record: ClassRecord) -> Assignment:
    """The class's assignment as a live question takes answers: its attempt limit and feedback
    mode, without the homework's deadline (closing the live question ends it)."""
    assignment = record.open()
    return dataclasses.replace(assignment,
                               rules=dataclasses.replace(assignment.rules, deadline=None))


def answer_live(store: Store, token: str, student: str, answer: str, *,
                now: datetime | None = None,
                grade: Callable[[Question, str], Verdict] = sandboxed_grade) -> Submission:
    """Grade and store ``student``'s ``answer`` to the open live question ``token``; what the
    student is shown follows the class's feedback mode (``none``: only ``RECORDED``). Refused
    with one sentence (``InputError``): an unknown or closed token, no attempts left, an answer
    that cannot be read."""
    live, record = find_live(store, token)
    submission = submit(store, live.key, live_assignment(record), student, live.question,
                        answer, now=now, grade=grade)
    if submission.mode == "none":
        submission = dataclasses.replace(submission, shown=RECORDED)
    return submission


def live_tally(store: Store, live: LiveQuestion) -> LiveTally:
    """The answers to ``live`` so far, grouped and counted by the database (answers that
    differ only in whitespace are then merged)."""
    c = ATTEMPTS.c
    totals = (sa.select(sa.func.count(), sa.func.sum(sa.case((c.correct, 1), else_=0)),
                        sa.func.count(sa.distinct(c.student))).where(c.assignment == live.key))
    groups = (sa.select(c.answer, c.correct, c.diagnosis, sa.func.count())
              .where(c.assignment == live.key).group_by(c.answer, c.correct, c.diagnosis))
    with store.engine.begin() as conn:
        answers, right, students = conn.execute(totals).one()
        rows = conn.execute(groups).all()
    merged: dict[tuple[str, bool, str], int] = {}
    diagnoses: dict[str, int] = {}
    for answer, correct, diagnosis, count in rows:
        k = (" ".join(answer.split()), bool(correct), diagnosis)
        merged[k] = merged.get(k, 0) + count
        if not correct:
            diagnoses[diagnosis] = diagnoses.get(diagnosis, 0) + count
    by_answer = sorted(((a, ok, d, n) for (a, ok, d), n in merged.items()),
                       key=lambda r: (-r[3], r[0]))
    return LiveTally(int(answers or 0), int(right or 0), int(students or 0),
                     tuple(sorted(diagnoses.items(), key=lambda kv: (-kv[1], kv[0]))),
                     tuple(by_answer))


def _with_class() -> sa.Select:
    """Live questions with the key of their class's attempts."""
    return sa.select(LIVE, CLASSES.c.assignment).join(CLASSES,
                                                      CLASSES.c.code == LIVE.c.class_code)


def _live(row) -> LiveQuestion:
    opened, closed = (_utc(row["opened_at"]), _utc(row["closed_at"]))
    return LiveQuestion(row["id"], row["class_code"], row["question"], row["token"],
                        live_key(row["assignment"], row["id"]), opened, closed)


def _utc(when: datetime | None) -> datetime | None:
    if when is not None and when.tzinfo is None:  # SQLite keeps no time zone: UTC was written
        return when.replace(tzinfo=UTC)
    return when
