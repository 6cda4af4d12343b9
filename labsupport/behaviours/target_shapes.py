"""Targets shaped unlike the output (chapter 4): where Keras 3's loss lines them up, and not."""

from __future__ import annotations

from labsupport.behaviours import behaviour


@behaviour(
    "target_shapes.only_a_trailing_one_is_dropped",
    claim=(
        "Keras 3's loss lines up a (1, 5) target with a (1, 5, 1) prediction only because the "
        "last axis has size 1: against two values per step, (1, 5, 2), the same targets fail."
    ),
    chapter="04_many_to_many_echo",
)
def _only_a_trailing_one_is_dropped() -> str:
    import keras
    import numpy as np

    from labsupport.diagnose import shape_message

    mse = keras.losses.MeanSquaredError()
    targets = np.linspace(0.0, 0.8, 5, dtype="float32").reshape(1, 5)
    one = float(mse(targets, targets.reshape(1, 5, 1)))
    assert one == 0.0, one
    try:
        mse(targets, np.zeros((1, 5, 2), "float32"))
    except Exception as err:  # TensorFlow raises InvalidArgumentError
        kind, message = type(err).__name__, shape_message(err)
    else:
        raise AssertionError("a (1, 5) target lined up with a (1, 5, 2) prediction")
    return f"(1, 5) vs (1, 5, 1): loss {one}; vs (1, 5, 2): {kind}: {message}"
