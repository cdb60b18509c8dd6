# Kepu: `make run` to try it, `make test` to check it. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: run test lint install translations messages serve bench clean

$(BIN)/kepu: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kepu needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/kepu

## Compile the .po catalogues into the .mo files Flask-Babel reads.
translations: install
	$(BIN)/pybabel -q compile -d core/translations

## Extract the strings to translate into messages.pot and merge them into the catalogues;
## then translate the new or fuzzy entries in the .po files and run `make translations`.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		--project Kepu -o core/translations/messages.pot .
	$(BIN)/pybabel -q update -i core/translations/messages.pot -d core/translations

## Create the database, load demo data when empty, serve on http://$(HOST):$(PORT)
## (with the scheduled jobs running inside the server: SCHEDULER_EMBEDDED).
run: install
	$(BIN)/kepu db upgrade
	$(BIN)/kepu demo
	KEPU_SESSION_COOKIE_SECURE=false KEPU_REMEMBER_COOKIE_SECURE=false KEPU_SCHEDULER_EMBEDDED=true \
		$(BIN)/kepu run --host $(HOST) --port $(PORT)

## The whole suite (SQLite; set KEPU_TEST_DATABASE_URI for PostgreSQL).
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

## Benchmarks (bench/README.md): the province-scale review on the local PostgreSQL server
## (database kepu_bench, recreated and loaded first).
bench: install
	$(BIN)/python bench/review.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
