"""`make load`: a class of simulated students against a test server of the app on loopback.

The probe starts its own Streamlit server of app.py on 127.0.0.1 with the agent API on (a JSON
interface to the same rerun path a browser takes), opens one session per student, and lets each
student rerun their page a bounded number of times with a think time between reruns, typing a
mix of lecture examples, functions of their own and hostile text. It measures every rerun
(request sent -> finished snapshot received), checks every snapshot (no exception, hostile text
refused with one sentence, a normal input never refused, the session shows its own input and
its own result, never another student's, and a shared example the same formulas to everyone),
samples the memory of the server and its worker processes from /proc, kills one sandbox worker
mid-computation, and always stops the server.

Two greedy students come with the class (issue 12): one keeps sending distinct slow inputs
(each computes until the sandbox timeout) without waiting for the answers, one downloads a
figure's HTML in a loop (a bare WebSocket client, as a script would; every fourth download
after a rerun with a new function, so new files too). The probe prints
``greedy student: victims' p95 rerun N.NN s, server RSS growth M MB``: the p95 of the other
students' reruns while the greedy ones were at it, and the Streamlit process's peak RSS over
its RSS when warm, before the class came.

    python -m benchmarks.load [--sessions 30] [--reruns 12] [--seconds 150] [--think 2 5]
    python -m benchmarks.load --live 60 [--answers 2] [--ramp 15] [--think 4 15]

``--live N`` runs the live scenario instead (benchmarks/load_live.py, issue 14): N students
answering one live question through its short link while the lecturer's view is open.

Target (issue 6): 30 sessions on this 2-core machine, p95 rerun latency <= 1 s, no errors, no
session ever shows another's state; (issue 12) with the greedy students, victims' p95 <= 1 s
and server RSS growth <= 100 MB. Exit status 1 when there were errors or leaks or the greedy
target was missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from clarke_core.engine.parsing import MAX_TEXT_LENGTH
from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D

from . import app_server
from .app_server import HOST, free_port, healthy
from .app_server import stop as stop_server
from .table import Row, format_table

REPO = Path(__file__).resolve().parent.parent
TARGET_SESSIONS = 30
TARGET_P95_S = 1.0
TARGET_RSS_GROWTH_MB = 100.0  # the Streamlit process, peak over warm, with the greedy students
PAGE_TIMEOUT_S = 10.0  # the pages' sandbox timeout (TIMEOUT_S in app_pages/*.py)


@dataclass(frozen=True)
class PageSpec:
    """A page the students use: its url_path, the dimension of its functions, how many students
    out of every ``sum(weights)`` work on it, and query parameters to open it with."""

    url_path: str
    dim: int
    weight: int
    query_params: tuple[tuple[str, str], ...] = ()


# The class: most students on the Clarke lesson (1D, some 2D), the rest spread over the other
# lesson pages. The f and point fields are found in each snapshot's actions (keys ending in _f
# and _at, as ui.function_inputs names them), not hard-coded.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("clarke", 1, 4, (("dim", "1"),)),
    PageSpec("clarke", 2, 2, (("dim", "2"),)),
    PageSpec("subgradients", 1, 1),
    PageSpec("homogeneity", 1, 1),
    PageSpec("autodiff", 1, 2),
)

# Normal inputs: the lecture's examples (everyone types the same ones, so the cache helps) and a
# function of the student's own with a number no one else uses ({tag}), which the page must
# compute afresh and show back: the isolation check looks for that number.
LECTURE = {1: [(e.expr, e.at) for e in EXAMPLES_1D], 2: [(e.expr, e.at) for e in EXAMPLES_2D]}
OWN = {1: [("abs(x) + {tag}*x", "0"), ("max(0, x) - {tag}*x", "0"),
           ("max(x, -x/2) + x**2/{tag}", "0")],
       2: [("abs(x) + abs(y) + {tag}*y", "0, 0"), ("max(x, y) - x/{tag}", "0, 0")]}
# Hostile inputs (a sample of tests/hostile_cases.py): each must come back as one sentence.
HOSTILE = [
    ("__import__('os').system('true')", "0"),
    ("().__class__.__base__.__subclasses__()", "0"),
    ("(lambda: open('/tmp/x', 'w'))()", "0"),
    ("9**9**9", "0"),
    ("1e999999999*x", "0"),
    ("1" + "0" * 4000, "0"),
    ("(" * 300 + "x" + ")" * 300, "0"),
    ("abs(" * 300 + "x" + ")" * 300, "0"),
    ("factorial(10**8)", "0"),
    ("\uff58 + 1", "0"),
    ("abs(x", "0"),
    ("abs(x)", "1/0"),
    ("abs(x)", "9**9**9"),
]
# Passes every parser limit, then computes until the sandbox kills it (PAGE_TIMEOUT_S).
SLOW = ("+".join(f"abs(sin({k}*x) - {k}/50)" for k in range(1, 40)), "0")
# The greedy students work on the 1D Clarke lesson (two figures with HTML downloads).
GREEDY_PAGE = PageSpec("clarke", 1, 0, (("dim", "1"),))


def greedy_slow_input(n: int) -> str:
    """The n-th distinct slow input: SLOW with one more term, so no cache or refusal memory
    keyed by the text has seen it."""
    return f"{SLOW[0]} + x/{n + 2}"


@dataclass
class Result:
    """One rerun: what was sent, how long it took, and what the snapshot showed."""

    student: int
    page: str
    kind: str  # "lecture", "own", "hostile", "slow"
    seconds: float
    error: str = ""  # empty when the snapshot was as expected
    leak: str = ""  # empty unless the snapshot showed another session's state
    refusal: str = ""  # the one sentence shown, if any
    sent_at: float = 0.0  # time.monotonic() when the request went out
    done_at: float = 0.0
    victim: bool = False  # its worker was the one the probe killed


@dataclass
class Probe:
    """The settings of one run and everything it measured."""

    sessions: int = TARGET_SESSIONS
    reruns: int = 12
    seconds: float = 150.0
    think: tuple[float, float] = (2.0, 5.0)
    ramp: float = 10.0
    hostile_share: float = 0.2
    slow: int = 2
    kill_worker: bool = True
    kill_after: float = 3.0  # seconds a worker must have run before it may be the one killed
    seed: int = 0
    port: int = 0
    pages: tuple[PageSpec, ...] = PAGES
    options: tuple[str, ...] = ()
    verbose: bool = True
    # measured
    opens: list[float] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    solo: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    idle_pss_mb: float = 0.0
    peak_processes: int = 0
    cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0  # the Streamlit process alone (page scripts, snapshots)
    client_cpu_seconds: float = 0.0  # this probe's own threads, on the same cores
    wall_seconds: float = 0.0
    load_before: str = ""
    load_after: str = ""
    killed: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, what)
    slow_sent: list[float] = field(default_factory=list)  # when each slow input went out
    healthy_after_kill: bool | None = None
    server_alive_at_end: bool = False
    # the greedy students (issue 12)
    greedy: bool = True
    greedy_interval: float = 1.0  # seconds between the slow sender's inputs
    greedy_window: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of their work
    greedy_slow_sent: int = 0
    greedy_downloads: int = 0
    greedy_download_mb: float = 0.0
    greedy_files: set[str] = field(default_factory=set)  # distinct download URLs handed out
    # Downloads whose file was gone (404) by the time it was fetched: Streamlit keeps a clicked
    # file unreferenced, and deletes it at the second end of any session's script run after.
    greedy_lost: int = 0
    greedy_no_figure: int = 0  # reruns of the downloader that showed no figure to download
    greedy_problems: list[str] = field(default_factory=list)
    warm_server_rss_mb: float = 0.0  # the Streamlit process alone, before the class
    peak_server_rss_mb: float = 0.0
    greedy_met: bool | None = None  # set by report(); None when there were no greedy students


# --- the server --------------------------------------------------------------------------------


def start_server(port: int, sessions: int, log_path: Path,
                 options: tuple[str, ...] = (), env: dict[str, str] | None = None
                 ) -> subprocess.Popen:
    """Streamlit serving the app (serve.py) on 127.0.0.1:port with the agent API
    (app_server.start), output to ``log_path``. ``options`` are extra Streamlit settings as
    ``section.name=value`` (to measure a setting before/after)."""
    extra = ["--server.enableAgentApi", "true", "--server.agentMaxSessions", str(sessions + 20),
             "--server.agentWaitTimeout", "60", "--server.agentSessionTTL", "600"]
    for option in options:
        name, _, value = option.partition("=")
        if name.split(".")[0] == "server" and name.split(".")[-1] in ("address", "port"):
            raise ValueError("the probe's server stays on its own loopback port")
        extra += [f"--{name}", value]
    # serve.py: the app as deployed (the image's command), with its framing policy and its
    # refusal of clients' clear_cache.
    return app_server.start(REPO / "serve.py", port, log_path, *extra, cwd=REPO, env=env)


def wait_healthy(proc: subprocess.Popen, base: str, log_path: Path, limit: float = 90.0) -> None:
    problem = app_server.wait_healthy(proc, base, limit)
    if problem:
        raise RuntimeError(f"{problem}; see {log_path}")


def interact(base: str, body: dict, timeout: float = 90.0) -> tuple[int, dict]:
    """POST one interaction; (HTTP status, JSON body). No answer (refused connection, timeout,
    a body that is not JSON) is status 0 with the reason as the error code."""
    request = urllib.request.Request(f"{base}/_stcore/agent/interact",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with app_server.OPENER.open(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            return err.code, json.loads(err.read())
        except (OSError, ValueError):
            return err.code, {}
    except (OSError, ValueError) as exc:  # URLError and TimeoutError are OSErrors
        return 0, {"error": {"code": f"{type(exc).__name__}: {exc}"}}


# --- /proc: memory, CPU, the killed worker -----------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(root: int) -> list[tuple[int, int]]:
    """(pid, depth) of ``root`` and all its descendants (depth 0 is ``root``)."""
    tree, out, todo = _children(), [], [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        out.append((pid, depth))
        todo += [(child, depth + 1) for child in tree.get(pid, [])]
    return out


def _kb(path: str, name: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu(pid: int, children: bool) -> float:
    """utime + stime of ``pid`` (plus its reaped children's when ``children``), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds of the server, its fork server and every worker they reaped so far."""
    return sum(_cpu(pid, children=depth <= 1) for pid, depth in process_tree(root))


def tree_memory(root: int) -> tuple[float, float, int]:
    """(sum of RSS, sum of PSS, number of processes) of ``root`` and its descendants, in MB.
    PSS splits pages the forked workers share with their fork server; RSS counts them again."""
    rss = pss = 0
    pids = process_tree(root)
    for pid, _ in pids:
        rss += _kb(f"/proc/{pid}/status", "VmRSS")
        pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss")
    return rss / 1024, pss / 1024, len(pids)


def server_rss_mb(pid: int) -> float:
    """VmRSS of the one process ``pid`` (the Streamlit server), in MB."""
    return _kb(f"/proc/{pid}/status", "VmRSS") / 1024


def _age(pid: int) -> float:
    """Seconds since ``pid`` started."""
    try:
        start = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return uptime - start / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Samples the server tree's memory every ``interval`` s; with ``kill_worker``, SIGKILLs once
    a sandbox worker (depth 2: server -> fork server -> worker) that has run for ``kill_after`` s
    and started first after a slow input was sent (most likely the one computing it). Its
    student then sees one sentence (``KILLED``); every other session must go on unharmed."""

    def __init__(self, probe: Probe, root: int, base: str, interval: float = 0.25,
                 kill_after: float = 3.0) -> None:
        super().__init__(daemon=True)
        self.probe, self.root, self.base = probe, root, base
        self.interval, self.kill_after = interval, kill_after
        self.stop = threading.Event()

    def run(self) -> None:
        probe = self.probe
        while not self.stop.wait(self.interval):
            rss, pss, count = tree_memory(self.root)
            probe.peak_server_rss_mb = max(probe.peak_server_rss_mb, server_rss_mb(self.root))
            probe.peak_rss_mb = max(probe.peak_rss_mb, rss)
            probe.peak_pss_mb = max(probe.peak_pss_mb, pss)
            probe.peak_processes = max(probe.peak_processes, count)
            if probe.kill_worker and not probe.killed:
                self._kill_one()

    def _kill_one(self) -> None:
        if not self.probe.slow_sent:
            return
        now, sent = time.monotonic(), self.probe.slow_sent[0]
        ages = [(_age(pid), pid) for pid, depth in process_tree(self.root) if depth == 2]
        # the worker that started first after the slow input went out, once it is old enough
        started_after = sorted(((a, p) for a, p in ages if now - a >= sent - 0.05), reverse=True)
        if not started_after or started_after[0][0] < self.kill_after:
            return
        age, pid = started_after[0]
        cpu = _cpu(pid, children=False)
        try:
            os.kill(pid, signal.SIGKILL)  # a worker of the server this probe started
        except ProcessLookupError:
            return
        self.probe.killed.append((time.monotonic(), f"pid {pid}, {age:.1f} s old, "
                                                    f"{cpu:.1f} s of CPU"))
        time.sleep(0.5)
        self.probe.healthy_after_kill = healthy(self.base)


# --- the students ------------------------------------------------------------------------------

_SENTENCE_MAX = 400
# What a student whose worker was killed may see (clarke_core.service.sandbox.STOPPED: the
# kernel's kill looks like the out-of-memory killer; ui.SOMETHING_WRONG for an unexplained death).
KILLED = ("This computation was stopped", "Something went wrong on our side")


def _walk(node: dict):
    yield node
    for child in node.get("children", ()):
        yield from _walk(child)


def _bodies(snapshot: dict, kinds: tuple[str, ...]) -> list[str]:
    return [str((n.get("props") or {}).get("body", "")) for n in _walk(snapshot.get("tree", {}))
            if n.get("type") in kinds]


def _tag(n: int) -> int:
    # Seven digits, 10007 apart: a number the page derives from one tag (tag ± 1, 2·tag, tag/10)
    # is never another student's tag.
    return 1_000_003 + 10_007 * n


class Student(threading.Thread):
    """One simulated student: opens a page, then reruns it with new input after each think."""

    def __init__(self, probe: Probe, base: str, index: int, page: PageSpec, start_at: float,
                 deadline: float, tags: dict[int, int], tag_lock: threading.Lock,
                 slow_at: int | None, seen: dict[tuple, tuple[int, tuple[str, ...]]]) -> None:
        super().__init__(daemon=True)
        self.probe, self.base, self.index, self.page = probe, base, index, page
        self.start_at, self.deadline = start_at, deadline
        self.tags, self.tag_lock, self.slow_at = tags, tag_lock, slow_at
        self.seen = seen  # (page, f, at) -> (first student, its formulas), shared by the class
        self.rng = random.Random(probe.seed * 1000 + index)
        self.sent_at = 0.0  # when the request in flight went out (time.monotonic())

    def _new_tag(self) -> int:
        with self.tag_lock:
            tag = _tag(len(self.tags))
            self.tags[tag] = self.index
        return tag

    def _inputs(self, rerun: int) -> tuple[str, str, str, int | None]:
        """(kind, f, at, tag) for this rerun."""
        if rerun == self.slow_at:
            self.probe.slow_sent.append(time.monotonic())
            return ("slow", *SLOW, None)
        draw = self.rng.random()
        if draw < self.probe.hostile_share:
            f, at = self.rng.choice(HOSTILE)
            if self.page.dim == 2 and at == "0":
                at = "0, 0"
            return "hostile", f, at, None
        if draw < 0.6:
            return ("lecture", *self.rng.choice(LECTURE[self.page.dim]), None)
        tag = self._new_tag()
        f, at = self.rng.choice(OWN[self.page.dim])
        return "own", f.format(tag=tag), at, tag

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        started = time.perf_counter()
        status, snap = interact(self.base, _open_request(self.page))
        self.probe.opens.append(time.perf_counter() - started)
        if status != 200 or "session_id" not in snap:
            self._record("open", 0.0, error=f"open: HTTP {status} {_code(snap)}")
            return
        session = snap["session_id"]
        keys = _field_keys(snap)
        if keys is None:
            self._record("open", 0.0, error="open: no f and point fields in the actions")
            return
        for rerun in range(self.probe.reruns):
            time.sleep(self.rng.uniform(*self.probe.think))
            if time.monotonic() > self.deadline:
                return
            kind, f, at, tag = self._inputs(rerun)
            self.sent_at = time.monotonic()
            started = time.perf_counter()
            status, snap = interact(self.base, {"session_id": session,
                                                "widget_state": {keys[0]: f, keys[1]: at}})
            seconds = time.perf_counter() - started
            if status != 200:
                self._record(kind, seconds, error=f"HTTP {status} {_code(snap)}")
                if status == 202:  # the run goes on: collect it before the next rerun
                    interact(self.base, {"session_id": session})
                continue
            self._check(kind, seconds, snap, keys, f, at, tag)

    def _record(self, kind: str, seconds: float, **what: str) -> None:
        self.probe.results.append(Result(self.index, _page_name(self.page), kind, seconds, **what,
                                         sent_at=self.sent_at, done_at=time.monotonic()))

    def _check(self, kind: str, seconds: float, snap: dict, keys: tuple[str, str], f: str,
               at: str, tag: int | None) -> None:
        error = leak = ""
        nodes = list(_walk(snap.get("tree", {})))
        values = {n.get("key"): n.get("value") for n in nodes if n.get("key") in keys}
        # A field keeps at most the parser's length (max_chars): a longer hostile text is cut.
        f, at = f[:MAX_TEXT_LENGTH], at[:MAX_TEXT_LENGTH]
        if values != {keys[0]: f, keys[1]: at}:
            leak = f"the fields show {_short(values)} instead of this session's input"
        params = snap.get("query_params", {})
        if "f" in params and params.get("f") != [f]:
            leak = leak or f"the URL holds f={_short(params.get('f'))}, not this session's"
        latex = " ".join(_bodies(snap, ("latex", "markdown")))
        numbers = {int(m) for m in re.findall(r"(?<!\d)\d{7}(?!\d)", latex)}
        foreign = {n for n in numbers if n in self.tags and n != tag}
        if foreign:
            leak = leak or f"shows another student's function (tag {min(foreign)})"
        errors = _bodies(snap, ("error",))
        refusal = errors[0] if errors else ""
        if snap.get("status") != "ready" or any(n.get("type") == "exception" for n in nodes):
            error = "the page raised an exception"
        elif kind == "hostile" or (kind == "slow" and errors):
            if len(errors) != 1 or not _one_sentence(errors[0]):
                error = f"hostile input not refused with one sentence: {_short(errors)}"
        elif errors:
            error = f"a normal input was refused: {_short(refusal)}"
        elif kind == "own" and str(tag) not in latex:
            error = error or "the page does not show this student's own function"
        if kind == "lecture" and not error:
            # Everyone who typed this example must see the same formulas as the first who did.
            formulas = tuple(_bodies(snap, ("latex",)))
            with self.tag_lock:
                first = self.seen.setdefault((_page_name(self.page), f, at), (self.index, formulas))
            if first[1] != formulas:
                leak = leak or f"shows other formulas for {f!r} than student {first[0]} saw"
        self._record(kind, seconds, error=error, leak=leak, refusal=refusal)


class GreedySlow(threading.Thread):
    """A student who keeps sending distinct slow inputs, one every ``greedy_interval`` s,
    without waiting for the answers (as typing does: each new input replaces the run)."""

    def __init__(self, probe: Probe, base: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.base, self.deadline = probe, base, deadline

    def run(self) -> None:
        try:
            with app_server.StreamClient(self.base, timeout=90) as client:
                client.rerun(page=GREEDY_PAGE.url_path, query="dim=1")
                f_id, at_id = client.field_ids("_f", "_at")
                while time.monotonic() < self.deadline:
                    client.request_rerun(widgets={f_id: greedy_slow_input(
                        self.probe.greedy_slow_sent), at_id: "0"})
                    self.probe.greedy_slow_sent += 1
                    client.drain(self.probe.greedy_interval)
        except Exception as exc:  # the probe reports it; the class goes on
            self.probe.greedy_problems.append(f"slow sender: {type(exc).__name__}: {exc}")


class GreedyDownloader(threading.Thread):
    """A student who downloads the page's first figure as HTML in a loop, as fast as the server
    answers (a click is a deferred-file request, then a GET of the file); every fourth
    download comes after a rerun with a new function, so there are new figures to build too."""

    def __init__(self, probe: Probe, base: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.base, self.deadline = probe, base, deadline

    def run(self) -> None:
        probe = self.probe
        try:
            with app_server.StreamClient(self.base, timeout=90) as client:
                client.rerun(page=GREEDY_PAGE.url_path, query="dim=1")
                f_id, at_id = client.field_ids("_f", "_at")
                while time.monotonic() < self.deadline:
                    if probe.greedy_downloads % 4 == 3:
                        client.rerun(widgets={f_id: f"abs(x) + {probe.greedy_downloads}*x/7",
                                              at_id: "0"})
                    buttons = client.downloads().get("Download HTML")
                    if not buttons:  # refused (a busy server, say): no figure this time
                        probe.greedy_no_figure += 1
                        time.sleep(0.5)
                        client.rerun(widgets={f_id: f"abs(x) + {probe.greedy_no_figure}*x/11",
                                              at_id: "0"})
                        continue
                    url = client.deferred_url(buttons[0])
                    if not url:
                        probe.greedy_problems.append("downloader: the server built no file")
                        return
                    try:
                        with app_server.OPENER.open(self.base + url, timeout=60) as response:
                            size = len(response.read())
                    except urllib.error.HTTPError as err:
                        if err.code != 404:
                            raise
                        probe.greedy_lost += 1
                        continue
                    probe.greedy_files.add(url)
                    probe.greedy_downloads += 1
                    probe.greedy_download_mb += size / 1e6
        except Exception as exc:
            probe.greedy_problems.append(f"downloader: {type(exc).__name__}: {exc}")


def _open_request(page: PageSpec) -> dict:
    body: dict = {"page": page.url_path}
    if page.query_params:
        body["query_params"] = {k: [v] for k, v in page.query_params}
    return body


def _field_keys(snap: dict) -> tuple[str, str] | None:
    keys = [a["key"] for a in snap.get("actions", ()) if a.get("type") == "text_input"]
    f = next((k for k in keys if k.endswith("_f")), None)
    at = next((k for k in keys if k.endswith("_at")), None)
    return (f, at) if f and at else None


def _code(snap: dict) -> str:
    return str((snap.get("error") or {}).get("code", ""))


def _short(value: object, n: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def _one_sentence(text: str) -> bool:
    return (0 < len(text) <= _SENTENCE_MAX and "\n" not in text and "Traceback" not in text
            and text.rstrip().endswith("."))


# --- the run -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values``.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.0, 4.0)
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _assign_pages(probe: Probe) -> list[PageSpec]:
    wheel = [p for p in probe.pages for _ in range(p.weight)]
    return [wheel[i % len(wheel)] for i in range(probe.sessions)]


def _solo_baseline(probe: Probe, base: str) -> None:
    """Warm the server (fork server, imports, caches of each page's first example) and time one
    student alone doing the same kind of reruns, not counted in the load figures."""
    for page in probe.pages:
        status, snap = interact(base, _open_request(page))
        keys = _field_keys(snap) if status == 200 else None
        if keys is None:
            raise RuntimeError(f"page {page.url_path!r}: no f and point fields "
                               f"(HTTP {status} {_code(snap)})")
        for k in range(2):
            f, at = OWN[page.dim][k % len(OWN[page.dim])]
            started = time.perf_counter()
            interact(base, {"session_id": snap["session_id"],
                            "widget_state": {keys[0]: f.format(tag=k + 7), keys[1]: at}})
            probe.solo.append(time.perf_counter() - started)


def run_probe(probe: Probe) -> Probe:
    """Start a server, warm it, run the class against it, stop it; fills ``probe`` in place."""
    port = probe.port or free_port()
    base = f"http://{HOST}:{port}"
    log_path = REPO / "artifacts" / f"load-server-{port}.log"
    say = print if probe.verbose else (lambda *a, **k: None)
    probe.load_before = _loadavg()
    proc = start_server(port, probe.sessions, log_path, probe.options)
    sampler = None
    try:
        wait_healthy(proc, base, log_path)
        _solo_baseline(probe, base)
        probe.idle_pss_mb = tree_memory(proc.pid)[1]
        say(f"server on {base} (pid {proc.pid}) warm; one student alone: median "
            f"{statistics.median(probe.solo):.2f} s per rerun")
        rng = random.Random(probe.seed)
        slow_students = set(rng.sample(range(probe.sessions), min(probe.slow, probe.sessions)))
        now = time.monotonic()
        deadline = now + probe.seconds
        tags: dict[int, int] = {}
        seen: dict[tuple, tuple[int, tuple[str, ...]]] = {}
        lock = threading.Lock()
        students = [
            Student(probe, base, i, page, now + rng.uniform(0, probe.ramp), deadline, tags, lock,
                    slow_at=probe.reruns // 2 if i in slow_students else None, seen=seen)
            for i, page in enumerate(_assign_pages(probe))]
        greedy = ([GreedySlow(probe, base, deadline), GreedyDownloader(probe, base, deadline)]
                  if probe.greedy else [])
        sampler = Sampler(probe, proc.pid, base, kill_after=probe.kill_after)
        cpu_start, server_start = tree_cpu(proc.pid), _cpu(proc.pid, children=False)
        client_start = time.process_time()
        probe.warm_server_rss_mb = probe.peak_server_rss_mb = server_rss_mb(proc.pid)
        sampler.start()
        for s in students:
            s.start()
        started_greedy = time.monotonic()
        for g in greedy:
            g.start()
        for s in students:
            s.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
        for g in greedy:
            g.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
        if greedy:
            probe.greedy_window = (started_greedy, time.monotonic())
        probe.wall_seconds = time.monotonic() - now
        probe.cpu_seconds = tree_cpu(proc.pid) - cpu_start
        probe.server_cpu_seconds = _cpu(proc.pid, children=False) - server_start
        probe.client_cpu_seconds = time.process_time() - client_start
        probe.server_alive_at_end = proc.poll() is None and healthy(base)
        _attribute_kills(probe)
    finally:
        if sampler is not None:
            sampler.stop.set()
            sampler.join()
        stop_server(proc)
        probe.load_after = _loadavg()
        if probe.server_alive_at_end and not any(r.error for r in probe.results):
            log_path.unlink(missing_ok=True)  # kept only when something went wrong
        else:
            print(f"The server's log: {log_path}", file=sys.stderr)
    return probe


def _page_name(page: PageSpec) -> str:
    query = "&".join(f"{k}={v}" for k, v in page.query_params)
    return f"/{page.url_path}" + (f"?{query}" if query else "")


def _attribute_kills(probe: Probe) -> None:
    """The rerun in flight when the probe killed a worker, answered with a ``KILLED`` sentence,
    is the kill's victim: expected, so not an error (at most one per kill)."""
    for killed_at, _ in probe.killed:
        for r in probe.results:
            if (r.sent_at <= killed_at <= r.done_at and not r.victim
                    and r.refusal.startswith(KILLED) and _one_sentence(r.refusal)):
                r.victim, r.error = True, ""
                break


def greedy_figures(probe: Probe) -> tuple[float, float, bool] | None:
    """(victims' p95 rerun in s, server RSS growth in MB, target met), or None without greedy
    students. The victims are every other student's timed reruns (lecture, own, hostile) sent
    while the greedy students were at it; the growth is the Streamlit process's peak RSS over
    its RSS when warm. No victims' reruns is a miss, not a pass."""
    start, end = probe.greedy_window
    if end <= start:
        return None
    victims = [r.seconds for r in probe.results if r.kind in ("lecture", "own", "hostile")
               and start <= r.sent_at <= end]
    p95 = percentile(victims, 95) if victims else float("nan")
    growth = probe.peak_server_rss_mb - probe.warm_server_rss_mb
    met = bool(victims) and p95 <= TARGET_P95_S and growth <= TARGET_RSS_GROWTH_MB
    return p95, growth, met


def report_greedy(probe: Probe) -> bool | None:
    """Print the greedy students' line and target; whether it was met (None: none ran)."""
    figures = greedy_figures(probe)
    if figures is None:
        return None
    p95, growth, met = figures
    print(f"Greedy students: {probe.greedy_slow_sent} distinct slow inputs sent (one every "
          f"{probe.greedy_interval:g} s, answers not awaited); {probe.greedy_downloads} HTML "
          f"downloads ({probe.greedy_download_mb:.0f} MB, {len(probe.greedy_files)} distinct "
          f"files; {probe.greedy_lost} more were gone when fetched, "
          f"{probe.greedy_no_figure} reruns showed no figure); server RSS "
          f"{probe.warm_server_rss_mb:.0f} MB warm, {probe.peak_server_rss_mb:.0f} MB at peak")
    for problem in probe.greedy_problems[:3]:
        print(f"  greedy student stopped: {problem}")
    print(f"greedy student: victims' p95 rerun {p95:.2f} s, server RSS growth {growth:.0f} MB")
    print(f"Greedy target: victims' p95 ≤ {TARGET_P95_S:g} s, server RSS growth ≤ "
          f"{TARGET_RSS_GROWTH_MB:g} MB: {'MET' if met else 'MISSED'}")
    return met


def report(probe: Probe) -> tuple[list[Row], bool]:
    """Print the figures and the verdict; the rows for benchmarks.table and whether every part
    of the target was met."""
    timed = [r for r in probe.results if r.kind in ("lecture", "own", "hostile")]
    slow = [r for r in probe.results if r.kind == "slow"]
    lat = [r.seconds for r in timed]
    errors = [r for r in probe.results if r.error]
    leaks = [r for r in probe.results if r.leak]
    lo, hi = probe.think
    print(f"Model: {probe.sessions} students, arriving over {probe.ramp:g} s, each reruns every "
          f"{lo:g}–{hi:g} s, {probe.reruns} reruns at most, stopping after {probe.seconds:g} s; "
          f"inputs: ~{60 - probe.hostile_share * 100:.0f}% lecture examples, ~40% a function of "
          f"their own, ~{probe.hostile_share:.0%} hostile text, and {probe.slow} input(s) "
          f"that compute until the {PAGE_TIMEOUT_S:g} s sandbox timeout.")
    print("Pages (students out of every " + str(sum(p.weight for p in probe.pages)) + "): "
          + ", ".join(f"{_page_name(p)} {p.weight}" for p in probe.pages))
    if probe.options:
        print("Extra Streamlit settings: " + ", ".join(probe.options))
    print(f"Machine: {os.cpu_count()} cores; load average before {probe.load_before}, "
          f"after {probe.load_after}")
    kinds = Counter(r.kind for r in probe.results)
    print(f"Requests: {len(probe.opens)} page opens, {len(probe.results)} reruns "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) in "
          f"{probe.wall_seconds:.0f} s")
    if probe.opens:
        print(f"Page open: p50 {percentile(probe.opens, 50):.2f} s, "
              f"p95 {percentile(probe.opens, 95):.2f} s, max {max(probe.opens):.2f} s")
    p50 = percentile(lat, 50) if lat else float("nan")
    p95 = percentile(lat, 95) if lat else float("nan")
    if lat:
        print(f"Rerun latency (all but the timeout inputs, n={len(lat)}): p50 {p50:.2f} s, "
              f"p95 {p95:.2f} s, max {max(lat):.2f} s")
        for kind in ("lecture", "own", "hostile"):
            ks = [r.seconds for r in timed if r.kind == kind]
            if ks:
                print(f"  {kind:8} n={len(ks):3d}  p50 {percentile(ks, 50):.2f} s  "
                      f"p95 {percentile(ks, 95):.2f} s  max {max(ks):.2f} s")
    for r in slow:
        shown = r.error or r.refusal or "an answer (this page computes it in time)"
        print(f"Timeout input on {r.page}: {r.seconds:.1f} s, shown: {shown!r}")
    if probe.kill_worker:
        if probe.killed:
            victims = [r for r in probe.results if r.victim]
            saw = (f"student {victims[0].student} ({victims[0].kind} input) saw "
                   f"{victims[0].refusal!r}" if victims else "no student saw its refusal")
            print(f"Killed a sandbox worker mid-computation ({probe.killed[0][1]}): {saw}; "
                  f"server healthy right after: {probe.healthy_after_kill}")
        else:
            print("No sandbox worker ran long enough to be killed.")
    n = max(len(probe.results) + len(probe.opens), 1)
    print(f"Server CPU (incl. fork server and workers): {probe.cpu_seconds:.0f} s in "
          f"{probe.wall_seconds:.0f} s = {probe.cpu_seconds / max(probe.wall_seconds, 1e-9):.2f} "
          f"cores; {probe.cpu_seconds / n:.3f} s per request, of which "
          f"{probe.server_cpu_seconds / n:.3f} s in the Streamlit process (one GIL); this "
          f"probe's own CPU: {probe.client_cpu_seconds:.0f} s")
    print(f"Peak memory of the server and its workers: {probe.peak_pss_mb:.0f} MB PSS "
          f"({probe.peak_rss_mb:.0f} MB summed RSS, up to {probe.peak_processes} processes); "
          f"{probe.idle_pss_mb:.0f} MB when warm and idle")
    print(f"The Streamlit process alone: {probe.warm_server_rss_mb:.0f} MB RSS when warm, "
          f"{probe.peak_server_rss_mb:.0f} MB at peak "
          f"(+{probe.peak_server_rss_mb - probe.warm_server_rss_mb:.0f} MB)")
    probe.greedy_met = report_greedy(probe)
    print(f"Errors: {len(errors)}; cross-session leaks: {len(leaks)}")
    for r in (errors + leaks)[:10]:
        print(f"  student {r.student} on {r.page} ({r.kind}): {r.error or r.leak}")
    alive = probe.server_alive_at_end
    print(f"Server healthy at the end: {alive}")
    met_p95 = bool(lat) and p95 <= TARGET_P95_S
    met = (met_p95 and not errors and not leaks and probe.sessions >= TARGET_SESSIONS
           and alive and probe.healthy_after_kill is not False)
    solo = statistics.median(probe.solo) if probe.solo else float("nan")
    print(f"Verdict: {'MET' if met else 'MISSED'} — {probe.sessions} sessions, p95 {p95:.2f} s "
          f"(target ≤ {TARGET_P95_S:g} s), {len(errors)} errors, {len(leaks)} leaks "
          f"(target {TARGET_SESSIONS} sessions, p95 ≤ {TARGET_P95_S:g} s, 0 errors, 0 leaks)")
    rows = [
        Row(f"load: p50 rerun, {probe.sessions} sessions", p50 * 1000, "ms",
            "one student alone, median", solo * 1000),
        Row(f"load: p95 rerun, {probe.sessions} sessions", p95 * 1000, "ms",
            "one student alone, median", solo * 1000, f"≤ {TARGET_P95_S * 1000:.0f} ms", met_p95),
        Row("load: peak memory (PSS)", probe.peak_pss_mb, "MB", "warm and idle",
            probe.idle_pss_mb),
        Row("load: errors + leaks", len(errors) + len(leaks), "count", "reruns sent",
            len(probe.results), "0", not errors and not leaks),
    ]
    return rows, not errors and not leaks and alive


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--live", type=int, default=0, metavar="STUDENTS",
                        help="instead: STUDENTS answering one live question with the lecturer's "
                             "view open (benchmarks/load_live.py), e.g. --live 60")
    parser.add_argument("--answers", type=int, default=2, help="--live: answers per student")
    parser.add_argument("--ramp", type=float, default=15.0,
                        help="--live: students open the link over this many seconds")
    parser.add_argument("--sessions", type=int, default=TARGET_SESSIONS)
    parser.add_argument("--reruns", type=int, default=12, help="at most, per student")
    parser.add_argument("--seconds", type=float, default=None,
                        help="no rerun starts after this (the probe then stops); default 150, "
                             "with --live 120")
    parser.add_argument("--think", type=float, nargs=2, default=None, metavar=("MIN", "MAX"),
                        help="seconds between a student's reruns, uniform; default 2 5, with "
                             "--live 4 15 (between answers)")
    parser.add_argument("--hostile", type=float, default=0.2, help="share of hostile inputs")
    parser.add_argument("--slow", type=int, default=2, help="inputs that hit the timeout")
    parser.add_argument("--no-kill", action="store_true", help="do not kill a worker")
    parser.add_argument("--no-greedy", action="store_true",
                        help="without the two greedy students")
    parser.add_argument("--port", type=int, default=0, help="default: a free loopback port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--option", action="append", default=[], metavar="SECTION.NAME=VALUE",
                        help="an extra Streamlit setting for the test server, e.g. "
                             "runner.postScriptGC=false (repeatable)")
    args = parser.parse_args(argv)
    if args.live:
        return _main_live(args)
    args.seconds = 150.0 if args.seconds is None else args.seconds
    args.think = (2.0, 5.0) if args.think is None else args.think
    probe = run_probe(Probe(sessions=args.sessions, reruns=args.reruns, seconds=args.seconds,
                            think=tuple(args.think), hostile_share=args.hostile, slow=args.slow,
                            kill_worker=not args.no_kill, port=args.port, seed=args.seed,
                            greedy=not args.no_greedy,
                            options=tuple(args.option)))
    rows, ok = report(probe)
    print()
    print(format_table(rows))
    if not ok or probe.greedy_met is False:
        raise SystemExit(1)
    return rows


def _main_live(args: argparse.Namespace) -> list[Row]:
    from . import load_live  # it imports this module

    probe = load_live.run_live(load_live.LiveProbe(
        students=args.live, answers=args.answers, ramp=args.ramp,
        think=tuple(args.think or (4.0, 15.0)),
        seconds=120.0 if args.seconds is None else args.seconds, seed=args.seed, port=args.port))
    rows, ok = load_live.report_live(probe)
    print()
    print(format_table(rows))
    if not ok:
        raise SystemExit(1)
    return rows


if __name__ == "__main__":
    main()
