"""Chapter 3 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.data import echo_sequence
from labsupport.exercises import Outcome, ____, ch03

SEQ = echo_sequence(5)


def model(*stack, shape=(5, 1)):
    return keras.Sequential([keras.Input(shape), *stack])


# ------------------------------------------------------------------ q1: shaping the data


def test_q1_solution_passes(run_solution):
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


def test_q2_solution_passes(run_solution):
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


def test_q3_solution_passes(run_solution):
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


# ------------------------------------------------------------------ q4: predict, then run


def test_q4_solution_passes_and_matches_keras(run_solution):
    ns = run_solution(ch03.q4)
    assert ch03.q4.check(ns["predicted_shape"], ns["predicted_params"]).correct
    m = model(layers.LSTM(5), layers.Dense(5), shape=(8, 1))
    assert tuple(m.outputs[0].shape) == ns["predicted_shape"]
    assert m.count_params() == ns["predicted_params"]


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        ((None, 8), 170, "one value per step"),
        ((None, 8, 5), 170, "keeps a time axis"),
        ((None, 5, 5), 170, "keeps a time axis"),
        ((1, 5), 170, "batch axis"),
        ((None, 5), 4 * (5 * (8 + 5) + 5) + 30, "8 steps as 8 features"),
        ((None, 5), 140, "one layer's count"),
        ((None, 5), 185, "not the count"),
    ],
)
def test_q4_real_mistakes(shape, params, phrase):
    fb = ch03.q4.check(shape, params)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q4_placeholder_and_garbage():
    assert ch03.q4.check((None, 5), ____).outcome is Outcome.NOT_ATTEMPTED
    for shape, params, phrase in [
        (5, 170, "tuple"),
        ((None, "5"), 170, "whole numbers and None"),
        ((None, 5), None, "whole number"),
    ]:
        fb = ch03.q4.check(shape, params)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q5: fix the builder


def test_q5_solution_passes(run_solution):
    ns = run_solution(ch03.q5)
    assert ch03.q5.check(ns["build_m2o"]).correct


@pytest.mark.parametrize(
    ("stack", "shape", "phrase"),
    [
        ((layers.LSTM(5), layers.Dense(1)), (5, 1), "a single value"),  # the broken builder
        ((layers.LSTM(5), layers.Dense(5)), (1, 5), "one step with 5 features"),
        ((layers.LSTM(5, return_sequences=True), layers.Dense(1)), (5, 1), "return_sequences"),
        ((layers.LSTM(5), layers.Dense(5), layers.Dense(5)), (5, 1), "extra layer"),
    ],
)
def test_q5_real_mistakes(stack, shape, phrase):
    fb = ch03.q5.check(lambda: model(*stack, shape=shape))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message


def test_q5_placeholder_and_garbage():
    assert ch03.q5.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer, phrase in [
        (None, "got None"),
        (model(layers.LSTM(5), layers.Dense(5)), "without calling it"),
        (lambda: None, "returned None"),
        (lambda: [layers.LSTM(5)], "Expected a Keras model"),
    ]:
        fb = ch03.q5.check(answer)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message


# ------------------------------------------------------------------ q6: train and interpret

NEW = np.array([0.1, 0.3, 0.5, 0.7, 0.9])


@pytest.fixture(scope="module")
def trained():
    """A many-to-one model trained briefly: the check reads whatever this model answers."""
    from labsupport.data import echo_many_to_one
    from labsupport.training import fit_passes

    keras.utils.set_random_seed(0)
    m = model(layers.LSTM(5), layers.Dense(5))
    m.compile(optimizer="adam", loss="mse")
    x, y = echo_many_to_one(5)
    fit_passes(m, x, y, passes=100, batch_size=1)
    return m


def test_q6_solution_passes(trained, run_solution):
    ns = run_solution(ch03.q6, model=trained)
    fb = ch03.q6.check(trained, ns["pred_new"], ns["largest_new_error"])
    assert fb.correct, fb
    assert "from the new sequence and" in fb.message
    assert "from the one it was trained on" in fb.message


def test_q6_says_which_sequence_an_echoing_model_is_closer_to():
    """A model that hands back its input echoes anything: the message must not say otherwise."""
    echo = keras.Sequential([keras.Input((5, 1)), layers.Flatten()])
    pred = echo.predict(NEW.reshape(1, 5, 1), verbose=0)
    fb = ch03.q6.check(echo, pred, 0.0)
    assert fb.correct, fb
    assert "0.000 at most from the new sequence" in fb.message
    assert "closer to the new sequence" in fb.message
    assert "echoes the new sequence to within 0.05" in fb.message
    assert "does not echo" not in fb.message


def test_q6_real_mistakes(trained):
    pred = trained.predict(NEW.reshape(1, 5, 1), verbose=0)
    old = trained.predict(SEQ.reshape(1, 5, 1), verbose=0)
    error = float(np.abs(pred - NEW).max())
    cases = [
        ((trained.predict(NEW.reshape(5, 1, 1), verbose=0), error), "(5, 5)"),
        ((old, error), "training sequence"),
        ((pred[:, ::-1], error), "not what the model answers"),
        ((pred, float(np.abs(pred - SEQ).max())), "old targets"),
        ((pred, error + 0.01), "is not that"),
    ]
    signed = float((pred - NEW).max())
    if signed < error:  # only a mistake when some error is negative
        cases.append(((pred, signed), "absolute value"))
    for answers, phrase in cases:
        fb = ch03.q6.check(trained, *answers)
        assert fb.outcome is Outcome.INCORRECT, (phrase, fb)
        assert phrase in fb.message


def test_q6_placeholder_and_garbage(trained):
    pred = trained.predict(NEW.reshape(1, 5, 1), verbose=0)
    assert ch03.q6.check(trained, pred, ____).outcome is Outcome.NOT_ATTEMPTED
    for args, phrase in [
        (("model", pred, 0.1), "Expected a Keras model"),
        ((trained, None, 0.1), "None"),
        ((trained, pred, "small"), "string"),
        ((trained, pred, [0.1, 0.2]), "one number"),
    ]:
        fb = ch03.q6.check(*args)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert phrase in fb.message
