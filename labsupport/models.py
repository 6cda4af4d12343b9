"""Models for MNIST read as a sequence of quadrants.

Chapter 8 and the benchmarks share these builders, so a model is defined once:

* :func:`quadrant_cnn_lstm` — the fast design: a small CNN reads each 14 × 14 quadrant (the
  four steps are folded into the batch axis, so the CNN runs once on ``4 × batch`` images),
  then an LSTM reads the four feature vectors in order.
* :func:`naive_td_cnn_lstm` — the design of the original question, channels last: two
  unpadded convolutions, a pooling layer, all wrapped in TimeDistributed, then a tiny LSTM.
* :func:`whole_image_cnn` — the baseline without any sequence: a small CNN on the 28 × 28 image.
* :func:`convlstm_quadrants` — a ConvLSTM2D reads the quadrants: the convolutions sit inside
  the recurrence.

Training them within a time budget and scoring them is :mod:`labsupport.training`'s part.
"""

from __future__ import annotations

from typing import Any

QUADRANT_SHAPE = (4, 14, 14, 1)
"""One sample: four steps, each a 14 × 14 quadrant with one channel (channels last)."""


def _keras():
    import keras

    return keras


def quadrant_cnn(
    filters: tuple[int, int] = (16, 32), *, image_shape: tuple[int, int, int] = (14, 14, 1)
) -> Any:
    """The per-quadrant CNN: two conv blocks (conv, batch norm, ReLU, pool), then Flatten.

    On a 14 × 14 × 1 quadrant the output is ``3 × 3 × filters[1]`` features. Batch norm keeps
    its running statistics with momentum 0.9 rather than 0.99, so that they settle within
    the few hundred steps of a short, budgeted training run.
    """
    keras = _keras()
    layers = keras.layers
    f1, f2 = filters
    return keras.Sequential(
        [
            keras.Input(image_shape),
            # Pooling before batch norm and ReLU gives the same kind of block at a quarter of
            # the memory traffic, which is what costs most on a small CPU.
            layers.Conv2D(f1, 3, padding="same", use_bias=False),
            layers.MaxPooling2D(2),  # 14 -> 7
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Conv2D(f2, 3, padding="same", use_bias=False),
            layers.MaxPooling2D(2),  # 7 -> 3
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Flatten(),
        ],
        name="quadrant_cnn",
    )


def quadrant_cnn_lstm(
    *,
    steps: int = 4,
    filters: tuple[int, int] = (16, 32),
    lstm_units: int = 64,
    classes: int = 10,
    fold: bool = True,
) -> Any:
    """CNN per quadrant, then an LSTM over the quadrants, then a softmax over the digits.

    Args:
        steps: quadrants per sample (4).
        filters: filters of the two conv blocks of :func:`quadrant_cnn`.
        lstm_units: units of the LSTM that reads the per-quadrant features.
        classes: number of classes (10 digits).
        fold: fold the time axis into the batch axis around the CNN (one convolution over
            ``steps × batch`` images). With ``fold=False`` the CNN is wrapped in
            ``TimeDistributed``, which in Keras 3 calls it once per step. The weights and the
            parameter count are the same, and so is the output at inference. In training
            they differ, because of the CNN's BatchNormalization: the fold normalises all
            ``steps × batch`` quadrants together and updates the moving statistics once per
            batch; the wrapper normalises each step's quadrants on their own and updates the
            moving statistics once per step, ``steps`` times per batch (chapter 8 shows
            both).

    Input ``(None, steps, 14, 14, 1)``, output ``(None, classes)``.
    """
    keras = _keras()
    layers, ops = keras.layers, keras.ops
    cnn = quadrant_cnn(filters)
    inputs = keras.Input((steps, 14, 14, 1), name="quadrants")
    if fold:
        images = ops.reshape(inputs, (-1, 14, 14, 1))  # (batch * steps, 14, 14, 1)
        features = cnn(images)
        features = ops.reshape(features, (-1, steps, features.shape[-1]))
    else:
        features = layers.TimeDistributed(cnn, name="cnn_per_step")(inputs)
    x = layers.LSTM(lstm_units, name="lstm")(features)
    outputs = layers.Dense(classes, activation="softmax", name="digit")(x)
    return keras.Model(inputs, outputs, name="quadrant_cnn_lstm")


def naive_td_cnn_lstm(*, steps: int = 4, height: int = 56, width: int = 14) -> Any:
    """The original question's model, channels last, each per-image layer in TimeDistributed.

    Conv2D(32, 3) → Conv2D(32, 3) → MaxPooling2D(2) → Flatten, per step; Dropout; LSTM(5);
    Dense(50); Dense(10, softmax). On the height-stacked layout (4, 56, 14, 1) the conv output
    per step is (26, 5, 32), the channels-last form of the question's (32, 26, 5).
    """
    keras = _keras()
    layers = keras.layers
    td = layers.TimeDistributed
    return keras.Sequential(
        [
            keras.Input((steps, height, width, 1)),
            td(layers.Conv2D(32, 3, activation="relu"), name="td_conv1"),
            td(layers.Conv2D(32, 3, activation="relu"), name="td_conv2"),
            td(layers.MaxPooling2D(2), name="td_pool"),
            td(layers.Flatten(), name="td_flatten"),
            layers.Dropout(0.25),
            layers.LSTM(5),
            layers.Dense(50, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="naive_td_cnn_lstm",
    )


def whole_image_cnn(*, filters: tuple[int, int] = (16, 32), classes: int = 10) -> Any:
    """A plain CNN on the whole 28 × 28 image: the baseline without a sequence.

    The same two blocks as :func:`quadrant_cnn` on the whole digit, then Flatten and the
    softmax: about the same arithmetic per image as the quadrant model, without the LSTM.
    """
    keras = _keras()
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            quadrant_cnn(filters, image_shape=(28, 28, 1)),  # 28 -> 14 -> 7, then Flatten
            keras.layers.Dense(classes, activation="softmax"),
        ],
        name="whole_image_cnn",
    )


def convlstm_quadrants(*, filters: int = 16, steps: int = 4, classes: int = 10) -> Any:
    """ConvLSTM2D over the quadrant sequence: convolutions inside the recurrent transitions."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((steps, 14, 14, 1)),
            layers.ConvLSTM2D(filters, 3, padding="same"),  # last state: (14, 14, filters)
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(classes, activation="softmax"),
        ],
        name="convlstm_quadrants",
    )
