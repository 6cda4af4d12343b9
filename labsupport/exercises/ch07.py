"""Exercises for chapter 7, one CNN applied to every image of a sequence."""

from __future__ import annotations

import re
from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

STEPS, SIDE, FILTERS, KERNEL, UNITS = 5, 16, 8, 3, 16
CONV_PARAMS = shapes.conv2d_params(1, FILTERS, KERNEL)  # 80
FEATURES = (SIDE - KERNEL + 1) ** 2 * FILTERS  # 14 × 14 × 8 = 1568
LSTM_PARAMS = shapes.lstm_params(FEATURES, UNITS)  # 101,440
TOTAL = CONV_PARAMS + LSTM_PARAMS  # 101,520

SOLUTION_Q1 = """
def make_clip_model():
    return keras.Sequential([
        keras.Input((5, 16, 16, 1)),                  # (steps, height, width, channels)
        layers.TimeDistributed(layers.Conv2D(8, 3)),  # one conv, applied to each of the 5 frames
        layers.TimeDistributed(layers.Flatten()),     # (None, 5, 1568): time axis kept
        layers.LSTM(16),
    ])
"""

_CONV_5D = (
    "Conv2D reads 4D input (batch, height, width, channels); your input is 5D (batch, time, "
    "height, width, channels), so Keras could not build the model. Wrap the convolution in "
    "TimeDistributed: layers.TimeDistributed(layers.Conv2D(8, 3))."
)


def _shape_in(message: str) -> tuple[str, ...] | None:
    found = re.search(r"input of shape \(([^)]*)\)", message)
    if not found:
        return None
    return tuple(part.strip() for part in found.group(1).split(",") if part.strip())


def _explain_build_error(exc: Exception) -> str:
    """Turn the exception Keras raised while building the learner's model into advice."""
    text = str(exc)
    if "TimeDistributed" in text and "Layer` instance" in text:
        if "<class " in text:
            return (
                "TimeDistributed received a layer class, not a layer object. Call the class to "
                "make the layer first: layers.TimeDistributed(layers.Conv2D(8, 3)), with the "
                "arguments in brackets."
            )
        return (
            "TimeDistributed received a plain function. It wraps a layer object; turn a "
            "function into one with layers.Lambda(fn), or use the Keras layer that does the job "
            "(layers.Conv2D(8, 3), layers.Flatten())."
        )
    if "Kernel shape must have the same length as input" in text or "found ndim=5" in text:
        dims = _shape_in(text)
        if dims is None or len(dims) == 5:
            return _CONV_5D
        if len(dims) == 3:
            return (
                f"Each frame reached Conv2D as ({', '.join(dims)}): 3D, one axis short of "
                "(batch, height, width, channels). keras.Input takes one clip's shape, "
                "(steps, height, width, channels) = (5, 16, 16, 1): check the time axis and the "
                "channel axis are both there."
            )
        return (
            f"Conv2D received input of shape ({', '.join(dims)}); it reads (batch, height, "
            "width, channels). keras.Input should be (5, 16, 16, 1) and the Conv2D wrapped in "
            "TimeDistributed."
        )
    if "expected ndim=3, found ndim=2" in text:
        return (
            "The LSTM received a 2D tensor (batch, features): a Flatten without TimeDistributed "
            "flattened the time axis together with the image. Wrap the Flatten too, "
            "layers.TimeDistributed(layers.Flatten()), so each frame becomes one feature vector "
            "and the time axis survives."
        )
    if isinstance(exc, TypeError) and "argument" in text:
        return (
            f"Calling your function with no arguments raised TypeError: {text}. Write it so that "
            "make_clip_model() needs no arguments and returns the model."
        )
    first = text.strip().splitlines()[0] if text.strip() else ""
    return (
        f"Building your model raised {type(exc).__name__}: {first[:300]}\n\n"
        "Run make_clip_model() in a cell of its own to see the whole message."
    )


def _build(answer: Any) -> Any:
    """Call the learner's builder (or take the model they passed) and return the model."""
    import keras

    if isinstance(answer, keras.Model):
        return answer
    if isinstance(answer, keras.layers.Layer):
        return expect.model(answer)  # raises: a single layer is not a model
    if isinstance(answer, type):
        return expect.model(answer)  # raises: a class, not a model or a function
    if answer is None:
        raise Incorrect(
            "Your answer is None. Define the function with `def make_clip_model():`, end it "
            "with `return` and the model, and pass the function itself: "
            "ch07.q1.check(make_clip_model)."
        )
    if not callable(answer):
        raise Incorrect(
            f"Pass the function that builds the model, make_clip_model (no brackets); you "
            f"passed a {expect._type_name(answer)}."
        )
    try:
        built = answer()
    except Incorrect:
        raise
    except Exception as exc:  # whatever Keras raised while building: explain it
        raise Incorrect(_explain_build_error(exc)) from exc
    if built is None:
        raise Incorrect(
            "make_clip_model() returned None. End the function with `return` and the model."
        )
    return built


