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

Refusals are remembered (per process, the last ``REFUSALS_KEPT`` calls, keyed by a digest of the
call and at most ``REFUSALS_BYTES`` in all): the same call refused
again answers at once with the same sentence instead of costing a worker. A parser or engine
refusal (``InputError`` from ``fn``) depends only on the input, so it is kept for good; "took too
long" is kept for ``TIMEOUT_KEPT`` seconds, and only when the worker spent most of its time on the
CPU (an input that is slow in itself, not one starved by a busy machine). Pages cache answers
with ``st.cache_data``, which never caches an exception: without this, a student who keeps
rerunning ``9**9**9``, or a class pasting one slow function, would cost a worker (or ten seconds
of a core) every time. "Too much memory" and "busy" are never remembered.

At most ``MAX_WORKERS`` workers run at once per process; further calls wait for a free slot (up to
``scheduler.QUEUE_WAIT`` seconds, then they are refused as "busy"), so many visitors cannot
fork-bomb the server. Calls made for an ``owner`` (a session: ``run(..., owner=...)`` or inside
``acting_for(owner)``) are scheduled fairly, so that a few students sending slow inputs cannot
hold every worker while another waits (the rules: ``scheduler``). Calls without an owner (the
command line, tests) each count as an owner of their own.

Whatever the worker writes to stdout or stderr is discarded (set ``CLARKE_DEBUG=1`` to keep it):
its answer is its return value, and a bug comes back as a ``WorkerError``.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import importlib
import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from typing import Any

from ..errors import InputError
from .fork_server import PRELOAD, WARM_IMPORTS, WARM_UP
from .scheduler import BUSY, REPLACED, Scheduler
from .worker import cpu_seconds, serve

__all__ = [
    "BUSY", "CPU_BOUND", "EXIT_GRACE", "MAX_WORKERS", "METHODS", "PRELOAD", "REFUSALS_BYTES",
    "REFUSALS_KEPT", "REFUSAL_OVERHEAD", "REPLACED", "STOPPED", "TIMEOUT_KEPT", "TOO_BIG",
    "TOO_LONG", "WARM_IMPORTS", "WARM_UP", "WorkerError", "acting_for", "forget",
    "remembered_bytes", "run", "scheduling",
]

MAX_WORKERS = 4
EXIT_GRACE = 2.0  # seconds a worker that has answered gets to exit before it is killed
METHODS = ("forkserver", "fork")
REFUSALS_KEPT = 256  # calls whose refusal is remembered, least recently used dropped first
REFUSALS_BYTES = 2**20  # and at most this many bytes of them (keys are digests, not the input)
REFUSAL_OVERHEAD = 200  # bytes counted per entry besides its payload (the dict, tuple, floats)
TIMEOUT_KEPT = 600.0  # seconds a "took too long" is remembered
CPU_BOUND = 0.8  # share of the timeout a killed worker must have spent on the CPU to be remembered


