"""The self-grading framework: exercises with ``check``, ``hint`` and ``solution``.

A checker is a plain function. It receives the learner's answers, raises :class:`Incorrect`
with a message the learner can act on when something is wrong, and returns normally (optionally
with a short note) when everything is right. :meth:`Exercise.evaluate` turns that into a
:class:`Feedback` with one of four outcomes:

* **not attempted** — an answer is still the placeholder ``____``;
* **incorrect** — the checker raised :class:`Incorrect`; the message says what to change;
* **correct** — the checker returned;
* **could not check** — the answer broke in a way the checker did not foresee; the message
  names the error so the learner can look at their own code.

Before a checker runs, :meth:`Exercise.evaluate` makes sure the call itself makes sense: as
many answers as the check takes (it says which, by the names the notebook uses), and none that
no exercise could want (a Keras tensor from ``keras.Input``, a complex number, NaN or an
infinity). So every checker starts from well-formed answers.

:class:`~labsupport.feedback.Feedback` (in :mod:`labsupport.feedback`) shows itself as HTML in a
notebook and as plain text in a terminal. The logic never prints, so it can be unit-tested.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import numbers
import textwrap
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from labsupport.feedback import Feedback, Outcome


class _Placeholder:
    """The value learners replace with their answer."""

    _instance: _Placeholder | None = None

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"


PLACEHOLDER = ____ = _Placeholder()
"""Put ``____`` where your answer goes; a check that sees it reports "not attempted"."""


class Incorrect(Exception):
    """Raised by a checker: the answer is wrong, and the message says how to fix it."""


def contains_placeholder(value: Any, _depth: int = 0) -> bool:
    """True if ``value`` is the placeholder or holds it in a list, tuple, set or dict."""
    if value is PLACEHOLDER:
        return True
    if _depth > 3:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(contains_placeholder(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return any(contains_placeholder(v, _depth + 1) for v in value.values())
    return False


def describe(value: Any) -> str:
    """A short description of a value for a message: ``the class int``, ``a KerasTensor``."""
    if value is None:
        return "None"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if is_keras_tensor(value):
        return "a Keras tensor"
    text = repr(value)
    if isinstance(value, (bool, numbers.Number, str)) and len(text) <= 40:
        return text
    return f"a {type(value).__name__}"


def is_keras_tensor(value: Any) -> bool:
    """True for the symbolic tensors ``keras.Input`` and layers called on it return."""
    return any(cls.__name__ == "KerasTensor" for cls in type(value).__mro__)


def _is_complex(value: Any) -> bool:
    if isinstance(value, complex):
        return True
    dtype = getattr(value, "dtype", None)
    kind = getattr(dtype, "kind", None)
    return kind == "c" and not is_keras_tensor(value)


def _non_finite(value: Any) -> str | None:
    """``"nan"``, ``"inf"`` or ``"-inf"`` when ``value`` is one number that is not finite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        size = getattr(value, "size", None)
        if size != 1 or getattr(getattr(value, "dtype", None), "kind", None) != "f":
            return None
        value = value.reshape(()).item() if hasattr(value, "reshape") else value
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return None


def screen(value: Any, name: str) -> str | None:
    """The message for an answer that no exercise takes, or ``None`` when it may be checked.

    Refused here, once for every exercise: a Keras tensor (what ``keras.Input`` returns),
    complex numbers, and NaN or infinite numbers, alone or in an array.
    """
    if is_keras_tensor(value):
        return (
            f"{name} is a Keras tensor, what keras.Input(...) returns: a stand-in for the data a "
            "model will receive, not an answer. Write the answer itself: a shape as a tuple such "
            "as (None, 5, 1) (a tensor's shape is tensor.shape), a number as a number, a model "
            "as keras.Sequential([keras.Input(...), ...])."
        )
    if _is_complex(value):
        what = (
            f"the complex number {value!r}"
            if isinstance(value, numbers.Number)
            else "complex numbers"
        )
        verb = "is" if isinstance(value, numbers.Number) else "holds"
        return (
            f"{name} {verb} {what}. The answer is made of real numbers: leave out the "
            "imaginary part (the j)."
        )
    bad = _non_finite(value)
    if bad == "nan":
        return (
            f'{name} is nan, "not a number", so there is nothing to compare. Run the cell '
            f"that computes {name} again and print it: the answer is a number."
        )
    if bad:
        return (
            f"{name} is {bad}, an infinite number; the answer is a finite one. Run the cell "
            f"that computes {name} again and print it."
        )
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind == "f" and getattr(value, "size", 0) and not is_keras_tensor(value):
        import numpy as np

        try:
            finite = bool(np.isfinite(np.asarray(value)).all())
        except (TypeError, ValueError):
            finite = True
        if not finite:
            return (
                f"{name} holds nan or infinite values. Run the cell that computes {name} again "
                "and print it: a NaN comes from a computation that failed (for instance a model "
                "whose weights are NaN)."
            )
    return None


