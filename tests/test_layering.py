"""The import direction of DESIGN.md: math core <- figures <- pages, never the other way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "clarke_core"
FIGURES = CORE / "figures"
CORE_FILES = sorted(CORE.rglob("*.py"))
UI_FILES = sorted([ROOT / "app.py", *ROOT.glob("ui*.py"), *(ROOT / "app_pages").glob("*.py"),
                   *(ROOT / "lessons").glob("*.py")])


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports only; relative stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            roots.add(node.args[0].value.split(".")[0])  # importlib.import_module("...")
    return roots


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_walk_sees_the_layers():
    assert CORE / "views" / "explore_1d.py" in CORE_FILES and FIGURES / "one_d.py" in CORE_FILES
    assert ROOT / "app.py" in UI_FILES and ROOT / "lessons" / "clarke_2d.py" in UI_FILES


def test_the_checker_catches_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nfrom plotly import graph_objects\n"
                   "import importlib\nimportlib.import_module('sympy.core')\n")
    assert {"streamlit", "plotly", "sympy"} <= imported_roots(bad)


@pytest.mark.parametrize("path", CORE_FILES, ids=_id)
def test_core_never_imports_streamlit(path):
    assert "streamlit" not in imported_roots(path)


@pytest.mark.parametrize("path", CORE_FILES, ids=_id)
def test_core_never_imports_the_ui_layer(path):
    assert not {"ui", "lessons", "app_pages"} & imported_roots(path)


@pytest.mark.parametrize("path", [p for p in CORE_FILES if FIGURES not in p.parents], ids=_id)
def test_math_layer_imports_no_plotting(path):
    assert not {"streamlit", "plotly"} & imported_roots(path)


@pytest.mark.parametrize("path", UI_FILES, ids=_id)
def test_pages_do_no_math(path):
    assert "sympy" not in imported_roots(path), "pages are UI only: math belongs in clarke_core"


def test_no_folder_named_pages_beside_app_py():
    """A folder named pages/ beside the entry script makes Streamlit register its files as pages
    before app.py has run: a first deep link (/homework) then shows "Page not found" over the
    right page (streamlit#9624). The pages live in app_pages/, which Streamlit does not scan."""
    assert not (ROOT / "pages").exists()
    assert (ROOT / "app_pages" / "home.py").exists()
