"""Run untrusted math in a worker process with CPU, memory and wall-clock limits.

Parsing a stranger's text and handing it to sympy can hang (``9**9**9``), eat all memory or, if a
limit in the parser is missed, worse. The app and the command line therefore compute in a
separate process: the worker gets ``RLIMIT_AS`` and ``RLIMIT_CPU`` limits, and the caller kills
it with SIGKILL when the wall-clock ``timeout`` passes. A dead worker never takes the caller or
other calls with it.

Start methods (the ``method`` argument of ``run``):

- ``"forkserver"`` (default, for the Streamlit server): every worker is forked from one
  single-threaded server process that has already imported sympy, numpy and ``clarke_core``, so a
  call costs a fork (tens of ms) instead of a fresh import (~1 s), and it is safe to call from
  many threads. The server starts on the first call and keeps the modules it imported then:
  restart the app after editing ``clarke_core``. It is multiprocessing's process-wide forkserver;
  if other code started it first, its preload list is the one in effect. On Python 3.11 the
  server ignores the caller's ``sys.path``: start the app from the repo root (as ``make run``
  does) or put ``clarke_core`` on ``PYTHONPATH``, or workers start cold and re-run ``__main__``.
- ``"fork"``: fork the calling process itself. No server to start, so it suits one-shot
  single-threaded programs like the command line, which has imported the engine anyway. Never use
  it from a program with threads (forking a multi-threaded process can deadlock the child).

Refusals are remembered (per process, the last ``REFUSALS_KEPT`` calls): the same call refused
again answers at once with the same sentence instead of costing a worker. A parser or engine
refusal (``InputError`` from ``fn``) depends only on the input, so it is kept for good; "took too
long" is kept for ``TIMEOUT_KEPT`` seconds, and only when the worker spent most of its time on the
CPU (an input that is slow in itself, not one starved by a busy machine). Pages cache answers
with ``st.cache_data``, which never caches an exception: without this, a student who keeps
rerunning ``9**9**9``, or a class pasting one slow function, would cost a worker (or ten seconds
of a core) every time. "Too much memory" and "busy" are never remembered.

At most ``MAX_WORKERS`` workers run at once per process; further calls wait for a free slot (up to
``QUEUE_WAIT`` seconds, then they are refused as "busy"), so many visitors cannot fork-bomb the
server. Whatever the worker writes to stdout or stderr is discarded (set ``CLARKE_DEBUG=1`` to
keep it): its answer is its return value, and a bug comes back as a ``WorkerError``.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing import forkserver, spawn
from multiprocessing.connection import Connection, wait
from typing import Any

from .errors import InputError

MAX_WORKERS = 4
QUEUE_WAIT = 30.0  # seconds a call may wait for a free worker slot before it is refused
EXIT_GRACE = 2.0  # seconds a worker that has answered gets to exit before it is killed
METHODS = ("forkserver", "fork")
REFUSALS_KEPT = 256  # calls whose refusal is remembered, least recently used dropped first
TIMEOUT_KEPT = 600.0  # seconds a "took too long" is remembered
CPU_BOUND = 0.8  # share of the timeout a killed worker must have spent on the CPU to be remembered
# Imported once by the fork server, so that workers start warm. Only names that import in the
# calling process are passed on: the server would die on anything but an ImportError.
PRELOAD = (
    "clarke_core.sandbox",  # first: it switches off the workers' re-run of __main__ (below)
    "sympy",
    "numpy",
    "clarke_core.errors",
    "clarke_core.sets",
    "clarke_core.primitives",
    "clarke_core.parsing",
    "clarke_core.api",
)

# Run once by the fork server after its imports, so that every worker it forks starts with the
# engine's modules imported and sympy's caches warm. A worker started cold spends ~150 ms of CPU
# redoing that work for a simple input that a warm one answers in ~20 ms (benchmarks/load.py).
# (module, function, args); fixed, tiny inputs that touch the parser and both engines. A warm-up
# that fails or takes over WARM_UP_LIMIT seconds is skipped: workers then just start colder.
WARM_UP = (
    ("clarke_core.explore", "explore_1d", ("max(0, x) + abs(x - 1) - relu(-x)", "0")),
    ("clarke_core.explore", "explore_1d", ("Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))",
                                           "-1")),
    ("clarke_core.explore_2d", "explore_2d", ("abs(x) + max(x, y)", "0, 0")),
)
WARM_IMPORTS = (  # the other modules whose functions the pages run in workers
    "clarke_core.descent", "clarke_core.homogeneity", "clarke_core.comparison",
    "clarke_core.properties", "clarke_core.piecewise_editor", "clarke_core.grading",
)
WARM_UP_LIMIT = 10.0

TOO_LONG = (
    "This took too long to compute (over {seconds:g} s); "
    "try a simpler function or a nearby point."
)
TOO_BIG = "This needs too much memory to compute; try a simpler function."
# A worker killed by someone else (most likely the kernel's out-of-memory killer).
STOPPED = ("This computation was stopped, most likely because it needed too much memory; try a "
           "simpler function.")
BUSY = "The server is busy right now; try again in a moment."


class WorkerError(RuntimeError):
    """A bug in the worker: an exception other than ``InputError``, or an unexplained death.

    The message names the exception type and its message; ``child_traceback`` holds the worker's
    traceback as text, for logs only.
    """

    def __init__(self, message: str, child_traceback: str = "") -> None:
        super().__init__(message)
        self.child_traceback = child_traceback


def run(
    fn: Callable[..., Any],
    /,
    *args: Any,
    timeout: float = 5.0,
    memory_mb: int = 1536,
    method: str = "forkserver",
    **kwargs: Any,
) -> Any:
    """``fn(*args, **kwargs)`` computed in a limited worker process; its (picklable) return value.

    ``fn`` must be a module-level function of an importable module, not of the main script (with
    ``"forkserver"`` it is pickled by reference, as are ``args`` and ``kwargs``). ``timeout``
    (wall clock, seconds), ``memory_mb`` (address space) and ``method`` (``"forkserver"`` or
    ``"fork"``, see the module docstring) belong to ``run``; to pass keywords of those names to
    ``fn``, wrap it with ``functools.partial``.

    Raises the worker's ``InputError`` (same class, same message); ``InputError`` with a
    "took too long" message after ``timeout`` seconds or on the CPU limit (about
    ``ceil(timeout) + 1`` s of CPU), with a "too much memory" message on ``MemoryError`` or
    death by memory; ``WorkerError`` (a ``RuntimeError``) for any other exception in ``fn``.

    >>> run(abs, -3)
    3
    >>> run(divmod, 7, 2, method="fork")
    (3, 1)
    >>> import time
    >>> run(time.sleep, 60, timeout=0.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: This took too long to compute (over 0.5 s); ...
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if not (timeout > 0 and memory_mb > 0):
        raise ValueError("timeout and memory_mb must be positive")
    key = _call_key(fn, args, kwargs, timeout, memory_mb, method)
    refused = _recall(key)
    if refused is not None:
        return _unpack(refused)  # raises the remembered refusal, a fresh exception each time
    slots = _slots()
    if not slots.acquire(timeout=QUEUE_WAIT):
        raise InputError(BUSY)
    try:
        return _run_in_worker(_context(method), fn, args, kwargs, timeout, memory_mb, key)
    finally:
        slots.release()


def forget() -> None:
    """Drop every remembered refusal (for tests, or after the engine changed)."""
    with _refusals_lock:
        _refusals.clear()


# --- remembered refusals -----------------------------------------------------------------------

_refusals: OrderedDict[bytes, tuple[float, bytes]] = OrderedDict()  # key -> (expiry, payload)
_refusals_lock = threading.Lock()


def _call_key(fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float,
              memory_mb: int, method: str) -> bytes | None:
    """The call as bytes (``fn`` by reference), or None when it does not pickle."""
    try:
        return pickle.dumps((fn, args, sorted(kwargs.items()), timeout, memory_mb, method),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


def _recall(key: bytes | None) -> bytes | None:
    if key is None:
        return None
    with _refusals_lock:
        expiry, payload = _refusals.get(key, (0.0, b""))
        if not payload:
            return None
        if expiry < time.monotonic():
            del _refusals[key]
            return None
        _refusals.move_to_end(key)
        return payload


def _remember(key: bytes | None, payload: bytes, seconds: float = math.inf) -> None:
    if key is None:
        return
    with _refusals_lock:
        _refusals[key] = (time.monotonic() + seconds, payload)
        _refusals.move_to_end(key)
        while len(_refusals) > REFUSALS_KEPT:
            _refusals.popitem(last=False)


def _cpu_of(pid: int | None) -> float:
    """CPU seconds ``pid`` has used so far (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


# --- the calling side --------------------------------------------------------------------------

# Guards the lazy creation below, and every start and reaping of a worker: multiprocessing's
# start() polls the *other* live children, and two threads polling one forkserver child race for
# its exit code (the loser reads 255).
_lock = threading.Lock()
_semaphore: threading.BoundedSemaphore | None = None
_forkserver: multiprocessing.context.BaseContext | None = None


def _slots() -> threading.BoundedSemaphore:
    global _semaphore
    with _lock:
        if _semaphore is None:
            _semaphore = threading.BoundedSemaphore(MAX_WORKERS)
        return _semaphore


def _context(method: str) -> multiprocessing.context.BaseContext:
    global _forkserver
    if method != "forkserver":
        return multiprocessing.get_context(method)
    with _lock:
        if _forkserver is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_importable(PRELOAD))
            _forkserver = ctx
        return _forkserver


def _importable(names: tuple[str, ...]) -> list[str]:
    ok = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a module half-way through an edit must not break the sandbox
            continue
        ok.append(name)
    return ok


def _run_in_worker(
    ctx: multiprocessing.context.BaseContext,
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    timeout: float,
    memory_mb: int,
    key: bytes | None = None,
) -> Any:
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_serve, args=(sender, fn, args, kwargs, timeout, memory_mb), daemon=True
    )
    try:
        with _lock:
            worker.start()
    except BaseException:  # e.g. fn does not pickle: nothing started, nothing to wait for
        receiver.close()
        raise
    finally:
        # The worker holds its own copy; ours would hide the worker's death (no EOF).
        sender.close()
    started = time.monotonic()
    data: bytes | None = None
    killed = False
    reaped = False
    cpu = 0.0
    try:
        # Read before joining: a result bigger than the pipe buffer blocks the worker until read.
        if receiver.poll(timeout):  # an answer, or EOF because the worker died
            try:
                data = receiver.recv_bytes()
            except (EOFError, OSError):
                data = None
        # An answer leaves the worker a moment to exit; anything else only what is left of timeout.
        grace = EXIT_GRACE if data is not None else max(0.0, started + timeout - time.monotonic())
        if not wait([worker.sentinel], grace):
            if data is None:
                cpu = _cpu_of(worker.pid)
            worker.kill()
            killed = data is None
        wait([worker.sentinel])
        with _lock:
            worker.join()
            reaped = True
    finally:
        receiver.close()
        if not reaped:  # interrupted (KeyboardInterrupt): leave nothing behind
            worker.kill()
            with _lock:
                worker.join()
        exitcode = worker.exitcode
        worker.close()
    if data is not None:
        try:
            return _unpack(data)
        except InputError:
            if pickle.loads(data)[0] == "input":  # not "memory": that depends on the machine
                _remember(key, data)
            raise
    if killed or exitcode == -signal.SIGXCPU:
        message = TOO_LONG.format(seconds=timeout)
        if exitcode == -signal.SIGXCPU or cpu >= CPU_BOUND * timeout:
            _remember(key, pickle.dumps(("input", None, message)), TIMEOUT_KEPT)
        raise InputError(message)
    if exitcode == -signal.SIGKILL:
        # Not our kill: the kernel's, at the hard CPU limit or (the OOM killer) out of memory.
        if time.monotonic() - started >= _cpu_seconds(timeout):
            raise InputError(TOO_LONG.format(seconds=timeout))
        raise InputError(STOPPED)
    raise WorkerError(f"the worker died without answering (exit code {exitcode})")


def _unpack(data: bytes) -> Any:
    tag, *rest = pickle.loads(data)
    if tag == "ok":
        return rest[0]
    if tag == "input":
        pickled, message = rest
        try:
            error = pickle.loads(pickled) if pickled is not None else InputError(message)
        except Exception:  # an exception class that does not round-trip
            error = InputError(message)
        raise error
    if tag == "memory":
        raise InputError(TOO_BIG)
    kind, message, text = rest
    raise WorkerError(f"{kind}: {message}", child_traceback=text)


def _cpu_seconds(timeout: float) -> int:
    # The wall clock normally kills first; the CPU limit backs it up if the caller is stalled.
    return math.ceil(timeout) + 1


# --- the worker side ---------------------------------------------------------------------------


def _serve(
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
    cpu = _cpu_seconds(timeout)
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


# --- the fork server ---------------------------------------------------------------------------


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


# A forkserver worker re-executes the caller's ``__main__`` script before it runs anything (Python
# 3.11 passes the path on, and its server never imports it once for all). In the app that script
# is app.py, which Streamlit installs as ``__main__``: every call would run the whole page. Workers
# need nothing from ``__main__`` (``fn`` lives in a module), so the server, and only the server,
# turns that step off for the workers it forks.
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


if _imported_by_fork_server():
    spawn._fixup_main_from_path = spawn._fixup_main_from_name = _keep_main
    _warm_up()
