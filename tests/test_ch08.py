"""Chapter 8 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch08

WIDE = (4, 56, 14, 1)
QUAD = (4, 14, 14, 1)


def td(layer):
    return layers.TimeDistributed(layer)


def build(shape, make):
    """A builder, as the learner writes it: fresh layers every call."""
    return lambda: keras.Sequential([keras.Input(shape), *make()])


def convs():
    return [
        td(layers.Conv2D(32, 3, activation="relu")),
        td(layers.Conv2D(32, 3, activation="relu")),
        td(layers.MaxPooling2D(2)),
    ]


def head():
    return [layers.LSTM(5), layers.Dense(10, activation="softmax")]


def _outcome(ex, *answers):
    fb = ex.check(*answers)
    assert fb.outcome is not Outcome.COULD_NOT_CHECK, fb
    return fb


# ------------------------------------------------------------------ q1: wrap the per-image layers


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch08.q1)
    fb = ch08.q1.check(ns["build_wrapped"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "4160" in fb.message


def test_q1_accepts_a_built_model(run_solution):
    ns = run_solution(ch08.q1)
    assert ch08.q1.check(ns["build_wrapped"]()).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        # Conv2D straight on the 5D sequence
        (
            lambda: [
                layers.Conv2D(32, 3),
                layers.Conv2D(32, 3),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                *head(),
            ],
            "TimeDistributed(layers.Conv2D",
        ),
        # convs wrapped, but a plain Flatten merges the time axis away
        (lambda: [*convs(), layers.Flatten(), *head()], "2D tensor reached"),
        # a Reshape with the wrong total size
        (lambda: [*convs(), layers.Reshape((4, 1000)), *head()], "wrong total size"),
        # Flatten forgotten: the LSTM gets the 5D feature maps
        (lambda: [*convs(), *head()], "TimeDistributed(Flatten())"),
        # a correct Reshape still left in
        (lambda: [*convs(), layers.Reshape((4, -1)), *head()], "drop the Reshape"),
        # one value out instead of ten
        (lambda: [*convs(), td(layers.Flatten()), layers.LSTM(5), layers.Dense(1)], "(None, 10)"),
    ],
)
def test_q1_mistakes(make, phrase):
    fb = _outcome(ch08.q1, build(WIDE, make))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q1_flatten_then_lstm_on_single_pictures():
    """The question's 2D-into-LSTM attempt: pictures, not sequences, then Flatten into the LSTM."""
    make = lambda: [layers.Conv2D(32, 3), layers.Flatten(), *head()]  # noqa: E731
    fb = _outcome(ch08.q1, build((56, 14, 1), make))
    assert fb.outcome is Outcome.INCORRECT
    assert "expected ndim=3" not in fb.message  # advice, not the raw error
    assert "2D tensor reached the recurrent layer" in fb.message


def test_q1_channels_first():
    make = lambda: [td(layers.Flatten()), *head()]  # noqa: E731
    fb = _outcome(ch08.q1, build((4, 1, 56, 14), make))
    assert fb.outcome is Outcome.INCORRECT
    assert "channels first" in fb.message and "keras.Input((4, 56, 14, 1))" in fb.message
    assert "oneDNN" in fb.message  # channels first runs with oneDNN; the advice says where not


def test_q1_builder_mistakes():
    def forgot_return():
        build(WIDE, lambda: [*convs(), td(layers.Flatten()), *head()])()

    def takes_argument(shape):
        return build(shape, lambda: [*convs(), td(layers.Flatten()), *head()])()

    assert "returned None" in _outcome(ch08.q1, forgot_return).message
    assert "no arguments" in _outcome(ch08.q1, takes_argument).message
    called = _outcome(ch08.q1, None)
    assert called.outcome is Outcome.INCORRECT and "without calling it" in called.message


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "build_wrapped",
        np.zeros((2, 4, 56, 14, 1)),
        keras.Sequential([layers.Dense(3)]),
        42,
        keras.Sequential,
    ],
)
def test_q1_garbage(garbage):
    fb = _outcome(ch08.q1, garbage)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert fb.message


def test_q1_placeholder():
    assert ch08.q1.check(____).outcome is Outcome.NOT_ATTEMPTED


# ------------------------------------------------------------------ q2: a model to a budget


