# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run test test-redis lint install install-dev static db bench superuser clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

static: install
	$(PY) manage.py collectstatic --noinput -v0

db: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_content

run: db static
	@echo "Legwork is starting on http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-dev lint static
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-redis

# The tests that depend on the cache backend, again against Redis (what several web processes share).
# REDIS_URL defaults to the local server; in CI (CI=true) a missing Redis is a failure, elsewhere a skip.
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
test-redis: install-dev
	@if $(PY) -c "import redis,sys; redis.Redis.from_url('$(REDIS_TEST_URL)').ping()" 2>/dev/null; then \
	  echo "make test: the cache-dependent tests again, on Redis at $(REDIS_TEST_URL)"; \
	  REDIS_URL=$(REDIS_TEST_URL) $(VENV)/bin/pytest -m cache -p no:randomly; \
	elif [ -n "$$CI" ]; then \
	  echo "make test: FAIL: no Redis at $(REDIS_TEST_URL)" >&2; exit 1; \
	else \
	  echo "make test: no Redis at $(REDIS_TEST_URL); the cache-dependent tests ran on the local-memory cache only"; \
	fi

superuser: db
	$(PY) manage.py createsuperuser

bench: install-dev static
	command -v wrk >/dev/null || apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk
	$(PY) -m tests.bench.run

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache
