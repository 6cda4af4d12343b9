"""Exercises for chapter 3, the many-to-one echo."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import shapes
from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

SOLUTION_Q1 = """
x_m2o = seq.reshape(1, 5, 1)  # 1 sample, 5 steps, 1 feature per step
y_m2o = seq.reshape(1, 5)     # 1 sample, one flat vector of 5 targets
"""


@exercise(
    "ch03.q1",
    hints=(
        "Now the whole sequence is one sample. x is still (samples, steps, features); y is what "
        "Dense(5) gives back for each sample: (samples, 5).",
        "Use seq.reshape(...) twice: x needs three numbers in its shape, y two.",
    ),
    solution=SOLUTION_Q1,
)
def q1(x: Any, y: Any) -> str:
    """Shape the echo sequence for many-to-one: x of (1, 5, 1), y of (1, 5)."""
    x = expect.array(x, "x")
    y = expect.array(y, "y")
    seq = echo_sequence(5)
    if x.shape == (5, 1, 1):
        raise Incorrect(
            "x has shape (5, 1, 1): five samples of one step each. That is the one-to-one "
            "framing of chapter 1. Here the LSTM must read the whole sequence as one sample "
            "of five steps."
        )
    if x.shape == (1, 1, 5):
        raise Incorrect(
            "x has shape (1, 1, 5): one step with five features, so the LSTM would see all "
            "five numbers at once and never step through time. Put the five values on the "
            "steps axis, with one feature per step."
        )
    if x.ndim == 2:
        raise Incorrect(
            f"x has shape {x.shape}, which is 2D. An LSTM reads 3D input "
            "(samples, steps, features): add the features axis at the end."
        )
    if x.shape != (1, 5, 1):
        raise Incorrect(f"x has shape {x.shape}; many-to-one reads 1 sample × 5 steps × 1 feature.")
    if not np.allclose(x.ravel(), seq):
        raise Incorrect(
            "x has the right shape but its values are not 0.0, 0.2, 0.4, 0.6, 0.8 in that order. "
            "Reshape the sequence; do not sort, scale or shuffle it."
        )
    if y.shape == (1, 5, 1):
        raise Incorrect(
            "y has shape (1, 5, 1), one target per step. That is the many-to-many framing of "
            "chapter 4. Here the LSTM hands Dense(5) one vector and Dense(5) answers with one "
            "flat vector of 5 values per sample: make y 2D."
        )
    if y.shape == (5,):
        raise Incorrect(
            "y has shape (5,): it has lost the samples axis. The model outputs "
            "(samples, 5), so y needs one row per sample."
        )
    if y.shape == (5, 1):
        raise Incorrect(
            "y has shape (5, 1): five samples with one target each, but x holds one sample. "
            "The single sample's target is one row of five values."
        )
    if y.shape != (1, 5):
        raise Incorrect(f"y has shape {y.shape}; one sample with 5 targets is (1, 5).")
    if not np.allclose(y.ravel(), seq):
        raise Incorrect(
            "y has the right shape but not the right values. In an echo, the target is the "
            "input itself: y holds the same numbers as x, in the same order."
        )
    return "x is (1, 5, 1) and y is (1, 5): one sample of five steps, one vector of five targets."


SOLUTION_Q2 = """
n_dense = 5 * 5 + 5  # a weight per (LSTM unit, output) pair, plus a bias per output
"""


@exercise(
    "ch03.q2",
    hints=(
        "Dense(5) reads the LSTM's output, which has as many values as the LSTM has units. "
        "Each of the 5 outputs has its own weight for every value it reads, plus a bias.",
        "units × inputs + units, with 5 inputs (the LSTM's units) and 5 units (the outputs).",
    ),
    solution=SOLUTION_Q2,
)
def q2(answer: Any) -> str:
    """Work out by hand how many parameters Dense(5) has after LSTM(5)."""
    n = expect.whole_number(answer, "n_dense")
    right = shapes.dense_params(inputs=5, units=5)
    if n == right:
        return (
            "5 × 5 + 5 = 30: each of the 5 output positions has its own 5 weights and its own "
            "bias. No output weight is shared between positions."
        )
    if n == 6:
        raise Incorrect(
            "6 is the count of Dense(1), the one-to-one model's output layer. Dense(5) has five "
            "output units, each with its own weights and bias."
        )
    if n == 25:
        raise Incorrect("25 counts the weights but leaves out the biases: one per output unit.")
    if n == 5:
        raise Incorrect("5 is the biases alone; add a weight for every (input, output) pair.")
    if n == 10:
        raise Incorrect(
            "10 is what Dense(5) would have if it read a single value (5 × 1 + 5), or inputs "
            "plus outputs added. The Dense layer reads the LSTM's output, one value per LSTM "
            "unit, and every output unit has a weight for each of them: multiply, then add "
            "the biases."
        )
    if n == 140:
        raise Incorrect("140 is the LSTM's count. The question asks about the Dense(5) after it.")
    if n == 170:
        raise Incorrect(
            "170 is the whole model, LSTM included. Count the Dense(5) layer on its own."
        )
    if n == 26:
        raise Incorrect("Each of the 5 output units has a bias of its own, not one shared bias.")
    raise Incorrect(
        f"{n} is not it. Dense(5) reads the 5 values the LSTM outputs: count one weight per "
        "(input, output) pair, then one bias per output."
    )


SOLUTION_Q3 = """
model_m2o = keras.Sequential([
    keras.Input((5, 1)),  # one sample is 5 steps of 1 feature
    layers.LSTM(5),       # the last step's output only: (None, 5)
    layers.Dense(5),      # one value per position of the sequence
])
"""


@exercise(
    "ch03.q3",
    hints=(
        "The input is one sample of 5 steps × 1 feature; the output is one vector of 5 values "
        "per sample.",
        "keras.Input((5, 1)), then an LSTM with 5 units that returns only its last output, then "
        "a Dense layer with as many units as the sequence has values.",
    ),
    solution=SOLUTION_Q3,
)
def q3(answer: Any) -> str:
    """Build the many-to-one model: LSTM(5) then Dense(5), reading 5 steps of 1 feature."""
    m = expect.model(answer)
    lstm = expect.lstm_layer(m, "layers.LSTM(5)")
    in_shape = expect.sequence_input(m, "(steps, features)")
    if in_shape[1:] == (1, 1):
        raise Incorrect(
            "Your model expects (None, 1, 1): one step per sample, the one-to-one framing. "
            "Here a sample is the whole sequence: 5 steps of 1 feature."
        )
    if in_shape[1:] == (1, 5):
        raise Incorrect(
            "Your model expects (None, 1, 5): one step with 5 features. Swap them: 5 steps "
            "of 1 feature, so the LSTM reads the values one after another."
        )
    if in_shape[1:] != (5, 1) and in_shape[1:] != (None, 1):
        raise Incorrect(
            f"Your model expects {expect.fmt_shape(in_shape)}; a sample here is 5 steps of "
            "1 feature."
        )
    if lstm.units != 5:
        raise Incorrect(
            f"Your LSTM has {lstm.units} units and {lstm.count_params()} parameters; "
            "this exercise uses 5 units."
        )
    if lstm.return_sequences:
        raise Incorrect(
            "Your LSTM returns sequences, so the Dense layer gets one vector per step and the "
            "model outputs a value per step and unit. Many-to-one keeps only the LSTM's last "
            "output: leave return_sequences at its default, False."
        )
    out = expect.output_shape(m)
    if out == (None, 1):
        raise Incorrect(
            "Your model outputs (None, 1): a single value. Many-to-one must give back the whole "
            "sequence as one vector, so the Dense layer needs one unit per value in the sequence."
        )
    if out != (None, 5):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; each sample needs one vector of "
            "5 values, (None, 5)."
        )
    total = m.count_params()
    if total != 170:
        raise Incorrect(
            f"Your model has {total} parameters; LSTM(5) then Dense(5) has 140 + 30 = 170. "
            "Look for an extra layer."
        )
    return "140 parameters in the LSTM and 30 in Dense(5): the model of the chapter."