def small_cnn(pool=True):
    out = [td(layers.Conv2D(16, 3, padding="same", activation="relu"))]
    if pool:
        out.append(td(layers.MaxPooling2D(2)))
    out.append(td(layers.Conv2D(32, 3, padding="same", activation="relu")))
    if pool:
        out.append(td(layers.MaxPooling2D(2)))
    return [*out, td(layers.Flatten())]


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch08.q2)
    fb = ch08.q2.check(ns["build_small"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "95,818" in fb.message


def test_q2_accepts_the_chapter_model():
    from labsupport import models

    fb = ch08.q2.check(lambda: models.quadrant_cnn_lstm(filters=(16, 32), lstm_units=64))
    assert fb.outcome is Outcome.CORRECT, fb


def _written_out_fold():
    """The chapter's written-out fold (section 4), defined from the notebook's own cell."""
    import json
    from pathlib import Path

    notebook = Path(__file__).parents[1] / "notebooks" / "08_cnn_lstm_mnist_quadrants.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    (source,) = [
        "".join(c["source"]) for c in cells if "def folded_cnn_lstm(" in "".join(c["source"])
    ]
    ns = {"keras": keras, "layers": layers, "ops": keras.ops}
    exec(source.split("\nwritten = ")[0], ns)  # the definition only, not the summary
    return ns["folded_cnn_lstm"]


def test_q2_accepts_the_written_out_fold():
    fb = ch08.q2.check(_written_out_fold())
    assert fb.outcome is Outcome.CORRECT, fb


def test_the_written_out_fold_saves_and_loads_in_safe_mode(tmp_path):
    # keras.ops.reshape on the model's tensors, not Lambda layers: load_model needs no
    # safe_mode=False
    model = _written_out_fold()()
    assert not any(isinstance(op, layers.Lambda) for op in model.operations)
    model.save(tmp_path / "folded.keras")
    loaded = keras.models.load_model(tmp_path / "folded.keras")
    x = np.random.default_rng(0).random((3, *QUAD), dtype="float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-6
    )


@pytest.mark.parametrize(
    ("shape", "make", "phrase"),
    [
        # no pooling: 6,272 features per step make the LSTM huge
        (
            QUAD,
            lambda: [*small_cnn(pool=False), layers.LSTM(64), layers.Dense(10, "softmax")],
            "over the 100,000 budget",
        ),
        # one answer per quadrant
        (
            QUAD,
            lambda: [
                *small_cnn(),
                layers.LSTM(64, return_sequences=True),
                layers.Dense(10, "softmax"),
            ],
            "return_sequences",
        ),
        # no LSTM at all
        (QUAD, lambda: [*small_cnn(), layers.Flatten(), layers.Dense(10, "softmax")], "no LSTM"),
        # logits instead of probabilities
        (QUAD, lambda: [*small_cnn(), layers.LSTM(64), layers.Dense(10)], "softmax"),
        # the whole image, not a sequence
        (
            (28, 28, 1),
            lambda: [layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(10, "softmax")],
            "not a sequence",
        ),
        # Conv2D on the 5D sequence, unwrapped
        (
            QUAD,
            lambda: [layers.Conv2D(16, 3), layers.Flatten(), layers.LSTM(64)],
            "TimeDistributed",
        ),
    ],
)
def test_q2_mistakes(shape, make, phrase):
    fb = _outcome(ch08.q2, build(shape, make))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


@pytest.mark.parametrize(
    "garbage", [None, "model", np.zeros(3), keras.Sequential([layers.LSTM(3)])]
)
def test_q2_garbage(garbage):
    fb = _outcome(ch08.q2, garbage)
    assert fb.outcome is Outcome.INCORRECT, fb


def test_q2_placeholder():
    assert ch08.q2.check(____).outcome is Outcome.NOT_ATTEMPTED


# ------------------------------------------------------------------ q3: predict shape and count


def test_q3_solution_passes_and_matches_keras(run_solution):
    ns = run_solution(ch08.q3)
    fb = ch08.q3.check(ns["conv_shape"], ns["conv_params"])
    assert fb.outcome is Outcome.CORRECT, fb
    # the expected answer is what Keras itself reports
    model = keras.Sequential([keras.Input(QUAD), td(layers.Conv2D(8, 3))])
    assert tuple(model.outputs[0].shape) == ns["conv_shape"]
    assert model.count_params() == ns["conv_params"]


def test_q3_accepts_a_list_and_float_count():
    assert ch08.q3.check([None, 4, 12, 12, 8], 80.0).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        ((None, 4, 12, 12, 8), 320, "same weights for every step"),
        ((None, 4, 12, 12, 8), 72, "bias"),
        ((None, 4, 12, 12, 8), 296, "time axis, which the"),
        ((None, 4, 12, 12, 8), 81, "plus one bias per filter"),
        ((None, 12, 12, 8), 80, "lost the time axis"),
        ((None, 4, 14, 14, 8), 80, "padding='same'"),
        ((4, 12, 12, 8), 80, "batch axis"),
        ((None, 4, 8, 12, 12), 80, "channels first"),
        ((None, 4, 12, 12, 1), 80, "one channel per filter"),
        ((None, 4, 13, 13, 8), 80, "padding='valid'"),
    ],
)
def test_q3_mistakes_get_their_message(shape, params, phrase):
    fb = _outcome(ch08.q3, shape, params)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q3_placeholder_is_not_attempted():
    assert ch08.q3.check(____, 80).outcome is Outcome.NOT_ATTEMPTED
    assert ch08.q3.check((None, 4, 12, 12, 8), ____).outcome is Outcome.NOT_ATTEMPTED


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        (None, 80, "tuple like"),
        ("(None, 4, 12, 12, 8)", 80, "tuple like"),
        ((None, "4", 12, 12, 8), 80, "whole number or None"),
        ((None, 4, 12, 12, 8), None, "whole number"),
        ((None, 4, 12, 12, 8), "80", "whole number"),
        ((None, 4, 12, 12, 8), 80.5, "whole number"),
    ],
)
def test_q3_garbage_gets_a_clear_message(shape, params, phrase):
    fb = _outcome(ch08.q3, shape, params)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message
