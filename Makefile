# One place for the project's tasks. CI runs .ci/run, which does what `make install check` does
# in a fresh venv.
PYTHON ?= python

.PHONY: install test lint types check bench coverage mutations

install:
	$(PYTHON) -m pip install -e '.[test]'

test:
	$(PYTHON) -m pytest

lint:
	ruff check .
	ruff format --check .

types:
	mypy

check: lint types test

bench:
	$(PYTHON) bench/bench_server.py
	$(PYTHON) bench/bench_plugin.py

coverage:
	coverage run -m pytest -p no:xdist
	coverage report

# Break each documented rule once and check that a test fails (about 10 minutes on 2 cores).
mutations:
	$(PYTHON) scripts/mutation_check.py
