"""Section A: the echo problem."""

from __future__ import annotations

from labsupport.figures import Figure, register


def _one_to_one():
    import keras

    return keras.Sequential(
        [keras.Input((1, 1)), keras.layers.LSTM(5), keras.layers.Dense(1)]
    )


register(
    Figure(
        "A1.lstm",
        "One-to-one echo: parameters of LSTM(5) on 1 feature",
        140,
        lambda: _one_to_one().layers[0].count_params(),
        "Unchanged. Keras 3 keeps one bias vector per gate, as Keras 2 did; TF1's "
        "CuDNNLSTM kept two and counted 160.",
        "01_one_to_one_echo",
    )
)
register(
    Figure(
        "A1.dense",
        "One-to-one echo: parameters of Dense(1) after LSTM(5)",
        6,
        lambda: _one_to_one().layers[1].count_params(),
        "Unchanged.",
        "01_one_to_one_echo",
    )
)
