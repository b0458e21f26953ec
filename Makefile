# Two commands on a fresh machine with Python 3.10+ and make:
#   make demo   sets up .venv, starts the sandbox, runs every collector against it, shows what landed
#   make test   sets up .venv, runs ruff, mypy and the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo demo-celery test lint typecheck bench bench-workers clean

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

typecheck: $(VENV)/.installed
	$(PY) -m mypy

test: lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(VENV)/.installed
	$(PY) -m benchmarks

bench-workers: $(VENV)/.installed
	$(PY) -m benchmarks.workers

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
