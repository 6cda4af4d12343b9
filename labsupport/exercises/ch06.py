"""Exercises for chapter 6, convolutions and input size."""

from __future__ import annotations

import re
from typing import Any

from labsupport import diagnose, shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise


@exercise(
    "ch06.q1",
    answers=("n_conv",),
    hints=(
        "A filter slides over the image: its weights cover one window, not the whole image.",
        "Each filter has kh × kw × channels weights and one bias.",
    ),
)
def q1(answer: Any) -> str:
    """Parameters of Conv2D(16, 5) on a 64 × 64 RGB image."""
    n = expect.whole_number(answer, "n_conv")
    right = shapes.conv2d_params(3, 16, 5)
    if n == right:
        return "16 × (5 × 5 × 3) + 16 = 1,216, at any image size."
    if n in (right * 64 * 64, right * 60 * 60, 64 * 64 * 3 * 16 + 16):
        raise Incorrect(
            f"{n} grows with the 64 × 64 image. A filter's weights cover one 5 × 5 window and are "
            "reused at every position, so the image size never enters the count."
        )
    if n == shapes.conv2d_params(1, 16, 5):
        raise Incorrect(
            f"{n} ignores the 3 colour channels: each filter spans all of them, 5 × 5 × 3."
        )
    if n == 16 * 5 * 5 * 3:
        raise Incorrect(f"{n} leaves out the biases: one per filter.")
    if n == 5 * 5 * 3 + 1:
        raise Incorrect(f"{n} is one filter; there are 16.")
    raise Incorrect(f"{n} is not it: filters × (kh × kw × channels) + filters.")


Q2_LIMIT = 10_000
Q2_SHIFT = 32
"""Pixels the test face moves, down and right: a multiple of 16, so strides of 4 and 4 line up."""


def _face_and_moved(size: int = 96, texture: str = "square") -> Any:
    """Two images: a bright square (a stand-in for a face) and the same square moved.

    ``texture`` fills the square: ``"square"`` with 1.0, ``"uniform"`` and ``"normal"`` with
    random values (a model whose ReLUs all happen to be off for one picture is still judged
    on the others).
    """
    import numpy as np

    image = np.zeros((1, size, size, 3), dtype="float32")
    rng = np.random.default_rng(0)
    fill = {
        "square": lambda: 1.0,
        "uniform": lambda: rng.uniform(size=(16, 16, 3)),
        "normal": lambda: rng.normal(size=(16, 16, 3)),
    }[texture]
    image[0, 16:32, 16:32] = fill()
    moved = np.roll(image, (Q2_SHIFT, Q2_SHIFT), axis=(1, 2))
    return np.concatenate([image, moved])


def _global_pooling(m: Any) -> Any:
    """The first global pooling layer of ``m`` (also one inside TimeDistributed), or None."""
    for layer in m.layers:
        inner = getattr(layer, "layer", layer)
        if any(cls.__name__ == "BaseGlobalPooling" for cls in type(inner).__mro__):
            return inner
    return None


