# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The team's shared folder (benchmarks); ../shared beside a clone, as in CI.
AIRLINE_SHARED_DIR ?= $(abspath $(firstword $(wildcard ../shared /work/shared)))
export AIRLINE_SHARED_DIR

# Tests always run against the real services.
TEST_ENV := DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/airline} \
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/14}
# The suite mostly waits on workers and browsers: two pytest-xdist processes, one test file each at a time
# (each with its own test database and Redis database). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

.PHONY: run test install lint format audit services browser promtool demo clean flower

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The local demo, on the machine's PostgreSQL unless DATABASE_URL says otherwise (its database created if missing):
# its logins are created, the partners' messages go to the built-in sandbox inbox, and delay drills may run.
DEMO_ENV := AIRLINE_DEMO=$${AIRLINE_DEMO:-1} PARTNER_SANDBOX_ENABLED=$${PARTNER_SANDBOX_ENABLED:-true} \
	DRILLS_ALLOWED=$${DRILLS_ALLOWED:-true}

demo: install
	$(BIN)/python manage.py create_demo_database
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py load_demo --first-disruption
	$(BIN)/python manage.py point_partners_at_sandbox --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py install_drills --enable
	$(DEMO_ENV) $(BIN)/python manage.py create_demo_operator

# Every process of the Procfile writes its metrics here; emptied at each start (prometheus-client's multi-process mode).
METRICS_DIR := $(abspath var/prometheus)

run: demo
	@echo ""
	@echo "  Operations control:  http://127.0.0.1:$(PORT)/admin/   (login printed above)"
	@echo "  Gate API:            http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Metrics:             http://127.0.0.1:$(PORT)/metrics"
	@echo "  Stop with Ctrl-C."
	@echo ""
	rm -rf $(METRICS_DIR) && mkdir -p $(METRICS_DIR)
	$(DEMO_ENV) PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR) PORT=$(PORT) $(BIN)/honcho start -f Procfile

# Flower: the Celery worker pools (workers, tasks, rates, pool controls), not the business flows (docs/operations.md).
# It switches the workers' task events on itself (its enable_events option, on by default).
FLOWER_PORT ?= 5555
flower: install
	$(BIN)/celery -A airline flower --address=127.0.0.1 --port=$(FLOWER_PORT)

services:
	@scripts/check_services.sh

browser:
	@scripts/ensure_chromium.sh

promtool:
	@scripts/ensure_promtool.sh

# Known vulnerabilities in what we deploy (scripts/audit.sh says how).
audit: install
	@scripts/audit.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py event_catalogue --check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install services browser promtool lint
	@scripts/audit.sh --unreachable-ok
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

clean:
	rm -rf var
