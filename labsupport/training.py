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
    """Train for ``passes`` passes over ``(x, y)``, the same updates as ``epochs=passes``.

    Keras 3 spends tens of milliseconds of bookkeeping at every epoch, far more than one
    update on a five-number data set takes. So the data is repeated ``passes_per_epoch`` times
    (in order, unshuffled) and Keras runs ``passes / passes_per_epoch`` epochs: every batch,
    and so every weight update, is the one ``fit(x, y, epochs=passes)`` would make, in about
    a tenth of the time. The History has one loss value per ``passes_per_epoch`` passes.
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
    return history
