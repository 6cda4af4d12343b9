"""Training helpers shared by the chapters."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    callbacks: Sequence[Any] = (),
) -> Any:
    """Train for ``passes`` passes over ``(x, y)``: the updates of ``epochs=passes``, fewer epochs.

    Keras 3 does a fixed amount of bookkeeping at every epoch (callbacks, logs, a fresh pass
    of the input pipeline), which can cost more than one update on a five-number data set.
    So the data is repeated ``passes_per_epoch`` times (in order, unshuffled) and Keras runs
    ``passes / passes_per_epoch`` epochs: every batch, and so every weight update, is the one
    ``fit(x, y, epochs=passes, shuffle=False)`` would make. Exactly ``passes`` passes are made:
    when ``passes_per_epoch`` does not divide ``passes``, each epoch repeats the data the
    largest number of times, at most ``passes_per_epoch``, that does (15 passes run as 3 epochs
    of 5). ``callbacks`` are extra Keras callbacks handed to ``fit``; they see Keras epochs,
    each of ``passes_per_epoch`` passes.

    The returned History has one loss value per Keras epoch, the mean of the batch losses of
    that epoch's ``passes_per_epoch`` passes. It also carries ``passes`` (passes made),
    ``passes_per_epoch`` (passes behind each loss value), ``updates_per_pass`` (batches, and
    so weight updates, per pass) and ``seconds`` (time spent in ``fit``), which
    :func:`labsupport.plotting.loss_curve` uses to label its axis.
    """
    counts = {"passes": passes, "batch_size": batch_size, "passes_per_epoch": passes_per_epoch}
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    if len(x) % batch_size:
        raise ValueError(
            f"batch_size {batch_size} must divide the {len(x)} samples so that every "
            "repeated pass is split into the same batches"
        )
    per_epoch = max(d for d in range(1, min(passes_per_epoch, passes) + 1) if passes % d == 0)
    epochs = passes // per_epoch
    reps = (per_epoch,) + (1,) * (np.ndim(x) - 1)
    x_rep = np.tile(x, reps)
    y_rep = np.tile(y, (per_epoch,) + (1,) * (np.ndim(y) - 1))
    start = time.perf_counter()
    history = model.fit(
        x_rep,
        y_rep,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=False,
        verbose=0,
        callbacks=list(callbacks),
    )
    history.seconds = time.perf_counter() - start
    history.passes = epochs * per_epoch
    history.passes_per_epoch = per_epoch
    history.updates_per_pass = len(x) // batch_size
    return history


class Warnings(list):
    """The warnings a block raised, less the backend's notices about its own tensors.

    ``left_out`` holds the notices that were set aside (see :func:`recorded_warnings`).
    """

    left_out: list[warnings.WarningMessage]

    def summary(self) -> str:
        """``"0 warnings"``, saying how many backend notices were left out when there were any."""
        said = f"{len(self)} warning{'' if len(self) == 1 else 's'}"
        if self.left_out:
            notices = len(self.left_out)
            said += (
                f" ({notices} notice{'' if notices == 1 else 's'} of the backend about its own"
                " tensors left out)"
            )
        return said


def _backend_notice(caught: warnings.WarningMessage) -> bool:
    """NumPy's DeprecationWarning about how Keras's torch backend converts its own tensors.

    NumPy 2 asks ``__array__`` to take a ``copy`` argument; the PyTorch tensors that Keras's
    torch backend hands to NumPy do not, and NumPy says so at every conversion, whatever the
    model or its data.
    """
    return issubclass(caught.category, DeprecationWarning) and "__array__" in str(caught.message)


@contextmanager
def recorded_warnings() -> Iterator[Warnings]:
    """Record every warning raised inside the block, as a list of ``warnings.WarningMessage``.

    A chapter asks whether Keras warned about a model or its data. One backend adds notices
    about its own tensors at every call (:func:`_backend_notice`), which say nothing about
    either: they are kept apart in ``.left_out``, so the list is the same on every backend.
    """
    kept = Warnings()
    kept.left_out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield kept
    for item in caught:
        (kept.left_out if _backend_notice(item) else kept).append(item)
