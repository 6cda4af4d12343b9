"""Explain the Keras exceptions learners meet when they stack CNNs, Reshape and LSTMs.

``explain_error(exc)`` reads the exception Keras raised (Keras 3 wording, and the Keras 1/2 wording
the old questions quote) and returns feedback that names the likely mistake and the fix::

    try:
        model = build()
    except Exception as exc:
        diagnose.explain_error(exc)

:func:`diagnosis` returns the plain message (or ``None`` when the error is not one it knows),
for checkers that want to put it in their own words.

The advice is a table, :data:`RULES`: each :class:`Rule` reads the error (a :class:`KerasError`:
the message, lower-cased too, and the layer it names) and returns its advice, or ``None`` when
the error is not its kind. The rules are read in order and the first advice wins. A chapter adds
its own with :func:`add_rule`; an exercise passes rules that fit only its own model to
:func:`diagnosis` (``rules=``), which tries them first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from labsupport.feedback import Feedback

_RNN_NAMES = ("lstm", "gru", "simple_rnn", "rnn")
_CONV_NAMES = ("conv",)


SHAPE_MESSAGE = re.compile(
    r"Incompatible shapes: \[[\d,?\s-]*\] vs\. \[[\d,?\s-]*\]"
    r"|Dimensions must be equal, but are \d+ and \d+"
    r"|[Ii]ncompatible shapes for broadcasting: (?:shapes=)?\[?\([\d, ]*\), \([\d, ]*\)\]?"
    r"|The size of tensor a \(\d+\) must match the size of tensor b \(\d+\) at non-singleton "
    r"dimension \d+"
)
"""The part of the backend's error that says which shapes clashed (TensorFlow, JAX, PyTorch)."""


def shape_message(error: BaseException) -> str:
    """The shape clash TensorFlow reports, e.g. ``Incompatible shapes: [1,6] vs. [1,5]``.

    TensorFlow's own message can hold the source lines (and file paths) where the failing
    operation was defined; this keeps only the sentence about the shapes. Raises
    ``AssertionError`` when there is none, so a change in TensorFlow's wording is noticed.
    """
    found = SHAPE_MESSAGE.search(str(error))
    assert found, f"no shape message in {type(error).__name__}"
    return found.group(0)


def _shape(text: str) -> tuple[int | None, ...] | None:
    try:
        return tuple(
            None if part.strip() == "None" else int(part)
            for part in text.strip("()[] ").split(",")
            if part.strip()
        )
    except ValueError:
        return None


def _prod(shape: tuple[int | None, ...]) -> int:
    total = 1
    for d in shape:
        total *= d if d is not None else 1
    return total


def _layer_name(message: str) -> str:
    found = re.search(r"of layer ['\"]([^'\"]+)['\"]", message)
    return found.group(1) if found else ""


@dataclass(frozen=True)
class KerasError:
    """An exception as the rules read it: its message, lower-cased too, and the layer it names."""

    exc: BaseException
    message: str
    low: str
    layer: str

    @classmethod
    def of(cls, exc: BaseException) -> KerasError:
        message = str(exc)
        return cls(exc, message, message.lower(), _layer_name(message))

    @property
    def is_rnn(self) -> bool:
        return any(name in self.layer.lower() for name in _RNN_NAMES)

    @property
    def is_conv(self) -> bool:
        return any(name in self.layer.lower() for name in _CONV_NAMES)


@dataclass(frozen=True)
class Rule:
    """One kind of mistake: ``advise`` returns the advice for an error of that kind, else None."""

    name: str
    advise: Callable[[KerasError], str | None]

    def __call__(self, error: KerasError) -> str | None:
        return self.advise(error)


