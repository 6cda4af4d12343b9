"""Section F: CNN + LSTM on MNIST read as a sequence of quadrants."""

from __future__ import annotations

from labsupport.figures import Figure, register

_CHAPTER = "08_cnn_lstm_mnist_quadrants"

MNIST_TRAIN_IMAGES = 60_000


def _data_shape_channels_first() -> tuple:
    """The width-stacked training data, moved to channels first as the question had it."""
    import numpy as np

    from labsupport.data import width_stacked_sequences

    one = width_stacked_sequences(np.zeros((1, 28, 28), dtype=np.uint8))  # (1, 4, 56, 14, 1)
    per_sample = np.moveaxis(one, -1, 2).shape[1:]  # (4, 1, 56, 14)
    return (MNIST_TRAIN_IMAGES, *per_sample)


def _quadrant_shape() -> tuple:
    import numpy as np

    from labsupport.data import quadrants

    return tuple(quadrants(np.zeros((1, 28, 28), dtype=np.uint8)).shape[2:])


def _conv_output_channels_first() -> tuple:
    """Shape inference only: TensorFlow's CPU kernels cannot run channels-first convolutions."""
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input((1, 56, 14)),
            layers.Conv2D(32, 3, data_format="channels_first"),
            layers.Conv2D(32, 3, data_format="channels_first"),
            layers.MaxPooling2D(2, data_format="channels_first"),
        ]
    )
    return tuple(model.outputs[0].shape)


register(
    Figure(
        "F17.quadrant",
        "MNIST quadrants: height and width of one quadrant",
        (14, 14),
        _quadrant_shape,
        "Unchanged: a 28 × 28 digit cut in four.",
        _CHAPTER,
    )
)
register(
    Figure(
        "F17.data_shape",
        "MNIST quadrants: training data, four width-stacked steps, channels first",
        (60_000, 4, 1, 56, 14),
        _data_shape_channels_first,
        "Keras 3 on TensorFlow's CPU wants channels last: the same data is (60000, 4, 56, 14, 1).",
        _CHAPTER,
    )
)
register(
    Figure(
        "F18.conv_output",
        "MNIST quadrants: Conv2D(32, 3) ×2 + MaxPooling2D(2) output per step, channels first",
        (None, 32, 26, 5),
        _conv_output_channels_first,
        "Shape inference still accepts data_format='channels_first', but TensorFlow's CPU "
        "kernels cannot run it; channels last gives (None, 26, 5, 32) per step.",
        _CHAPTER,
    )
)
