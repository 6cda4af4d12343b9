"""Building blocks for checkers: each raises :class:`Incorrect` with a message that names the fix.

They read only what Keras 3 offers (``model.inputs``, ``model.outputs``, ``count_params()``,
layer types), never attributes Keras 3 removed such as ``layer.input_shape``.

:func:`behaves` judges a model by what it does: it runs it on a few small probe inputs and
checks what a count of weights cannot see (NaN, an input it ignores, an output layer that
cannot produce the targets, steps out of order). Every checker that takes a model calls it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from labsupport.exercises.core import Incorrect, describe


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, type):
        return f"class {value.__name__}"
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
    if isinstance(answer, type):
        raise Incorrect(
            f"{subject} is the class {answer.__name__}, not a model. Build the model and pass "
            "it: keras.Sequential([keras.Input(...), ...])."
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
    if isinstance(answer, type):
        raise Incorrect(f"{name} is the class {answer.__name__}; expected an array of numbers.")
    try:
        arr = np.asarray(answer)
    except Exception as exc:
        raise Incorrect(f"{name} could not be turned into an array: {exc}") from exc
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise Incorrect(f"{name} should hold numbers; it holds {arr.dtype} values.")
    if np.iscomplexobj(arr):
        raise Incorrect(f"{name} holds complex numbers; expected real numbers.")
    return arr


def whole_number(answer: Any, name: str = "your answer") -> int:
    """The answer must be a whole number (an int, or a float with nothing after the point)."""
    if isinstance(answer, (bool, np.bool_)) or answer is None or isinstance(answer, str):
        raise Incorrect(f"{name} should be a whole number; it is {answer!r}.")
    if isinstance(answer, type):
        raise Incorrect(f"{name} should be a whole number; it is the class {answer.__name__}.")
    if isinstance(answer, (complex, np.complexfloating)):
        raise Incorrect(f"{name} should be a whole number; it is the complex number {answer!r}.")
    try:
        value = float(answer)
    except (TypeError, ValueError) as exc:
        raise Incorrect(f"{name} should be a whole number; it is a {_type_name(answer)}.") from exc
    if not np.isfinite(value):
        raise Incorrect(f"{name} should be a whole number; it is {value}.")
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
    if answer is None or isinstance(answer, (str, int, float, complex, np.number, type)):
        raise Incorrect(
            f"{name} should be a tuple such as (None, 3, 2), with None for the batch axis; "
            f"it is {describe(answer)}."
        )
    if isinstance(answer, np.ndarray):
        raise Incorrect(
            f"{name} is an array. Write the shape itself as a tuple such as (None, 3, 2), "
            "with None for the batch axis (an array's shape is array.shape)."
        )
    try:
        items = tuple(answer)
    except TypeError:
        raise Incorrect(
            f"{name} should be a tuple such as (None, 3, 2); it is {describe(answer)}."
        ) from None
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


# --------------------------------------------------------------------------- what a model does

_RECURRENT = (
    "LSTM",
    "GRU",
    "SimpleRNN",
    "RNN",
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
)

_DEFAULT_FIXES = {
    "output": "",
    "steps": (
        "Keep the steps in order from input to output: return_sequences=True, and a Dense "
        "(or TimeDistributed(Dense)) applied at every step."
    ),
    "head": (
        "Apply one Dense at every step, on the 3D sequence (or wrapped in TimeDistributed), "
        "without Flatten or Reshape."
    ),
    "frames": (
        "Keep one step per frame up to the recurrent layer: wrap the per-frame layers in "
        "TimeDistributed, and pool within each frame, never across frames."
    ),
    "order": "Let a recurrent layer (an LSTM) read the frames one after another.",
    "repeat": "",
}


def _is_recurrent(layer: Any) -> bool:
    inner = getattr(layer, "layer", None)
    return any(type(x).__name__ in _RECURRENT for x in (layer, inner) if x is not None)


_FLOAT32_EPS = float(np.finfo("float32").eps)
_TRIALS = 3
"""How many different replacements each step gets in the per-step probes."""


def _change(a: Any, b: Any) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0))


def _moved(a: Any, b: Any, scale: float = 0.0, share: float = 1e-3) -> bool:
    """Whether ``a`` and ``b`` differ by more than float32 rounding (a few units in the last
    place: the same input can come out a unit apart in another row of a batch) and by more
    than ``share`` of ``scale``, the change the comparison is measured against."""
    size = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return _change(a, b) > max(8 * _FLOAT32_EPS * size, share * scale)


def _close(a: Any, b: Any) -> bool:
    return not _moved(a, b)


def _inside(what: str) -> str:
    """``what`` inside a sentence: "your model", "the model", but "td" as it is."""
    first, _, rest = what.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("Your", "The") else what


def _layer_label(layer: Any) -> str:
    inner = getattr(layer, "layer", None)
    kind = type(layer).__name__ + (f"({type(inner).__name__})" if inner is not None else "")
    return f"'{layer.name}' ({kind})"


class _Probe:
    """A model run once on a small batch: the probes, and whatever else the checks need."""

    def __init__(self, m: Any, x: np.ndarray, n_base: int, variants: dict[str, Any]):
        import keras

        self.m = m
        self.x = x
        self.n_base = n_base
        self.variants = variants  # name -> index (or list of indices) into x
        with warnings.catch_warnings():  # e.g. Keras on a softmax over one value: the
            warnings.simplefilter("ignore")  # check's own message says it better
            out = m(keras.ops.convert_to_tensor(x), training=False)
        if isinstance(out, (list, tuple)):
            out = out[0]
        self.y = np.asarray(keras.ops.convert_to_numpy(out), dtype="float64")
        self._trace: list | None | bool = False

    @property
    def trace(self) -> list | None:
        """``[(layer, output), ...]`` layer by layer, when ``m`` is a chain of layers; else None."""
        if self._trace is False:
            self._trace = _trace(self.m, self.x, self.y)
        return self._trace


def _trace(m: Any, x: np.ndarray, y: np.ndarray) -> list | None:
    """Run ``m``'s layers one after another on ``x``; None unless that gives ``m``'s output."""
    import keras

    chain = [layer for layer in m.layers if not isinstance(layer, keras.layers.InputLayer)]
    if not chain or len(m.inputs) != 1:
        return None
    h = keras.ops.convert_to_tensor(x)
    steps = []
    try:
        for layer in chain:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                h = layer(h, training=False)
            steps.append((layer, np.asarray(keras.ops.convert_to_numpy(h), dtype="float64")))
    except Exception:  # not a chain (branches, several inputs): the probes still stand
        return None
    last = steps[-1][1]
    if last.shape != y.shape or not np.allclose(last, y, rtol=1e-4, atol=1e-5, equal_nan=True):
        return None
    return steps


def _probe_batch(m: Any, steps: int, n: int, seed: int = 0) -> tuple[np.ndarray, int | None]:
    """``n`` probe inputs for ``m``: random numbers, or token ids when it reads integers."""
    import keras

    inputs = m.inputs[0]
    shape = tuple(steps if d is None else int(d) for d in tuple(inputs.shape)[1:])
    rng = np.random.default_rng(seed)
    if "int" in str(inputs.dtype):
        dims = [e.input_dim for e in layers_of(m, keras.layers.Embedding)]
        high = max(2, min(dims)) if dims else 10
        return rng.integers(1, high, size=(n, *shape)).astype(str(inputs.dtype)), high
    x = rng.normal(size=(n, *shape))
    x[2] = rng.uniform(size=shape)  # all positive, as pixels are
    x[3] = rng.normal(size=shape) * 5.0
    return x.astype(str(inputs.dtype) if inputs.dtype else "float32"), None


def _changed_step(x: np.ndarray, t: int, high: int | None, rng: Any) -> np.ndarray:
    """``x`` (one sample) with step ``t`` replaced by something else."""
    changed = x.copy()
    if high is not None:
        changed[t] = (x[t] - 1 + rng.integers(1, max(high - 1, 2), size=x[t].shape)) % max(
            high - 1, 1
        ) + 1
    else:
        changed[t] = rng.normal(size=x[t].shape) * 2.0 + 0.5
    return changed


def _weights_finite(m: Any, what: str) -> None:
    import keras

    for variable in m.weights:
        value = np.asarray(keras.ops.convert_to_numpy(variable))
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            owner = [layer for layer in all_layers(m) if any(w is variable for w in layer.weights)]
            where = _layer_label(owner[-1]) if owner else f"'{variable.path}'"
            kind = "NaN (not-a-number)" if np.isnan(value).any() else "infinite"
            raise Incorrect(
                f"{what} holds {kind} values in the weights of its layer {where}, so it "
                "answers NaN or infinity whatever it reads. Build the model afresh so that "
                "Keras initialises its weights, and copy weights only from a model that has "
                "none of them (training that diverges, e.g. with too large a learning rate, "
                "leaves NaN behind)."
            )


def _first_layer(trace: list | None, test: Any) -> Any:
    """The first layer of ``trace`` whose output passes ``test``, or None."""
    for layer, out in trace or []:
        if test(out):
            return layer
    return None


def _reads_input(p: _Probe, what: str, fixes: Mapping[str, str]) -> None:
    base = p.y[: p.n_base]
    if not all(_close(base[i], base[0]) for i in range(1, p.n_base)):
        return
    head = _head_sweep(p)
    if np.allclose(base, 1.0, atol=1e-6) and head and "softmax" in head[1]:
        raise Incorrect(
            f"{what} gives the same output for two different inputs, 1.0 at every position, "
            f"whatever it reads: its output layer ends in {head[1]} over a single value, and "
            "a softmax over one value always gives 1.0 (it divides the value by itself). "
            f"{fixes['output']}".rstrip()
        )
    n = p.n_base
    culprit = _first_layer(p.trace, lambda out: all(_close(out[i], out[0]) for i in range(1, n)))
    where = (
        f" After its layer {_layer_label(culprit)} every input looks the same, so nothing after "
        "it can tell them apart: remove that layer (a Rescaling(0.0) or a Lambda that "
        "multiplies by zero erases the input)."
        if culprit is not None
        else " Look for a layer that erases or replaces the input, such as Rescaling(0.0) or "
        "a Lambda that multiplies by zero, and remove it."
    )
    raise Incorrect(
        f"{what} gives the same output for two different inputs (and for every other input "
        f"the check tried): it does not read its input.{where}"
    )


def _activation_name(fn: Any) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _head_sweep(p: _Probe) -> tuple[list[np.ndarray], str] | None:
    """What the output layers can give: their activation applied to pre-activations of size 10
    and of size 1000, passed through any layers after it; with a description of them."""
    import keras

    trace = p.trace
    if not trace:
        return None
    weighted = [i for i, (layer, _) in enumerate(trace) if layer.weights]
    if not weighted:
        return None
    index = weighted[-1]
    layer = trace[index][0]
    inner = layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer
    if isinstance(inner, (keras.Model, keras.layers.Wrapper, keras.layers.Bidirectional)):
        return None
    activation = getattr(inner, "activation", None)
    names = []
    if activation is not None and _activation_name(activation) != "linear":
        names.append(f"activation '{_activation_name(activation)}'")
    for after, _ in trace[index + 1 :]:
        kind = getattr(after, "layer", after)
        if isinstance(kind, keras.layers.Activation):
            names.append(f"activation '{_activation_name(kind.activation)}'")
        elif not isinstance(
            kind,
            (
                keras.layers.Reshape,
                keras.layers.Flatten,
                keras.layers.Dropout,
                keras.layers.Permute,
            ),
        ):
            names.append(f"a {type(kind).__name__} layer")
    description = " then ".join(names) if names else "no activation"
    shape = trace[index][1].shape[1:]
    rng = np.random.default_rng(1)
    sweeps = []
    try:
        for scale in (10.0, 1000.0):
            z = (rng.normal(size=(16, *shape)) * scale).astype("float32")
            h = keras.ops.convert_to_tensor(z)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if activation is not None:
                    h = activation(h)
                for after, _ in trace[index + 1 :]:
                    h = after(h, training=False)
            sweeps.append(np.asarray(keras.ops.convert_to_numpy(h), dtype="float64"))
    except Exception:  # a head that only takes what the model hands it: judge by the probes
        return None
    return sweeps, description


def _axis_name(axis: int, ndim: int) -> str:
    if axis == ndim - 1:
        return "the last axis"
    if axis == 1:
        return "the steps axis"
    return f"axis {axis}"


def _output_range(p: _Probe) -> dict:
    """What the model's output can reach: low, high, the axes it always sums to 1 along."""
    observed = p.y
    found = _head_sweep(p)
    if found is None:
        samples, description, swept = [observed], "its output layer", False
    else:
        samples, description, swept = [*found[0], observed], found[1], True
    low = min(float(s.min()) for s in samples)
    high = max(float(s.max()) for s in samples)
    if swept:
        wide = found[0][1]
        if wide.max() > 50:
            high = np.inf
        if wide.min() < -50:
            low = -np.inf
    ndim = observed.ndim
    normalised = [
        axis
        for axis in range(1, ndim)
        if observed.shape[axis] > 1
        and all(s.shape[axis] == observed.shape[axis] for s in samples)
        and all(np.allclose(s.sum(axis=axis), 1.0, atol=1e-3) for s in samples)
    ]
    return {"low": low, "high": high, "normalised": normalised, "description": description}


