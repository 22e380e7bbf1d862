# Two commands set everything up on a fresh machine (Python 3.10+ and pip only):
#   make run   -> virtual environment, install, Lancashire's FMS demand chapter (md, html, docx) into out/,
#                 projected to 2026/27 from the embedded data to March 2023 (the default --until)
#   make test  -> virtual environment, install with test extras, the whole test suite (slow tests included)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
OUT    ?= out

.PHONY: run test test-fast fuzz bench clean

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

# The loading fuzz suite at 10,000 examples per target (load_series, load_calls, forecast --csv); `make test` runs
# it at 1,000. Any exception that is not a forcast error fails. `make -j3 fuzz` runs the three targets at once.
FUZZ_TARGETS = load_series load_calls cli_forecast_csv
.PHONY: $(addprefix fuzz-,$(FUZZ_TARGETS))
fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: $(VENV)/.installed
	FORCAST_FUZZ_PROFILE=fuzz $(PY) -m pytest -m slow tests/test_fuzz.py -k "$*_raises" -p no:cacheprovider \
	    -o addopts="-ra --strict-markers"

bench: $(VENV)/.installed
	$(PY) benchmarks/forecast_speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
