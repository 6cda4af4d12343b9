"""Where channels-first convolutions run on a CPU, and where TensorFlow refuses them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from labsupport.behaviours import behaviour

ONEDNN_NOTE = "oneDNN custom operations are on"
"""What TensorFlow logs at start-up when its oneDNN CPU kernels are in use."""

TRIAL = """
import numpy as np, keras
from keras import layers

x = np.random.default_rng(0).random((16, 1, 14, 14), dtype="float32")  # channels first
y = np.arange(16) % 10


def attempt(what, run):
    try:
        run()
        print(f"{what}: runs")
    except Exception as exc:
        said = [line for line in str(exc).splitlines() if "NHWC" in line] or [repr(exc)[:200]]
        print(f"{what}: refused: {type(exc).__name__}: {said[0]}")


pool = keras.Sequential([
    keras.Input((1, 14, 14)),
    layers.MaxPooling2D(2, data_format="channels_first"),
])
conv = keras.Sequential([
    keras.Input((1, 14, 14)),
    layers.Conv2D(4, 3, data_format="channels_first"),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
conv.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
attempt("MaxPooling2D predict", lambda: pool.predict(x, verbose=0))
attempt("Conv2D predict", lambda: conv.predict(x, verbose=0))
attempt("Conv2D fit", lambda: conv.fit(x, y, epochs=1, verbose=0))
"""
"""A channels-first MaxPooling2D and Conv2D, run in a fresh Python; one line per attempt."""

_NOISE = re.compile(r"\{\{[^}]*\}\}\s*|\s*\[Op:[^\]]*\]|\x1b\[[0-9;]*m")


def run_trial(onednn: str | None) -> dict[str, str]:
    """Run :data:`TRIAL` in a fresh Python with ``TF_ENABLE_ONEDNN_OPTS`` set to ``onednn``.

    The setting must be made before TensorFlow is imported, hence the separate process.
    ``None`` removes the variable: TensorFlow's default. Returns ``{attempt: outcome}`` plus
    ``"oneDNN"``: ``"on"`` when TensorFlow's start-up note says its oneDNN kernels are in use.
    An outcome is ``"runs"`` or ``"refused: "``, the error's type and its line that names NHWC.
    """
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "0"}  # level 0 keeps the oneDNN start-up note
    env["KERAS_BACKEND"] = "tensorflow"  # a behaviour of TensorFlow's kernels, whatever runs here
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    if onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    done = subprocess.run(
        [sys.executable, "-c", TRIAL], env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise RuntimeError(f"the trial exited with status {done.returncode}: {tail[0]}")
    outcomes = {"oneDNN": "on" if ONEDNN_NOTE in done.stderr else "off"}
    for line in done.stdout.splitlines():
        what, _, outcome = line.partition(": ")
        outcomes[what] = _NOISE.sub("", outcome).strip()
    return outcomes


@behaviour(
    "conv.channels_first_cpu",
    claim=(
        "On a CPU, whether a channels-first Conv2D runs depends on TensorFlow's kernels: with "
        "oneDNN on (TF_ENABLE_ONEDNN_OPTS=1) it runs, in predict and in fit; with oneDNN off "
        "(TF_ENABLE_ONEDNN_OPTS=0) TensorFlow's own kernels refuse it, as they support only the "
        "NHWC (channels-last) format. Which one TensorFlow picks when the variable is unset "
        "depends on the CPU. A channels-first MaxPooling2D runs either way."
    ),
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _channels_first_cpu() -> str:
    # TF_ENABLE_ONEDNN_OPTS is read when TensorFlow is imported, so each setting needs a fresh
    # Python. The trials run Keras on TensorFlow whichever backend this process uses: the claim
    # is about TensorFlow's kernels.
    import importlib.util

    if importlib.util.find_spec("tensorflow") is None:
        return "not checked: TensorFlow is not installed, and this is a behaviour of TensorFlow"
    on, off = run_trial("1"), run_trial("0")
    here = run_trial(os.environ.get("TF_ENABLE_ONEDNN_OPTS"))
    assert on["oneDNN"] == "on", "TF_ENABLE_ONEDNN_OPTS=1 did not report oneDNN on"
    assert off["oneDNN"] == "off", off
    for what in ("Conv2D predict", "Conv2D fit", "MaxPooling2D predict"):
        assert on.get(what) == "runs", f"with oneDNN, {what}: {on.get(what)}"
    for what in ("Conv2D predict", "Conv2D fit"):
        assert "NHWC" in off.get(what, ""), f"without oneDNN, {what}: {off.get(what)}"
    assert off.get("MaxPooling2D predict") == "runs", off
    same = on if here["oneDNN"] == "on" else off
    assert {k: here.get(k) for k in same} == same, (here, same)
    return (
        f"oneDNN on: Conv2D predict and fit run; oneDNN off: Conv2D predict "
        f"{off['Conv2D predict']}; fit {off['Conv2D fit']}; MaxPooling2D runs in both; "
        f"this machine's setting: oneDNN {here['oneDNN']}"
    )


@behaviour(
    "conv.default_channels_last",
    claim="Keras's default image data format is channels last: (batch, height, width, channels).",
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _default_channels_last() -> str:
    import keras

    layout = keras.config.image_data_format()
    assert layout == "channels_last", layout
    kernel_axes = keras.layers.Conv2D(8, 3).compute_output_shape((None, 14, 14, 1))
    assert kernel_axes == (None, 12, 12, 8), kernel_axes
    return f"image_data_format() is {layout!r}; Conv2D(8, 3) maps (14, 14, 1) to {kernel_axes[1:]}"


def _build_error(make) -> str:
    """The first line of the message ``make()`` raises while Keras builds the model."""
    try:
        make()
    except ValueError as exc:
        lines = [_NOISE.sub("", line).strip() for line in str(exc).splitlines()]
        lines = [line for line in lines if line and not line.startswith("Exception encountered")]
        return lines[0] if lines else ""
    raise AssertionError("Keras built the model without an error")


@behaviour(
    "conv.five_d_input_message",
    claim=(
        "Keras 3's Conv2D accepts inputs of at least 4 axes (InputSpec min_ndim=4), so a 5D "
        "sequence of images gets past the input check and fails when the 4D kernel meets it: "
        "'Kernel shape must have the same length as input', raised while keras.Sequential builds "
        "the model, before any data is seen. Keras 1/2 said 'expected ndim=4, found ndim=5'."
    ),
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _five_d_input_message() -> str:
    import keras

    spec = keras.layers.Conv2D(32, 3).input_spec
    assert spec.min_ndim == 4 and spec.ndim is None, spec
    said = _build_error(
        lambda: keras.Sequential([keras.Input((4, 56, 14, 1)), keras.layers.Conv2D(32, 3)])
    )
    assert "Kernel shape must have the same length as input" in said, said
    assert "ndim" not in said, said
    return f"Conv2D input spec: min_ndim={spec.min_ndim}; building on (4, 56, 14, 1): {said}"


@behaviour(
    "conv.flatten_into_lstm_message",
    claim=(
        "A Flatten between the CNN and the LSTM leaves a 2D tensor; keras.Sequential refuses it "
        "while building, with 'expected ndim=3, found ndim=2' and the shape it received."
    ),
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _flatten_into_lstm_message() -> str:
    import keras
    from keras import layers

    said = _build_error(
        lambda: keras.Sequential(
            [keras.Input((56, 14, 1)), layers.Conv2D(32, 3), layers.Flatten(), layers.LSTM(5)]
        )
    )
    assert "expected ndim=3, found ndim=2" in said and "received: (None, 20736)" in said, said
    return said


@behaviour(
    "conv.reshape_total_size_message",
    claim=(
        "A Reshape whose target does not hold the input's number of values fails while "
        "keras.Sequential builds, with 'The total size of the tensor must be unchanged' and "
        "both shapes (the input without its batch axis)."
    ),
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _reshape_total_size_message() -> str:
    import keras
    from keras import layers

    said = _build_error(
        lambda: keras.Sequential(
            [
                keras.Input((56, 14, 1)),
                layers.Conv2D(32, 3),
                layers.Conv2D(32, 3),
                layers.MaxPooling2D(2),
                layers.Reshape((4, 1000)),
            ]
        )
    )
    assert "total size of the tensor must be unchanged" in said, said
    assert "input_shape=(26, 5, 32)" in said and "target_shape=(4, 1000)" in said, said
    return said
