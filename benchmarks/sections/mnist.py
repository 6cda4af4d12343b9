"""The ``mnist`` section: each MNIST model of chapter 8, accuracy against training time.

Every model trains once for the largest budget on a one-cycle learning rate stretched over that
budget in *time*, and is scored on the test set whenever its training time crosses a
checkpoint (scoring is off the clock). Then the chapter's own recipe,
``labsupport.training.fit_within``, trains the chapter's model for 60 s.
"""

from __future__ import annotations

import gc
import math
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from benchmarks import numbers
from benchmarks.common import log
from benchmarks.targets import MNIST_ACCURACY, MNIST_SECONDS, TARGET_PLAN_FRACTION
from labsupport import data, models, training

BATCH = 128
PEAK_LR = 3e-3
SCHEDULE_STEPS = 1000  # the one-cycle shape is sampled at this many points over the budget


def score(model: Any, x_test: Any, y_test: Any) -> float:
    """Test accuracy of a softmax classifier."""
    probs = model.predict(x_test, batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probs, axis=-1) == y_test))


class Checkpoints(keras.callbacks.Callback):
    """Keeps the training clock, sets the one-cycle rate by training time, scores the model
    at checkpoints (off the clock) and stops training once ``total_s`` are spent."""

    def __init__(self, total_s: float, points: Sequence[float], x_test: Any, y_test: Any):
        super().__init__()
        self.total_s = float(total_s)
        self.points = list(points)
        self.x_test, self.y_test = x_test, y_test
        self.schedule = training.one_cycle(SCHEDULE_STEPS, peak=PEAK_LR)
        self.checkpoints: list[dict[str, Any]] = []
        self.eval_seconds = self.train_s = self.first_batch_s = 0.0
        self.batches_run = 0
        self._start = 0.0

    def _set_rate(self, t: float) -> None:
        step = int(SCHEDULE_STEPS * min(t / self.total_s, 1.0))
        self.model.optimizer.learning_rate.assign(float(self.schedule(step)))

    def on_train_begin(self, logs: Any = None) -> None:
        self._start = time.perf_counter()
        self._set_rate(0.0)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self.batches_run += 1
        t = self.train_s = time.perf_counter() - self._start - self.eval_seconds
        if self.batches_run == 1:
            self.first_batch_s = t  # tracing and compiling happen here
        crossed = [p for p in self.points if p <= t]
        if crossed:
            self.points = [p for p in self.points if p > t]
            start = time.perf_counter()
            accuracy = score(self.model, self.x_test, self.y_test)
            self.eval_seconds += time.perf_counter() - start  # scoring is not training
            self.checkpoints += [
                {"checkpoint": p, "train_s": t, "accuracy": accuracy} for p in crossed
            ]
        if t >= self.total_s:
            self.model.stop_training = True
        else:
            self._set_rate(t)


