"""The sandbox: answers come back, refusals keep their message, runaway workers die alone.

Workers unpickle ``fn`` by reference, so the helpers below are module-level: a worker imports
this module as ``test_sandbox`` (pyproject puts tests/ on the path, and the parent passes its
path on). Most tests run under both start methods.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from clarke_core.errors import InputError, UndecidedError
from clarke_core.service import fork_server, sandbox

REPO_ROOT = Path(__file__).resolve().parent.parent


# --- run in the worker (module level, so they pickle by reference) -----------------------------


def _add(a, b, *, c=0):
    return a + b + c


def _blob(n_bytes):
    return os.urandom(n_bytes)


def _refuse(cls, message):
    raise cls(message)


def _spin():
    while True:
        pass


def _sleep_then(value, seconds):
    time.sleep(seconds)
    return value


def _allocate(gigabytes):
    return len(bytearray(gigabytes * 2**30))


def _divide(a, b):
    return a / b


def _unpicklable():
    return threading.Lock()


def _die(signum):
    os.kill(os.getpid(), signum)
    time.sleep(10)


def _exit(code):
    os._exit(code)


def _limits():
    return resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)


def _note_then(path, outcome):
    """Append a line to ``path`` (so a test can count the workers that ran), then refuse,
    fail or answer."""
    with open(path, "a") as f:
        f.write("ran\n")
    if outcome == "refuse":
        raise InputError("Unknown name 'foo'.")
    if outcome == "bug":
        return 1 / 0
    return outcome


def _note_and_spin(path):
    with open(path, "a") as f:
        f.write("ran\n")
    while True:
        pass


def _loaded(names):
    return {name: name in sys.modules for name in names}


def _chatter():
    print("to stdout")
    print("to stderr", file=sys.stderr)
    os.write(1, b"straight to fd 1\n")
    return "done"


# --- tests -------------------------------------------------------------------------------------


@pytest.fixture(params=sandbox.METHODS)
def method(request) -> str:
    return request.param


@pytest.fixture(autouse=True)
def _no_remembered_refusals():
    # Each test sees workers run, not a refusal remembered from an earlier test.
    sandbox.forget()
    yield
    sandbox.forget()


def test_returns_the_value(method):
    assert sandbox.run(_add, 2, 3, c=4, method=method) == 9


def test_returns_a_large_value(method):
    # Bigger than a pipe buffer: the caller must read before it joins, or both wait forever.
    assert len(sandbox.run(_blob, 5 * 2**20, method=method)) == 5 * 2**20


@pytest.mark.parametrize("cls", [InputError, UndecidedError], ids=["InputError", "subclass"])
def test_reraises_input_error_with_class_and_message(method, cls):
    with pytest.raises(InputError) as info:
        sandbox.run(_refuse, cls, "The point must be a number.", method=method)
    assert type(info.value) is cls
    assert str(info.value) == "The point must be a number."


def test_infinite_loop_is_killed_within_timeout(method):
    start = time.monotonic()
    with pytest.raises(InputError, match=r"^This took too long to compute \(over 1 s\)"):
        sandbox.run(_spin, timeout=1, method=method)
    assert time.monotonic() - start < 2


def test_allocating_4_gb_is_refused(method):
    with pytest.raises(InputError, match="needs too much memory"):
        sandbox.run(_allocate, 4, method=method)


def test_worker_sets_its_limits(method):
    (as_soft, as_hard), (cpu_soft, cpu_hard) = sandbox.run(
        _limits, timeout=2.5, memory_mb=700, method=method
    )
    assert as_soft == as_hard == 700 * 2**20
    assert (cpu_soft, cpu_hard) == (math.ceil(2.5) + 1, math.ceil(2.5) + 2)
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY  # ours untouched


def test_bug_is_a_runtime_error_with_the_traceback(method):
    with pytest.raises(RuntimeError, match="ZeroDivisionError: division by zero") as info:
        sandbox.run(_divide, 1, 0, method=method)
    assert isinstance(info.value, sandbox.WorkerError)
    assert "_divide" in info.value.child_traceback


def test_unpicklable_result_is_a_bug(method):
    with pytest.raises(RuntimeError, match="cannot send the result back"):
        sandbox.run(_unpicklable, method=method)


@pytest.mark.parametrize(
    ("death", "message"),
    [
        (lambda m: sandbox.run(_die, signal.SIGXCPU, method=m), "took too long"),
        # The OOM killer's way: SIGKILL from someone other than the caller.
        (lambda m: sandbox.run(_die, signal.SIGKILL, method=m), "stopped, most likely"),
    ],
    ids=["cpu-limit-signal", "killed-by-kernel"],
)
def test_deaths_by_signal_are_refusals(method, death, message):
    with pytest.raises(InputError, match=message):
        death(method)


def test_unexplained_exit_is_a_bug(method):
    with pytest.raises(RuntimeError, match="exit code 3"):
        sandbox.run(_exit, 3, method=method)


def test_next_call_works_after_a_killed_worker(method):
    with pytest.raises(InputError, match="took too long"):
        sandbox.run(_spin, timeout=0.5, method=method)
    assert sandbox.run(_add, 1, 2, method=method) == 3


def test_worker_output_is_discarded(capfd):
    # fork: the worker inherits this process's captured fds, so anything it wrote would show.
    assert sandbox.run(_chatter, method="fork") == "done"
    assert capfd.readouterr() == ("", "")


def test_eight_threads_at_once_share_four_workers():
    since = sandbox.scheduling().seq
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: sandbox.run(_sleep_then, i, 0.3), range(8)))
    assert results == list(range(8))
    # Calls without an owner each count as their own: all eight run, at most MAX_WORKERS at once.
    assert sandbox.MAX_WORKERS == 4
    calls = {owner for _, owner, seq in list(sandbox.scheduling().events) if seq > since}
    assert len(calls) == 8
    assert _most_at_once(calls) == (4, 1)


def test_killed_workers_do_not_disturb_other_calls():
    def call(i: int):
        if i % 4 == 0:
            with pytest.raises(InputError, match="took too long"):
                sandbox.run(_spin, timeout=1)
            return "killed"
        return sandbox.run(_sleep_then, i, 0.1)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(8)))
    assert results == ["killed", 1, 2, 3, "killed", 5, 6, 7]


def test_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="method"):
        sandbox.run(abs, -1, method="spawn")


def test_workers_do_not_rerun_the_main_script(tmp_path):
    # Streamlit installs app.py as __main__; a forkserver worker would re-run it on every call.
    marker = tmp_path / "runs.txt"
    script = tmp_path / "main_without_guard.py"
    script.write_text(
        "from clarke_core.service import sandbox\n"
        f"with open({str(marker)!r}, 'a') as f:\n"
        "    f.write('ran\\n')\n"
        "print(sandbox.run(abs, -3), sandbox.run(abs, -4))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run([sys.executable, str(script)], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "3 4\n"), out.stderr
    assert marker.read_text() == "ran\n"


def test_unpicklable_function_fails_in_the_caller():
    with pytest.raises(Exception, match="pickle"):
        sandbox.run(lambda: 1)
    assert sandbox.run(_add, 1, 1) == 2


def test_calls_leak_no_file_descriptors_or_processes(method):
    sandbox.run(_add, 0, 0, method=method)  # the fork server, if any, is up before counting
    before = len(os.listdir("/proc/self/fd"))
    for i in range(10):
        sandbox.run(_add, i, i, method=method)
    with pytest.raises(InputError):
        sandbox.run(_spin, timeout=0.3, method=method)
    with pytest.raises(RuntimeError):
        sandbox.run(_divide, 1, 0, method=method)
    assert len(os.listdir("/proc/self/fd")) == before
    assert multiprocessing.active_children() == []


def test_fork_server_workers_start_with_the_engine_imported():
    # The fork server ran the warm-up before forking: a worker need not import the engine (or
    # fill sympy's caches) again for every call.
    names = sorted({m for m, _, _ in sandbox.WARM_UP} | set(sandbox.WARM_IMPORTS))
    assert sandbox.run(_loaded, names) == dict.fromkeys(names, True)
    assert sandbox.run(_loaded, names, method="fork") == _loaded(names)  # "fork": as the caller


def test_a_failing_or_hanging_warm_up_step_is_skipped(monkeypatch):
    monkeypatch.setattr(fork_server, "WARM_IMPORTS", ("clarke_core.no_such_module",))
    monkeypatch.setattr(fork_server, "WARM_UP", (
        ("time", "sleep", (60,)), ("clarke_core.no_such_module", "f", ()),
        ("math", "sqrt", (-1,)), ("test_sandbox", "_add", (1, 2))))
    monkeypatch.setattr(fork_server, "WARM_UP_LIMIT", 0.3)
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    fork_server._warm_up()
    assert time.monotonic() - started < 3
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def _runs(path) -> int:
    return path.read_text().count("ran") if path.exists() else 0


def test_a_refusal_is_remembered_and_raised_afresh(method, tmp_path):
    log = tmp_path / "log"
    errors = []
    for _ in range(3):
        with pytest.raises(InputError, match=r"^Unknown name 'foo'\.$") as info:
            sandbox.run(_note_then, str(log), "refuse", method=method)
        errors.append(info.value)
    assert _runs(log) == 1  # one worker; the other two calls were refused at once
    assert len({id(e) for e in errors}) == 3  # a fresh exception each time, not a shared one
    sandbox.run(_note_then, str(log), "other input", method=method)
    assert _runs(log) == 2  # a different call is computed
    sandbox.forget()
    with pytest.raises(InputError):
        sandbox.run(_note_then, str(log), "refuse", method=method)
    assert _runs(log) == 3


def test_answers_and_bugs_are_not_remembered(tmp_path):
    log = tmp_path / "log"
    for _ in range(2):
        assert sandbox.run(_note_then, str(log), "fine") == "fine"
        with pytest.raises(sandbox.WorkerError, match="ZeroDivisionError"):
            sandbox.run(_note_then, str(log), "bug")
    assert _runs(log) == 4


def test_a_cpu_bound_timeout_is_remembered_for_a_while(monkeypatch, tmp_path):
    # A low bar, so that the test holds on a machine busy with other work.
    monkeypatch.setattr(sandbox, "CPU_BOUND", 0.05)
    log = tmp_path / "log"
    for _ in range(2):
        with pytest.raises(InputError, match=r"^This took too long to compute \(over 1 s\)"):
            sandbox.run(_note_and_spin, str(log), timeout=1)
    assert _runs(log) == 1  # the second was refused at once, without a worker
    monkeypatch.setattr(sandbox, "TIMEOUT_KEPT", 0.0)  # expired: computed (and killed) again
    sandbox.forget()
    for _ in range(2):
        with pytest.raises(InputError, match="took too long"):
            sandbox.run(_note_and_spin, str(log), timeout=1)
        time.sleep(0.01)
    assert _runs(log) == 3


def test_a_timeout_spent_waiting_is_not_remembered():
    # The worker slept instead of computing: a busy machine, not a slow input, looks like this.
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(InputError, match="took too long"):
            sandbox.run(_sleep_then, 1, 60, timeout=0.3)
        assert time.monotonic() - started >= 0.3


def test_only_the_latest_refusals_are_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "REFUSALS_KEPT", 2)
    logs = [tmp_path / f"log{k}" for k in range(3)]
    for log in logs + logs[::-1]:  # a b c, then c b a: a was dropped when c came
        with pytest.raises(InputError):
            sandbox.run(_note_then, str(log), "refuse")
    assert [_runs(log) for log in logs] == [2, 1, 1]


def _oom_score() -> str:
    with open("/proc/self/oom_score_adj") as score:
        return score.read().strip()


@pytest.mark.skipif(not os.path.exists("/proc/self/oom_score_adj"), reason="Linux only")
def test_workers_are_the_out_of_memory_killers_first_choice():
    assert sandbox.run(_oom_score, method="fork") == "1000"
    assert _oom_score() != "1000"  # the caller keeps its own score


# --- fair scheduling: asserted on the scheduler's record, never on the clock --------------------


def _wait_for(gate, value, log=None):
    """Note that it ran (in ``log``), then wait until the file ``gate`` exists; return ``value``."""
    if log is not None:
        with open(log, "a") as f:
            f.write(f"{value}\n")
    while not os.path.exists(gate):
        time.sleep(0.01)
    return value


def _refuse_text(text, log):
    with open(log, "a") as f:
        f.write("ran\n")
    raise InputError("This function is too long.")


GUARD = 120.0  # seconds a test waits for the scheduler to reach a state before it gives up


def _events(owners):
    """The scheduler's record, for these owners only, as (event, owner)."""
    return [(event, owner) for event, owner, _ in list(sandbox.scheduling().events)
            if owner in owners]


