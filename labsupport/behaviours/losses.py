"""How Keras 3's losses treat targets whose rank differs from the prediction's."""

from __future__ import annotations

from labsupport.behaviours import behaviour


@behaviour(
    "losses.squeeze_target_rank",
    claim=(
        "Keras 3's losses line up the ranks of target and prediction: a (1, 5) target against a "
        "(1, 5, 1) prediction gives the same loss as the (1, 5, 1) target. NumPy arithmetic does "
        "not: it broadcasts to (1, 5, 5)."
    ),
    chapter="04_many_to_many_echo",
)
def _squeeze_target_rank() -> str:
    import keras
    import numpy as np

    target = np.linspace(0.0, 0.8, 5, dtype="float32").reshape(1, 5, 1)
    prediction = target + np.float32(0.1) * np.arange(1, 6, dtype="float32").reshape(1, 5, 1)
    mse = keras.losses.MeanSquaredError()
    loss_3d = float(mse(target, prediction))
    loss_2d = float(mse(target.reshape(1, 5), prediction))
    assert np.isclose(loss_2d, loss_3d), f"3D target {loss_3d:.4f}, 2D target {loss_2d:.4f}"
    broadcast = (prediction - target.reshape(1, 5)).shape
    assert broadcast == (1, 5, 5), broadcast
    return (
        f"MSE with a (1, 5, 1) target {loss_3d:.4f}, with a (1, 5) target {loss_2d:.4f}; "
        f"prediction - 2D target has shape {broadcast}"
    )
