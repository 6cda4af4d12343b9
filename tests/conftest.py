"""Shared test set-up: quiet TensorFlow, and helpers for checker tests."""

from __future__ import annotations

import os

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
