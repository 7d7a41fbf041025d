"""A throwaway PostgreSQL cluster for the classroom-store tests: a temp folder, a loopback port.

``postgres_server`` (a session fixture: import it into a test module) starts one with Debian's
programs (``scripts/ensure_postgres.sh`` installs them for ``make test``), yields its base URL
and stops it. initdb refuses to run as root, so as root the cluster runs as the ``postgres`` user
(``runuser``), its folder owned by that user. Without PostgreSQL the tests skip, but under
CI=true they fail, as the browser tests do.

``fresh_database(base_url)`` creates an empty database on it and returns its URL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.app_server import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60
USER = "clarke"  # the cluster's superuser (trust authentication, loopback only)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _unavailable(why: str):
    if _in_ci():
        pytest.fail(f"PostgreSQL cannot run under CI, so its tests cannot either: {why}",
                    pytrace=False)
    pytest.skip(f"no PostgreSQL for the classroom-store tests ({why})")


def find_bin() -> str | None:
    """The directory of initdb and pg_ctl, found as ``scripts/ensure_postgres.sh`` finds it
    (CLARKE_PG_BIN, Debian's newest /usr/lib/postgresql/<version>/bin, initdb on PATH), without
    installing anything: ``make test`` runs the script first."""

    def usable(d: Path) -> bool:
        return all(os.access(d / p, os.X_OK) for p in ("initdb", "pg_ctl"))

    if os.environ.get("CLARKE_PG_BIN"):
        return os.environ["CLARKE_PG_BIN"] if usable(Path(os.environ["CLARKE_PG_BIN"])) else None
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    for d in reversed(debian):
        if usable(d):
            return str(d)
    initdb = shutil.which("initdb")
    if initdb and usable(Path(initdb).resolve().parent):
        return str(Path(initdb).resolve().parent)
    return None


def _as_owner(owner: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _run(command: list[str], what: str) -> None:
    out = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S)
    if out.returncode != 0:
        _unavailable(f"{what} failed: {(out.stderr or out.stdout).strip()[-800:]}")


def start_cluster() -> Iterator[str]:
    """Start a cluster, yield its base URL (database ``postgres``), stop it and delete it."""
    bin_dir = find_bin()
    if not bin_dir:
        _unavailable("initdb and pg_ctl were not found; run scripts/ensure_postgres.sh")
    owner = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user to run initdb as")
        if not shutil.which("runuser"):
            _unavailable("running as root and runuser is missing")
        owner = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="clarke-pg-"))
    data, log = folder / "data", folder / "server.log"
    if owner:
        shutil.chown(folder, owner, owner)
    port = free_port()
    try:
        _run(_as_owner(owner, [f"{bin_dir}/initdb", "-D", str(data), "-U", USER,
                               "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]),
             "initdb")
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200")
        _run(_as_owner(owner, [f"{bin_dir}/pg_ctl", "-D", str(data), "-l", str(log), "-o",
                               options, "-w", "-t", str(START_TIMEOUT_S), "start"]),
             "pg_ctl start")
        yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_owner(owner, [f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "fast",
                                             "-w", "stop"]),
                           capture_output=True, timeout=START_TIMEOUT_S)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    yield from start_cluster()


def fresh_database(base_url: str) -> str:
    """A new, empty database on the cluster at ``base_url``; its URL."""
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name
