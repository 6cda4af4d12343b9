"""Section F: CNN + LSTM on MNIST read as a sequence of quadrants."""

from __future__ import annotations

from labsupport.stated import Figure, register

_CHAPTER = "08_cnn_lstm_mnist_quadrants"

MNIST_TRAIN_IMAGES = 60_000
"""The size of MNIST's full training set, as Keras documents it; the question's data had all."""


def _training_images() -> int:
    """Training images in MNIST: counted from the file when a copy of the data set is at hand.

    The ledger also runs on machines that have only the small sample bundled with labsupport;
    there the count cannot be computed and the documented size is used.
    """
    from labsupport.data import load_mnist

    try:
        mnist = load_mnist(allow_download=False, verbose=False)
    except (OSError, ValueError):
        return MNIST_TRAIN_IMAGES
    return MNIST_TRAIN_IMAGES if mnist.source == "bundled-sample" else len(mnist.x_train)


def _data_shape_channels_first() -> tuple:
    """The height-stacked training data (four orders one above the other), moved to channels
    first as the question had it."""
    import numpy as np

    from labsupport.data import width_stacked_sequences

    one = width_stacked_sequences(np.zeros((1, 28, 28), dtype=np.uint8))  # (1, 4, 56, 14, 1)
    per_sample = np.moveaxis(one, -1, 2).shape[1:]  # (4, 1, 56, 14)
    return (_training_images(), *per_sample)


def _quadrant_shape() -> tuple:
    import numpy as np

    from labsupport.data import quadrants

    return tuple(quadrants(np.zeros((1, 28, 28), dtype=np.uint8)).shape[2:])


def _conv_output_channels_first() -> tuple:
    """Shape inference of the question's channels-first CNN (whether it runs is another matter)."""
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
        "MNIST quadrants: training data, four height-stacked steps, channels first",
        (60_000, 4, 1, 56, 14),
        _data_shape_channels_first,
        "The 60,000 is MNIST's full training set (counted from the file when full MNIST is at "
        "hand; the bundled sample has fewer). The book keeps Keras's default, channels last: "
        "the same data is (60000, 4, 56, 14, 1).",
        _CHAPTER,
    )
)
register(
    Figure(
        "F18.conv_output",
        "MNIST quadrants: Conv2D(32, 3) ×2 + MaxPooling2D(2) output per step, channels first",
        (None, 32, 26, 5),
        _conv_output_channels_first,
        "Shape inference accepts data_format='channels_first'. Running it on a CPU depends on "
        "TensorFlow's kernels: with oneDNN on (TF_ENABLE_ONEDNN_OPTS=1) it runs; TensorFlow's "
        "own kernels (oneDNN off, TF_ENABLE_ONEDNN_OPTS=0) refuse it; unset, the CPU decides; "
        "'only supports the NHWC tensor format'. Channels last, Keras's default, runs on both "
        "and gives (None, 26, 5, 32) per step.",
        _CHAPTER,
    )
)
