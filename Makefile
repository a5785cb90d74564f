# Two commands: `make demo` serves the demo district, `make test` runs the whole suite.
# Everything installs into .venv/ (Python) and node_modules/ (npm, from the lock file);
# Debian packages are installed when run as root (scripts/sysdeps.sh).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test test-sqlite test-postgres bench lint sysdeps install install-test npm serve

# The demo is the production server (gunicorn + WhiteNoise, DEBUG off) on plain HTTP on this
# machine only: LINLI_LOOPBACK_HTTP=1 relaxes secure cookies, HSTS and the https redirect,
# and refuses to start unless every allowed host is a loopback name (linli/settings.py).
demo: sysdeps install npm
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_district
	@LINLI_LOOPBACK_HTTP=1 bash scripts/serve.sh

serve:
	@LINLI_LOOPBACK_HTTP=1 bash scripts/serve.sh

test: sysdeps install-test npm
	@bash scripts/test.sh

test-sqlite: install-test npm
	@bash scripts/test.sh sqlite

test-postgres: install-test npm
	@bash scripts/test.sh postgres

bench: install-test
	$(BIN)/python -m bench

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

sysdeps:
	@bash scripts/sysdeps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

npm: node_modules/.package-lock.json
