"""Chapter 1 checkers: the reference solutions pass; real mistakes get their own advice."""

import re

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import echo_sequence
from labsupport.exercises import Outcome, ____, ch01

SEQ = echo_sequence(5)


def model(*stack, shape=(1, 1)):
    return keras.Sequential([keras.Input(shape), *stack])


# ------------------------------------------------------------------ q1: shaping the data


def test_q1_solution_passes(run_solution):
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


def test_q2_solution_passes(run_solution):
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


def test_q3_solution_passes(run_solution):
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


# ------------------------------------------------------------------ q4: predict, then run


def test_q4_solution_passes_and_matches_keras(run_solution):
    ns = run_solution(ch01.q4)
    assert ch01.q4.check(ns["predicted_shape"], ns["predicted_params"]).correct
    m = model(layers.LSTM(5, return_sequences=True), layers.Dense(1))
    assert tuple(m.outputs[0].shape) == ns["predicted_shape"]
    assert m.count_params() == ns["predicted_params"]


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        ((None, 1), 146, "without return_sequences"),
        ((1, 1, 1), 146, "batch axis as None"),
        ((None, 1, 5), 146, "LSTM's output"),
        ((None, 5, 1), 146, "not 5"),
        ((None, 1, 1), 140, "LSTM alone"),
        ((None, 1, 1), 150, "every step"),
        ((None, 1, 1), 170, "count is not"),
        ([None, 2, 1], 146, "is not it"),
    ],
)
def test_q4_real_mistakes(shape, params, phrase):
    fb = ch01.q4.check(shape, params)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q4_placeholder_and_garbage():
    assert ch01.q4.check(____, 146).outcome is Outcome.NOT_ATTEMPTED
    for shape, phrase in [(None, "tuple"), ("(None, 1, 1)", "tuple"), ((None, 1.5, 1), "1.5")]:
        fb = ch01.q4.check(shape, 146)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message
    fb = ch01.q4.check((None, 1, 1), "146")
    assert fb.outcome is Outcome.INCORRECT and "whole number" in fb.message


# ------------------------------------------------------------------ q5: fix the builder


def test_q5_solution_passes(run_solution):
    ns = run_solution(ch01.q5)
    assert ch01.q5.check(ns["build_121"]).correct


def test_q5_the_broken_builder_is_explained():
    def build_121():
        return keras.Sequential([keras.Input((1,)), layers.LSTM(5), layers.Dense(1)])

    fb = ch01.q5.check(build_121)
    assert fb.outcome is Outcome.INCORRECT
    assert "2D input" in fb.message and "(steps, features)" in fb.message


@pytest.mark.parametrize(
    ("shape", "stack", "phrase"),
    [
        ((5, 1), (layers.LSTM(5), layers.Dense(1)), "samples of 5 steps"),
        ((1, 1), (layers.LSTM(5, return_sequences=True), layers.Dense(1)), "returns sequences"),
        ((1, 1), (layers.LSTM(1),), "1 units"),
        ((1, 1), (layers.LSTM(5), layers.Dense(5)), "end with layers.Dense(1)"),
    ],
)
def test_q5_real_mistakes(shape, stack, phrase):
    fb = ch01.q5.check(lambda: model(*stack, shape=shape))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q5_placeholder_and_garbage():
    assert ch01.q5.check(____).outcome is Outcome.NOT_ATTEMPTED
    built = model(layers.LSTM(5), layers.Dense(1))
    for answer, phrase in [
        (None, "got None"),
        ("build_121", "got a str"),
        (built, "without calling it"),
        (lambda: None, "returned None"),
        (lambda: "model", "Expected a Keras model"),
        (lambda units: model(layers.LSTM(units)), "no arguments"),
        (lambda: layers.LSTM(), "TypeError"),
    ]:
        fb = ch01.q5.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q6: train and interpret


@pytest.fixture(scope="module")
def trained():
    """A one-to-one model trained briefly: the check reads whatever this model answers."""
    from labsupport.data import echo_one_to_one
    from labsupport.training import fit_passes

    keras.utils.set_random_seed(0)
    m = model(layers.LSTM(5), layers.Dense(1))
    m.compile(optimizer="adam", loss="mse")
    x, y = echo_one_to_one(5)
    fit_passes(m, x, y, passes=300, batch_size=5)
    return m


def _answers(m):
    out = keras.ops.convert_to_numpy(m(np.array([[[0.5]], [[1.6]]], "float32"))).ravel()
    return float(out[0]), float(out[1])


def test_q6_solution_passes(trained, run_solution):
    ns = run_solution(ch01.q6, model=trained)
    fb = ch01.q6.check(trained, ns["echo_mid"], ns["echo_far"], ns["far_echoed"])
    assert fb.correct, fb
    assert "1.6 →" in fb.message


def test_q6_real_mistakes(trained):
    mid, far = _answers(trained)
    cases = [
        ((far, mid, False), "swapped"),
        ((0.5, far, False), "not what this model answers for 0.5"),  # the input, not the answer
        ((mid, 1.6, True), "not what this model answers for 1.6"),
        ((mid, far, abs(far - 1.6) >= 0.05), "far_echoed should be"),
        ((mid, far, "no"), "True or False"),
    ]
    for answers, phrase in cases:
        fb = ch01.q6.check(trained, *answers)
        assert fb.outcome is Outcome.INCORRECT, (answers, fb)
        assert phrase in fb.message


def test_q6_placeholder_and_garbage(trained):
    mid, far = _answers(trained)
    assert ch01.q6.check(trained, ____, far, False).outcome is Outcome.NOT_ATTEMPTED
    for args, phrase in [
        ((None, mid, far, False), "Expected a Keras model"),
        ((trained, None, far, False), "None"),
        ((trained, [mid, far], far, False), "one number"),
        ((trained, mid, "far", False), "string"),
    ]:
        fb = ch01.q6.check(*args)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ---- the chapter's text, read from the notebook --------------------------------------------
from .notebook_cells import chapter_cells  # noqa: E402


@pytest.mark.parametrize("word", ["tensor", "kernel", "recurrent kernel", "tracing"])
def test_terms_are_defined_where_first_used(word):
    """Chapter 1 says what each of these words means no later than the cell that first uses it."""
    cells = chapter_cells("01_one_to_one_echo")
    used = re.compile(rf"\b{word}s?\b", re.IGNORECASE)  # not "tensorflow"
    first_use = next(i for i, c in enumerate(cells) if used.search(c.source))
    definition = next(i for i, c in enumerate(cells) if f"**{word}**" in c.source)
    assert definition <= first_use, (word, cells[first_use].id)
