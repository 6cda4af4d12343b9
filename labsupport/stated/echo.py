"""Section A: the echo problem."""

from __future__ import annotations

from labsupport.stated import Figure, register


def _one_to_one():
    import keras

    return keras.Sequential([keras.Input((1, 1)), keras.layers.LSTM(5), keras.layers.Dense(1)])


register(
    Figure(
        "A1.lstm",
        "One-to-one echo: parameters of LSTM(5) on 1 feature",
        140,
        lambda: _one_to_one().layers[0].count_params(),
        "Unchanged. Keras 3 keeps one bias vector for each of the four blocks (three gates "
        "and the cell candidate), as Keras 2 did; TF1's CuDNNLSTM kept two and counted 160.",
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


def _many_to_one():
    import keras

    return keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(5), keras.layers.Dense(5)])


def _many_to_many():
    import keras

    return keras.Sequential(
        [
            keras.Input((5, 1)),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(1)),
        ]
    )


register(
    Figure(
        "A2.lstm",
        "Many-to-one echo: parameters of LSTM(5) on 5 steps of 1 feature",
        140,
        lambda: _many_to_one().layers[0].count_params(),
        "Unchanged; the number of time steps plays no part in the count.",
        "03_many_to_one_echo",
    )
)
register(
    Figure(
        "A2.dense",
        "Many-to-one echo: parameters of Dense(5) after LSTM(5)",
        30,
        lambda: _many_to_one().layers[1].count_params(),
        "Unchanged.",
        "03_many_to_one_echo",
    )
)
register(
    Figure(
        "A3.lstm",
        "Many-to-many echo: parameters of LSTM(5, return_sequences=True)",
        140,
        lambda: _many_to_many().layers[0].count_params(),
        "Unchanged; return_sequences changes the output shape, not the weights.",
        "04_many_to_many_echo",
    )
)
register(
    Figure(
        "A3.dense",
        "Many-to-many echo: parameters of TimeDistributed(Dense(1))",
        6,
        lambda: _many_to_many().layers[1].count_params(),
        "Unchanged. In Keras 3 a plain Dense(1) on the 3D sequence has the same 6 weights and "
        "gives the same outputs; the wrapper is optional for Dense.",
        "04_many_to_many_echo",
    )
)
