# MedTrace: `make run` serves the app on SQLite with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALE_DIR := src/medtrace/locale
PG_URL ?= $(MEDTRACE_TEST_POSTGRES_URL)

.PHONY: run test designer-assets lint fmt compile-messages extract-messages update-messages docs browser-deps clean help

help:
	@echo "make run    - install, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - install dev tools, lint, import contracts, the whole test suite"
	@echo "make extract-messages / update-messages / compile-messages - translation catalogs"
	@echo "make designer-assets - bpmn-js (npm) for the workflow designer, into static/vendor"
	@echo "make docs   - regenerate docs/errors.md"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# swagger-ui-bundle (Swagger UI 4) gave way to swagger-ui-bundle-v2, which installs the same
# package folder: an older environment drops both, then installs the new one afresh.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@! $(BIN)/pip show --quiet swagger-ui-bundle 2>/dev/null \
		|| $(BIN)/pip uninstall --quiet --yes swagger-ui-bundle swagger-ui-bundle-v2
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@! $(BIN)/pip show --quiet swagger-ui-bundle 2>/dev/null \
		|| $(BIN)/pip uninstall --quiet --yes swagger-ui-bundle swagger-ui-bundle-v2
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

compile-messages: $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d $(LOCALE_DIR) -D messages 2>&1 | grep -v '^$$' || true

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -k translate \
		-o $(LOCALE_DIR)/messages.pot src/medtrace

update-messages: extract-messages
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --no-fuzzy-matching

run: $(VENV)/.installed compile-messages designer-assets
	@scripts/ensure-fonts.sh
	$(BIN)/medtrace db upgrade
	$(BIN)/medtrace demo load --if-empty
	@$(BIN)/medtrace demo logins
	@echo "Open http://$${MEDTRACE_HOST:-127.0.0.1}:$${MEDTRACE_PORT:-8000}/ (Ctrl-C stops the server)"
	$(BIN)/medtrace serve

# bpmn-js for the workflow designer: 'npm ci' only when package-lock.json changed (a stamp)
designer-assets:
	@scripts/designer-assets.sh

browser-deps:
	@scripts/ensure-chromium.sh
	@scripts/ensure-fonts.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: $(VENV)/.installed-dev compile-messages designer-assets browser-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

docs: $(VENV)/.installed
	$(BIN)/medtrace errors docs

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules src/medtrace/static/vendor/bpmn-js
	find $(LOCALE_DIR) -name '*.mo' -delete