def _reshape_total_size(e: KerasError) -> str | None:
    if not ("total size" in e.low and "unchanged" in e.low):
        return None
    shapes = re.search(r"input_shape\s*=\s*(\([^)]*\)|\[[^\]]*\])", e.message)
    target = re.search(r"(?:target_shape|output_shape)\s*=\s*(\([^)]*\)|\[[^\]]*\])", e.message)
    detail = ""
    if shapes and target:
        got, want = _shape(shapes.group(1)), _shape(target.group(1))
        if got and want:
            detail = (
                f" Reshape received {shapes.group(1)}, {_prod(got):,} values per sample, "
                f"and was asked for {target.group(1)}"
                + ("" if -1 in want else f", {_prod(want):,} values")
                + "."
            )
    return (
        "Reshape with the wrong total size: the target shape must hold exactly as many "
        "values per sample as its input." + detail + " Print the shape of the layer "
        "before the Reshape (layer.output.shape) and multiply it out, or let Keras work "
        "one axis out with -1, e.g. Reshape((steps, -1)). In a CNN+LSTM the clean fix is "
        "to keep the time axis from the start: wrap the per-image layers in "
        "TimeDistributed and end them with TimeDistributed(Flatten()), so no Reshape "
        "is needed."
    )


def _conv_kernel_length(e: KerasError) -> str | None:
    if "kernel shape must have the same length as input" not in e.low:
        return None
    given = re.search(r"input of shape (\([^)]*\))", e.message)
    got = _shape(given.group(1)) if given else None
    if got is not None and len(got) == 5:
        return (
            f"A Conv2D got a 5D input {given.group(1)}: (batch, steps, height, width, "
            "channels). Conv2D reads 4D input, one image per sample: (batch, height, "
            "width, channels). Wrap the convolution in TimeDistributed so the time axis "
            "passes through: layers.TimeDistributed(layers.Conv2D(...)). (Keras 1/2 said "
            "'expected ndim=4, found ndim=5' for the same mistake.)"
        )
    if got is not None and len(got) == 3:
        return (
            f"A Conv2D got {given.group(1)}: 3D, one axis short of (batch, height, width, "
            "channels). Either the channel axis is missing (keras.Input((height, width, "
            "1)) for grey images), or, inside TimeDistributed, the time axis is: "
            "keras.Input takes the shape of one sample, (steps, height, width, channels)."
        )
    return (
        "A convolution got an input with a different number of axes than its kernel "
        "expects. Conv1D reads 3D, Conv2D 4D, Conv3D 5D input (batch axis included); for "
        "a sequence of images wrap the Conv2D in TimeDistributed."
    )


@dataclass(frozen=True)
class Ndim:
    """What an input-spec error says about axes: ``expected ndim=3, found ndim=2``."""

    kind: str
    want: int
    found: int
    shape: str
    """The full shape Keras says it received, e.g. ``(None, 4160)``; empty when it gives none."""

    @property
    def received(self) -> str:
        return f" It received {self.shape}." if self.shape else ""


def ndim(e: KerasError) -> Ndim | None:
    """The ``expected ndim=3, found ndim=2`` part of an input-spec error, or None."""
    found = re.search(r"expected (min_ndim|ndim|max_ndim)=(\d+), found ndim=(\d+)", e.message)
    if not found:
        return None
    full = re.search(r"Full shape received: (\([^)]*\))", e.message)
    shape = full.group(1) if full else ""
    return Ndim(found.group(1), int(found.group(2)), int(found.group(3)), shape)


def _time_axis_lost(e: KerasError) -> str | None:
    n = ndim(e)
    if not (n and n.found == 2 and (e.is_rnn or (n.want == 3 and n.kind != "max_ndim"))):
        return None
    what = "the recurrent layer" if e.is_rnn else "the layer"
    return (
        f"A 2D tensor reached {what} '{e.layer}', which reads 3D input "
        f"(batch, steps, features).{n.received} Something before it removed the time "
        "axis. An earlier LSTM or GRU without return_sequences=True returns one vector "
        "per sequence: give every recurrent layer but the last return_sequences=True, "
        "or, in an encoder-decoder, put RepeatVector(steps) between encoder and "
        "decoder. A Flatten (or a Reshape to one axis) also merges the time axis away. "
        "Wrap the Flatten too, like every per-image layer: TimeDistributed(Flatten()) "
        "keeps one feature vector per step."
    )


