"""Exercises for chapter 3, the many-to-one echo."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import shapes
from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, exercise


@exercise(
    "ch03.q1",
    answers=("x_m2o", "y_m2o"),
    hints=(
        "Now the whole sequence is one sample. x is still (samples, steps, features); y is what "
        "Dense(5) gives back for each sample: (samples, 5).",
        "Use seq.reshape(...) twice: x needs three numbers in its shape, y two.",
    ),
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


@exercise(
    "ch03.q2",
    answers=("n_dense",),
    hints=(
        "Dense(5) reads the LSTM's output, which has as many values as the LSTM has units. "
        "Each of the 5 outputs has its own weight for every value it reads, plus a bias.",
        "units × inputs + units, with 5 inputs (the LSTM's units) and 5 units (the outputs).",
    ),
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


@exercise(
    "ch03.q3",
    answers=("model_m2o",),
    hints=(
        "The input is one sample of 5 steps × 1 feature; the output is one vector of 5 values "
        "per sample.",
        "keras.Input((5, 1)), then an LSTM with 5 units that returns only its last output, then "
        "a Dense layer with as many units as the sequence has values.",
    ),
)
def q3(answer: Any) -> str:
    """Build the many-to-one model: LSTM(5) then Dense(5), reading 5 steps of 1 feature."""
    return _many_to_one(expect.model(answer))


def _many_to_one(m: Any) -> str:
    """Check that ``m`` is the chapter's many-to-one model; the note for a right answer."""
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
    expect.behaves(
        m,
        targets=echo_sequence(5).reshape(1, 5),
        fixes={
            "output": "The echo's targets are plain numbers: end with layers.Dense(5), without "
            "an activation."
        },
    )
    return "140 parameters in the LSTM and 30 in Dense(5): the model of the chapter."


@exercise(
    "ch03.q4",
    answers=("predicted_shape", "predicted_params"),
    hints=(
        "Without return_sequences the LSTM hands on one vector of `units` values, however "
        "many steps it read.",
        "The LSTM's count depends on features and units only, and Dense(5) reads 5 values.",
    ),
)
def q4(shape: Any, params: Any) -> str:
    """Predict the output shape and parameter count of LSTM(5) → Dense(5) on 8 steps."""
    got = expect.shape(shape, "predicted_shape")
    n = expect.whole_number(params, "predicted_params")
    if got == (None, 8):
        raise Incorrect(
            "(None, 8) gives one value per step read. The LSTM hands Dense a single vector "
            "of 5 values, one per unit, and Dense(5) answers with 5 values, whatever the length."
        )
    if len(got) == 3:
        raise Incorrect(
            f"{expect.fmt_shape(got)} keeps a time axis. Without return_sequences the LSTM "
            "reports only after its last step: the time axis is gone."
        )
    if got == (1, 5):
        raise Incorrect("Keras writes the batch axis as None: any number of samples.")
    if got != (None, 5):
        raise Incorrect(f"{expect.fmt_shape(got)} is not it; what does Dense(5) give back?")
    if n == shapes.lstm_params(8, 5) + 30:
        raise Incorrect(
            f"{n} counts the 8 steps as 8 features. An LSTM's weights see one step at a "
            "time, (features + units) inputs per unit; the number of steps never enters."
        )
    if n in (140, 30):
        raise Incorrect(f"{n} is one layer's count; the question asks for the whole model.")
    if n != 170:
        raise Incorrect(
            f"The shape is right; {n} is not the count. Count the LSTM (1 feature, 5 units) "
            "and the Dense(5) after it as in the chapter."
        )
    return (
        "(None, 5) and 170, exactly the chapter's model: the steps change neither the "
        "output's length nor any count. Run the next cell to see Keras agree."
    )


@exercise(
    "ch03.q5",
    answers=("build_m2o",),
    hints=(
        "Compare the model's output shape with the targets' shape, (1, 5).",
        "The whole sequence comes back as one vector: the Dense layer needs one unit per "
        "value of the sequence.",
    ),
)
def q5(build: Any) -> str:
    """Fix the builder whose model answers one number; the check calls your function."""
    m = built_model(build, builder="build_m2o", check="ch03.q5", accept_model=False)
    return _many_to_one(m)


def _predict(m: Any, values: list[float]) -> np.ndarray:
    from keras import ops

    return ops.convert_to_numpy(m(np.array(values, "float32").reshape(1, 5, 1)))


@exercise(
    "ch03.q6",
    answers=("model", "pred_new", "largest_new_error"),
    hints=(
        "Shape the new sequence like x: one sample of 5 steps of 1 feature.",
        "pred_new = model.predict(x_new, verbose=0); the error compares it with the new "
        "sequence, not with y.",
    ),
)
def q6(model: Any, pred: Any, largest: Any) -> str:
    """Ask the trained model to echo 0.1, 0.3, …, 0.9; how far off is it?"""
    m = expect.model(model, "the model")
    expect.behaves(m, what="The model", reads_input=False)
    new = [0.1, 0.3, 0.5, 0.7, 0.9]
    want = _predict(m, new)
    old = _predict(m, [0.0, 0.2, 0.4, 0.6, 0.8])
    pred = expect.array(pred, "pred_new")
    if pred.shape == (5, 5):
        raise Incorrect(
            "pred_new has shape (5, 5): five answers, one per sample. You fed five samples "
            "of one step; shape x_new as one sample of five steps, (1, 5, 1)."
        )
    if pred.shape != (1, 5):
        raise Incorrect(f"pred_new has shape {pred.shape}; the model answers (1, 5).")
    if np.allclose(pred, old, atol=1e-4) and not np.allclose(want, old, atol=1e-4):
        raise Incorrect(
            "pred_new is the model's answer for the training sequence x. Ask it about the "
            "new one: 0.1, 0.3, 0.5, 0.7, 0.9."
        )
    if not np.allclose(pred, want, atol=1e-4):
        raise Incorrect(
            "pred_new is not what the model answers for 0.1, 0.3, 0.5, 0.7, 0.9 in that "
            "order, shaped (1, 5, 1)."
        )
    error = expect.number(largest, "largest_new_error")
    true_error = float(np.abs(want - np.array(new)).max())
    if np.isclose(error, float(np.abs(want - np.array(new) + 0.1).max()), atol=1e-4):
        raise Incorrect(
            "largest_new_error compares the answers with the old targets, 0.0 to 0.8. "
            "The echo of the new sequence is the new sequence itself."
        )
    signed = float((want - np.array(new)).max())
    if np.isclose(error, signed, atol=1e-4) and not np.isclose(error, true_error, atol=1e-4):
        raise Incorrect("Take the absolute value of each error before the largest: np.abs.")
    if not np.isclose(error, true_error, atol=1e-4):
        raise Incorrect(
            f"largest_new_error is {error:.4f}; the largest absolute difference between "
            "pred_new and the new sequence is not that."
        )
    from_trained = float(np.abs(want - np.array([0.0, 0.2, 0.4, 0.6, 0.8])).max())
    closer = "the new sequence" if true_error < from_trained else "the one it was trained on"
    if true_error < 0.05:
        verdict = (
            "so it echoes the new sequence to within 0.05, although its training, one sequence "
            "only, never asked it to follow the input."
        )
    else:
        verdict = (
            "so it does not echo it to within 0.05: its training, one sequence only, never "
            "asked it to follow the input."
        )
    return (
        f"The answer is {true_error:.3f} at most from the new sequence and {from_trained:.3f} "
        f"from the one it was trained on (closer to {closer}), {verdict}"
    )