def _range_text(r: dict) -> str:
    low, high = r["low"], r["high"]
    if np.isinf(low) and np.isinf(high):
        values = "any value, negative or positive, without limit"
    elif np.isinf(high):
        values = f"values from {low:.3g} up, without an upper limit"
    elif np.isinf(low):
        values = f"values up to {high:.3g}, without a lower limit"
    else:
        values = f"values from {low:.3g} to {high:.3g}"
    return f"its output layer ({r['description']}) gives {values}"


def _can_produce(p: _Probe, targets: Any, what: str, fixes: Mapping[str, str]) -> None:
    t = np.asarray(targets, dtype="float64")
    r = _output_range(p)
    fix = fixes["output"]
    for axis in r["normalised"]:
        if axis < t.ndim:
            sums = t.sum(axis=axis)
            if not np.allclose(sums, 1.0, atol=1e-3):
                raise Incorrect(
                    f"{what}'s outputs always add up to 1 along {_axis_name(axis, p.y.ndim)} "
                    f"({p.y.shape[axis]} values), as a softmax makes them; the targets add up to "
                    f"{float(sums.ravel()[0]):.3g} there, so the model can never produce them. "
                    f"{fix}".rstrip()
                )
    tolerance = 1e-3
    t_low, t_high = float(t.min()), float(t.max())
    if t_low < r["low"] - tolerance or t_high > r["high"] + tolerance:
        raise Incorrect(
            f"{what} cannot produce the targets: {_range_text(r)}, and the targets go from "
            f"{t_low:.3g} to {t_high:.3g}. {fix}".rstrip()
        )


