"""The sandbox's worker side: limit the process, compute, send one tagged tuple back.

``serve`` is the target of every worker process ``sandbox.run`` starts. The tuple it sends is
``("ok", value)``, ``("input", pickled InputError or None, message)``, ``("memory",)`` or
``("bug", type name, message, traceback)``; the caller turns it back into a value or an error.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..errors import InputError, numeric_limits


def cpu_seconds(timeout: float) -> int:
    """The worker's CPU limit in seconds for a wall-clock ``timeout``.

    >>> cpu_seconds(0.5)
    2
    """
    # The wall clock normally kills first; the CPU limit backs it up if the caller is stalled.
    return math.ceil(timeout) + 1


def serve(
    conn: Connection,
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    timeout: float,
    memory_mb: int,
) -> None:
    """The worker's main: limit itself, compute, send one tagged tuple back, exit."""
    _limit(timeout, memory_mb)
    if os.environ.get("CLARKE_DEBUG") != "1":
        _silence()
    try:
        with numeric_limits():  # overflow and runaway recursion come from the input's size
            payload: tuple = ("ok", fn(*args, **kwargs))
    except InputError as exc:
        payload = ("input", _pickle_or_none(exc), str(exc))
    except MemoryError:
        payload = ("memory",)
    except BaseException as exc:  # a bug: reported to the caller, not raised here
        payload = ("bug", type(exc).__name__, str(exc), traceback.format_exc())
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory",))
    except Exception as exc:  # an unpicklable return value is a bug too
        data = pickle.dumps(
            ("bug", type(exc).__name__, f"cannot send the result back: {exc}", "")
        )
    conn.send_bytes(data)
    conn.close()


def _limit(timeout: float, memory_mb: int) -> None:
    memory = memory_mb * 2**20
    _set_limit(resource.RLIMIT_AS, memory, memory)
    # SIGXCPU at the soft limit (its default action kills); SIGKILL a second later.
    cpu = cpu_seconds(timeout)
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    # SIGXCPU dumps core by default: a core file of a 1.5 GB process is the last thing we want.
    _set_limit(resource.RLIMIT_CORE, 0, 0)
    # Should the machine (or a container's limit) run out of memory, the kernel kills a worker
    # first, never the server with everyone's sessions. Raising one's own score needs no rights.
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("1000")
    except OSError:
        pass  # not Linux, or /proc is not there


def _set_limit(which: int, soft: int, hard: int) -> None:
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:  # an unprivileged process cannot raise its hard limit
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))


def _silence() -> None:
    # Both levels: C code writes to fds 1 and 2, and sys.stdout may not be fd 1 (captured output).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # open until the worker exits


def _pickle_or_none(exc: BaseException) -> bytes | None:
    try:
        return pickle.dumps(exc)
    except Exception:  # the caller falls back to a plain InputError
        return None
