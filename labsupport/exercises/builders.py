"""Exercises that take the learner's *function that builds a model*.

Several wrong models fail while Keras builds them, so the learner never holds a model to hand
in. These exercises take the builder instead: :func:`built_model` calls it, and when Keras
raises, :mod:`labsupport.diagnose` names the mistake and the fix. Everything else a learner
can hand in by mistake (None, a string, the model itself, a class, a single layer, a function
that takes arguments or returns nothing) gets its own :class:`Incorrect` message.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from labsupport import diagnose
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect


def _required_arguments(function: Any) -> list[str]:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: let the call tell
        return []
    return [
        p.name
        for p in parameters
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def build_error(exc: BaseException, builder: str, rules: Sequence[diagnose.Rule] = ()) -> Incorrect:
    """The :class:`Incorrect` for an exception raised while ``builder()`` ran.

    ``rules``: the exercise's own :class:`~labsupport.diagnose.Rule` objects, tried before the
    book's.
    """
    known = diagnose.diagnosis(exc, rules)
    if known:
        return Incorrect(f"Keras could not build your model. {known}")
    return Incorrect(
        f"Calling {builder}() raised {type(exc).__name__}: {diagnose.keras_said(exc)}\n\n"
        f"Run {builder}() in a cell of its own to see the whole message; if it is a Keras "
        "error, build the model layer by layer and print each output shape to see where it "
        "goes wrong."
    )


def built_model(
    answer: Any,
    *,
    builder: str,
    check: str,
    accept_model: bool = True,
    rules: Sequence[diagnose.Rule] = (),
) -> Any:
    """Call the learner's builder and return the model it builds, or raise :class:`Incorrect`.

    Args:
        answer: what the learner handed to the check: the builder function, or (when
            ``accept_model``) a model already built.
        builder: the builder's name in the notebook, e.g. ``"build_m2m"``, for the messages.
        check: the exercise's name, e.g. ``"ch04.q2"``, for the messages.
        accept_model: take a built model as it is; if False, a model is refused with a
            message asking for the function (for exercises about writing the builder).
        rules: advice for build errors that only fits this exercise, tried before the
            book's (see :mod:`labsupport.diagnose`).
    """
    import keras

    if isinstance(answer, keras.Model):
        if not accept_model:
            raise Incorrect(
                f"You passed a model. Pass the function that builds it, without calling it: "
                f"{check}.check({builder}), not {check}.check({builder}())."
            )
        return expect.model(answer)
    if isinstance(answer, type):
        raise Incorrect(
            f"You passed the class {answer.__name__}. Write your own function, "
            f"def {builder}(): return keras.Sequential([...]), and pass {builder}."
        )
    if isinstance(answer, keras.layers.Layer):
        return expect.model(answer)  # raises: a single layer is not a model
    if not callable(answer):
        got = "None" if answer is None else f"a {type(answer).__name__}"
        raise Incorrect(
            f"Expected the function that builds your model; got {got}. Write "
            f"def {builder}(): return keras.Sequential([...]) and pass the function itself, "
            f"without calling it: {check}.check({builder})."
        )
    needs = _required_arguments(answer)
    if needs:
        raise Incorrect(
            f"The check calls {builder}() with no arguments, but your function needs "
            f"{', '.join(needs)}. Write def {builder}(): with nothing between the brackets."
        )
    try:
        model = answer()
    except Incorrect:
        raise
    except Exception as exc:  # Keras raises ValueError mostly, but any error gets advice
        raise build_error(exc, builder, rules) from exc
    if model is None:
        raise Incorrect(
            f"{builder}() returned None. Did you forget the return in front of "
            "keras.Sequential([...])?"
        )
    return expect.model(model, f"the model {builder}() returned")
