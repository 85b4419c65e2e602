# HIPOC developer commands. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Tests run in file order unless PYTEST_ARGS says otherwise (CI shuffles one pass with pytest-randomly).
PYTEST_ARGS ?= -p no:randomly
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint scan loadtest format install install-dev migrate demo bench messages clean backup restore

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json

install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	$(PY) manage.py rank --publish --top 10

# The address and the demo logins come last, just above the server's own start-up lines.
run: demo
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

scan: install-dev
	.ci/scans

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache hipoc.sqlite3 test_hipoc.sqlite3

BENCH_DIR ?= /tmp/hipoc-bench

bench: install-dev
	@mkdir -p $(BENCH_DIR)
	$(PY) -m tests.bench.engine
	@# One core, as a run's worker has: no threaded BLAS in the estimator's matrix products.
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PY) -m tests.bench.sensitivity
	OMP_NUM_THREADS=1 $(PY) -m tests.bench.plans
	BENCH_DATABASE_URL=sqlite:///$(BENCH_DIR)/bench.sqlite3 $(PY) -m tests.bench.end_to_end
	BENCH_DATABASE_URL=sqlite:///$(BENCH_DIR)/indicators.sqlite3 $(PY) -m tests.bench.indicator_import
	@case "$(DATABASE_URL)" in postgres*) \
		BENCH_DATABASE_URL="$${DATABASE_URL%/*}/hipoc_bench" $(PY) -m tests.bench.end_to_end && \
		BENCH_DATABASE_URL="$${DATABASE_URL%/*}/hipoc_bench" $(PY) -m tests.bench.indicator_import ;; \
		*) echo "PostgreSQL: set DATABASE_URL=postgres://… to benchmark it too." ;; esac
	@command -v wrk >/dev/null || { echo "The API benchmark needs wrk: apt-get install wrk"; exit 1; }
	$(PY) -m tests.bench.api

# Refresh the Japanese catalogue after changing user-facing text (needs GNU gettext), then fill in the new msgstr.
messages: install-dev
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=node_modules --ignore=tests --ignore=artifacts
	$(PY) manage.py compilemessages -l ja --ignore=.venv

# A backup of the configured database (DATABASE_URL) into backups/ (or BACKUP_DIR); `make restore FILE=…` puts one back.
backup: install
	$(PY) -m hipoc.backup create $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/hipoc-….dump"; exit 2; }
	$(PY) -m hipoc.backup restore $(FILE)

# 20 users for 60 s against gunicorn, a Celery worker, PostgreSQL and Redis on 127.0.0.1 (locust, headless).
loadtest: install-dev
	$(PY) -m tests.load.run