class Exercise:
    """One self-graded exercise.

    Args:
        name: how the notebook refers to it, e.g. ``"ch01.q1"``.
        title: one line saying what to do.
        checker: the check logic (see the module docstring).
        hints: hints from gentle to explicit; ``hint(n)`` shows the n-th.
        solution: the reference solution, as the code a learner would type. By default the
            chapter's solution cell for this exercise (:func:`reference_solutions`).
        answers: the names of the answers, in order, as the notebook passes them to
            ``check``; messages about the call use them. The checker's parameter names
            when not given.
    """

    def __init__(
        self,
        name: str,
        title: str,
        checker: Callable[..., str | None],
        *,
        hints: Sequence[str] = (),
        solution: str | None = None,
        answers: Sequence[str] | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self._checker = checker
        self.hints = tuple(hints)
        self._solution = solution
        parameters = [
            p
            for p in inspect.signature(checker).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        self.answers = tuple(answers) if answers is not None else tuple(p.name for p in parameters)
        if len(self.answers) != len(parameters):
            raise ValueError(
                f"{name}: {len(self.answers)} answer names for a checker of {len(parameters)}"
            )
        self._required = sum(p.default is p.empty for p in parameters)

    @property
    def usage(self) -> str:
        """The call the notebook makes: ``ch01.q4.check(predicted_shape, predicted_params)``."""
        return f"{self.name}.check({', '.join(self.answers)})"

    def _takes(self) -> str:
        count = len(self.answers)
        return f"{self.name}.check takes {count} answer{'s' if count != 1 else ''}: {self.usage}"

    def _arrange(self, answers: tuple, named: dict) -> tuple[list, str | None]:
        """The answers in the checker's order, or the message saying what is wrong with the call."""
        given = list(answers)
        if len(given) > len(self.answers):
            kinds = ", ".join(describe(a) for a in given)
            return given, (
                f"{self._takes()}. It was given {len(given)}: {kinds}. Pass the answers in that "
                "order, each once."
            )
        for key, value in named.items():
            if key not in self.answers:
                return given, (f"{self.name}.check has no answer called {key!r}. {self._takes()}.")
            index = self.answers.index(key)
            if index < len(given) and given[index] is not _MISSING:
                return given, f"{key} was given twice. {self._takes()}."
            given.extend([_MISSING] * (index + 1 - len(given)))
            given[index] = value
        missing = [n for n, a in zip(self.answers, given, strict=False) if a is _MISSING]
        missing += list(self.answers[len(given) : self._required])
        if missing:
            return given, (
                f"{self._takes()}. {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                "missing: pass every answer, in that order."
            )
        return given, None

    def __repr__(self) -> str:
        return f"<Exercise {self.name}: {self.title}>"

    def evaluate(self, *answers: Any, **named: Any) -> Feedback:
        """Grade the answers and return the feedback, without showing it."""
        if not answers and not named:
            return Feedback(
                self.name,
                "check",
                "Replace ____ with your answer, run that cell, then run this check again. "
                f"{self._takes()}.",
                Outcome.NOT_ATTEMPTED,
            )
        given, wrong_call = self._arrange(answers, named)
        if wrong_call:
            return Feedback(self.name, "check", wrong_call, Outcome.INCORRECT)
        if any(contains_placeholder(a) for a in given):
            return Feedback(
                self.name,
                "check",
                "Replace ____ with your answer, run that cell, then run this check again.",
                Outcome.NOT_ATTEMPTED,
            )
        for value, name in zip(given, self.answers, strict=False):
            refused = screen(value, name)
            if refused:
                return Feedback(self.name, "check", refused, Outcome.INCORRECT)
        try:
            note = self._checker(*given)
        except Incorrect as wrong:
            return Feedback(self.name, "check", str(wrong), Outcome.INCORRECT)
        except Exception as exc:  # a learner's answer can break in any way; report, don't crash
            return Feedback(
                self.name,
                "check",
                f"Checking your answer raised {type(exc).__name__}: {exc}\n\n"
                "Look at the cell that made your answer; run it again and see whether it "
                "raises the same error.",
                Outcome.COULD_NOT_CHECK,
            )
        return Feedback(self.name, "check", note or "Well done.", Outcome.CORRECT)

    def check(self, *answers: Any, **named: Any) -> Feedback:
        """Grade your answers. Put the call last in a cell so the result shows."""
        return self.evaluate(*answers, **named)

    def hint(self, n: Any = 1, *more: Any) -> Feedback:
        """Show the n-th hint (1 is the gentlest)."""
        if not self.hints:
            return Feedback(self.name, "hint", "There is no hint for this exercise.")
        count = len(self.hints)
        short = self.name.split(".")[-1]
        if more:
            return Feedback(
                self.name,
                "hint",
                f"hint() takes one number, the hint you want, 1 to {count}; it got "
                f"{1 + len(more)} values. Try {short}.hint(1).",
            )
        number = _whole(n)
        if number is None:
            return Feedback(
                self.name,
                "hint",
                f"hint() takes the number of a hint, 1 to {count}; it got {describe(n)}. "
                f"Try {short}.hint(1).",
            )
        n = max(1, min(number, count))
        text = self.hints[n - 1]
        message = f"Hint {n} of {count}: {text}" if count > 1 else text
        return Feedback(self.name, "hint", message)

    @property
    def solution_code(self) -> str:
        """The reference solution's code ("" when there is none)."""
        code = self._solution
        if code is None:
            code = reference_solutions().get(self.name, "")
        return textwrap.dedent(code).strip() + "\n" if code else ""

    def solution(self) -> Feedback:
        """Show the reference solution."""
        return Feedback(self.name, "solution", "One way to do it:", code=self.solution_code)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _whole(n: Any) -> int | None:
    """``n`` as a whole number for ``hint``: any finite real number (rounded down), else None."""
    if isinstance(n, bool) or type(n).__name__ == "bool_":
        return None
    if isinstance(n, numbers.Integral):
        return int(n)
    if isinstance(n, numbers.Real):
        try:
            value = float(n)
        except (TypeError, ValueError, OverflowError):
            return None
        return int(value) if math.isfinite(value) else None
    return None


SOLUTIONS_FILE = "solutions.json"
"""The chapters' solution cells, by exercise name, written by scripts/make_student_edition.py."""


@functools.cache
def reference_solutions() -> dict[str, str]:
    """The reference solutions of every exercise, as the chapters' solution cells give them."""
    source = resources.files("labsupport.exercises") / SOLUTIONS_FILE
    try:
        found = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise RuntimeError(
            f"labsupport's reference solutions ({SOLUTIONS_FILE}) cannot be read ({error}); "
            "reinstall labsupport."
        ) from error
    if not isinstance(found, dict):
        raise RuntimeError(f"labsupport's {SOLUTIONS_FILE} is not a table of solutions.")
    return found


def exercise(
    name: str,
    *,
    hints: Sequence[str] = (),
    solution: str | None = None,
    answers: Sequence[str] | None = None,
) -> Callable[[Callable[..., str | None]], Exercise]:
    """Make an :class:`Exercise` from a checker; its docstring's first line is the title."""

    def wrap(checker: Callable[..., str | None]) -> Exercise:
        title = (checker.__doc__ or name).strip().splitlines()[0]
        return Exercise(name, title, checker, hints=hints, solution=solution, answers=answers)

    return wrap
