"""The tables of the classroom store and the ordered migrations that build them.

The database records its schema version in ``schema_version`` (one row). ``migrate`` brings any
older database up to ``LATEST`` in one transaction, under a lock, so that several processes
starting at once migrate it once: SQLite's ``BEGIN IMMEDIATE`` (the store's engine begins every
transaction so) or PostgreSQL's transaction-scoped advisory lock. A migration is written out as it
was on the day it was added (explicit DDL, never derived from ``ATTEMPTS``), so that an old
database is upgraded by exactly the steps a new one is built with.

>>> import sqlalchemy as sa
>>> engine = sa.create_engine("sqlite://")
>>> migrate(engine), migrate(engine)  # from nothing to LATEST, then nothing to do
(3, 3)
>>> sorted(c["name"] for c in sa.inspect(engine).get_columns("attempts")) == sorted(
...     ATTEMPTS.columns.keys())
True
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from ..errors import InputError

METADATA = sa.MetaData()

# What the code reads and writes: the table as the last migration leaves it.
ATTEMPTS = sa.Table(
    "attempts", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment", sa.String(100), nullable=False),
    sa.Column("student", sa.String(200), nullable=False),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, ... per student and question
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("feedback", sa.Text, nullable=False),  # the grader's full feedback, always
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("variant", sa.String(200), nullable=True),
    sa.Column("diagnosis", sa.String(32), nullable=False, server_default=""),
    sa.UniqueConstraint("assignment", "student", "question", "number",
                        name="attempts_one_number"),
)

# A class: the code students join with, and the assignment it runs (its TOML text, kept so that
# every replica grades by the same file).
CLASSES = sa.Table(
    "classes", METADATA,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("assignment", sa.String(100), nullable=False),  # the key its attempts are under
    sa.Column("source", sa.Text, nullable=False),  # the assignment's TOML
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# A question opened live in a lecture: students answer it through its short ``token``.
LIVE = sa.Table(
    "live", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_code", sa.String(16), nullable=False),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("token", sa.String(16), nullable=False, unique=True),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
)

_VERSION_DDL = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
_ADVISORY_KEY = 0x436C61726B65  # "Clarke": the PostgreSQL lock that serialises migrations


class StoreError(InputError):
    """The database cannot be used as it is (newer than this code, unreachable, bad URL)."""


def _v1_attempts(conn: sa.Connection) -> None:
    """Version 1: every attempt, numbered per student and question (the number is unique, so
    two sessions cannot both take the last allowed attempt)."""
    table = sa.Table(
        "attempts", sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assignment", sa.String(100), nullable=False),
        sa.Column("student", sa.String(200), nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("feedback", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assignment", "student", "question", "number",
                            name="attempts_one_number"),
    )
    table.create(conn)


def _v2_diagnosis_and_variant(conn: sa.Connection) -> None:
    """Version 2: the grader's diagnosis (for the lecturer's tally of wrong answers), the
    variant of a templated question (empty until variants exist), and an index for the
    per-question statistics."""
    conn.exec_driver_sql("ALTER TABLE attempts ADD COLUMN variant VARCHAR(200)")
    conn.exec_driver_sql("ALTER TABLE attempts ADD COLUMN diagnosis VARCHAR(32) NOT NULL "
                         "DEFAULT ''")
    conn.exec_driver_sql("CREATE INDEX attempts_by_question ON attempts (assignment, question)")


def _v3_classes_and_live(conn: sa.Connection) -> None:
    """Version 3: classes (a join code and its assignment's TOML) and live questions (one
    question of a class opened in a lecture, answered through a short token)."""
    conn.exec_driver_sql(
        "CREATE TABLE classes (code VARCHAR(16) PRIMARY KEY, assignment VARCHAR(100) NOT NULL, "
        "source TEXT NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)")
    serial = "SERIAL" if conn.dialect.name == "postgresql" else "INTEGER"
    conn.exec_driver_sql(
        f"CREATE TABLE live (id {serial} PRIMARY KEY, class_code VARCHAR(16) NOT NULL, "
        "question VARCHAR(64) NOT NULL, token VARCHAR(16) NOT NULL UNIQUE, "
        "opened_at TIMESTAMP WITH TIME ZONE NOT NULL, closed_at TIMESTAMP WITH TIME ZONE)")


# MIGRATIONS[k] takes a database from version k to k + 1. Append only; never edit one.
MIGRATIONS: tuple[Callable[[sa.Connection], None], ...] = (
    _v1_attempts,
    _v2_diagnosis_and_variant,
    _v3_classes_and_live,
)
LATEST = len(MIGRATIONS)


def version(conn: sa.Connection) -> int:
    """The schema version of the database (0: a database this code has never touched)."""
    conn.exec_driver_sql(_VERSION_DDL)
    found = conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all()
    return max(found, default=0)


def migrate(engine: sa.Engine, target: int = LATEST) -> int:
    """Bring the database up to ``target`` (default ``LATEST``); its version afterwards.

    A database newer than this code raises ``StoreError``: running old code on it could write
    rows the new schema does not expect.
    """
    if not 0 <= target <= LATEST:
        raise ValueError(f"target must be 0 to {LATEST}, not {target}")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
        found = version(conn)
        if found > LATEST:
            raise StoreError(f"The database has schema version {found}, newer than this Clarke "
                             f"Lab's {LATEST}: update Clarke Lab before using it.")
        for step in MIGRATIONS[found:target]:
            step(conn)
        if target > found:
            conn.exec_driver_sql("DELETE FROM schema_version")
            conn.execute(sa.text("INSERT INTO schema_version (version) VALUES (:v)"),
                         {"v": target})
        return max(found, target)