def _all_layers(model: Any) -> list:
    """Every layer, looking inside TimeDistributed and nested models."""
    import keras

    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.layers.TimeDistributed):
            inner = layer.layer
            found.append(inner)
            if isinstance(inner, keras.Model):
                found.extend(_all_layers(inner))
        elif isinstance(layer, keras.Model):
            found.extend(_all_layers(layer))
    return found


@exercise(
    "ch07.q1",
    hints=(
        "The model reads clips of shape (5, 16, 16, 1). Conv2D and Flatten each work on one "
        "image, so each needs a wrapper that applies it to every frame with the same weights.",
        "keras.Sequential([keras.Input((5, 16, 16, 1)), layers.TimeDistributed(...), "
        "layers.TimeDistributed(...), layers.LSTM(16)]), wrapped in a function that returns it.",
    ),
    solution=SOLUTION_Q1,
)
def q1(answer: Any) -> str:
    """Write make_clip_model(): 5 frames 16×16×1, Conv2D(8, 3) and Flatten per frame, LSTM(16)."""
    import keras

    m = expect.model(_build(answer), "the model make_clip_model() returned")
    if len(m.inputs) > 1:
        raise Incorrect(
            f"Your model takes {len(m.inputs)} inputs, one per frame. Calling one CNN on each "
            "input does share the weights, but this exercise asks for a single input of clips, "
            "keras.Input((5, 16, 16, 1)), with the per-frame layers wrapped in TimeDistributed."
        )
    in_shape = expect.input_shape(m)
    if in_shape[1:] != (STEPS, SIDE, SIDE, 1):
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the clips are 5 frames of 16×16 "
            "pixels with 1 channel: keras.Input((5, 16, 16, 1))."
        )
    everything = _all_layers(m)
    convs = [layer for layer in everything if isinstance(layer, keras.layers.Conv2D)]
    lstms = [layer for layer in everything if isinstance(layer, keras.layers.LSTM)]
    if not convs:
        raise Incorrect(
            "Your model has no Conv2D layer: wrap layers.Conv2D(8, 3) in TimeDistributed."
        )
    if not lstms:
        raise Incorrect("Your model has no LSTM layer: end it with layers.LSTM(16).")
    if len(convs) > 1:
        if all(c.count_params() == CONV_PARAMS for c in convs):
            raise Incorrect(
                f"Your model has {len(convs)} Conv2D layers of {CONV_PARAMS} parameters each: a "
                "separate CNN per frame. TimeDistributed(Conv2D(8, 3)) uses one conv, with the "
                "same weights for all 5 frames."
            )
        raise Incorrect(
            f"Your model has {len(convs)} Conv2D layers; this exercise uses one, Conv2D(8, 3)."
        )
    conv = convs[0]
    if conv.filters != FILTERS or tuple(conv.kernel_size) != (KERNEL, KERNEL):
        raise Incorrect(
            f"Your convolution is Conv2D({conv.filters}, {tuple(conv.kernel_size)}); "
            "the exercise asks for Conv2D(8, 3): 8 filters of 3×3."
        )
    if tuple(conv.strides) != (1, 1) or conv.padding != "valid":
        raise Incorrect(
            "Keep the convolution's defaults (strides 1, padding 'valid'), so each frame gives "
            "14 × 14 × 8 values."
        )
    lstm = lstms[0]
    if lstm.units != UNITS:
        raise Incorrect(f"Your LSTM has {lstm.units} units; the exercise asks for LSTM(16).")
    out = expect.output_shape(m)
    if lstm.return_sequences or out != (None, UNITS):
        if out == (None, STEPS, UNITS):
            raise Incorrect(
                "Your model outputs (None, 5, 16), one vector per frame. Here one vector per "
                "clip is wanted: leave return_sequences at False."
            )
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; LSTM(16) as the last layer gives "
            "(None, 16)."
        )
    features = int(lstm.cell.kernel.shape[0]) if lstm.cell.built else None
    if features is not None and features != FEATURES:
        raise Incorrect(
            f"The LSTM reads {features} features per step. Flatten each frame's conv output, "
            "14 × 14 × 8 values, with TimeDistributed(Flatten()); pooling or an extra layer "
            "changes that number."
        )
    total = m.count_params()
    if total != TOTAL:
        raise Incorrect(
            f"Your model has {total:,} parameters, more or fewer than the three layers asked "
            "for: look for an extra layer."
        )
    if not any(isinstance(layer, keras.layers.TimeDistributed) for layer in m.layers):
        return (
            f"Right shapes and {TOTAL:,} parameters, without TimeDistributed: you folded time "
            "into the batch yourself. That is the third way of the chapter; it is equivalent."
        )
    return (
        f"{CONV_PARAMS} conv parameters shared by all 5 frames, {FEATURES:,} features per frame, "
        f"and {LSTM_PARAMS:,} in the LSTM: {TOTAL:,} in all."
    )


