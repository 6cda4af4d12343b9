"""Chapter 2b checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import pytest
from keras import layers

from labsupport import shapes
from labsupport.exercises import Outcome, ____, ch02b

from .notebook_cells import chapter_cells

CHAPTER = "02b_the_recurrent_family"

# --- Exercise 1: count a GRU ---------------------------------------------------------------


def test_q1_solution_passes_and_agrees_with_keras(run_solution):
    ns = run_solution(ch02b.q1)
    assert ch02b.q1.check(ns["n_gru"]).outcome is Outcome.CORRECT
    built = keras.Sequential([keras.Input((30, 6)), layers.GRU(12)])
    assert built.count_params() == ns["n_gru"]


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (720 * 30, "30 steps"),
        (3 * (12 * (6 + 12) + 12), "reset_after=False"),
        (4 * (12 * (6 + 12) + 12), "four blocks"),
        (3 * 12 * (6 + 12), "biases"),
        (12 * (6 + 12) + 2 * 12, "one block"),
        (3 * (6 * (12 + 6) + 2 * 6), "swaps units and features"),
        (1234, "not it"),
    ],
)
def test_q1_real_mistakes(answer, phrase):
    fb = ch02b.q1.check(answer)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q1_placeholder_and_garbage():
    assert ch02b.q1.check(____).outcome is Outcome.NOT_ATTEMPTED
    for garbage in (None, "720", keras.Sequential([layers.GRU(3)]), [[1.0, 2.0]], 720.5):
        fb = ch02b.q1.check(garbage)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (garbage, fb)


# --- Exercise 2: predict a Bidirectional GRU's shape and count ------------------------------


def test_q2_solution_passes_and_agrees_with_keras(run_solution):
    ns = run_solution(ch02b.q2)
    fb = ch02b.q2.check(ns["bi_shape"], ns["bi_params"])
    assert fb.outcome is Outcome.CORRECT, fb
    built = keras.Sequential(
        [
            keras.Input((20, 8)),
            layers.Bidirectional(layers.GRU(16, return_sequences=True), merge_mode="sum"),
        ]
    )
    assert tuple(built.outputs[0].shape) == ns["bi_shape"]
    assert built.count_params() == ns["bi_params"]


RIGHT_SHAPE = (None, 20, 16)
RIGHT_COUNT = 2 * 3 * (16 * (8 + 16) + 2 * 16)


@pytest.mark.parametrize(
    ("shape", "params", "phrase"),
    [
        ((None, 20, 32), RIGHT_COUNT, "merge_mode='concat'"),  # concat vs sum
        ((None, 16), RIGHT_COUNT, "no time axis"),
        ((20, 16), RIGHT_COUNT, "no batch axis"),
        ((None, 8, 16), RIGHT_COUNT, "not the output shape"),
        (RIGHT_SHAPE, 2 * 3 * (16 * (8 + 16) + 16), "reset_after=False"),
        (RIGHT_SHAPE, 3 * (16 * (8 + 16) + 2 * 16), "one GRU"),
        (RIGHT_SHAPE, 2 * 4 * (16 * (8 + 16) + 16), "four blocks"),  # forgot GRU is ×3, not ×4
        (RIGHT_SHAPE, 2 * 3 * 16 * (8 + 16), "biases"),  # forgot the biases
        (RIGHT_SHAPE, 2 * (16 * (8 + 16) + 2 * 16), "one block"),  # forgot ×3
        (RIGHT_SHAPE, 1234, "not it"),
        (RIGHT_SHAPE, None, "pass the count too"),
    ],
)
def test_q2_real_mistakes(shape, params, phrase):
    fb = ch02b.q2.check(shape, params)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q2_placeholder_and_garbage():
    assert ch02b.q2.check(____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch02b.q2.check(RIGHT_SHAPE, ____).outcome is Outcome.NOT_ATTEMPTED
    for shape, params in [
        (None, RIGHT_COUNT),
        ("(None, 20, 16)", RIGHT_COUNT),
        ((None, "20", 16), RIGHT_COUNT),
        ((None, 20.5, 16), RIGHT_COUNT),
        (RIGHT_SHAPE, "2496"),
        (RIGHT_SHAPE, [2496]),
        (keras.Sequential([layers.LSTM(3)]), RIGHT_COUNT),
    ]:
        fb = ch02b.q2.check(shape, params)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (shape, params, fb)
    fb = ch02b.q2.check(RIGHT_SHAPE)  # the count left out
    assert fb.outcome is Outcome.INCORRECT and "count" in fb.message


# --- Exercise 3: the hand-over's shapes and the decoder's count -----------------------------

STATE, DECODED, N_DECODER = (None, 16), (None, 4, 16), 4 * (16 * (3 + 16) + 16)


def test_q3_solution_passes_and_agrees_with_keras(run_solution):
    ns = run_solution(ch02b.q3)
    answers = ns["state_shape"], ns["decoded_shape"], ns["n_decoder"]
    assert ch02b.q3.check(*answers).outcome is Outcome.CORRECT
    source, target_so_far = keras.Input((12, 6)), keras.Input((4, 3))
    _, h, c = layers.LSTM(16, return_state=True)(source)
    decoder = layers.LSTM(16, return_sequences=True)
    decoded = decoder(target_so_far, initial_state=[h, c])
    assert tuple(h.shape) == tuple(c.shape) == ns["state_shape"]
    assert tuple(decoded.shape) == ns["decoded_shape"]
    assert decoder.count_params() == ns["n_decoder"]


@pytest.mark.parametrize(
    ("answers", "phrase"),
    [
        (((None, 12, 16), DECODED, N_DECODER), "has a time axis"),
        (((None, 4, 16), DECODED, N_DECODER), "has a time axis"),
        (((16,), DECODED, N_DECODER), "leaves out the batch axis"),
        (((None, 6), DECODED, N_DECODER), "width of an input"),
        ((STATE, (None, 12, 16), N_DECODER), "source's 12 steps"),
        ((STATE, (None, 16), N_DECODER), "no time axis"),
        ((STATE, (None, 4, 3), N_DECODER), "shape of target_so_far"),
        ((STATE, (4, 16), N_DECODER), "leaves out the batch axis"),
        ((STATE, DECODED, shapes.lstm_params(6, 16)), "source's 6 features"),
        ((STATE, DECODED, N_DECODER + shapes.lstm_params(6, 16)), "both LSTMs"),
        ((STATE, DECODED, N_DECODER + 2 * 16), "add no weights"),
        ((STATE, DECODED, 16 * (3 + 16) + 16), "one block"),
        ((STATE, DECODED, 1234), "not it"),
        (((None, 7), DECODED, N_DECODER), "not it"),
    ],
)
def test_q3_real_mistakes(answers, phrase):
    fb = ch02b.q3.check(*answers)
    assert fb.outcome is Outcome.INCORRECT and phrase in fb.message, fb


def test_q3_placeholder_and_garbage():
    assert ch02b.q3.check(____, ____, ____).outcome is Outcome.NOT_ATTEMPTED
    assert ch02b.q3.check(STATE, DECODED, ____).outcome is Outcome.NOT_ATTEMPTED
    for answers in [
        (None, DECODED, N_DECODER),
        ("(None, 16)", DECODED, N_DECODER),
        (STATE, (None, 4.5, 16), N_DECODER),
        (STATE, DECODED, "1280"),
        (STATE, DECODED, [1280]),
        (keras.Sequential([layers.LSTM(3)]), DECODED, N_DECODER),
    ]:
        fb = ch02b.q3.check(*answers)
        assert fb.outcome is Outcome.INCORRECT and fb.message, (answers, fb)
    fb = ch02b.q3.check(STATE)  # the other two left out
    assert fb.outcome is Outcome.INCORRECT and "decoded_shape" in fb.message


# ---- the chapter's text, read from the notebook --------------------------------------------


def _sections() -> dict[str, str]:
    """Each numbered section's text and code, by its heading."""
    found: dict[str, str] = {}
    heading = None
    for cell in chapter_cells(CHAPTER):
        first = cell.source.splitlines()[0] if cell.source else ""
        if cell.kind == "markdown" and first.startswith("## "):
            heading = first
        if heading:
            found[heading] = found.get(heading, "") + "\n" + cell.source
    return found


def test_each_section_explains_before_its_code():
    """One idea per section, and the words come before the cell that shows it."""
    for cell in chapter_cells(CHAPTER):
        if cell.kind == "markdown" and cell.source.startswith("## ") and cell.source[3].isdigit():
            assert len(cell.source.split()) > 15, f"{cell.id}: a heading with no explanation"


def test_the_hand_over_explains_the_second_input_before_the_model():
    sections = _sections()
    why = next(text for head, text in sections.items() if head.startswith("## 7."))
    assert "target so far" in why and "one step behind" in why and "teacher forcing" in why
    assert "keras.Model" not in why  # the model is built after the why
    build = next(text for head, text in sections.items() if head.startswith("## 8."))
    assert 'keras.Input((7, 5), name="target_so_far")' in build
    assert "initial_state=[state_h, state_c]" in build


def test_the_words_stay_a_learners_size():
    words = sum(len(c.source.split()) for c in chapter_cells(CHAPTER) if c.kind == "markdown")
    assert words < 3000, words
