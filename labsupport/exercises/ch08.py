"""Exercises for chapter 8, CNN + LSTM on MNIST quadrants.

Several wrong models fail while Keras builds them, so a learner never holds a model to hand
in. These exercises take the *function that builds the model*: the checker calls it, and when
Keras raises, :mod:`labsupport.diagnose` names the mistake and the fix (see
:mod:`labsupport.exercises.builders`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, exercise

PARAM_BUDGET = 100_000
"""Exercise 2's parameter budget."""


def _count(m: Any, layer_type: type) -> int:
    return len(expect.layers_of(m, layer_type))


_SOFTMAX_FIX = (
    "With sparse_categorical_crossentropy (the default from_logits=False) the outputs must be "
    "probabilities: Dense(10, activation='softmax')."
)


def _stated_numbers(m: Any) -> None:
    """Exercise 1's text fixes the layers: two Conv2D(32, 3) with ReLU, MaxPooling2D(2),
    LSTM(5) and a 10-way Dense (its softmax is checked by what the model outputs)."""
    import keras

    convs = expect.layers_of(m, keras.layers.Conv2D)
    if len(convs) != 2:
        raise Incorrect(
            f"Your model has {len(convs)} Conv2D layers; the question's model has two, "
            "Conv2D(32, 3) with ReLU, each wrapped in TimeDistributed."
        )
    for which, conv in zip(("first", "second"), convs, strict=True):
        if conv.filters != 32 or tuple(conv.kernel_size) != (3, 3):
            raise Incorrect(
                f"Your {which} convolution is Conv2D({conv.filters}, "
                f"{expect.fmt_shape(conv.kernel_size)}); the exercise asks for Conv2D(32, 3): "
                "32 filters of 3 × 3."
            )
        activation = expect.activation_after(m, conv)
        if activation != "relu":
            raise Incorrect(
                f"Your {which} convolution has no ReLU (its activation is {activation}); the "
                "exercise asks for two Conv2D(32, 3) with ReLU: "
                "layers.Conv2D(32, 3, activation='relu')."
            )
    pools = expect.layers_of(m, keras.layers.MaxPooling2D)
    if len(pools) != 1 or tuple(pools[0].pool_size) != (2, 2):
        sizes = ", ".join(expect.fmt_shape(p.pool_size) for p in pools) or "none"
        raise Incorrect(
            f"The exercise asks for one MaxPooling2D(2) after the convolutions; your model's "
            f"max pooling windows: {sizes}."
        )
    lstm = expect.layers_of(m, keras.layers.LSTM)[0]
    if lstm.units != 5:
        raise Incorrect(
            f"Your LSTM has {lstm.units} units; the exercise keeps the question's LSTM(5)."
        )


@exercise(
    "ch08.q1",
    answers=("build_wrapped",),
    hints=(
        "Every layer that works on one picture (Conv2D, MaxPooling2D, Flatten) must let the "
        "time axis pass through untouched. Which wrapper does that?",
        "Wrap each of them: layers.TimeDistributed(layers.Conv2D(32, 3, activation='relu')), "
        "... , layers.TimeDistributed(layers.Flatten()), then LSTM(5) and the Dense layers. "
        "No Reshape is needed.",
    ),
)
def q1(build: Any) -> str:
    """Fix the question's model: wrap the per-image layers so the time axis passes through."""
    import keras

    m = built_model(build, builder="build_wrapped", check="ch08.q1")
    in_shape = expect.input_shape(m)
    if in_shape[1:] != (4, 56, 14, 1):
        if in_shape[1:] == (4, 1, 56, 14):
            raise Incorrect(
                "Your input is channels first, (4, 1, 56, 14), as the question had it. Keras "
                "layers read the channel axis last unless each one is told otherwise "
                "(data_format='channels_last' is the default), and TensorFlow's CPU "
                "convolutions without oneDNN accept nothing else: use "
                "keras.Input((4, 56, 14, 1)), the layout of the height-stacked data (four "
                "orders one above the other)."
            )
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the height-stacked data is "
            "(None, 4, 56, 14, 1): 4 steps of 56 × 14 pictures with one channel."
        )
    n_convs = _count(m, keras.layers.Conv2D)
    if n_convs < 2:
        raise Incorrect(
            f"Your model has {n_convs} Conv2D layer(s); keep the question's two "
            "Conv2D(32, 3) layers, each wrapped in TimeDistributed."
        )
    if not _count(m, keras.layers.LSTM):
        raise Incorrect("Your model has no LSTM. Keep the question's LSTM(5) after the CNN.")
    for layer in m.layers:
        if isinstance(layer, keras.layers.Reshape):
            raise Incorrect(
                "Your model builds, but it still has a Reshape. With every per-image layer "
                "in TimeDistributed (Flatten included) the LSTM already gets (None, 4, "
                "features): drop the Reshape, it is where the question's size error came from."
            )
    out = expect.output_shape(m)
    if out != (None, 10):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; one probability per digit is "
            "(None, 10): the LSTM returns its last output only, then Dense(10, softmax)."
        )
    _stated_numbers(m)
    expect.behaves(
        m,
        probabilities="softmax",
        frames_apart=True,
        fixes={"output": f"The exercise asks for a 10-way softmax. {_SOFTMAX_FIX}"},
    )
    return (
        "It builds: TimeDistributed runs the CNN on each of the 4 steps with one set of "
        "weights, and the LSTM gets (None, 4, 4160)."
    )


