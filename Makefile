# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create or reuse the virtual environment at .venv and install the project into it with pip.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.eatbench-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lint venv clean-venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade-strategy only-if-needed -e '.[dev]'
	touch $(STAMP)

# The demo reproduction scores DEMO_CLIPS test clips (2 per emotion, spread over the 8 actors; see
# eatbench.clip.balanced_subset) so it runs in minutes on 2 CPU cores; DEMO_CLIPS=128 scores the whole split.
DEMO_CLIPS ?= 16

demo: $(STAMP)
	$(BIN)/eatbench data demo
	$(BIN)/eatbench reproduce --dataset demo --limit $(DEMO_CLIPS) --out results/demo
	$(BIN)/eatbench report html --dataset demo --out results/demo/html --figures results/demo --screenshots

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
