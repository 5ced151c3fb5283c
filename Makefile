# The commands the README names. Everything runs in .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export OMSLAG_DATA_DIR ?= var

.PHONY: run test lint bench openapi messages clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

## run: create .venv, migrate the embedded SQLite database, load demo data, serve on :8000
run: $(STAMP)
	$(BIN)/omslag demo

## test: the whole test suite (PostgreSQL when DATABASE_URL is set, Chromium when present),
## on one pytest-xdist worker per core (OMSLAG_TEST_WORKERS sets how many; 0: in one process)
test: $(DEV_STAMP)
	OMSLAG_SECRET_KEY=check $(BIN)/omslag makemigrations --check --dry-run
	$(BIN)/pytest -n auto --dist loadscope

## lint: ruff, formatting, the import contracts, mypy
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## bench: measure speed and memory; results to var/bench/results.json
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py --output var/bench/results.json

## openapi: write the committed OpenAPI document from the code
# The API contract test with more examples per operation (set DATABASE_URL for PostgreSQL).
fuzz: $(DEV_STAMP)
	OMSLAG_FUZZ_EXAMPLES=$${OMSLAG_FUZZ_EXAMPLES:-25} $(BIN)/pytest tests/hardening/test_schemathesis.py -q

openapi: $(DEV_STAMP)
	OMSLAG_SECRET_KEY=openapi $(BIN)/omslag spectacular --format openapi-json --file openapi.json --validate

## messages: update and compile the Dutch translations (needs GNU gettext)
messages: $(DEV_STAMP)
	cd src/omslag && OMSLAG_SECRET_KEY=messages ../../$(BIN)/omslag makemessages -l nl --no-obsolete --no-location
	cd src/omslag && OMSLAG_SECRET_KEY=messages ../../$(BIN)/omslag compilemessages -l nl

clean:
	rm -rf $(VENV) var/test
