"""How Keras 3's TimeDistributed runs its inner layer: a loop over known steps, a vectorized map
over unknown ones, and what each means for the graph that predict and fit trace.

The checks count how many times the inner ``Dense.call`` runs while a function is traced
(``labsupport.td_cost``): structural evidence, with no timing in it.
"""

from __future__ import annotations

from labsupport.behaviours import behaviour

_CHAPTER = "07_one_cnn_over_a_sequence"


@behaviour(
    "time_distributed.unrolls_known_steps",
    claim=(
        "With a known number of steps, Keras 3's TimeDistributed calls its inner layer once per "
        "step, in a Python loop, so the traced graph holds one copy of the layer per step: "
        "tracing predict on 3 steps runs the inner Dense 3 times, on 7 steps 7 times. Dense on "
        "the 3D input, and the folded model, run it once whatever the number of steps."
    ),
    chapter=_CHAPTER,
)
def _unrolls_known_steps() -> str:
    from labsupport.td_cost import trace_calls

    td = {steps: trace_calls("time_distributed", steps) for steps in (3, 7)}
    once = {v: trace_calls(v, 7) for v in ("dense", "folded")}
    assert td == {3: 3, 7: 7}, f"TimeDistributed ran the inner Dense {td} times (steps: calls)"
    assert once == {"dense": 1, "folded": 1}, f"calls at 7 steps: {once}"
    return (
        f"inner Dense calls while tracing predict: TimeDistributed {td[3]} at 3 steps, "
        f"{td[7]} at 7 steps; Dense {once['dense']}, folded {once['folded']} at 7 steps"
    )


@behaviour(
    "time_distributed.same_as_fold",
    claim=(
        "For a layer whose output for one sample does not depend on the rest of the batch, "
        "TimeDistributed(layer) gives the same output as folding time into the batch axis, "
        "running the layer once, and unfolding; for Dense it is also the same as Dense on the "
        "3D input. (BatchNormalization in training is the exception: "
        "batchnorm.fold_vs_wrapper.)"
    ),
    chapter=_CHAPTER,
)
def _same_as_fold() -> str:
    import numpy as np
    from keras import layers, ops

    from labsupport.td_cost import VARIANTS, build

    rng = np.random.default_rng(0)
    clips = rng.normal(size=(2, 3, 8, 8, 1)).astype("float32")
    conv = layers.Conv2D(4, 3)
    wrapped = ops.convert_to_numpy(layers.TimeDistributed(conv)(clips))
    folded = ops.convert_to_numpy(ops.reshape(conv(clips.reshape(6, 8, 8, 1)), (2, 3, 6, 6, 4)))
    conv_gap = float(np.abs(wrapped - folded).max())
    assert conv_gap < 1e-5, f"Conv2D: TimeDistributed and folded differ by {conv_gap}"

    x = rng.normal(size=(2, 5, 3)).astype("float32")
    outs = {v: build(v, 5, features=3, units=2)[0].predict_on_batch(x) for v in VARIANTS}
    dense_gap = max(float(np.abs(o - outs["dense"]).max()) for o in outs.values())
    assert dense_gap < 1e-5, f"the Dense variants differ by up to {dense_gap}"
    return (
        f"Conv2D over 3 frames, wrapped vs folded: largest difference {conv_gap:.1e}; "
        f"{len(outs)} Dense variants on (2, 5, 3): largest difference {dense_gap:.1e}"
    )


@behaviour(
    "time_distributed.first_trace_sees_steps",
    claim=(
        "Declaring an unknown number of steps, keras.Input((None, F)), does not stop the "
        "unrolling: predict and fit trace their function with the shape of the data they are "
        "given, so the first trace sees the step count and runs the inner layer once per step."
    ),
    chapter=_CHAPTER,
    backends=("tensorflow",),  # observed with TensorFlow; JAX and PyTorch differ
)
def _first_trace_sees_steps() -> str:
    import numpy as np

    from labsupport.td_cost import QuietRetracing, build, trace_calls

    calls = {steps: trace_calls("unknown_steps", steps) for steps in (3, 7)}
    assert calls == {3: 3, 7: 7}, f"inner Dense calls {calls} (steps: calls)"
    model, dense = build("unknown_steps", 7, features=3, units=2)
    with QuietRetracing():
        model.train_on_batch(np.zeros((2, 7, 3), "float32"), np.zeros((2, 7, 2), "float32"))
    assert dense.call_count == 7, f"the first training step traced {dense.call_count} calls"
    return (
        f"Input((None, 3)): the first predict traced the inner Dense {calls[3]} times on 3 "
        f"steps, {calls[7]} times on 7 steps; the first training step on 7 steps "
        f"{dense.call_count} times"
    )