def train_with_checkpoints(
    build: Callable[[], Any],
    x: Any,
    y: Any,
    x_test: Any,
    y_test: Any,
    *,
    budgets: Sequence[float],
    every: float | None,
    seed: int = 0,
) -> dict[str, Any]:
    """Train one model for ``max(budgets)`` s of training time; score it at each checkpoint."""
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(
        optimizer=keras.optimizers.Adam(PEAK_LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    points = numbers.checkpoint_times(budgets, every)
    callback = Checkpoints(max(budgets), points, x_test, y_test)
    model.fit(x, y, epochs=10_000, batch_size=BATCH, callbacks=[callback], verbose=0)
    return {
        "model": model.name,
        "params": int(model.count_params()),
        "batch_size": BATCH,
        "peak_lr": PEAK_LR,
        "train_s": callback.train_s,
        "epochs_run": callback.batches_run / math.ceil(len(y) / BATCH),
        "batches_run": callback.batches_run,
        "images_trained": numbers.images_trained(callback.batches_run, len(y), BATCH),
        "eval_s": callback.eval_seconds,
        "first_batch_s": callback.first_batch_s,
        "checkpoints": callback.checkpoints,
    }


def target_run(
    x: Any, y: Any, x_test: Any, y_test: Any, *, batches_per_s: float, first_batch_s: float
) -> dict:
    """The chapter's recipe, ``labsupport.training.fit_within``, for 60 s on the chapter model.

    Its one-cycle schedule is planned for 90 % of the epochs that fit in the 60 s left after the
    first batch (at the speed measured in the curve run; at least one), so the learning rate has
    decayed when the budget runs out.
    """
    steps_per_epoch = math.ceil(len(y) / BATCH)
    usable = max(MNIST_SECONDS - first_batch_s, 1.0)
    epochs = max(1, int(TARGET_PLAN_FRACTION * batches_per_s * usable / steps_per_epoch))
    model = models.quadrant_cnn_lstm()
    budget = training.fit_within(
        model, x, y, seconds=MNIST_SECONDS, epochs=epochs, batch_size=BATCH, **_per_execution()
    )
    return {
        "model": "quadrant_cnn_lstm",
        "recipe": "labsupport.training.fit_within",
        "budget_s": MNIST_SECONDS,
        "epochs_planned": epochs,
        "train_s": budget.seconds_used,
        "epochs_run": budget.batches_run / steps_per_epoch,
        "images_trained": numbers.images_trained(budget.batches_run, len(y), BATCH),
        "stopped_by_budget": bool(budget.stopped_early),
        "accuracy": score(model, x_test, y_test),
    }


def _per_execution() -> dict[str, int]:
    """The PyTorch backend runs one batch per call (it rejects ``steps_per_execution``)."""
    return {"steps_per_execution": 1} if keras.backend.backend() == "torch" else {}


def whole(images: np.ndarray) -> np.ndarray:
    return (images.astype("float32") / 255.0)[..., np.newaxis]


PLANS = (
    ("quadrant_cnn_lstm", models.quadrant_cnn_lstm, data.quadrant_sequences),
    ("naive_td_cnn_lstm", models.naive_td_cnn_lstm, data.width_stacked_sequences),
    ("whole_image_cnn", models.whole_image_cnn, whole),
    ("convlstm_quadrants", models.convlstm_quadrants, data.quadrant_sequences),
)
"""Each model, its builder and how it reads the images."""


def load(train_limit: int | None, test_limit: int | None) -> tuple[Any, ...]:
    """The MNIST data set (the full file, or the bundled sample), cut to the limits."""
    mnist = data.load_mnist(allow_download=False, verbose=False)
    x_train, y_train = mnist.x_train[:train_limit], mnist.y_train[:train_limit]
    x_test, y_test = mnist.x_test[:test_limit], mnist.y_test[:test_limit]
    return mnist, x_train, y_train, x_test, y_test


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    mnist, x_train, y_train, x_test, y_test = load(
        cfg["mnist_train_limit"], cfg["mnist_test_limit"]
    )
    log(f"mnist: {mnist.note}")
    budgets = [float(b) for b in cfg["mnist_budgets"]]
    results = []
    for name, build, prepare in PLANS:
        log(f"mnist: {name}, {max(budgets):g} s of training")
        xs = xt = None
        try:
            xs, xt = prepare(x_train), prepare(x_test)
            row = train_with_checkpoints(
                build, xs, y_train, xt, y_test, budgets=budgets, every=cfg["mnist_checkpoint_every"]
            )
        except Exception as exc:  # one model failing (memory, say) must not lose the others
            traceback.print_exc()
            row = {"error": f"{type(exc).__name__}: {exc}"[:500], "checkpoints": []}
        row["model"] = name
        row["accuracy_at"] = numbers.accuracy_at(row["checkpoints"], budgets)
        row["time_to_target_s"] = numbers.time_to_target(row["checkpoints"], MNIST_ACCURACY)
        log(f"  accuracy per budget {row['accuracy_at']}, to 98.5 %: {row['time_to_target_s']}")
        results.append(row)
        del xs, xt
        keras.backend.clear_session()
        gc.collect()

    target = None
    if cfg["mnist_target_run"] and not results[0].get("error"):
        first = results[0]  # quadrant_cnn_lstm: its speed plans the schedule
        steady = max(first["train_s"] - first["first_batch_s"], 1e-9)
        rate = max(first["batches_run"] - 1, 1) / steady
        log(f"mnist: target run, quadrant_cnn_lstm within {MNIST_SECONDS:g} s")
        xs, xt = data.quadrant_sequences(x_train), data.quadrant_sequences(x_test)
        target = target_run(
            xs, y_train, xt, y_test, batches_per_s=rate, first_batch_s=first["first_batch_s"]
        )
        log(f"  {target}")
        del xs, xt
        keras.backend.clear_session()
        gc.collect()

    return {
        "data": {
            "source": mnist.source,
            "location": mnist.location,
            "is_full": bool(
                mnist.is_full and not cfg["mnist_train_limit"] and not cfg["mnist_test_limit"]
            ),
            "train": int(len(x_train)),
            "test": int(len(x_test)),
        },
        "budgets": budgets,
        "checkpoint_every_s": cfg["mnist_checkpoint_every"],
        "target_accuracy": MNIST_ACCURACY,
        "clock": "training time from the start of fit (tracing included), scoring excluded",
        "schedule": "Adam, one-cycle learning rate (labsupport.training.one_cycle) over the "
        "largest budget, in training time",
        "models": results,
        "target_run": target,
    }
