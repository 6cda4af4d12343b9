"""A digit's quadrant sequence flowing through a CNN + LSTM, drawn from the model itself.

:func:`flow_shapes` reads the shapes at each arrow from a built quadrant model (chapter 8's
:func:`labsupport.models.quadrant_cnn_lstm`, folded or wrapped, or any Sequential/functional
model whose LSTM reads one feature vector per quadrant). :func:`quadrant_flow` runs one real
image through that model and draws every stage: the image cut into its four quadrants, the
same CNN on each, the four feature vectors, the LSTM reading them in order, its last hidden
state, and the softmax over the ten digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FlowShapes:
    """The shapes at the arrows of a quadrant CNN + LSTM, as Keras reports them."""

    model_input: tuple
    """The whole model's input, e.g. ``(None, 4, 14, 14, 1)``."""
    quadrant: tuple
    """One quadrant, as the CNN reads it, e.g. ``(14, 14, 1)``."""
    features: tuple
    """One quadrant's feature vector, as the CNN returns it, e.g. ``(288,)``."""
    lstm_input: tuple
    """What the LSTM reads: ``(batch, steps, features)``."""
    lstm_output: tuple
    """The LSTM's last hidden state, ``(batch, units)``."""
    model_output: tuple
    """The softmax, ``(batch, classes)``."""
    cnn_params: int
    """Parameters of the CNN that every quadrant goes through (counted once)."""
    lstm_params: int
    head_params: int
    """Parameters of the layers after the LSTM."""
    folded: bool
    """True when the model folds the steps into the batch axis around the CNN."""


def _shape(tensor: Any) -> tuple:
    return tuple(tensor.shape)


def _params(op: Any) -> int:
    count = getattr(op, "count_params", None)
    return int(count()) if count is not None and getattr(op, "built", True) else 0


def _find_lstm(model: Any) -> Any:
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.RNN):  # LSTM, GRU and SimpleRNN are RNNs
            return layer
    raise ValueError(f"{model.name} has no recurrent layer to read the quadrant features")


def flow_shapes(model: Any) -> FlowShapes:
    """Read the shapes and parameter counts along a quadrant CNN + LSTM.

    The CNN is the layers between the input and the LSTM that hold weights; whether they sit
    in ``TimeDistributed`` or run on the steps folded into the batch axis, each weight is
    counted once.
    """
    import keras

    lstm = _find_lstm(model)
    # ``operations`` also lists what keras.ops did to symbolic tensors (a folding reshape);
    # ``layers`` lists only the layers.
    ops = list(getattr(model, "operations", model.layers))
    before = ops[: ops.index(lstm)]
    after = ops[ops.index(lstm) + 1 :]
    model_input = _shape(model.inputs[0])
    # Folded: some step before the LSTM turns (batch, steps, *quadrant) into
    # (batch * steps, *quadrant), whether keras.ops.reshape, a Lambda or a custom layer did it.
    folded = not any(isinstance(op, keras.layers.TimeDistributed) for op in before) and any(
        _shape(op.output)[1:] == model_input[2:]
        for op in before
        if not isinstance(op, keras.layers.InputLayer)
    )
    lstm_in = _shape(lstm.input)
    return FlowShapes(
        model_input=model_input,
        quadrant=model_input[2:],
        features=lstm_in[2:],
        lstm_input=lstm_in,
        lstm_output=_shape(lstm.output),
        model_output=_shape(model.outputs[0]),
        cnn_params=sum(_params(op) for op in before),
        lstm_params=lstm.count_params(),
        head_params=sum(_params(op) for op in after),
        folded=folded,
    )


