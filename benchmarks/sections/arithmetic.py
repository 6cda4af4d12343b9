"""The ``arithmetic`` section: the machine's arithmetic limit on every installed Keras backend,
and the chapter-8 model's training speed as a multiple of it.

Each backend runs in a fresh process with ``KERAS_BACKEND`` set (Keras reads it once, when it
is first imported). There the section measures

* the rate of a large float32 matrix product and of a large convolution (``keras.ops``; the
  best of a few repeats, each one synchronised by copying a reduction of the result back to
  NumPy), in GFLOP/s;
* the forward FLOPs per image of the four MNIST models of chapter 8, counted from their layers
  (:mod:`benchmarks.flops`; the same on every backend, which the section checks);
* a training run of the chapter's model (``labsupport.models.quadrant_cnn_lstm``) with the
  chapter's recipe, ``labsupport.training.fit_within``, 2 epochs capped at 30 s: its accuracy,
  the images it trained on, and its time as a multiple of the ideal time
  (:mod:`benchmarks.numbers`).
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks import numbers
from benchmarks.child import ChildError, in_child
from benchmarks.common import BACKENDS, log
from benchmarks.machine import installed_backends

MODELS = ("quadrant_cnn_lstm", "naive_td_cnn_lstm", "whole_image_cnn", "convlstm_quadrants")
BATCH = 128


def _timed(fn: Any, repeats: int) -> list[float]:
    """Wall times of ``repeats`` calls of ``fn`` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure_rates(sizes: dict[str, Any]) -> dict[str, Any]:
    """Matmul and convolution GFLOP/s on the current backend."""
    import keras
    import numpy as np

    ops = keras.ops
    rng = np.random.default_rng(0)
    n = int(sizes["matmul_n"])
    a = ops.convert_to_tensor(rng.standard_normal((n, n), dtype="float32"))
    b = ops.convert_to_tensor(rng.standard_normal((n, n), dtype="float32"))
    matmul_s = _timed(lambda: ops.convert_to_numpy(ops.sum(ops.matmul(a, b))), sizes["repeats"])
    shape = tuple(int(d) for d in sizes["conv_shape"])  # (batch, height, width, channels)
    kernel_shape = (3, 3, shape[-1], int(sizes["conv_filters"]))
    x = ops.convert_to_tensor(rng.standard_normal(shape, dtype="float32"))
    k = ops.convert_to_tensor(rng.standard_normal(kernel_shape, dtype="float32"))
    conv_s = _timed(
        lambda: ops.convert_to_numpy(ops.sum(ops.conv(x, k, padding="same"))), sizes["repeats"]
    )
    matmul = numbers.matmul_flops(n)
    conv = numbers.conv_flops(numbers.prod(shape[:-1]), kernel_shape)
    return {
        "matmul_n": n,
        "matmul_gflop": matmul / 1e9,
        "matmul_s": matmul_s,
        "matmul_gflops": numbers.rate_gflops(matmul, matmul_s),
        "conv_shape": list(shape),
        "conv_kernel": list(kernel_shape),
        "conv_gflop": conv / 1e9,
        "conv_s": conv_s,
        "conv_gflops": numbers.rate_gflops(conv, conv_s),
    }


def model_flops() -> dict[str, Any]:
    """Forward FLOPs per image and parameters of each MNIST model of chapter 8."""
    import keras

    from benchmarks import flops
    from labsupport import models

    out = {}
    for name in MODELS:
        model = getattr(models, name)()
        counted = flops.forward_flops(model)
        out[name] = {
            "params": int(model.count_params()),
            "forward_flops": counted["per_sample"],
            "layers": counted["layers"],
        }
        keras.backend.clear_session()
    return out


class Clock:
    """A Keras callback that notes the time and the batch count at the end of every batch
    ``fit`` reports, so the steady state can be told from the first call (which traces)."""

    def __init__(self) -> None:
        import keras

        self._callback = keras.callbacks.LambdaCallback(
            on_train_begin=lambda logs=None: self._begin(),
            on_train_batch_end=lambda batch, logs=None: self._tick(),
        )
        self.start = 0.0
        self.ticks: list[tuple[float, int]] = []

    def _begin(self) -> None:
        self.start = time.perf_counter()

    def _tick(self) -> None:
        self.ticks.append((time.perf_counter() - self.start, len(self.ticks) + 1))

    @property
    def callback(self) -> Any:
        return self._callback