def _until(condition):
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, "the scheduler never reached the expected state"
        time.sleep(0.02)


def _count(owners, event):
    return sum(e == event for e, _ in _events(owners))


def _call_in_thread(results, name, *args, **kwargs):
    def call():
        try:
            results[name] = sandbox.run(*args, **kwargs)
        except Exception as exc:  # the test reads what each caller got
            results[name] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread


def _most_at_once(owners):
    """The most calls of these owners that held a worker at the same time, and the most one
    owner held, replayed from the record."""
    running: dict[str, int] = {}
    most = most_one = 0
    for event, owner in _events(owners):
        if event == "started":
            running[owner] = running.get(owner, 0) + 1
        elif event == "done":
            running[owner] -= 1
        most = max(most, sum(running.values()))
        most_one = max(most_one, max(running.values(), default=0))
    return most, most_one


def test_a_quick_student_is_not_queued_behind_six_slow_sessions(tmp_path):
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    slow = [f"{s}-{tag}" for s in "ABCDEF"]
    quick = f"G-{tag}"
    owners = set(slow) | {quick}
    gate = tmp_path / "gate"
    results: dict[str, object] = {}
    threads = [_call_in_thread(results, f"{o}1", _wait_for, str(gate), f"{o}1", timeout=GUARD,
                               owner=o) for o in slow]
    _until(lambda: _count(owners, "started") == 4 and _count(owners, "queued") == 6)
    # The four running sessions ask again at once; then another student sends one quick job.
    running = [o for e, o in _events(owners) if e == "started"]
    threads += [_call_in_thread(results, f"{o}2", _wait_for, str(gate), f"{o}2", timeout=GUARD,
                                owner=o) for o in running]
    _until(lambda: _count(owners, "queued") == 10)
    threads.append(_call_in_thread(results, "G", _wait_for, str(tmp_path), "G", timeout=GUARD,
                                   owner=quick))
    _until(lambda: _count(owners, "queued") == 11)
    gate.touch()
    for thread in threads:
        thread.join(GUARD)
    assert results == {name: name for name in results} and len(results) == 11
    starts = [o for e, o in _events(owners) if e == "started"]
    second_starts = [i for i, o in enumerate(starts) if i >= 4 and o in running]
    assert starts.index(quick) < min(second_starts)  # G went before anyone's second job
    assert set(starts[4:7]) == set(slow) - set(running) | {quick}  # all first jobs, then seconds
    assert _most_at_once(owners) == (sandbox.MAX_WORKERS, 1)  # never two workers for one owner
    assert sandbox.scheduling().most_per_owner == 1


