"""Clips of a moving MNIST digit: the data of the video chapter.

Each clip is ``frames`` pictures of a ``canvas`` × ``canvas`` black square with one MNIST digit,
shrunk to half size, sliding in a straight line. The label is the direction it moves. Every
frame taken alone shows a digit somewhere. The frames without their order still show whether it
moves along a row or a column; only their order tells left from right and up from down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIRECTIONS = ("left", "right", "up", "down")
_STEP = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}


@dataclass(frozen=True)
class Clips:
    """Clips ``x`` (clips, frames, canvas, canvas, 1), float32 in [0, 1], and labels ``y``."""

    x: np.ndarray
    y: np.ndarray
    speed: int

    @property
    def names(self) -> list[str]:
        return [DIRECTIONS[i] for i in self.y]


def half_size(images: np.ndarray) -> np.ndarray:
    """28 × 28 digits → 14 × 14, each pixel the mean of a 2 × 2 block, scaled to [0, 1]."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1] % 2 or images.shape[2] % 2:
        raise ValueError(f"half_size takes images (n, h, w) with even h and w; got {images.shape}")
    n, h, w = images.shape
    blocks = images.reshape(n, h // 2, 2, w // 2, 2).astype("float32")
    small = blocks.mean(axis=(2, 4))
    return small / 255.0 if images.max() > 1 else small


def moving_digits(
    images: np.ndarray,
    n_clips: int,
    *,
    frames: int = 6,
    canvas: int = 28,
    speed: int = 2,
    seed: int = 0,
) -> Clips:
    """``n_clips`` clips of digits drawn from ``images`` (n, 28, 28), each moving one way.

    The four directions come equally often, in a shuffled order. A digit's start is drawn so
    that the whole path stays on the canvas; along the other axis it sits anywhere.
    """
    digits = half_size(images)
    size = digits.shape[1]
    travel = speed * (frames - 1)
    if n_clips < 1 or frames < 2 or speed < 1:
        raise ValueError("moving_digits needs n_clips >= 1, frames >= 2 and speed >= 1")
    if size + travel > canvas:
        raise ValueError(
            f"a {size}-pixel digit moving {travel} pixels does not fit a {canvas}-pixel canvas"
        )
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n_clips) % len(DIRECTIONS))
    picks = rng.integers(0, len(digits), size=n_clips)
    x = np.zeros((n_clips, frames, canvas, canvas, 1), dtype="float32")
    for i, (label, pick) in enumerate(zip(labels, picks, strict=True)):
        dr, dc = _STEP[DIRECTIONS[label]]
        start = []
        for d in (dr, dc):
            if d == 0:
                start.append(rng.integers(0, canvas - size + 1))
            else:  # room for the whole path: a digit moving +1 starts early, -1 starts late
                first = rng.integers(0, canvas - size - travel + 1)
                start.append(first if d > 0 else first + travel)
        for t in range(frames):
            r, c = start[0] + dr * speed * t, start[1] + dc * speed * t
            x[i, t, r : r + size, c : c + size, 0] = digits[pick]
    return Clips(x=x, y=labels.astype("int64"), speed=speed)
