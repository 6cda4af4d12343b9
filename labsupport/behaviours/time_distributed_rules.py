"""The rules of TimeDistributed that chapters 4 and 5 state, each shown by running it."""

from __future__ import annotations

from labsupport import numerics
from labsupport.behaviours import behaviour, to_numpy


@behaviour(
    "time_distributed_rules.needs_3d_input",
    claim=(
        "TimeDistributed needs an input with a time axis, at least 3D: after an LSTM without "
        "`return_sequences`, whose output is (None, 5), Keras 3 refuses to build the model."
    ),
    chapter="04_many_to_many_echo",
)
def _needs_3d_input() -> str:
    import keras
    from keras import layers

    try:
        keras.Sequential(
            [keras.Input((5, 1)), layers.LSTM(5), layers.TimeDistributed(layers.Dense(1))]
        )
    except ValueError as err:
        text = str(err).splitlines()[0]
    else:
        raise AssertionError("TimeDistributed accepted a 2D input")
    assert "3 dimensions" in text, text
    return f"ValueError: {text[:110]}"


@behaviour(
    "time_distributed_rules.same_weights_every_step",
    claim=(
        "TimeDistributed(Dense(1)) applies one kernel and one bias at every step: its output "
        "at step t is h_t · w + b, computed by hand."
    ),
    chapter="04_many_to_many_echo",
)
def _same_weights_every_step() -> str:
    import keras
    import numpy as np

    wrapped = keras.Sequential(
        [keras.Input((5, 5)), keras.layers.TimeDistributed(keras.layers.Dense(1))]
    )
    w, b = wrapped.layers[0].get_weights()
    h = np.random.default_rng(0).normal(size=(2, 5, 5)).astype("float32")
    by_hand = np.stack([h[:, t, :] @ w + b for t in range(5)], axis=1)
    np.testing.assert_allclose(to_numpy(wrapped(h)), by_hand, **numerics.tolerance())
    assert wrapped.count_params() == w.size + b.size == 6
    return f"kernel {w.shape}, bias {b.shape}; the output equals h_t @ w + b at all 5 steps"


@behaviour(
    "time_distributed_rules.adds_no_weights",
    claim=(
        "Wrapping a layer or a whole CNN in TimeDistributed adds no weights: the wrapper's "
        "count is the wrapped model's."
    ),
    chapter="05_dense_on_3d_input",
)
def _adds_no_weights() -> str:
    import keras
    from keras import layers

    cnn = keras.Sequential(
        [keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.MaxPooling2D(), layers.Flatten()]
    )
    seq = keras.Sequential([keras.Input((3, 8, 8, 1)), layers.TimeDistributed(cnn)])
    assert seq.count_params() == cnn.count_params() == 40, (seq.count_params(), cnn.count_params())
    out = tuple(seq.outputs[0].shape)
    assert out == (None, 3, 36), out
    return (
        f"CNN {cnn.count_params()} weights, TimeDistributed(CNN) {seq.count_params()}; output {out}"
    )


@behaviour(
    "time_distributed_rules.conv2d_needs_the_wrapper",
    claim=(
        "Conv2D reads (batch, height, width, channel) and refuses a 5D sequence of images; "
        "wrapped in TimeDistributed it runs on each image of the sequence."
    ),
    chapter="05_dense_on_3d_input",
)
def _conv2d_needs_the_wrapper() -> str:
    import keras
    from keras import layers

    frames = keras.Input((3, 32, 32, 1))
    try:
        layers.Conv2D(8, 3)(frames)
    except ValueError as err:
        text = str(err).splitlines()[0]
    else:
        raise AssertionError("Conv2D accepted a 5D input")
    out = tuple(layers.TimeDistributed(layers.Conv2D(8, 3))(frames).shape)
    assert out == (None, 3, 30, 30, 8), out
    return f"Conv2D on 5D: ValueError ({text[:60]}...); TimeDistributed(Conv2D): {out}"
