"""Shared test set-up: quiet TensorFlow, and helpers for checker tests."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


def run_solution(exercise, **names):
    """Execute an exercise's reference solution and return the namespace it filled."""
    import keras
    import numpy as np
    from keras import layers

    namespace = {"keras": keras, "layers": layers, "np": np, **names}
    exec(compile(exercise.solution_code, f"<{exercise.name} solution>", "exec"), namespace)
    return namespace


@pytest.fixture
def solution_namespace():
    return run_solution
