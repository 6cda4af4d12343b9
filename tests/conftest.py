"""Shared test set-up: quiet TensorFlow, the kinds of test, and helpers for checker tests."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


def _run_solution(exercise, **names):
    """Execute an exercise's reference solution and return the namespace it filled."""
    import keras
    import numpy as np
    from keras import layers

    namespace = {"keras": keras, "layers": layers, "np": np, **names}
    exec(compile(exercise.solution_code, f"<{exercise.name} solution>", "exec"), namespace)
    return namespace


@pytest.fixture
def run_solution():
    """``run_solution(exercise, **names)``: run the reference solution, return its names.

    The names given (data, a trained model) are defined before the solution runs.
    """
    return _run_solution


# --- the kinds of test: `make test-unit`, `test-checkers`, `test-book`, `test-tooling` --------
# (`make test-notebooks` runs the chapters under nbval; `make test` runs all of it.) Each test
# file gets one marker, chosen by its name; tests/test_conftest.py checks that every file has one.

KINDS = {
    "unit": "labsupport's modules, one test file per module (test_<module>.py)",
    "checkers": "the exercises' checkers, their probes and the self-grading framework",
    "book": "the book's sources, extensions, self-checks, cache, claims, student edition, Colab",
    "tooling": "benchmarks, scripts and the make targets' helpers",
}
CHECKERS = ("test_ch", "test_checker_probes", "test_exercises_", "test_builders", "test_solutions")
BOOK = (
    "test_book_",
    "test_browser",
    "test_cheatsheet",
    "test_claims",
    "test_colab",
    "test_install_cell",
    "test_notebooks",
    "test_selfcheck",
    "test_student_edition",
)
TOOLING = (
    "test_benchmarks",
    "test_conftest",
    "test_environment",
    "test_gpu_check",
    "test_kernel_start",
    "test_portability",
    "test_standins",
)
PACKAGE = Path(__file__).resolve().parents[1] / "labsupport"


def kind_of(test_file: str) -> str | None:
    """The kind of a test file, from its name; None when it fits none (give it one here)."""
    stem = Path(test_file).stem
    for kind, prefixes in (("checkers", CHECKERS), ("book", BOOK), ("tooling", TOOLING)):
        if stem.startswith(prefixes):
            return kind
    name = stem.removeprefix("test_")  # test_td_cost: labsupport/td_cost.py
    paths = [name] + [name[:i] + "/" + name[i + 1 :] for i, c in enumerate(name) if c == "_"]
    if any((PACKAGE / f"{p}.py").is_file() or (PACKAGE / p).is_dir() for p in paths):
        return "unit"  # test_plotting_cnn_lstm: labsupport/plotting/cnn_lstm.py
    if name.endswith("_data") and (PACKAGE / "data" / f"{name[:-5]}.py").is_file():
        return "unit"  # test_padded_data: labsupport/data/padded.py
    return None


def pytest_configure(config):
    for kind, what in KINDS.items():
        config.addinivalue_line("markers", f"{kind}: {what}")


@pytest.hookimpl(tryfirst=True)  # before -m picks the tests by their markers
def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.path))
        if path.parent == here and path.name.startswith("test_"):
            kind = kind_of(path.name)
            if kind:
                item.add_marker(kind)
