"""The feedback learners see: from an exercise's check, hint or solution, or from diagnose.

:class:`Feedback` knows how to show itself: as HTML in a notebook and as plain text in a
terminal. It is the bottom of the package: :mod:`labsupport.exercises` and
:mod:`labsupport.diagnose` both build on it, and it imports neither.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    """What a check found."""

    NOT_ATTEMPTED = "not attempted"
    INCORRECT = "incorrect"
    CORRECT = "correct"
    COULD_NOT_CHECK = "could not check"


_STYLE = {
    Outcome.CORRECT: ("#e6f4ea", "#1e7e34", "✔ Correct"),
    Outcome.INCORRECT: ("#fdecea", "#b3261e", "✘ Not yet"),
    Outcome.NOT_ATTEMPTED: ("#eef2f7", "#44546a", "… Not attempted"),
    Outcome.COULD_NOT_CHECK: ("#fff4e5", "#8a5300", "? Could not check"),
}


@dataclass(frozen=True)
class Feedback:
    """The result of ``check``, ``hint``, ``solution`` or ``diagnose.explain_error``.

    Shows itself in a notebook (HTML) and a terminal (text).
    """

    exercise: str
    kind: str
    """``"check"``, ``"hint"``, ``"solution"`` or ``"explain"`` (diagnose)."""
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