SOLUTION_Q2 = """
td_adds = 0  # the wrapper holds the CNN's own weight objects; it creates none
"""


@exercise(
    "ch07.q2",
    hints=(
        "Compare td.count_params() with cnn.count_params() in section 4, and look at whether "
        "td.weights are new objects or the CNN's.",
        "Sharing means the same weights are used at every step: nothing is copied.",
    ),
    solution=SOLUTION_Q2,
)
def q2(answer: Any) -> str:
    """How many parameters does TimeDistributed(cnn) over 3 frames add to the CNN's 416?"""
    n = expect.whole_number(answer, "td_adds")
    if n == 0:
        return "None: the wrapper applies the inner layer's own weights at every step."
    if n == 416:
        raise Incorrect(
            "416 is the CNN's own count, and it is already counted once, in the CNN. The "
            "question is what the wrapper adds on top: does it make a copy of the weights?"
        )
    if n in (832, 1248):
        raise Incorrect(
            f"{n} counts {n // 416} copies of the CNN's weights: that is what separate CNNs "
            "per frame would cost. TimeDistributed shares one set across all steps."
        )
    if n in (3, 1):
        raise Incorrect(
            f"{n}: TimeDistributed has no weights of its own at all, not even one per step; "
            "the number of steps plays no part."
        )
    if n < 0:
        raise Incorrect("A layer cannot remove parameters: count what the wrapper adds.")
    raise Incorrect(
        f"{n} is not it. Compare td.count_params() with cnn.count_params(): what is left over "
        "for the wrapper itself?"
    )


SOLUTION_Q3 = """
lstm_count = 4 * 32 * (254016 + 32 + 1)  # (3 gates + candidate) × units × (features + units + 1)
"""


@exercise(
    "ch07.q3",
    hints=(
        "The LSTM reads 254,016 features per step (126 × 126 × 16) and has 32 units.",
        "Per block: units × (features + units) weights plus units biases. An LSTM has four "
        "blocks: the input, forget and output gates, and the cell candidate.",
    ),
    solution=SOLUTION_Q3,
)
def q3(answer: Any) -> str:
    """Work out by hand how many parameters the LSTM(32) of the sources' model has."""
    n = expect.whole_number(answer, "lstm_count")
    units, features = 32, 126 * 126 * 16
    right = shapes.lstm_params(features, units)
    if n == right:
        return f"{shapes.lstm_formula(features, units)}: {right / 32518688:.4%} of the whole model."
    if n == right + 416:
        raise Incorrect(
            f"{n:,} is the whole model: it includes the CNN's 416. Count the LSTM alone."
        )
    if n == 3 * right:
        raise Incorrect(
            "You multiplied by the 3 time steps. The LSTM uses the same weights at every step, "
            "so the number of steps does not change its count."
        )
    if n == right // 4:
        raise Incorrect(
            f"{n:,} is one block, the size of one gate. An LSTM has four: the input, forget and "
            "output gates and the cell candidate, each with its own weights."
        )
    if n == 4 * units * (features + units):
        raise Incorrect(f"{n:,} leaves out the biases: each block has one per unit.")
    if n == 4 * units * (features + 1):
        raise Incorrect(
            f"{n:,} leaves out the recurrent weights: each block also reads the previous hidden "
            "state, 32 values."
        )
    if n == shapes.lstm_params(126 * 126, units):
        raise Incorrect(
            f"{n:,} uses 126 × 126 = 15,876 features and forgets the 16 channels: Flatten "
            "gives 126 × 126 × 16 values per frame."
        )
    if n == shapes.lstm_params(features, units) + 4 * units:
        raise Incorrect(
            f"{n:,} counts two bias vectors per block, as TF1's CuDNNLSTM did; "
            "keras.layers.LSTM has one."
        )
    raise Incorrect(
        f"{n:,} is not it. Start from the features per step, 126 × 126 × 16, then use the "
        "LSTM formula of chapter 1."
    )
