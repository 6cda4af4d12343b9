"""Chapter 9 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import seq2seq as s2s
from labsupport.exercises import Outcome, ____, ch09


def correct(fb):
    assert fb.outcome is Outcome.CORRECT, fb
    return fb


def incorrect(fb, phrase):
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message
    return fb


# ------------------------------------------------------------------ q1: counts and shape

N_DEC, N_TD, SHAPE = 24_832, 780, (None, 4, 12)


def test_q1_solution_passes_and_matches_keras(run_solution):
    ns = run_solution(ch09.q1)
    correct(ch09.q1.check(ns["n_decoder"], ns["n_td"], ns["out_shape"]))
    model = keras.Sequential(
        [
            keras.Input((7, 12)),
            layers.LSTM(32),
            layers.RepeatVector(4),
            layers.LSTM(64, return_sequences=True),
            layers.TimeDistributed(layers.Dense(12, activation="softmax")),
        ]
    )
    assert model.layers[2].count_params() == ns["n_decoder"]
    assert model.layers[3].count_params() == ns["n_td"]
    assert tuple(model.outputs[0].shape) == ns["out_shape"]
    correct(ch09.q1.check(float(N_DEC), np.int64(N_TD), [None, 4, 12]))


@pytest.mark.parametrize(
    ("answers", "phrase"),
    [
        ((4 * (64 * (12 + 64) + 64), N_TD, SHAPE), "the vocabulary (12)"),
        ((4 * (64 * (4 + 64) + 64), N_TD, SHAPE), "RepeatVector's 4"),
        ((4 * N_DEC, N_TD, SHAPE), "separate LSTM for each of the 4 steps"),
        ((64 * (32 + 64) + 64, N_TD, SHAPE), "one block"),
        ((4 * (32 * (64 + 32) + 32), N_TD, SHAPE), "swaps units and features"),
        ((N_DEC, 4 * N_TD, SHAPE), "one Dense(12) per step"),
        ((N_DEC, 64 * 12, SHAPE), "leaves out the bias"),
        ((N_DEC, 32 * 12 + 12, SHAPE), "the encoder's 32 values"),
        ((N_DEC, 0, SHAPE), "Count those"),
        ((N_DEC, N_TD, (4, 12)), "batch axis"),
        ((N_DEC, N_TD, (None, 7, 12)), "question's 7 steps"),
        ((N_DEC, N_TD, (None, 4, 64)), "decoder's units"),
        ((N_DEC, N_TD, (None, 4, 1)), "12 per step"),
        ((N_DEC, N_TD, (None, 12)), "no time axis"),
    ],
)
def test_q1_real_mistakes(answers, phrase):
    incorrect(ch09.q1.check(*answers), phrase)


def test_q1_placeholder_and_garbage():
    assert ch09.q1.check(____, N_TD, SHAPE).outcome is Outcome.NOT_ATTEMPTED
    assert ch09.q1.check(N_DEC, N_TD, (None, ____, 12)).outcome is Outcome.NOT_ATTEMPTED
    incorrect(ch09.q1.check(None, N_TD, SHAPE), "whole number")
    incorrect(ch09.q1.check(N_DEC, "780", SHAPE), "whole number")
    incorrect(ch09.q1.check(N_DEC, N_TD, "(None, 4, 12)"), "should be a tuple")
    incorrect(ch09.q1.check(N_DEC, N_TD, (None, 4.5, 12)), "whole numbers and None")


# ------------------------------------------------------------------ q2: fix the model


def builder(*stack, shape=(5, 12)):
    """A learner's build function: the layers are only created when the check calls it."""

    def build():
        return keras.Sequential([keras.Input(shape), *(make() for make in stack)])

    return build


ENC = lambda: layers.LSTM(64)  # noqa: E731
REP = lambda: layers.RepeatVector(3)  # noqa: E731
DEC = lambda: layers.LSTM(64, return_sequences=True)  # noqa: E731
OUT = lambda: layers.TimeDistributed(layers.Dense(12, activation="softmax"))  # noqa: E731


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch09.q2)
    correct(ch09.q2.check(ns["build_fixed"]))


def test_q2_plain_dense_is_accepted_with_a_note():
    fb = correct(ch09.q2.check(builder(ENC, REP, DEC, lambda: layers.Dense(12, "softmax"))))
    assert "TimeDistributed" in fb.message


