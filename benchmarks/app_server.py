"""Start and stop a Streamlit server of the app on loopback: one place for the load probe, the
browser benchmark and the browser tests.

The server runs in its own process group, so stopping it also stops the sandbox's fork server
and workers, which may outlive the server process itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, always
# No proxies: a proxy from the environment must never see a request meant for 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start(script: Path, port: int, log_path: Path, *options: str,
          cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``streamlit run script`` on 127.0.0.1:port, headless, no file watcher, no usage
    statistics, output to ``log_path``; ``options`` are extra command-line arguments, ``env``
    variables set for the server on top of this process's environment."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.address", HOST, "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Output goes to a file, not a pipe: a full pipe would block the server.
    with open(log_path, "wb") as log:
        return subprocess.Popen(cmd, cwd=cwd or script.parent, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})


def healthy(base: str, timeout: float = 5.0) -> bool:
    try:
        with OPENER.open(f"{base}/_stcore/health", timeout=timeout) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def wait_healthy(proc: subprocess.Popen, base: str, limit: float = 90.0) -> str | None:
    """None once ``base`` answers its health check; otherwise why not (exited, too slow)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"the server exited with code {proc.returncode}"
        if healthy(base, timeout=2):
            return None
        time.sleep(0.25)
    return f"the server was not healthy after {limit:g} s"


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything in its process group, politely first."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # the fork server and its workers may outlive the server itself
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class StreamClient:
    """A bare Streamlit WebSocket client on ``/_stcore/stream``: what the browser's JavaScript
    sends (reruns with widget values, back-messages such as ``clear_cache``, deferred-download
    requests) without rendering anything. For the load probe's greedy students and the tests;
    loopback only, like everything in this module.

        with StreamClient(base) as client:
            client.rerun(page="clarke", query="dim=1")
            url = client.deferred_url(client.downloads()["Download HTML"][0])
    """

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        from websockets.sync.client import connect

        self.timeout = timeout
        self._connection = connect(base.replace("http://", "ws://", 1) + "/_stcore/stream",
                                   subprotocols=["streamlit"], open_timeout=timeout,
                                   max_size=None, proxy=None)
        self.ws = self._connection.__enter__()
        self.session_id = ""
        self.elements: list = []  # the Element protos of the last finished run
        self.page, self.query = "", ""

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def send(self, msg) -> None:
        self.ws.send(msg.SerializeToString())

    def receive(self, timeout: float | None = None):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(self.ws.recv(timeout=self.timeout if timeout is None else timeout))
        if msg.WhichOneof("type") == "new_session":
            self.session_id = msg.new_session.initialize.session_id
        return msg

    def request_rerun(self, page: str | None = None, query: str | None = None,
                      widgets: dict[str, str] | None = None) -> None:
        """Send a rerun of ``page`` (its url_path) with ``query``, the text inputs whose labels
        or element ids are the keys of ``widgets`` set to the values; do not wait for it."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        self.page = self.page if page is None else page
        self.query = self.query if query is None else query
        msg = BackMsg()
        msg.rerun_script.page_name = self.page
        msg.rerun_script.query_string = self.query
        for element in self.elements:
            if element.WhichOneof("type") != "text_input":
                continue
            box = element.text_input
            value = (widgets or {}).get(box.label, (widgets or {}).get(box.id))
            if value is not None:
                state = msg.rerun_script.widget_states.widgets.add()
                state.id, state.string_value = box.id, value
        self.send(msg)

    def rerun(self, page: str | None = None, query: str | None = None,
              widgets: dict[str, str] | None = None) -> list:
        """``request_rerun``, then wait for the run to finish and return its elements (also
        kept in ``self.elements``)."""
        self.request_rerun(page, query, widgets)
        return self.wait_finished()

    def wait_finished(self, timeout: float | None = None) -> list:
        """The elements of the next run that finishes (a run stopped for a newer rerun is
        skipped)."""
        elements = []
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            forward = self.receive(max(0.1, deadline - time.monotonic()))
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                elements.append(forward.delta.new_element)
            elif kind == "script_finished":
                if forward.script_finished == forward.FINISHED_EARLY_FOR_RERUN:
                    elements = []
                    continue
                self.elements = elements
                return elements

    def drain(self, seconds: float) -> int:
        """Read and drop what the server sends for ``seconds``; how many messages came."""
        count, deadline = 0, time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.receive(left)
            except TimeoutError:
                break
            count += 1
        return count

    def field_ids(self, *suffixes: str) -> list[str]:
        """The element ids of the last run's text inputs whose keys end with each suffix
        (``"_f"``, ``"_at"``: ui.function_inputs names its fields so)."""
        ids = [e.text_input.id for e in self.elements if e.WhichOneof("type") == "text_input"]
        return [next(i for i in ids if i.endswith(suffix)) for suffix in suffixes]

    def downloads(self) -> dict[str, list[str]]:
        """The deferred file ids of the last run's download buttons, by label."""
        out: dict[str, list[str]] = {}
        for element in self.elements:
            if element.WhichOneof("type") == "download_button":
                button = element.download_button
                out.setdefault(button.label, []).append(button.deferred_file_id)
        return out

    def deferred_url(self, file_id: str) -> str:
        """Ask for a deferred download as a click does; the URL of the file the server built
        (empty when it refused)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        request = msg.backend_operation_request
        request.request_id = f"r{time.monotonic_ns()}"
        request.session_id = self.session_id
        request.deferred_file.file_id = file_id
        self.send(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            forward = self.receive(max(0.1, deadline - time.monotonic()))
            if (forward.WhichOneof("type") == "backend_operation_response"
                    and forward.backend_operation_response.request_id == request.request_id):
                return forward.backend_operation_response.deferred_file.url
