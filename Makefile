# Leadership programme evaluation workbench. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PROGRAMME ?= leading-to-deliver
COHORT ?=
# verify: which report (cohort with COHORT=<n>; programme; comparison). compare: the programmes.
REPORT ?=
COMPARE ?=
# Every programme that has raw data (data/raw/<programme>/participants.csv).
PROGRAMMES := $(patsubst data/raw/%/participants.csv,%,$(wildcard data/raw/*/participants.csv))
PACKAGE := $(shell find evaluation -name '*.py')

# bench: cohort sizes to time (participants); REUSE: a folder of pre-generated <n>/data/raw to link.
SIZES ?= 1000 10000 100000 1000000
REUSE ?=

# A target that needs COHORT (or REPORT) says so at once, before it creates the environment
# (minutes on a fresh clone).
ifneq ($(filter evaluate,$(MAKECMDGOALS)),)
ifeq ($(COHORT),)
$(error COHORT is required, e.g. make evaluate COHORT=2)
endif
endif
ifneq ($(filter verify,$(MAKECMDGOALS)),)
ifeq ($(or $(COHORT),$(REPORT)),)
$(error COHORT or REPORT is required, e.g. make verify COHORT=2 or make verify REPORT=programme)
endif
endif

.PHONY: help venv data evaluate programme compare verify notebooks synthetic test lint lab clean distclean screenshots bench

help: ## List the targets (the default goal)
	@echo "Leadership programme evaluation workbench"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_%\/.-]+:.*## / {printf "  make %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PROGRAMME=$(PROGRAMME) (default leading-to-deliver), COHORT=<n>,"
	@echo "  REPORT=programme|comparison (verify), COMPARE=\"a b\" (compare, verify REPORT=comparison),"
	@echo "  SIZES=\"1000 10000\" (bench)"

# The virtual environment is created with pip whenever a target needs it and it is missing or
# older than pyproject.toml.
$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

venv: $(INSTALLED) ## Create .venv with pip and install the package and its dependencies

# Processed data are real file targets: rebuilt when raw data, parameters or code change.
.SECONDEXPANSION:
data/processed/%/manifest.json: $(INSTALLED) $$(wildcard data/raw/%/*.csv) $(wildcard data/raw/reference/*.csv) $$(wildcard params/%/*.yaml) $(wildcard params/instruments/*.yaml) $(PACKAGE)
	$(BIN)/python -m evaluation ingest --programme $*

data: $(foreach p,$(PROGRAMMES),data/processed/$(p)/manifest.json) ## Validate, pseudonymise and score every programme's raw data

evaluate: $(INSTALLED) ## Build a cohort's report: make evaluate COHORT=2 [PROGRAMME=leading-to-deliver]
	$(BIN)/python -m evaluation evaluate --programme $(PROGRAMME) --cohort $(COHORT)

programme: $(INSTALLED) ## Build the programme report (every cohort pooled): make programme [PROGRAMME=leading-to-deliver]
	$(BIN)/python -m evaluation programme --programme $(PROGRAMME)

compare: $(INSTALLED) ## Set programmes side by side in reports/comparison/: make compare [COMPARE="a b"]
	$(BIN)/python -m evaluation compare $(if $(COMPARE),--programmes $(COMPARE))

verify: $(INSTALLED) ## Re-execute a report and re-derive every finding: make verify COHORT=2 | REPORT=programme | REPORT=comparison
	$(BIN)/python -m evaluation verify --programme $(PROGRAMME) $(if $(COHORT),--cohort $(COHORT)) \
		$(if $(REPORT),--report $(REPORT)) $(if $(COMPARE),--programmes $(COMPARE))

# Notebooks are written as jupytext py:percent files (reviewable diffs) and paired with the
# .ipynb that papermill runs; the .ipynb is regenerated from the .py and committed without outputs.
notebooks/%.ipynb: notebooks/%.py | $(INSTALLED)
	$(BIN)/jupytext --quiet --update --to ipynb --update-metadata '{"jupytext": null}' $< -o $@

notebooks: $(patsubst %.py,%.ipynb,$(wildcard notebooks/*.py)) ## Regenerate notebooks/*.ipynb from their reviewable notebooks/*.py

synthetic: $(INSTALLED) ## Regenerate the shipped synthetic data under data/raw/ (seeded; byte-identical)
	$(BIN)/python -m evaluation synthesise

test: $(INSTALLED) ## Run the whole test suite, then build and verify cohort 2's report, the programme report and the comparison
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory evaluate COHORT=2
	$(MAKE) --no-print-directory verify COHORT=2
	$(MAKE) --no-print-directory programme
	$(MAKE) --no-print-directory verify REPORT=programme
	$(MAKE) --no-print-directory compare
	$(MAKE) --no-print-directory verify REPORT=comparison

.PHONY: test-quick docs

# The benchmark-only extra (pingouin, for the comparison beside the workbench's statistics).
$(VENV)/.installed-bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	@touch $@

bench: $(VENV)/.installed-bench ## Time every stage, 1,000 to 1,000,000 participants, into benchmarks/RESULTS.md (not part of test): make bench [SIZES="1000 10000"]
	$(BIN)/python benchmarks/bench_national.py --sizes "$(SIZES)" $(if $(REUSE),--reuse-raw $(REUSE))

screenshots: $(INSTALLED) ## Refresh the report screenshots in docs/img/ (the browser test, writing there)
	EVALUATION_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_browser.py

test-quick: $(INSTALLED) ## Run the fast tests: pytest -m "not slow" (no evaluate, verify, notebooks or browser)
	$(BIN)/python -m pytest -m "not slow"

lint: $(INSTALLED) ## Check the code with ruff
	$(BIN)/ruff check evaluation tests benchmarks

# The API reference, from the numpydoc docstrings, with pdoc (docs/build.py): any warning, or a
# docstring cross-reference to something that does not exist, fails the build.
docs: $(INSTALLED) ## Build the API reference into docs/_build/ (open docs/_build/index.html); warnings are errors
	$(BIN)/python docs/build.py docs/_build

lab: $(INSTALLED) ## Start JupyterLab on the project's environment
	$(BIN)/jupyter lab --notebook-dir=.

clean: ## Delete derived files: processed data, reports, built docs, caches (never data/raw)
	find data/processed -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} + 2>/dev/null || true
	rm -rf .pytest_cache .ruff_cache .hypothesis docs/_build
	find . -name __pycache__ -not -path './$(VENV)/*' -exec rm -rf {} +

distclean: clean ## clean, and delete .venv too
	rm -rf $(VENV)
