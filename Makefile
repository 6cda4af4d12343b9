# The two commands a reader needs: `make book` and `make test`.
# Both create a local virtual environment in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# TensorFlow prints start-up notes on stderr; level 2 keeps warnings and errors only.
export TF_CPP_MIN_LOG_LEVEL ?= 2

# Test workers: each runs its own TensorFlow kernel, so more cores need more memory.
JOBS ?= 2
# nbval waits 60 s by default for a notebook's kernel to answer. On two busy cores, with the other
# worker training a model, a kernel can take longer than that to start; it is not a failure.
KERNEL_STARTUP_S ?= 600
NBVAL = --nbval-lax --nbval-kernel-startup-timeout=$(KERNEL_STARTUP_S)

.PHONY: install student wheel book test test-unit test-checkers test-book test-tooling test-notebooks test-colab test-oldest test-onednn test-tf32 gpu-check test-offline test-backends test-jax test-torch browser-check lab lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

# The exercise notebooks without solutions, generated from the chapters into student/.
student: $(STAMP)
	$(BIN)/python scripts/make_student_edition.py

# A page runs again only when its code or what it depends on changed (labsupport, the packages,
# fast or full mode, the MNIST data): book/_ext/execution_cache.py. BOOK_EXECUTE=force runs
# every page from scratch (CI does).
BOOK_EXECUTE ?=

# The labsupport wheel the book offers for Colab (book/downloads/, linked from every chapter).
wheel: $(STAMP)
	rm -rf build book/downloads
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w book/downloads .
	rm -rf build

# scripts/colab.py turns the repository setting in _config.yml (or BOOK_REPOSITORY_URL) into
# the chapters' install cell and Colab note, and into the configuration the book is built with;
# the downloadable copies of the chapters (the .ipynb button) get the whole install cell.
book: student wheel
	$(BIN)/python scripts/colab.py notebooks
	$(BIN)/python scripts/colab.py config _build/_config.yml
	BOOK_EXECUTE=$(BOOK_EXECUTE) $(BIN)/jupyter-book build . --config _build/_config.yml \
	  -W -n --keep-going $(if $(filter force,$(BOOK_EXECUTE)),--all)
	$(BIN)/python scripts/colab.py copies _build/html/_sources/notebooks
	@echo
	@echo "The book is ready: open file://$(CURDIR)/_build/html/index.html"

test: $(STAMP)
	LABSUPPORT_FAST=1 $(BIN)/python -m pytest tests notebooks $(NBVAL) -n $(JOBS) --dist loadfile

# `make test` by kind, each a part of it: labsupport's modules, the exercises' checkers, the
# book's sources and tools, the benchmarks and scripts (tests/conftest.py gives every test file
# its kind), and the chapters themselves under nbval.
test-unit test-checkers test-book test-tooling: $(STAMP)
	LABSUPPORT_FAST=1 $(BIN)/python -m pytest tests -m $(@:test-%=%) -n $(JOBS) --dist loadfile

test-notebooks: $(STAMP)
	LABSUPPORT_FAST=1 $(BIN)/python -m pytest notebooks $(NBVAL) -n $(JOBS) --dist loadfile

# The path of a reader with no internet and no MNIST file: every chapter in full mode on the
# sample bundled with labsupport (no LABSUPPORT_MNIST, an empty Keras cache).
test-offline: $(STAMP)
	@offline_home=$$(mktemp -d) && \
	env -u LABSUPPORT_MNIST -u LABSUPPORT_FAST KERAS_HOME=$$offline_home \
	  $(BIN)/python -m pytest -p no:cacheprovider notebooks $(NBVAL) -n $(JOBS) --dist loadfile; \
	status=$$?; rm -rf $$offline_home; exit $$status

# Keras 3 runs on TensorFlow (what `make test` uses), JAX and PyTorch. These run every chapter in
# fast mode, and the tests of what the backend reports, on the other two backends. `make install`
# brings JAX; PyTorch is optional (a CPU build: pip install torch==2.13.0), and test-torch says so
# when it is missing.
BACKEND_TESTS = notebooks tests/test_config.py tests/test_checker_probes.py

test-backends: test-jax test-torch

test-jax: $(STAMP)
	KERAS_BACKEND=jax LABSUPPORT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider \
	  $(BACKEND_TESTS) $(NBVAL) -n $(JOBS) --dist loadfile

test-torch: $(STAMP)
	@$(BIN)/python -c "import torch" 2>/dev/null || { \
	  echo "PyTorch is not installed: $(BIN)/pip install torch==2.13.0 (a CPU build), then again."; \
	  exit 1; }
	KERAS_BACKEND=torch LABSUPPORT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider \
	  $(BACKEND_TESTS) $(NBVAL) -n $(JOBS) --dist loadfile

# Every chapter the way a Colab reader runs it: a fresh environment with Colab's Python,
# TensorFlow, Keras and NumPy and no labsupport; the first cell installs it from the uploaded
# wheel. Colab's runtime of 2026-08: Python 3.13, TensorFlow 2.20.0, Keras 3.13.2, NumPy 2.1.3.
# COLAB_PYTHON: python3.13 on the PATH, or pyenv's 3.13.
COLAB_VENV ?= .venv-colab
COLAB_PINS ?= tensorflow==2.20.0 keras==3.13.2 numpy==2.1.3 tf_keras==2.20.1
COLAB_PYTHON ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python; \
  do "$$p" -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
COLAB_TOOLS := matplotlib psutil pytest pytest-xdist nbval ipykernel

