"""Count a Keras model's forward FLOPs per sample from its layers (conventions:
:mod:`benchmarks.numbers`).

The model runs once on a small batch with every weight layer's ``call`` watched, so the count
sees each call with its real input shape: a CNN folded over ``steps × batch`` images, a layer
that ``TimeDistributed`` calls once per step, and a nested model all count as often as they
run. Works on every Keras backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras
import numpy as np

from benchmarks import numbers

CONV = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
RECURRENT = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)
CONV_RECURRENT = (keras.layers.ConvLSTM1D, keras.layers.ConvLSTM2D, keras.layers.ConvLSTM3D)


def weight_layers(layer: Any) -> Iterator[Any]:
    """The layers whose arithmetic counts, inside models and wrappers."""
    if isinstance(layer, keras.Model):
        for inner in layer.layers:
            yield from weight_layers(inner)
    elif isinstance(layer, keras.layers.TimeDistributed):
        yield from weight_layers(layer.layer)
    elif isinstance(layer, (keras.layers.Dense, *CONV, *RECURRENT, *CONV_RECURRENT)):
        yield layer


def _positions(shape: tuple[int, ...], data_format: str) -> int:
    """Output positions of a convolution, batch included (every axis but the channels)."""
    return numbers.prod(shape[:1] + shape[2:] if data_format == "channels_first" else shape[:-1])


def call_flops(layer: Any, input_shape: tuple[int, ...]) -> float:
    """FLOPs of one call of ``layer`` on an input of ``input_shape`` (batch included)."""
    if isinstance(layer, keras.layers.Dense):
        return numbers.dense_flops(input_shape, layer.units)
    if isinstance(layer, CONV):
        out = tuple(layer.compute_output_shape(input_shape))
        return numbers.conv_flops(_positions(out, layer.data_format), layer.kernel.shape)
    cell = layer.cell
    if isinstance(layer, RECURRENT):
        return numbers.recurrent_flops(
            input_shape[0], input_shape[1], cell.kernel.shape, cell.recurrent_kernel.shape
        )
    # A convolutional recurrent layer: both kernels slide over the output positions of a step.
    out = tuple(cell.compute_output_shape((input_shape[0], *input_shape[2:]))[0])
    positions = _positions(out, cell.data_format) * input_shape[1]
    return numbers.conv_flops(positions, cell.kernel.shape) + numbers.conv_flops(
        positions, cell.recurrent_kernel.shape
    )


def forward_flops(model: Any, batch: int = 2) -> dict[str, Any]:
    """Forward FLOPs per sample of ``model`` (built, with a known input shape), by layer.

    Returns ``{"per_sample": float, "layers": {name: per-sample FLOPs}, "calls": {name: n}}``.
    """
    shape = tuple(model.inputs[0].shape)
    x = np.zeros((batch, *shape[1:]), dtype="float32")
    flops: dict[str, float] = {}
    calls: dict[str, int] = {}
    watched = []
    for layer in {id(w): w for w in weight_layers(model)}.values():

        def watch(*args: Any, _layer: Any = layer, _call: Any = layer.call, **kwargs: Any) -> Any:
            in_shape = tuple(int(d) for d in args[0].shape)
            flops[_layer.name] = flops.get(_layer.name, 0.0) + call_flops(_layer, in_shape)
            calls[_layer.name] = calls.get(_layer.name, 0) + 1
            return _call(*args, **kwargs)

        layer.call = watch
        watched.append(layer)
    try:
        model(x, training=False)
    finally:
        for layer in watched:
            del layer.call  # the class's own call again
    per_layer = {name: value / batch for name, value in flops.items()}
    return {"per_sample": sum(per_layer.values()), "layers": per_layer, "calls": calls}
