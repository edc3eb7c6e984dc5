# LearnStack. Needs only Python 3.11+ and make: everything else is installed into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WITH_DB := $(BIN)/python scripts/devdb.py exec --
HOST ?= 0.0.0.0
PORT ?= 8000
# Links the demo prints and emails (invitations, resets) point at the port the server really uses.
export BASE_DOMAIN ?= localhost:$(PORT)
export PYTHONUNBUFFERED := 1

.PHONY: run test lint format install migrate demo worker beat bench mutation db-stop clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(WITH_DB) $(BIN)/python manage.py migrate_schemas --noinput -v 0

demo: migrate
	DJANGO_SETTINGS_MODULE=config.settings.local $(WITH_DB) $(BIN)/python manage.py seed_demo

run: demo
	DJANGO_SETTINGS_MODULE=config.settings.local $(WITH_DB) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests need a live server whose transactional tests truncate tables, so they run in a second
# pytest process after the rest. Exit code 5 ("no tests collected") is fine for that second run only.
# TEST_WORKERS pytest-xdist processes run the rest, each on its own test database (TEST_WORKERS=0: one process);
# loadgroup keeps the modules that share one costly set-up (xdist_group, e.g. the demo seed) on one worker.
TEST_WORKERS ?= 2
test: install
	$(WITH_DB) $(BIN)/python -m pytest -m "not browser" -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	$(WITH_DB) $(BIN)/python -m pytest -m browser $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(WITH_DB) $(BIN)/celery -A config worker -l info

beat: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(WITH_DB) $(BIN)/celery -A config beat -l info

bench: install
	$(WITH_DB) $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Mutation testing on demand (never in CI): MODULE=path/to/module.py (default: the six core modules in
# scripts/mutation.py, with the tests that cover each), MUTANTS per module (0 = all), SEED for the sample.
MODULE ?=
MUTANTS ?= 60
SEED ?= 8
$(VENV)/.mutation-installed: $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	@touch $@

mutation: $(VENV)/.mutation-installed
	$(WITH_DB) nice -n 10 $(BIN)/python scripts/mutation.py $(MODULE) --sample $(MUTANTS) --seed $(SEED) $(MUTATION_ARGS)

db-stop: install
	$(BIN)/python scripts/devdb.py stop

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
