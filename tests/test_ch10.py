"""Chapter 10 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import padded as padded_data
from labsupport.exercises import Outcome, ____, ch10

# ------------------------------------------------------------------ q1: shape and real steps


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch10.q1)
    fb = ch10.q1.check(ns["padded_shape"], ns["n_real"])
    assert fb.outcome is Outcome.CORRECT, fb
    # the reference answer is what Keras does
    assert keras.utils.pad_sequences(ch10.Q1_BATCH).shape == ns["padded_shape"]


@pytest.mark.parametrize(
    ("shape", "n", "phrase"),
    [
        ((6, 3), 11, "swapped"),
        ((3, 2), 11, "shortest"),
        ((3, 11), 11, "end to end"),
        ((3, 6, 1), 11, "features axis"),
        ((3,), 11, "2D array"),
        ((3, 6), 18, "padding included"),
        ((3, 6), 7, "padded steps"),
        ((3, 6), 3, "counts sequences"),
        ((3, 6), 6, "longest sequence alone"),
        ((3, 6), 12, "add up the lengths"),
    ],
)
def test_q1_real_mistakes(shape, n, phrase):
    fb = ch10.q1.check(shape, n)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q1_placeholder_and_garbage():
    assert ch10.q1.check(____, 11).outcome is Outcome.NOT_ATTEMPTED
    assert ch10.q1.check((3, 6), ____).outcome is Outcome.NOT_ATTEMPTED
    for shape, n, phrase in [
        (None, 11, "tuple of whole numbers"),
        ("(3, 6)", 11, "tuple of whole numbers"),
        (np.zeros((3, 6)), 11, "is an array"),
        ((3, 6), None, "whole number"),
        ((3, 6), "11", "whole number"),
        ((3, 6), 10.5, "whole number"),
    ]:
        fb = ch10.q1.check(shape, n)
        assert fb.outcome is Outcome.INCORRECT, (shape, n, fb)
        assert phrase in fb.message


# ------------------------------------------------------------------ q2: fix the tagger


def tagger(*middle, embedding=None, head=None, mask_zero=True):
    """A learner's build_tagger with the given layers between the Embedding and the head."""

    def build_tagger():
        return keras.Sequential(
            [
                keras.Input((None,), dtype="int32"),
                embedding() if embedding else layers.Embedding(10, 8, mask_zero=mask_zero),
                *(make() for make in middle),
                head() if head else layers.TimeDistributed(layers.Dense(1, activation="sigmoid")),
            ]
        )

    return build_tagger


LSTM_SEQ = lambda: layers.LSTM(16, return_sequences=True)  # noqa: E731


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch10.q2)
    fb = ch10.q2.check(ns["build_tagger"])
    assert fb.outcome is Outcome.CORRECT, fb


def test_q2_plain_dense_head_passes_too():
    fb = ch10.q2.check(tagger(LSTM_SEQ, head=lambda: layers.Dense(1, activation="sigmoid")))
    assert fb.outcome is Outcome.CORRECT, fb


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        # the chapter's attempt: Masking after an Embedding without mask_zero
        (tagger(lambda: layers.Masking(0.0), LSTM_SEQ, mask_zero=False), "learned, not zeros"),
        (tagger(LSTM_SEQ, mask_zero=False), "no mask_zero=True"),
        (tagger(lambda: layers.Masking(-1.0), LSTM_SEQ), "does not mark the padding"),
        (tagger(LSTM_SEQ, embedding=lambda: layers.Embedding(9, 8, mask_zero=True)), "input_dim=9"),
        (tagger(lambda: layers.LSTM(16)), "Keras could not build"),
        (tagger(lambda: layers.LSTM(16), head=lambda: layers.Dense(1)), "one tag per sequence"),
        (
            tagger(LSTM_SEQ, head=lambda: layers.TimeDistributed(layers.Dense(2))),
            "2 values per step",
        ),
        (tagger(LSTM_SEQ, head=lambda: layers.Dense(1)), "not probabilities"),
        (tagger(head=lambda: layers.Dense(1, activation="sigmoid")), "no LSTM"),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch10.q2.check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q2_no_embedding():
    def build_tagger():
        return keras.Sequential(
            [
                keras.Input((None, 1)),
                layers.Masking(0.0),
                LSTM_SEQ(),
                layers.Dense(1, activation="sigmoid"),
            ]
        )

    fb = ch10.q2.check(build_tagger)
    assert fb.outcome is Outcome.INCORRECT and "no Embedding" in fb.message, fb


def test_q2_placeholder_and_garbage():
    assert ch10.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    model = tagger(LSTM_SEQ)()
    for answer, phrase in [
        (None, "got None"),
        ("build_tagger", "got a str"),
        (model, "Pass the function"),
        (lambda: None, "returned None"),
        (lambda n: model, "no arguments"),
    ]:
        fb = ch10.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT, (answer, fb)
        assert phrase in fb.message


# ------------------------------------------------------------------ q3: accuracy, real steps


@pytest.fixture(scope="module")
def split_and_predictions():
    data = padded_data.tagging_split(40, length=12, seed=7)
    rng = np.random.default_rng(0)
    p = rng.uniform(size=data.y.shape).astype("float32")
    p[~data.real] = 0.1  # padded steps "learned": always tag 0, always right
    return data, p


def test_q3_solution_passes(split_and_predictions, run_solution):
    data, p = split_and_predictions
    ns = run_solution(ch10.q3, p_plain=p, test=data)
    fb = ch10.q3.check(ns["acc_all"], ns["acc_real"], p, data)
    assert fb.outcome is Outcome.CORRECT, fb
    assert ns["acc_real"] == pytest.approx(padded_data.real_step_accuracy(data, p))
    assert "padded steps (token 0, tag 0) are easy" in fb.message


def test_q3_real_mistakes(split_and_predictions):
    data, p = split_and_predictions
    right = (p[..., 0] > 0.5) == (data.y[..., 0] > 0.5)
    acc_all, acc_real = right.mean(), right[data.real].mean()
    acc_pad = right[~data.real].mean()
    no_threshold = float(np.abs(p[..., 0] - data.y[..., 0])[data.real].mean())
    for answers, phrase in [
        ((acc_real, acc_all), "swapped"),
        ((acc_all, acc_all), "padded steps are still in"),
        ((acc_all, acc_pad), "not negated"),
        ((100 * acc_all, 100 * acc_real), "not percentages"),
        ((acc_all, no_threshold), "Threshold at 0.5"),
        ((0.5, acc_real), "acc_all is 0.5000"),
    ]:
        fb = ch10.q3.check(*answers, p, data)
        assert fb.outcome is Outcome.INCORRECT, (answers, fb)
        assert phrase in fb.message


def test_q3_placeholder_and_garbage(split_and_predictions):
    data, p = split_and_predictions
    assert ch10.q3.check(____, 0.5, p, data).outcome is Outcome.NOT_ATTEMPTED
    for args, phrase in [
        ((None, 0.5, p, data), "it is None"),
        (("0.9", 0.5, p, data), "it is '0.9'"),
        (([0.9, 0.8], 0.5, p, data), "one number"),
        ((0.9, 0.8, p, "test"), "test split as the last argument"),
        ((0.9, 0.8, p[:3], data), "Pass the unmasked model's predictions"),
        ((0.9, 0.8, None, data), "p_plain is None"),
    ]:
        fb = ch10.q3.check(*args)
        assert fb.outcome is Outcome.INCORRECT, (args, fb)
        assert phrase in fb.message
