"""Exercises for chapter 1, the one-to-one echo."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import shapes
from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, exercise


@exercise(
    "ch01.q1",
    answers=("x_121", "y_121"),
    hints=(
        "An LSTM reads 3D input: (samples, steps, features). In the one-to-one framing every "
        "value is a sample of its own, and each sample is one step of one feature.",
        "Use seq.reshape(...) twice: x needs three numbers in its shape, y needs two.",
    ),
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


@exercise(
    "ch01.q2",
    answers=("model_121",),
    hints=(
        "keras.Input takes the shape of one sample, without the batch axis: (steps, features).",
        "The model is keras.Input((1, 1)), then an LSTM with 5 units, then a Dense layer with "
        "one unit.",
    ),
)
def q2(answer: Any) -> str:
    """Build the one-to-one model: LSTM(5) then Dense(1), on samples of 1 step × 1 feature."""
    return _one_to_one(expect.model(answer))


def _one_to_one(m: Any) -> str:
    """Check that ``m`` is the chapter's one-to-one model; the note for a right answer."""
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
    expect.behaves(
        m,
        targets=echo_sequence(5).reshape(5, 1),
        fixes={
            "output": "The echo's targets are plain numbers: end with layers.Dense(1), without "
            "an activation."
        },
    )
    return "140 parameters in the LSTM and 6 in the Dense layer: the model of the chapter."


@exercise(
    "ch01.q3",
    answers=("n_params",),
    hints=(
        "An LSTM has three gates (input, forget, output) and a cell candidate: four blocks of "
        "weights of the same shape. Each block has a weight for every (input value, unit) pair, "
        "a weight for every (previous hidden value, unit) pair, and a bias per unit.",
        "For one block: units × (features + units) + units. Then multiply by the four blocks.",
    ),
)
def q3(answer: Any) -> str:
    """Work out by hand how many parameters LSTM(5) has on input with 1 feature."""
    n = expect.whole_number(answer, "n_params")
    units, features = 5, 1
    right = shapes.lstm_params(features, units)
    if n == right:
        return f"{shapes.lstm_formula(features, units)}."
    expect.lstm_count(n, features, units)


@exercise(
    "ch01.q4",
    answers=("predicted_shape", "predicted_params"),
    hints=(
        "return_sequences=True keeps the time axis: the LSTM outputs (batch, steps, units). "
        "Dense acts on the last axis only.",
        "Steps: 1. The LSTM's weights do not depend on return_sequences, and Dense(1) still "
        "reads 5 values per step.",
    ),
)
def q4(shape: Any, params: Any) -> str:
    """Predict the output shape and parameter count of LSTM(5, return_sequences=True) → Dense(1)."""
    got = expect.shape(shape, "predicted_shape")
    n = expect.whole_number(params, "predicted_params")
    if got == (None, 1):
        raise Incorrect(
            "(None, 1) is the chapter's model, without return_sequences. With "
            "return_sequences=True the LSTM keeps the time axis, (None, steps, 5), and Dense "
            "keeps it too."
        )
    if got == (1, 1, 1):
        raise Incorrect(
            "Keras writes the batch axis as None: the model takes any number of samples. "
            "Put None first."
        )
    if got == (None, 1, 5):
        raise Incorrect(
            "(None, 1, 5) is the LSTM's output. Dense(1) then replaces its last axis, the "
            "5 units, by its own single unit."
        )
    if got == (None, 5, 1):
        raise Incorrect(
            "Each sample here is 1 step (keras.Input((1, 1))), so the time axis has length 1, "
            "not 5. The 5 is the number of units."
        )
    if got != (None, 1, 1):
        raise Incorrect(
            f"{expect.fmt_shape(got)} is not it. Write the LSTM's output first, "
            "(None, steps, units), then let Dense(1) replace the last axis."
        )
    if n == 140:
        raise Incorrect("140 is the LSTM alone; add the Dense(1) after it.")
    if n == 150:
        raise Incorrect(
            "150 gives Dense a weight per unit and per step. Dense reads the last axis only: "
            "5 inputs and 1 unit, the same 6 numbers at every step."
        )
    if n != 146:
        raise Incorrect(
            f"The shape is right, the count is not: {n}. The LSTM's weights do not depend "
            "on return_sequences, and Dense(1) reads 5 values, one per unit."
        )
    return (
        "(None, 1, 1) and 146: return_sequences=True keeps the time axis and changes no "
        "weight. Run the next cell to see Keras agree."
    )


