"""Chapter 7 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from labsupport.exercises import Outcome, ____, ch07

CLIP = (5, 16, 16, 1)


def seq(make_stack, shape=CLIP):
    """A builder, as the learner writes it: a function that makes fresh layers and the model."""
    return lambda: keras.Sequential([keras.Input(shape), *make_stack()])


def td(layer):
    return layers.TimeDistributed(layer)


# ------------------------------------------------------------------ q1: a CNN per time step


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch07.q1)
    fb = ch07.q1.check(ns["make_clip_model"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "101,520" in fb.message


def test_q1_accepts_a_model_and_the_folded_way(run_solution):
    ns = run_solution(ch07.q1)
    assert ch07.q1.check(ns["make_clip_model"]()).outcome is Outcome.CORRECT

    def folded():
        clips = keras.Input(CLIP)
        frames = ops.reshape(clips, (-1, 16, 16, 1))
        features = layers.Flatten()(layers.Conv2D(8, 3)(frames))
        return keras.Model(clips, layers.LSTM(16)(ops.reshape(features, (-1, 5, 1568))))

    fb = ch07.q1.check(folded)
    assert fb.outcome is Outcome.CORRECT, fb
    assert "folded" in fb.message


def _takes_an_argument(side):
    return seq(lambda: [td(layers.Conv2D(8, 3)), td(layers.Flatten()), layers.LSTM(16)])()


def _five_inputs():
    cnn = keras.Sequential([keras.Input((16, 16, 1)), layers.Conv2D(8, 3), layers.Flatten()])
    frames = [keras.Input((16, 16, 1)) for _ in range(5)]
    return keras.Model(frames, layers.LSTM(16)(ops.stack([cnn(f) for f in frames], axis=1)))


def _forgot_return():
    seq(lambda: [td(layers.Conv2D(8, 3)), td(layers.Flatten()), layers.LSTM(16)])()


@pytest.mark.parametrize(
    ("builder", "phrase"),
    [
        # Conv2D fed the 5D clips directly: Keras refuses while building.
        (
            seq(lambda: [layers.Conv2D(8, 3), layers.Flatten(), layers.LSTM(16)]),
            "Wrap the convolution in TimeDistributed",
        ),
        (seq(lambda: [layers.Conv2D(8, 3), layers.Flatten(), layers.LSTM(16)]), "Conv2D reads 4D"),
        # Conv2D wrapped, Flatten not: the LSTM gets a 2D tensor.
        (
            seq(lambda: [td(layers.Conv2D(8, 3)), layers.Flatten(), layers.LSTM(16)]),
            "Wrap the Flatten too",
        ),
        # The class instead of a layer object.
        (seq(lambda: [layers.TimeDistributed(layers.Conv2D), layers.LSTM(16)]), "layer class"),
        # A plain function.
        (seq(lambda: [layers.TimeDistributed(lambda x: x), layers.LSTM(16)]), "plain function"),
        # keras.Input without the time axis: each "frame" reaches Conv2D as 3D.
        (
            seq(
                lambda: [td(layers.Conv2D(8, 3)), td(layers.Flatten()), layers.LSTM(16)],
                shape=(16, 16, 1),
            ),
            "one axis short",
        ),
        (
            seq(
                lambda: [
                    td(layers.Conv2D(8, 3)),
                    td(layers.Flatten()),
                    layers.LSTM(16, return_sequences=True),
                ]
            ),
            "return_sequences",
        ),
        (
            seq(
                lambda: [
                    td(layers.Conv2D(8, 3)),
                    td(layers.GlobalAveragePooling2D()),
                    layers.LSTM(16),
                ]
            ),
            "features per step",
        ),
        (
            seq(lambda: [td(layers.Conv2D(16, 3)), td(layers.Flatten()), layers.LSTM(16)]),
            "8 filters",
        ),
        (seq(lambda: [td(layers.Conv2D(8, 3)), td(layers.Flatten()), layers.LSTM(32)]), "LSTM(16)"),
        (
            seq(
                lambda: [
                    td(layers.Conv2D(8, 3)),
                    td(layers.Flatten()),
                    layers.LSTM(16),
                    layers.Dense(16),
                ]
            ),
            "extra layer",
        ),
        (_five_inputs, "5 inputs"),
        (_forgot_return, "returned None"),
        (_takes_an_argument, "no arguments"),
    ],
)
def test_q1_real_mistakes(builder, phrase):
    fb = ch07.q1.check(builder)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q1_placeholder_and_garbage():
    assert ch07.q1.check(____).outcome is Outcome.NOT_ATTEMPTED
    garbage = [
        (None, "None"),
        ("make_clip_model", "str"),
        (np.zeros(CLIP), "ndarray"),
        (keras.Sequential([layers.Dense(1)]), "no input shape"),  # unbuilt model
        (lambda: keras.Sequential([layers.Dense(1)]), "no input shape"),  # builds an unbuilt one
        (lambda: "model", "str"),
        (keras.Sequential, "class"),
        (layers.LSTM(16), "single LSTM layer"),
    ]
    for answer, phrase in garbage:
        fb = ch07.q1.check(answer)
        assert fb.outcome is Outcome.INCORRECT, (answer, fb)
        assert phrase in fb.message, (answer, fb.message)


def test_q1_unforeseen_build_error_is_still_advice():
    def broken():
        raise RuntimeError("something odd")

    fb = ch07.q1.check(broken)
    assert fb.outcome is Outcome.INCORRECT
    assert "RuntimeError" in fb.message and "something odd" in fb.message


# ------------------------------------------------------------------ q2: what TimeDistributed adds


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch07.q2)
    assert ch07.q2.check(ns["td_adds"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (416, "already counted once"),
        (1248, "3 copies"),
        (832, "2 copies"),
        (3, "number of steps"),
        (-416, "cannot remove"),
        (100, "not it"),
    ],
)
def test_q2_real_mistakes(answer, phrase):
    fb = ch07.q2.check(answer)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q2_placeholder_and_garbage():
    assert ch07.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "zero", 0.5, keras.Sequential()):
        fb = ch07.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT, (answer, fb)
        assert "whole number" in fb.message


# ------------------------------------------------------------------ q3: the LSTM's count


def test_q3_solution_passes(run_solution):
    ns = run_solution(ch07.q3)
    fb = ch07.q3.check(ns["lstm_count"])
    assert fb.outcome is Outcome.CORRECT
    assert "32,518,272" in fb.message


RIGHT = 4 * 32 * (254016 + 32 + 1)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (32_518_688, "whole model"),
        (3 * RIGHT, "3 time steps"),
        (32 * (254016 + 32 + 1), "one gate"),
        (4 * 32 * (254016 + 32), "biases"),
        (4 * 32 * (254016 + 1), "recurrent"),
        (4 * 32 * (126 * 126 + 32 + 1), "16 channels"),
        (RIGHT + 4 * 32, "two bias vectors"),
        (12345, "not it"),
    ],
)
def test_q3_real_mistakes(answer, phrase):
    fb = ch07.q3.check(answer)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q3_placeholder_and_garbage():
    assert ch07.q3.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "32518272", [RIGHT]):
        fb = ch07.q3.check(answer)
        assert fb.outcome is Outcome.INCORRECT, (answer, fb)


# ------------------------------------------------------------------ q4: predict TimeDistributed


def test_q4_solution_passes_and_is_what_keras_builds(run_solution):
    ns = run_solution(ch07.q4)
    fb = ch07.q4.check(ns["td_shape"], ns["td_params"])
    assert fb.outcome is Outcome.CORRECT, fb
    model = keras.Sequential(
        [keras.Input((6, 32, 32, 3)), layers.TimeDistributed(layers.Conv2D(4, 3, strides=2))]
    )
    assert tuple(model.outputs[0].shape) == ns["td_shape"]
    assert model.count_params() == ns["td_params"]


@pytest.mark.parametrize(
    ("shape", "n", "phrase"),
    [
        ((None, 15, 15, 4), 112, "keeps the time axis"),
        ((6, 15, 15, 4), 112, "batch axis"),
        ((None, 6, 30, 30, 4), 112, "ignores the stride"),
        ((None, 6, 16, 16, 4), 112, "padding='same'"),
        ((None, 6, 15, 15, 3), 112, "not it"),
        ((None, 6, 15, 15, 4), 672, "6 copies"),
        ((None, 6, 15, 15, 4), 40, "3 colour channels"),
        ((None, 6, 15, 15, 4), 108, "biases"),
        ((None, 6, 15, 15, 4), 113, "once"),
    ],
)
def test_q4_real_mistakes(shape, n, phrase):
    fb = ch07.q4.check(shape, n)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q4_placeholder_and_garbage():
    assert ch07.q4.check((None, 6, 15, 15, 4), ____).outcome is Outcome.NOT_ATTEMPTED
    for shape, n in ((None, 112), ("(None, 6, 15, 15, 4)", 112), ((None, 6, 15, 15, 4), None)):
        fb = ch07.q4.check(shape, n)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (shape, n, fb)


# ------------------------------------------------------------------ q5: fix a 4D input


def _summary(shape=(4, 32, 32, 1), *, wrap=True, units=4):
    def build():
        conv = layers.Conv2D(8, 3, activation="relu")
        pool = layers.GlobalAveragePooling2D()
        per_frame = [td(conv), td(pool)] if wrap else [conv, pool]
        return keras.Sequential([keras.Input(shape), *per_frame, layers.LSTM(units)])

    return build


def test_q5_solution_passes(run_solution):
    ns = run_solution(ch07.q5)
    fb = ch07.q5.check(ns["frame_summary"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "4 steps of 8 features" in fb.message


@pytest.mark.parametrize(
    ("builder", "phrase"),
    [
        # The chapter's broken builder: frames where clips were meant.
        (_summary((32, 32, 1)), "inside TimeDistributed, the time axis is"),
        # The wrappers removed instead: Conv2D meets the 5D clips.
        (_summary(wrap=False), "Wrap the convolution in TimeDistributed"),
        # The wrappers removed and frames kept: the LSTM meets (batch, 8).
        (_summary((32, 32, 1), wrap=False), "2D tensor reached the recurrent layer"),
        # Built for clips, but the wrong clip shape.
        (_summary((4, 32, 32, 3)), "keras.Input((4, 32, 32, 1))"),
        (_summary(units=8), "LSTM(4)"),
    ],
)
def test_q5_real_mistakes(builder, phrase):
    fb = ch07.q5.check(builder)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q5_folded_without_a_wrapper_is_asked_to_keep_it():
    def folded():
        clips = keras.Input((4, 32, 32, 1))
        frames = ops.reshape(clips, (-1, 32, 32, 1))
        features = layers.GlobalAveragePooling2D()(layers.Conv2D(8, 3)(frames))
        return keras.Model(clips, layers.LSTM(4)(ops.reshape(features, (-1, 4, 8))))

    fb = ch07.q5.check(folded)
    assert fb.outcome is Outcome.INCORRECT and "Keep the wrappers" in fb.message, fb


def test_q5_placeholder_and_garbage():
    assert ch07.q5.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "frame_summary", lambda: None, keras.Sequential):
        fb = ch07.q5.check(answer)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (answer, fb)
