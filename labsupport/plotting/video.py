"""Pictures for the video chapter: a grid of clips, and learning curves side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def frame_grid(
    clips: Any, labels: Sequence[str], *, n: int = 4, title: str = "", first_frame: int = 0
):
    """``n`` clips, one per row, their frames left to right; each row names its label.

    ``clips`` is (clips, frames, height, width[, 1]). The columns are titled from
    ``first_frame`` on (1 for frames 1 to 5 of a clip). Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    clips = np.asarray(clips)
    if clips.ndim == 5:
        clips = clips[..., 0]
    if clips.ndim != 4:
        raise ValueError(f"frame_grid takes clips (n, frames, h, w[, 1]); got {clips.shape}")
    n = min(n, len(clips))
    frames = clips.shape[1]
    fig, axes = plt.subplots(n, frames, figsize=(1.1 * frames + 0.8, 1.1 * n + 0.3), squeeze=False)
    for row in range(n):
        for t in range(frames):
            ax = axes[row, t]
            ax.imshow(clips[row, t], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(f"frame {first_frame + t}", fontsize=8)
        axes[row, 0].set_ylabel(labels[row], fontsize=9, rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def learning_curves(
    histories: Mapping[str, Any],
    *,
    metric: str = "accuracy",
    title: str = "",
    chance: float | None = None,
):
    """One panel per model: ``metric`` on training and validation data, epoch by epoch.

    ``histories`` maps a model's name to what ``fit`` returned (or its ``history`` dict).
    ``chance``, when given, draws the score of guessing as a dotted line; an accuracy axis
    runs from 0 to 1 so the panels of short and long runs read alike.
    """
    import matplotlib.pyplot as plt

    if not histories:
        raise ValueError("learning_curves needs at least one history")
    fig, axes = plt.subplots(
        1, len(histories), figsize=(3.4 * len(histories), 2.8), squeeze=False, sharey=True
    )
    for ax, (name, history) in zip(axes[0], histories.items(), strict=True):
        logs = getattr(history, "history", history)
        if metric not in logs:
            raise KeyError(f"{name}: no {metric!r} in its history (found {sorted(logs)})")
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], "o-", label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "s--", label="validation")
        if chance is not None:
            ax.axhline(chance, color="grey", linestyle=":", linewidth=1, label="guessing")
        if "accuracy" in metric:
            ax.set_ylim(0, 1.03)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(metric)
    axes[0, 0].legend(fontsize=8, loc="center right")  # accuracy sits near 0.25 or 1
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
