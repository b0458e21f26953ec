# Two commands on a fresh machine with Python 3.10+ and make:
#   make demo   sets up .venv, starts the sandbox, runs every collector against it, shows what landed
#   make test   sets up .venv, runs ruff, mypy and the whole test suite
#   make mutation  mutation testing with mutmut (slow: ~50 min on 2 cores; not part of `make test`)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo demo-celery test lint typecheck bench bench-workers mutation clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(PY) demo/run.py

demo-celery: $(VENV)/.installed
	$(PY) demo/celery_demo.py

lint: $(VENV)/.installed
	$(PY) -m ruff check performanceplatform tests tools benchmarks demo
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.installed
	$(PY) -m mypy

test: lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider

# mutmut plants one small bug at a time in utils/, records/, transport/, google/, client/, the sink
# glue (sinks/pusher.py, sinks/store_data_set.py), collector/main.py, config.py and each
# collector's records.py ([tool.mutmut] in pyproject.toml), runs the in-process tests that reach
# it, and the last line says how many were caught. MUTATION_JOBS: parallel workers.
MUTATION_JOBS ?= 2

$(VENV)/.mutation-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

mutation: $(VENV)/.mutation-installed
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS) > mutants.log 2>&1 || (tail -50 mutants.log; exit 1)
	$(PY) tools/mutation_report.py

bench: $(VENV)/.installed
	$(PY) -m benchmarks

bench-workers: $(VENV)/.installed
	$(PY) -m benchmarks.workers

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache mutants mutants.log
