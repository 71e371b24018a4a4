# make run: the API on the shipped sample; make test: everything CI runs.
# Both create .venv and install the pinned dependencies they need, once per change of the pins.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test lint typecheck pytest fmt sample bench-engines clean

run: $(RUNTIME_STAMP)
	$(BIN)/gunicorn -c python:service.gunicorn_config

test: lint typecheck pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest

fmt: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The committed sample: 300 rows, seed 7.
sample: $(RUNTIME_STAMP)
	$(BIN)/python data/generate.py --rows 300 --seed 7 --out data/expanses.csv

# Engine timings behind docs/decisions/0001-engine.md and docs/performance.md (1,000,000 generated rows, never committed).
bench-engines: $(DEV_STAMP)
	$(PIP) install -r bench/requirements.txt
	test -f /tmp/expanses-1m.csv || $(BIN)/python data/generate.py --rows 1000000 --seed 1 --out /tmp/expanses-1m.csv
	$(BIN)/python bench/engines.py --csv /tmp/expanses-1m.csv
	$(BIN)/python bench/engines.py --csv data/expanses.csv
	$(BIN)/python bench/aggregates.py --csv /tmp/expanses-1m.csv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
