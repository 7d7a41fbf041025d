"""`make load`, the live part: a class of students answering one live question through its short
link while the lecturer's view is open, against a test server of the app on loopback.

The probe starts its own server (serve.py, the agent API on) with a fresh SQLite store in a temp
folder and a lecturer's secret of its own, makes a class of the lecture's assignment in that
store, and then:

- the lecturer is a WebSocket client that does what a browser does on /live: types the secret,
  presses "Open live", and reruns the histogram's fragment whenever the server's ``auto_rerun``
  interval says (every 3 s), reading the count the headline shows each time;
- each student is an agent-API session: opens ``/live?t=TOKEN``, types a name, then sends
  ``answers`` answers (a mix of right ones and the usual mistakes) with a think time between;
  every answer is one timed request (graded in the sandbox and stored before the page answers),
  and every snapshot is checked (no exception, the verdict of the student's own answer, the
  student's own name, never another's).

At the end the probe counts the stored attempts in the database and compares them with the
answers sent; it waits for one more fragment run and checks that the lecturer's headline shows
that count. Bounded: every student stops after ``answers`` answers or at ``seconds``, and the
server is always stopped.

    python -m benchmarks.load --live 60 [--answers 2] [--ramp 15] [--think 4 15] [--seconds 120]

Target (issue 14): 60 students on one replica, p95 answer latency <= 1 s, nothing lost (stored
count == sent count), the lecturer's view shows every answer. Exit status 1 when an answer was
lost, a snapshot was wrong, or the lecturer's view fell behind.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from clarke_core.classroom import Store, create_class, current_live, live_tally

from . import app_server
from .load import (
    REPO,
    TARGET_P95_S,
    _code,
    _loadavg,
    _short,
    _walk,
    interact,
    percentile,
    start_server,
    tree_cpu,
    wait_healthy,
)
from .table import Row

TARGET_STUDENTS = 60
QUESTION = "relu-clarke"  # of assets/lecture_assignment.toml: f = relu(x) at 0, [0, 1]
# What a class types for the Clarke set of relu at 0: the right set, and the usual mistakes
# (one autodiff value, the open interval, backwards, the end points only, too large).
ANSWERS = ("[0, 1]", "[0, 1]", "[0,1]", "0", "1", "(0, 1)", "[1, 0]", "{0, 1}", "[0, 2]",
           "[-1, 1]")
RIGHT = {"[0, 1]", "[0,1]"}
# A share of answers no one else types (a number of the student's own, always wrong: too small),
# so that the page's verdict cache cannot answer them and the grader runs in a worker.
OWN_SHARE = 0.25


def own_answer(index: int, k: int) -> str:
    return f"[0, 1 - 1/{1000 + 10 * index + k}]"

HEADLINE = re.compile(r"\*\*(\d+) answers? from (\d+) student")
SUBMIT = "form_submit_button"
ENV = ("CLARKE_LAB_DATABASE_URL", "CLARKE_LAB_LECTURER_SECRET")
SOLO = 999  # the student who answers alone before the class (the baseline), not counted


@dataclass
class LiveProbe:
    """The settings of one live run and everything it measured."""

    students: int = TARGET_STUDENTS
    answers: int = 2  # per student
    ramp: float = 15.0  # students open the link over this many seconds (scanning the QR code)
    think: tuple[float, float] = (4.0, 15.0)  # seconds before each answer, uniform
    seconds: float = 120.0  # no answer is sent after this
    seed: int = 0
    port: int = 0
    verbose: bool = True
    # measured
    token: str = ""
    opens: list[float] = field(default_factory=list)
    names: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # per answer sent and answered
    sent: int = 0
    answered: int = 0
    stored: int = -1  # the class's attempts in the database (the solo student's aside)
    stored_all: int = -1  # every attempt at the live question
    first_sent: float = 0.0
    last_done: float = 0.0
    solo: list[float] = field(default_factory=list)
    fragment_runs: list[float] = field(default_factory=list)  # lecturer's fragment reruns, s
    interval: float = 0.0  # the fragment's run_every, as the server sent it
    shown_final: int = -1  # the count on the lecturer's headline after the last answer
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    load_before: str = ""
    load_after: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


# --- the lecturer: a browser's WebSocket traffic on /live -----------------------------------


class Lecturer:
    """The lecturer's browser tab: a ``StreamClient`` that logs in, opens the question live and
    reruns the tally fragment on the server's own interval."""

    def __init__(self, base: str, secret: str) -> None:
        self.base, self.secret = base, secret
        self.client = app_server.StreamClient(base, timeout=90)
        self.fragment, self.interval = "", 0.0

    def close(self) -> None:
        self.client.close()

    def _send(self, widgets: list[tuple[str, str, object]] = (), fragment: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.page_name, rerun.query_string = "live", ""
        rerun.context_info.url = f"{self.base}/live"  # as a browser reports its address
        if fragment:
            rerun.fragment_id, rerun.is_auto_rerun = fragment, True
        for widget_id, kind, value in widgets:
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            setattr(state, kind, value)
        self.client.send(msg)

    def _finish(self, fragment: bool = False) -> list:
        """The elements of the next run that finishes; notes the fragment's auto-rerun."""
        elements, deadline = [], time.monotonic() + self.client.timeout
        done = ("FINISHED_FRAGMENT_RUN_SUCCESSFULLY" if fragment else "FINISHED_SUCCESSFULLY")
        while True:
            msg = self.client.receive(max(0.1, deadline - time.monotonic()))
            kind = msg.WhichOneof("type")
            if kind == "auto_rerun":
                self.fragment, self.interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                elements.append(msg.delta.new_element)
            elif kind == "script_finished":
                status = msg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == done:
                    return elements
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    raise RuntimeError("the live page did not compile")
                elements = []  # finished early for a rerun: the next run counts

    @staticmethod
    def _find(elements: list, kind: str, label: str) -> str:
        for e in elements:
            if e.WhichOneof("type") == kind and getattr(e, kind).label == label:
                return getattr(e, kind).id
        raise RuntimeError(f"the lecturer's page has no {kind} {label!r}")

    def open_question(self) -> None:
        """Log in and press "Open live" (the class's first question is selected)."""
        self._send()
        page = self._finish()
        self._send([(self._find(page, "text_input", "Lecturer's secret"), "string_value",
                     self.secret), (self._find(page, "button", "Enter"), "trigger_value", True)])
        page = self._finish()
        self._send([(self._find(page, "button", "Open live"), "trigger_value", True)])
        self._finish()
        if not self.fragment:
            raise RuntimeError("the lecturer's page started no auto-rerunning fragment")

    def tally_run(self) -> tuple[float, int]:
        """One rerun of the fragment, as the browser's timer sends it: (seconds, the count of
        answers its headline shows)."""
        started = time.perf_counter()
        self._send(fragment=self.fragment)
        elements = self._finish(fragment=True)
        seconds = time.perf_counter() - started
        for e in elements:
            if e.WhichOneof("type") == "markdown" and (m := HEADLINE.search(e.markdown.body)):
                return seconds, int(m.group(1))
        raise RuntimeError("the lecturer's fragment showed no headline")


def watch(probe: LiveProbe, lecturer: Lecturer, stop: threading.Event) -> None:
    """Rerun the fragment every ``interval`` s until ``stop`` (bounded by the probe's time)."""
    deadline = time.monotonic() + probe.seconds + 120
    try:
        while not stop.wait(lecturer.interval) and time.monotonic() < deadline:
            seconds, _ = lecturer.tally_run()
            probe.fragment_runs.append(seconds)
    except Exception as exc:  # reported; the class goes on
        probe.error(f"lecturer: {type(exc).__name__}: {exc}")


# --- the students: agent-API sessions ---------------------------------------------------------


def _actions(snap: dict) -> dict[str, str]:
    return {a.get("key"): a.get("type") for a in snap.get("actions", ())}


def _alerts(snap: dict) -> list[tuple[str, str]]:
    return [(n["type"], str((n.get("props") or {}).get("body", "")))
            for n in _walk(snap.get("tree", {}))
            if n.get("type") in ("success", "warning", "info", "error", "exception")]


def _value(snap: dict, key: str):
    return next((n.get("value") for n in _walk(snap.get("tree", {})) if n.get("key") == key),
                None)


def _name(index: int) -> str:
    return f"student {index:02d}"


def student(probe: LiveProbe, base: str, index: int, start_at: float, deadline: float,
            timed: bool = True) -> None:
    """One student: open the link, type a name, send ``probe.answers`` answers."""
    rng = random.Random(probe.seed * 1000 + index)
    name = _name(index)
    time.sleep(max(0.0, start_at - time.monotonic()))
    started = time.perf_counter()
    status, snap = interact(base, {"page": "live", "query_params": {"t": [probe.token]}})
    opened = time.perf_counter() - started
    if status != 200 or "live_name" not in _actions(snap):
        probe.error(f"{name}: open: HTTP {status} {_code(snap)} {_short(_alerts(snap))}")
        return
    session = snap["session_id"]
    time.sleep(rng.uniform(1.0, 3.0) if timed else 0.0)  # typing the name
    started = time.perf_counter()
    status, snap = interact(base, {"session_id": session, "widget_state": {"live_name": name}})
    named = time.perf_counter() - started
    submit = next((k for k, t in _actions(snap).items() if t == SUBMIT), None)
    if status != 200 or submit is None or "live_answer" not in _actions(snap):
        probe.error(f"{name}: name: HTTP {status} {_code(snap)} {_short(_alerts(snap))}")
        return
    if timed:
        with probe.lock:
            probe.opens.append(opened)
            probe.names.append(named)
    for k in range(probe.answers):
        time.sleep(rng.uniform(*probe.think) if timed else 0.0)
        if time.monotonic() > deadline:
            return
        answer = own_answer(index, k) if rng.random() < OWN_SHARE else rng.choice(ANSWERS)
        sent_at = time.monotonic()
        if timed:
            with probe.lock:
                probe.sent += 1
                probe.first_sent = probe.first_sent or sent_at
        started = time.perf_counter()
        status, snap = interact(base, {"session_id": session,
                                       "widget_state": {"live_answer": answer},
                                       "trigger": {"key": submit}})
        seconds = time.perf_counter() - started
        problem = _check(snap, status, name, answer)
        with probe.lock:
            if problem:
                probe.errors.append(f"{name} answering {answer!r}: {problem}")
            elif not timed:
                probe.solo.append(seconds)
            else:
                probe.answered += 1
                probe.latencies.append(seconds)
                probe.last_done = max(probe.last_done, time.monotonic())


def _check(snap: dict, status: int, name: str, answer: str) -> str:
    """Why the snapshot of an answer is wrong (empty: it is right)."""
    if status != 200:
        return f"HTTP {status} {_code(snap)}"
    alerts = _alerts(snap)
    if _value(snap, "live_name") != name or _value(snap, "live_answer") != answer:
        return "the page shows another session's name or answer"
    if len(alerts) != 1:
        return f"expected one verdict, saw {_short(alerts)}"
    kind, body = alerts[0]
    expected = "success" if answer in RIGHT else "warning"
    if kind != expected:
        return f"shown as {kind}, not {expected}: {_short(body)}"
    return ""


# --- the run -----------------------------------------------------------------------------------


def run_live(probe: LiveProbe) -> LiveProbe:
    """Start a server with a store of its own, open the question, run the class, count the
    stored answers, stop the server; fills ``probe`` in place."""
    say = print if probe.verbose else (lambda *a, **k: None)
    port = probe.port or app_server.free_port()
    base = f"http://{app_server.HOST}:{port}"
    log_path = REPO / "artifacts" / f"load-live-server-{port}.log"
    secret = secrets.token_urlsafe(16)
    probe.load_before = _loadavg()
    with tempfile.TemporaryDirectory(prefix="clarke-live-") as folder:
        url = f"sqlite:///{Path(folder) / 'lab.sqlite'}"
        with Store(url) as store:
            code = create_class(store, (REPO / "assets" / "lecture_assignment.toml").read_text())
        proc = start_server(port, probe.students, log_path,
                            env=dict(zip(ENV, (url, secret), strict=True)))
        stop, watcher, lecturer = threading.Event(), None, None
        try:
            wait_healthy(proc, base, log_path)
            lecturer = Lecturer(base, secret)
            lecturer.open_question()
            probe.interval = lecturer.interval
            with Store(url) as store:
                live = current_live(store, code)
            if live is None or live.question != QUESTION:
                raise RuntimeError("the lecturer's Open live opened no question")
            probe.token = live.token
            # Warm up (fork server, grader) and time one student alone: not counted below.
            student(probe, base, SOLO, 0.0, time.monotonic() + 60, timed=False)
            say(f"server on {base} (pid {proc.pid}), live question {live.token}; one student "
                f"alone: median {statistics.median(probe.solo or [float('nan')]):.2f} s per answer")
            watcher = threading.Thread(target=watch, args=(probe, lecturer, stop), daemon=True)
            watcher.start()
            rng = random.Random(probe.seed)
            now = time.monotonic()
            deadline = now + probe.seconds
            cpu_start = tree_cpu(proc.pid)
            threads = [threading.Thread(target=student, daemon=True, args=(
                probe, base, i, now + rng.uniform(0, probe.ramp), deadline))
                for i in range(probe.students)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
            probe.wall_seconds = time.monotonic() - now
            probe.cpu_seconds = tree_cpu(proc.pid) - cpu_start
            stop.set()
            watcher.join(timeout=120)
            _, probe.shown_final = lecturer.tally_run()  # after the last answer
            with Store(url) as store:
                probe.stored_all = live_tally(store, live).answers
                probe.stored = sum(a.student != _name(SOLO) for a in store.attempts(live.key))
        finally:
            stop.set()
            if lecturer is not None:
                lecturer.close()
            app_server.stop(proc)
            probe.load_after = _loadavg()
            if probe.errors:
                print(f"The server's log: {log_path}")
            else:
                log_path.unlink(missing_ok=True)
    return probe


def report_live(probe: LiveProbe) -> tuple[list[Row], bool]:
    """Print the figures and the verdict; the rows for the summary table and whether nothing
    was lost or wrong (the exit status)."""
    lo, hi = probe.think
    print(f"Live model: {probe.students} students open the short link over {probe.ramp:g} s, "
          f"type a name, then send {probe.answers} answer(s) each, {lo:g}–{hi:g} s apart, to "
          f"one live question (relu at 0) while the lecturer's view reruns its histogram every "
          f"{probe.interval:g} s; answers: {', '.join(sorted(set(ANSWERS)))}, and in "
          f"{OWN_SHARE:.0%} of them one no one else types ({own_answer(1, 0)}).")
    print(f"Machine: {os.cpu_count()} cores; load average before {probe.load_before}, after "
          f"{probe.load_after}")
    lat = probe.latencies
    p50 = percentile(lat, 50) if lat else float("nan")
    p95 = percentile(lat, 95) if lat else float("nan")
    span = max(probe.last_done - probe.first_sent, 1e-9)
    rate = probe.answered / span if lat else 0.0
    if probe.opens:
        print(f"Link open: p95 {percentile(probe.opens, 95):.2f} s; name typed: p95 "
              f"{percentile(probe.names, 95):.2f} s (n={len(probe.opens)})")
    if lat:
        print(f"Answers: {probe.answered} answered of {probe.sent} sent in {span:.1f} s = "
              f"{rate:.2f} submissions per second; latency p50 {p50:.2f} s, p95 {p95:.2f} s, "
              f"max {max(lat):.2f} s")
    lost = probe.stored != probe.sent
    print(f"Stored in the database: {probe.stored}; sent: {probe.sent}: "
          f"{'LOST ANSWERS' if lost else 'nothing lost'}")
    frag = probe.fragment_runs
    if frag:
        print(f"Lecturer's view: {len(frag)} fragment reruns, p50 {percentile(frag, 50):.2f} s, "
              f"p95 {percentile(frag, 95):.2f} s; its headline shows {probe.shown_final} "
              f"answer(s) at the end")
    behind = probe.shown_final != probe.stored_all
    print(f"Server CPU (incl. sandbox workers): {probe.cpu_seconds:.0f} s in "
          f"{probe.wall_seconds:.0f} s")
    print(f"Errors: {len(probe.errors)}")
    for e in probe.errors[:10]:
        print(f"  {e}")
    ok = not lost and not probe.errors and not behind and bool(lat)
    met = ok and p95 <= TARGET_P95_S and probe.students >= TARGET_STUDENTS
    print(f"Live verdict: {'MET' if met else 'MISSED'} — {probe.students} students, p95 "
          f"{p95:.2f} s (target ≤ {TARGET_P95_S:g} s), stored {probe.stored} of {probe.sent} "
          f"sent, lecturer's view {'up to date' if not behind else 'BEHIND'}")
    solo = statistics.median(probe.solo) if probe.solo else float("nan")
    rows = [
        Row(f"live: p95 answer, {probe.students} students", p95 * 1000, "ms",
            "one student alone, median", solo * 1000, f"≤ {TARGET_P95_S * 1000:.0f} ms",
            bool(lat) and p95 <= TARGET_P95_S),
        Row("live: answers stored", probe.stored, "count", "answers sent", probe.sent,
            "= sent", not lost, lower_is_better=False),
    ]
    return rows, ok
