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

Feedback knows how to show itself: as HTML in a notebook and as plain text in a terminal.
The logic never prints, so it can be unit-tested.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Outcome(Enum):
    """What a check found."""

    NOT_ATTEMPTED = "not attempted"
    INCORRECT = "incorrect"
    CORRECT = "correct"
    COULD_NOT_CHECK = "could not check"


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


_STYLE = {
    Outcome.CORRECT: ("#e6f4ea", "#1e7e34", "✔ Correct"),
    Outcome.INCORRECT: ("#fdecea", "#b3261e", "✘ Not yet"),
    Outcome.NOT_ATTEMPTED: ("#eef2f7", "#44546a", "… Not attempted"),
    Outcome.COULD_NOT_CHECK: ("#fff4e5", "#8a5300", "? Could not check"),
}


@dataclass(frozen=True)
class Feedback:
    """The result of ``check``, ``hint`` or ``solution``: shows itself in notebook and terminal."""

    exercise: str
    kind: str
    """``"check"``, ``"hint"`` or ``"solution"``."""
    message: str
    outcome: Outcome | None = None
    code: str | None = None

    @property
    def correct(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def _heading(self) -> str:
        if self.kind == "check" and self.outcome is not None:
            return f"{self.exercise}: {_STYLE[self.outcome][2]}"
        return f"{self.exercise}: {self.kind.capitalize()}"

    def __str__(self) -> str:
        parts = [self._heading()]
        if self.message:
            parts.append(textwrap.indent(self.message, "  "))
        if self.code:
            parts.append(textwrap.indent(self.code.rstrip(), "    "))
        return "\n".join(parts)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.kind == "check" and self.outcome is not None:
            background, colour, _ = _STYLE[self.outcome]
        elif self.kind == "hint":
            background, colour = "#f3eefc", "#5b3a9c"
        else:
            background, colour = "#eef6fb", "#1d5d8a"
        body = "".join(
            f"<p style='margin:0.3em 0'>{html.escape(par)}</p>"
            for par in self.message.split("\n\n")
            if par.strip()
        )
        code = (
            f"<pre style='margin:0.4em 0;padding:0.5em;background:#fafafa;"
            f"white-space:pre-wrap'>{html.escape(self.code.rstrip())}</pre>"
            if self.code
            else ""
        )
        status = "" if self.outcome is None else f" data-outcome='{self.outcome.name.lower()}'"
        return (
            f"<div class='labsupport-feedback'{status} style='border-left:4px solid {colour};"
            f"background:{background};padding:0.5em 0.8em;margin:0.3em 0;color:#222'>"
            f"<strong style='color:{colour}'>{html.escape(self._heading())}</strong>"
            f"{body}{code}</div>"
        )


class Exercise:
    """One self-graded exercise.

    Args:
        name: how the notebook refers to it, e.g. ``"ch01.q1"``.
        title: one line saying what to do.
        checker: the check logic (see the module docstring).
        hints: hints from gentle to explicit; ``hint(n)`` shows the n-th.
        solution: the reference solution, as the code a learner would type.
    """

    def __init__(
        self,
        name: str,
        title: str,
        checker: Callable[..., str | None],
        *,
        hints: Sequence[str] = (),
        solution: str = "",
    ) -> None:
        self.name = name
        self.title = title
        self._checker = checker
        self.hints = tuple(hints)
        self.solution_code = textwrap.dedent(solution).strip() + "\n" if solution else ""

    def __repr__(self) -> str:
        return f"<Exercise {self.name}: {self.title}>"

    def evaluate(self, *answers: Any) -> Feedback:
        """Grade the answers and return the feedback, without showing it."""
        if not answers or any(contains_placeholder(a) for a in answers):
            return Feedback(
                self.name,
                "check",
                "Replace ____ with your answer, run that cell, then run this check again.",
                Outcome.NOT_ATTEMPTED,
            )
        try:
            note = self._checker(*answers)
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

    def check(self, *answers: Any) -> Feedback:
        """Grade your answers. Put the call last in a cell so the result shows."""
        return self.evaluate(*answers)

    def hint(self, n: int = 1) -> Feedback:
        """Show the n-th hint (1 is the gentlest)."""
        if not self.hints:
            return Feedback(self.name, "hint", "There is no hint for this exercise.")
        count = len(self.hints)
        if isinstance(n, bool) or not isinstance(n, (int, float)) or n != n:
            return Feedback(
                self.name,
                "hint",
                f"hint() takes the number of a hint, 1 to {count}; it got {n!r}. "
                f"Try {self.name.split('.')[-1]}.hint(1).",
            )
        n = max(1, min(int(n), count))
        text = self.hints[n - 1]
        message = f"Hint {n} of {count}: {text}" if count > 1 else text
        return Feedback(self.name, "hint", message)

    def solution(self) -> Feedback:
        """Show the reference solution."""
        return Feedback(self.name, "solution", "One way to do it:", code=self.solution_code)


def exercise(
    name: str, *, hints: Sequence[str] = (), solution: str = ""
) -> Callable[[Callable[..., str | None]], Exercise]:
    """Make an :class:`Exercise` from a checker; its docstring's first line is the title."""

    def wrap(checker: Callable[..., str | None]) -> Exercise:
        title = (checker.__doc__ or name).strip().splitlines()[0]
        return Exercise(name, title, checker, hints=hints, solution=solution)

    return wrap