def _probabilities(p: _Probe, kind: str, what: str, fixes: Mapping[str, str]) -> None:
    r = _output_range(p)
    fix = fixes["output"]
    if r["low"] < -1e-6 or r["high"] > 1 + 1e-6:
        raise Incorrect(
            f"{what}'s outputs are not probabilities between 0 and 1: {_range_text(r)}. "
            f"{fix}".rstrip()
        )
    last = p.y.ndim - 1
    if kind == "softmax" and last not in r["normalised"]:
        total = float(p.y[0].sum(axis=-1).ravel()[0])
        raise Incorrect(
            f"{what}'s outputs lie between 0 and 1 but do not add up to 1 over the "
            f"{p.y.shape[-1]} classes (on one of the check's inputs they add up to {total:.3g}), "
            f"so they are not one probability per class: {_range_text(r)}. {fix}".rstrip()
        )


def _per_step(p: _Probe, what: str, fixes: Mapping[str, str]) -> None:
    variants = p.variants.get("steps")
    steps = p.x.shape[1]
    if not variants or p.y.ndim < 3 or p.y.shape[1] != steps:
        return
    base = p.y[0]
    for t, indices in enumerate(variants):
        if not any(_moved(p.y[i][t], base[t]) for i in indices):
            index = indices[0]
            moved = [s for s in range(steps) if _moved(p.y[index][s], base[s])]
            elsewhere = f" (it moves at step(s) {moved})" if moved else ""
            raise Incorrect(
                f"When only step {t} of the input changes, {_inside(what)}'s output at step {t} "
                f"stays the same{elsewhere}: its outputs are not in step with its inputs. "
                f"{fixes['steps']}".rstrip()
            )


