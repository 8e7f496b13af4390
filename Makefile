# Developer loop. `make dev` once, then `make test-fast` while you work and `make test` before you push.
PY ?= .venv/bin/python
BIN = .venv/bin

.PHONY: dev lint fmt typecheck test-fast test bench docs build

dev:            ## a venv with nhr (editable, C glyph loop compiled) and the test tools
	python3 -m venv .venv && $(BIN)/pip install -q -e '.[test,dev]'

lint:           ## ruff lint + format check, mypy
	$(BIN)/ruff check pipeline tests benchmarks notebooks/make_notebooks.py
	$(BIN)/ruff format --check pipeline tests benchmarks notebooks/make_notebooks.py
	$(BIN)/mypy pipeline

fmt:            ## format and fix what ruff can
	$(BIN)/ruff format pipeline tests benchmarks notebooks/make_notebooks.py
	$(BIN)/ruff check --fix pipeline tests benchmarks notebooks/make_notebooks.py

test-fast:      ## no PDF: hand-built lines and records, seconds
	$(PY) -m pytest -q -n 0 tests/unit

test:           ## everything CI runs (whole corpus, variants, both engines)
	$(PY) -m pytest -q -m "slow or not slow"

bench:          ## speed and memory ratios, measured in one run
	$(PY) benchmarks/bench_build.py --scale 10

docs:           ## regenerate the data dictionary and the notebooks
	$(PY) -m pipeline.surfaces.docs > docs/data.md
	$(PY) notebooks/make_notebooks.py

build:          ## the main job on the embedded corpus
	$(BIN)/nhr build