@exercise(
    "ch06.q2",
    answers=("keypoints",),
    hints=(
        "The head must say where things are, so keep position: no global pooling, which "
        "averages every position away. Flatten keeps position, but on a 94 × 94 feature map it "
        "hands Dense far too many values. What makes the map small first?",
        'Two Conv2D layers with strides=4 and padding="same" shrink 96 × 96 to 6 × 6; then '
        "Flatten, Dense(20) and Reshape((10, 2)).",
    ),
)
def q2(answer: Any) -> str:
    """Build a 96 × 96 × 3 → (None, 10, 2) keypoint head, < 10,000 weights, that keeps position."""
    import keras
    import numpy as np

    m = expect.model(answer, "keypoints")
    if expect.input_shape(m) != (None, 96, 96, 3):
        raise Incorrect(
            f"keypoints reads {expect.fmt_shape(expect.input_shape(m))}; the images are 96 × 96 "
            "with 3 channels: keras.Input((96, 96, 3))."
        )
    if not expect.layers_of(m, keras.layers.Conv2D):
        raise Incorrect(
            "keypoints has no Conv2D layer; start with one, e.g. "
            'layers.Conv2D(8, 3, strides=4, padding="same", activation="relu").'
        )
    pooling = _global_pooling(m)
    if pooling is not None:
        how = "takes the largest value of" if "Max" in type(pooling).__name__ else "averages"
        raise Incorrect(
            f"{type(pooling).__name__} {how} each channel over the whole image, so where "
            "anything is never reaches the Dense layer: move the face and the 10 keypoints stay "
            "put. Global pooling suits a classifier, not coordinates. Keep position: shrink the "
            'map with strided convolutions (strides=4, padding="same", twice), then Flatten and '
            "Dense."
        )
    n = m.count_params()
    flatten = next((layer for layer in m.layers if isinstance(layer, keras.layers.Flatten)), None)
    if n >= Q2_LIMIT and flatten is not None:
        grid = " × ".join(str(d) for d in tuple(flatten.input.shape)[1:])
        raise Incorrect(
            f"keypoints has {n:,} parameters: Flatten hands the Dense layer every value of a "
            f"{grid} feature map. Shrink the map first: Conv2D layers with strides=4 and "
            'padding="same" take 96 × 96 to 24 × 24, then 6 × 6. Flatten still keeps position, '
            "and the Dense layer stays small."
        )
    if n >= Q2_LIMIT:
        raise Incorrect(
            f"keypoints has {n:,} parameters; stay under {Q2_LIMIT:,}: use fewer filters."
        )
    out = expect.output_shape(m)
    if out == (None, 20):
        raise Incorrect(
            "keypoints outputs (None, 20): the numbers are there; add Reshape((10, 2))."
        )
    if out != (None, 10, 2):
        raise Incorrect(
            f"keypoints outputs {expect.fmt_shape(out)}; 10 keypoints with (x, y) each is "
            "(None, 10, 2): Dense(20) then Reshape((10, 2))."
        )
    expect.behaves(m, what="keypoints")
    pairs = np.concatenate([_face_and_moved(texture=t) for t in ("square", "uniform", "normal")])
    try:
        answers = keras.ops.convert_to_numpy(m(pairs, training=False))
    except Exception as exc:
        raise Incorrect(
            f"Calling keypoints on six 96 × 96 × 3 images raised {type(exc).__name__}: "
            f"{diagnose.keras_said(exc, 200)}"
        ) from None
    moved_by = float(np.abs(answers[1::2] - answers[0::2]).max())
    if not moved_by > 1e-4:
        raise Incorrect(
            f"keypoints gives the same output for a face and the same face moved {Q2_SHIFT} "
            "pixels: it has lost where things are. Some layer pools over the whole image (a "
            "pooling window as large as the map does). Keep a small map instead: strided "
            "convolutions, then Flatten."
        )
    return (
        f"{n:,} parameters, and the output changes when the square moves {Q2_SHIFT} pixels: "
        "the head keeps position, with a Dense layer that reads a small map."
    )


@exercise(
    "ch06.q3",
    answers=("pooled_shape", "n_params"),
    hints=(
        "A 'valid' convolution of size k with stride s fits (n - k) // s + 1 times across n "
        "pixels; MaxPooling2D(2) then halves each side (rounding down).",
        "Count the conv alone: filters × (kh × kw × channels) + filters. Pooling has no weights.",
    ),
)
def q3(shape: Any, n_params: Any) -> str:
    """Predict the output shape and the parameters of Conv2D(8, 5, strides=2) → MaxPooling2D(2)."""
    got = expect.shape(shape, "pooled_shape")
    if got == (9, 9, 8):
        raise Incorrect("Keras shapes start with the batch axis, shown as None: add it in front.")
    if got == (None, 18, 18, 8):
        raise Incorrect(
            "(None, 18, 18, 8) leaves out one of the two halvings: the stride-2 convolution "
            "takes 40 to (40 - 5) // 2 + 1 = 18, and MaxPooling2D(2) halves that again."
        )
    if got == (None, 10, 10, 8):
        raise Incorrect(
            "(None, 10, 10, 8) is what padding='same' would give (40 / 2 / 2). With the default "
            "padding, 'valid', the 5 × 5 window must fit inside the image: (40 - 5) // 2 + 1."
        )
    if got in ((None, 9, 9, 3), (None, 9, 9, 5)):
        raise Incorrect(
            f"{got} keeps the wrong last axis: a Conv2D outputs one channel per filter, 8."
        )
    if got != (None, 9, 9, 8):
        raise Incorrect(
            f"{got} is not it. Work side by side: the conv fits (40 - 5) // 2 + 1 times, the "
            "pool halves that; the last axis is the number of filters."
        )
    n = expect.whole_number(n_params, "n_params")
    right = shapes.conv2d_params(3, 8, 5)
    if n == right:
        return (
            "(None, 9, 9, 8) and 608 parameters: stride and pooling shrink the map, but the "
            "weights are set by the 5 × 5 × 3 window and the 8 filters."
        )
    if n == shapes.conv2d_params(1, 8, 5):
        raise Incorrect(f"{n} ignores the 3 colour channels: each filter spans 5 × 5 × 3.")
    if n == 8 * 5 * 5 * 3:
        raise Incorrect(f"{n} leaves out the biases: one per filter.")
    if n in (right * 9 * 9, right * 18 * 18, 9 * 9 * 8):
        raise Incorrect(
            f"{n} grows with the feature map. The filter's weights are reused at every "
            "position, so the map size never enters the count."
        )
    if n > right and n - right in (8, 16, 2 * 2 * 8):
        raise Incorrect(f"{n} gives the pooling layer weights; it has none, it takes maxima.")
    raise Incorrect(f"{n} is not it: filters × (kh × kw × channels) + filters.")


