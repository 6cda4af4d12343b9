"""The book's claims: each one is shown by exactly one chapter cell, and recorded from there.

Two kinds of claim:

* a **figure** a source states (a parameter count, a shape): the chapter cell that builds the
  model calls :func:`claim` with the key and its own result, which must equal the source's;
* a **behaviour** of Keras or TensorFlow (a refusal, an equality, a relation): the chapter cell
  that shows it asserts it and calls :func:`evidence` with the key and a line saying what it saw.

Both hand what the cell saw to the book (``glue``), under :func:`glue_key`. The claims ledger
page pastes those values from the chapters; a claim whose chapter did not record it leaves a
missing reference, which stops the book's build. Nothing here computes a claim a second time:
:mod:`labsupport.claims.figures` and :mod:`labsupport.claims.behaviours` hold only the sentences.
"""

from __future__ import annotations

from typing import Any

from labsupport.claims.registry import ALL_BACKENDS, Behaviour, Figure
from labsupport.config import glue

__all__ = [
    "ALL_BACKENDS",
    "Behaviour",
    "Figure",
    "all_behaviours",
    "claim",
    "evidence",
    "all_figures",
    "format_value",
    "get_behaviour",
    "get_figure",
    "glue_key",
    "unchecked",
]


def all_figures() -> dict[str, Figure]:
    """Every stated figure, by key, in the order of the sources (A1, A2, ..., F18)."""
    from labsupport.claims.figures import FIGURES

    return {figure.key: figure for figure in sorted(FIGURES, key=_order)}


def all_behaviours() -> dict[str, Behaviour]:
    """Every behaviour the book states, by key, sorted."""
    from labsupport.claims.behaviours import BEHAVIOURS

    return {item.key: item for item in sorted(BEHAVIOURS, key=lambda b: b.key)}


def get_figure(key: str) -> Figure:
    known = all_figures()
    if key not in known:
        raise KeyError(f"no figure {key!r}; known: {', '.join(known)}")
    return known[key]


def get_behaviour(key: str) -> Behaviour:
    known = all_behaviours()
    if key not in known:
        raise KeyError(f"no behaviour {key!r}; known: {', '.join(known)}")
    return known[key]


def glue_key(key: str) -> str:
    """The name under which a chapter glues what it recorded for ``key``."""
    return f"claim.{key}"


class Recorded(str):
    """A recorded observation; shows itself as its text, without quotes, in the book."""

    def __repr__(self) -> str:
        return str(self)


def format_value(value: Any) -> str:
    """A figure as the book prints it: ``1,234`` for counts, ``(None, 5, 1)`` for shapes."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return str(value)


def claim(key: str, live: Any) -> None:
    """Compare a value a chapter computed with the figure its source states; print and record it.

    Raises:
        AssertionError: the value differs from what the source states.
    """
    figure = get_figure(key)
    live = _plain(live)
    if live != _plain(figure.source):
        raise AssertionError(
            f"{figure.topic}: computed {format_value(live)}, "
            f"but the source states {format_value(figure.source)}."
        )
    print(
        f"✓ {figure.topic}: {format_value(live)} (the source states {format_value(figure.source)})"
    )
    glue(glue_key(key), Recorded(f"✓ {format_value(live)}"), display=False)


def evidence(key: str, observed: str) -> None:
    """Record what a chapter cell saw of a behaviour (after its asserts have checked it).

    ``observed`` is one line in the cell's own words, built from what it ran. On a backend the
    sentence is not about, the line says so instead of taking the sentence's place.
    """
    item = get_behaviour(key)
    text = " ".join(str(observed).split())
    if not text:
        raise ValueError(f"evidence({key!r}, ...) needs a line saying what the cell observed")
    backend = _backend()
    if backend in item.backends:
        text = f"✓ {text}"
    else:
        text = f"on {backend}, which the sentence is not about: {text}"
    glue(glue_key(key), Recorded(text), display=False)


def _plain(value: Any) -> Any:
    """Shapes as tuples of ints and None (a TensorShape, a list, NumPy integers); others as is."""
    if isinstance(value, (tuple, list)) or type(value).__name__ == "TensorShape":
        return tuple(None if v is None else int(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (int, float, str)):
        return value.item()  # a NumPy scalar
    return value


def _order(figure: Figure) -> tuple:
    section = figure.section
    return (section[0], int(section[1:] or 0), figure.key)


def _backend() -> str:
    import keras

    return keras.backend.backend()


def unchecked(key: str, why: str) -> None:
    """Record that this run could not check a figure or behaviour, and why (shown, without ✓).

    For a path on which the claim cannot be computed, e.g. the full MNIST training set's size
    on the bundled sample. The ledger then says so instead of a value.
    """
    known = {**all_figures(), **all_behaviours()}
    if key not in known:
        raise KeyError(f"no figure or behaviour {key!r}")
    text = " ".join(str(why).split())
    if not text:
        raise ValueError(f"unchecked({key!r}, ...) needs the reason")
    print(f"(not checked in this run: {text})")
    glue(glue_key(key), Recorded(f"not checked in this run: {text}"), display=False)
