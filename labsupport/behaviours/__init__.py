"""Every behaviour of Keras the book asserts in prose, with a live check and its evidence cell.

The figures in :mod:`labsupport.stated` are numbers the sources state. This registry holds the
other kind of claim: sentences about how Keras and TensorFlow *behave* ("a channels-first
convolution runs on this CPU", "TimeDistributed unrolls a loop over the steps", "losses line up
target ranks"). Each :class:`Behaviour` names

* the sentence the book makes,
* the chapter whose code cell demonstrates it (that cell carries the comment
  ``# evidence: KEY``, and a test checks it is there), and
* a small ``check`` function that demonstrates it again, live, for the claims ledger page.

A check returns a one-line account of what it observed and raises ``AssertionError`` when the
behaviour does not hold with the installed Keras, so the ledger cannot keep a sentence that has
stopped being true.

Behaviours are grouped by topic, one module each; importing a module registers its behaviours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from labsupport import models

ALL_BACKENDS = ("tensorflow", "jax", "torch")
"""The backends of Keras 3; a behaviour names those it was observed on (``Behaviour.backends``)."""

EVIDENCE_MARK = "# evidence: "
"""Comment that marks a chapter's code cell as the demonstration of a behaviour."""


@dataclass(frozen=True)
class Behaviour:
    """One behaviour the book asserts, and how to see it."""

    key: str
    """Short id, e.g. ``"conv.channels_first_cpu"``; the part before the dot is the topic."""
    claim: str
    """The behaviour, in one or two sentences, as the book states it."""
    chapter: str
    """The notebook (file name without ``.ipynb``) whose cell carries ``# evidence: KEY``."""
    check: Callable[[], str]
    """Demonstrates the behaviour live; returns what it saw; raises AssertionError if false."""
    backends: tuple[str, ...] = ALL_BACKENDS
    """The Keras backends the claim is about. On another backend the check is not run and
    :func:`verify` says so: the book states the behaviour for these backends only."""

    @property
    def topic(self) -> str:
        return self.key.split(".", 1)[0]


BEHAVIOURS: dict[str, Behaviour] = {}


def register(behaviour: Behaviour) -> Behaviour:
    """Add a behaviour; registering the same key again (a reloaded module) replaces it."""
    old = BEHAVIOURS.get(behaviour.key)
    if old is not None and old.check.__module__ != behaviour.check.__module__:
        raise ValueError(
            f"behaviour {behaviour.key!r} is defined in {old.check.__module__} "
            f"and in {behaviour.check.__module__}"
        )
    BEHAVIOURS[behaviour.key] = behaviour
    return behaviour


def behaviour(
    key: str, *, claim: str, chapter: str, backends: tuple[str, ...] = ALL_BACKENDS
) -> Callable[[Callable[[], str]], Callable]:
    """Decorator form of :func:`register`: the decorated function is the check."""

    def wrap(check: Callable[[], str]) -> Callable[[], str]:
        register(Behaviour(key=key, claim=claim, chapter=chapter, check=check, backends=backends))
        return check

    return wrap


@dataclass(frozen=True)
class BehaviourRow:
    behaviour: Behaviour
    observed: str
    holds: bool
    error: str = ""
    skipped: bool = False
    """True when the check did not run: the behaviour is stated for other backends."""


def get(key: str) -> Behaviour:
    _load_all()
    try:
        return BEHAVIOURS[key]
    except KeyError:
        known = ", ".join(sorted(BEHAVIOURS))
        raise KeyError(f"no behaviour {key!r}; known: {known}") from None


def verify(keys: Iterable[str] | None = None) -> list[BehaviourRow]:
    """Run every behaviour's check (or the ones named) and report what each observed."""
    # The checks build dozens of fresh models in a row, each tracing its own predict once.
    with models.without_retracing_warnings():
        return _verify(keys)


def _verify(keys: Iterable[str] | None) -> list[BehaviourRow]:
    _load_all()
    backend = _backend()
    rows = []
    for key in keys if keys is not None else sorted(BEHAVIOURS):
        item = BEHAVIOURS[key]
        if backend not in item.backends:
            said = ", ".join(item.backends)
            note = f"not checked on {backend}: the book states this for {said} only"
            rows.append(BehaviourRow(item, note, True, skipped=True))
            continue
        try:
            observed = item.check()
        except AssertionError as exc:
            rows.append(BehaviourRow(item, "", False, f"does not hold: {exc}"))
        except Exception as exc:  # one broken check must not hide the others
            rows.append(BehaviourRow(item, "", False, f"{type(exc).__name__}: {exc}"))
        else:
            rows.append(BehaviourRow(item, str(observed), True))
    return rows


def to_numpy(value: object) -> np.ndarray:
    """A tensor, a Keras variable or an array as a NumPy array, on every backend (PyTorch's
    tensors that require a gradient cannot go through ``np.asarray`` directly)."""
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value))


def _backend() -> str:
    """The Keras backend of this process (``KERAS_BACKEND``; TensorFlow by default)."""
    import keras

    return keras.backend.backend()


def _load_all() -> None:
    """Import every topic module in this package; importing one registers its behaviours."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
