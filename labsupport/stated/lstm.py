"""Section C: LSTM input, output and parameters."""

from __future__ import annotations

from labsupport.stated import Figure, register

CHAPTER = "02_lstm_shapes_and_parameters"


def _c7(return_sequences: bool = False):
    import keras

    return keras.Sequential(
        [
            keras.Input((10, 64)),
            keras.layers.LSTM(32, return_sequences=return_sequences),
            keras.layers.Dense(2),
        ]
    )


def _lstm10(steps: int) -> int:
    import keras

    model = keras.Sequential([keras.Input((steps, 5)), keras.layers.LSTM(10)])
    return model.count_params()


def _c10():
    import keras

    return keras.Sequential(
        [
            keras.Input((3000, 4)),
            keras.layers.LSTM(3, return_sequences=True),
            keras.layers.LSTM(3, return_sequences=True),
        ]
    )


_SAME = (
    "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates and the "
    "cell candidate), as in Keras 2."
)

for _figure in (
    Figure(
        "C7.lstm",
        "LSTM(32) on 10 steps × 64 features: parameters",
        12_416,
        lambda: _c7().layers[0].count_params(),
        _SAME + " Keras 1/2 examples wrote input_shape=(10, 64) on the layer; Keras 3 "
        "prefers keras.Input((10, 64)).",
        CHAPTER,
    ),
    Figure(
        "C7.dense",
        "Dense(2) after LSTM(32): parameters",
        66,
        lambda: _c7().layers[1].count_params(),
        "Unchanged.",
        CHAPTER,
    ),
    Figure(
        "C8.steps13",
        "LSTM(10) on 13 steps × 5 features: parameters",
        640,
        lambda: _lstm10(13),
        _SAME,
        CHAPTER,
    ),
    Figure(
        "C8.steps100",
        "LSTM(10) on 100 steps × 5 features: parameters",
        640,
        lambda: _lstm10(100),
        _SAME,
        CHAPTER,
    ),
    Figure(
        "C9.last",
        "LSTM(32) output with return_sequences=False: (batch, units)",
        (None, 32),
        lambda: tuple(_c7(False).layers[0].output.shape),
        "Unchanged. Keras 1/2 code read it from layer.output_shape; Keras 3 uses "
        "layer.output.shape.",
        CHAPTER,
    ),
    Figure(
        "C9.sequences",
        "LSTM(32) output with return_sequences=True: (batch, steps, units)",
        (None, 10, 32),
        lambda: tuple(_c7(True).layers[0].output.shape),
        "Unchanged. Keras 1/2 code read it from layer.output_shape; Keras 3 uses "
        "layer.output.shape.",
        CHAPTER,
    ),
    Figure(
        "C10.first",
        "Stacked LSTM(3) on 3000 steps × 4 features: first layer",
        96,
        lambda: _c10().layers[0].count_params(),
        _SAME,
        CHAPTER,
    ),
    Figure(
        "C10.second",
        "Stacked LSTM(3) on 3000 steps × 4 features: second layer",
        84,
        lambda: _c10().layers[1].count_params(),
        _SAME,
        CHAPTER,
    ),
    Figure(
        "C10.total",
        "Stacked LSTM(3) × 2 on 3000 steps × 4 features: total",
        180,
        lambda: _c10().count_params(),
        _SAME,
        CHAPTER,
    ),
):
    register(_figure)
