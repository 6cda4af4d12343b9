"""Exercises for chapter 6, convolutions and input size."""

from __future__ import annotations

from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

SOLUTION_Q1 = """
n_conv = 16 * (5 * 5 * 3) + 16  # filters × (kh × kw × channels) + filters; 64 × 64 plays no part
"""


@exercise(
    "ch06.q1",
    hints=(
        "A filter slides over the image: its weights cover one window, not the whole image.",
        "Each filter has kh × kw × channels weights and one bias.",
    ),
    solution=SOLUTION_Q1,
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


SOLUTION_Q2 = """
keypoints = keras.Sequential([
    keras.Input((96, 96, 3)),
    layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),  # (None, 24, 24, 8)
    layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),  # (None, 6, 6, 8)
    layers.Flatten(),         # 288 values, each from one of the 6 × 6 positions
    layers.Dense(20),
    layers.Reshape((10, 2)),  # 10 keypoints × (x, y)
])
"""

Q2_LIMIT = 10_000
Q2_SHIFT = 32
"""Pixels the test face moves, down and right: a multiple of 16, so strides of 4 and 4 line up."""


def _face_and_moved(size: int = 96) -> Any:
    """Two images: a bright square (a stand-in for a face) and the same square moved."""
    import numpy as np

    image = np.zeros((1, size, size, 3), dtype="float32")
    image[0, 16:32, 16:32] = 1.0
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
    hints=(
        "The head must say where things are, so keep position: no global pooling, which "
        "averages every position away. Flatten keeps position, but on a 94 × 94 feature map it "
        "hands Dense far too many values. What makes the map small first?",
        'Two Conv2D layers with strides=4 and padding="same" shrink 96 × 96 to 6 × 6; then '
        "Flatten, Dense(20) and Reshape((10, 2)).",
    ),
    solution=SOLUTION_Q2,
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
    try:
        before, after = np.asarray(m(_face_and_moved(), training=False))
    except Exception as exc:
        raise Incorrect(
            f"Calling keypoints on two 96 × 96 × 3 images raised {type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else ''}"
        ) from None
    moved_by = float(np.abs(after - before).max())
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
