# make run: the API on the shipped sample; make test: everything CI runs.
# Both create .venv and install the pinned dependencies they need, once per change of the pins.
# make test also installs the JS client (npm ci) and Debian's chromium, wrk and nginx (apt-get) where missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

JS_CLIENT := tests/contract/js
JS_STAMP := $(JS_CLIENT)/node_modules/.installed

CI_TOOLS_STAMP := $(VENV)/.ci-tools-installed

# The race has a venv of its own (Datasette's and the DJA peer's Django pins must not meet ours).
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

.PHONY: k8s-manifests soak run test test-docker stack-up stack-down stack-reload lint typecheck pytest contract explore fmt sample bench bench-smoke bench-ab bench-overhead bench-big bench-workers bench-proxy profile bench-engines wrk chromium nginx clean

run: $(RUNTIME_STAMP)
	$(BIN)/gunicorn -c python:service.gunicorn_config

test: lint typecheck pytest bench-smoke

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/openapi-spec-validator openapi.yaml

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP) $(JS_STAMP) chromium nginx
	$(BIN)/pytest

# Build the images, start the stack (docker/stack.sh) and run the contract and topology tests
# through the proxy (Docker engine, or podman as root).
test-docker: $(DEV_STAMP) $(CI_TOOLS_STAMP) $(JS_STAMP) chromium
	docker/test-docker.sh

# The compose stack (nginx in front of 2 API replicas), detached; its URL in test-output/stack-url.
# Honours PORT, EXPANSES_CSV (a CSV on this machine, as make run takes it), EXPANSES_DATA_DIR, API_REPLICAS,
# COMPOSE_FILE (docker/stack.sh). If it fails, the replicas' last log lines are printed before it is removed.
stack-up: $(CI_TOOLS_STAMP)
	docker/stack.sh up

stack-down: $(CI_TOOLS_STAMP)
	docker/stack.sh down

# New data on every replica of the running stack: replace the file under its data directory, then this (SIGHUP).
stack-reload: $(CI_TOOLS_STAMP)
	docker/stack.sh reload

$(CI_TOOLS_STAMP): docker/requirements-ci.txt | $(VENV)/bin/python
	$(PIP) install -r docker/requirements-ci.txt
	touch $@

# The contract suite alone, against API_BASE_URL when set (else a gunicorn started by the tests).
contract: $(DEV_STAMP) $(JS_STAMP) chromium
	$(BIN)/pytest tests/contract

# Bug hunting: the Hypothesis and schemathesis tests with new random cases each run and ten times the
# examples (make test generates the same cases every run; tests/helpers/hypothesis_profiles.py). API_BASE_URL works here too.
explore: $(DEV_STAMP)
	HYPOTHESIS_PROFILE=explore $(BIN)/pytest -m hypothesis

$(JS_STAMP): $(JS_CLIENT)/package.json $(JS_CLIENT)/package-lock.json
	cd $(JS_CLIENT) && npm ci --no-audit --no-fund
	touch $@

# Debian's chromium for the docs-page browser test (root, as in CI; elsewhere install it yourself).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's nginx for the proxy tests (tests/live/test_proxy.py runs docker/nginx/'s config with it;
# root, as in CI; elsewhere install it yourself). Not on a non-root PATH, hence the second check.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

fmt: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The full soak with faults (60 s, concurrency 32, a worker SIGKILLed at 20 s, new data + SIGHUP at 40 s); figures in docs/reliability.md.
soak: $(RUNTIME_STAMP)
	mkdir -p test-output
	$(BIN)/python bench/soak.py --seconds 60 --concurrency 32 --kill-worker-at 20 --reload-at 40 --json test-output/soak.json

# The race against Datasette and DJA at 149 and 1,000,000 rows (about 35 minutes): rewrites the tables of
# docs/performance.md and docs/performance-bench.png. Data and SQLite copies go to /tmp/expanses-bench.
# Then exports (about 3 minutes; figures for docs/performance.md, "Exports", in test-output/bench-exports.json).
bench: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	$(BENCH_VENV)/bin/python bench/compare.py --report
	mkdir -p test-output
	$(BENCH_VENV)/bin/python bench/exports.py --json test-output/bench-exports.json

# A few seconds of the same harness (149 rows, 1 s per query, no ratio asserted): it must keep working.
bench-smoke: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	$(BENCH_VENV)/bin/python bench/compare.py --smoke --json test-output/bench-smoke.json

# This checkout against another commit (BASE), the race's queries with fresh parameters, servers taking
# turns under the same wrk load: what a change bought or cost. AB_ROWS="149 1000000 10000000" for the large file.
BASE ?= main
AB_ROWS ?= 149 1000000
bench-ab: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	$(BENCH_VENV)/bin/python bench/ab.py --base $(BASE) --rows $(AB_ROWS)

# The fixed cost of a request (issue 22): bare Flask against our /health, /expanses/{id}, a list page,
# filter + sort and /aggregates at 149 rows, answer memory off, 2 sync workers each, fresh parameters,
# rounds timed side by side; shares of bare Flask's req/s (about 3 minutes; docs/performance.md,
# "Fixed cost of a request").
bench-overhead: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	mkdir -p test-output
	$(BENCH_VENV)/bin/python bench/overhead.py --json test-output/bench-overhead.json

# Where a request's time goes: py-spy on one worker under the race's wrk load (RACE=list|filter_sort|single|aggregate|columns).
RACE ?= aggregate
ROWS ?= 149
profile: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	$(BENCH_VENV)/bin/python bench/profile.py --race $(RACE) --rows $(ROWS) --no-memory

# Capacity through the proxy (nginx + 2 replicas) against gunicorn alone, for docs/scaling.md (about 5 minutes).
bench-proxy: $(DEV_STAMP) wrk nginx
	$(BIN)/python bench/proxy.py --json test-output/bench-proxy.json

# Ten million rows (issue 12): start-up on a new and an unchanged file, PSS of all processes, deep and
# cursor pages, WORKERS=4 (docs/performance.md, "Ten million rows"). The 433 MB file is generated once
# into /tmp/expanses-bench (about a minute), never committed. BIG_ROWS=1000000 for a quicker look.
BIG_ROWS ?= 10000000
bench-big: $(RUNTIME_STAMP)
	mkdir -p test-output
	cd bench && ../$(BIN)/python big.py --rows $(BIG_ROWS) --workers 4 --json ../test-output/bench-big.json

# Worker models measured for docs/decisions/0005-workers.md.
bench-workers: $(RUNTIME_STAMP) $(BENCH_STAMP) wrk
	$(BENCH_VENV)/bin/python bench/workers.py

$(BENCH_STAMP): bench/requirements-race.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check -q install -r bench/requirements-race.txt
	touch $@

# Debian's wrk, the load generator of the race (root, as in CI; elsewhere install it yourself).
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# deploy/kubernetes/: the data and nginx ConfigMaps and the Deployment's checksum annotations,
# from data/expanses.csv and docker/nginx/ (tests/unit/test_kubernetes_manifests.py checks them).
k8s-manifests: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.render_kubernetes

# The committed sample: 300 rows, seed 7.
sample: $(RUNTIME_STAMP)
	$(BIN)/python data/generate.py --rows 300 --seed 7 --out data/expanses.csv
	$(BIN)/python -m deploy.render_kubernetes

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
	rm -rf $(VENV) $(BENCH_VENV) .mypy_cache .pytest_cache .ruff_cache $(JS_CLIENT)/node_modules test-output
