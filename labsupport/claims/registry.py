"""What a claim of the book is: data only. The chapters compute and observe; nothing here does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ALL_BACKENDS = ("tensorflow", "jax", "torch")
"""The backends of Keras 3."""


@dataclass(frozen=True)
class Figure:
    """A number or shape a source states, and the chapter whose cell computes it today."""

    key: str
    """Short id used by the chapter, e.g. ``"A1.lstm"``; before the dot, the section of sources."""
    topic: str
    """What the figure is about, in a few words."""
    source: Any
    """The value the source states."""
    then_vs_now: str
    """Where Keras 3 behaves differently from the era the source was written in."""
    chapter: str
    """The notebook (file name without ``.ipynb``) whose cell calls ``claim(key, ...)``."""

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class Behaviour:
    """A sentence about how Keras or TensorFlow behaves, and the chapter that shows it."""

    key: str
    """Short id, e.g. ``"conv.channels_first_cpu"``; before the dot, the topic."""
    claim: str
    """The behaviour, in one or two sentences, as the book states it."""
    chapter: str
    """The notebook (file name without ``.ipynb``) whose cell calls ``evidence(key, ...)``."""
    backends: tuple[str, ...] = ALL_BACKENDS
    """The Keras backends the sentence is about; on the others the chapter says what it saw."""

    @property
    def topic(self) -> str:
        return self.key.split(".", 1)[0]
