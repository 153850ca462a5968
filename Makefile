# Each target creates .venv on first use and reuses it afterwards.
PYTHON ?= python3
VENV ?= .venv
# The CPU build of torch; set TORCH="torch" (or a CUDA build) on a GPU machine.
TORCH ?= torch==2.13.0
# Parallel folds and clips of the demo (the results do not depend on it).
N_JOBS ?= 2
BIN = $(VENV)/bin
STAMP = $(VENV)/.saatkit-installed

.PHONY: install demo quick-demo test bench docs clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[test,docs,dask]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/saatkit demo --n-jobs $(N_JOBS)

quick-demo: $(STAMP)
	$(BIN)/saatkit demo --quick --n-jobs $(N_JOBS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script --quick || exit 1; done

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build .pytest_cache
