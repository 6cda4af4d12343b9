"""Training with ``model.fit`` (chapters 1 and 3): what a loop makes of the data it is given."""

from __future__ import annotations

from labsupport.behaviours import behaviour


def _echo_model(steps: int, units: int, outputs: int):
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((steps, 1)),
            layers.LSTM(units),
            layers.Dense(outputs),
        ]
    )


@behaviour(
    "fitting.whole_batch_fit_matches_fit_passes",
    claim=(
        "model.fit(x, y, epochs=n, batch_size=len(x)) and the book's fit_passes(passes=n), "
        "started from the same weights, end with the same weights up to float rounding: a batch "
        "that holds every sample has the same mean gradient in any order, so fit's shuffling "
        "changes nothing."
    ),
    chapter="01_one_to_one_echo",
)
def _whole_batch_fit_matches_fit_passes() -> str:
    import keras
    import numpy as np

    from labsupport.training import fit_passes

    keras.utils.set_random_seed(0)
    x = np.linspace(0.0, 0.8, 5, dtype="float32").reshape(5, 1, 1)
    y = x.reshape(5, 1)
    first = _echo_model(steps=1, units=3, outputs=1)
    second = keras.models.clone_model(first)
    start = first.get_weights()
    second.set_weights(start)
    for model in (first, second):  # eager: no tracing, so the check stays fast
        model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    first.fit(x, y, epochs=4, batch_size=5, verbose=0)  # shuffles the samples each epoch
    fit_passes(second, x, y, passes=4, batch_size=5, passes_per_epoch=4)
    gap = max(
        float(np.abs(a - b).max())
        for a, b in zip(first.get_weights(), second.get_weights(), strict=True)
    )
    assert gap < 1e-4, f"the weights differ by {gap}"
    moved = max(float(np.abs(a - b).max()) for a, b in zip(first.get_weights(), start, strict=True))
    assert moved > 1e-3, f"training hardly moved the weights ({moved})"
    return (
        f"4 epochs of fit (batch 5 of 5) vs 4 passes of fit_passes: the weights moved up to "
        f"{moved:.1e} from the start and differ by at most {gap:.1e}"
    )


@behaviour(
    "fitting.one_output_broadcasts_over_targets",
    claim=(
        "A model with one output per sample, (1, 1), trains against five targets per sample, "
        "(1, 5), without an error or a warning: the mean squared error broadcasts the one "
        "prediction against all five targets."
    ),
    chapter="03_many_to_one_echo",
)
def _one_output_broadcasts_over_targets() -> str:
    import warnings

    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.linspace(0.0, 0.8, 5, dtype="float32").reshape(1, 5, 1)
    y = x.reshape(1, 5)
    model = _echo_model(steps=5, units=2, outputs=1)
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)  # eager: no tracing
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, epochs=1, batch_size=1, verbose=0)
    # PyTorch's tensors set off NumPy DeprecationWarnings of their own; those are not about y.
    about_shapes = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    assert not about_shapes, [str(w.message) for w in about_shapes]
    answer = keras.ops.convert_to_numpy(model(x))
    assert answer.shape == (1, 1), answer.shape
    loss = float(keras.ops.convert_to_numpy(keras.losses.MeanSquaredError()(y, answer)))
    by_broadcast = float(np.mean((y - answer) ** 2))
    assert np.isclose(loss, by_broadcast, rtol=1e-4), (loss, by_broadcast)
    return (
        f"fit on (1, 5) targets with a (1, 1) output: no error, {len(about_shapes)} warnings; "
        f"loss {loss:.4f} = mean of (y - answer)^2 broadcast {by_broadcast:.4f}"
    )
