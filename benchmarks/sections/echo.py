"""The ``echo`` section: passes and seconds each echo model needs to learn its echo."""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
from keras import layers

from benchmarks.common import log
from labsupport import data
from labsupport.training import fit_passes

THRESHOLD = 0.05
CHECK_EVERY = 10  # passes per Keras epoch: the error is checked once per epoch


def echo_model(kind: str) -> tuple[Any, Any, Any, int]:
    """The echo models of SOURCES A1-A3: (model, x, y, batch size)."""
    if kind == "one_to_one":
        x, y = data.echo_one_to_one()
        body, batch = [layers.LSTM(5), layers.Dense(1)], 5
    elif kind == "many_to_one":
        x, y = data.echo_many_to_one()
        body, batch = [layers.LSTM(5), layers.Dense(5)], 1
    elif kind == "many_to_many":
        x, y = data.echo_many_to_many()
        body = [layers.LSTM(5, return_sequences=True), layers.TimeDistributed(layers.Dense(1))]
        batch = 1
    else:
        raise ValueError(f"unknown echo model {kind!r}")
    model = keras.Sequential([keras.Input(x.shape[1:]), *body], name=kind)
    model.compile(optimizer="adam", loss="mse")
    return model, x, y, batch


class EchoStop(keras.callbacks.Callback):
    """Measures the largest echo error after every Keras epoch and stops training once it is
    under :data:`THRESHOLD`; the time of its own checks is kept apart."""

    def __init__(self, x: Any, y: Any) -> None:
        super().__init__()
        self.x, self.y = x, y
        self.epochs = 0
        self.error = float("inf")
        self.check_seconds = 0.0

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        start = time.perf_counter()
        self.epochs = epoch + 1
        predicted = keras.ops.convert_to_numpy(self.model.predict_on_batch(self.x))
        self.error = float(np.max(np.abs(predicted - self.y)))
        if self.error < THRESHOLD:
            self.model.stop_training = True
        self.check_seconds += time.perf_counter() - start


def echo_until(kind: str, *, max_passes: int, seed: int) -> dict[str, Any]:
    """Train until the largest error is under the threshold, checking every 10 passes.

    One ``fit_passes`` call (10 passes per Keras epoch) with :class:`EchoStop`, so the time is
    not swamped by the set-up of many ``fit`` calls. The time of the checks is not counted.
    """
    keras.utils.set_random_seed(seed)
    model, x, y, batch = echo_model(kind)
    stopper = EchoStop(x, y)
    history = fit_passes(
        model,
        x,
        y,
        passes=max_passes,
        batch_size=batch,
        passes_per_epoch=CHECK_EVERY,
        callbacks=[stopper],
    )
    return {
        "model": kind,
        "seed": seed,
        "params": int(model.count_params()),
        "passes": stopper.epochs * history.passes_per_epoch,
        "seconds": history.seconds - stopper.check_seconds,
        "reached": stopper.error < THRESHOLD,
        "final_error": stopper.error,
        "max_passes": max_passes,
    }


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    runs = []
    for kind, cap in cfg["echo_max_passes"].items():
        for seed in cfg["echo_seeds"]:
            log(f"echo: {kind}, seed {seed}")
            row = echo_until(kind, max_passes=cap, seed=seed)
            log(f"  {row['passes']} passes, {row['seconds']:.1f} s, error {row['final_error']:.3f}")
            runs.append(row)
            keras.backend.clear_session()
    return {
        "threshold": THRESHOLD,
        "check_every": CHECK_EVERY,
        "optimizer": "adam, mse; labsupport.training.fit_passes",
        "runs": runs,
    }
