"""Training helpers shared by the chapters."""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def fit_passes(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    passes: int,
    batch_size: int,
    passes_per_epoch: int = 10,
) -> Any:
    """Train for ``passes`` passes over ``(x, y)``: the updates of ``epochs=passes``, fewer epochs.

    Keras 3 does a fixed amount of bookkeeping at every epoch (callbacks, logs, a fresh pass
    of the input pipeline), which can cost more than one update on a five-number data set.
    So the data is repeated ``passes_per_epoch`` times (in order, unshuffled) and Keras runs
    ``passes / passes_per_epoch`` epochs: every batch, and so every weight update, is the one
    ``fit(x, y, epochs=passes, shuffle=False)`` would make.

    The returned History has one loss value per Keras epoch, the mean of the batch losses of
    that epoch's ``passes_per_epoch`` passes. It also carries ``passes`` (passes made),
    ``passes_per_epoch`` (passes behind each loss value), ``updates_per_pass`` (batches, and
    so weight updates, per pass) and ``seconds`` (time spent in ``fit``), which
    :func:`labsupport.plotting.loss_curve` uses to label its axis.
    """
    if passes < 1 or batch_size < 1 or passes_per_epoch < 1:
        raise ValueError("passes, batch_size and passes_per_epoch must be positive")
    if len(x) % batch_size:
        raise ValueError(
            f"batch_size {batch_size} must divide the {len(x)} samples so that every "
            "repeated pass is split into the same batches"
        )
    per_epoch = min(passes_per_epoch, passes)
    epochs = max(1, round(passes / per_epoch))
    reps = (per_epoch,) + (1,) * (np.ndim(x) - 1)
    x_rep = np.tile(x, reps)
    y_rep = np.tile(y, (per_epoch,) + (1,) * (np.ndim(y) - 1))
    start = time.perf_counter()
    history = model.fit(
        x_rep, y_rep, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0
    )
    history.seconds = time.perf_counter() - start
    history.passes = epochs * per_epoch
    history.passes_per_epoch = per_epoch
    history.updates_per_pass = len(x) // batch_size
    return history
