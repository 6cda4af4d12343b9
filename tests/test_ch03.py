"""Chapter 3 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import echo_sequence
from labsupport.exercises import Outcome, ____, ch03
from tests.conftest import run_solution

SEQ = echo_sequence(5)


def model(*stack, shape=(5, 1)):
    return keras.Sequential([keras.Input(shape), *stack])


# ------------------------------------------------------------------ q1: shaping the data


def test_q1_solution_passes():
    ns = run_solution(ch03.q1, seq=SEQ)
    assert ch03.q1.check(ns["x_m2o"], ns["y_m2o"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("x", "y", "phrase"),
    [
        (SEQ.reshape(5, 1, 1), SEQ.reshape(1, 5), "one-to-one"),  # chapter 1's framing
        (SEQ.reshape(1, 1, 5), SEQ.reshape(1, 5), "five features"),  # steps and features swapped
        (SEQ.reshape(1, 5), SEQ.reshape(1, 5), "2D"),  # forgot the features axis
        (SEQ.reshape(1, 5, 1), SEQ.reshape(1, 5, 1), "many-to-many"),  # y 3D like x
        (SEQ.reshape(1, 5, 1), SEQ, "samples axis"),  # y left flat
        (SEQ.reshape(1, 5, 1), SEQ.reshape(5, 1), "five samples"),  # y from chapter 1
        (SEQ[::-1].reshape(1, 5, 1), SEQ.reshape(1, 5), "do not sort"),
        (SEQ.reshape(1, 5, 1), np.zeros((1, 5)), "target is the"),
    ],
)
def test_q1_real_mistakes(x, y, phrase):
    fb = ch03.q1.check(x, y)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q1_placeholder_and_garbage():
    assert ch03.q1.check(____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch03.q1.check(SEQ.reshape(1, 5, 1), ____).outcome is Outcome.NOT_ATTEMPTED
    for x, phrase in [(None, "None"), ("seq", "string"), ([["a"]], "numbers")]:
        fb = ch03.q1.check(x, SEQ.reshape(1, 5))
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message
    fb = ch03.q1.check(model(layers.LSTM(5)), SEQ.reshape(1, 5))
    assert fb.outcome is Outcome.INCORRECT, fb


# ------------------------------------------------------------------ q2: Dense(5) by hand


def test_q2_solution_passes():
    ns = run_solution(ch03.q2)
    fb = ch03.q2.check(ns["n_dense"])
    assert fb.outcome is Outcome.CORRECT
    assert "5 × 5 + 5 = 30" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (6, "Dense(1)"),
        (25, "leaves out the biases"),
        (5, "biases alone"),
        (10, "single value"),
        (140, "LSTM's count"),
        (170, "whole model"),
        (26, "bias of its own"),
        (31, "is not it"),
        (30.5, "whole number"),
    ],
)
def test_q2_real_mistakes(answer, phrase):
    fb = ch03.q2.check(answer)
    assert fb.outcome is Outcome.INCORRECT
    assert phrase in fb.message
    assert "30" not in fb.message.replace(str(answer), "")  # do not give the count away


def test_q2_placeholder_and_garbage():
    assert ch03.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    assert ch03.q2.check(np.int64(30)).correct
    for answer in (None, "30", [30], True):
        fb = ch03.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert "whole number" in fb.message


# ------------------------------------------------------------------ q3: the model


def test_q3_solution_passes():
    ns = run_solution(ch03.q3)
    assert ch03.q3.check(ns["model_m2o"]).outcome is Outcome.CORRECT


def test_q3_open_length_input_is_accepted():
    assert ch03.q3.check(model(layers.LSTM(5), layers.Dense(5), shape=(None, 1))).correct


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda: model(layers.LSTM(5), layers.Dense(5), shape=(1, 1)), "one-to-one"),
        (lambda: model(layers.LSTM(5), layers.Dense(5), shape=(1, 5)), "one step with 5 features"),
        (lambda: model(layers.LSTM(5), layers.Dense(1)), "a single value"),
        (lambda: model(layers.LSTM(5, return_sequences=True), layers.Dense(5)), "return_sequences"),
        (lambda: model(layers.LSTM(8), layers.Dense(5)), "8 units"),
        (lambda: model(layers.Flatten(), layers.Dense(5)), "no LSTM"),
        (lambda: model(layers.LSTM(5), layers.Dense(5), layers.Dense(5)), "extra layer"),
    ],
)
def test_q3_real_mistakes(answer, phrase):
    fb = ch03.q3.check(answer())
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q3_placeholder_and_garbage():
    assert ch03.q3.check(____).outcome is Outcome.NOT_ATTEMPTED
    cases = [
        (None, "None"),
        ("model", "str"),
        (np.zeros((1, 5, 1)), "ndarray"),
        (keras.Sequential([layers.LSTM(5), layers.Dense(5)]), "no input shape"),
        (layers.LSTM(5), "single LSTM layer"),
        (keras.Sequential, "class Sequential"),
    ]
    for answer, phrase in cases:
        fb = ch03.q3.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


def test_the_length_error_shows_the_shape_message_without_paths():
    """Section 4 prints TensorFlow's shape clash; frames listing file paths must not leak in."""
    from labsupport.diagnose import shape_message

    # TensorFlow's runtime error lists where the failing operation was defined; the install
    # path can hold any digits, so the message must be picked out by its wording.
    graph_error = Exception(
        "Graph execution error:\n\nDetected at node gradient_tape/compile_loss/mse/sub defined "
        "at (most recent call last):\n"
        '  File "/home/u56/envs/py3.6/lib/python3.11/site-packages/keras/src/trainer.py", '
        "line 65, in train_step\n\nIncompatible shapes: [1,6] vs. [1,5]\n"
        "\t [[{{node gradient_tape/compile_loss/mse/sub/BroadcastGradientArgs}}]]"
    )
    assert shape_message(graph_error) == "Incompatible shapes: [1,6] vs. [1,5]"
    trace_error = ValueError(
        "Dimensions must be equal, but are 6 and 5 for '{{node compile_loss/mse/sub}} = "
        "Sub[T=DT_FLOAT](data_1, sequential_1/dense_1/BiasAdd)' with input shapes: [?,6], [?,5]."
    )
    assert shape_message(trace_error) == "Dimensions must be equal, but are 6 and 5"
    with pytest.raises(AssertionError):
        shape_message(ValueError("/home/u56/py3.6/site-packages line 65"))


def test_a_six_long_target_fails_with_a_short_message():
    from labsupport.diagnose import shape_message

    model = keras.Sequential([keras.Input((5, 1)), layers.LSTM(5), layers.Dense(5)])
    model.compile(optimizer="adam", loss="mse")
    x6 = np.zeros((1, 6, 1), "float32")
    with pytest.raises(Exception) as caught:  # noqa: B017 - TensorFlow's class varies
        model.fit(x6, np.zeros((1, 6), "float32"), epochs=1, verbose=0)
    message = shape_message(caught.value)
    assert "6" in message and "5" in message and "/" not in message
