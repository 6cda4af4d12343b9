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
lean = keras.Sequential([
    keras.Input((96, 96, 3)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),   # (None, 32) at any image size
    layers.Dense(20),
    layers.Reshape((10, 2)),           # 10 keypoints × (x, y)
])
"""

Q2_LIMIT = 10_000


@exercise(
    "ch06.q2",
    hints=(
        "Flatten makes the Dense layer's weights grow with the image area. What summarises each "
        "channel in one number?",
        "Conv2D → GlobalAveragePooling2D → Dense(20) → Reshape((10, 2)).",
    ),
    solution=SOLUTION_Q2,
)
def q2(answer: Any) -> str:
    """Build a keypoint head for 96 × 96 × 3 images → (None, 10, 2) with < 10,000 parameters."""
    import keras

    m = expect.model(answer, "lean")
    if expect.input_shape(m) != (None, 96, 96, 3):
        raise Incorrect(
            f"lean reads {expect.fmt_shape(expect.input_shape(m))}; the images are 96 × 96 with "
            "3 channels: keras.Input((96, 96, 3))."
        )
    if not expect.layers_of(m, keras.layers.Conv2D):
        raise Incorrect("lean has no Conv2D layer; start with one, e.g. layers.Conv2D(32, 3).")
    out = expect.output_shape(m)
    n = m.count_params()
    flatten = any(isinstance(layer, keras.layers.Flatten) for layer in m.layers)
    if n >= Q2_LIMIT and flatten:
        raise Incorrect(
            f"lean has {n:,} parameters: Flatten hands the Dense layer every position of the "
            "feature map, so its weights grow with the image. Replace Flatten with "
            "GlobalAveragePooling2D."
        )
    if n >= Q2_LIMIT:
        raise Incorrect(f"lean has {n:,} parameters; stay under {Q2_LIMIT:,}. Use fewer filters.")
    if out == (None, 20):
        raise Incorrect("lean outputs (None, 20): the numbers are there; add Reshape((10, 2)).")
    if out != (None, 10, 2):
        raise Incorrect(
            f"lean outputs {expect.fmt_shape(out)}; 10 keypoints with (x, y) each is "
            "(None, 10, 2): Dense(20) then Reshape((10, 2))."
        )
    return f"{n:,} parameters, and the same count would serve any image size."
