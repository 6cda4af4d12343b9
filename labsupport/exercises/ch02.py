"""Exercises for chapter 2, LSTM input, output and parameters."""

from __future__ import annotations

from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

Q1_UNITS, Q1_FEATURES, Q1_STEPS = 16, 8, 20

SOLUTION_Q1 = """
n_lstm = 4 * (16 * (8 + 16) + 16)  # 4 blocks × (units × (features + units) + units)
"""


@exercise(
    "ch02.q1",
    hints=(
        "The number of steps never enters the count: the same weights are used at every step.",
        "One block has units × (features + units) weights and units biases; an LSTM has four "
        "blocks: three gates (input, forget, output) and the cell candidate.",
    ),
    solution=SOLUTION_Q1,
)
def q1(answer: Any) -> str:
    """Predict the parameters of LSTM(16) reading 20 steps × 8 features."""
    n = expect.whole_number(answer, "n_lstm")
    units, features, steps = Q1_UNITS, Q1_FEATURES, Q1_STEPS
    right = shapes.lstm_params(features, units)
    if n == right:
        return f"{shapes.lstm_formula(features, units)}; the 20 steps play no part."
    if n in (right * steps, shapes.lstm_params(features * steps, units)):
        raise Incorrect(
            f"{n} grows with the 20 steps. An LSTM applies the same weights at every step, so "
            "the number of steps never enters the count."
        )
    expect.lstm_count(n, features, units)


SOLUTION_Q2 = """
per_step = keras.Sequential([
    keras.Input((5, 3)),                      # 5 steps × 3 features
    layers.LSTM(8, return_sequences=True),    # (None, 5, 8): one vector per step
    layers.Dense(1),                          # acts on the last axis: (None, 5, 1)
])
"""


@exercise(
    "ch02.q2",
    hints=(
        "An LSTM returns only its last step unless you ask for every step.",
        "LSTM(8, return_sequences=True) gives (None, 5, 8); a Dense layer then acts on the last "
        "axis.",
    ),
    solution=SOLUTION_Q2,
)
def q2(answer: Any) -> str:
    """Build a model that reads 5 steps × 3 features and outputs one value per step."""
    import keras

    m = expect.model(answer, "per_step")
    in_shape = expect.input_shape(m)
    if in_shape[1:] == (3, 5):
        raise Incorrect(
            "Your model reads (None, 3, 5): 3 steps of 5 features. Steps come first: "
            "keras.Input((5, 3))."
        )
    if len(in_shape) != 3 or in_shape[1:] != (5, 3):
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the data are 5 steps × 3 features, "
            "so keras.Input((5, 3))."
        )
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if not lstms:
        raise Incorrect("Your model has no LSTM layer. Put layers.LSTM(8, ...) after the input.")
    lstm = lstms[-1]
    if lstm.units != 8:
        raise Incorrect(f"Your LSTM has {lstm.units} units; this exercise asks for 8.")
    out = expect.output_shape(m)
    if not lstm.return_sequences:
        try:
            lstm_out = expect.fmt_shape(tuple(lstm.output.shape))
        except (AttributeError, ValueError):
            lstm_out = f"(None, {lstm.units})"
        raise Incorrect(
            f"Your LSTM returns {lstm_out}: one vector per sample, from the last step only, so "
            f"the model ends at {expect.fmt_shape(out)} with no time axis. Set "
            "return_sequences=True to get (None, 5, 8), one vector per step."
        )
    if out == (None, 5, 8):
        raise Incorrect(
            "Your model outputs (None, 5, 8): the LSTM's 8 values per step. Add a Dense(1) "
            "after it to turn them into one value per step."
        )
    if len(out) == 2:
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}: a Flatten or a second LSTM without "
            "return_sequences removed the time axis. Let the Dense layer act on the 3D output."
        )
    if out != (None, 5, 1):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; one value per step is (None, 5, 1): "
            "the last layer needs 1 unit."
        )
    return (
        f"(None, 5, 3) → (None, 5, 8) → (None, 5, 1); {m.count_params()} parameters, "
        f"{shapes.lstm_params(3, 8)} in the LSTM."
    )


SOLUTION_Q3 = """
n_second = 4 * (3 * (3 + 3) + 3)  # its features are the first LSTM's 3 units
"""


@exercise(
    "ch02.q3",
    hints=(
        "The second LSTM does not see the 4 input features: it reads what the first one returns.",
        "The first LSTM returns 3 values per step, so the second has features = 3.",
    ),
    solution=SOLUTION_Q3,
)
def q3(answer: Any) -> str:
    """Parameters of the second of two stacked LSTM(3) layers reading 4 features per step."""
    n = expect.whole_number(answer, "n_second")
    right = shapes.lstm_params(3, 3)
    if n == right:
        return f"{shapes.lstm_formula(3, 3)}: its input is the first LSTM's 3 values per step."
    if n == shapes.lstm_params(4, 3):
        raise Incorrect(
            f"{n} is the first LSTM's count, on the 4 input features. The second LSTM reads the "
            "first one's output: how many values per step is that?"
        )
    if n == shapes.lstm_params(4, 3) + right:
        raise Incorrect(f"{n} is both LSTMs together; the question asks for the second only.")
    if n == 3 * (3 + 3) + 3:
        raise Incorrect(f"{n} is one block; an LSTM has four (three gates and the cell candidate).")
    raise Incorrect(
        f"{n} is not it. Use 4 × (units × (features + units) + units), with the features the "
        "second LSTM actually receives."
    )
