"""Exercises for chapter 7, one CNN applied to every image of a sequence."""

from __future__ import annotations

from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, exercise

STEPS, SIDE, FILTERS, KERNEL, UNITS = 5, 16, 8, 3, 16
CONV_PARAMS = shapes.conv2d_params(1, FILTERS, KERNEL)  # 80
FEATURES = (SIDE - KERNEL + 1) ** 2 * FILTERS  # 14 × 14 × 8 = 1568
LSTM_PARAMS = shapes.lstm_params(FEATURES, UNITS)  # 101,440
TOTAL = CONV_PARAMS + LSTM_PARAMS  # 101,520


@exercise(
    "ch07.q1",
    answers=("make_clip_model",),
    hints=(
        "The model reads clips of shape (5, 16, 16, 1). Conv2D and Flatten each work on one "
        "image, so each needs a wrapper that applies it to every frame with the same weights.",
        "keras.Sequential([keras.Input((5, 16, 16, 1)), layers.TimeDistributed(...), "
        "layers.TimeDistributed(...), layers.LSTM(16)]), wrapped in a function that returns it.",
    ),
)
def q1(answer: Any) -> str:
    """Write make_clip_model(): 5 frames 16×16×1, Conv2D(8, 3) and Flatten per frame, LSTM(16)."""
    import keras

    m = built_model(answer, builder="make_clip_model", check="ch07.q1")
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
    everything = expect.all_layers(m)
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
    expect.behaves(m, frames_apart=True)
    if not any(isinstance(layer, keras.layers.TimeDistributed) for layer in m.layers):
        return (
            f"Right shapes and {TOTAL:,} parameters, without TimeDistributed: you folded time "
            "into the batch yourself. That is the third way of the chapter; it is equivalent."
        )
    return (
        f"{CONV_PARAMS} conv parameters shared by all 5 frames, {FEATURES:,} features per frame, "
        f"and {LSTM_PARAMS:,} in the LSTM: {TOTAL:,} in all."
    )


@exercise(
    "ch07.q2",
    answers=("td_adds",),
    hints=(
        "Compare td.count_params() with cnn.count_params() in section 4, and look at whether "
        "td.weights are new objects or the CNN's.",
        "Sharing means the same weights are used at every step: nothing is copied.",
    ),
)
def q2(answer: Any) -> str:
    """How many parameters does TimeDistributed(cnn) over 3 frames add to the CNN's 416?"""
    n = expect.whole_number(answer, "td_adds")
    if n == 0:
        return "0: the wrapper creates no weights; it applies the inner layer's own at every step."
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


@exercise(
    "ch07.q3",
    answers=("lstm_count",),
    hints=(
        "The LSTM reads 254,016 features per step (126 × 126 × 16) and has 32 units.",
        "Per block: units × (features + units) weights plus units biases. An LSTM has four "
        "blocks: the input, forget and output gates, and the cell candidate.",
    ),
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


@exercise(
    "ch07.q4",
    answers=("td_shape", "td_params"),
    hints=(
        "TimeDistributed keeps the batch and time axes and hands each frame, (32, 32, 3), to "
        "the Conv2D; a 'valid' window of 3 with stride 2 fits (32 - 3) // 2 + 1 times.",
        "The wrapper adds no weights and does not copy them per step: count one Conv2D.",
    ),
)
def q4(shape: Any, n_params: Any) -> str:
    """Predict shape and parameters of TimeDistributed(Conv2D(4, 3, strides=2)) on clips."""
    got = expect.shape(shape, "td_shape")
    if got == (None, 15, 15, 4):
        raise Incorrect(
            "(None, 15, 15, 4) is one frame's output. TimeDistributed keeps the time axis: "
            "the 6 frames come back as 6 feature maps."
        )
    if got == (6, 15, 15, 4):
        raise Incorrect("Keras shapes start with the batch axis, shown as None: add it in front.")
    if got in ((None, 6, 30, 30, 4), (None, 6, 16, 16, 4)):
        how = "ignores the stride" if got[2] == 30 else "is what padding='same' gives"
        raise Incorrect(
            f"{got} {how}. A 3-pixel window moved 2 pixels at a time, inside the 32 pixels "
            "(padding 'valid'), fits (32 - 3) // 2 + 1 times."
        )
    if got != (None, 6, 15, 15, 4):
        raise Incorrect(
            f"{got} is not it: (batch, steps) stay, then one frame's conv output, "
            "(height, width, filters)."
        )
    n = expect.whole_number(n_params, "td_params")
    right = shapes.conv2d_params(3, 4, 3)
    if n == right:
        return (
            "(None, 6, 15, 15, 4) and 112 parameters: the frames keep their place in time, "
            "and one 3 × 3 × 3 × 4 kernel with 4 biases serves all 6."
        )
    if n == 6 * right:
        raise Incorrect(
            f"{n} is 6 copies of the conv's weights, one per step. TimeDistributed applies the "
            "same weights at every step: count them once."
        )
    if n == shapes.conv2d_params(1, 4, 3):
        raise Incorrect(f"{n} ignores the 3 colour channels: each filter spans 3 × 3 × 3.")
    if n == 4 * 3 * 3 * 3:
        raise Incorrect(f"{n} leaves out the biases: one per filter.")
    raise Incorrect(f"{n} is not it: filters × (kh × kw × channels) + filters, once.")


@exercise(
    "ch07.q5",
    answers=("frame_summary",),
    hints=(
        "keras.Input takes the shape of one sample without the batch axis. What is one sample "
        "here: a frame or a clip?",
        "TimeDistributed reads the first axis after the batch as time. Give it clips: "
        "keras.Input((4, 32, 32, 1)).",
    ),
)
def q5(answer: Any) -> str:
    """Fix frame_summary: clips of 4 frames of 32 × 32 × 1, a CNN per frame, then LSTM(4)."""
    import keras

    from labsupport.exercises.builders import built_model

    m = built_model(answer, builder="frame_summary", check="ch07.q5")
    shape = expect.input_shape(m)
    if shape[1:] != (4, 32, 32, 1):
        raise Incorrect(
            f"frame_summary reads {expect.fmt_shape(shape)}; the clips are 4 frames of "
            "32 × 32 pixels with 1 channel: keras.Input((4, 32, 32, 1))."
        )
    if not any(isinstance(layer, keras.layers.TimeDistributed) for layer in m.layers):
        raise Incorrect(
            "frame_summary has no TimeDistributed layer left. Keep the wrappers: they apply "
            "the per-frame layers to each of the 4 frames."
        )
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if not lstms or expect.output_shape(m) != (None, 4):
        raise Incorrect(
            f"frame_summary outputs {expect.fmt_shape(expect.output_shape(m))}; it should end "
            "with LSTM(4), one vector of 4 per clip: (None, 4)."
        )
    expect.behaves(m, what="frame_summary", frames_apart=True)
    features = int(lstms[0].cell.kernel.shape[0])
    return (
        f"The LSTM now reads 4 steps of {features} features: the wrapper found the time axis "
        "where the clips have it. Given frames instead of clips, it took the 32 rows of each "
        "image as steps and handed Conv2D (batch, 32, 1)."
    )
