"""Exercises for chapter 11, video: a CNN per frame, or ConvLSTM2D."""

from __future__ import annotations

from typing import Any

from labsupport.exercises import builders, expect
from labsupport.exercises.core import Incorrect, exercise

FRAMES, SIDE = 6, 28


@exercise(
    "ch11.q1",
    answers=("td_shape",),
    hints=(
        "TimeDistributed keeps the batch and frame axes and applies the CNN to each frame.",
        "Follow one 28 × 28 frame: a 3 × 3 convolution without padding takes 2 off each side "
        "length, pooling halves it (rounding down); Flatten multiplies what is left.",
    ),
)
def q1(answer: Any) -> str:
    """The output shape of TimeDistributed(frame CNN) on clips (6, 28, 28, 1)."""
    shape = expect.shape(answer, "td_shape")
    if not shape or shape[0] is not None:
        raise Incorrect(
            f"{expect.fmt_shape(shape) if shape else '()'} leaves out the batch axis. Keras "
            "shapes start with it, shown as None: (None, 6, ...)."
        )
    shape = shape[1:]
    if None in shape:
        raise Incorrect(f"Every axis after the batch is a whole number; got {tuple(answer)}.")
    if shape == (FRAMES, 400):
        return "(None, 6, 400): the frame axis passes through, each frame becomes 400 numbers."
    if shape == (400,) or shape == (FRAMES * 400,):
        raise Incorrect(
            f"{tuple(answer)} lost the frame axis. TimeDistributed gives one output per frame, so "
            "the shape keeps the 6: (None, 6, ...)."
        )
    if len(shape) == 4 and shape[0] == FRAMES:
        raise Incorrect(
            f"{tuple(answer)} stops before Flatten: the frame CNN ends with Flatten, so each "
            "frame becomes one vector."
        )
    if len(shape) == 2 and shape[0] == FRAMES and shape[1] in (6 * 6 * 16, 7 * 7 * 16, 576):
        raise Incorrect(
            f"{shape[1]} is close: count the side length again. A 3 × 3 convolution without "
            "padding takes 2 off (28 → 26), pooling halves (→ 13), again (→ 11, → 5)."
        )
    if len(shape) == 2 and shape[0] == FRAMES:
        raise Incorrect(
            f"The frame axis is right; {shape[1]} values per frame is not. After the second "
            "pooling each frame is 5 × 5 with 16 channels."
        )
    raise Incorrect(f"{tuple(answer)} is not it: (batch, frames, values per frame).")


@exercise(
    "ch11.q2",
    answers=("n_convlstm",),
    hints=(
        "ConvLSTM2D is an LSTM whose products are convolutions: four blocks (three gates and "
        "the candidate), as in an LSTM.",
        "Each block's kernel is 3 × 3 over the input's channels and the state's 16 channels, "
        "for each of 16 filters, plus 16 biases.",
    ),
)
def q2(answer: Any) -> str:
    """Parameters of ConvLSTM2D(16, 3) on frames of 28 × 28 × 1."""
    n = expect.whole_number(answer, "n_convlstm")
    k, c, f = 9, 1, 16
    right = 4 * (k * (c + f) * f + f)
    if n == right:
        return "4 × (3 × 3 × (1 + 16) × 16 + 16) = 9,856, at any frame size and any clip length."
    named = {
        k * (c + f) * f + f: (
            "is one block; an LSTM has four: the input, forget and output gates and the candidate."
        ),
        4 * (k * c * f + f): (
            "leaves out the recurrent kernel: each block also convolves the previous state, "
            "which has 16 channels, so each filter sees 1 + 16 channels."
        ),
        4 * k * (c + f) * f: "leaves out the biases: 16 per block.",
        k * c * f + f: "is a Conv2D(16, 3) on one channel, not a ConvLSTM2D.",
        4 * (k * (c + f) * f + f) * SIDE * SIDE: (
            "grows with the frame size; a kernel's weights are shared by every position."
        ),
    }
    if n in named:
        raise Incorrect(f"{n:,} {named[n]}")
    raise Incorrect(f"{n:,} is not it: 4 × (kh × kw × (channels + filters) × filters + filters).")


def _order_blind(m: Any) -> str | None:
    """The name of a layer that averages or flattens the frames away before any recurrence."""
    for layer in m.layers:
        kind = type(getattr(layer, "layer", layer)).__name__
        if kind in ("LSTM", "GRU", "SimpleRNN", "ConvLSTM2D", "RNN", "Bidirectional"):
            return None
        if kind.startswith("Global") and "1D" in kind:
            return kind
        if kind == "Flatten" and type(layer).__name__ != "TimeDistributed":
            return "Flatten"
    return None


@exercise(
    "ch11.q3",
    answers=("build_direction_model",),
    hints=(
        "Read the error: which layer met a 5D input it does not take?",
        "Conv2D, MaxPooling2D and Flatten work on one picture; wrap each in TimeDistributed so "
        "they run on every frame, and let the LSTM read the frames in order.",
    ),
)
def q3(answer: Any) -> str:
    """Fix build_direction_model() so it reads clips (6, 28, 28, 1) and names the direction."""
    m = builders.built_model(answer, builder="build_direction_model", check="ch11.q3")
    shape = expect.input_shape(m)
    if shape[1:] != (FRAMES, SIDE, SIDE, 1):
        if shape[1:] == (SIDE, SIDE, FRAMES):
            raise Incorrect(
                "Your model stacks the 6 frames as channels of one picture. That can work, but "
                "this exercise is about reading the frames as a sequence: keep the input "
                "(6, 28, 28, 1) and wrap the per-frame layers in TimeDistributed."
            )
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(shape)}; the clips are (None, 6, 28, 28, 1)."
        )
    blind = _order_blind(m)
    if blind:
        raise Incorrect(
            f"{blind} removes the frame axis before anything reads the frames in order, so the "
            "model cannot tell left from right. Keep the frames apart (TimeDistributed(Flatten)) "
            "and give them to an LSTM."
        )
    if not expect.layers_of(m, _recurrent_types()):
        raise Incorrect("Your model has no recurrent layer to read the frames in order: add LSTM.")
    out = expect.output_shape(m)
    if out[1:] != (4,):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; there are 4 directions, so the last "
            "layer is Dense(4, softmax) and the output (None, 4)."
        )
    expect.behaves(
        m,
        probabilities="softmax",
        frames_apart=True,
        order_matters=True,
        fixes={
            "output": "The last layer should be Dense(4, activation='softmax'): one "
            "probability per direction.",
        },
    )
    return "Each frame goes through the same small CNN; the LSTM reads the 6 results in order."


def _recurrent_types() -> tuple[type, ...]:
    from keras import layers

    return (layers.LSTM, layers.GRU, layers.SimpleRNN, layers.ConvLSTM2D, layers.RNN)
