"""A sequence-to-sequence task for the encoder-decoder chapter: addition written as characters.

Each question is two whole numbers of up to ``digits`` digits joined by ``+``, such as
``"12+7"``; its answer is their sum, such as ``"19"``. Both are padded on the right with spaces
to a fixed length (``2 * digits + 1`` characters in, ``digits + 1`` out), so every question is
a sequence of the same number of steps and so is every answer::

    "12+7 "  ->  "19 "

Every character is one of :data:`VOCABULARY` and is one-hot encoded, so a batch of questions
is ``(samples, steps, len(VOCABULARY))``. The problems are drawn without repetition from all
``(10 ** digits) ** 2`` pairs, and the split is made on unordered pairs: ``a+b`` and ``b+a``
always land on the same side, so no test sum appears in training in either order. Everything
is generated here, deterministically from ``seed``; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

VOCABULARY = "0123456789+ "
"""The characters, in the order of the one-hot axis; the space pads the sequences."""

PAD = " "


def question_length(digits: int) -> int:
    """Characters in a padded question: two numbers and the plus sign."""
    return 2 * digits + 1


def answer_length(digits: int) -> int:
    """Characters in a padded answer: the sum of two ``digits``-digit numbers has one more."""
    return digits + 1


def encode(texts: Sequence[str], length: int) -> np.ndarray:
    """One-hot encode ``texts``, padded on the right to ``length``: (samples, length, vocabulary).

    Raises ``ValueError`` for a text longer than ``length`` or a character outside the
    vocabulary.
    """
    out = np.zeros((len(texts), length, len(VOCABULARY)), dtype="float32")
    for i, text in enumerate(texts):
        if len(text) > length:
            raise ValueError(f"{text!r} has more than {length} characters")
        for t, char in enumerate(text.ljust(length, PAD)):
            index = VOCABULARY.find(char)
            if index < 0:
                raise ValueError(f"{char!r} in {text!r} is not one of {VOCABULARY!r}")
            out[i, t, index] = 1.0
    return out


def to_indices(values: Any) -> np.ndarray:
    """Character indices from one-hot rows or probabilities (argmax), or indices as they are."""
    arr = np.asarray(values)
    if arr.ndim == 3:
        return arr.argmax(axis=-1)
    if arr.ndim == 2 and np.issubdtype(arr.dtype, np.integer):
        return arr
    raise ValueError(
        f"expected (samples, steps, vocabulary) scores or (samples, steps) indices, "
        f"got shape {arr.shape}"
    )


def decode(values: Any) -> list[str]:
    """The texts that one-hot rows, probabilities or indices stand for (padding kept)."""
    return ["".join(VOCABULARY[i] for i in row) for row in to_indices(values)]


def step_accuracy(y_true: Any, y_pred: Any) -> float:
    """The share of output steps (characters) predicted right, over all samples and steps."""
    true, pred = to_indices(y_true), to_indices(y_pred)
    return float((true == pred).mean())


def sequence_accuracy(y_true: Any, y_pred: Any) -> float:
    """The share of samples whose every output step is right: the whole answer, exactly."""
    true, pred = to_indices(y_true), to_indices(y_pred)
    return float((true == pred).all(axis=1).mean())


@dataclass(frozen=True)
class AdditionData:
    """Questions and answers as text and one-hot arrays, split into training and test problems."""

    digits: int
    train_questions: list[str]
    train_answers: list[str]
    test_questions: list[str]
    test_answers: list[str]

    @property
    def x_train(self) -> np.ndarray:
        return encode(self.train_questions, question_length(self.digits))

    @property
    def y_train(self) -> np.ndarray:
        return encode(self.train_answers, answer_length(self.digits))

    @property
    def x_test(self) -> np.ndarray:
        return encode(self.test_questions, question_length(self.digits))

    @property
    def y_test(self) -> np.ndarray:
        return encode(self.test_answers, answer_length(self.digits))


def addition(n_train: int, n_test: int, *, digits: int = 2, seed: int = 0) -> AdditionData:
    """``n_train`` training and ``n_test`` test additions, all different, drawn with ``seed``.

    The numbers run from 0 to ``10 ** digits - 1``; ``a+b`` and ``b+a`` are two questions, but
    the split keeps them together: when one of them is a test question, the other is a test
    question too or is not used at all, so no test sum appears in training in either order.
    Raises ``ValueError`` when more problems are asked for than there are.
    """
    if digits < 1:
        raise ValueError("digits must be at least 1")
    if n_train < 0 or n_test < 0:
        raise ValueError("n_train and n_test must not be negative")
    top = 10**digits
    if n_train + n_test > top * top:
        raise ValueError(
            f"there are only {top * top:,} different additions of {digits}-digit numbers; "
            f"{n_train + n_test:,} were asked for"
        )
    rng = np.random.default_rng(seed)
    # The unordered pairs {a, b}, a <= b, in a random order, each with its one or two
    # questions (a+b and b+a) in a random order.
    a, b = np.triu_indices(top)
    groups = []
    for k in rng.permutation(len(a)).tolist():
        x, y = int(a[k]), int(b[k])
        groups.append([(x, y)] if x == y else [(x, y), (y, x)][:: rng.choice([1, -1])])
    # Test: whole pairs only, in the random order, skipping a pair of two when one place is
    # left (a pair a+a, of one question, fills it).
    test, rest = [], []
    for group in groups:
        if len(test) + len(group) <= n_test:
            test.extend(group)
        else:
            rest.append(group)
    if len(test) < n_test:
        raise ValueError(f"cannot draw {n_test:,} test problems in whole pairs")
    # Training: the remaining pairs; the last may give only one of its two questions, and the
    # other is then left out, never put in the test set.
    train = [pair for group in rest for pair in group][:n_train]
    order_train, order_test = rng.permutation(len(train)), rng.permutation(len(test))
    train = [train[i] for i in order_train.tolist()]
    test = [test[i] for i in order_test.tolist()]
    return AdditionData(
        digits=digits,
        train_questions=[f"{x}+{y}" for x, y in train],
        train_answers=[str(x + y) for x, y in train],
        test_questions=[f"{x}+{y}" for x, y in test],
        test_answers=[str(x + y) for x, y in test],
    )
