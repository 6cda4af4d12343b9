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

.PHONY: install student book test test-offline browser-check lab lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

# The exercise notebooks without solutions, generated from the chapters into student/.
student: $(STAMP)
	$(BIN)/python scripts/make_student_edition.py

book: student
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is ready: open file://$(CURDIR)/_build/html/index.html"

test: $(STAMP)
	LABSUPPORT_FAST=1 $(BIN)/python -m pytest tests notebooks --nbval-lax -n $(JOBS) --dist loadfile

# The path of a reader with no internet and no MNIST file: every chapter in full mode on the
# sample bundled with labsupport (no LABSUPPORT_MNIST, an empty Keras cache).
test-offline: $(STAMP)
	@offline_home=$$(mktemp -d) && \
	env -u LABSUPPORT_MNIST -u LABSUPPORT_FAST KERAS_HOME=$$offline_home \
	  $(BIN)/python -m pytest -p no:cacheprovider notebooks --nbval-lax -n $(JOBS) --dist loadfile; \
	status=$$?; rm -rf $$offline_home; exit $$status

# Opens every page of the built book in headless Chromium: links, figures, outputs, toggles.
browser-check: $(STAMP)
	@test -f _build/html/index.html || { echo "No built book: run make book first."; exit 1; }
	@command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install -y chromium"; exit 1; }
	$(BIN)/python -m pytest -v -p no:cacheprovider tests/test_browser.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check labsupport tests scripts benchmarks notebooks
	$(BIN)/ruff format --check labsupport tests scripts benchmarks

# Measure chapters, MNIST models, the three ways and the echo models on this machine;
# writes benchmarks/results/cpu.json (gpu.json with a GPU). BENCH_ARGS="--with-book --with-tests".
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf _build