def _feature_maps_into_rnn(e: KerasError) -> str | None:
    n = ndim(e)
    if not (n and e.is_rnn and n.found > 3):
        return None
    return (
        f"The recurrent layer '{e.layer}' got {n.found}D input; it reads 3D "
        f"(batch, steps, features).{n.received} Turn each step's feature maps into one "
        "vector first: TimeDistributed(Flatten()) or "
        "TimeDistributed(GlobalAveragePooling2D()) before the LSTM."
    )


def _image_layer_on_sequence(e: KerasError) -> str | None:
    n = ndim(e)
    if not (n and (e.is_conv or n.want == 4) and n.found == 5):
        return None
    return (
        f"Layer '{e.layer}' reads 4D input (batch, height, width, channels) and got 5D, "
        f"a sequence of images.{n.received} Wrap it in TimeDistributed so the time axis "
        "passes through: layers.TimeDistributed(layers.Conv2D(...))."
    )


def _conv_axis_short(e: KerasError) -> str | None:
    n = ndim(e)
    if not (n and e.is_conv and n.found < n.want):
        return None
    return (
        f"The convolution '{e.layer}' got {n.found}D input but reads at least {n.want}D "
        f"(batch, height, width, channels).{n.received} Either the channel axis is "
        "missing (add it: x[..., None], or keras.Input((h, w, 1))), or an earlier "
        "Flatten/Dense already turned the images into vectors: convolve first."
    )


def _other_axis_count(e: KerasError) -> str | None:
    n = ndim(e)
    if not n:
        return None
    return (
        f"Layer '{e.layer or '?'}' expected {n.kind.replace('_', ' ')} {n.want} axes (batch "
        f"included) and got {n.found}.{n.received} Print each layer's output shape to find "
        "where an axis appeared or disappeared; TimeDistributed adds the time axis to a "
        "per-image layer, Flatten and Reshape remove axes."
    )


def _timedistributed_of_non_layer(e: KerasError) -> str | None:
    if not ("timedistributed" in e.low and "layer` instance" in e.low.replace("'", "`")):
        return None
    if "<class " in e.message:
        return (
            "TimeDistributed received a layer class, not a layer object. Call the class "
            "to make the layer first, with its arguments in brackets: "
            "layers.TimeDistributed(layers.Conv2D(8, 3)), not "
            "layers.TimeDistributed(layers.Conv2D)."
        )
    return (
        "TimeDistributed received a plain function; it wraps a layer object. Use the "
        "Keras layer that does the job (layers.Conv2D(8, 3), layers.Flatten()), or make "
        "the function a layer first with layers.Lambda(fn)."
    )


def _timedistributed_without_time_axis(e: KerasError) -> str | None:
    if not ("timedistributed" in e.low and "at least 3 dimensions" in e.low):
        return None
    got = re.search(r"received:?\s*(\([^)]*\))", e.message)
    received = f", and received {got.group(1)}" if got else ""
    return (
        "TimeDistributed applies its layer at every step, so it needs input with a time "
        f"axis, (batch, steps, ...){received}. A recurrent layer hands on one vector per "
        "sequence unless it is told otherwise: set return_sequences=True on the LSTM "
        "(or GRU) before the wrapper, so it returns one vector per step, "
        "(batch, steps, units)."
    )


def _unknown_argument(e: KerasError) -> str | None:
    unknown = re.search(r"Unrecognized keyword arguments passed to (\w+): (\{.*\})", e.message)
    if not unknown:
        return None
    return (
        f"{unknown.group(1)} does not know the argument(s) {unknown.group(2)}. Check the "
        "spelling against the layer's documentation (a common slip: return_sequence "
        "for return_sequences)."
    )


def _built_for_other_features(e: KerasError) -> str | None:
    if not ("incompatible with the layer" in e.low and "expected axis" in e.low):
        return None
    return (
        f"Layer '{e.layer}' was built for a different last-axis size than it now "
        "receives. A layer's weights fix its input features; build a new layer (or a new "
        "model) for the new shape."
    )