def _first_job_holding_its_worker(tmp_path):
    """A fresh owner whose job "first" runs (held by a file gate); its owner, gate, log, results
    and thread."""
    owner = f"A-{os.getpid()}-{time.monotonic_ns()}"
    gate, log = tmp_path / "gate", tmp_path / "log"
    results: dict[str, object] = {}
    first = _call_in_thread(results, "first", _wait_for, str(gate), "first", str(log),
                            timeout=GUARD, owner=owner)
    _until(lambda: _count({owner}, "started") == 1)
    return owner, gate, log, results, first


def test_asking_again_replaces_the_queued_job_which_never_runs(tmp_path):
    owner, gate, log, results, first = _first_job_holding_its_worker(tmp_path)
    second = _call_in_thread(results, "second", _wait_for, str(gate), "second", str(log),
                             timeout=GUARD, owner=owner)
    _until(lambda: _count({owner}, "queued") == 2)
    third = _call_in_thread(results, "third", _wait_for, str(gate), "third", str(log),
                            timeout=GUARD, owner=owner)
    second.join(GUARD)  # replaced: answered at once, while the first still holds its worker
    assert isinstance(results["second"], InputError)
    assert str(results["second"]) == sandbox.REPLACED
    assert "first" not in results
    gate.touch()
    first.join(GUARD)
    third.join(GUARD)
    assert results["first"] == "first" and results["third"] == "third"
    assert log.read_text().split() == ["first", "third"]  # the replaced job never ran
    assert ("replaced", owner) in _events({owner})