def _second_length(batch: int, first: int, second: int):
    """Predict on ``first`` steps, then on ``second``: inner calls and the second output."""
    import numpy as np

    from labsupport.td_cost import QuietRetracing, build

    model, dense = build("unknown_steps", first, features=3, units=2)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(batch, first, 3)).astype("float32")
    b = rng.normal(size=(batch, second, 3)).astype("float32")
    with QuietRetracing():
        model.predict_on_batch(a)
        after_first = dense.call_count
        try:
            out = model.predict_on_batch(b)
        except Exception as exc:  # the batch-larger-than-steps case fails inside the graph
            out = exc
    return model, after_first, dense.call_count - after_first, b, out


@behaviour(
    "time_distributed.unknown_steps_vectorized",
    claim=(
        "When a trace does see an unknown number of steps (predict called again with sequences "
        "of another length, so TensorFlow traces once more with the time axis left open), "
        "TimeDistributed takes its other path, vectorized_map: the inner layer's call runs once "
        "in that trace, not once per step."
    ),
    chapter=_CHAPTER,
    backends=("tensorflow",),  # observed with TensorFlow; JAX and PyTorch differ
)
def _unknown_steps_vectorized() -> str:
    _, first, second, _, _ = _second_length(batch=2, first=5, second=6)
    assert first == 5, f"first trace (5 steps): {first} calls"
    assert second == 1, f"second trace (6 steps, time axis open): {second} calls"
    return f"inner Dense calls: {first} tracing 5 steps, then {second} tracing 6 steps"


@behaviour(
    "time_distributed.unknown_steps_outcome",
    claim=(
        "What that vectorized path returns depends on the Keras version. With Keras 3.15 on "
        "TensorFlow (the version this book is built with) it counts the batch instead of the "
        "steps: after predict on 5 steps, 2 sequences of 6 steps come back with their first 2 "
        "steps, and 8 sequences of 6 steps fail with an out-of-bounds index inside the graph. "
        "Keras 3.10 and 3.13 keep every step."
    ),
    chapter=_CHAPTER,
    backends=("tensorflow",),  # observed with TensorFlow; JAX and PyTorch keep every step
)
def _unknown_steps_outcome() -> str:
    import keras
    import numpy as np

    from labsupport.td_cost import build

    _, _, _, b, out = _second_length(batch=2, first=5, second=6)
    assert not isinstance(out, Exception), f"the 2-sequence batch failed: {out}"
    shape = tuple(out.shape)
    plain, _ = build("dense", 6, features=3, units=2)  # the same seed: the same weights
    expected = plain.predict_on_batch(b)[:, : shape[1]]
    gap = float(np.abs(np.asarray(out) - np.asarray(expected)).max())
    assert gap < 1e-5, f"the steps kept differ from the right answer by {gap}"
    *_, big = _second_length(batch=8, first=5, second=6)
    version = f"Keras {keras.__version__}"
    if shape == (2, 6, 2):
        assert not isinstance(big, Exception), f"8 sequences failed after 2 kept all: {big}"
        assert tuple(big.shape) == (8, 6, 2), tuple(big.shape)
        return f"{version}: every step kept, (2, 6, 2) and (8, 6, 2)"
    assert shape == (2, 2, 2), f"2 sequences of 6 steps came back with shape {shape}"
    assert isinstance(big, Exception), f"8 sequences of 6 steps gave shape {tuple(big.shape)}"
    assert "out of bounds" in str(big), str(big)[:200]
    return (
        f"{version}: (2, 6, 3) in → {shape} out, the first 2 steps; (8, 6, 3) in → "
        f"{type(big).__name__} (index out of bounds)"
    )
