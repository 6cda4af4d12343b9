"""One CNN applied to every image of a sequence, three ways, on the same weights.

The three builders take the *same* per-frame CNN and the *same* head layer (an LSTM, say), so
the models they return share every weight and must give the same outputs:

* :func:`shared_calls` — one input per time step, the CNN called on each, outputs stacked;
* :func:`time_distributed` — ``TimeDistributed(cnn)`` on one 5D input;
* :func:`folded` — time folded into the batch axis with reshapes around the CNN.

:func:`separate_cnns` is the contrast: a fresh CNN per step, so ``steps`` times the conv
weights. :func:`time_three_ways` measures the cost of the three ways (forward pass and one
training step) and returns plain rows a chapter or a benchmark command can print.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from labsupport.training import without_retracing_warnings

WAYS = ("shared calls", "TimeDistributed", "folded into batch")
"""The names of the three ways, in the order the chapter shows them."""


def frame_cnn(
    image_shape: Sequence[int] = (256, 256, 1),
    *,
    filters: int = 16,
    kernel_size: int = 5,
    strides: int = 2,
    name: str = "cnn",
) -> Any:
    """The sources' per-frame CNN: ``Conv2D(filters, kernel_size, strides)`` then ``Flatten``.

    On (256, 256, 1) with the defaults: conv output (None, 126, 126, 16), 254,016 features,
    416 parameters.
    """
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(tuple(image_shape)),
            layers.Conv2D(filters, kernel_size, strides=strides),
            layers.Flatten(),
        ],
        name=name,
    )


def lean_frame_cnn(image_shape: Sequence[int] = (256, 256, 1), *, name: str = "lean_cnn") -> Any:
    """A leaner per-frame CNN: the same first conv, then more striding and global pooling.

    Conv2D(16, 5, strides=2) → MaxPooling2D(4) → Conv2D(32, 3, strides=2) →
    GlobalAveragePooling2D: 32 features per frame whatever the image size.
    """
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(tuple(image_shape)),
            layers.Conv2D(16, 5, strides=2, activation="relu"),
            layers.MaxPooling2D(4),
            layers.Conv2D(32, 3, strides=2, activation="relu"),
            layers.GlobalAveragePooling2D(),
        ],
        name=name,
    )


def _features(cnn: Any) -> int:
    return int(cnn.outputs[0].shape[-1])


def _image_shape(cnn: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in cnn.inputs[0].shape[1:])


def shared_calls(cnn: Any, head: Any, steps: int, *, name: str = "shared_calls") -> Any:
    """Way 1: ``steps`` inputs, the one CNN model called on each, the outputs stacked.

    The model takes a *list* of ``steps`` arrays of shape (batch, h, w, c); use
    :func:`model_inputs` to split a 5D array into that list.
    """
    import keras
    from keras import ops

    image_shape = _image_shape(cnn)
    frames = [keras.Input(image_shape, name=f"frame_{t}") for t in range(steps)]
    features = [cnn(frame) for frame in frames]  # the same layer object: the same weights
    sequence = ops.stack(features, axis=1)  # (batch, steps, features)
    return keras.Model(frames, head(sequence), name=name)


def time_distributed(cnn: Any, head: Any, steps: int, *, name: str = "time_distributed") -> Any:
    """Way 2: ``TimeDistributed(cnn)`` on one input of shape (batch, steps, h, w, c)."""
    import keras
    from keras import layers

    clips = keras.Input((steps, *_image_shape(cnn)), name="clips")
    sequence = layers.TimeDistributed(cnn)(clips)
    return keras.Model(clips, head(sequence), name=name)


def folded(cnn: Any, head: Any, steps: int, *, name: str = "folded") -> Any:
    """Way 3: fold time into the batch axis, run the CNN, unfold.

    (batch, steps, h, w, c) → (batch·steps, h, w, c) → CNN → (batch·steps, features) →
    (batch, steps, features).
    """
    import keras
    from keras import ops

    image_shape = _image_shape(cnn)
    clips = keras.Input((steps, *image_shape), name="clips")
    frames = ops.reshape(clips, (-1, *image_shape))  # every frame of every clip is one sample
    features = cnn(frames)
    sequence = ops.reshape(features, (-1, steps, _features(cnn)))
    return keras.Model(clips, head(sequence), name=name)


def separate_cnns(
    make_cnn: Callable[[str], Any], head: Any, steps: int, *, name: str = "separate_cnns"
) -> Any:
    """The contrast: a *different* CNN per step (``make_cnn(name)`` is called ``steps`` times).

    Right when the steps are different kinds of image (another camera, another modality);
    it has ``steps`` times the conv weights of the shared versions.
    """
    import keras
    from keras import ops

    cnns = [make_cnn(f"cnn_step_{t}") for t in range(steps)]
    frames = [keras.Input(_image_shape(c), name=f"frame_{t}") for t, c in enumerate(cnns)]
    sequence = ops.stack([c(f) for c, f in zip(cnns, frames, strict=True)], axis=1)
    return keras.Model(frames, head(sequence), name=name)


def three_ways(cnn: Any, head: Any, steps: int) -> dict[str, Any]:
    """The three models on the same ``cnn`` and ``head`` objects, keyed by :data:`WAYS`."""
    return {
        WAYS[0]: shared_calls(cnn, head, steps),
        WAYS[1]: time_distributed(cnn, head, steps),
        WAYS[2]: folded(cnn, head, steps),
    }


def model_inputs(model: Any, clips: np.ndarray) -> Any:
    """Feed 5D ``clips`` to ``model``: split into one array per step if it has several inputs."""
    if len(model.inputs) > 1:
        return [clips[:, t] for t in range(clips.shape[1])]
    return clips


def _median_ms(times: list[float]) -> float:
    return float(np.median(times) * 1000.0)


def time_three_ways(
    *,
    batch: int = 16,
    steps: int = 8,
    image_shape: Sequence[int] = (64, 64, 1),
    units: int = 32,
    repeats: int = 5,
    warmup: int = 1,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time a forward pass and one training step of each way, on the same data.

    Each way gets its own copy of the model (same seed, so the same initial weights) compiled
    with plain SGD and MSE; ``predict_on_batch`` and ``train_on_batch`` run Keras's compiled
    functions. After ``warmup`` calls of each (tracing happens there), the ways take turns,
    ``repeats`` rounds, so a burst of load elsewhere on the machine hits them alike. Times are
    medians.

    Returns:
        One dict per way, in the order of :data:`WAYS`, with keys ``way``, ``params``,
        ``forward_ms``, ``train_ms``, ``forward_vs_td`` and ``train_vs_td`` (ratios to
        TimeDistributed; 1.0 for TimeDistributed itself), ``forward_rounds_ms`` and
        ``train_rounds_ms`` (every round's time, in the order the rounds ran), plus the sizes
        used.
    """

    # Three models mean three sets of compiled functions; TensorFlow then warns about
    # "retracing", which is expected here and would only clutter a notebook.
    with without_retracing_warnings():
        return _time_three_ways(batch, steps, tuple(image_shape), units, repeats, warmup, seed)


