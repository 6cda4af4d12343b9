"""Chapter 5 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch05


def plain_model():
    return keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch05.q1)
    assert ch05.q1.check(ns["n_dense"], ns["out_shape"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("n", "shape", "phrase"),
    [
        (12 * 4 * 6 + 6, (None, 12, 6), "flattened"),
        (12 * 30, (None, 12, 6), "share one weight matrix"),
        (24, (None, 12, 6), "biases"),
        (30, (None, 6), "flattened the 12 rows away"),
        (30, (12, 6), "batch axis"),
        (30, (None, 12, 4), "is the input"),
        (30, "(None, 12, 6)", "should be a tuple"),
    ],
)
def test_q1_real_mistakes(n, shape, phrase):
    fb = ch05.q1.check(n, shape)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_solution_passes(run_solution):
    plain = plain_model()
    ns = run_solution(ch05.q2, plain=plain)
    assert ch05.q2.check(ns["td"], plain).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (
            lambda: keras.Sequential(
                [keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))]
            ),
            "own random",
        ),
        (lambda: keras.Sequential([keras.Input((5, 3)), layers.Dense(4)]), "no TimeDistributed"),
        (
            lambda: keras.Sequential(
                [keras.Input((3, 5)), layers.TimeDistributed(layers.Dense(4))]
            ),
            "keras.Input((5, 3))",
        ),
        (
            lambda: keras.Sequential(
                [keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(2))]
            ),
            "4 units",
        ),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch05.q2.check(build(), plain_model())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_placeholder_and_garbage():
    assert ch05.q1.check(____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch05.q1.check(30, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch05.q2.check(____, plain_model()).outcome is Outcome.NOT_ATTEMPTED
    for n in (None, "30", np.zeros(3)):
        fb = ch05.q1.check(n, (None, 12, 6))
        assert fb.outcome is Outcome.INCORRECT and fb.message, fb
    for td in (None, "td", np.zeros((5, 3)), keras.Sequential([layers.Dense(4)])):
        fb = ch05.q2.check(td, plain_model())
        assert fb.outcome is Outcome.INCORRECT and fb.message, (td, fb)


# ------------------------------------------------------------------ q3: fix a flattening model


def _seq(*stack, shape=(10, 8)):
    return lambda: keras.Sequential([keras.Input(shape), *stack])


def test_q3_solution_passes(run_solution):
    ns = run_solution(ch05.q3)
    fb = ch05.q3.check(ns["per_step_scores"])
    assert fb.outcome is Outcome.CORRECT, fb
    assert "9 weights" in fb.message


def test_q3_accepts_the_wrapper_and_a_deeper_per_step_head():
    wrapped = _seq(layers.TimeDistributed(layers.Dense(1)))
    deeper = _seq(layers.Dense(16, activation="relu"), layers.Dense(1))
    for builder in (wrapped, deeper):
        fb = ch05.q3.check(builder)
        assert fb.outcome is Outcome.CORRECT, fb


@pytest.mark.parametrize(
    ("builder", "phrase"),
    [
        # The model the chapter shows: flattened, then one output per step.
        (_seq(layers.Flatten(), layers.Dense(10)), "Drop the Flatten"),
        # Reshaped back after flattening: the shape is right, the steps are still mixed.
        (_seq(layers.Flatten(), layers.Dense(10), layers.Reshape((10, 1))), "mixes the steps"),
        # A recurrent layer: later scores read earlier steps.
        (_seq(layers.LSTM(1, return_sequences=True)), "mixes the steps"),
        (_seq(layers.Dense(10)), "Dense(1)"),
        (_seq(layers.Dense(1), shape=(8, 10)), "keras.Input((10, 8))"),
        (_seq(layers.Flatten(), layers.Dense(1)), "one score per step is (None, 10, 1)"),
        # Different weights per step: a locally connected map built from Permute and Dense.
        (
            _seq(layers.Permute((2, 1)), layers.Dense(10), layers.Permute((2, 1)), layers.Dense(1)),
            "mixes the steps",
        ),
    ],
)
def test_q3_real_mistakes(builder, phrase):
    fb = ch05.q3.check(builder)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


def test_q3_unshared_weights_are_named():
    class PerStep(keras.layers.Layer):
        """A Dense(1) with its own weights at every step."""

        def build(self, input_shape):
            self.w = self.add_weight(shape=(10, 8), initializer="random_normal")

        def call(self, x):
            return keras.ops.sum(x * self.w, axis=-1, keepdims=True)

        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], 1)

    fb = ch05.q3.check(_seq(PerStep()))
    assert fb.outcome is Outcome.INCORRECT and "share their weights" in fb.message, fb


def test_q3_placeholder_and_garbage():
    assert ch05.q3.check(____).outcome is Outcome.NOT_ATTEMPTED
    for answer in (None, "per_step_scores", lambda: None, keras.Sequential):
        fb = ch05.q3.check(answer)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (answer, fb)


# ---- the chapter's text, read from the notebook --------------------------------------------
from .notebook_cells import chapter_cells  # noqa: E402

CHAPTER = "05_dense_on_3d_input"


def test_every_figure_has_alt_text():
    cells = chapter_cells(CHAPTER)
    drawn = [
        c
        for c in cells
        if c.kind == "code" and ("plotting.shared_weights(" in c.source or "wrappers." in c.source)
    ]
    assert len(drawn) == 2  # the shared weight matrix and TimeDistributed
    for cell in drawn:
        assert len(cell.alt) > 80, f"cell {cell.id} draws a figure without alt text"


def test_numbers_are_numbers_and_the_source_is_named():
    cells = chapter_cells(CHAPTER)
    text = "\n".join(c.source for c in cells if c.kind == "markdown")
    assert "figures come from" not in text.lower()
    first_claim = next(i for i, c in enumerate(cells) if c.kind == "code" and "claim(" in c.source)
    before = "\n".join(c.source for c in cells[:first_claim] if c.kind == "markdown")
    assert "**the source**" in before and "](" in before


def test_no_convolution_before_chapter_6_introduces_it():
    """Chapter 5 teaches with the layers chapters 1 to 5 introduce; it only points at Conv2D."""
    cells = chapter_cells(CHAPTER)
    assert not [c.id for c in cells if c.kind == "code" and "Conv" in c.source]
    for cell in cells:
        if cell.kind == "markdown" and "Conv2D" in cell.source:
            assert "06_convolutions_and_input_size" in cell.source or "chapter 6" in cell.source