TOO_LONG = (
    "This took too long to compute (over {seconds:g} s); "
    "try a simpler function or a nearby point."
)
TOO_BIG = "This needs too much memory to compute; try a simpler function."
# A worker killed by someone else (most likely the kernel's out-of-memory killer).
STOPPED = ("This computation was stopped, most likely because it needed too much memory; try a "
           "simpler function.")


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
    owner: object = None,
    **kwargs: Any,
) -> Any:
    """``fn(*args, **kwargs)`` computed in a limited worker process; its (picklable) return value.

    ``fn`` must be a module-level function of an importable module, not of the main script (with
    ``"forkserver"`` it is pickled by reference, as are ``args`` and ``kwargs``). ``timeout``
    (wall clock, seconds), ``memory_mb`` (address space) and ``method`` (``"forkserver"`` or
    ``"fork"``, see the module docstring) and ``owner`` (whom the call is for, hashable; None: the
one set by ``acting_for``, if any) belong to ``run``; to pass keywords of those names to
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
    acting, cancelled = _acting.get()
    ticket = _scheduler().acquire(owner if owner is not None else acting, cancelled)
    timed_out = False
    try:
        return _run_in_worker(_context(method), fn, args, kwargs, timeout, memory_mb, key)
    except InputError as exc:
        timed_out = str(exc) == TOO_LONG.format(seconds=timeout)
        raise
    finally:
        _scheduler().release(ticket, timed_out=timed_out)


_acting: contextvars.ContextVar[tuple[object, Callable[[], bool] | None]] = (
    contextvars.ContextVar("clarke_sandbox_acting", default=(None, None)))


@contextlib.contextmanager
def acting_for(owner: object, cancelled: Callable[[], bool] | None = None) -> Iterator[None]:
    """Within this block, ``run`` calls are made for ``owner`` (a session id), unless they name
    one. ``cancelled``, when given, is asked while a call waits for a worker; once it says True
    the call gives up with ``REPLACED`` (the page is about to rerun anyway).

    >>> with acting_for("session-1"):
    ...     run(abs, -3)
    3
    """
    token = _acting.set((owner, cancelled))
    try:
        yield
    finally:
        _acting.reset(token)


def scheduling() -> Scheduler:
    """The process's scheduler, for tests and logs: ``events`` (("queued" | "started" | "done" |
    "replaced" | "gave up", owner, call number)), ``most_per_owner`` and ``most_slow``."""
    return _scheduler()


def forget() -> None:
    """Drop every remembered refusal and slow owner (for tests, or after the engine changed)."""
    global _refusal_bytes
    with _refusals_lock:
        _refusals.clear()
        _refusal_bytes = 0
    scheduler = _scheduler()
    with scheduler.cond:
        scheduler.slow_until.clear()


def remembered_bytes() -> int:
    """How many bytes the remembered refusals take, as counted against ``REFUSALS_BYTES``."""
    return _refusal_bytes


# --- remembered refusals -----------------------------------------------------------------------

_refusals: OrderedDict[bytes, tuple[float, bytes]] = OrderedDict()  # key -> (expiry, payload)
_refusal_bytes = 0  # what _refusals holds, by _entry_bytes
_refusals_lock = threading.Lock()


def _call_key(fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float,
              memory_mb: int, method: str) -> bytes | None:
    """A digest of the call (``fn`` by reference), or None when it does not pickle.

    A digest, not the pickle: a stranger's 5 MB text must not be kept because it was refused.
    """
    try:
        data = pickle.dumps((fn, args, sorted(kwargs.items()), timeout, memory_mb, method),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None
    return hashlib.blake2b(data, digest_size=32).digest()


def _entry_bytes(key: bytes, payload: bytes) -> int:
    return len(key) + len(payload) + REFUSAL_OVERHEAD


def _recall(key: bytes | None) -> bytes | None:
    if key is None:
        return None
    with _refusals_lock:
        expiry, payload = _refusals.get(key, (0.0, b""))
        if not payload:
            return None
        if expiry < time.monotonic():
            _drop(key)
            return None
        _refusals.move_to_end(key)
        return payload


def _remember(key: bytes | None, payload: bytes, seconds: float = math.inf) -> None:
    global _refusal_bytes
    if key is None or _entry_bytes(key, payload) > REFUSALS_BYTES // 16:
        return  # a refusal with a huge message is not worth keeping
    with _refusals_lock:
        if key in _refusals:
            _drop(key)
        _refusals[key] = (time.monotonic() + seconds, payload)
        _refusal_bytes += _entry_bytes(key, payload)
        while len(_refusals) > REFUSALS_KEPT or _refusal_bytes > REFUSALS_BYTES:
            _drop(next(iter(_refusals)))


def _drop(key: bytes) -> None:
    """Forget one refusal (the caller holds ``_refusals_lock``)."""
    global _refusal_bytes
    _, payload = _refusals.pop(key)
    _refusal_bytes -= _entry_bytes(key, payload)


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
_the_scheduler: Scheduler | None = None
_forkserver: multiprocessing.context.BaseContext | None = None


def _scheduler() -> Scheduler:
    global _the_scheduler
    with _lock:
        if _the_scheduler is None:
            _the_scheduler = Scheduler(MAX_WORKERS)
        return _the_scheduler


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
        target=serve, args=(sender, fn, args, kwargs, timeout, memory_mb), daemon=True
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
        if time.monotonic() - started >= cpu_seconds(timeout):
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
