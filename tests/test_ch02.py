"""Chapter 2 checkers: the reference solutions pass; real mistakes get their own advice."""

import keras
import pytest
from keras import layers

from labsupport.exercises import Outcome, ____, ch02
from tests.conftest import run_solution


def seq(*stack, shape=(5, 3)):
    return keras.Sequential([keras.Input(shape), *stack])


def test_q1_solution_passes():
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


def test_q2_solution_passes():
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


def test_q3_solution_and_mistakes():
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
