"""Figures the chapters draw, with matplotlib. Each function returns the Figure it drew."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def loss_curve(history: Any, *, title: str = "Training loss", log: bool = True):
    """Plot the loss from a Keras ``History`` (or a dict of lists).

    A plain History has one point per epoch. A History from
    :func:`labsupport.training.fit_passes` has one point per ``passes_per_epoch`` passes over
    the data (the mean loss of those passes), so the x axis counts passes, and says when each
    pass is a single weight update.
    """
    plt = _plt()
    logs: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    per_point = getattr(history, "passes_per_epoch", None)
    updates = getattr(history, "updates_per_pass", None)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    for name, values in logs.items():
        if "loss" not in name:
            continue
        points = np.arange(1, len(values) + 1)
        if per_point:
            points = points * per_point
            label = f"{name}, mean over each {per_point} passes" if per_point > 1 else name
        else:
            label = name
        style = {"marker": "o", "markersize": 3} if len(values) <= 50 else {}
        ax.plot(points, values, label=label, **style)
    if per_point:
        each = {1: " (each one weight update)"}.get(updates, "")
        if updates and updates > 1:
            each = f" ({updates} weight updates each)"
        ax.set_xlabel("passes over the training data" + each)
    else:
        ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def echo_predictions(
    targets: Any, predictions: Any, *, title: str = "Echo: targets and predictions"
):
    """Plot the echo targets and the model's predictions step by step."""
    plt = _plt()
    targets = np.ravel(targets)
    predictions = np.ravel(predictions)
    steps = np.arange(len(targets))
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(steps, targets, "o-", label="target", color="#1f77b4")
    ax.plot(steps, predictions, "x--", label="prediction", color="#d62728", markersize=9)
    ax.set_xticks(steps)
    ax.set_xlabel("position in the sequence")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def shared_weights(
    rows: int = 4,
    features: int = 3,
    units: int = 2,
    *,
    model: Any = None,
    title: str = "Dense on 3D input: one weight matrix for every row",
):
    """Draw Dense on a (rows, features) input: the same weight matrix W maps every row.

    Each input row (a time step, or an image row) goes through the one ``features × units``
    matrix and becomes the output row at the same position. Given ``model``, a model whose
    first layer is a Dense (or a TimeDistributed Dense) on 3D input, the sizes are read from
    it: rows from its input, features and units from the kernel.
    """
    if model is not None:
        layer = getattr(model.layers[0], "layer", model.layers[0])
        rows = int(model.inputs[0].shape[1])
        features, units = (int(d) for d in layer.kernel.shape)
    plt = _plt()
    from matplotlib.patches import FancyArrowPatch, Rectangle

    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    cell = 0.5
    colours = plt.get_cmap("tab10")

    def grid(x0: float, y0: float, n_rows: int, n_cols: int, *, shade=None) -> None:
        for r in range(n_rows):
            for c in range(n_cols):
                face = shade(r) if shade else "#e8e8e8"
                ax.add_patch(
                    Rectangle(
                        (x0 + c * cell, y0 - (r + 1) * cell),
                        cell,
                        cell,
                        facecolor=face,
                        edgecolor="#555",
                        lw=0.8,
                    )
                )

    top = rows * cell
    in_x, w_x = 0.0, features * cell + 1.2
    out_x = w_x + units * cell + 1.2
    w_top = top / 2 + features * cell / 2

    def light(r):
        return (*colours(r % 10)[:3], 0.35)

    grid(in_x, top, rows, features, shade=light)
    grid(w_x, w_top, features, units, shade=lambda r: "#9ecae1")
    grid(out_x, top, rows, units, shade=light)
    for r in range(rows):
        y = top - (r + 0.5) * cell
        colour = colours(r % 10)
        for start, end in (
            ((in_x + features * cell, y), (w_x, w_top - features * cell / 2)),
            ((w_x + units * cell, w_top - features * cell / 2), (out_x, y)),
        ):
            ax.add_patch(
                FancyArrowPatch(
                    start, end, arrowstyle="-|>", mutation_scale=8, color=colour, lw=1.0, alpha=0.8
                )
            )
    ax.text(
        in_x + features * cell / 2,
        top + 0.15,
        f"input\n({rows} rows × {features})",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    ax.text(
        w_x + units * cell / 2,
        w_top + 0.15,
        f"W: {features} × {units}\n(+ bias {units})",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    ax.text(
        out_x + units * cell / 2,
        top + 0.15,
        f"output\n({rows} rows × {units})",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    bottom = min(0.0, w_top - features * cell)  # W is taller than the input when features > rows
    ax.text(
        w_x + units * cell / 2,
        bottom - 0.35,
        "the same W for every row",
        ha="center",
        fontsize=8,
        style="italic",
    )
    ax.set_xlim(-0.3, out_x + units * cell + 0.3)
    ax.set_ylim(bottom - 0.7, max(top, w_top) + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def quadrant_sequences(sequences: Mapping[str, Any], *, title: str = ""):
    """Draw one digit's quadrant sequence in each reading order: a row per order, a column per step.

    Args:
        sequences: reading order (e.g. ``"1234"``) -> that digit's (4, 14, 14[, 1]) sequence.
    """
    plt = _plt()
    rows = len(sequences)
    fig, axes = plt.subplots(rows, 4, figsize=(3.6, 0.9 * rows + 0.5), squeeze=False)
    for r, (order, seq) in enumerate(sequences.items()):
        for t in range(4):
            ax = axes[r, t]
            ax.imshow(np.squeeze(seq[t]), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"t = {t}", fontsize=8)
        axes[r, 0].set_ylabel(order, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def width_stacked_steps(stacked: Any, *, title: str = ""):
    """Draw the four steps of a height-stacked sequence, each a tall (56 × 14) picture."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(stacked), figsize=(3.2, 2.8), squeeze=False)
    for t, ax in enumerate(axes[0]):
        ax.imshow(np.squeeze(stacked[t]), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"t = {t}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def confusion_matrix(y_true: Any, y_pred: Any, *, classes: int = 10, title: str = ""):
    """Draw the confusion matrix (rows: true, columns: predicted), counts off the diagonal."""
    plt = _plt()
    y_true = np.asarray(y_true).ravel().astype(int)
    y_pred = np.asarray(y_pred).ravel().astype(int)
    cm = np.zeros((classes, classes), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    off = cm.copy()
    np.fill_diagonal(off, 0)
    fig, ax = plt.subplots(figsize=(4.2, 3.8))
    ax.imshow(off, cmap="Reds")
    for i in range(classes):
        for j in range(classes):
            if i != j and cm[i, j]:
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title or "Mistakes (the diagonal is left out)", fontsize=10)
    fig.tight_layout()
    return fig


def misclassified(images: Any, y_true: Any, y_pred: Any, *, n: int = 12, title: str = ""):
    """Show up to ``n`` images the model got wrong, labelled 'true → predicted'."""
    plt = _plt()
    y_true = np.asarray(y_true).ravel()
    y_pred = np.asarray(y_pred).ravel()
    wrong = np.flatnonzero(y_true != y_pred)[:n]
    cols = 6
    rows = max(1, int(np.ceil(len(wrong) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(5.5, 1.1 * rows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong, strict=False):
        ax.imshow(np.squeeze(images[i]), cmap="gray_r")
        ax.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize=8)
    fig.suptitle(title or "Misclassified test digits (true → predicted)", fontsize=10)
    fig.tight_layout()
    return fig