def _fmt(shape: tuple) -> str:
    inner = ", ".join("batch" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _stages(model: Any, sequence: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The LSTM's input, its last hidden state and the softmax, for one sequence."""
    import keras

    lstm = _find_lstm(model)
    probe = keras.Model(model.inputs[0], [lstm.input, lstm.output, model.outputs[0]])
    features, hidden, probs = (
        keras.ops.convert_to_numpy(t) for t in probe(sequence[None], training=False)
    )
    return features[0], hidden[0], probs[0]


def data_sequence(image: Any, order: str = "1234") -> np.ndarray:
    """One 28 × 28 image as the model reads it: ``(4, 14, 14, 1)`` float32 in [0, 1]."""
    from labsupport import data

    image = np.asarray(image)
    if image.dtype != np.uint8:  # floats in [0, 1]: back to the 0-255 pixels data expects
        image = (np.clip(image, 0, 1) * 255).round().astype("uint8")
    return data.quadrant_sequences(image[None], order)[0]


def quadrant_flow(model: Any, image: Any, *, order: str = "1234", title: str = ""):
    """Draw one image's quadrants flowing through ``model``, with the shapes read from it.

    Args:
        model: a built quadrant CNN + LSTM, input ``(None, 4, 14, 14, 1)``.
        image: one 28 × 28 MNIST digit (uint8 0–255 or floats in [0, 1]).
        order: the reading order of the quadrants (see :data:`labsupport.data.READING_ORDERS`).
        title: a title for the figure.

    The feature vectors, the hidden state and the probabilities are the model's real values
    for this image (an untrained model draws its random-weight values).
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from labsupport.plotting import _plt

    plt = _plt()
    image = np.asarray(image)
    if image.shape != (28, 28):
        raise ValueError(f"expected one 28 x 28 image, got shape {image.shape}")
    pixels = image.astype("float32") / (255.0 if image.dtype == np.uint8 else 1.0)
    shapes = flow_shapes(model)
    sequence = data_sequence(image, order)
    features, hidden, probs = _stages(model, sequence)
    steps = len(sequence)

    fig = plt.figure(figsize=(11.5, 5.0))
    rows = [0.74 - i * 0.19 for i in range(steps)]  # the centre of each step's row
    h_row = 0.13  # height of a row's drawings

    def box(x, y, w, h, text, colour, size=8):
        fig.patches.append(
            FancyBboxPatch(
                (x, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.004",
                transform=fig.transFigure,
                facecolor=colour,
                edgecolor="#444",
                linewidth=0.8,
            )
        )
        fig.text(x + w / 2, y, text, ha="center", va="center", fontsize=size)

    def arrow(x0, y0, x1, y1, label="", colour="#333", above=True):
        fig.patches.append(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                transform=fig.transFigure,
                arrowstyle="-|>",
                mutation_scale=9,
                color=colour,
                linewidth=0.9,
            )
        )
        if label:
            dy = 0.018 if above else -0.018
            fig.text(
                (x0 + x1) / 2,
                (y0 + y1) / 2 + dy,
                label,
                ha="center",
                va="bottom" if above else "top",
                fontsize=6.5,
                color="#1d5d8a",
            )

    # the image, with the quadrant grid and the numbers as they lie on the page
    ax = fig.add_axes((0.01, 0.30, 0.11, 0.11 * 11.5 / 5.0 * 0.95))
    ax.imshow(pixels, cmap="gray_r", vmin=0, vmax=1)
    ax.axhline(13.5, color="#b3261e", lw=1)
    ax.axvline(13.5, color="#b3261e", lw=1)
    for k, (r, c) in enumerate([(0, 0), (0, 14), (14, 0), (14, 14)]):
        ax.text(c + 1, r + 3, str(k + 1), color="#b3261e", fontsize=8, fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"image 28 × 28\nread in order {order}", fontsize=8)
    fig.text(0.065, 0.93, _fmt(shapes.model_input), ha="center", fontsize=7, color="#1d5d8a")
    fig.text(0.065, 0.96, "model input", ha="center", fontsize=7)

    x_quad, w_quad = 0.20, 0.055
    x_cnn, w_cnn = 0.31, 0.075  # room on the first arrow for the quadrant shape
    x_feat, w_feat = 0.43, 0.115
    x_lstm, w_lstm = 0.60, 0.065
    peak = float(np.abs(features).max()) or 1.0
    for t, y in enumerate(rows):
        arrow(0.125, 0.50, x_quad - 0.045, y)
        qa = fig.add_axes((x_quad, y - h_row / 2, w_quad, h_row))
        qa.imshow(np.squeeze(sequence[t]), cmap="gray_r", vmin=0, vmax=1)
        qa.set_xticks([])
        qa.set_yticks([])
        qa.set_ylabel(f"step {t + 1}\nquadrant {order[t]}", fontsize=7)
        arrow(x_quad + w_quad + 0.005, y, x_cnn, y, _fmt(shapes.quadrant) if t == 0 else "")
        box(x_cnn, y, w_cnn, h_row * 0.7, "CNN", "#f6e3b4")
        arrow(x_cnn + w_cnn, y, x_feat - 0.005, y, _fmt(shapes.features) if t == 0 else "")
        fa = fig.add_axes((x_feat, y - h_row * 0.22, w_feat, h_row * 0.44))
        fa.imshow(features[t][None, :], aspect="auto", cmap="RdBu_r", vmin=-peak, vmax=peak)
        fa.set_xticks([])
        fa.set_yticks([])
        arrow(x_feat + w_feat + 0.005, y, x_lstm, y)
        box(x_lstm, y, w_lstm, h_row * 0.7, f"LSTM\nstep {t + 1}", "#d7e9f7")
        if t + 1 < steps:
            arrow(
                x_lstm + w_lstm / 2,
                y - h_row * 0.35,
                x_lstm + w_lstm / 2,
                rows[t + 1] + h_row * 0.35,
                colour="#1d5d8a",
            )
            fig.text(
                x_lstm + w_lstm / 2 + 0.006,
                (y + rows[t + 1]) / 2,
                "h, c",
                fontsize=6.5,
                color="#1d5d8a",
                va="center",
            )

    cnn_note = f"the same CNN for every quadrant:\none set of {shapes.cnn_params:,} weights" + (
        f"\n(folded: it reads ({steps}·batch, {', '.join(map(str, shapes.quadrant))}))"
        if shapes.folded
        else "\n(TimeDistributed: once per step)"
    )
    fig.text(x_cnn + w_cnn / 2, rows[-1] - 0.10, cnn_note, ha="center", va="top", fontsize=7)
    fig.text(x_feat + w_feat / 2, 0.96, "one feature vector per quadrant", ha="center", fontsize=7)
    fig.text(x_quad + w_quad / 2, 0.96, "4 quadrants", ha="center", fontsize=7)
    fig.text(x_lstm + w_lstm / 2, 0.96, "LSTM reads", ha="center", fontsize=7)
    fig.text(
        x_lstm + w_lstm / 2, 0.93, _fmt(shapes.lstm_input), ha="center", fontsize=7, color="#1d5d8a"
    )
    fig.text(
        x_lstm + w_lstm / 2,
        rows[-1] - 0.10,
        f"one LSTM, {shapes.lstm_params:,} weights,\nreused at every step",
        ha="center",
        va="top",
        fontsize=7,
    )

    # the last hidden state, the softmax and its probabilities
    y_out = rows[-1]
    x_h, w_h = 0.715, 0.08
    arrow(x_lstm + w_lstm, y_out, x_h - 0.004, y_out, "last h")
    ha_ = fig.add_axes((x_h, y_out - h_row * 0.22, w_h, h_row * 0.44))
    hpeak = float(np.abs(hidden).max()) or 1.0
    ha_.imshow(hidden[None, :], aspect="auto", cmap="RdBu_r", vmin=-hpeak, vmax=hpeak)
    ha_.set_xticks([])
    ha_.set_yticks([])
    ha_.set_title(_fmt(shapes.lstm_output), fontsize=7, color="#1d5d8a")
    x_dense = 0.815
    arrow(x_h + w_h + 0.004, y_out, x_dense, y_out)
    box(x_dense, y_out, 0.055, h_row * 0.7, "Dense\nsoftmax", "#e6f4ea")
    pa = fig.add_axes((0.905, 0.08, 0.085, 0.42))
    classes = np.arange(len(probs))
    best = int(probs.argmax())
    pa.barh(classes, probs, color=["#1e7e34" if c == best else "#9aa5b1" for c in classes])
    pa.set_yticks(classes)
    pa.tick_params(labelsize=6.5)
    pa.invert_yaxis()
    pa.set_xlim(0, 1)
    pa.set_title(f"{_fmt(shapes.model_output)}\npredicts {best}", fontsize=7, color="#1d5d8a")
    arrow(x_dense + 0.055, y_out, 0.9, y_out)
    if title:
        fig.suptitle(title, fontsize=10, x=0.5, y=1.02)
    return fig
