# Silang: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:10])")
# Development defaults; a deployment sets DEBUG=0 and SECRET_KEY (see README).
export DEBUG ?= 1
APPS := catalog loans agreements interop network acquisitions
PYTEST_WORKERS ?= 2

.PHONY: install run serve test test-fast lint format migrations-check messages stop-db bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-safe
	@echo "Silang runs on http://127.0.0.1:8000/ with its background worker (Ctrl-C stops both; 'make stop-db' stops the embedded Postgres)."
	$(BIN)/python manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production-like server: gunicorn behind whitenoise, and the background worker; needs SECRET_KEY and ALLOWED_HOSTS
# when DEBUG=0. Under a process manager run the two as separate services (README, "Running in production"):
#   gunicorn consortium.wsgi --bind 127.0.0.1:8000 --workers 3     and     python manage.py run_worker
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/gunicorn consortium.wsgi --bind 127.0.0.1:8000 --workers 3

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser" -x

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Needs GNU gettext (apt-get install gettext). The compiled .mo files are committed, so a fresh clone works without it.
messages: install
	$(BIN)/python manage.py makemessages -l id -l en --no-obsolete -i '$(VENV)/*' -i 'var/*' -i 'tests/*' -i 'bench/*' \
	  $(foreach app,$(APPS),-i '$(app)/*')
	for app in $(APPS); do (cd $$app && ../$(BIN)/python ../manage.py makemessages -l id -l en --no-obsolete); done
	$(BIN)/python manage.py compilemessages -i '$(VENV)' -i var

stop-db:
	$(BIN)/python -m consortium.embedded_db stop

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/staticfiles
