"""What ``TimeDistributed(Dense)`` costs in Keras 3, next to the ways that give the same output.

Four models compute the same function of a ``(batch, steps, features)`` input, one ``Dense(units)``
applied to every step with the same weights (see :data:`VARIANTS`):

* ``dense``: ``Dense(units)`` on the 3D input (Dense acts on the last axis only);
* ``time_distributed``: ``TimeDistributed(Dense(units))`` on ``keras.Input((steps, features))``;
* ``folded``: time folded into the batch axis with ``keras.ops.reshape``, ``Dense``, unfolded;
* ``unknown_steps``: ``TimeDistributed(Dense(units))`` on ``keras.Input((None, features))``.

:func:`measure` times, on fresh models, the **first** ``predict_on_batch`` and the first
``train_on_batch`` (Keras traces and compiles its function there) and then the **steady state**
(the median of later calls). The ``Dense`` inside every model counts how often its ``call`` runs.
On TensorFlow and JAX that happens only while Keras traces the function, so the count of the first
predict says how many copies of the layer the traced graph holds; the first training step of JAX
counts twice that, because Keras first calls the model symbolically to build the optimizer's
state. PyTorch runs eagerly: the layer runs on every call (that symbolic build included), so there
the count is the number of runs, not of copies. Each row records its ``backend``.
:func:`trace_calls` reports the count alone, cheaply.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from labsupport.training import without_retracing_warnings

VARIANTS: dict[str, str] = {
    "dense": "Dense",
    "time_distributed": "TimeDistributed(Dense)",
    "folded": "folded into batch",
    "unknown_steps": "TimeDistributed, steps None",
}
"""The variants, keyed by short name, with the label tables and plots show."""

TIMES = ("predict_first_s", "predict_ms", "train_first_s", "train_ms")
"""The four timings of a row: first call in seconds, steady state in milliseconds."""


@functools.cache
def _counting_dense() -> type:
    """``Dense`` that counts the runs of its ``call``: Python side only, nothing in the graph."""
    from keras import layers

    class CountingDense(layers.Dense):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.call_count = 0

        def call(self, inputs: Any) -> Any:
            self.call_count += 1
            return super().call(inputs)

    return CountingDense


def build(
    variant: str,
    steps: int,
    *,
    features: int = 16,
    units: int = 8,
    seed: int = 0,
    jit_compile: bool | str = "auto",
) -> tuple[Any, Any]:
    """One fresh, compiled model of ``variant``, and the counting ``Dense`` inside it.

    The same ``seed`` gives every variant the same initial weights. The model is compiled with
    plain SGD and mean squared error, so ``train_on_batch`` works. ``jit_compile`` goes to
    ``Model.compile``: ``"auto"`` lets Keras choose whether to compile with XLA (its choice
    depends on the backend and the devices it sees), True or False fix it.
    """
    import keras
    from keras import layers, ops

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    keras.utils.set_random_seed(seed)
    dense = _counting_dense()(units, name="per_step_dense")
    if variant == "unknown_steps":
        x = keras.Input((None, features), name="sequence")
    else:
        x = keras.Input((steps, features), name="sequence")
    if variant == "dense":
        y = dense(x)
    elif variant in ("time_distributed", "unknown_steps"):
        y = layers.TimeDistributed(dense)(x)
    else:  # folded: every step of every sequence is one sample for the Dense
        flat = ops.reshape(x, (-1, features))
        y = ops.reshape(dense(flat), (-1, steps, units))
    model = keras.Model(x, y, name=variant)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", jit_compile=jit_compile)
    dense.call_count = 0  # building the model is not a trace of predict or fit
    return model, dense


def trace_calls(
    variant: str, steps: int, *, batch: int = 2, features: int = 3, predicts: int = 1
) -> int:
    """How many times the inner ``Dense.call`` runs over ``predicts`` calls of
    ``predict_on_batch`` on one length: the first traces, the later ones only run the graph."""
    with without_retracing_warnings():  # several fresh models: expected here
        model, dense = build(variant, steps, features=features, units=2)
        x = np.zeros((batch, steps, features), dtype="float32")
        for _ in range(predicts):
            model.predict_on_batch(x)
    return int(dense.call_count)


def _warm_up() -> None:
    """Start TensorFlow's runtime once, so the first variant measured does not pay for it."""
    model, _ = build("dense", 2, features=2, units=2)
    x = np.zeros((2, 2, 2), dtype="float32")
    model.predict_on_batch(x)
    model.train_on_batch(x, x)


def _run(model: Any, phase: str, x: np.ndarray, y: np.ndarray) -> None:
    if phase == "predict":
        model.predict_on_batch(x)
    else:
        model.train_on_batch(x, y)