def _time_three_ways(
    batch: int,
    steps: int,
    image_shape: tuple[int, ...],
    units: int,
    repeats: int,
    warmup: int,
    seed: int,
) -> list[dict[str, Any]]:
    import keras
    from keras import layers

    rng = np.random.default_rng(seed)
    clips = rng.normal(size=(batch, steps, *image_shape)).astype("float32")
    targets = np.zeros((batch, units), dtype="float32")

    models = {}
    for way, builder in zip(WAYS, (shared_calls, time_distributed, folded), strict=True):
        keras.utils.set_random_seed(seed)
        model = builder(frame_cnn(image_shape), layers.LSTM(units), steps)
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        models[way] = (model, model_inputs(model, clips))

    for model, x in models.values():
        for _ in range(warmup):
            model.predict_on_batch(x)
            model.train_on_batch(x, targets)

    forward: dict[str, list[float]] = {way: [] for way in WAYS}
    train: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(repeats):
        for way, (model, x) in models.items():
            start = time.perf_counter()
            model.predict_on_batch(x)
            forward[way].append(time.perf_counter() - start)
            start = time.perf_counter()
            model.train_on_batch(x, targets)
            train[way].append(time.perf_counter() - start)

    td_forward, td_train = _median_ms(forward[WAYS[1]]), _median_ms(train[WAYS[1]])
    rows = []
    for way, (model, _) in models.items():
        f_ms, t_ms = _median_ms(forward[way]), _median_ms(train[way])
        rows.append(
            {
                "way": way,
                "params": int(model.count_params()),
                "forward_ms": f_ms,
                "train_ms": t_ms,
                "forward_vs_td": f_ms / td_forward,
                "train_vs_td": t_ms / td_train,
                "forward_rounds_ms": [t * 1000.0 for t in forward[way]],
                "train_rounds_ms": [t * 1000.0 for t in train[way]],
                "batch": batch,
                "steps": steps,
                "image_shape": tuple(image_shape),
                "repeats": repeats,
            }
        )
    return rows


def compare(rows: list[dict[str, Any]], phase: str) -> str:
    """The fastest and the slowest way at ``phase`` (``"forward"`` or ``"train"``) by their
    medians, how far apart, and whether the slowest was slower in every round.

    The ways take turns within a round, so the ratio of one round compares two times taken
    under the same load. Only when every round's ratio is above 1 does the line call the gap
    a difference; with one round it says that it cannot tell.
    """
    key = f"{phase}_ms"
    fastest = min(rows, key=lambda r: r[key])
    slowest = max(rows, key=lambda r: r[key])
    line = (
        f"fastest {fastest['way']}, slowest {slowest['way']}, "
        f"{slowest[key] / max(fastest[key], 1e-12):.2f}× apart (medians)"
    )
    slow, fast = slowest.get(f"{phase}_rounds_ms"), fastest.get(f"{phase}_rounds_ms")
    if not slow or not fast or len(slow) < 2:
        return f"{line}; one round, so no telling how rounds vary"
    per_round = [a / max(b, 1e-12) for a, b in zip(slow, fast, strict=True)]
    spread = f"{min(per_round):.2f}× to {max(per_round):.2f}× round by round"
    if min(per_round) > 1:
        return f"{line}; slower in all {len(per_round)} rounds, {spread}"
    return f"{line}; no clear difference, {spread}"


def format_timings(rows: list[dict[str, Any]]) -> str:
    """The rows of :func:`time_three_ways` as a small text table."""
    lines = [
        f"{'way':18} {'params':>10} {'forward ms':>11} {'× TD':>6} {'train ms':>9} {'× TD':>6}"
    ]
    for r in rows:
        lines.append(
            f"{r['way']:18} {r['params']:>10,} {r['forward_ms']:>11.1f} {r['forward_vs_td']:>6.2f}"
            f" {r['train_ms']:>9.1f} {r['train_vs_td']:>6.2f}"
        )
    return "\n".join(lines)
