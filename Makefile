# Two commands matter: `make run` (set up + serve the demo) and `make test` (set up + lint + the suite).
# Dependencies come in three hash-checked locks, all written by `make lock` from pyproject.toml:
#   requirements/runtime.txt  the app alone: `make run`, `make demo` and production hosts;
#   requirements/test.txt     runtime + the test group (which includes bench): `make test`;
#   requirements/bench.txt    runtime + the bench group: `make bench`, `make bench-smoke`.
# Targets: run, demo | test (= lint typecheck suite), test-postgres | bench, bench-smoke,
# bench-tools | setup (runtime), setup-test, setup-bench | lock | clean.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs on both cores (pytest-xdist); PYTEST_WORKERS=0 runs it in one process. Each
# worker has its own test database and Redis prefix (settings.py).
PYTEST_WORKERS ?= 2

# pytest exits 5 when it collected no test: say so plainly and fail, so a run that checked
# nothing never looks green.
PYTEST := $(VENV)/bin/pytest
define run_pytest
	$(PYTEST) -n $(PYTEST_WORKERS) $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests \
(exit 5): nothing was checked; look at PYTEST_ARGS and testpaths in pyproject.toml." >&2; exit $$rc; }
endef

.PHONY: run setup setup-test setup-bench test lint typecheck suite test-postgres demo clean lock \
	bench bench-smoke bench-tools

# The interpreter: pyenv's when the machine has it (.python-version picks it), else python3.
BASE_PYTHON := $(shell command -v pyenv >/dev/null 2>&1 && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1 \
	&& echo "$$(pyenv prefix $(PYTHON_VERSION))/bin/python" || command -v python3)

$(PY):
	$(BASE_PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed"'
	$(BASE_PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8

# One stamp per lock, so a venv that `make run` set up (runtime only) still gets the test group
# at the first `make test`; each stamp is redone when its lock changes. Installing only adds:
# a checkout's venv can hold all three groups, and they agree on every shared version.
# --require-hashes: a package whose files do not match the lock's hashes is refused.
# --compile-bytecode: every later start (make run, pytest, each manage.py) loads .pyc files even
# where PYTHONDONTWRITEBYTECODE is set, instead of compiling a thousand modules each time.
$(VENV)/.installed-%: requirements/%.txt | $(UV)
	$(UV) pip install --quiet --compile-bytecode --require-hashes --python $(PY) -r $<
	touch $@

## The app's dependencies only (what production installs); the test and bench groups on top.
setup: $(VENV)/.installed-runtime
setup-test: $(VENV)/.installed-test
setup-bench: $(VENV)/.installed-bench

## Serve the app with the embedded default (SQLite, in-memory channel layer, database task worker).
# collectstatic (hashing and compressing some 700 files) runs again only when a static source
# or the installed packages changed, so a second `make run` starts in seconds.
VAR_DIR := $(or $(WATERCOOLER_VAR_DIR),var)
STATIC_STAMP := $(VAR_DIR)/static/.collected
STATIC_SOURCES := $(shell find static watercooler -path '*/static/*' -type f 2>/dev/null)

$(STATIC_STAMP): $(VENV)/.installed-runtime $(STATIC_SOURCES)
	@$(PY) manage.py collectstatic --noinput -v 0
	@touch $@

## Links in emails point at SITE_URL: default it to where this server listens.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup $(STATIC_STAMP)
	@$(PY) manage.py migrate --noinput -v 0 --skip-checks
	@$(PY) manage.py demo --if-empty
	@exec $(PY) manage.py serve --host $(HOST) --port $(PORT)

demo: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup-test
	$(VENV)/bin/mypy watercooler bench

suite: setup-test
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(run_pytest)

## Lint, types and the whole suite (SQLite; CI repeats the suite on PostgreSQL + Redis).
test: lint typecheck suite

test-postgres: setup-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(run_pytest)

## Benchmarks (bench/README.md): the full organisation on SQLite, a few minutes of both cores.
# PostgreSQL: make bench BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432/watercooler_bench"
BENCH_ARGS ?=

# The load generators: wrk from Debian (installed when missing, as .ci/run installs Chromium);
# locust comes with the bench group (requirements/bench.txt, and test.txt, which includes it).
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }

bench: setup-bench bench-tools
	$(PY) -m bench.run --size full $(BENCH_ARGS)

## The tiny organisation, seconds: the harness works (make test runs it as a test too).
bench-smoke: setup-bench bench-tools
	$(PY) -m bench.run --size smoke $(BENCH_ARGS)

## Rewrite the three locks from pyproject.toml. uv prefers the versions already pinned in a lock it
# rewrites, so this adds and removes packages without upgrading any; upgrade on purpose with
# LOCK_ARGS, e.g. `make lock LOCK_ARGS="--upgrade-package django"`. The locks are layered so that
# they agree: test is resolved within the runtime pins (-c), bench within test's (the test
# group includes bench, so every bench package is pinned there).
LOCK_ARGS ?=
COMPILE := $(UV) pip compile pyproject.toml --python-version 3.12 --generate-hashes --quiet \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: | $(UV)
	$(COMPILE) -o requirements/runtime.txt
	$(COMPILE) --group test -c requirements/runtime.txt -o requirements/test.txt
	$(COMPILE) --group bench -c requirements/test.txt -o requirements/bench.txt

clean:
	rm -rf $(VENV) $(VAR_DIR)/static var/test-artifacts var/ci
