# Two entry points (see README): `make demo` and `make test`. Both create .venv and install the course first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest workers: the notebook and pipeline tests are independent, so use every core; tests of one notebook share
# a worker (xdist_group) so its temporary nbgrader course is built once.
TEST_WORKERS ?= auto

.PHONY: setup demo test bench lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/course demo

test: setup
	scripts/ensure_test_tools.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The benchmark suite (not part of the tests): prints ratios and writes benchmarks/RESULTS.md and results.json.
bench: setup
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache
