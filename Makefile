# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format messages bench bench-sync bench-deregistration bench-registers bench-pages bench-load fuzz stop

$(STAMP): pyproject.toml
	@bash scripts/ensure-system-packages.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py migrate --no-input -v 0
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py load_demo
	DJANGO_SETTINGS_MODULE=portal.settings.dev PY=$(PY) bash scripts/run-dev.sh

test: $(STAMP) messages node_modules/axe-core/axe.min.js
	@bash scripts/ensure-system-packages.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run -v 1
	DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: bench-sync bench-deregistration bench-registers bench-pages bench-load

# The weekly state-data sync over 1,000,000 register items and 100,000 suppliers (docs/gateway.md).
bench-sync: $(STAMP)
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) bench/sync.py

# Automatic deregistration (DER-2): 100,000 registered suppliers, a sync listing 1,000 of them,
# a real Celery worker on Redis (REDIS must run; `--mode inline` without it). Figure in README.
bench-deregistration: $(STAMP)
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) bench/deregistration.py $(BENCH_ARGS)

# The public registers over 100,000 entries: gunicorn on loopback, 20 clients, a trivial view
# as the ceiling (README "Benchmarks").
bench-registers: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) bench/registers.py

# The pages under load beside a trivial Django view, gunicorn with production settings (issue 12).
bench-pages: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) bench/pages.py $(BENCH_ARGS)

# Parallel work (issue 15 item 3): 20 regions' commissions vote, sign and publish over HTTP while
# suppliers save sections and the public searches; gunicorn with production settings, a Celery
# worker on Redis (BENCH_REDIS_URL; REDIS must run, `--no-celery` without it). Checks no lost or
# double vote, protocol numbers without gap, no deadlock, the audit chain; figures in README.
bench-load: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) bench/load.py $(BENCH_ARGS)

# The parsers of untrusted input fuzzed with Hypothesis (tests/fuzz/, issue 15): each fuzzer runs
# for about FUZZ_SECONDS (100; a round of examples may run past it, never past 2 min) or FUZZ_EXAMPLES examples, under a memory limit (FUZZ_MEMORY_KB);
# `make test` runs the same fuzzers with a few derandomized examples.
FUZZ_EXAMPLES ?= 100000
FUZZ_SECONDS ?= 100
FUZZ_MEMORY_KB ?= 4000000
fuzz: $(STAMP) messages
	ulimit -v $(FUZZ_MEMORY_KB); FUZZ_MODE=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -p no:cacheprovider -q -s \
		tests/fuzz/

stop: $(STAMP)
	$(PY) -c "from portal.embedded_db import stop; stop('$(EMBEDDED_PG_DIR)' or None)"
