"""Dense on inputs of rank above 2 (chapter 5): the last axis only, shared across the others."""

from __future__ import annotations

from labsupport import numerics
from labsupport.behaviours import behaviour, to_numpy

CHAPTER = "05_dense_on_3d_input"


@behaviour(
    "dense.last_axis_only",
    claim=(
        "Dense acts on the last axis of its input and keeps the others: on (2, 3) samples, "
        "Dense(4) gives (None, 2, 4), each row computed as row @ kernel + bias."
    ),
    chapter=CHAPTER,
)
def _last_axis_only() -> str:
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((2, 3)), keras.layers.Dense(4)])
    kernel, bias = model.layers[0].get_weights()
    x = np.random.default_rng(0).normal(size=(1, 2, 3)).astype("float32")
    np.testing.assert_allclose(to_numpy(model(x)), x @ kernel + bias, **numerics.tolerance())
    out = tuple(model.outputs[0].shape)
    assert out == (None, 2, 4), out
    return f"output {out}; kernel {kernel.shape}; equals x @ kernel + bias row by row"


@behaviour(
    "dense.other_axes_add_no_weights",
    claim=(
        "The axes before the last add no weights: Dense(10) has 60 parameters on (20, 5) "
        "and on a single row of 5."
    ),
    chapter=CHAPTER,
)
def _other_axes_add_no_weights() -> str:
    import keras

    counts = {
        shape: keras.Sequential([keras.Input(shape), keras.layers.Dense(10)]).count_params()
        for shape in ((20, 5), (5,), (7, 3, 5))
    }
    assert set(counts.values()) == {60}, counts
    return ", ".join(f"on {s}: {c}" for s, c in counts.items())


@behaviour(
    "dense.same_as_time_distributed",
    claim=(
        "On a 3D input, Dense and TimeDistributed(Dense) have the same parameters and, with "
        "the same weights, give the same outputs."
    ),
    chapter=CHAPTER,
)
def _same_as_time_distributed() -> str:
    import keras
    import numpy as np
    from keras import layers

    plain = keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])
    wrapped = keras.Sequential([keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))])
    wrapped.layers[0].set_weights(plain.layers[0].get_weights())
    x = np.random.default_rng(1).normal(size=(8, 5, 3)).astype("float32")
    diff = float(np.abs(to_numpy(wrapped(x)) - to_numpy(plain(x))).max())
    assert diff < 1e-5, diff
    assert plain.count_params() == wrapped.count_params() == 16
    return f"16 parameters each; largest difference in output {diff:.1e}"
