# The two commands: `make run` and `make test`. Each installs what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres setup system-packages lint format messages demo clean-venv

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not transactional"
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m transactional

# The same suite again on a real database: a throw-away PostgreSQL and Redis on loopback (scripts/with-postgres-redis.sh;
# the system packages come from `make setup`, run as root). Adds the tests marked `postgres`, which SQLite skips.
# Between its two phases, the concurrency and streamed-export tests run once more through pgbouncer in transaction
# mode, set up as deploy/README.md says. They reuse the test database the first phase kept (--reuse-db; its rows were
# all rolled back), so there is no second migrate. pgbouncer is then stopped: its pooled server connections would keep
# the transactional phase from dropping and creating its databases ("being accessed by other users").
test-postgres: setup
	PGBOUNCER=1 scripts/with-postgres-redis.sh sh -c '\
	  $(BIN)/python -m pytest -q -n 2 --dist loadfile --reuse-db -m "not transactional" && \
	  DATABASE_URL="$$PGBOUNCER_DATABASE_URL" DISABLE_SERVER_SIDE_CURSORS=true DATABASE_CONN_MAX_AGE=0 \
	    $(BIN)/python -m pytest -q -n 1 --reuse-db $(PGBOUNCER_TESTS) && \
	  kill "$$(cat "$$PGBOUNCER_PIDFILE")" && sleep 2 && \
	  $(BIN)/python -m pytest -q -n 2 --dist loadfile -m transactional'
PGBOUNCER_TESTS := tests/postgres/test_concurrency.py tests/postgres/test_streamed_export_between_transactions.py

setup: system-packages $(STAMP) messages

system-packages:
	@scripts/install-system-packages.sh

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# Compiled catalogues are build output (not in git): rebuild them whenever a .po file is newer.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
	  for po in $$(find academy assessments scenarios assignments notifications home courses credits locale -path '*locale/*/LC_MESSAGES/*.po' 2>/dev/null); do \
	    mo=$${po%.po}.mo; [ -f "$$mo" ] && [ "$$mo" -nt "$$po" ] || msgfmt --check -o "$$mo" "$$po" || exit 1; \
	  done; \
	else echo "msgfmt not found: install gettext (apt-get install -y gettext) to see the site in Chinese." >&2; fi

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
