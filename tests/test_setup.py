"""The project's set-up: config safety, CI entry point, pinned requirements, browser smoke test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from browser_util import wait_for_app

REPO_ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def _config() -> dict:
    return tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())


def test_streamlit_config_keeps_safety_settings():
    config = _config()
    assert config["browser"]["gatherUsageStats"] is False
    # "none" is the only value that hides exception types, messages and tracebacks from
    # visitors; the deprecated `false` still shows tracebacks.
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["fileWatcherType"] == "none"


def test_streamlit_accepts_every_config_key():
    out = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    assert "is not a valid config option" not in out.stderr + out.stdout
    assert 'showErrorDetails = "none"' in out.stdout  # the file was actually read


def test_ci_entry_point_runs_make_test():
    script = (REPO_ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert re.search(r"^\s*make test\s*$", script, re.MULTILINE)


def _requirement_lines(name: str) -> list[str]:
    lines = (REPO_ROOT / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned_and_installed(name):
    for line in _requirement_lines(name):
        if line == "-r requirements.txt":
            continue
        match = PIN.match(line)
        assert match, f"{name}: {line!r} is not pinned with =="
        package, pinned = match.groups()
        installed = version(package)
        assert installed == pinned, f"{package}: installed {installed}, pinned {pinned}"


def test_dev_requirements_include_runtime():
    assert "-r requirements.txt" in _requirement_lines("requirements-dev.txt")


def test_wrong_chromium_override_is_an_error_not_a_fallback():
    env = {**os.environ, "CLARKE_CHROMIUM": "/nonexistent/chromium"}
    out = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "ensure_chromium.sh")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stdout == ""
    assert "CLARKE_CHROMIUM" in out.stderr


@pytest.mark.browser
def test_home_page_renders_without_errors(page, streamlit_server, screenshot_dir):
    page.goto(streamlit_server)
    wait_for_app(page)
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)

    assert page.title().strip()
    heading = page.locator("h1").first
    heading.wait_for(state="visible")
    assert heading.inner_text().strip()
    assert page.locator("[data-testid='stException']").count() == 0
    if not os.environ.get("CLARKE_APP"):  # the real app, not a stand-in
        assert "clarke" in (page.title() + page.inner_text("body")).lower()
