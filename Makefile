# Two entry points (see README): `make demo` and `make test`. Both create .venv and install the course first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest workers: the notebook and pipeline tests are independent, so use every core.
TEST_WORKERS ?= auto

.PHONY: setup demo test lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/course demo

test: setup
	scripts/ensure_browser.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache
