"""Chapter 5 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch05
from tests.conftest import run_solution


def plain_model():
    return keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])


def test_q1_solution_passes():
    ns = run_solution(ch05.q1)
    assert ch05.q1.check(ns["n_dense"], ns["out_shape"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("n", "shape", "phrase"),
    [
        (12 * 4 * 6 + 6, (None, 12, 6), "flattened"),
        (12 * 30, (None, 12, 6), "share one weight matrix"),
        (24, (None, 12, 6), "biases"),
        (30, (None, 6), "flattened the 12 rows away"),
        (30, (12, 6), "batch axis"),
        (30, (None, 12, 4), "is the input"),
        (30, "(None, 12, 6)", "should be a tuple"),
    ],
)
def test_q1_real_mistakes(n, shape, phrase):
    fb = ch05.q1.check(n, shape)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_solution_passes():
    plain = plain_model()
    ns = run_solution(ch05.q2, plain=plain)
    assert ch05.q2.check(ns["td"], plain).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (
            lambda: keras.Sequential(
                [keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))]
            ),
            "own random",
        ),
        (lambda: keras.Sequential([keras.Input((5, 3)), layers.Dense(4)]), "no TimeDistributed"),
        (
            lambda: keras.Sequential(
                [keras.Input((3, 5)), layers.TimeDistributed(layers.Dense(4))]
            ),
            "keras.Input((5, 3))",
        ),
        (
            lambda: keras.Sequential(
                [keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(2))]
            ),
            "4 units",
        ),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch05.q2.check(build(), plain_model())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_placeholder_and_garbage():
    assert ch05.q1.check(____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch05.q1.check(30, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch05.q2.check(____, plain_model()).outcome is Outcome.NOT_ATTEMPTED
    for n in (None, "30", np.zeros(3)):
        fb = ch05.q1.check(n, (None, 12, 6))
        assert fb.outcome is Outcome.INCORRECT and fb.message, fb
    for td in (None, "td", np.zeros((5, 3)), keras.Sequential([layers.Dense(4)])):
        fb = ch05.q2.check(td, plain_model())
        assert fb.outcome is Outcome.INCORRECT and fb.message, (td, fb)
