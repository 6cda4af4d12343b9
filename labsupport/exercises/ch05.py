"""Exercises for chapter 5, Dense on 3D input and weight sharing."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import numerics
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise


@exercise(
    "ch05.q1",
    answers=("n_dense", "out_shape"),
    hints=(
        "Dense reads only the last axis; the other axes are carried through unchanged.",
        "The weight matrix is (last-axis size × units), plus one bias per unit.",
    ),
)
def q1(n_params: Any, out_shape: Any) -> str:
    """Parameters and output shape of Dense(6) on input of shape (12, 4)."""
    n = expect.whole_number(n_params, "n_dense")
    if n in (12 * 4 * 6 + 6, 12 * 4 * 6):
        raise Incorrect(
            f"{n} counts a weight for each of the 12 × 4 input values, as if Dense flattened its "
            "input first. It does not: it acts on the last axis (4 values) only."
        )
    if n == 12 * (4 * 6 + 6):
        raise Incorrect(
            f"{n} gives each of the 12 rows its own weights. The rows share one weight matrix."
        )
    if n == 4 * 6:
        raise Incorrect(f"{n} leaves out the biases: one per unit.")
    if n != 30:
        raise Incorrect(f"{n} is not it: units × (size of the last axis) + units.")
    shape = expect.shape(out_shape, "out_shape")
    if shape == (None, 6):
        raise Incorrect(
            "(None, 6) would mean Dense flattened the 12 rows away. It keeps every axis but the "
            "last: write the rows axis too."
        )
    if shape == (12, 6):
        raise Incorrect("Keras shapes start with the batch axis, shown as None: add it in front.")
    if shape == (None, 12, 4):
        raise Incorrect("(None, 12, 4) is the input; Dense(6) replaces the last axis with 6.")
    if shape != (None, 12, 6):
        raise Incorrect(f"{shape} is not the output shape: keep all axes but the last.")
    return "30 parameters (6 × 4 + 6), output (None, 12, 6): one weight matrix, 12 rows."


@exercise(
    "ch05.q2",
    answers=("td", "plain"),
    hints=(
        "Wrap a Dense(4) in layers.TimeDistributed, on keras.Input((5, 3)).",
        "A new layer starts with random weights: copy them with set_weights(get_weights()).",
    ),
)
def q2(td: Any, plain: Any) -> str:
    """Build TimeDistributed(Dense(4)) on (5, 3) with plain's weights, so outputs match."""
    import keras

    m = expect.model(td, "td")
    ref = expect.model(plain, "plain")
    if ref is m:
        raise Incorrect(
            "You passed td twice. The check compares td with plain, the Dense(4) model of "
            "section 5: ch05.q2.check(td, plain)."
        )
    if any(isinstance(layer, keras.layers.TimeDistributed) for layer in expect.all_layers(ref)):
        raise Incorrect(
            "The second answer has a TimeDistributed layer, so it is not plain, the model of "
            "section 5 with a Dense(4) and no wrapper. Pass that one: ch05.q2.check(td, plain)."
        )
    if expect.input_shape(m) != (None, 5, 3):
        raise Incorrect(
            f"td reads {expect.fmt_shape(expect.input_shape(m))}; it must read what plain reads, "
            "(None, 5, 3): keras.Input((5, 3))."
        )
    wrapped = [
        layer
        for layer in m.layers
        if isinstance(layer, keras.layers.TimeDistributed)
        and isinstance(layer.layer, keras.layers.Dense)
    ]
    if not wrapped:
        raise Incorrect(
            "td has no TimeDistributed(Dense(...)) layer. The point is to compare the wrapper "
            "with plain Dense: use layers.TimeDistributed(layers.Dense(4))."
        )
    if expect.output_shape(m) != (None, 5, 4):
        raise Incorrect(
            f"td outputs {expect.fmt_shape(expect.output_shape(m))}; plain outputs (None, 5, 4). "
            "Give the wrapped Dense 4 units and add nothing after it."
        )
    if m.count_params() != ref.count_params():
        raise Incorrect(
            f"td has {m.count_params()} parameters and plain {ref.count_params()}; they should "
            "be equal. Look for an extra layer."
        )
    expect.behaves(ref, what="plain")
    expect.behaves(m, what="td")
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    got = keras.ops.convert_to_numpy(m(x))
    want = keras.ops.convert_to_numpy(ref(x))
    if not np.allclose(got, want, **numerics.tolerance()):  # wider on a TensorFloat-32 GPU
        raise Incorrect(
            "The shapes and counts agree but the outputs differ: td still has its own random "
            "weights. Copy plain's: td.layers[0].set_weights(plain.layers[0].get_weights())."
        )
    return (
        "Same 16 parameters, same outputs: on 3D input Dense already computes what "
        "TimeDistributed(Dense) computes."
    )


