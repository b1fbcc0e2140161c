# Quick start: `make report` (set up + main job) and `make test` (set up + whole test suite).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
OUT ?= build

.PHONY: setup report test browser bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

setup: $(BIN)/.installed

# Public data beside the repository (SEC filings, Epoch AI), imported when present.
SHARED_DATA ?= ../shared/data

# Loads the shipped dataset (and the public data, if there) into the default DuckDB store and writes the report.
report: setup
	$(BIN)/aicapex data load
	@if [ -d "$(SHARED_DATA)/sec-companyfacts" ]; then \
	  for f in $(SHARED_DATA)/sec-companyfacts/*.json; do $(BIN)/aicapex import sec "$$f" --since 2018 || exit 1; done; fi
	@if [ -d "$(SHARED_DATA)" ]; then $(BIN)/aicapex import epoch "$(SHARED_DATA)"; fi
	$(BIN)/aicapex report --out $(OUT)/report.html

# Debian's chromium for the dashboard's browser test (Playwright drives /usr/bin/chromium).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' for the browser test"; fi; }

test: setup browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
