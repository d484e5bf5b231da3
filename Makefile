# Two commands set everything up: `make run` and `make test`.
# Both create .venv with a Python >= 3.12 when it is missing and (re)install the project
# whenever pyproject.toml changes.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: run test lint format bench clean dashboard

$(PY):
	@interp=$$(tools/find-python) || exit 1; \
	echo "Creating $(VENV) with $$interp"; \
	"$$interp" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/mpgsim dashboard $(ARGS)

test: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(ARGS)

# Layers dashboard -> experiments -> sim, checked by import-linter ([tool.importlinter]).
lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# The four training cases' 81-coat sweeps (3 replications of 52 weeks, as a live reveal
# computes them), stored where `mpgsim dashboard` looks (./results): the workshop and the
# room then reveal the best coat at once. Run it before a workshop; a rerun resumes.
CASES := cases/jesse,cases/anna,cases/gokkende_vader,cases/straatangst_moeder
.PHONY: cases
cases: $(STAMP)
	$(VENV)/bin/mpgsim sweep kwadrant --scenario $(CASES) --reps 3 --weeks 52 --out results/cases
