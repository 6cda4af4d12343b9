"""Figures the chapters draw, with matplotlib. Each function returns the Figure it drew."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def loss_curve(history: Any, *, title: str = "Training loss", log: bool = True):
    """Plot the loss from a Keras ``History`` (or a dict of lists) against the epoch."""
    plt = _plt()
    logs: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    for name, values in logs.items():
        if "loss" in name:
            ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def echo_predictions(targets: Any, predictions: Any, *, title: str = "Echo: targets and predictions"):
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
