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
    fb = ch06.q2.check(ns["keypoints"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert ns["keypoints"].count_params() < ch06.Q2_LIMIT
    assert "keeps position" in fb.message


def _strided(*tail):
    return head(
        layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),
        layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),
        *tail,
    )


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        # The lean head of the old tutorials: small, size-independent, and blind to position.
        (
            lambda: head(
                layers.Conv2D(32, 3, activation="relu"),
                layers.GlobalAveragePooling2D(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "GlobalAveragePooling2D averages each channel over the whole image",
        ),
        (
            lambda: head(
                layers.Conv2D(32, 3, activation="relu"),
                layers.GlobalMaxPooling2D(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "takes the largest value",
        ),
        # Flatten straight after a full-size feature map: position kept, weights explode.
        (
            lambda: head(
                layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2))
            ),
            "94 × 94 × 8 feature map",
        ),
        # A pooling window as large as the map: no global pooling layer, still blind.
        (
            lambda: head(
                layers.Conv2D(8, 3, activation="relu"),
                layers.MaxPooling2D(94),
                layers.Flatten(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "same face moved 32 pixels",
        ),
        (lambda: _strided(layers.Flatten(), layers.Dense(20)), "Reshape((10, 2))"),
        (
            lambda: _strided(layers.Flatten(), layers.Dense(10), layers.Reshape((5, 2))),
            "(None, 10, 2)",
        ),
        (
            lambda: head(layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2))),
            "no Conv2D",
        ),
        (lambda: keras.Sequential([keras.Input((96, 96, 1)), layers.Conv2D(8, 3)]), "3 channels"),
        (
            lambda: head(
                layers.Conv2D(64, 3, strides=4, padding="same"),
                layers.Conv2D(64, 3, strides=4, padding="same"),
                layers.Conv2D(2, 1),
                layers.Reshape((36, 2)),
            ),
            "fewer filters",
        ),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch06.q2.check(build())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_global_pooling_really_ignores_the_shift():
    """The advice says global pooling cannot see where the face is; check that it is so."""
    pooled = head(
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(20),
        layers.Reshape((10, 2)),
    )
    before, after = np.asarray(pooled(ch06._face_and_moved()))
    np.testing.assert_allclose(before, after, atol=1e-5)
    keep = _strided(layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2)))
    before, after = np.asarray(keep(ch06._face_and_moved()))
    assert np.abs(after - before).max() > 1e-3


@pytest.mark.parametrize("q", [ch06.q1, ch06.q2])
def test_placeholder_and_garbage(q):
    assert q.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "1216", np.zeros((2, 2)), keras.Sequential([layers.Conv2D(3, 3)])):
        fb = q.check(garbage)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (garbage, fb)