def _too_small(e: diagnose.KerasError) -> str | None:
    """Advice for Keras's 'output size would be zero or negative', naming the sizes it met."""
    message = e.message
    if "would be zero or negative" not in message:
        return None
    size = re.search(r"inputs[._ ]shape=[\[(]None,? (\d+),? (\d+),? (\d+)", message)
    window = re.search(r"(kernel shape|pool_size)=[\[(](\d+),? (\d+)", message)
    met = ""
    if size and window:
        what = "kernel" if window.group(1) == "kernel shape" else "pooling window"
        met = (
            f" A layer received a {size.group(1)} × {size.group(2)} map with a "
            f"{window.group(2)} × {window.group(3)} {what}: the window no longer fits."
        )
    return (
        "Each 'valid' convolution shortens each side by kernel - 1 pixels and each "
        "MaxPooling2D(2) halves it, so a 12 × 12 image runs out of pixels before the last "
        f"layer.{met} Write the sizes down layer by layer. Keep the "
        'layers and let the convolutions keep the size: padding="same" (or use a smaller kernel).'
    )


RULES = (diagnose.Rule("ch06.image_too_small", _too_small),)
"""This chapter's advice for a model whose maps shrink to nothing, tried before the book's."""


@exercise(
    "ch06.q4",
    answers=("small_digits",),
    hints=(
        "Follow one side of the image: 12 → Conv2D(16, 5) → ? → MaxPooling2D(2) → ? → "
        "Conv2D(32, 5) → ?",
        'padding="same" makes a stride-1 convolution keep the size; the pools then take '
        "12 to 6 to 3.",
    ),
)
def q4(answer: Any) -> str:
    """Fix small_digits so it builds on 12 × 12 images, keeping two convs and two pools."""
    import keras

    from labsupport.exercises.builders import built_model

    m = built_model(answer, builder="small_digits", check="ch06.q4", rules=RULES)
    if expect.input_shape(m) != (None, 12, 12, 1):
        raise Incorrect(
            f"small_digits reads {expect.fmt_shape(expect.input_shape(m))}; the images are "
            "12 × 12 with 1 channel. Fix the layers, not the data: keras.Input((12, 12, 1))."
        )
    convs = expect.layers_of(m, keras.layers.Conv2D)
    pools = expect.layers_of(m, keras.layers.MaxPooling2D)
    if len(convs) < 2 or len(pools) < 2:
        raise Incorrect(
            f"small_digits has {len(convs)} Conv2D and {len(pools)} MaxPooling2D layers. "
            "Removing layers does make the sizes fit, but keep both of each and make them fit: "
            'padding="same" keeps the size through a convolution.'
        )
    if expect.output_shape(m) != (None, 10):
        raise Incorrect(
            f"small_digits outputs {expect.fmt_shape(expect.output_shape(m))}; ten digit "
            "classes are (None, 10): Flatten, then Dense(10, activation='softmax')."
        )
    expect.behaves(m, what="small_digits")
    sides = [str(layer.output.shape[1]) for layer in m.layers if len(layer.output.shape) == 4]
    return (
        f"It builds: one side of the map goes 12 → {' → '.join(sides)} before Flatten, "
        f"{m.count_params():,} parameters in all."
    )
