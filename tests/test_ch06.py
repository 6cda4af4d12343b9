"""Chapter 6 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch06
from tests.conftest import run_solution


def head(*stack):
    return keras.Sequential([keras.Input((96, 96, 3)), *stack])


def test_q1_solution_and_mistakes():
    ns = run_solution(ch06.q1)
    assert ch06.q1.check(ns["n_conv"]).outcome is Outcome.CORRECT
    for answer, phrase in [
        (1216 * 64 * 64, "grows with the 64 × 64"),
        (416, "colour channels"),
        (1200, "biases"),
        (76, "one filter"),
        (999, "not it"),
    ]:
        fb = ch06.q1.check(answer)
        assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_solution_passes():
    ns = run_solution(ch06.q2)
    assert ch06.q2.check(ns["lean"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (
            lambda: head(
                layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2))
            ),
            "Replace Flatten",
        ),
        (
            lambda: head(layers.Conv2D(8, 3), layers.GlobalAveragePooling2D(), layers.Dense(20)),
            "Reshape((10, 2))",
        ),
        (
            lambda: head(
                layers.Conv2D(8, 3),
                layers.GlobalAveragePooling2D(),
                layers.Dense(10),
                layers.Reshape((5, 2)),
            ),
            "(None, 10, 2)",
        ),
        (
            lambda: head(
                layers.GlobalAveragePooling2D(), layers.Dense(20), layers.Reshape((10, 2))
            ),
            "no Conv2D",
        ),
        (lambda: keras.Sequential([keras.Input((96, 96, 1)), layers.Conv2D(8, 3)]), "3 channels"),
        (
            lambda: head(
                layers.Conv2D(512, 3),
                layers.GlobalAveragePooling2D(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "fewer filters",
        ),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch06.q2.check(build())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


@pytest.mark.parametrize("q", [ch06.q1, ch06.q2])
def test_placeholder_and_garbage(q):
    assert q.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "1216", np.zeros((2, 2)), keras.Sequential([layers.Conv2D(3, 3)])):
        fb = q.check(garbage)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (garbage, fb)