@exercise(
    "ch08.q2",
    answers=("build_small",),
    hints=(
        "Start from keras.Input((4, 14, 14, 1)). Most parameters will sit in the LSTM: its "
        "count grows with the number of features each step hands it.",
        "Two TimeDistributed conv + pooling blocks shrink each quadrant to 3 × 3; Flatten "
        "(wrapped) then gives a few hundred features per step, so an LSTM(64) fits the budget.",
    ),
)
def q2(build: Any) -> str:
    """Build a quadrant CNN+LSTM: (None, 4, 14, 14, 1) in, (None, 10) out, <= 100,000 params."""
    import keras

    m = built_model(build, builder="build_small", check="ch08.q2")
    in_shape = expect.input_shape(m)
    if in_shape[1:] != (4, 14, 14, 1):
        if in_shape[1:] in ((14, 14, 4), (14, 14, 1), (28, 28, 1)):
            raise Incorrect(
                f"Your model reads {expect.fmt_shape(in_shape)}: that is not a sequence. "
                "The quadrants come as 4 steps of 14 × 14 × 1: keras.Input((4, 14, 14, 1))."
            )
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the quadrant sequences are "
            "(None, 4, 14, 14, 1)."
        )
    rnns = expect.layers_of(m, (keras.layers.LSTM, keras.layers.GRU))
    if not rnns:
        raise Incorrect(
            "Your model has no LSTM: the exercise is a CNN per quadrant, then an LSTM that "
            "reads the four feature vectors in order."
        )
    if not _count(m, keras.layers.Conv2D):
        raise Incorrect(
            "Your model has no Conv2D: put a small CNN, wrapped in TimeDistributed, before "
            "the LSTM."
        )
    out = expect.output_shape(m)
    if out == (None, 4, 10):
        raise Incorrect(
            "Your model outputs (None, 4, 10): one answer per quadrant. A digit needs one "
            "answer per image: leave the LSTM's return_sequences at False."
        )
    if out != (None, 10):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; it should give one probability per "
            "digit, (None, 10)."
        )
    expect.behaves(m, probabilities="softmax", frames_apart=True, fixes={"output": _SOFTMAX_FIX})
    total = m.count_params()
    if total > PARAM_BUDGET:
        lstm = rnns[0]
        share = lstm.count_params() / total
        raise Incorrect(
            f"Your model has {total:,} parameters, over the {PARAM_BUDGET:,} budget; the "
            f"recurrent layer holds {share:.0%} of them. Its size grows with the features per "
            "step: pool each quadrant down (MaxPooling2D, or GlobalAveragePooling2D) before "
            "Flatten, or use fewer units."
        )
    return (
        f"(None, 4, 14, 14, 1) -> (None, 10) with {total:,} parameters, within the "
        f"{PARAM_BUDGET:,} budget."
    )


Q3_SHAPE = (None, 4, 12, 12, 8)
Q3_PARAMS = 80