def train_chapter_model(sizes: dict[str, Any]) -> dict[str, Any]:
    """The chapter's model trained with ``fit_within`` (2 epochs, at most ``train_seconds``)."""
    import keras

    from labsupport import data, models, training

    mnist = data.load_mnist(allow_download=False, verbose=False)
    x = data.quadrant_sequences(mnist.x_train[: sizes["train_limit"]])
    y = mnist.y_train[: sizes["train_limit"]]
    x_test = data.quadrant_sequences(mnist.x_test[: sizes["test_limit"]])
    y_test = mnist.y_test[: sizes["test_limit"]]
    model = models.quadrant_cnn_lstm()
    per_execution = {"steps_per_execution": 1} if keras.backend.backend() == "torch" else {}
    clock = Clock()
    budget = training.fit_within(
        model,
        x,
        y,
        seconds=float(sizes["train_seconds"]),
        # the chapter's recipe: a one-cycle schedule planned for 2 epochs; the budget is a cap
        epochs=int(sizes.get("train_epochs", 2)),
        batch_size=BATCH,
        callbacks=[clock.callback],
        **per_execution,
    )
    # fit reports batches in groups of steps_per_execution; the first group traces the model.
    per_report = max(1, round(budget.batches_run / max(len(clock.ticks), 1)))
    steady = numbers.steady_state(clock.ticks, per_report)
    return {
        "steady_s": steady[0] if steady else None,
        "steady_batches": steady[1] if steady else None,
        "model": "quadrant_cnn_lstm",
        "budget_s": float(sizes["train_seconds"]),
        "train_s": float(budget.seconds_used),
        "batches_run": int(budget.batches_run),
        "images_trained": numbers.images_trained(budget.batches_run, len(y), BATCH),
        "train_images": int(len(y)),
        "test_images": int(len(y_test)),
        "accuracy": training.accuracy(model, x_test, y_test),
        "steps_per_execution": per_execution.get("steps_per_execution", "fit_within's default"),
    }


def measure_backend(sizes: dict[str, Any]) -> dict[str, Any]:
    """Everything this section measures, on the backend of this (fresh) process."""
    import keras

    from benchmarks.machine import package_version

    backend = keras.backend.backend()
    row = {"backend": backend, "version": package_version(backend), **measure_rates(sizes)}
    row["models"] = model_flops()
    row["training"] = train_chapter_model(sizes)
    return row


def summarise(row: dict[str, Any]) -> dict[str, Any]:
    """Add the limit and the chapter model's ideal time and multiple to a backend's row."""
    limit = numbers.limit_gflops(row)
    training = row.get("training") or {}
    flops = (row.get("models") or {}).get("quadrant_cnn_lstm", {}).get("forward_flops")
    row["limit_gflops"] = limit
    if limit and flops and training.get("images_trained"):
        training["ideal_s"] = numbers.ideal_seconds(flops, training["images_trained"], limit)
        training["times_ideal"] = training["train_s"] / training["ideal_s"]
        if training.get("steady_batches"):
            images = training["steady_batches"] * BATCH
            training["steady_times_ideal"] = numbers.times_ideal(
                training["steady_s"], flops, images, limit
            )
    return row


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    sizes = cfg["arithmetic"]
    rows = []
    for backend in installed_backends():
        log(f"arithmetic: {backend}")
        env = {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
        try:
            row = summarise(in_child(measure_backend, sizes, env=env, timeout=1800))
        except ChildError as exc:
            row = {"backend": backend, "error": str(exc)[:500]}
        if not row.get("error"):
            train = row["training"]
            log(
                f"  matmul {row['matmul_gflops']:.1f} GFLOP/s, conv {row['conv_gflops']:.1f} "
                f"GFLOP/s; chapter model {train['train_s']:.1f} s, {train['images_trained']:,} "
                f"images, {train.get('times_ideal', float('nan')):.1f}× ideal, accuracy "
                f"{train['accuracy']:.4f}"
            )
        rows.append(row)
    counts = {
        r["backend"]: r["models"]["quadrant_cnn_lstm"]["forward_flops"]
        for r in rows
        if not r.get("error")
    }
    return {
        "backends": rows,
        "flops_agree": len(set(counts.values())) <= 1,
        "train_flops_factor": numbers.TRAIN_FLOPS_FACTOR,
        "convention": "a multiply-add is 2 FLOPs; weight layers only (Dense, convolutions, "
        "recurrent kernels); training = 3 × forward; ideal time = training FLOPs ÷ the better "
        "of the matmul and convolution rates",
        "not_installed": [b for b in BACKENDS if b not in installed_backends()],
    }