Q3_STEPS, Q3_FEATURES = 10, 8


def _mixing(m: Any) -> tuple[list[int], bool]:
    """The output steps that move when only step 7 of the input changes (index 6), and whether
    two steps holding the same features get the same score (the same weights at every step)."""
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, Q3_STEPS, Q3_FEATURES)).astype("float32")
    x[0, 2] = x[0, 7]  # two steps with the same features
    changed = x.copy()
    changed[0, 6] += 1.0
    before = keras.ops.convert_to_numpy(m(x, training=False))[0]
    after = keras.ops.convert_to_numpy(m(changed, training=False))[0]
    moved = [t for t in range(Q3_STEPS) if not np.allclose(before[t], after[t], atol=1e-6)]
    same = bool(np.allclose(before[2], before[7], atol=1e-5))
    return moved, same


@exercise(
    "ch05.q3",
    answers=("per_step_scores",),
    hints=(
        "The score of step t should be read from step t alone. Which layer in flat_scores lets "
        "every output see every step?",
        "Keep the input 3D and let Dense act on the last axis: Dense(1) gives (None, 10, 1), "
        "one score per step from the same 8 weights and a bias.",
    ),
)
def q3(answer: Any) -> str:
    """Fix flat_scores: one score per step of (10, 8) sequences, each from its own step."""
    import keras

    from labsupport.exercises.builders import built_model

    m = built_model(answer, builder="per_step_scores", check="ch05.q3")
    if expect.input_shape(m) != (None, Q3_STEPS, Q3_FEATURES):
        raise Incorrect(
            f"per_step_scores reads {expect.fmt_shape(expect.input_shape(m))}; the sequences are "
            "10 steps of 8 features: keras.Input((10, 8)). Change the layers, not the data."
        )
    flattens = expect.layers_of(m, keras.layers.Flatten)
    out = expect.output_shape(m)
    if out == (None, Q3_STEPS) and flattens:
        raise Incorrect(
            "Flatten turns each sequence into one vector of 80 values, so Dense(10) gives every "
            "one of its 10 outputs a weight for all 80: the first step's score reads the last "
            f"step too, and the layer has {m.count_params()} weights where one step needs 8 and "
            "a bias. Drop the Flatten and let Dense act on the last axis of the 3D input, with as "
            "many units as one step needs scores."
        )
    if out == (None, Q3_STEPS, Q3_STEPS):
        raise Incorrect(
            "Your model gives 10 numbers at each of the 10 steps, (None, 10, 10). One score per "
            "step is Dense(1): the 10 steps are carried through, the last axis becomes 1."
        )
    if out != (None, Q3_STEPS, 1):
        raise Incorrect(
            f"per_step_scores outputs {expect.fmt_shape(out)}; one score per step is (None, 10, 1)."
        )
    expect.behaves(m, what="per_step_scores")
    moved, same = _mixing(m)
    if moved != [6]:
        steps = ", ".join(str(t + 1) for t in moved if t != 6)
        raise Incorrect(
            f"The shape is right, but when only step 7 of the input changes, the scores of "
            f"step(s) {steps} change too: your model mixes the steps (a Flatten before a Reshape, "
            "a recurrent layer, a convolution over time). Each score must come from its own "
            "step: Dense on the 3D input does that."
        )
    if not same:
        raise Incorrect(
            "Two steps holding the same 8 features get different scores, so the steps do not "
            "share their weights. One Dense on the 3D input uses the same weights at every step."
        )
    n = m.count_params()
    return (
        f"{n} weights, the same at each of the 10 steps; each score reads its own step only "
        "(the check changed step 7 and only score 7 moved). flat_scores had 810 weights and "
        "let every score read every step."
    )