def test_a_waiting_call_gives_up_when_its_page_is_cancelled(tmp_path):
    owner, gate, log, results, first = _first_job_holding_its_worker(tmp_path)
    rerun = threading.Event()

    def waiting():
        with sandbox.acting_for(owner, cancelled=rerun.is_set):
            try:
                results["second"] = sandbox.run(_wait_for, str(gate), "second", str(log),
                                                timeout=GUARD)
            except InputError as exc:
                results["second"] = exc

    second = threading.Thread(target=waiting, daemon=True)
    second.start()
    _until(lambda: _count({owner}, "queued") == 2)
    rerun.set()
    second.join(GUARD)
    assert str(results["second"]) == sandbox.REPLACED
    gate.touch()
    first.join(GUARD)
    assert log.read_text().split() == ["first"]


def test_sessions_that_ran_out_of_time_leave_one_worker_free(tmp_path):
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    slow = [f"{s}-{tag}" for s in "ABCD"]
    quick = f"G-{tag}"
    owners = set(slow) | {quick}
    with ThreadPoolExecutor(4) as pool:  # each session's first input runs out of time
        for outcome in pool.map(
                lambda o: pytest.raises(InputError, sandbox.run, _sleep_then, 1, 60,
                                        timeout=0.5, owner=o), slow):
            assert "took too long" in str(outcome.value)
    gate = tmp_path / "gate"
    results: dict[str, object] = {}
    threads = [_call_in_thread(results, o, _wait_for, str(gate), o, timeout=GUARD, owner=o)
               for o in slow]
    _until(lambda: _count(owners, "queued") == 8 and _count(owners, "started") == 7)
    threads.append(_call_in_thread(results, quick, _wait_for, str(tmp_path), quick,
                                   timeout=GUARD, owner=quick))
    threads[-1].join(GUARD)
    assert results[quick] == quick  # answered while the four slow sessions still wait or run
    assert len([o for o in results if o != quick]) == 0
    gate.touch()
    for thread in threads:
        thread.join(GUARD)
    assert results == {o: o for o in owners}
    assert _most_at_once(owners)[1] == 1
    assert sandbox.scheduling().most_slow <= sandbox.MAX_WORKERS - 1