@exercise(
    "ch01.q5",
    answers=("build_121",),
    hints=(
        "Read the error: the LSTM expected ndim=3, (batch, steps, features), and got 2.",
        "keras.Input takes one sample's shape without the batch axis. For an LSTM that is two "
        "numbers, (steps, features): one step of one feature.",
    ),
)
def q5(build: Any) -> str:
    """Fix the builder whose Input((1,)) the LSTM refuses; the check calls your function."""
    try:
        m = built_model(build, builder="build_121", check="ch01.q5", accept_model=False)
    except Incorrect as wrong:
        if "2D tensor reached the recurrent layer" not in str(wrong):
            raise
        raise Incorrect(
            "Keras still refuses to build the model: the LSTM gets 2D input, (None, 1). An "
            "LSTM reads (batch, steps, features), so keras.Input takes two numbers, "
            "(steps, features): here one step of one feature."
        ) from None
    return _one_to_one(m)


@exercise(
    "ch01.q6",
    answers=("model", "echo_mid", "echo_far", "far_echoed"),
    hints=(
        "The model reads (samples, steps, features): two probes are two samples of one step.",
        "np.array([0.5, 1.6]).reshape(2, 1, 1), then model.predict; compare the second answer "
        "with 1.6.",
    ),
)
def q6(model: Any, mid: Any, far: Any, far_echoed: Any) -> str:
    """Ask the trained model to echo 0.5 and 1.6; does it echo 1.6 to within 0.05?"""
    m = expect.model(model, "the model")
    expect.behaves(m, what="The model", reads_input=False)
    from keras import ops

    want = ops.convert_to_numpy(m(np.array([0.5, 1.6], "float32").reshape(2, 1, 1))).ravel()
    mid = expect.number(mid, "echo_mid")
    far = expect.number(far, "echo_far")
    right = np.isclose(mid, want[0], atol=1e-3) and np.isclose(far, want[1], atol=1e-3)
    if not right and np.isclose(mid, want[1], atol=1e-3) and np.isclose(far, want[0], atol=1e-3):
        raise Incorrect("echo_mid and echo_far are swapped: the first probe is 0.5.")
    if not np.isclose(mid, want[0], atol=1e-3):
        raise Incorrect(
            f"echo_mid is {mid:.3f}, not what this model answers for 0.5. Feed it the value "
            "0.5 shaped as one sample of one step, (1, 1, 1), and read its prediction."
        )
    if not np.isclose(far, want[1], atol=1e-3):
        raise Incorrect(
            f"echo_far is {far:.3f}, not what this model answers for 1.6. Feed 1.6 as a "
            "sample of one step and read the model's prediction, not the input."
        )
    if not isinstance(far_echoed, (bool, np.bool_)):
        raise Incorrect(f"far_echoed should be True or False; it is {far_echoed!r}.")
    really = bool(abs(far - 1.6) < 0.05)
    if bool(far_echoed) != really:
        raise Incorrect(
            f"The model answers {far:.3f} for 1.6, {abs(far - 1.6):.3f} away: "
            f"far_echoed should be {really}."
        )
    why = (
        "It never saw a value above 0.8, and nothing makes a network carry on a pattern "
        "beyond its training data."
        if not really
        else "It carried the pattern on beyond the largest value it saw, 0.8."
    )
    return f"0.5 → {mid:.3f} and 1.6 → {far:.3f}. {why}"
