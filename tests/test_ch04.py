"""Chapter 4 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import echo_sequence
from labsupport.exercises import Outcome, ____, ch04

SEQ = echo_sequence(5)


def builder(*stack, shape=(5, 1)):
    """A learner's build function: the layers are only created when the check calls it."""

    def build():
        return keras.Sequential([keras.Input(shape), *(make() for make in stack)])

    return build


LSTM_SEQ = lambda: layers.LSTM(5, return_sequences=True)  # noqa: E731
TD1 = lambda: layers.TimeDistributed(layers.Dense(1))  # noqa: E731


# ------------------------------------------------------------------ q1: 3D targets


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch04.q1, seq=SEQ)
    assert ch04.q1.check(ns["y_m2m"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("y", "phrase"),
    [
        (SEQ.reshape(1, 5), "(1, 5, 5)"),  # chapter 3's targets; Keras 3 would let them through
        (SEQ, "one flat row"),
        (SEQ.reshape(5, 1, 1), "five samples of one step"),
        (SEQ.reshape(1, 1, 5), "one step with five values"),
        (SEQ.reshape(5, 1), "one-to-one"),
        (SEQ.reshape(1, 5, 1, 1), "4 dimension"),
        (SEQ[::-1].reshape(1, 5, 1), "not the right values"),
    ],
)
def test_q1_real_mistakes(y, phrase):
    fb = ch04.q1.check(y)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q1_placeholder_and_garbage():
    assert ch04.q1.check(____).outcome is Outcome.NOT_ATTEMPTED
    for y, phrase in [(None, "None"), ("y", "string"), ([["a"]], "numbers")]:
        fb = ch04.q1.check(y)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q2: a function that builds


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch04.q2)
    fb = ch04.q2.check(ns["build_m2m"])
    assert fb.outcome is Outcome.CORRECT, fb


def test_q2_plain_dense_is_accepted_with_a_note():
    fb = ch04.q2.check(builder(LSTM_SEQ, lambda: layers.Dense(1)))
    assert fb.outcome is Outcome.CORRECT, fb
    assert "TimeDistributed" in fb.message


def test_q2_lstm_without_sequences_is_caught_although_keras_refuses_to_build():
    build = builder(lambda: layers.LSTM(5), TD1)
    with pytest.raises(ValueError):
        build()  # the learner never holds a model
    fb = ch04.q2.check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert "received (None, 5)" in fb.message  # the LSTM's one vector per sequence
    assert "return_sequences=True" in fb.message and "(batch, steps, units)" in fb.message


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (builder(LSTM_SEQ, lambda: layers.TimeDistributed(layers.Dense(5))), "wrap Dense(1)"),
        (builder(LSTM_SEQ, TD1, shape=(1, 5)), "one step with 5 features"),
        (builder(lambda: layers.LSTM(10, return_sequences=True), TD1), "10 units"),
        (builder(LSTM_SEQ, lambda: layers.Flatten(), lambda: layers.Dense(5)), "time axis is gone"),
        (builder(lambda: layers.LSTM(5), lambda: layers.Dense(1)), "return_sequences=True"),
        (builder(lambda: layers.Dense(5), TD1), "no LSTM"),
        (builder(LSTM_SEQ, lambda: layers.TimeDistributed(layers.Dense(4)), TD1), "extra layer"),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch04.q2.check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q2_function_shaped_mistakes(run_solution):
    ns = run_solution(ch04.q2)
    fb = ch04.q2.check(ns["build_m2m"]())  # called it before passing it
    assert fb.outcome is Outcome.INCORRECT and "without calling it" in fb.message

    def forgot_return():
        keras.Sequential([keras.Input((5, 1)), LSTM_SEQ(), TD1()])

    fb = ch04.q2.check(forgot_return)
    assert fb.outcome is Outcome.INCORRECT and "forget the return" in fb.message

    def typo():
        return keras.Sequential([keras.Input((5, 1)), layers.LSTM(5, return_sequence=True)])

    fb = ch04.q2.check(typo)
    assert fb.outcome is Outcome.INCORRECT and "return_sequence" in fb.message

    def name_error():
        return keras.Sequential([keras.Input((5, 1)), LSTM(5)])  # noqa: F821

    fb = ch04.q2.check(name_error)
    assert fb.outcome is Outcome.INCORRECT and "NameError" in fb.message

    def takes_args(units):
        return keras.Sequential([keras.Input((5, 1)), layers.LSTM(units)])

    fb = ch04.q2.check(takes_args)
    assert fb.outcome is Outcome.INCORRECT and "no arguments" in fb.message


def test_q2_placeholder_and_garbage():
    assert ch04.q2.check(____).outcome is Outcome.NOT_ATTEMPTED
    cases = [
        (None, "got None"),
        ("build_m2m", "got a str"),
        (np.zeros((1, 5, 1)), "got a ndarray"),
        (keras.Sequential, "class Sequential"),
        (lambda: "model", "Expected a Keras model"),
        (lambda: keras.Sequential([LSTM_SEQ(), TD1()]), "no input shape"),
        (lambda: np.zeros((1, 5, 1)), "ndarray"),
    ]
    for answer, phrase in cases:
        fb = ch04.q2.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q3: the wrapper's count


