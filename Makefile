# Two commands set everything up on a fresh machine (Python 3.10+ and pip only):
#   make run   -> virtual environment, install, Lancashire's FMS demand chapter (md, html, docx) into out/,
#                 projected to 2026/27 from the embedded data to March 2023 (the default --until)
#   make test  -> virtual environment, install with test extras, the whole test suite (slow tests included)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
OUT    ?= out

.PHONY: run test test-fast bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/forcast fms --force Lancashire --out $(OUT)

test: $(VENV)/.installed
	$(PY) -m pytest -m "slow or not slow"

test-fast: $(VENV)/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) benchmarks/forecast_speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