def _last_recurrent(trace: list) -> int | None:
    found = [i for i, (layer, _) in enumerate(trace) if _is_recurrent(layer)]
    return found[-1] if found else None


def _per_step_head(p: _Probe, what: str, fixes: Mapping[str, str]) -> None:
    import keras

    trace = p.trace
    if not trace:
        return
    r = _last_recurrent(trace)
    if r is None or r == len(trace) - 1:
        return
    sequence = trace[r][1][0]
    if sequence.ndim != 2:
        return
    steps = sequence.shape[0]
    rng = np.random.default_rng(2)
    batch = [sequence]
    for t in range(steps):
        changed = sequence.copy()
        changed[t] = rng.uniform(-1, 1, size=sequence[t].shape)
        batch.append(changed)
    h = keras.ops.convert_to_tensor(np.asarray(batch, dtype="float32"))
    try:
        for layer, _ in trace[r + 1 :]:
            h = layer(h, training=False)
    except Exception:  # the head only takes what the model hands it
        return
    out = np.asarray(keras.ops.convert_to_numpy(h), dtype="float64")
    if out.ndim < 3 or out.shape[1] != steps:
        return
    name = type(getattr(trace[r][0], "layer", trace[r][0])).__name__
    for t in range(steps):
        own = _change(out[1 + t][t], out[0][t])
        moved = [s for s in range(steps) if s == t or _moved(out[1 + t][s], out[0][s], own)]
        if any(s != t for s in moved):
            raise Incorrect(
                f"The layers after the last {name} mix its steps: when only its output at "
                f"step {t} changes, {_inside(what)}'s output changes at steps {moved}. Each step "
                "of the output must be read from its own step, with the same weights at every "
                "step. "
                f"{fixes['head']}".rstrip()
            )


