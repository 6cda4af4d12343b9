"""Every figure the source material states, defined once.

A :class:`Figure` holds what a source said (written in the Keras 1/2 or TF1 era) and a
function that computes the same quantity live with today's Keras. Chapters call
:func:`claim` with the value their own cell computed; the claims ledger page calls
:func:`ledger`, which runs every ``compute`` function. Both compare against the same
``source`` value, so a figure cannot say one thing in a chapter and another in the ledger.

Figures are grouped by the sections of the source list (A–F), one module each.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One stated figure and how to reproduce it."""

    key: str
    """Short id used by chapters, e.g. ``"A1.lstm"``; the part before the dot is the section."""
    topic: str
    """What the figure is about, in a few words."""
    source: Any
    """The value the source states."""
    compute: Callable[[], Any]
    """Builds what the source describes with today's Keras and returns the value."""
    then_vs_now: str = ""
    """Where Keras 3 behaves differently from the era the source was written in."""
    chapter: str = ""
    """The notebook that teaches it (file name without ``.ipynb``)."""

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]


FIGURES: dict[str, Figure] = {}
_DEFINED_IN: dict[str, str] = {}
"""The module that registered each figure."""


def register(figure: Figure, *, module: str | None = None) -> Figure:
    """Add ``figure`` to the registry; return it.

    ``module`` is the module that defines it (by default the caller's). A module that runs
    again (``importlib.reload``, IPython's autoreload, a notebook cell run twice) replaces its
    own figures; the same key from a different module is an error.
    """
    if module is None:
        module = sys._getframe(1).f_globals.get("__name__", "?")
    before = _DEFINED_IN.get(figure.key)
    if before is not None and before != module:
        raise ValueError(f"figure {figure.key!r} is defined twice: in {before} and in {module}")
    FIGURES[figure.key] = figure
    _DEFINED_IN[figure.key] = module
    return figure


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (tuple, list)):
        return (
            "("
            + ", ".join("None" if v is None else _fmt(v) for v in value)
            + (",)" if len(value) == 1 else ")")
        )
    return str(value)


def get(key: str) -> Figure:
    _load_all()
    try:
        return FIGURES[key]
    except KeyError:
        raise KeyError(f"no figure {key!r}; known: {', '.join(sorted(FIGURES))}") from None


def claim(key: str, live: Any) -> None:
    """Check a value computed in a chapter against the source's figure, and print both.

    Raises:
        AssertionError: the live value differs from what the source states.
    """
    figure = get(key)
    if isinstance(live, (tuple, list)):
        live = tuple(None if v is None else int(v) for v in live)
    if not _same(live, figure.source):
        raise AssertionError(
            f"{figure.topic}: computed {_fmt(live)}, but the source states {_fmt(figure.source)}."
        )
    print(f"✓ {figure.topic}: {_fmt(live)} (the source states {_fmt(figure.source)})")


@dataclass(frozen=True)
class LedgerRow:
    figure: Figure
    live: Any
    agrees: bool
    error: str = ""


def ledger(keys: Iterable[str] | None = None) -> list[LedgerRow]:
    """Compute every figure (or the ones named) live and compare with the sources."""
    _load_all()
    rows = []
    for key in keys if keys is not None else sorted(FIGURES, key=_order):
        figure = FIGURES[key]
        try:
            live = figure.compute()
        except Exception as exc:  # one broken figure must not hide the others
            rows.append(LedgerRow(figure, None, False, f"{type(exc).__name__}: {exc}"))
            continue
        if isinstance(live, (tuple, list)):
            live = tuple(None if v is None else int(v) for v in live)
        rows.append(LedgerRow(figure, live, _same(live, figure.source)))
    return rows


def _order(key: str) -> tuple:
    section = key.split(".", 1)[0]
    return (section[0], int(section[1:] or 0), key)


def _load_all() -> None:
    """Import every section module in this package; importing one registers its figures."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
