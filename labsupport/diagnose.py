"""Explain the Keras exceptions learners meet when they stack CNNs, Reshape and LSTMs.

``explain_error(exc)`` reads the exception Keras raised (Keras 3 wording, and the Keras 1/2 wording
the old questions quote) and returns feedback that names the likely mistake and the fix::

    try:
        model = build()
    except Exception as exc:
        diagnose.explain_error(exc)

:func:`diagnosis` returns the plain message (or ``None`` when the error is not one it knows),
for checkers that want to put it in their own words.
"""

from __future__ import annotations

import re

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


def diagnosis(exc: BaseException) -> str | None:
    """The mistake behind ``exc`` and its fix, in words, or ``None`` when it is not a known one."""
    message = str(exc)
    low = message.lower()
    layer = _layer_name(message)
    is_rnn = any(name in layer.lower() for name in _RNN_NAMES)
    is_conv = any(name in layer.lower() for name in _CONV_NAMES)

    if "total size" in low and ("unchanged" in low):
        shapes = re.search(r"input_shape\s*=\s*(\([^)]*\)|\[[^\]]*\])", message)
        target = re.search(r"(?:target_shape|output_shape)\s*=\s*(\([^)]*\)|\[[^\]]*\])", message)
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

    if "kernel shape must have the same length as input" in low:
        given = re.search(r"input of shape (\([^)]*\))", message)
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

    ndim = re.search(r"expected (min_ndim|ndim|max_ndim)=(\d+), found ndim=(\d+)", message)
    if ndim:
        kind, want, found = ndim.group(1), int(ndim.group(2)), int(ndim.group(3))
        full = re.search(r"Full shape received: (\([^)]*\))", message)
        received = f" It received {full.group(1)}." if full else ""
        if found == 2 and (is_rnn or (want == 3 and kind != "max_ndim")):
            what = "the recurrent layer" if is_rnn else "the layer"
            return (
                f"A 2D tensor reached {what} '{layer}', which reads 3D input "
                f"(batch, steps, features).{received} Something before it removed the time "
                "axis. An earlier LSTM or GRU without return_sequences=True returns one vector "
                "per sequence: give every recurrent layer but the last return_sequences=True, "
                "or, in an encoder-decoder, put RepeatVector(steps) between encoder and "
                "decoder. A Flatten (or a Reshape to one axis) also merges the time axis away. "
                "Wrap the Flatten too, like every per-image layer: TimeDistributed(Flatten()) "
                "keeps one feature vector per step."
            )
        if is_rnn and found > 3:
            return (
                f"The recurrent layer '{layer}' got {found}D input; it reads 3D "
                f"(batch, steps, features).{received} Turn each step's feature maps into one "
                "vector first: TimeDistributed(Flatten()) or "
                "TimeDistributed(GlobalAveragePooling2D()) before the LSTM."
            )
        if (is_conv or want == 4) and found == 5:
            return (
                f"Layer '{layer}' reads 4D input (batch, height, width, channels) and got 5D, "
                f"a sequence of images.{received} Wrap it in TimeDistributed so the time axis "
                "passes through: layers.TimeDistributed(layers.Conv2D(...))."
            )
        if is_conv and found < want:
            return (
                f"The convolution '{layer}' got {found}D input but reads at least {want}D "
                f"(batch, height, width, channels).{received} Either the channel axis is "
                "missing (add it: x[..., None], or keras.Input((h, w, 1))), or an earlier "
                "Flatten/Dense already turned the images into vectors: convolve first."
            )
        return (
            f"Layer '{layer or '?'}' expected {kind.replace('_', ' ')} {want} axes (batch "
            f"included) and got {found}.{received} Print each layer's output shape to find "
            "where an axis appeared or disappeared; TimeDistributed adds the time axis to a "
            "per-image layer, Flatten and Reshape remove axes."
        )

    if "timedistributed" in low and "layer` instance" in low.replace("'", "`"):
        if "<class " in message:
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

    if "timedistributed" in low and "at least 3 dimensions" in low:
        got = re.search(r"received:?\s*(\([^)]*\))", message)
        received = f", and received {got.group(1)}" if got else ""
        return (
            "TimeDistributed applies its layer at every step, so it needs input with a time "
            f"axis, (batch, steps, ...){received}. A recurrent layer hands on one vector per "
            "sequence unless it is told otherwise: set return_sequences=True on the LSTM "
            "(or GRU) before the wrapper, so it returns one vector per step, "
            "(batch, steps, units)."
        )

    unknown = re.search(r"Unrecognized keyword arguments passed to (\w+): (\{.*\})", message)
    if unknown:
        return (
            f"{unknown.group(1)} does not know the argument(s) {unknown.group(2)}. Check the "
            "spelling against the layer's documentation (a common slip: return_sequence "
            "for return_sequences)."
        )

    if "incompatible with the layer" in low and "expected axis" in low:
        return (
            f"Layer '{layer}' was built for a different last-axis size than it now "
            "receives. A layer's weights fix its input features; build a new layer (or a new "
            "model) for the new shape."
        )

    if "nhwc" in low or "nchw" in low:  # the layout names in TensorFlow's kernel messages
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


def explain_error(exc: BaseException) -> Feedback:
    """Feedback on a Keras exception: the likely mistake and the fix.

    Args:
        exc: the exception Keras raised while building or calling a model.
    """
    if not isinstance(exc, BaseException):
        return Feedback(
            "diagnose",
            "explain",
            f"explain_error() takes the exception Keras raised (catch it with `except Exception as "
            f"exc`), not a {type(exc).__name__}.",
        )
    known = diagnosis(exc)
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