def _distinct_steps(p: _Probe, what: str, fixes: Mapping[str, str]) -> None:
    y = p.y[: p.n_base]
    if y.ndim < 3 or y.shape[1] < 2:
        return
    if all(_close(sample[s], sample[0]) for sample in y for s in range(y.shape[1])):
        raise Incorrect(
            f"{what} gives the same output at all {y.shape[1]} steps, for every input the "
            f"check tried: the steps are copies of one vector. {fixes['repeat']}".rstrip()
        )


def _frames_apart(p: _Probe, what: str, fixes: Mapping[str, str]) -> None:
    trace = p.trace
    variants = p.variants.get("steps")
    if not trace or not variants:
        return
    found = [i for i, (layer, _) in enumerate(trace) if _is_recurrent(layer)]
    if not found:
        return
    r = found[0]
    recurrent = trace[r][0]
    name = type(getattr(recurrent, "layer", recurrent)).__name__
    frames = p.x.shape[1]
    before = trace[:r]
    reads = p.x if r == 0 else trace[r - 1][1]
    if reads.ndim < 3 or reads.shape[1] != frames:
        culprit = _first_layer(before, lambda out: out.ndim < 3 or out.shape[1] != frames)
        count = reads.shape[1] if reads.ndim >= 3 else 0
        steps = "no steps" if not count else f"{count} step{'s' if count != 1 else ''}"
        layer = f"its layer {_layer_label(culprit)}" if culprit is not None else "a layer"
        raise Incorrect(
            f"{what}'s {name} reads {steps}, but a clip has {frames} frames: {layer} merges "
            f"the frames before the {name} can read them in order. {fixes['frames']}".rstrip()
        )
    for t, indices in enumerate(variants):
        index = indices[0]
        own = _change(reads[index][t], reads[0][t])
        moved = [s for s in range(frames) if s == t or _moved(reads[index][s], reads[0][s], own)]
        if any(s != t for s in moved):

            def mixes(out: np.ndarray, t: int = t, index: int = index) -> bool:
                if out.ndim < 2 or out.shape[1] != frames:
                    return False
                mine = _change(out[index][t], out[0][t])
                return any(_moved(out[index][s], out[0][s], mine) for s in range(frames) if s != t)

            culprit = _first_layer(before, mixes)
            layer = f"its layer {_layer_label(culprit)}" if culprit is not None else "a layer"
            raise Incorrect(
                f"When only frame {t} of a clip changes, what {_inside(what)}'s {name} reads "
                f"changes at steps {moved}: {layer} mixes the frames before the {name} reads them. "
                f"{fixes['frames']}".rstrip()
            )


