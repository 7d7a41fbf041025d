"""Classes: a short code that students join with, standing for one assignment whose TOML text is
kept in the database (so every replica grades by the same file, and a restart keeps it).

A code is 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn by
``secrets``; it is typed in any case and with spaces or dashes, and compared upper-case.

>>> from clarke_core.classroom.store import Store
>>> with Store("sqlite://") as store:
...     code = create_class(store, 'id = "hw1"\\n[[question]]\\nid = "q"\\nfunction = "abs(x)"'
...                                '\\npoint = "0"')
...     key, assignment = find_class(store, code.lower())
...     len(code), key, assignment.questions[0].function, [c.code for c in classes(store)] == [code]
(6, 'hw1', 'abs(x)', True)
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ..errors import InputError
from ..grading import MAX_ASSIGNMENT_BYTES, Assignment, load_assignment
from .schema import CLASSES
from .store import Store

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_TRIES = 20


@dataclass(frozen=True)
class ClassRecord:
    """A stored class: its join code, the key its attempts are stored under, its TOML."""

    code: str
    assignment: str
    source: str
    created_at: datetime

    def open(self) -> Assignment:
        return load_assignment(self.source)


def normal_code(text: str) -> str:
    """A typed class code as stored: upper-case, without spaces or dashes.

    >>> normal_code(" ab-c 23k ")
    'ABC23K'
    """
    return re.sub(r"[\s\-]", "", text or "").upper()


def create_class(store: Store, source: str, *, key: str | None = None,
                 now: datetime | None = None) -> str:
    """Store a class for the assignment ``source`` (TOML text, checked by ``load_assignment``)
    and return its new code. Its attempts are stored under ``key``, else the file's ``id``,
    else the code itself."""
    if len(source.encode()) > MAX_ASSIGNMENT_BYTES:
        raise InputError(f"The assignment file is too large; the limit is "
                         f"{MAX_ASSIGNMENT_BYTES // 1000} kB.")
    assignment = load_assignment(source)
    now = now or datetime.now(UTC)
    for _ in range(_TRIES):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        row = {"code": code, "assignment": (key or assignment.id or code)[:100],
               "source": source, "created_at": now.astimezone(UTC)}
        try:
            with store.engine.begin() as conn:
                conn.execute(CLASSES.insert().values(**row))
        except sa.exc.IntegrityError:
            continue  # that code is taken: draw another
        return code
    raise InputError("Could not find a free class code; try again.")


def find_class(store: Store, code: str) -> tuple[str, Assignment]:
    """The key and assignment of the class with ``code`` (as typed); an unknown code raises
    ``InputError`` with one sentence that names no other class."""
    record = class_record(store, code)
    return record.assignment, record.open()


def class_record(store: Store, code: str) -> ClassRecord:
    wanted = normal_code(code)
    if not wanted or len(wanted) > 16:
        raise InputError("Type the class code your lecturer gave you (6 letters and digits).")
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(CLASSES).where(CLASSES.c.code == wanted)).mappings().first()
    if row is None:
        raise InputError(f"There is no class with the code {wanted}: check it with your "
                         "lecturer.")
    return _record(row)


def classes(store: Store) -> list[ClassRecord]:
    """Every class, newest first (for the lecturer's view)."""
    with store.engine.begin() as conn:
        rows = conn.execute(sa.select(CLASSES).order_by(CLASSES.c.created_at.desc(),
                                                        CLASSES.c.code)).mappings().all()
    return [_record(r) for r in rows]


def _record(row) -> ClassRecord:
    when = row["created_at"]
    if when.tzinfo is None:  # SQLite keeps no time zone: the store wrote UTC
        when = when.replace(tzinfo=UTC)
    return ClassRecord(row["code"], row["assignment"], row["source"], when)