def _channels_first_on_cpu(e: KerasError) -> str | None:
    if not ("nhwc" in e.low or "nchw" in e.low):  # the layout names in TensorFlow's kernel messages
        return None
    return (
        "A channels-first convolution reached CPU kernels that only accept channels last "
        "(NHWC): TensorFlow's own kernels, which it uses when oneDNN is off "
        "(TF_ENABLE_ONEDNN_OPTS=0, or a TensorFlow without oneDNN). With oneDNN on, which "
        "TensorFlow announces at start-up ('oneDNN custom operations are on'), the same "
        "model runs. The fix that works everywhere: keep the channel axis last, "
        "(batch, height, width, channels), Keras's default, and leave data_format alone; "
        "move an existing channels-first array with np.moveaxis(x, 1, -1) (for a "
        "sequence of images, np.moveaxis(x, 2, -1))."
    )


RULES: list[Rule] = [
    Rule("reshape_total_size", _reshape_total_size),
    Rule("conv_kernel_length", _conv_kernel_length),
    Rule("time_axis_lost", _time_axis_lost),
    Rule("feature_maps_into_rnn", _feature_maps_into_rnn),
    Rule("image_layer_on_sequence", _image_layer_on_sequence),
    Rule("conv_axis_short", _conv_axis_short),
    Rule("other_axis_count", _other_axis_count),
    Rule("timedistributed_of_non_layer", _timedistributed_of_non_layer),
    Rule("timedistributed_without_time_axis", _timedistributed_without_time_axis),
    Rule("unknown_argument", _unknown_argument),
    Rule("built_for_other_features", _built_for_other_features),
    Rule("channels_first_on_cpu", _channels_first_on_cpu),
]
"""The book's rules, read in order: the first that gives advice wins."""


def add_rule(rule: Rule) -> None:
    """Put ``rule`` in front of the book's rules (replacing a rule of the same name).

    Replacing by name makes the notebook cell that adds a rule safe to run twice. A checker
    whose advice only fits its own exercise passes its rules to :func:`diagnosis` instead.
    """
    RULES[:] = [rule] + [r for r in RULES if r.name != rule.name]


def diagnosis(exc: BaseException, rules: Sequence[Rule] = ()) -> str | None:
    """The mistake behind ``exc`` and its fix, in words, or ``None`` when it is not a known one.

    Args:
        exc: the exception Keras raised.
        rules: rules to try before the book's :data:`RULES`, e.g. one exercise's own.
    """
    error = KerasError.of(exc)
    for rule in (*rules, *RULES):
        advice = rule(error)
        if advice is not None:
            return advice
    return None


def keras_said(exc: BaseException, limit: int = 300) -> str:
    """The line of a Keras error that says what is wrong, at most ``limit`` characters.

    Keras wraps a layer's error in "Exception encountered when calling …" and goes on with the
    arguments of the failing call (tensor names that change from run to run); the bold marks
    of its terminal output are dropped too.
    """
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(exc).splitlines()]
    lines = [line for line in lines if line and not line.startswith("Exception encountered")]
    return lines[0][:limit] if lines else "(no message)"


def explain_error(exc: BaseException, rules: Sequence[Rule] = ()) -> Feedback:
    """Feedback on a Keras exception: the likely mistake and the fix.

    Args:
        exc: the exception Keras raised while building or calling a model.
        rules: rules to try before the book's, as for :func:`diagnosis`.
    """
    if not isinstance(exc, BaseException):
        return Feedback(
            "diagnose",
            "explain",
            f"explain_error() takes the exception Keras raised (catch it with `except Exception as "
            f"exc`), not a {type(exc).__name__}.",
        )
    known = diagnosis(exc, rules)
    said = keras_said(exc)
    if known is None:
        return Feedback(
            "diagnose",
            "explain",
            f"Keras said ({type(exc).__name__}): {said}\n\nThis is not one of the errors "
            "this book explains. Print every layer's output shape (model.summary() on the "
            "part that builds) and look for the layer where the shape stops being what you "
            "expect.",
        )
    return Feedback("diagnose", "explain", known)
