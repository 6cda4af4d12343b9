"""Sequences of different lengths for the padding-and-masks chapter: tag every rise.

Each sequence is a run of whole-number tokens from 1 to ``vocabulary - 1`` (the token 0 is kept
free for padding), between ``min_length`` and ``max_length`` steps long. Its tags say, step by
step, whether the token is larger than the one before it; the first step has nothing before it
and is tagged 0::

    tokens  3 1 4 1 5 9 2
    tags    0 0 1 0 1 1 0

The task is per-step tagging, so a model needs an output at every step. Padding puts zeros on
the tokens and on the tags; :class:`TaggingData` keeps a boolean ``real`` array next to them
that is True on the steps that came from a sequence. Everything is generated here,
deterministically from ``seed``; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PAD = 0
"""The padding token; real tokens are 1 and up."""


def rise_tags(tokens: Sequence[int] | np.ndarray) -> np.ndarray:
    """1 where a token is larger than the one before it, else 0 (the first step is 0)."""
    tokens = np.asarray(tokens)
    if tokens.ndim != 1:
        raise ValueError(f"expected one sequence (1D), got shape {tokens.shape}")
    tags = np.zeros(len(tokens), dtype="int32")
    tags[1:] = tokens[1:] > tokens[:-1]
    return tags


def random_sequences(
    n: int,
    *,
    min_length: int = 3,
    max_length: int = 30,
    vocabulary: int = 10,
    seed: int = 0,
) -> list[np.ndarray]:
    """``n`` token sequences of random lengths in ``[min_length, max_length]``."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    if not 1 <= min_length <= max_length:
        raise ValueError(f"need 1 <= min_length <= max_length, got {min_length}, {max_length}")
    if vocabulary < 3:
        raise ValueError(f"vocabulary needs the pad and at least two tokens, got {vocabulary}")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_length, max_length + 1, size=n)
    return [rng.integers(1, vocabulary, size=int(length)).astype("int32") for length in lengths]


def pad(
    sequences: Sequence[Any], *, length: int, padding: str = "post", dtype: str = "int32"
) -> np.ndarray:
    """``keras.utils.pad_sequences`` with the book's choices: pad with 0, cut nothing."""
    import keras

    longest = max((len(s) for s in sequences), default=0)
    if longest > length:
        raise ValueError(f"a sequence has {longest} steps, more than length={length}")
    return keras.utils.pad_sequences(
        sequences, maxlen=length, padding=padding, value=PAD, dtype=dtype
    )


@dataclass(frozen=True)
class TaggingData:
    """One split: ``x`` tokens ``(n, steps)``, ``y`` tags ``(n, steps, 1)``, ``real`` steps."""

    x: np.ndarray
    y: np.ndarray
    real: np.ndarray
    """Boolean ``(n, steps)``: True on a sequence's own steps, False on padding."""

    @property
    def lengths(self) -> np.ndarray:
        return self.real.sum(axis=1)

    @property
    def real_weights(self) -> np.ndarray:
        """``real`` as float32 weights, for ``fit(validation_data=(x, y, weights))``."""
        return self.real.astype("float32")


def tagging_split(
    n: int,
    *,
    length: int = 30,
    min_length: int = 3,
    padding: str = "post",
    vocabulary: int = 10,
    seed: int = 0,
) -> TaggingData:
    """``n`` padded sequences of the rise-tagging task, ``length`` steps each."""
    if padding not in ("pre", "post"):
        raise ValueError(f'padding must be "pre" or "post", got {padding!r}')
    sequences = random_sequences(
        n, min_length=min_length, max_length=length, vocabulary=vocabulary, seed=seed
    )
    x = pad(sequences, length=length, padding=padding)
    y = pad([rise_tags(s) for s in sequences], length=length, padding=padding)
    return TaggingData(x=x, y=y[..., None].astype("float32"), real=x != PAD)


def real_step_accuracy(data: TaggingData, probabilities: Any) -> float:
    """Share of the real steps whose tag the model gets right (probability above 0.5)."""
    p = np.asarray(probabilities).reshape(data.real.shape)
    right = (p > 0.5) == (data.y[..., 0] > 0.5)
    return float(right[data.real].mean())
