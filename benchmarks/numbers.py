"""The arithmetic of the benchmark, kept apart from any measuring so it can be tested.

Conventions for counting floating-point operations (FLOPs):

* a multiply-add counts as 2 FLOPs; only the multiply-adds of the weight layers are counted
  (Dense, the convolutions, the kernels of recurrent layers). Bias additions, activations,
  batch normalisation, pooling and reshapes are left out: they are a few per cent of the total
  in the book's models, and they are limited by memory traffic rather than arithmetic.
* one training step on an image costs :data:`TRAIN_FLOPS_FACTOR` times its forward pass (the
  backward pass computes two products per weight layer, one for the gradient of the input and
  one for the gradient of the weights, each about as large as the forward one).
* the *ideal time* of a training run is the FLOPs it performed divided by the machine's
  measured arithmetic rate (the best of a large matmul and a large convolution); the run's
  time divided by the ideal time says how far from the arithmetic limit it ran.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

TRAIN_FLOPS_FACTOR = 3.0


def prod(values: Iterable[int]) -> int:
    return math.prod(int(v) for v in values)


def matmul_flops(n: int) -> float:
    """FLOPs of the product of two ``n × n`` matrices."""
    return 2.0 * n**3


def conv_flops(positions: int, kernel_shape: Sequence[int]) -> float:
    """FLOPs of a convolution: ``positions`` output positions (batch included) times the
    kernel's weights (``kh × kw × in_channels/groups × filters``), 2 per multiply-add."""
    return 2.0 * positions * prod(kernel_shape)


def dense_flops(input_shape: Sequence[int], units: int) -> float:
    """FLOPs of ``Dense(units)`` on an input of ``input_shape`` (batch included): the weights
    act on the last axis, once per position of the others."""
    return 2.0 * prod(input_shape[:-1]) * int(input_shape[-1]) * units


def recurrent_flops(
    batch: int, steps: int, kernel_shape: Sequence[int], recurrent_shape: Sequence[int]
) -> float:
    """FLOPs of an LSTM/GRU/SimpleRNN over ``steps``: at every step the input kernel and the
    recurrent kernel each multiply once (``kernel_shape`` ``(features, gates × units)``)."""
    return 2.0 * batch * steps * (prod(kernel_shape) + prod(recurrent_shape))


def rate_gflops(flops: float, seconds: Sequence[float]) -> float:
    """The best rate of several timings of the same computation, in GFLOP/s."""
    best = min(float(s) for s in seconds)
    if best <= 0:
        raise ValueError("a timing must be positive")
    return flops / best / 1e9


def images_trained(batches: int, images: int, batch_size: int) -> int:
    """Images seen in ``batches`` batches of ``batch_size`` over a set of ``images``, epoch
    after epoch (each epoch's last batch holds the remainder)."""
    per_epoch = math.ceil(images / batch_size)
    epochs, rest = divmod(int(batches), per_epoch)
    return epochs * images + rest * batch_size


def steady_state(
    ticks: Sequence[tuple[float, int]], batches_per_tick: int
) -> tuple[float, int] | None:
    """Time and batches after the first report of a training run, from ``(seconds since the
    start, reports so far)`` pairs: the first report pays for tracing, the rest is steady.
    None with fewer than two reports."""
    if len(ticks) < 2:
        return None
    (t0, n0), (t1, n1) = ticks[0], ticks[-1]
    return float(t1 - t0), int((n1 - n0) * batches_per_tick)


def ideal_seconds(
    forward_flops_per_image: float, images: int, gflops: float, factor: float = TRAIN_FLOPS_FACTOR
) -> float:
    """The time training on ``images`` images would take at ``gflops`` GFLOP/s."""
    return factor * forward_flops_per_image * images / (gflops * 1e9)


def times_ideal(
    seconds: float,
    forward_flops_per_image: float,
    images: int,
    gflops: float,
    factor: float = TRAIN_FLOPS_FACTOR,
) -> float:
    """How many times the ideal time a training run took (1 would be the arithmetic limit)."""
    return float(seconds) / ideal_seconds(forward_flops_per_image, images, gflops, factor)


def limit_gflops(row: Mapping[str, Any]) -> float | None:
    """A backend's arithmetic limit: the better of its matmul and convolution rates."""
    rates = [row.get(k) for k in ("matmul_gflops", "conv_gflops")]
    rates = [float(r) for r in rates if r]
    return max(rates) if rates else None


def checkpoint_times(budgets: Sequence[float], every: float | None) -> list[float]:
    """The training times at which to score the model: every budget, and every ``every`` s."""
    points = {float(b) for b in budgets}
    if every:
        t = float(every)
        while t < max(budgets):
            points.add(round(t, 6))
            t += every
    return sorted(points)


def time_to_target(checkpoints: Sequence[Mapping[str, Any]], target: float) -> float | None:
    """The training time of the first checkpoint whose accuracy reaches ``target``."""
    for point in sorted(checkpoints, key=lambda c: c["train_s"]):
        if point["accuracy"] >= target:
            return float(point["train_s"])
    return None


def accuracy_at(checkpoints: Sequence[Mapping[str, Any]], budgets: Sequence[float]) -> dict:
    """Accuracy at each budget, keyed like ``"15"``; None when training never got there."""
    out: dict[str, float | None] = {}
    for budget in budgets:
        hits = [c for c in checkpoints if c.get("checkpoint") == float(budget)]
        out[f"{float(budget):g}"] = float(hits[0]["accuracy"]) if hits else None
    return out
