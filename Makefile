# Two commands matter: `make run` (set up + serve the demo) and `make test` (set up + lint + the suite).
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run setup test lint typecheck suite test-postgres bench demo clean lock

# The interpreter: pyenv's when the machine has it (.python-version picks it), else python3.
BASE_PYTHON := $(shell command -v pyenv >/dev/null 2>&1 && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1 \
	&& echo "$$(pyenv prefix $(PYTHON_VERSION))/bin/python" || command -v python3)

$(PY):
	$(BASE_PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed"'
	$(BASE_PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/lock.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip install --quiet --python $(PY) -r requirements/lock.txt
	touch $@

setup: $(VENV)/.installed

## Serve the app with the embedded default (SQLite, in-memory channel layer, database task worker).
run: setup
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py demo --if-empty
	@exec $(PY) manage.py serve --host $(HOST) --port $(PORT)

demo: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy watercooler bench

suite: setup
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Lint, types and the whole suite (SQLite; CI repeats the suite on PostgreSQL + Redis).
test: lint typecheck suite

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

lock: | $(PY)
	$(UV) pip compile pyproject.toml --extra dev -o requirements/lock.txt --python-version 3.12 --generate-hashes

clean:
	rm -rf $(VENV) var/static var/test-artifacts
