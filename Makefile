# One place for the project's tasks. CI runs .ci/run, which does what `make install check` does
# in a fresh venv.
PYTHON ?= python

.PHONY: install test lint types check bench bench-quick coverage mutations

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

# The server benchmark needs wrk on PATH (apt-get install -y wrk); see BENCHMARKS.md.
bench:
	$(PYTHON) bench/bench_server.py --json bench-results.json
	$(PYTHON) bench/bench_plugin.py

bench-quick:
	$(PYTHON) bench/bench_server.py --quick

coverage:
	coverage run -m pytest -n0
	coverage report

# Break each documented rule once and check that a test fails (about 10 minutes on 2 cores).
mutations:
	$(PYTHON) scripts/mutation_check.py
