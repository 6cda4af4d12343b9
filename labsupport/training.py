"""Training and scoring helpers shared by the chapters and the benchmarks.

* :func:`fit_passes` — train for a number of passes over the data, timed.
* :func:`fit_within` — Adam on a one-cycle schedule (:func:`one_cycle`), stopped by a
  :class:`TimeBudget` (defined in :mod:`labsupport.budget`, loaded on first use so that this
  module imports no Keras).
* :func:`predicted_labels`, :func:`accuracy` — score with direct calls of the model.
* :func:`recorded_warnings`, :func:`without_retracing_warnings` — what Keras and TensorFlow
  say while a block runs.
"""

from __future__ import annotations

import contextlib
import logging
import math
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


def _keras():
    import keras

    return keras


def one_cycle(
    total_steps: int, *, peak: float = 3e-3, warmup_fraction: float = 0.15, start: float = 3e-4
) -> Any:
    """A one-cycle learning rate: linear warm-up to ``peak``, then cosine decay to near zero."""
    keras = _keras()
    total_steps = max(int(total_steps), 2)
    warmup = max(1, int(total_steps * warmup_fraction))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=start,
        decay_steps=max(1, total_steps - warmup),
        alpha=0.01,
        warmup_target=peak,
        warmup_steps=warmup,
    )


def _time_budget_class() -> type:
    from labsupport.budget import TimeBudget

    return TimeBudget


def __getattr__(name: str) -> Any:
    # ``training.TimeBudget`` (and ``from labsupport.training import TimeBudget``) loads the class,
    # and with it Keras, on first use.
    if name == "TimeBudget":
        return _time_budget_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def fit_within(
    model: Any,
    x: Any,
    y: Any,
    *,
    seconds: float,
    epochs: int,
    batch_size: int = 128,
    peak_lr: float = 3e-3,
    clock: str = "wall",
    seed: int = 0,
    steps_per_execution: int = 16,
    callbacks: Sequence[Any] = (),
) -> Any:
    """Compile ``model`` with Adam on a one-cycle schedule and train it within ``seconds``.

    The schedule is planned for ``epochs`` full epochs; :class:`TimeBudget` stops earlier if
    the budget runs out on its ``clock`` (``"wall"`` or ``"machine"``). Labels are integers
    (sparse categorical cross-entropy). ``steps_per_execution`` batches run in one
    call into TensorFlow, which saves Python overhead per batch (on a two-core laptop about a
    fifth of the wall time); the budget is then checked every that many batches. ``callbacks``
    are extra Keras callbacks run beside the budget (one that scores the model at checkpoints,
    say); to train without a time limit, pass ``seconds=math.inf``. Returns the budget
    callback (a :class:`TimeBudget`), which records the time and epochs actually spent.
    """
    keras = _keras()
    keras.utils.set_random_seed(seed)
    steps = epochs * math.ceil(len(x) / batch_size)
    if keras.backend.backend() == "torch":  # the PyTorch backend runs one batch per step only
        steps_per_execution = 1
    model.compile(
        optimizer=keras.optimizers.Adam(one_cycle(steps, peak=peak_lr)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    budget = _time_budget_class()(seconds, clock=clock)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, callbacks=[budget, *callbacks], verbose=0)
    return budget


def predicted_labels(model: Any, x: Any, *, batch_size: int = 500) -> Any:
    """The class ``model`` picks for each sample of ``x``, calling the model batch by batch.

    ``model.predict`` and ``model.evaluate`` first trace a TensorFlow function for the model.
    For a model that is scored once, the trace costs more than the forward pass itself; and
    TensorFlow counts the traces of all Keras models together (their functions share one
    piece of Python code), so scoring several new models in a row makes it warn about
    "retracing". A direct call in inference mode gives the same predictions without a trace.
    """
    import numpy as np

    keras = _keras()
    return np.concatenate(
        [
            keras.ops.convert_to_numpy(model(x[i : i + batch_size], training=False)).argmax(-1)
            for i in range(0, len(x), batch_size)
        ]
    )


def accuracy(model: Any, x: Any, y: Any, *, batch_size: int = 500) -> float:
    """The fraction of ``x`` that ``model`` classifies as ``y`` (see :func:`predicted_labels`)."""
    import numpy as np

    return float(np.mean(predicted_labels(model, x, batch_size=batch_size) == np.asarray(y)))


RETRACING_NOTE = "triggered tf.function retracing"
"""The start of the warning TensorFlow logs when it sees one Python function traced often."""


class _NotRetracing(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return RETRACING_NOTE not in record.getMessage()


@contextlib.contextmanager
def without_retracing_warnings() -> Iterator[None]:
    """Leave out TensorFlow's "triggered tf.function retracing" warning, and nothing else.

    Each new Keras model traces its own training and predict functions once, but TensorFlow
    counts the traces of all models together (they run the same Python function) and, from
    the fifth, warns as if one function were traced again and again in a loop. Where a cell
    builds several models on purpose the warning says nothing, and it holds a memory address
    that changes from run to run.
    """
    logger = logging.getLogger("tensorflow")  # tf.get_logger(), without importing TensorFlow
    quiet = _NotRetracing()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