def test_q2_the_chapters_broken_builder_gets_the_repeat_vector_advice():
    broken = builder(ENC, lambda: layers.LSTM(64), lambda: layers.Dense(10, activation="relu"))
    with pytest.raises(ValueError):
        broken()  # the learner never holds a model
    incorrect(ch09.q2.check(broken), "RepeatVector(3)")


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (builder(ENC, DEC, OUT), "RepeatVector(3) between the two LSTMs"),
        (builder(ENC, REP, lambda: layers.LSTM(64), OUT), "return_sequences=True on the decoder"),
        (
            builder(ENC, REP, lambda: layers.LSTM(64), lambda: layers.Dense(12, "softmax")),
            "return_sequences=True on the decoder",
        ),
        (
            builder(lambda: layers.LSTM(64, return_sequences=True), REP, DEC, OUT),
            "leave return_sequences off the first LSTM",
        ),
        (
            builder(lambda: layers.LSTM(64, return_sequences=True), DEC, OUT),
            "without a RepeatVector",
        ),
        (builder(ENC, lambda: layers.RepeatVector(5), DEC, OUT), "RepeatVector(5)"),
        (
            builder(ENC, REP, DEC, lambda: layers.TimeDistributed(layers.Dense(10, "softmax"))),
            "Dense(12)",
        ),
        (
            builder(ENC, REP, DEC, lambda: layers.TimeDistributed(layers.Dense(12, "relu"))),
            "activation='softmax'",
        ),
        (
            builder(ENC, REP, DEC, lambda: layers.TimeDistributed(layers.Dense(12))),
            "activation='softmax'",
        ),
        (builder(ENC, REP, DEC, OUT, shape=(12, 5)), "keras.Input((5, 12))"),
        (builder(REP, DEC, OUT, shape=(12,)), "keras.Input((5, 12))"),
        (builder(ENC, REP, lambda: layers.Dense(64), OUT), "two LSTMs"),
    ],
)
def test_q2_real_mistakes(build, phrase):
    incorrect(ch09.q2.check(build), phrase)


def test_q2_function_shaped_mistakes(run_solution):
    ns = run_solution(ch09.q2)
    incorrect(ch09.q2.check(ns["build_fixed"]()), "without calling it")

    def forgot_return():
        keras.Sequential([keras.Input((5, 12)), ENC(), REP(), DEC(), OUT()])

    incorrect(ch09.q2.check(forgot_return), "forget the return")

    def typo():
        return keras.Sequential([keras.Input((5, 12)), layers.LSTM(64, return_sequence=True)])

    incorrect(ch09.q2.check(typo), "return_sequence")


def test_q2_placeholder_and_garbage():
    assert ch09.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    incorrect(ch09.q2.check(None), "None")
    incorrect(ch09.q2.check("build_fixed"), "got a str")
    incorrect(ch09.q2.check(keras.Sequential), "class Sequential")
    incorrect(ch09.q2.check(lambda units: None), "needs units")


# ------------------------------------------------------------------ q3: the two accuracies


class Fixed(layers.Layer):
    """Answers with the given probabilities, whatever the question (a stand-in for training)."""

    def __init__(self, answers):
        super().__init__()
        self.answers = answers

    def call(self, x):
        return keras.ops.convert_to_tensor(self.answers)[: keras.ops.shape(x)[0]]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.answers.shape[1:])


@pytest.fixture(scope="module")
def scored():
    problems = s2s.addition(10, 20, seed=0)
    answers = problems.y_test.copy()
    answers[:4, 0] = np.roll(answers[:4, 0], 1, axis=-1)  # 4 answers with a wrong first step
    answers[:2, 1] = np.roll(answers[:2, 1], 1, axis=-1)  # 2 of them with a wrong second one
    inputs = keras.Input((5, 12))
    model = keras.Model(inputs, Fixed(answers)(inputs))
    return model, problems, 54 / 60, 16 / 20


def test_q3_solution_passes(scored, run_solution):
    model, problems, step, seq = scored
    ns = run_solution(ch09.q3, model=model, problems=problems)
    assert ns["my_step_acc"] == pytest.approx(step) and ns["my_seq_acc"] == pytest.approx(seq)
    correct(ch09.q3.check(ns["my_step_acc"], ns["my_seq_acc"], model, problems))


def test_q3_real_mistakes(scored):
    model, problems, step, seq = scored
    incorrect(ch09.q3.check(seq, step, model, problems), "swapped")
    incorrect(ch09.q3.check(step, 1.0, model, problems), "any of its characters")
    incorrect(ch09.q3.check(step, step**3, model, problems), "cubed")
    incorrect(ch09.q3.check(100 * step, seq, model, problems), "percentage")
    incorrect(ch09.q3.check(np.array([0.8, 0.9, 1.0]), seq, model, problems), "one number")
    incorrect(ch09.q3.check(0.5, seq, model, problems), "my_step_acc is 0.5000")
    incorrect(ch09.q3.check(step, 0.5, model, problems), "my_seq_acc is 0.5000")


def test_q3_placeholder_and_garbage(scored):
    model, problems, step, seq = scored
    assert ch09.q3.check(____, ____, model, problems).outcome is Outcome.NOT_ATTEMPTED
    incorrect(ch09.q3.check(None, seq, model, problems), "None")
    incorrect(ch09.q3.check("0.9", seq, model, problems), "string")
    incorrect(ch09.q3.check(step, seq, "model", problems), "Expected a Keras model")
    incorrect(ch09.q3.check(step, seq, model, problems.x_test), "problems of section 1")
