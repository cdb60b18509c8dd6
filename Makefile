# Kepu: `make run` to try it, `make test` to check it, `make serve` to serve it for real.
# All of them create .venv on first use, from the lock files in requirements/.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
# `make serve` starts `kepu scheduler` beside the web server unless SCHEDULER=false.
SCHEDULER ?= true

.PHONY: run serve test lint format install lock translations messages bench bench-quick bench-roster wrk clean

## The virtualenv: exact versions with hashes from requirements/dev.txt, then Kepu itself
## (editable, no dependencies of its own: the lock has them all).
$(BIN)/kepu: pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kepu needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@touch $@

install: $(BIN)/kepu

## Refresh the lock files from the ranges in pyproject.toml (on purpose, then run `make test`):
## requirements/main.txt is what a server needs, requirements/dev.txt adds the tests' tools.
## `make lock UPGRADE=1` takes the newest releases the ranges allow; without it pins stay put.
lock: install
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --python-version 3.11 \
		--generate-hashes --quiet --custom-compile-command 'make lock' \
		$(if $(UPGRADE),--upgrade,) -o requirements/main.txt
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --extra lock \
		-c requirements/main.txt --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade,) -o requirements/dev.txt

## Compile the .po catalogues into the .mo files Flask-Babel reads.
translations: install
	$(BIN)/pybabel -q compile -d core/translations

## Extract the strings to translate into messages.pot and merge them into the catalogues;
## then translate the new or fuzzy entries in the .po files and run `make translations`.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		--project Kepu -o core/translations/messages.pot .
	$(BIN)/pybabel -q update -i core/translations/messages.pot -d core/translations

## Try Kepu: create the database, load demo data when empty, serve on http://$(HOST):$(PORT)
## with Flask's development server (scheduled jobs run inside it: SCHEDULER_EMBEDDED).
run: install
	$(BIN)/kepu db upgrade
	$(BIN)/kepu demo
	KEPU_SESSION_COOKIE_SECURE=false KEPU_REMEMBER_COOKIE_SECURE=false KEPU_SCHEDULER_EMBEDDED=true \
		$(BIN)/kepu run --host $(HOST) --port $(PORT)

## Serve Kepu for real (README "Deploying"): migrate, then gunicorn with gunicorn.conf.py on
## $(HOST):$(PORT) against the configured database, and `kepu scheduler` beside it.
serve: install
	$(BIN)/kepu db upgrade
	@set -e; scheduler=; \
	if [ "$(SCHEDULER)" = true ]; then $(BIN)/kepu scheduler & scheduler=$$!; fi; \
	trap '[ -z "$$scheduler" ] || kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind '$(HOST):$(PORT)' 'core:create_app()'

## The whole suite (SQLite; set KEPU_TEST_DATABASE_URI for PostgreSQL).
test: install
	$(BIN)/pytest

## Lint, format and import-contract checks (CI runs them); `make format` applies the formatting.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .

## Benchmarks (bench/README.md): the province-scale review on the local PostgreSQL server
## (database kepu_bench, recreated and loaded first), then Kepu over HTTP under gunicorn against
## a bare Flask app, with wrk (6 s runs, 3 repeats): the demo county on SQLite and on PostgreSQL
## (database kepu_bench_http), then the province on PostgreSQL (kepu_bench_http_province).
## Results in bench/results/latest.json.
bench: install wrk
	$(BIN)/python bench/review.py
	$(BIN)/python bench/http_paths.py --duration 6 --repeats 3 --engine sqlite --engine postgresql \
		--scale county --scale province
	$(BIN)/python bench/roster_import.py

## A 10,000-member roster workbook imported into an empty Kepu (SQLite), then again.
bench-roster: install
	$(BIN)/python bench/roster_import.py

## The HTTP benchmark in short (SQLite, 2 s runs, once): a few minutes at most.
bench-quick: install wrk
	$(BIN)/python bench/http_paths.py --quick

## wrk, the HTTP load generator of the benchmarks (the Debian package), installed when missing.
wrk:
	@command -v wrk >/dev/null || { \
		apt=apt-get; [ "$$(id -u)" = 0 ] || apt="sudo -n apt-get"; \
		$$apt install -y wrk || { $$apt update -q && $$apt install -y wrk; }; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
