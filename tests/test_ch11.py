"""Chapter 11 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch11


def test_q1_solution_and_mistakes(run_solution):
    ns = run_solution(ch11.q1)
    assert ch11.q1.check(ns["td_shape"]).outcome is Outcome.CORRECT
    for answer, phrase in [
        ((6, 400), "leaves out the batch axis"),  # as every other shape check says
        ((None, 400), "lost the frame axis"),
        ((None, 2400), "lost the frame axis"),
        ((None, 6, 5, 5, 16), "stops before Flatten"),
        ((None, 6, 576), "count the side length again"),
        ((None, 6, 100), "is not"),
        ((None, 3, 3), "is not it"),
    ]:
        fb = ch11.q1.check(answer)
        assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, (answer, fb)


def test_q1_solution_is_what_keras_says(run_solution):
    frame_cnn = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
        ]
    )
    wrapped = keras.Sequential([keras.Input((6, 28, 28, 1)), layers.TimeDistributed(frame_cnn)])
    assert wrapped.output_shape == run_solution(ch11.q1)["td_shape"]


def test_q2_solution_matches_keras_and_mistakes_are_named(run_solution):
    ns = run_solution(ch11.q2)
    layer = layers.ConvLSTM2D(16, 3)
    keras.Sequential([keras.Input((6, 28, 28, 1)), layer])
    assert ns["n_convlstm"] == layer.count_params() == 9856
    assert ch11.q2.check(ns["n_convlstm"]).outcome is Outcome.CORRECT
    for answer, phrase in [
        (2464, "one block"),
        (640, "recurrent kernel"),
        (9792, "biases"),
        (160, "Conv2D(16, 3)"),
        (9856 * 28 * 28, "frame size"),
        (1234, "is not it"),
    ]:
        fb = ch11.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, (answer, fb)


def _clip_model(*stack, shape=(6, 28, 28, 1)):
    return lambda: keras.Sequential([keras.Input(shape), *stack])


def test_q3_solution_passes_and_broken_model_is_diagnosed(run_solution):
    ns = run_solution(ch11.q3)
    assert ch11.q3.check(ns["build_direction_model"]).outcome is Outcome.CORRECT
    broken = _clip_model(
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.LSTM(16),
        layers.Dense(4, activation="softmax"),
    )
    fb = ch11.q3.check(broken)
    assert fb.outcome is Outcome.INCORRECT and "TimeDistributed" in fb.message, fb


@pytest.mark.parametrize(
    "builder, phrase",
    [
        (
            _clip_model(
                layers.TimeDistributed(layers.Conv2D(8, 3)),
                layers.TimeDistributed(layers.Flatten()),
                layers.GlobalAveragePooling1D(),
                layers.Dense(4, activation="softmax"),
            ),
            "cannot tell left from right",
        ),
        (
            _clip_model(
                layers.TimeDistributed(layers.Conv2D(8, 3)),
                layers.Flatten(),
                layers.Dense(4, activation="softmax"),
            ),
            "Flatten removes the frame axis",
        ),
        (
            _clip_model(layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(4), shape=(28, 28, 6)),
            "stacks the 6 frames as channels",
        ),
        (
            _clip_model(
                layers.TimeDistributed(layers.Conv2D(8, 3)),
                layers.TimeDistributed(layers.Flatten()),
                layers.TimeDistributed(layers.Dense(4, activation="softmax")),
            ),
            "no recurrent layer",
        ),
        (
            _clip_model(
                layers.TimeDistributed(layers.Conv2D(8, 3)),
                layers.TimeDistributed(layers.Flatten()),
                layers.LSTM(8),
                layers.Dense(10, activation="softmax"),
            ),
            "4 directions",
        ),
        (
            _clip_model(
                layers.TimeDistributed(layers.Conv2D(8, 3)),
                layers.TimeDistributed(layers.Flatten()),
                layers.LSTM(8),
                layers.Dense(4),
            ),
            "softmax",
        ),
        (_clip_model(layers.LSTM(4), shape=(6, 28)), "(None, 6, 28)"),
    ],
)
def test_q3_mistakes(builder, phrase):
    fb = ch11.q3.check(builder)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


@pytest.mark.parametrize("exercise", [ch11.q1, ch11.q2, ch11.q3])
def test_placeholder_and_garbage(exercise):
    assert exercise.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "the model", 3.5, [1, 2]):
        fb = exercise.check(garbage)
        assert fb.outcome is Outcome.INCORRECT, (garbage, fb)
        assert "Traceback" not in fb.message