def measure(
    steps: Iterable[int] = (4, 16, 64),
    *,
    batch: int = 32,
    features: int = 16,
    units: int = 8,
    repeats: int = 5,
    variants: Sequence[str] = tuple(VARIANTS),
    seed: int = 0,
) -> list[dict[str, Any]]:
    """First-call and steady-state time of predict and of one training step, per variant.

    For each number of steps, fresh models of every variant (same seed, same weights) time their
    first ``predict_on_batch``; then the variants take turns for ``repeats`` rounds of
    ``predict_on_batch``, so a burst of load elsewhere hits them alike, and the median is kept.
    Fresh models again do the same with ``train_on_batch``. The first call includes building
    Keras's predict or train function, tracing it and TensorFlow's graph optimisation.

    Returns:
        One dict per (steps, variant), steps ascending and variants in the order given, with
        ``variant``, ``label``, ``steps``, ``batch``, ``features``, ``units``, ``repeats``,
        ``backend``, ``params``, ``jit_compile`` (whether Keras compiled with XLA),
        ``predict_first_s``,
        ``predict_ms``, ``train_first_s``, ``train_ms``, ``predict_rounds_ms`` and
        ``train_rounds_ms`` (every round's time, in the order the rounds ran),
        ``predict_trace_calls`` and ``train_trace_calls`` (runs of the inner ``Dense.call``
        during the first predict and the first training step).
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {unknown}; choose from {', '.join(VARIANTS)}")
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    import keras

    backend = keras.backend.backend()
    rng = np.random.default_rng(seed)
    rows = []
    with without_retracing_warnings():  # several fresh models: expected here
        _warm_up()
        for n in sorted(int(s) for s in steps):
            x = rng.normal(size=(batch, n, features)).astype("float32")
            y = rng.normal(size=(batch, n, units)).astype("float32")
            found: dict[str, dict[str, Any]] = {
                v: {
                    "variant": v,
                    "label": VARIANTS[v],
                    "steps": n,
                    "batch": batch,
                    "features": features,
                    "units": units,
                    "repeats": repeats,
                    "backend": backend,
                }
                for v in variants
            }
            for phase in ("predict", "train"):
                built = {
                    v: build(v, n, features=features, units=units, seed=seed) for v in variants
                }
                for v, (model, dense) in built.items():
                    start = time.perf_counter()
                    _run(model, phase, x, y)
                    found[v][f"{phase}_first_s"] = time.perf_counter() - start
                    found[v][f"{phase}_trace_calls"] = int(dense.call_count)
                    found[v]["params"] = int(model.count_params())
                    found[v]["jit_compile"] = bool(getattr(model, "jit_compile", False))
                samples: dict[str, list[float]] = {v: [] for v in variants}
                for _ in range(repeats):
                    for v, (model, _) in built.items():
                        start = time.perf_counter()
                        _run(model, phase, x, y)
                        samples[v].append(time.perf_counter() - start)
                for v in variants:
                    found[v][f"{phase}_ms"] = float(np.median(samples[v]) * 1000.0)
                    found[v][f"{phase}_rounds_ms"] = [t * 1000.0 for t in samples[v]]
            rows.extend(found[v] for v in variants)
    return rows


def format_rows(rows: Sequence[dict[str, Any]]) -> str:
    """The rows of :func:`measure` as a small text table."""
    lines = [
        f"{'steps':>5}  {'variant':28} {'calls':>5}  {'1st predict':>11} {'predict':>9}"
        f"  {'1st train':>9} {'train':>9}"
    ]
    for r in rows:
        lines.append(
            f"{r['steps']:>5}  {r['label']:28} {r['predict_trace_calls']:>5}"
            f"  {r['predict_first_s']:>9.3f} s {r['predict_ms']:>6.2f} ms"
            f"  {r['train_first_s']:>7.3f} s {r['train_ms']:>6.2f} ms"
        )
    return "\n".join(lines)


def _row(rows: Sequence[dict[str, Any]], variant: str, steps: int) -> dict[str, Any]:
    for r in rows:
        if r["variant"] == variant and r["steps"] == steps:
            return r
    raise KeyError(f"no row for {variant!r} at {steps} steps")


def ratio(rows: Sequence[dict[str, Any]], key: str, variant: str, steps: int) -> float:
    """``key`` of ``variant`` divided by the same of ``Dense``, at ``steps`` steps."""
    base = float(_row(rows, "dense", steps)[key])
    return float(_row(rows, variant, steps)[key]) / max(base, 1e-12)


def duration(seconds: float) -> str:
    """A first-call time: ``24 ms`` under a second, ``1.45 s`` from one second up."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def times(x: float) -> str:
    """A ratio as ``2.5×``, or ``306×`` from 10 up."""
    return f"{x:.1f}×" if x < 10 else f"{x:,.0f}×"


