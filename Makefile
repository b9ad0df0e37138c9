# Every target calls dev.py (which sets up .venv when needed) or the `preset` command line.
# `make help` lists them.

PYTHON ?= python3
DEV := $(PYTHON) dev.py
PRESET := $(DEV) preset
PG15_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
STEPS ?= 1
USERS ?= 300

.DEFAULT_GOAL := help
.PHONY: help setup up up-demo serve worker test test-pg15 test-stop ci lint format typecheck db-start db-stop \
	db-status db-url migrate rollback rollback-base migrations migration seed seed-demo bench \
	bench-users-me bench-data bench-discovery freeze

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Create .venv and install the pinned dependencies (skipped when unchanged)
	$(DEV) setup

up: ## Start the database, migrate, seed and serve the API (the README's first command)
	$(DEV) up

up-demo: ## Like up, with the demo data set (USERS=300)
	$(DEV) up --demo --users $(USERS)

serve: ## Serve the API only (database must be migrated)
	$(PRESET) serve

worker: ## Run the background worker (expired gigs, domain events)
	$(PRESET) worker

test: ## Run the whole test suite in parallel (embedded PostgreSQL unless DATABASE_URL)
	$(DEV) test

test-pg15: ## Run the whole suite against the machine's PostgreSQL 15 (PG15_URL)
	DATABASE_URL=$(PG15_URL) $(DEV) test

test-stop: ## Stop the test suite's own embedded server (it keeps running between runs)
	$(DEV) test --stop

ci: ## What CI runs: ruff check, mypy, then the suite on embedded PostgreSQL and on PostgreSQL 15
	bash .ci/run

lint: ## ruff check and format check
	$(DEV) lint

format: ## Reformat the code with ruff
	$(DEV) setup && .venv/bin/ruff format src tests bench migrations dev.py && .venv/bin/ruff check --fix src tests bench migrations dev.py

typecheck: ## mypy (strict) on src/preset
	$(DEV) typecheck

db-start: ## Start the embedded PostgreSQL server (data in .data/postgres)
	$(PRESET) db start

db-stop: ## Stop the embedded PostgreSQL server
	$(PRESET) db stop

db-status: ## Which database is used, is it up, is it migrated
	$(PRESET) db status

db-url: ## Print the owner connection string, for psql and other tools
	@$(PRESET) db url

migrate: ## Apply every pending migration
	$(PRESET) db migrate

rollback: ## Undo the last STEPS migrations (default 1)
	$(PRESET) db rollback --steps $(STEPS)

rollback-base: ## Undo every migration
	$(PRESET) db rollback --base

migrations: ## List migrations, applied and pending
	$(PRESET) db migrations

migration: ## Create a migration: make migration NAME="add gig tags"
	@test -n "$(NAME)" || (echo 'usage: make migration NAME="what it does"' && exit 2)
	$(PRESET) db migration new "$(NAME)"

seed: ## Load the seed users (idempotent)
	$(PRESET) db seed

seed-demo: ## Load the seed users and the demo data set (USERS=300)
	$(PRESET) db seed --demo --users $(USERS)

bench: bench-users-me bench-discovery ## Run the benchmarks by hand (numbers go to docs/benchmarks.md)

bench-users-me: ## Benchmark GET /api/users/me under 50 connections
	$(DEV) setup && .venv/bin/python -m bench.bench_users_me

bench-data: ## Load the benchmark data set (1M gigs) into BENCH_DATABASE_URL
	@test -n "$(BENCH_DATABASE_URL)" || (echo 'set BENCH_DATABASE_URL (a migrated database)' && exit 2)
	$(DEV) setup && .venv/bin/python -m bench.datagen --gigs 1000000 --users 200000 --database-url "$(BENCH_DATABASE_URL)"

bench-discovery: ## Benchmark gig discovery on BENCH_DATABASE_URL (after bench-data)
	@test -n "$(BENCH_DATABASE_URL)" || (echo 'set BENCH_DATABASE_URL (see make bench-data)' && exit 2)
	$(DEV) setup && .venv/bin/python -m bench.bench_discovery --database-url "$(BENCH_DATABASE_URL)"

freeze: ## Re-pin every transitive dependency into constraints.txt
	$(DEV) freeze
