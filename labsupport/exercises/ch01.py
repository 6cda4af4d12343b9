"""Exercises for chapter 1, the one-to-one echo."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import shapes
from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

SOLUTION_Q1 = """
x_121 = seq.reshape(5, 1, 1)  # 5 samples, 1 step each, 1 feature per step
y_121 = seq.reshape(5, 1)     # one target value per sample
"""


@exercise(
    "ch01.q1",
    hints=(
        "An LSTM reads 3D input: (samples, steps, features). In the one-to-one framing every "
        "value is a sample of its own, and each sample is one step of one feature.",
        "Use seq.reshape(...) twice: x needs three numbers in its shape, y needs two.",
    ),
    solution=SOLUTION_Q1,
)
def q1(x: Any, y: Any) -> str:
    """Shape the echo sequence for the one-to-one framing: x of (5, 1, 1), y of (5, 1)."""
    x = expect.array(x, "x")
    y = expect.array(y, "y")
    seq = echo_sequence(5)
    if x.ndim == 2:
        raise Incorrect(
            f"x has shape {x.shape}, which is 2D. An LSTM reads 3D input "
            "(samples, steps, features): add the features axis, e.g. seq.reshape(5, 1, 1)."
        )
    if x.ndim != 3:
        raise Incorrect(
            f"x has {x.ndim} dimension(s), shape {x.shape}; an LSTM reads 3D input "
            "(samples, steps, features)."
        )
    if x.shape == (1, 5, 1):
        raise Incorrect(
            "x has shape (1, 5, 1): one sample of five steps. That is the many-to-one and "
            "many-to-many framing. Here every value is its own sample with one step: (5, 1, 1)."
        )
    if x.shape != (5, 1, 1):
        raise Incorrect(
            f"x has shape {x.shape}; the one-to-one framing needs 5 samples × 1 step × 1 feature."
        )
    if not np.allclose(x.ravel(), seq):
        raise Incorrect(
            "x has the right shape but its values are not 0.0, 0.2, 0.4, 0.6, 0.8 in that order. "
            "Reshape the sequence; do not sort, scale or shuffle it."
        )
    if y.ndim == 3:
        raise Incorrect(
            f"y has shape {y.shape}. The model ends in Dense(1) on a 2D LSTM output, so it "
            "predicts (samples, 1): make y 2D, seq.reshape(5, 1)."
        )
    if y.shape == (5,):
        raise Incorrect(
            "y has shape (5,). Keras would accept it, but the model's output is (5, 1) and "
            "matching the shapes exactly avoids silent broadcasting: seq.reshape(5, 1)."
        )
    if y.shape != (5, 1):
        raise Incorrect(f"y has shape {y.shape}; one target per sample is (5, 1).")
    if not np.allclose(y.ravel(), seq):
        raise Incorrect(
            "y has the right shape but not the right values. In an echo, the target is the "
            "input itself: y holds the same numbers as x."
        )
    return "x is (5, 1, 1) and y is (5, 1): five samples, each one step of one feature."


SOLUTION_Q2 = """
model_121 = keras.Sequential([
    keras.Input((1, 1)),  # (steps, features); the batch axis is left out
    layers.LSTM(5),
    layers.Dense(1),
])
"""


@exercise(
    "ch01.q2",
    hints=(
        "keras.Input takes the shape of one sample, without the batch axis: (steps, features).",
        "The model is keras.Input((1, 1)), then an LSTM with 5 units, then a Dense layer with "
        "one unit.",
    ),
    solution=SOLUTION_Q2,
)
def q2(answer: Any) -> str:
    """Build the one-to-one model: LSTM(5) then Dense(1), on samples of 1 step × 1 feature."""
    m = expect.model(answer)
    lstm = expect.lstm_layer(m, "layers.LSTM(5)")
    in_shape = expect.sequence_input(m, "(1, 1)")
    if in_shape[1:] == (5, 1):
        raise Incorrect(
            "Your model expects (None, 5, 1): samples of 5 steps. In the one-to-one framing each "
            "sample is a single step, so use keras.Input((1, 1))."
        )
    if in_shape[1:] != (1, 1):
        raise Incorrect(
            f"Your model expects {expect.fmt_shape(in_shape)}; one-to-one samples are 1 step of "
            "1 feature: keras.Input((1, 1))."
        )
    if lstm.units != 5:
        raise Incorrect(
            f"Your LSTM has {lstm.units} units and {lstm.count_params()} parameters; "
            "this exercise uses 5 units."
        )
    if lstm.return_sequences:
        raise Incorrect(
            "Your LSTM returns sequences, so its output keeps a time axis. One value per sample "
            "needs the last output only: leave return_sequences at its default, False."
        )
    out = expect.output_shape(m)
    if out != (None, 1):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; each sample needs one value back, "
            "(None, 1): end with layers.Dense(1)."
        )
    total = m.count_params()
    if total != 146:
        raise Incorrect(
            f"Your model has {total} parameters; LSTM(5) then Dense(1) on one feature has 146. "
            "Look for an extra layer."
        )
    return "140 parameters in the LSTM and 6 in the Dense layer: the model of the chapter."


SOLUTION_Q3 = """
n_params = 4 * (5 * (1 + 5) + 5)
"""


@exercise(
    "ch01.q3",
    hints=(
        "An LSTM has three gates (input, forget, output) and a cell candidate: four blocks of "
        "weights of the same shape. Each block has a weight for every (input value, unit) pair, "
        "a weight for every (previous hidden value, unit) pair, and a bias per unit.",
        "For one block: units × (features + units) + units. Then multiply by the four blocks.",
    ),
    solution=SOLUTION_Q3,
)
def q3(answer: Any) -> str:
    """Work out by hand how many parameters LSTM(5) has on input with 1 feature."""
    n = expect.whole_number(answer, "n_params")
    units, features = 5, 1
    right = shapes.lstm_params(features, units)
    if n == right:
        return f"{shapes.lstm_formula(features, units)}."
    expect.lstm_count(n, features, units)
