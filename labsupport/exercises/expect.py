"""Building blocks for checkers: each raises :class:`Incorrect` with a message that names the fix.

They read only what Keras 3 offers (``model.inputs``, ``model.outputs``, ``count_params()``,
layer types), never attributes Keras 3 removed such as ``layer.input_shape``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport.exercises.core import Incorrect


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    return type(value).__name__


def fmt_shape(shape: Any) -> str:
    """Show a shape the way Keras prints it: ``(None, 5, 1)``."""
    return (
        "("
        + ", ".join("None" if d is None else str(int(d)) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def model(answer: Any, what: str = "your model") -> Any:
    """The answer must be a built Keras model with a known input; return it."""
    import keras

    subject = what[0].upper() + what[1:]
    if isinstance(answer, type) and issubclass(answer, keras.Model):
        raise Incorrect(
            f"{subject} is the class {answer.__name__}, not a model: call it, e.g. "
            "keras.Sequential([...])."
        )
    if isinstance(answer, keras.layers.Layer) and not isinstance(answer, keras.Model):
        raise Incorrect(
            f"{subject} is a single {type(answer).__name__} layer. Put the layers in a "
            "model: keras.Sequential([keras.Input(...), ...])."
        )
    if not isinstance(answer, keras.Model):
        raise Incorrect(
            f"Expected a Keras model (keras.Sequential or keras.Model); {what} is a "
            f"{_type_name(answer)}."
        )
    try:
        inputs = answer.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not answer.built or not inputs:
        raise Incorrect(
            f"{subject} has no input shape yet, so Keras has not built it and cannot count "
            "its parameters. Start the model with keras.Input(shape), e.g. "
            "keras.Sequential([keras.Input((1, 1)), ...])."
        )
    return answer


def input_shape(m: Any) -> tuple:
    return tuple(m.inputs[0].shape)


def output_shape(m: Any) -> tuple:
    return tuple(m.outputs[0].shape)


def all_layers(m: Any) -> list:
    """Every layer of ``m``, in order, looking inside wrappers and nested models.

    A wrapper comes first, then the layer it wraps (``TimeDistributed``: its ``layer``;
    ``Bidirectional``: its forward layer); a nested model comes first, then its own layers.
    Anything without ``layers`` has none.
    """
    import keras

    found = []
    for layer in getattr(m, "layers", None) or []:
        found.append(layer)
        if isinstance(layer, keras.layers.Wrapper):
            layer = layer.layer
            found.append(layer)
        elif isinstance(layer, keras.layers.Bidirectional):
            layer = layer.forward_layer
            found.append(layer)
        if isinstance(layer, keras.Model):
            found.extend(all_layers(layer))
    return found


def layers_of(m: Any, layer_type: type | tuple[type, ...]) -> list:
    """The layers of ``m`` of ``layer_type``, also those inside wrappers and nested models."""
    return [layer for layer in all_layers(m) if isinstance(layer, layer_type)]


def array(answer: Any, name: str) -> np.ndarray:
    """The answer must be array-like of numbers; return it as a NumPy array."""
    if answer is None:
        raise Incorrect(
            f"{name} is None. Did your cell end with a call that returns nothing, "
            "such as print() or an in-place method?"
        )
    if isinstance(answer, str):
        raise Incorrect(f"{name} is a string ({answer!r}); expected an array of numbers.")
    try:
        arr = np.asarray(answer)
    except Exception as exc:
        raise Incorrect(f"{name} could not be turned into an array: {exc}") from exc
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise Incorrect(f"{name} should hold numbers; it holds {arr.dtype} values.")
    return arr


def whole_number(answer: Any, name: str = "your answer") -> int:
    """The answer must be a whole number (an int, or a float with nothing after the point)."""
    if isinstance(answer, bool) or answer is None or isinstance(answer, str):
        raise Incorrect(f"{name} should be a whole number; it is {answer!r}.")
    try:
        value = float(answer)
    except (TypeError, ValueError) as exc:
        raise Incorrect(f"{name} should be a whole number; it is a {_type_name(answer)}.") from exc
    if not value.is_integer():
        raise Incorrect(f"{name} should be a whole number of parameters; it is {answer}.")
    return int(value)


def lstm_layer(m: Any, add: str, *, what: str = "Your model") -> Any:
    """The model's first LSTM (also one inside TimeDistributed); says what to add if none."""
    import keras

    found = layers_of(m, keras.layers.LSTM)
    if not found:
        raise Incorrect(f"{what} has no LSTM layer. Add {add} after the input.")
    return found[0]


