"""A Keras callback that stops ``fit`` once a time budget is spent.

:mod:`labsupport.training` offers it as ``training.TimeBudget`` and imports this module (and so
Keras) only when it is first used.
"""

from __future__ import annotations

import os
import time
from typing import Any

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stop training once a time budget is spent; record the time and epochs used.

    Args:
        seconds: the budget; ``math.inf`` sets none, and the callback only records.
        clock: ``"wall"`` counts wall-clock seconds since ``fit`` started. ``"machine"``
            counts the CPU time this process used divided by the number of cores
            (``cores``, by default all of them): on a quiet machine the two agree, and on a
            machine shared with other jobs ``"machine"`` still measures only this
            training's own work, while wall-clock time stretches with the others' load.
        cores: cores to divide CPU time by (``"machine"`` clock only).

    The check runs after every batch, so ``fit`` overshoots by at most one batch. After
    training, ``seconds_used`` (on the chosen clock), ``wall_seconds``, ``machine_seconds``,
    ``epochs_run`` (a fraction when it stopped mid-epoch), ``batches_run`` and
    ``stopped_early`` say what happened.
    """

    def __init__(self, seconds: float, *, clock: str = "wall", cores: int | None = None) -> None:
        super().__init__()
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
            raise ValueError(f"the budget must be a positive number of seconds, got {seconds!r}")
        if clock not in ("wall", "machine"):
            raise ValueError(f"clock must be 'wall' or 'machine', got {clock!r}")
        self.seconds = float(seconds)
        self.clock = clock
        self.cores = int(cores or os.cpu_count() or 1)
        self.seconds_used = 0.0
        self.wall_seconds = 0.0
        self.machine_seconds = 0.0
        self.batches_run = 0
        self.epochs_run = 0.0
        self.stopped_early = False
        self._start = (0.0, 0.0)
        self._batches_before_epoch = 0
        self._steps_per_epoch: int | None = None

    def _update(self) -> None:
        wall0, cpu0 = self._start
        self.wall_seconds = time.perf_counter() - wall0
        self.machine_seconds = (time.process_time() - cpu0) / self.cores
        self.seconds_used = self.wall_seconds if self.clock == "wall" else self.machine_seconds

    def on_train_begin(self, logs: Any = None) -> None:
        self._start = (time.perf_counter(), time.process_time())
        self.batches_run = 0
        self._batches_before_epoch = 0
        self.epochs_run = 0.0
        self.stopped_early = False
        self._steps_per_epoch = (self.params or {}).get("steps")

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        # With steps_per_execution > 1 Keras reports only every few batches; ``batch`` is the
        # index of the last one run in this epoch.
        done = batch + 1
        if self._steps_per_epoch:  # the last report of an epoch may name a step past its end
            done = min(done, self._steps_per_epoch)
        self.batches_run = self._batches_before_epoch + done
        self._update()
        if self.seconds_used >= self.seconds:
            self.stopped_early = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._batches_before_epoch = self.batches_run
        self.epochs_run += 1.0

    def on_train_end(self, logs: Any = None) -> None:
        self._update()
        if self._steps_per_epoch:  # Keras calls on_epoch_end also after a stop mid-epoch
            self.epochs_run = self.batches_run / self._steps_per_epoch