test-colab: wheel
	@test -n "$(COLAB_PYTHON)" || { echo "Colab runs Python 3.13: install it (pyenv install \
	  3.13.0) or name one with COLAB_PYTHON=/path/to/python3.13."; exit 1; }
	@if [ "$$(cat $(COLAB_VENV)/.pins 2>/dev/null)" != "$(COLAB_PYTHON) $(COLAB_PINS)" ]; then \
	  rm -rf $(COLAB_VENV) && $(COLAB_PYTHON) -m venv $(COLAB_VENV) && \
	  $(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip && \
	  $(COLAB_VENV)/bin/python -m pip install --quiet $(COLAB_PINS) $(COLAB_TOOLS) && \
	  echo "$(COLAB_PYTHON) $(COLAB_PINS)" > $(COLAB_VENV)/.pins; fi
	$(BIN)/python scripts/colab_stack.py $(COLAB_VENV) book/downloads/$$($(BIN)/python -c \
	  "from scripts.colab import wheel_name; print(wheel_name())")

# The oldest stack the book supports (pyproject's keras>=3.10), the same way: Python 3.11,
# TensorFlow 2.19.1, Keras 3.10.0 and NumPy 2.0.2.
OLDEST_PINS ?= tensorflow==2.19.1 keras==3.10.0 numpy==2.0.2 tf_keras==2.19.0

test-oldest:
	$(MAKE) test-colab COLAB_VENV=.venv-oldest COLAB_PYTHON=$(PYTHON) COLAB_PINS="$(OLDEST_PINS)"

# What depends on TensorFlow's CPU kernels (oneDNN on or off: the CPU decides unless
# TF_ENABLE_ONEDNN_OPTS says) runs again with the setting this machine does not use by default,
# so both kernel paths are tested on any CPU: the chapters with convolutions or close float
# comparisons, and the tests of the advice for TensorFlow's kernel errors. Chapter 8 turns
# oneDNN on itself unless told TF_ENABLE_ONEDNN_OPTS=0, so where the default is off, its =0
# path runs as well.
ONEDNN_CHECKS = tests/test_diagnose.py tests/test_config.py \
  notebooks/02_lstm_shapes_and_parameters.ipynb \
  notebooks/02b_the_recurrent_family.ipynb \
  notebooks/05_dense_on_3d_input.ipynb notebooks/06_convolutions_and_input_size.ipynb \
  notebooks/07_one_cnn_over_a_sequence.ipynb notebooks/08_cnn_lstm_mnist_quadrants.ipynb \
  notebooks/10_padding_and_masks.ipynb notebooks/11_video_cnn_per_frame_or_convlstm.ipynb

test-onednn: $(STAMP)
	@other=$$(TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -c "from labsupport.config import \
	  onednn_state; print(0 if onednn_state() == 'on' else 1)") && \
	echo "TensorFlow's default here: oneDNN $$([ $$other = 0 ] && echo on || echo off);" \
	  "testing TF_ENABLE_ONEDNN_OPTS=$$other" && \
	TF_ENABLE_ONEDNN_OPTS=$$other LABSUPPORT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider \
	  $(ONEDNN_CHECKS) $(NBVAL) -n $(JOBS) --dist loadfile && \
	if [ $$other = 1 ]; then \
	  echo "Chapter 8 turns oneDNN on unless it is told =0: that path too"; \
	  TF_ENABLE_ONEDNN_OPTS=0 LABSUPPORT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider \
	    notebooks/08_cnn_lstm_mnist_quadrants.ipynb $(NBVAL); fi

# What a GPU's TensorFloat-32 changes, on this CPU: the chapters that compare float results
# run with every matrix product's and convolution's inputs rounded to TF32's 10 mantissa bits
# (tests/standins/tf32.py, run by each kernel from a fresh IPython profile).
TF32_CHAPTERS = $(shell grep -l "allclose\|isclose\|numerics" notebooks/*.ipynb)

test-tf32: $(STAMP)
	@profile=$$(mktemp -d) && mkdir -p $$profile/profile_default/startup && \
	cp tests/standins/tf32.py $$profile/profile_default/startup/00-tf32.py && \
	IPYTHONDIR=$$profile LABSUPPORT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider \
	  $(TF32_CHAPTERS) $(NBVAL) -n $(JOBS) --dist loadfile; \
	status=$$?; rm -rf $$profile; exit $$status

# Opens every page of the built book in headless Chromium: links, figures, outputs, toggles.
browser-check: $(STAMP)
	@test -f _build/html/index.html || { echo "No built book: run make book first."; exit 1; }
	@command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install -y chromium"; exit 1; }
	$(BIN)/python -m pytest -v -p no:cacheprovider tests/test_browser.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check labsupport tests scripts benchmarks book/_ext conftest.py notebooks
	$(BIN)/ruff format --check labsupport tests scripts benchmarks book/_ext conftest.py

# Everything a GPU machine needs to run every chapter under JAX and PyTorch (fast, then full
# mode) goes into one ignored folder carried to it, _build/gpu-check (under 64 MiB); prints its
# size and the one command to run there. See scripts/gpu_check.py.
gpu-check: $(STAMP)
	$(BIN)/python scripts/gpu_check.py prepare

# Measure chapters, MNIST models, the three ways, the echo models and the arithmetic limit of
# every installed Keras backend on this machine; writes benchmarks/results/cpu.json (gpu.json
# with a GPU). BENCH_ARGS="--with-book --with-tests", or "--only arithmetic" for one section.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf _build
