"""Section B: Dense on a 3D input, and the weight sharing that follows."""

from __future__ import annotations

from labsupport.stated import Figure, register

CHAPTER = "05_dense_on_3d_input"

_LAST_AXIS = (
    "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at every step "
    "of a sequence needed TimeDistributed. Keras 2 applied Dense to the last axis of any "
    "input, though its documentation said an input of rank above 2 was flattened first; "
    "Keras 3 applies it to the last axis only and documents that."
)


def _dense_on(shape: tuple[int, ...], units: int):
    import keras

    return keras.Sequential([keras.Input(shape), keras.layers.Dense(units)])


for _figure in (
    Figure(
        "B4.shape",
        "Dense(4) on input (2, 3): output shape",
        (None, 2, 4),
        lambda: tuple(_dense_on((2, 3), 4).outputs[0].shape),
        _LAST_AXIS,
        CHAPTER,
    ),
    Figure(
        "B5.params",
        "Dense(10) on input (20, 5): parameters",
        60,
        lambda: _dense_on((20, 5), 10).count_params(),
        _LAST_AXIS,
        CHAPTER,
    ),
    Figure(
        "B5.shape",
        "Dense(10) on input (20, 5): output shape",
        (None, 20, 10),
        lambda: tuple(_dense_on((20, 5), 10).outputs[0].shape),
        _LAST_AXIS,
        CHAPTER,
    ),
    Figure(
        "B6.flat",
        "Dense(10) on a flattened MNIST image (784,): parameters",
        7_850,
        lambda: _dense_on((784,), 10).count_params(),
        "Unchanged.",
        CHAPTER,
    ),
    Figure(
        "B6.rows",
        "Dense(10) on an MNIST image kept as (28, 28): parameters",
        290,
        lambda: _dense_on((28, 28), 10).count_params(),
        _LAST_AXIS,
        CHAPTER,
    ),
    Figure(
        "B6.shape",
        "Dense(10) on an MNIST image kept as (28, 28): output shape",
        (None, 28, 10),
        lambda: tuple(_dense_on((28, 28), 10).outputs[0].shape),
        _LAST_AXIS,
        CHAPTER,
    ),
):
    register(_figure)