def _shape_answer(answer: Any) -> tuple:
    """A shape written as a tuple (or list) of whole numbers, with None for the batch."""
    if answer is None or isinstance(answer, (str, bytes)) or not isinstance(answer, (tuple, list)):
        raise Incorrect(
            f"conv_shape should be a tuple like (None, 4, 14, 14, 1); it is {answer!r}. Write "
            "the shape the way Keras prints it, with None for the batch axis."
        )
    shape = []
    for d in answer:
        if d is None:
            shape.append(None)
        elif isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise Incorrect(
                f"conv_shape holds {d!r}; every entry is a whole number or None, as Keras "
                "prints it."
            )
        else:
            shape.append(int(d))
    return tuple(shape)


@exercise(
    "ch08.q3",
    answers=("conv_shape", "conv_params"),
    hints=(
        "TimeDistributed hands the Conv2D one (14, 14, 1) quadrant at a time and stacks the "
        "results along the time axis. Without padding, how many positions does a 3 × 3 kernel "
        "have along 14 pixels? And does the wrapper make new weights for every step?",
        "Per quadrant: 14 - 3 + 1 = 12 positions per side and 8 filters, so (12, 12, 8); the "
        "wrapper puts back the batch and the 4 steps in front. A Conv2D has kernel height × "
        "width × input channels × filters weights, plus one bias per filter, and the wrapper "
        "uses that one set for all 4 steps.",
    ),
)
def q3(conv_shape: Any, conv_params: Any) -> str:
    """Predict the output shape and the parameters of TimeDistributed(Conv2D(8, 3))."""
    shape = _shape_answer(conv_shape)
    if shape != Q3_SHAPE:
        if shape == Q3_SHAPE[1:] or shape == (4, 12, 12, 8):
            raise Incorrect(
                f"{expect.fmt_shape(shape)} leaves out the batch axis. Keras prints it first, "
                "as None, because the batch size is not part of the model."
            )
        if shape == (None, 12, 12, 8):
            raise Incorrect(
                "(None, 12, 12, 8) has lost the time axis. TimeDistributed runs the Conv2D on "
                "each step and stacks the 4 results: the steps stay in the shape, second."
            )
        if len(shape) == 5 and shape[:2] == (None, 4) and shape[2:4] == (14, 14):
            raise Incorrect(
                f"{expect.fmt_shape(shape)} keeps 14 × 14, which needs padding='same'. This "
                "Conv2D has the default padding='valid': a 3 × 3 kernel fits 14 - 3 + 1 "
                "positions along each side."
            )
        if len(shape) == 5 and shape[:2] == (None, 4) and shape[2] == 8:
            raise Incorrect(
                f"{expect.fmt_shape(shape)} puts the filters first, channels first. Keras's "
                "default layout is channels last: height, width, then the 8 filters."
            )
        if len(shape) == 5 and shape[:2] == (None, 4) and shape[-1] != 8:
            raise Incorrect(
                f"{expect.fmt_shape(shape)} ends with {shape[-1]} channels; a Conv2D returns "
                "one channel per filter, and this one has 8 filters."
            )
        raise Incorrect(
            f"{expect.fmt_shape(shape)} is not it. Work out one quadrant first: (14, 14, 1) "
            "through Conv2D(8, 3) with padding='valid'; then put the batch (None) and the "
            "4 steps in front."
        )
    params = expect.whole_number(conv_params, "conv_params")
    if params == 4 * Q3_PARAMS:
        raise Incorrect(
            f"{params} counts a set of weights for each of the 4 steps. TimeDistributed wraps "
            "one Conv2D and uses the same weights for every step, so the steps do not "
            "multiply the count."
        )
    if params == Q3_PARAMS - 8:
        raise Incorrect(
            f"{params} counts the kernels only: each of the 8 filters also has a bias "
            "(use_bias=True is the default)."
        )
    if params in (3 * 3 * 4 * 8 + 8, 3 * 3 * 4 * 8):
        raise Incorrect(
            f"{params} reads the 4 as input channels. The 4 is the time axis, which the "
            "wrapper takes off; each quadrant has 1 channel."
        )
    if params != Q3_PARAMS:
        raise Incorrect(
            f"{params} is not it. A Conv2D holds kernel height × kernel width × input "
            "channels × filters weights, plus one bias per filter."
        )
    return (
        "Right: (None, 4, 12, 12, 8) and 80 parameters. The wrapper adds the time axis to "
        "the shape but nothing to the count: one 3 × 3 × 1 kernel and one bias per filter, "
        "shared by all 4 steps."
    )
