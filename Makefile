# Madurez 4.0 — every command a person needs. Works from a clean clone on Debian/Ubuntu.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench lint serve check-prereqs translations db demo clean help

help:
	@echo "make run    set everything up, load demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   the whole test suite (browser tests need Chromium: /usr/bin/chromium or CHROMIUM_PATH)"
	@echo "make bench  benchmarks, each figure beside its floor measured in the same run"
	@echo "make lint   ruff and bandit"
	@echo "make serve  gunicorn against DATABASE_URL / REDIS_URL"

check-prereqs:
	@$(PYTHON) scripts/check_prereqs.py

# The venv is rebuilt when setup.cfg changes (the stamp records which extras were installed).
$(BIN)/.installed-base: setup.cfg pyproject.toml | check-prereqs
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(BIN)/.installed-test: setup.cfg pyproject.toml | check-prereqs
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres,redis]"
	@touch $@ $(BIN)/.installed-base

translations: $(BIN)/.installed-base
	$(FLASK) translate compile

db: $(BIN)/.installed-base
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

run: translations demo
	@echo "Madurez 4.0 on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(BIN)/.installed-test
	$(FLASK) translate compile >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/.installed-test
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lint: $(BIN)/.installed-test
	$(BIN)/ruff check maturity tests benchmarks scripts wsgi.py
	$(BIN)/bandit -q -r maturity

# The PostgreSQL driver and the Redis queue: what serving against DATABASE_URL / REDIS_URL needs.
$(BIN)/.installed-serve: setup.cfg pyproject.toml | check-prereqs
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[postgres,redis]"
	@touch $@ $(BIN)/.installed-base

# gunicorn (WEB_CONCURRENCY × GUNICORN_THREADS) plus queue workers when REDIS_URL is set: scripts/serve.sh.
serve: $(BIN)/.installed-serve translations db
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
