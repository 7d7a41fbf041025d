"""The fork server's start: what it imports and runs once, so that its workers start warm.

``sandbox.run`` (method ``"forkserver"``) starts multiprocessing's fork server with ``PRELOAD``.
This module comes first in it: imported there (and only there), it turns off the workers'
re-run of the caller's ``__main__`` and runs ``WARM_IMPORTS`` and ``WARM_UP``. Imported anywhere
else it does nothing.
"""

from __future__ import annotations

import importlib
import signal
import sys
from multiprocessing import forkserver, spawn

# Imported once by the fork server, so that workers start warm. Only names that import in the
# calling process are passed on: the server would die on anything but an ImportError.
PRELOAD = (
    "clarke_core.service.fork_server",  # first: it switches off the workers' re-run of __main__
    "clarke_core.service.sandbox",
    "sympy",
    "numpy",
    "clarke_core.errors",
    "clarke_core.engine.sets",
    "clarke_core.engine.primitives",
    "clarke_core.engine.parsing",
    "clarke_core.api",
)

# Run once by the fork server after its imports, so that every worker it forks starts with the
# engine's modules imported and sympy's caches warm. A worker started cold spends ~150 ms of CPU
# redoing that work for a simple input that a warm one answers in ~20 ms (benchmarks/load.py).
# (module, function, args); fixed, tiny inputs that touch the parser and both engines. A warm-up
# that fails or takes over WARM_UP_LIMIT seconds is skipped: workers then just start colder.
WARM_UP = (
    ("clarke_core.views.explore_1d", "explore_1d", ("max(0, x) + abs(x - 1) - relu(-x)", "0")),
    ("clarke_core.views.explore_1d", "explore_1d",
     ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1")),
    ("clarke_core.views.explore_2d", "explore_2d", ("abs(x) + max(x, y)", "0, 0")),
)
WARM_IMPORTS = (  # the other modules whose functions the pages run in workers
    "clarke_core.labs.descent", "clarke_core.labs.euler", "clarke_core.views.comparison",
    "clarke_core.labs.properties", "clarke_core.views.piecewise_editor", "clarke_core.grading",
)
WARM_UP_LIMIT = 10.0


def _imported_by_fork_server() -> bool:
    """Whether this import is the fork server's preload (its ``main`` is on the stack)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back
    return False


def _keep_main(*_: object) -> None:
    """Stands in for ``spawn._fixup_main_from_path``/``_name`` in the fork server's workers."""


def _warm_up() -> None:
    """Import and run ``WARM_UP`` in the fork server (its main thread, before any fork), each
    step bounded by ``WARM_UP_LIMIT`` seconds of wall clock; never raises."""

    def too_long(*_: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, too_long)
    try:
        for name in WARM_IMPORTS:
            try:
                importlib.import_module(name)
            except Exception:  # a module half-way through an edit must not break the server
                pass
        for module, function, args in WARM_UP:
            signal.setitimer(signal.ITIMER_REAL, WARM_UP_LIMIT)
            try:
                getattr(importlib.import_module(module), function)(*args)
            except Exception:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


# A forkserver worker re-executes the caller's ``__main__`` script before it runs anything (Python
# 3.11 passes the path on, and its server never imports it once for all). In the app that script
# is app.py, which Streamlit installs as ``__main__``: every call would run the whole page. Workers
# need nothing from ``__main__`` (``fn`` lives in a module), so the server, and only the server,
# turns that step off for the workers it forks.
if _imported_by_fork_server():
    spawn._fixup_main_from_path = spawn._fixup_main_from_name = _keep_main
    _warm_up()
