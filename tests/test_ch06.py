"""Chapter 6 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch06


def head(*stack):
    return keras.Sequential([keras.Input((96, 96, 3)), *stack])


def test_q1_solution_and_mistakes(run_solution):
    ns = run_solution(ch06.q1)
    assert ch06.q1.check(ns["n_conv"]).outcome is Outcome.CORRECT
    for answer, phrase in [
        (1216 * 64 * 64, "grows with the 64 × 64"),
        (416, "colour channels"),
        (1200, "biases"),
        (76, "one filter"),
        (999, "not it"),
    ]:
        fb = ch06.q1.check(answer)
        assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch06.q2)
    fb = ch06.q2.check(ns["keypoints"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert ns["keypoints"].count_params() < ch06.Q2_LIMIT
    assert "keeps position" in fb.message


def _strided(*tail):
    return head(
        layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),
        layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),
        *tail,
    )


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        # The lean head of the old tutorials: small, size-independent, and blind to position.
        (
            lambda: head(
                layers.Conv2D(32, 3, activation="relu"),
                layers.GlobalAveragePooling2D(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "GlobalAveragePooling2D averages each channel over the whole image",
        ),
        (
            lambda: head(
                layers.Conv2D(32, 3, activation="relu"),
                layers.GlobalMaxPooling2D(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "takes the largest value",
        ),
        # Flatten straight after a full-size feature map: position kept, weights explode.
        (
            lambda: head(
                layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2))
            ),
            "94 × 94 × 8 feature map",
        ),
        # A pooling window as large as the map: no global pooling layer, still blind.
        (
            lambda: head(
                layers.Conv2D(8, 3, activation="relu"),
                layers.MaxPooling2D(94),
                layers.Flatten(),
                layers.Dense(20),
                layers.Reshape((10, 2)),
            ),
            "same face moved 32 pixels",
        ),
        (lambda: _strided(layers.Flatten(), layers.Dense(20)), "Reshape((10, 2))"),
        (
            lambda: _strided(layers.Flatten(), layers.Dense(10), layers.Reshape((5, 2))),
            "(None, 10, 2)",
        ),
        (
            lambda: head(layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2))),
            "no Conv2D",
        ),
        (lambda: keras.Sequential([keras.Input((96, 96, 1)), layers.Conv2D(8, 3)]), "3 channels"),
        (
            lambda: head(
                layers.Conv2D(64, 3, strides=4, padding="same"),
                layers.Conv2D(64, 3, strides=4, padding="same"),
                layers.Conv2D(2, 1),
                layers.Reshape((36, 2)),
            ),
            "fewer filters",
        ),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch06.q2.check(build())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_global_pooling_really_ignores_the_shift():
    """The advice says global pooling cannot see where the face is; check that it is so."""
    pooled = head(
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(20),
        layers.Reshape((10, 2)),
    )
    before, after = keras.ops.convert_to_numpy(pooled(ch06._face_and_moved()))
    np.testing.assert_allclose(before, after, atol=1e-5)
    keep = _strided(layers.Flatten(), layers.Dense(20), layers.Reshape((10, 2)))
    before, after = keras.ops.convert_to_numpy(keep(ch06._face_and_moved()))
    assert np.abs(after - before).max() > 1e-3


@pytest.mark.parametrize("q", [ch06.q1, ch06.q2])
def test_placeholder_and_garbage(q):
    assert q.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "1216", np.zeros((2, 2)), keras.Sequential([layers.Conv2D(3, 3)])):
        fb = q.check(garbage)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (garbage, fb)


# ------------------------------------------------------------------ q3: predict a conv and a pool


def test_q3_solution_passes(run_solution):
    ns = run_solution(ch06.q3)
    fb = ch06.q3.check(ns["pooled_shape"], ns["n_params"])
    assert fb.outcome is Outcome.CORRECT, fb


def test_q3_answer_is_what_keras_builds(run_solution):
    ns = run_solution(ch06.q3)
    model = keras.Sequential(
        [keras.Input((40, 40, 3)), layers.Conv2D(8, 5, strides=2), layers.MaxPooling2D(2)]
    )
    assert tuple(model.outputs[0].shape) == ns["pooled_shape"]
    assert model.count_params() == ns["n_params"]


@pytest.mark.parametrize(
    ("shape", "n", "phrase"),
    [
        ((None, 18, 18, 8), 608, "one of the two halvings"),
        ((None, 10, 10, 8), 608, "padding='same'"),
        ((9, 9, 8), 608, "batch axis"),
        ((None, 9, 9, 3), 608, "one channel per filter"),
        ((None, 8, 8, 8), 608, "Work side by side"),
        ((None, 9, 9, 8), 208, "3 colour channels"),
        ((None, 9, 9, 8), 600, "biases"),
        ((None, 9, 9, 8), 608 * 81, "grows with the feature map"),
        ((None, 9, 9, 8), 616, "pooling layer weights"),
        ((None, 9, 9, 8), 500, "not it"),
    ],
)
def test_q3_real_mistakes(shape, n, phrase):
    fb = ch06.q3.check(shape, n)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q3_placeholder_and_garbage():
    assert ch06.q3.check(____, 608).outcome is Outcome.NOT_ATTEMPTED
    for shape, n in ((None, 608), ("(None, 9, 9, 8)", 608), ((None, 9, 9, 8), "608")):
        fb = ch06.q3.check(shape, n)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (shape, n, fb)


# ------------------------------------------------------------------ q4: fix a model too small


def _digits(conv_kwargs=None, *, shape=(12, 12, 1), kernel=5, pools=2, top=None):
    def build():
        kw = conv_kwargs or {}
        stack = [keras.Input(shape)]
        for filters in (16, 32)[:pools]:
            stack += [layers.Conv2D(filters, kernel, activation="relu", **kw)]
            stack += [layers.MaxPooling2D(2)]
        stack += top if top is not None else [layers.Flatten(), layers.Dense(10)]
        return keras.Sequential(stack)

    return build


def test_q4_solution_passes(run_solution):
    ns = run_solution(ch06.q4)
    fb = ch06.q4.check(ns["small_digits"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "12 → 12 → 6 → 6 → 3" in fb.message


def test_q4_accepts_a_smaller_kernel():
    fb = ch06.q4.check(_digits(kernel=3))
    assert fb.outcome is Outcome.CORRECT, fb


@pytest.mark.parametrize(
    ("builder", "phrase"),
    [
        (_digits(), "4 × 4 map with a 5 × 5 kernel"),  # the chapter's broken model
        (_digits(kernel=4), 'padding="same"'),
        (_digits({"padding": "same"}, shape=(28, 28, 1)), "Fix the layers, not the data"),
        (_digits(pools=1), "keep both of each"),
        (_digits({"padding": "same"}, top=[layers.Flatten()]), "(None, 10)"),
    ],
)
def test_q4_real_mistakes(builder, phrase):
    fb = ch06.q4.check(builder)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q4_too_small_pool_is_named():
    def pooled_away():
        return keras.Sequential(
            [
                keras.Input((12, 12, 1)),
                layers.Conv2D(16, 5),
                layers.MaxPooling2D(2),
                layers.Conv2D(32, 3),
                layers.MaxPooling2D(4),
                layers.Flatten(),
                layers.Dense(10),
            ]
        )

    fb = ch06.q4.check(pooled_away)
    assert fb.outcome is Outcome.INCORRECT and "pooling window" in fb.message, fb


def test_q4_placeholder_and_garbage():
    assert ch06.q4.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "small_digits", lambda: None, layers.Conv2D(8, 3)):
        fb = ch06.q4.check(answer)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (answer, fb)


def test_relu_is_defined_before_the_first_cell_that_uses_it():
    from .notebook_cells import chapter_cells

    cells = chapter_cells("06_convolutions_and_input_size")
    first_use = next(i for i, c in enumerate(cells) if c.kind == "code" and "relu" in c.source)
    said = "\n".join(c.source for c in cells[:first_use] if c.kind == "markdown")
    assert "**ReLU**" in said