def behaves(
    m: Any,
    *,
    what: str = "Your model",
    steps: int = 5,
    reads_input: bool = True,
    targets: Any = None,
    probabilities: str | None = None,
    per_step: bool = False,
    per_step_head: bool = False,
    distinct_steps: bool = False,
    frames_apart: bool = False,
    order_matters: bool = False,
    fixes: Mapping[str, str] | None = None,
) -> None:
    """Run ``m`` on a few small probe inputs; raise :class:`Incorrect` naming what it saw.

    Always: no weight and no output is NaN or infinite. Then, as asked:

    Args:
        what: how the messages name the model ("Your model", "td").
        steps: the number of steps of the probes where the input's steps are None.
        reads_input: different inputs give different outputs (off for a trained model
            the learner only computes with).
        targets: example targets, shaped like the output; the output layer must be able to
            produce them (its range, and an axis a softmax makes add up to 1).
        probabilities: ``"binary"`` (each output between 0 and 1) or ``"softmax"`` (also
            adding up to 1 over the last axis).
        per_step: changing step t of the input changes step t of the output.
        per_step_head: the layers after the last recurrent layer read each step from its
            own step (no Flatten/Dense/Reshape mixing the steps).
        distinct_steps: the output's steps are not all copies of one vector.
        frames_apart: up to the first recurrent layer, each step (frame) is processed on its
            own, and that layer reads as many steps as the input has.
        order_matters: reversing the steps of an input changes the output.
        fixes: the exercise's advice for each kind of failure: ``"output"``, ``"steps"``,
            ``"head"``, ``"frames"``, ``"order"`` and ``"repeat"``.

    The probes are tiny and nothing is trained, so a check stays fast.
    """
    fixes = {**_DEFAULT_FIXES, **(fixes or {})}
    _weights_finite(m, what)
    if len(m.inputs) != 1:
        return
    n_base = 4
    x, high = _probe_batch(m, steps, n_base)
    rng = np.random.default_rng(3)
    batch = list(x)
    variants: dict[str, Any] = {}
    needs_steps = per_step or frames_apart
    if needs_steps and x.ndim >= 2 and (high is None or high > 2):
        variants["steps"] = []
        for t in range(x.shape[1]):
            variants["steps"].append(list(range(len(batch), len(batch) + _TRIALS)))
            batch.extend(_changed_step(x[0], t, high, rng) for _ in range(_TRIALS))
    if order_matters and x.ndim >= 2:
        variants["reversed"] = len(batch)
        batch.append(x[0][::-1].copy())
    try:
        p = _Probe(m, np.asarray(batch, dtype=x.dtype), n_base, variants)
    except Exception as exc:
        said = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise Incorrect(
            f"Running {what} on {len(batch)} small inputs of shape "
            f"{fmt_shape((None, *x.shape[1:]))} raised {type(exc).__name__}: {said}"
        ) from None
    if not np.isfinite(p.y).all():
        culprit = _first_layer(p.trace, lambda out: not np.isfinite(out).all())
        where = f": its layer {_layer_label(culprit)} is the first to give them" if culprit else ""
        raise Incorrect(
            f"{what} answers NaN or infinity for small random inputs{where}. Look at what "
            "that layer computes (a Lambda that divides or takes a logarithm, weights set by "
            "hand) and make it give ordinary numbers."
        )
    if reads_input:
        _reads_input(p, what, fixes)
    if targets is not None:
        _can_produce(p, targets, what, fixes)
    if probabilities:
        _probabilities(p, probabilities, what, fixes)
    if distinct_steps:
        _distinct_steps(p, what, fixes)
    if per_step:
        _per_step(p, what, fixes)
    if per_step_head:
        _per_step_head(p, what, fixes)
    if frames_apart:
        _frames_apart(p, what, fixes)
    if order_matters and "reversed" in variants:
        scale = _change(p.y[1], p.y[0])
        if not _moved(p.y[variants["reversed"]], p.y[0], scale, share=1e-4):
            raise Incorrect(
                f"{what} gives the same answer when the frames of a clip are played backwards, "
                f"so it cannot tell one direction from the opposite one. {fixes['order']}".rstrip()
            )


def activation_after(m: Any, layer: Any) -> str:
    """The activation applied to ``layer``'s output: its own, else that of the next layer
    when it is an activation layer (``Activation``, ``ReLU``, ``LeakyReLU``, also wrapped in
    TimeDistributed). ``"linear"`` when there is none."""
    import keras

    own = _activation_name(getattr(layer, "activation", None) or (lambda x: x))
    if own not in ("linear", "<lambda>"):
        return own
    top = [x for x in m.layers if not isinstance(x, keras.layers.InputLayer)]
    for i, candidate in enumerate(top):
        if candidate is layer or getattr(candidate, "layer", None) is layer:
            if i + 1 < len(top):
                nxt = getattr(top[i + 1], "layer", top[i + 1])
                if isinstance(nxt, keras.layers.Activation):
                    return _activation_name(nxt.activation)
                if isinstance(nxt, keras.layers.ReLU):
                    return "relu"
                if isinstance(nxt, keras.layers.LeakyReLU):
                    return "leaky_relu"
            break
    return "linear"
