"""Chapter 1 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import echo_sequence
from labsupport.exercises import Outcome, ____, ch01
from tests.conftest import run_solution

SEQ = echo_sequence(5)


def model(*stack, shape=(1, 1)):
    return keras.Sequential([keras.Input(shape), *stack])


# ------------------------------------------------------------------ q1: shaping the data


def test_q1_solution_passes():
    ns = run_solution(ch01.q1, seq=SEQ)
    assert ch01.q1.check(ns["x_121"], ns["y_121"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("x", "y", "phrase"),
    [
        (SEQ.reshape(1, 5, 1), SEQ.reshape(5, 1), "many-to-one"),  # samples and steps swapped
        (SEQ.reshape(5, 1), SEQ.reshape(5, 1), "2D"),  # forgot the features axis
        (SEQ.reshape(5, 1, 1), SEQ, "Keras would accept it"),  # y left flat
        (SEQ.reshape(5, 1, 1), SEQ.reshape(5, 1, 1), "make y 2D"),  # y 3D like x
        (SEQ[::-1].reshape(5, 1, 1), SEQ.reshape(5, 1), "do not sort"),  # reordered values
        (SEQ.reshape(5, 1, 1), np.zeros((5, 1)), "target is the input"),  # not an echo
    ],
)
def test_q1_real_mistakes(x, y, phrase):
    fb = ch01.q1.check(x, y)
    assert fb.outcome is Outcome.INCORRECT
    assert phrase in fb.message


def test_q1_placeholder_and_garbage():
    assert ch01.q1.check(____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch01.q1.check(SEQ.reshape(5, 1, 1), ____).outcome is Outcome.NOT_ATTEMPTED
    for x, phrase in [(None, "None"), ("seq", "string"), ([["a"]], "numbers")]:
        fb = ch01.q1.check(x, SEQ.reshape(5, 1))
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q2: the model


def test_q2_solution_passes():
    ns = run_solution(ch01.q2)
    assert ch01.q2.check(ns["model_121"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda: model(layers.LSTM(5), layers.Dense(1), shape=(5, 1)), "(None, 5, 1)"),
        (lambda: model(layers.LSTM(10), layers.Dense(1)), "10 units"),
        (lambda: model(layers.LSTM(5, return_sequences=True), layers.Dense(1)), "return_sequences"),
        (lambda: model(layers.LSTM(5), layers.Dense(5)), "Dense(1)"),
        (lambda: model(layers.Flatten(), layers.Dense(1)), "no LSTM"),
        (lambda: model(layers.LSTM(5), layers.Dense(5), layers.Dense(1)), "extra layer"),
    ],
)
def test_q2_real_mistakes(answer, phrase):
    try:
        built = answer()
    except ValueError as exc:  # pragma: no cover - would mean Keras changed
        pytest.fail(f"Keras refused to build this model: {exc}")
    fb = ch01.q2.check(built)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q2_lstm_on_2d_input_cannot_even_be_built():
    # Learners who write keras.Input((1,)) never get a model: Keras stops them first.
    with pytest.raises(ValueError, match="ndim=3"):
        model(layers.LSTM(5), layers.Dense(1), shape=(1,))


def test_q2_placeholder_and_garbage():
    assert ch01.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    cases = [
        (None, "None"),
        ("model", "str"),
        (np.zeros((5, 1)), "ndarray"),
        (keras.Sequential([layers.LSTM(5), layers.Dense(1)]), "no input shape"),
        (layers.LSTM(5), "single LSTM layer"),
        (keras.Sequential, "class Sequential"),
    ]
    for answer, phrase in cases:
        fb = ch01.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q3: counting by hand


def test_q3_solution_passes():
    ns = run_solution(ch01.q3)
    fb = ch01.q3.check(ns["n_params"])
    assert fb.outcome is Outcome.CORRECT
    assert "4 × (5 × (1 + 5) + 5) = 140" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (35, "one block"),
        (120, "leaves out the biases"),
        (40, "recurrent weights"),
        (160, "CuDNNLSTM"),
        (30, "without its bias"),
        (141, "is not it"),
        (140.5, "whole number"),
    ],
)
def test_q3_real_mistakes(answer, phrase):
    fb = ch01.q3.check(answer)
    assert fb.outcome is Outcome.INCORRECT
    assert phrase in fb.message
    assert "140" not in fb.message.replace(
        str(answer), ""
    )  # the count is the exercise; do not give it away


def test_q3_accepts_numpy_and_float_whole_numbers():
    assert ch01.q3.check(np.int64(140)).correct
    assert ch01.q3.check(140.0).correct


def test_q3_placeholder_and_garbage():
    assert ch01.q3.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "140", [140], True):
        assert ch01.q3.check(answer).outcome is Outcome.INCORRECT
