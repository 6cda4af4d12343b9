"""Chapter 2 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch02


def seq(*stack, shape=(5, 3)):
    return keras.Sequential([keras.Input(shape), *stack])


def test_q1_solution_passes(run_solution):
    ns = run_solution(ch02.q1)
    assert ch02.q1.check(ns["n_lstm"]).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (1600 * 20, "20 steps"),  # multiplied by the steps
        (4 * (8 * (16 + 8) + 8), "swaps units and features"),
        (16 * (8 + 16) + 16, "one block"),
        (4 * 16 * (8 + 16), "biases"),
        (4 * (16 * 8 + 16), "recurrent weights"),
        (4 * (16 * (8 + 16) + 32), "two bias vectors"),
        (1234, "not it"),
    ],
)
def test_q1_real_mistakes(answer, phrase):
    fb = ch02.q1.check(answer)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_solution_passes(run_solution):
    ns = run_solution(ch02.q2)
    assert ch02.q2.check(ns["per_step"]).outcome is Outcome.CORRECT
    td = seq(layers.LSTM(8, return_sequences=True), layers.TimeDistributed(layers.Dense(1)))
    assert ch02.q2.check(td).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (lambda: seq(layers.LSTM(8), layers.Dense(1)), "return_sequences=True"),
        (lambda: seq(layers.LSTM(8), layers.Dense(5)), "returns (None, 8)"),
        (
            lambda: seq(layers.LSTM(8, return_sequences=True), layers.Dense(1), shape=(3, 5)),
            "Steps come first",
        ),
        (lambda: seq(layers.LSTM(8, return_sequences=True)), "Add a Dense(1)"),
        (lambda: seq(layers.LSTM(4, return_sequences=True), layers.Dense(1)), "4 units"),
        (lambda: seq(layers.LSTM(8, return_sequences=True), layers.Dense(3)), "1 unit"),
        (
            lambda: seq(layers.LSTM(8, return_sequences=True), layers.Flatten(), layers.Dense(5)),
            "time axis",
        ),
        (lambda: seq(layers.Dense(8), layers.Dense(1)), "no LSTM"),
    ],
)
def test_q2_real_mistakes(build, phrase):
    fb = ch02.q2.check(build())
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q3_solution_and_mistakes(run_solution):
    ns = run_solution(ch02.q3)
    assert ch02.q3.check(ns["n_second"]).outcome is Outcome.CORRECT
    for answer, phrase in [
        (96, "first LSTM"),
        (180, "both LSTMs"),
        (21, "one block"),
        (7, "not it"),
    ]:
        fb = ch02.q3.check(answer)
        assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


@pytest.mark.parametrize("q", [ch02.q1, ch02.q2, ch02.q3])
def test_placeholder_and_garbage(q):
    assert q.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "640", keras.Sequential([layers.LSTM(3)]), [[1.0, 2.0]]):
        fb = q.check(garbage)
        assert fb.outcome is Outcome.INCORRECT, (garbage, fb)
        assert fb.message


# --- Exercise 4: fix the NumPy step --------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step_with(*, order="ifco", act=np.tanh, squash=True, swap=False, bias=True):
    def step(x_t, h, c, W, U, b):
        z = x_t @ W + h @ U + (b if bias else 0)
        blocks = dict(zip(order, np.split(z, 4, axis=-1), strict=True))
        i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
        c = f * c + i * act(blocks["c"])
        h = o * (np.tanh(c) if squash else c)
        return (c, h) if swap else (h, c)

    return step


def test_q4_solution_passes_and_the_reference_is_keras(run_solution):
    ns = run_solution(ch02.q4, sigmoid=sigmoid)
    assert ch02.q4.check(ns["fixed_step"]).outcome is Outcome.CORRECT
    args, (h_keras, c_keras) = ch02._q4_case()
    h, c = ns["fixed_step"](*args)
    np.testing.assert_allclose(h, h_keras, atol=1e-5)
    np.testing.assert_allclose(c, c_keras, atol=1e-5)


@pytest.mark.parametrize(
    ("step", "phrase"),
    [
        (step_with(order="fico"), "order f, i, c, o"),  # the chapter's broken_step
        (step_with(order="icfo"), "order i, c, f, o"),  # TF1's LSTMCell order
        (step_with(order="ifoc"), "order i, f, o, c"),
        (step_with(act=sigmoid), "candidate uses a sigmoid"),
        (step_with(squash=False), "o × tanh(c)"),
        (step_with(swap=True), "return h, c"),
        (step_with(bias=False), "differs from Keras"),
        (lambda x_t, h, c, W, U, b: (h, c), "differs from Keras"),
        (lambda x_t, h, c, W, U, b: h, "two arrays"),
        (lambda x_t, h, c, W, U, b: (h[0], c[0]), "shapes"),
        (lambda x_t, h, c: (h, c), "raised TypeError"),
        (lambda x_t, h, c, W, U, b: (x_t @ U, c), "raised ValueError"),
    ],
)
def test_q4_real_mistakes(step, phrase):
    fb = ch02.q4.check(step)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q4_placeholder_and_garbage():
    assert ch02.q4.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "fixed_step", 3, np.zeros(3), keras.layers.LSTM):
        fb = ch02.q4.check(garbage)
        assert fb.outcome is Outcome.INCORRECT and "should be a function" in fb.message, fb


# ---- the chapter's text, read from the notebook --------------------------------------------
from .notebook_cells import chapter_cells  # noqa: E402

CHAPTER = "02_lstm_shapes_and_parameters"


def test_every_figure_has_alt_text():
    drawn = [c for c in chapter_cells(CHAPTER) if "draw." in c.source and c.kind == "code"]
    assert len(drawn) == 2  # the cell and the unrolled LSTMs
    for cell in drawn:
        assert len(cell.alt) > 80, f"cell {cell.id} draws a figure without alt text"


def test_only_some_recurrent_layers_read_three_axes():
    text = "\n".join(c.source for c in chapter_cells(CHAPTER) if c.kind == "markdown")
    assert "A recurrent layer reads three axes" not in text and "Recurrent layers read" not in text
    assert "ConvLSTM2D" in text


def test_the_source_is_named_with_a_link_before_the_first_check():
    cells = chapter_cells(CHAPTER)
    first_claim = next(i for i, c in enumerate(cells) if c.kind == "code" and "claim(" in c.source)
    before = "\n".join(c.source for c in cells[:first_claim] if c.kind == "markdown")
    assert "**the source**" in before and "](" in before


def test_platform_notes_stay_out_of_the_first_look():
    cells = chapter_cells(CHAPTER)
    section5 = next(i for i, c in enumerate(cells) if c.source.startswith("## 5."))
    early = "\n".join(c.source for c in cells[:section5])
    assert "TensorFloat" not in early and "precision_note" not in early
    notes = [c for c in cells if "TensorFloat" in c.source]
    assert len(notes) == 1 and len(notes[0].source.split()) < 80