def test_q3_solution_passes(run_solution):
    ns = run_solution(ch04.q3)
    assert ch04.q3.check(ns["n_td"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (30, "separate Dense(1) for each of the 5 steps"),
        (0, "adds nothing"),
        (5, "not the bias"),
        (2, "single value"),
        (26, "one long input"),
        (146, "whole model"),
        (140, "LSTM's count"),
        (7, "is not it"),
    ],
)
def test_q3_real_mistakes(answer, phrase):
    fb = ch04.q3.check(answer)
    assert fb.outcome is Outcome.INCORRECT
    assert phrase in fb.message


def test_q3_placeholder_and_garbage():
    assert ch04.q3.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "6", [6], True, 6.5):
        fb = ch04.q3.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert "whole number" in fb.message


# ------------------------------------------------------------------ q4: predict, then run


def test_q4_solution_passes_and_matches_keras(run_solution):
    ns = run_solution(ch04.q4)
    assert ch04.q4.check(ns["predicted_shape"], ns["predicted_params"]).correct
    m = builder(LSTM_SEQ, lambda: layers.TimeDistributed(layers.Dense(2)))()
    assert tuple(m.outputs[0].shape) == ns["predicted_shape"]
    assert m.count_params() == ns["predicted_params"]


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        ((None, 2), 152, "lost the time axis"),
        ((None, 5, 1), 152, "chapter's model"),
        ((None, 5, 5), 152, "LSTM's output"),
        ((5, 2), 152, "batch axis"),
        ((None, 5, 2), 200, "of its own"),
        ((None, 5, 2), 142, "forgets the weights"),
        ((None, 5, 2), 146, "not the count"),
    ],
)
def test_q4_real_mistakes(shape, params, phrase):
    fb = ch04.q4.check(shape, params)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q4_placeholder_and_garbage():
    assert ch04.q4.check(____, 152).outcome is Outcome.NOT_ATTEMPTED
    for shape, params, phrase in [
        ("(None, 5, 2)", 152, "tuple"),
        ((None, 5, 2.0), 152, "whole numbers and None"),
        ((None, 5, 2), [152], "whole number"),
    ]:
        fb = ch04.q4.check(shape, params)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q5: the disguised model


def test_q5_solution_passes(run_solution):
    ns = run_solution(ch04.q5)
    assert ch04.q5.check(ns["build_shared"]).correct


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        # the broken model: right output shape, per-position weights
        (
            builder(
                lambda: layers.LSTM(5), lambda: layers.Dense(5), lambda: layers.Reshape((5, 1))
            ),
            "return_sequences=True",
        ),
        (
            builder(
                LSTM_SEQ,
                lambda: layers.Flatten(),
                lambda: layers.Dense(5),
                lambda: layers.Reshape((5, 1)),
            ),
            "still a Reshape",
        ),
        (builder(LSTM_SEQ, lambda: layers.TimeDistributed(layers.Dense(2))), "one value per step"),
        (builder(LSTM_SEQ, TD1, shape=(1, 5)), "Keep keras.Input((5, 1))"),
        (builder(LSTM_SEQ, TD1, TD1), "146"),
        (builder(lambda: layers.Dense(5), TD1), "no LSTM"),
    ],
)
def test_q5_real_mistakes(build, phrase):
    fb = ch04.q5.check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q5_placeholder_and_garbage():
    assert ch04.q5.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer, phrase in [
        (None, "got None"),
        (builder(LSTM_SEQ, TD1)(), "without calling it"),
        (lambda: None, "returned None"),
        (lambda: 3, "Expected a Keras model"),
    ]:
        fb = ch04.q5.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q6: what step 2 can reach


@pytest.fixture(scope="module")
def m2m():
    keras.utils.set_random_seed(0)
    return builder(LSTM_SEQ, TD1)()


def test_q6_solution_passes(m2m, run_solution):
    ns = run_solution(ch04.q6, model=m2m, x=SEQ.reshape(1, 5, 1))
    assert ns["changed_steps"] == [2, 3, 4]
    fb = ch04.q6.check(m2m, ns["changed_steps"])
    assert fb.correct, fb


@pytest.mark.parametrize(
    ("steps", "phrase"),
    [
        ([0, 1, 2, 3, 4], "before step 2"),
        ([2], "Not step 2 alone"),
        ([3, 4, 5], "numbered from 0"),
        ([0, 1], "not what this model shows"),
    ],
)
def test_q6_real_mistakes(m2m, steps, phrase):
    fb = ch04.q6.check(m2m, steps)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q6_placeholder_and_garbage(m2m):
    assert ch04.q6.check(m2m, ____).outcome is Outcome.NOT_ATTEMPTED
    for args, phrase in [
        ((m2m, None), "list of step numbers"),
        ((m2m, "2, 3, 4"), "list of step numbers"),
        ((m2m, ["a"]), "whole step numbers"),
        ((None, [2, 3, 4]), "Expected a Keras model"),
    ]:
        fb = ch04.q6.check(*args)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message
