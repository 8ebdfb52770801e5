# The commands a new engineer needs: `make demo`, `make check` (the fast lane) and `make test` (everything, what CI runs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DEMO_DB ?= demo/cstool-demo.db

.PHONY: install dev demo check test test-stress bench postgres browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet .
	touch $@

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

install: $(STAMP)  ## create .venv and install cstool

dev: $(DEVSTAMP)  ## create .venv and install cstool editable with the dev tools

demo: $(STAMP)  ## build the demo store, print the TTV report and write its dashboard
	@mkdir -p $(dir $(DEMO_DB))
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/cstool --db $(DEMO_DB) demo --samples $(dir $(DEMO_DB))
	$(BIN)/cstool --db $(DEMO_DB) dashboard -o $(dir $(DEMO_DB))cstool-dashboard.html

postgres:  ## make sure the PostgreSQL server binaries are present (for the test lane)
	@PATH="$$PATH:/usr/lib/postgresql/15/bin" command -v initdb >/dev/null 2>&1 || \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "installing the postgresql package for the PostgreSQL test lane"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || \
	    echo "warning: could not install postgresql; the PostgreSQL lane will fail under CI=true"; }

browser:  ## make sure Debian's chromium is present (for the browser lane: the dashboard in a real browser)
	@command -v chromium >/dev/null 2>&1 || \
	  { echo "installing the chromium package for the browser test lane"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	    echo "warning: could not install chromium; the browser lane will fail under CI=true"; }

check: $(DEVSTAMP) postgres  ## the fast lane: every test not marked slow, on SQLite and PostgreSQL (under 90 s)
	$(BIN)/python -m pytest -m "not slow"

test: $(DEVSTAMP) postgres browser  ## run the whole suite (SQLite, PostgreSQL and browser lanes)
	$(BIN)/python -m pytest

test-stress: $(DEVSTAMP) postgres browser  ## the suite with the heavier fault rounds
	CSTOOL_STRESS=1 $(BIN)/python -m pytest

bench: $(DEVSTAMP)  ## speed and memory against their goals, as a table of ratios (BENCH_ARGS=--million: memory at 1M accounts)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) dist build demo bench/out .pytest_cache