def round_ratios(
    rows: Sequence[dict[str, Any]], key: str, variant: str, steps: int
) -> list[float] | None:
    """``key`` (``"predict_ms"`` or ``"train_ms"``) of ``variant`` over that of ``Dense``, round
    by round. The variants take turns within a round, so a burst of load elsewhere on the
    machine hits both sides of a ratio alike. None where the rows do not record the rounds."""
    rounds = key.replace("_ms", "_rounds_ms")
    mine, dense = _row(rows, variant, steps).get(rounds), _row(rows, "dense", steps).get(rounds)
    if not mine or not dense:
        return None
    return [a / max(b, 1e-12) for a, b in zip(mine, dense, strict=True)]


def _ratio_text(x: float) -> str:
    return f"{x:.2f}×" if x < 10 else times(x)  # 0.95× and 0.90× are different sizes


def _compare(name: str, x: float, per_round: list[float] | None) -> str:
    """``x`` (the ratio of the medians) in words, judged by the ratio of every round."""
    shown = _ratio_text(x)
    if per_round is None:
        return f"{name} {shown} the time of Dense (its rounds are not recorded)"
    if len(per_round) == 1:
        return f"{name} {shown} the time of Dense (one round: no telling how rounds vary)"
    n, low, high = len(per_round), min(per_round), max(per_round)
    spread = f"{_ratio_text(low)} to {_ratio_text(high)} round by round"
    if low > 1:
        return f"{name} slower than Dense in all {n} rounds: {shown}, {spread}"
    if high < 1:
        return f"{name} quicker than Dense in all {n} rounds: {shown}, {spread}"
    return f"{name} no clear difference from Dense: {shown}, {spread}"


def _rounds(n: int | None) -> str:
    return "the rounds" if n is None else f"{n:,} round" + ("" if n == 1 else "s")


def _copies(n: int) -> str:
    return f"{n:,} cop" + ("y" if n == 1 else "ies")


def verdict(rows: Sequence[dict[str, Any]], variant: str = "time_distributed") -> list[str]:
    """What these rows say about ``variant`` against ``Dense``, at the most steps measured.

    One line each on space (parameters, and copies of the Dense in the traced predict), the
    first call and the steady state, and a last line that puts the steady-state ratios into
    words, judged round by round (:func:`round_ratios`): "slower" or "quicker" only when
    ``variant`` was so in every round, otherwise "no clear difference", each with the ratio of
    the medians and the range of the rounds' ratios. The first call is timed once, so it gets
    its ratios and no word.
    Every figure comes from the rows.
    """
    if not rows or not any(r["variant"] == variant for r in rows):
        return []
    n = max(int(r["steps"]) for r in rows)
    mine, dense = _row(rows, variant, n), _row(rows, "dense", n)
    label = VARIANTS[variant]
    first = ratio(rows, "predict_first_s", variant, n)
    first_train = ratio(rows, "train_first_s", variant, n)
    steady = ratio(rows, "predict_ms", variant, n)
    steady_train = ratio(rows, "train_ms", variant, n)
    return [
        f"space: {label} has {mine['params']:,} parameters, Dense {dense['params']:,}; the traced "
        f"predict holds {_copies(mine['predict_trace_calls'])} of the Dense with {label}, "
        f"{_copies(dense['predict_trace_calls'])} with Dense",
        f"first call at {n:,} steps: predict {duration(mine['predict_first_s'])} against "
        f"{duration(dense['predict_first_s'])} ({times(first)}), training step "
        f"{duration(mine['train_first_s'])} against {duration(dense['train_first_s'])} "
        f"({times(first_train)})",
        f"steady state at {n:,} steps: predict {mine['predict_ms']:.2f} ms against "
        f"{dense['predict_ms']:.2f} ms ({times(steady)}), training step "
        f"{mine['train_ms']:.2f} ms against {dense['train_ms']:.2f} ms ({times(steady_train)})",
        f"so at {n:,} steps, {label}: on the first call (one call each) {times(first)} the "
        f"time of Dense on predict and {times(first_train)} on the training step; in the steady"
        f" state (median of {_rounds(mine.get('repeats'))}), "
        f"{_compare('predict', steady, round_ratios(rows, 'predict_ms', variant, n))}; "
        f"{_compare('training step', steady_train, round_ratios(rows, 'train_ms', variant, n))}",
    ]
