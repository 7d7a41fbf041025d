"""Classroom storage: every attempt at an assignment kept in a database, under the assignment's
rules (attempts allowed, feedback mode, deadline), and read back per question and per student.

``store`` holds the database (SQLite by default, any SQLAlchemy URL from
``CLARKE_LAB_DATABASE_URL``), ``schema`` its tables and migrations, ``feedback`` what a student
is shown of a verdict, ``classes`` the join codes, ``access`` the lecturer's secret, and
``submissions`` the submit / stats / grades operations that the command line
(``service.cli_classroom``) and the pages call. ``live`` holds the questions opened live in a
lecture and answered through a short link.

>>> from clarke_core.grading import check_question, load_assignment
>>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "abs(x)"\\npoint = "0"')
>>> with Store("sqlite://") as store:
...     s = submit(store, "hw", a, "ann", "q", "[-1, 1]", grade=check_question)
...     stats(store, "hw", a)[0]["correct"]
1
"""

from __future__ import annotations

from .access import is_lecturer, lecturer_secret
from .classes import ClassRecord, class_record, classes, create_class, find_class, normal_code
from .feedback import HINTS, attempt_feedback, hint, shown_feedback
from .live import (
    LiveQuestion,
    LiveTally,
    answer_live,
    close_live,
    current_live,
    find_live,
    live_tally,
    open_live,
)
from .schema import LATEST, MIGRATIONS, StoreError, migrate
from .store import (
    DEFAULT_URL,
    URL_VARIABLE,
    Attempt,
    AttemptLimitError,
    NewAttempt,
    Store,
    database_url,
    used_up,
)
from .submissions import (
    Submission,
    best_attempts,
    grades_table,
    gradescope_export,
    open_assignment,
    sandboxed_grade,
    stats,
    submit,
)

__all__ = [
    "ClassRecord", "class_record", "classes", "create_class", "find_class", "is_lecturer",
    "lecturer_secret", "normal_code",
    "LiveQuestion", "LiveTally", "answer_live", "close_live", "current_live", "find_live",
    "live_tally", "open_live",
    "DEFAULT_URL", "HINTS", "LATEST", "MIGRATIONS", "URL_VARIABLE", "Attempt",
    "AttemptLimitError", "NewAttempt", "Store", "StoreError", "Submission", "attempt_feedback",
    "best_attempts", "gradescope_export",
    "database_url", "grades_table", "hint", "migrate", "open_assignment",
    "sandboxed_grade", "shown_feedback", "stats", "submit", "used_up",
]