def test_refusals_are_kept_by_digest_within_a_byte_cap(tmp_path):
    log = tmp_path / "log"
    texts = [f"{k} " + "x" * 2**20 for k in range(24)]  # 24 distinct 1 MB inputs, all refused
    for text in texts:
        with pytest.raises(InputError, match="too long"):
            sandbox.run(_refuse_text, text, str(log))
    stored = sum(len(key) + len(payload) for key, (_, payload) in sandbox._refusals.items())
    assert stored <= sandbox.remembered_bytes() <= sandbox.REFUSALS_BYTES
    assert all(len(key) == 32 for key in sandbox._refusals)
    with pytest.raises(InputError, match="too long"):
        sandbox.run(_refuse_text, texts[-1], str(log))  # still remembered: no worker
    assert _runs(log) == len(texts)


def test_many_small_refusals_stay_under_the_byte_cap(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "REFUSALS_BYTES", 16 * (32 + 400 + sandbox.REFUSAL_OVERHEAD))
    log = tmp_path / "log"
    for k in range(40):
        with pytest.raises(InputError):
            sandbox.run(_refuse_text, str(k), str(log), method="fork")
        assert sandbox.remembered_bytes() <= sandbox.REFUSALS_BYTES
    assert 0 < len(sandbox._refusals) < 40
