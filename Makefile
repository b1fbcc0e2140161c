# Quick start: `make report` (set up + main job) and `make test` (set up + `make lint` + whole test suite).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
OUT ?= build

.PHONY: setup lock report lint test browser bench clean

# Pinned installs: requirements/lock.txt holds the exact version and hashes of every package
# (dependencies, dev tools, pip and the build backend), resolved from pyproject.toml's ranges by
# `make lock`; setup installs exactly that, then the project itself without dependencies.
LOCK := requirements/lock.txt
UV_VERSION := 0.13.9
TOOLS := .venv-tools
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python requirements/check_lock.py pyproject
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@# an editable install is not byte-compiled (a wheel install is): compile it once, so that
	@# each command does not compile the package again (~0.2 s) where bytecode writing is off
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python -m pip check
	$(BIN)/python requirements/check_lock.py installed
	touch $@

setup: $(BIN)/.installed

# Re-resolve the lock from pyproject.toml, keeping the current pins where they still fit;
# `make lock UPGRADE=1` takes the newest versions inside the ranges (README: Upgrading dependencies).
lock:
	test -x $(TOOLS)/bin/uv || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install -q "uv==$(UV_VERSION)"; }
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra dev --generate-hashes \
	  $(LOCK_TARGET) $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

# Public data beside the repository (SEC filings, Epoch AI), imported when present.
SHARED_DATA ?= ../shared/data

# Loads the shipped dataset (and the public data, if there) into the default DuckDB store and writes the report.
report: setup
	$(BIN)/aicapex data load
	@if [ -d "$(SHARED_DATA)/sec-companyfacts" ]; then \
	  for f in $(SHARED_DATA)/sec-companyfacts/*.json; do $(BIN)/aicapex import sec "$$f" --since 2018 || exit 1; done; fi
	@if [ -d "$(SHARED_DATA)" ]; then $(BIN)/aicapex import epoch "$(SHARED_DATA)"; fi
	@if [ -d "$(SHARED_DATA)/filed-quarterly-2025-2026" ]; then \
	  $(BIN)/aicapex import filed-quarterly "$(SHARED_DATA)/filed-quarterly-2025-2026"; fi
	$(BIN)/aicapex report --out $(OUT)/report.html

# Debian's chromium for the dashboard's browser test (Playwright drives /usr/bin/chromium).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' for the browser test"; fi; }

# The quality gate (pyproject.toml [tool.ruff], [tool.mypy], [tool.importlinter]): lint and format,
# types (strict on model, financial, network, uncertainty), the layer order and no import cycles.
lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The tests run after the quality gate: a lint, type or layer error fails `make test` (and CI).
test: setup browser lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(TOOLS) $(OUT) .pytest_cache
