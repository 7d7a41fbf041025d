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
          cwd: Path | None = None) -> subprocess.Popen:
    """``streamlit run script`` on 127.0.0.1:port, headless, no file watcher, no usage
    statistics, output to ``log_path``; ``options`` are extra command-line arguments."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.address", HOST, "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Output goes to a file, not a pipe: a full pipe would block the server.
    with open(log_path, "wb") as log:
        return subprocess.Popen(cmd, cwd=cwd or script.parent, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


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