def sequence_input(m: Any, example: str) -> tuple:
    """The model's input shape, which an LSTM needs to be 3D: (batch, steps, features)."""
    shape = input_shape(m)
    if len(shape) != 3:
        raise Incorrect(
            f"Your model's input is {fmt_shape(shape)}; an LSTM needs (batch, steps, features), "
            f"so keras.Input takes two numbers: {example}."
        )
    return shape


def lstm_count(n: int, features: int, units: int) -> None:
    """Name the slip behind a wrong hand count of an LSTM's parameters (``n`` is not right).

    Covers the counts learners really give: one block only, no biases, no recurrent weights,
    one block without its bias, two bias vectors per block (TF1's CuDNNLSTM), and units and
    features swapped. Always raises :class:`Incorrect`.

    An LSTM has four blocks of weights of the same shape: three gates (input, forget and
    output) and the cell candidate.
    """
    from labsupport.shapes import lstm_params

    if n == units * (features + units) + units:
        raise Incorrect(
            f"{n} is the count for one block. An LSTM has four blocks of the same size, each "
            "with its own weights: the input, forget and output gates and the cell candidate."
        )
    if n == 4 * units * (features + units):
        raise Incorrect(f"{n} leaves out the biases: each of the four blocks has one per unit.")
    if n == 4 * (units * features + units):
        raise Incorrect(
            f"{n} leaves out the recurrent weights: every block also reads the previous hidden "
            "state, which has `units` values."
        )
    if n == 4 * (units * (features + units) + 2 * units):
        raise Incorrect(
            f"{n} counts two bias vectors per block. That was the TF1-era CuDNNLSTM layer; "
            "today's keras.layers.LSTM has one."
        )
    if n == units * (features + units):
        raise Incorrect(
            f"{n} is one block's weights without its bias. Count the bias, then all four "
            "blocks (three gates and the cell candidate)."
        )
    if units != features and n == lstm_params(units, features):
        raise Incorrect(
            f"{n} swaps units and features: it is the count for {features} units on {units} "
            "features. The recurrent weights connect the hidden state (units values) to each "
            "block."
        )
    raise Incorrect(
        f"{n} is not it. Count one block first: a weight for each input feature and each "
        "previous hidden value, per unit, plus a bias per unit; then the four blocks (three "
        "gates and the cell candidate)."
    )


def shape(answer: Any, name: str) -> tuple:
    """A predicted shape: a tuple (or list) of whole numbers and None."""
    if answer is None or isinstance(answer, (str, int, float)):
        raise Incorrect(
            f"{name} should be a tuple such as (None, 3, 2), with None for the batch axis; "
            f"it is {answer!r}."
        )
    try:
        items = tuple(answer)
    except TypeError:
        raise Incorrect(f"{name} should be a tuple such as (None, 3, 2).") from None
    for item in items:
        ok = item is None or (not isinstance(item, bool) and isinstance(item, (int, np.integer)))
        if not ok:
            raise Incorrect(f"{name} should hold whole numbers and None; it holds {item!r}.")
    return tuple(None if d is None else int(d) for d in items)


def number(answer: Any, name: str) -> float:
    """One number: a float, or an array holding exactly one value."""
    arr = array(answer, name)
    if arr.size != 1:
        raise Incorrect(f"{name} should be one number; it has shape {arr.shape}.")
    return float(arr.ravel()[0])
