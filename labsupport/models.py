"""Models for MNIST read as a sequence of quadrants, and a callback that stops on time.

Chapter 8 and the benchmarks share these builders, so a model is defined once:

* :func:`quadrant_cnn_lstm` — the fast design: a small CNN reads each 14 × 14 quadrant (the
  four steps are folded into the batch axis, so the CNN runs once on ``4 × batch`` images),
  then an LSTM reads the four feature vectors in order.
* :func:`naive_td_cnn_lstm` — the design of the original question, channels last: two
  unpadded convolutions, a pooling layer, all wrapped in TimeDistributed, then a tiny LSTM.
* :func:`whole_image_cnn` — the baseline without any sequence: a small CNN on the 28 × 28 image.
* :func:`convlstm_quadrants` — a ConvLSTM2D reads the quadrants: the convolutions sit inside
  the recurrence.
* :class:`TimeBudget` — stops ``fit`` once a time budget is spent (wall clock or machine time);
  defined in :mod:`labsupport.budget`, loaded on first use so that this module imports no Keras.
* :func:`fit_within`, :func:`predicted_labels`, :func:`accuracy` — train within a budget;
  score with direct calls of the model.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

QUADRANT_SHAPE = (4, 14, 14, 1)
"""One sample: four steps, each a 14 × 14 quadrant with one channel (channels last)."""


def _keras():
    import keras

    return keras


def quadrant_cnn(
    filters: tuple[int, int] = (16, 32), *, image_shape: tuple[int, int, int] = (14, 14, 1)
) -> Any:
    """The per-quadrant CNN: two conv blocks (conv, batch norm, ReLU, pool), then Flatten.

    On a 14 × 14 × 1 quadrant the output is ``3 × 3 × filters[1]`` features. Batch norm keeps
    its running statistics with momentum 0.9 rather than 0.99, so that they settle within
    the few hundred steps of a short, budgeted training run.
    """
    keras = _keras()
    layers = keras.layers
    f1, f2 = filters
    return keras.Sequential(
        [
            keras.Input(image_shape),
            # Pooling before batch norm and ReLU gives the same kind of block at a quarter of
            # the memory traffic, which is what costs most on a small CPU.
            layers.Conv2D(f1, 3, padding="same", use_bias=False),
            layers.MaxPooling2D(2),  # 14 -> 7
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Conv2D(f2, 3, padding="same", use_bias=False),
            layers.MaxPooling2D(2),  # 7 -> 3
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Flatten(),
        ],
        name="quadrant_cnn",
    )


def quadrant_cnn_lstm(
    *,
    steps: int = 4,
    filters: tuple[int, int] = (16, 32),
    lstm_units: int = 64,
    classes: int = 10,
    fold: bool = True,
) -> Any:
    """CNN per quadrant, then an LSTM over the quadrants, then a softmax over the digits.

    Args:
        steps: quadrants per sample (4).
        filters: filters of the two conv blocks of :func:`quadrant_cnn`.
        lstm_units: units of the LSTM that reads the per-quadrant features.
        classes: number of classes (10 digits).
        fold: fold the time axis into the batch axis around the CNN (one convolution over
            ``steps × batch`` images). With ``fold=False`` the CNN is wrapped in
            ``TimeDistributed``, which in Keras 3 calls it once per step. The weights and the
            parameter count are the same, and so is the output at inference. In training
            they differ, because of the CNN's BatchNormalization: the fold normalises all
            ``steps × batch`` quadrants together and updates the moving statistics once per
            batch; the wrapper normalises each step's quadrants on their own and updates the
            moving statistics once per step, ``steps`` times per batch (chapter 8 shows
            both).

    Input ``(None, steps, 14, 14, 1)``, output ``(None, classes)``.
    """
    keras = _keras()
    layers, ops = keras.layers, keras.ops
    cnn = quadrant_cnn(filters)
    inputs = keras.Input((steps, 14, 14, 1), name="quadrants")
    if fold:
        images = ops.reshape(inputs, (-1, 14, 14, 1))  # (batch * steps, 14, 14, 1)
        features = cnn(images)
        features = ops.reshape(features, (-1, steps, features.shape[-1]))
    else:
        features = layers.TimeDistributed(cnn, name="cnn_per_step")(inputs)
    x = layers.LSTM(lstm_units, name="lstm")(features)
    outputs = layers.Dense(classes, activation="softmax", name="digit")(x)
    return keras.Model(inputs, outputs, name="quadrant_cnn_lstm")


def naive_td_cnn_lstm(*, steps: int = 4, height: int = 56, width: int = 14) -> Any:
    """The original question's model, channels last, each per-image layer in TimeDistributed.

    Conv2D(32, 3) → Conv2D(32, 3) → MaxPooling2D(2) → Flatten, per step; Dropout; LSTM(5);
    Dense(50); Dense(10, softmax). On the height-stacked layout (4, 56, 14, 1) the conv output
    per step is (26, 5, 32), the channels-last form of the question's (32, 26, 5).
    """
    keras = _keras()
    layers = keras.layers
    td = layers.TimeDistributed
    return keras.Sequential(
        [
            keras.Input((steps, height, width, 1)),
            td(layers.Conv2D(32, 3, activation="relu"), name="td_conv1"),
            td(layers.Conv2D(32, 3, activation="relu"), name="td_conv2"),
            td(layers.MaxPooling2D(2), name="td_pool"),
            td(layers.Flatten(), name="td_flatten"),
            layers.Dropout(0.25),
            layers.LSTM(5),
            layers.Dense(50, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="naive_td_cnn_lstm",
    )


def whole_image_cnn(*, filters: tuple[int, int] = (16, 32), classes: int = 10) -> Any:
    """A plain CNN on the whole 28 × 28 image: the baseline without a sequence.

    The same two blocks as :func:`quadrant_cnn` on the whole digit, then Flatten and the
    softmax: about the same arithmetic per image as the quadrant model, without the LSTM.
    """
    keras = _keras()
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            quadrant_cnn(filters, image_shape=(28, 28, 1)),  # 28 -> 14 -> 7, then Flatten
            keras.layers.Dense(classes, activation="softmax"),
        ],
        name="whole_image_cnn",
    )


def convlstm_quadrants(*, filters: int = 16, steps: int = 4, classes: int = 10) -> Any:
    """ConvLSTM2D over the quadrant sequence: convolutions inside the recurrent transitions."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((steps, 14, 14, 1)),
            layers.ConvLSTM2D(filters, 3, padding="same"),  # last state: (14, 14, filters)
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(classes, activation="softmax"),
        ],
        name="convlstm_quadrants",
    )


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
    # ``models.TimeBudget`` (and ``from labsupport.models import TimeBudget``) loads the class,
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
