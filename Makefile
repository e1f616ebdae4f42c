# The README's two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3.11
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install prepare run demo test test-postgres test-fast lint format messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || test -x $(UV) || $(PYTHON) -m pip install --user --quiet uv
	$(UV) sync --frozen
	@touch $@

# Migrating and loading the reference data are idempotent and take seconds.
prepare: install
	$(BIN)/imvo migrate
	$(BIN)/imvo load reference

run: prepare
	$(BIN)/imvo serve --host $(HOST) --port $(PORT)

demo: prepare
	$(BIN)/imvo load demo

# Everything on SQLite, then the database tests again on a PostgreSQL server the suite starts.
test: install
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15 --database=postgres -m "not browser"

test-postgres: install
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15 --database=postgres -m "not browser"

test-fast: install
	$(BIN)/pytest -n 2 -m "not slow and not browser and not postgres"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

messages: install
	cd src/imvo/web && ../../../$(BIN)/django-admin makemessages -l nl --settings=imvo.web.settings
	$(BIN)/python -m imvo.web.messages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
