# Clarke Lab: common tasks. Everything runs from .venv/, which is created and filled on first use.
#
#   make run      start the app (port: Streamlit's own STREAMLIT_SERVER_PORT, default 8501)
#   make test     lint, then every test incl. doctests, real-browser and PostgreSQL tests
#   make lint     ruff check
#   make bench    benchmarks (python -m benchmarks)
#   make bench-browser  time to a drawn chart per page in headless Chromium vs a bare page (~6 min)
#   make load     30 concurrent sessions, then a class of 60 answering a live question with the
#                 lecturer's view open, each against its own loopback test server (bounded, ~5 min)
#   make image    the Docker image clarke-lab:latest (needs Docker and the python:3.11-slim base)
#   make install  runtime deps only;  make venv  runtime + dev deps
#   make clean    caches and artifacts;  make distclean  also .venv
#
# Extra pytest arguments: make test PYTEST_ARGS="-m 'not browser' -x"

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# Always `$(PY) -m tool`, never .venv/bin/tool: console scripts carry the absolute path of the
# venv they were installed in, which is wrong in a clone somewhere else.
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint bench bench-browser load image install venv chromium postgres clean distclean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamps make reruns instant; they are redone when a requirements file changes.
$(VENV)/.stamp-run: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.stamp-run

venv: $(VENV)/.stamp-dev

# serve.py: app.py plus the framing policy and no clear_cache from clients (see its docstring).
run: install
	$(PY) -m streamlit run serve.py

# Without a browser the browser tests skip locally, but in CI (CI=true) that must be an error.
chromium:
	@bash scripts/ensure_chromium.sh || [ "$$CI" != "true" ]

# PostgreSQL's programs for the classroom-store tests (each run starts its own throwaway cluster);
# missing, those tests skip locally and fail in CI, as the browser tests do.
postgres:
	@bash scripts/ensure_postgres.sh || [ "$$CI" != "true" ]

lint: venv
	$(PY) -m ruff check .

# Lint first: it is fast, and it leaves pytest's summary as the last lines of the output.
test: venv chromium postgres lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	$(PY) -m benchmarks

# Separate from bench: it starts two servers and a browser and takes about three minutes.
bench-browser: venv chromium
	$(PY) -m benchmarks.time_to_chart

# Load probes on loopback only: each starts its own test server and stops by itself.
load: venv
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.load --live 60

# deploy/README.md says how to run it on Kubernetes; tests/test_deploy.py lints it offline.
image:
	docker build -t clarke-lab:latest .

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
