"""Shapes and parameter counts of a model, layer by layer, with every axis named."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# the formulas live in counts; shapes.lstm_params and friends stay where the chapters look
from labsupport.counts import conv2d_params, dense_params, lstm_formula, lstm_params  # noqa: E402

__all__ = ["conv2d_params", "dense_params", "lstm_formula", "lstm_params", "report"]


# --------------------------------------------------------------------------------------------
# The shape explainer: per layer, named input/output shapes, the parameter count and its formula.
# --------------------------------------------------------------------------------------------

_NO_WEIGHTS = "0 (no weights: it only moves or reduces values)"

AxisNames = list  # one entry per axis: a name, or None where the axis's meaning is not known


def named_shape(shape: Any, names: Sequence[str | None] | None = None) -> str:
    """A shape with its axes named, e.g. ``(batch=None, time=5, feature=1)``.

    ``names`` gives one name per axis; an axis named ``None`` (or every axis, when ``names`` is
    left out or has the wrong length) gets a neutral name, ``axis1``, ``axis2``, ... The first
    axis is always ``batch``.
    """
    dims = tuple(None if d is None else int(d) for d in shape)
    names = list(names) if names is not None and len(names) == len(dims) else [None] * len(dims)
    if dims:
        names[0] = "batch"
    labels = [n if n else f"axis{i}" for i, n in enumerate(names)]
    return "(" + ", ".join(f"{n}={d}" for n, d in zip(labels, dims, strict=True)) + ")"


def _n(value: int) -> str:
    return f"{value:,}"


def _kernel_shape(layer: Any, attr: str = "kernel") -> tuple[int, ...] | None:
    weight = getattr(layer, attr, None)
    if weight is None:
        cell = getattr(layer, "cell", None)  # recurrent layers keep their weights in a cell
        weight = getattr(cell, attr, None) if cell is not None else None
    return None if weight is None else tuple(int(d) for d in weight.shape)


def _uses_bias(layer: Any) -> bool:
    cell = getattr(layer, "cell", None)
    return bool(getattr(layer, "use_bias", getattr(cell, "use_bias", True)))


def formula_params(layer: Any) -> tuple[str, int | None]:
    """The formula for a built layer's parameter count, and the number it yields.

    Covers Dense, LSTM, GRU, SimpleRNN, Conv1D/2D/3D, ConvLSTM2D, BatchNormalization,
    Embedding, TimeDistributed (the inner layer's count: the wrapper adds none) and nested
    models (the sum of their layers); layers without weights give 0. For any other layer the
    value is ``None`` and the text says Keras's own count was used.
    """
    import keras
    from keras import layers as L

    total = int(layer.count_params())
    if isinstance(layer, keras.Model):
        parts = [(sub.name, int(sub.count_params())) for sub in layer.layers]
        parts = [p for p in parts if p[1]] or parts[:1]
        text = " + ".join(_n(c) for _, c in parts)
        value = sum(c for _, c in parts)
        if len(parts) == 1:
            return f"only {parts[0][0]} has weights: {_n(value)}", value
        return f"sum of its layers ({', '.join(n for n, _ in parts)}): {text} = {_n(value)}", value
    if isinstance(layer, L.TimeDistributed):
        inner_text, inner_value = formula_params(layer.layer)
        note = (
            f"{type(layer.layer).__name__}: {inner_text}; TimeDistributed adds none and "
            "reuses these weights at every step"
        )
        return note, inner_value
    bias = _uses_bias(layer)
    if isinstance(layer, L.Dense):
        k = _kernel_shape(layer)
        if k is None:
            return "not built yet", None
        inputs, units = k
        value = dense_params(inputs, units, use_bias=bias)
        text = f"{units} × {_n(inputs)} + {units}" if bias else f"{units} × {_n(inputs)} (no bias)"
        return f"units × inputs + units = {text} = {_n(value)}" if bias else (
            f"units × inputs = {text} = {_n(value)}"
        ), value
    if isinstance(layer, L.ConvLSTM2D):
        k = _kernel_shape(layer)
        if k is None:
            return "not built yet", None
        kh, kw, ch, four_f = k
        f = four_f // 4
        b = f" + {f}" if bias else ""
        value = 4 * (f * kh * kw * (ch + f) + (f if bias else 0))
        return (
            f"(3 gates + candidate) × (filters × kh × kw × (channels + filters)"
            f"{' + filters' if bias else ''}) = 4 × ({f} × {kh} × {kw} × ({ch} + {f}){b}) "
            f"= {_n(value)}"
        ), value
    if isinstance(layer, (L.LSTM, L.GRU, L.SimpleRNN)):
        k = _kernel_shape(layer)
        if k is None:
            return "not built yet", None
        features = k[0]
        units = int(getattr(layer, "units", getattr(layer.cell, "units", 0)))
        # Blocks of weights of the same shape: an LSTM has three gates (input, forget, output)
        # and the cell candidate; a GRU two gates (update, reset) and the candidate.
        if isinstance(layer, L.LSTM):
            gates, biases, gate_text = 4, 1, "(3 gates + candidate) × "
        elif isinstance(layer, L.GRU):
            reset_after = bool(getattr(layer, "reset_after", layer.cell.reset_after))
            gates, biases, gate_text = 3, 2 if reset_after else 1, "(2 gates + candidate) × "
        else:
            gates, biases, gate_text = 1, 1, ""
        b_sym = ("2 × units" if biases == 2 else "units") if bias else ""
        b_num = (f"2 × {units}" if biases == 2 else f"{units}") if bias else ""
        value = gates * (units * (features + units) + (biases * units if bias else 0))
        sym = f"units × (features + units){' + ' + b_sym if bias else ''}"
        num = f"{units} × ({features} + {units}){' + ' + b_num if bias else ''}"
        if gates > 1:
            sym, num = f"{gate_text}({sym})", f"{gates} × ({num})"
        return f"{sym} = {num} = {_n(value)}", value
    if isinstance(layer, L.Embedding):
        k = _kernel_shape(layer, "embeddings")
        if k is None:
            return "not built yet", None
        value = k[0] * k[1]
        return f"vocabulary × dimensions = {k[0]} × {k[1]} = {_n(value)}", value
    conv_types = tuple(
        t for t in (getattr(L, n, None) for n in ("Conv1D", "Conv2D", "Conv3D")) if t is not None
    )
    if isinstance(layer, conv_types) and not isinstance(layer, getattr(L, "Conv2DTranspose", ())):
        k = _kernel_shape(layer)
        if k is None:
            return "not built yet", None
        *kernel, ch, f = k
        size = " × ".join(str(d) for d in kernel)
        value = f * (int(np.prod(kernel)) * ch) + (f if bias else 0)
        ksym = {1: "k", 2: "kh × kw", 3: "kd × kh × kw"}.get(len(kernel), "kernel")
        groups = int(getattr(layer, "groups", 1) or 1)
        ch_name = "channels" if groups == 1 else "channels/groups"
        if bias:
            text = f"filters × ({ksym} × {ch_name}) + filters = {f} × ({size} × {ch}) + {f}"
        else:
            text = f"filters × ({ksym} × {ch_name}) = {f} × ({size} × {ch}) (no bias)"
        return f"{text} = {_n(value)}", value
    if isinstance(layer, L.BatchNormalization):
        n_weights = sum(int(np.prod(w.shape)) for w in layer.weights)
        per = len(layer.weights)
        ch = n_weights // per if per else 0
        trainable = int(sum(int(np.prod(w.shape)) for w in layer.trainable_weights))
        return (
            f"{per} vectors × channels = {per} × {ch} = {_n(n_weights)} "
            f"({_n(trainable)} trainable, {_n(n_weights - trainable)} running statistics)"
        ), n_weights
    if total == 0:
        return _NO_WEIGHTS, 0
    return f"{_n(total)} (no formula here; the count Keras reports)", None


@dataclass
class ShapeReport:
    """What :func:`report` returns: shows as an HTML table in a notebook, text in a terminal."""

    title: str
    rows: list[dict[str, Any]]
    total: int
    trainable: int

    @property
    def non_trainable(self) -> int:
        return self.total - self.trainable

    def _footer(self) -> str:
        return (
            f"Total: {_n(self.total)} parameters ({_n(self.trainable)} trainable, "
            f"{_n(self.non_trainable)} non-trainable)"
        )

    def __str__(self) -> str:
        lines = [self.title]
        for row in self.rows:
            lines.append(f"{row['layer']} ({row['type']})")
            lines.append(f"    in  {row['input_shape']}")
            lines.append(f"    out {row['output_shape']}")
            lines.append(f"    params {_n(row['params'])}: {row['formula']}")
        lines.append(self._footer())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        mono = "font-family:monospace;font-size:0.95em"
        head = "".join(
            f"<th style='text-align:left;padding:2px 6px;border-bottom:1px solid #999'>{h}</th>"
            for h in ("layer", "input → output", "params", "formula")
        )
        body = []
        for row in self.rows:
            body.append(
                "<tr style='vertical-align:top;border-bottom:1px solid #eee'>"
                f"<td style='padding:2px 6px'>{esc(row['layer'])}<br>"
                f"<span style='color:#666'>{esc(row['type'])}</span></td>"
                f"<td style='padding:2px 6px;{mono}'>{esc(row['input_shape'])}<br>"
                f"→ {esc(row['output_shape'])}</td>"
                f"<td style='padding:2px 6px;text-align:right;{mono}'>{_n(row['params'])}</td>"
                f"<td style='padding:2px 6px'>{esc(row['formula'])}</td></tr>"
            )
        return (
            "<div class='labsupport-shapes' style='max-width:100%;overflow-x:auto'>"
            f"<table style='font-size:0.78em;border-collapse:collapse;line-height:1.35'>"
            f"<caption style='text-align:left;font-weight:bold;padding:2px 0'>{esc(self.title)}"
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            f"<tfoot><tr><td colspan='4' style='padding:3px 6px;border-top:1px solid #999'>"
            f"{esc(self._footer())}</td></tr></tfoot></table></div>"
        )


def _tensors(value: Any) -> list:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return [value]


def _mro(layer: Any) -> set[str]:
    return {cls.__name__ for cls in type(layer).__mro__}


_SPATIAL = {1: ["step"], 2: ["height", "width"], 3: ["depth", "height", "width"]}
_GRID_LAYERS = {  # layers that read (batch, spatial..., channel) and keep that layout
    "BaseConv",
    "BaseConvTranspose",
    "BaseDepthwiseConv",
    "BaseSeparableConv",
    "BasePooling",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
}


def _grid(rank: int, data_format: str | None) -> AxisNames:
    spatial = _SPATIAL.get(rank - 2)
    if spatial is None:
        return ["batch"] + [None] * (rank - 1)
    if data_format == "channels_first":
        return ["batch", "channel", *spatial]
    return ["batch", *spatial, "channel"]


def _unknown(rank: int) -> AxisNames:
    return ["batch"] + [None] * (rank - 1)


def _reads(layer: Any, rank: int) -> AxisNames:
    """How ``layer`` reads the axes of an input of ``rank``; None where it has no convention."""
    import keras

    kinds = _mro(layer)
    if isinstance(layer, keras.layers.TimeDistributed):
        inner = _reads(layer.layer, rank - 1)
        return ["batch", "time", *inner[1:]]
    if isinstance(layer, keras.Model):
        names = _names_in(layer, None)
        inputs = _tensors(layer.inputs)
        known = names.get(id(inputs[0])) if inputs else None
        return list(known) if known and len(known) == rank else _unknown(rank)
    if "ConvLSTM" in kinds:
        spatial = _SPATIAL.get(rank - 3)
        return ["batch", "time", *spatial, "channel"] if spatial else _unknown(rank)
    if ("RNN" in kinds or "Bidirectional" in kinds) and rank == 3:
        return ["batch", "time", "feature"]
    if kinds & _GRID_LAYERS or "BaseGlobalPooling" in kinds:
        return _grid(rank, getattr(layer, "data_format", None))
    if "Dense" in kinds and rank >= 2:
        return ["batch"] + [None] * (rank - 2) + ["feature"]
    if "Embedding" in kinds and rank == 2:
        return ["batch", "step"]
    return _unknown(rank)


def _writes(layer: Any, inputs: list[AxisNames], ranks: list[int]) -> list[AxisNames]:
    """Names of ``layer``'s outputs, given the names of its inputs; None where not known."""
    import keras

    kinds = _mro(layer)
    first = inputs[0] if inputs else []
    main = ranks[0] if ranks else 0

    def rest(names: AxisNames) -> list[AxisNames]:
        return [names] + [_unknown(r) for r in ranks[1:]]

    if isinstance(layer, keras.layers.TimeDistributed):
        inner = _writes(layer.layer, [["batch", *first[2:]]], [main - 1])[0]
        return rest(["batch", first[1] if len(first) > 1 else "time", *inner[1:]])
    if isinstance(layer, keras.Model):
        names = _names_in(layer, inputs)
        outs = [names.get(id(t)) for t in _tensors(layer.outputs)]
        return [n if n and len(n) == r else _unknown(r) for n, r in zip(outs, ranks, strict=False)]
    if "ConvLSTM" in kinds:
        spatial = first[2:-1] if len(first) >= 4 else _SPATIAL.get(main - 3, [])
        sequences = bool(getattr(layer, "return_sequences", False))
        head = ["batch", "time"] if sequences else ["batch"]
        return [[*head, *spatial, "channel"]] + [_unknown(r) for r in ranks[1:]]
    if "RNN" in kinds or "Bidirectional" in kinds:
        rnn = getattr(layer, "forward_layer", layer)
        if getattr(rnn, "return_sequences", False) and main == 3:
            out = ["batch", first[1] if len(first) > 1 and first[1] else "time", "unit"]
        else:
            out = ["batch", "unit"] if main == 2 else _unknown(main)
        return [out] + [["batch", "unit"] if r == 2 else _unknown(r) for r in ranks[1:]]
    if "Dense" in kinds and main == len(first):
        return rest([*first[:-1], "unit"])
    if "Embedding" in kinds and main == len(first) + 1:
        return rest([*first, "feature"])
    if "BaseGlobalPooling" in kinds:
        if main == len(first):  # keepdims=True
            return rest(list(first))
        channels_first = getattr(layer, "data_format", None) == "channels_first"
        return rest(["batch", first[1] if channels_first else first[-1]])
    if kinds & _GRID_LAYERS and main == len(first):
        return rest(list(first))
    if "Flatten" in kinds:
        return rest(list(first) if main == len(first) == 2 else ["batch", "feature"])
    if "RepeatVector" in kinds and len(first) == 2:
        return rest(["batch", "time", first[1]])
    if "Permute" in kinds and main == len(first):
        return rest(["batch", *(first[d] for d in layer.dims)])
    if "Reshape" in kinds:
        return [_unknown(r) for r in ranks]
    same = all(n == first for n in inputs)
    if "Concatenate" in kinds and same and main == len(first):
        return rest(list(first))  # joined along one axis: every axis keeps its meaning
    if same and main == len(first) and len(ranks) == 1:
        shapes_in = [tuple(t.shape) for t in _tensors(layer.input)]
        shape_out = tuple(_tensors(layer.output)[0].shape)
        if all(s == shape_out for s in shapes_in):  # elementwise: every axis keeps its meaning
            return [list(first)]
    return [_unknown(r) for r in ranks]


def _nodes(layer: Any) -> list:
    return list(getattr(layer, "_inbound_nodes", []) or [])


def _names_in(model: Any, input_names: list[AxisNames] | None) -> dict[int, AxisNames]:
    """Name the axes of every tensor in ``model``, keyed by ``id(tensor)``.

    A tensor's axes are named by the layers it has passed through (an LSTM's output is
    ``(batch, time, unit)``, Dense renames the last axis ``unit``), and an axis still unnamed
    takes the name the next layer reads it by (an LSTM reads ``(batch, time, feature)``). Axes
    no layer gives a meaning to, such as those a Reshape makes, stay ``None``.
    """
    names: dict[int, AxisNames] = {}
    for i, tensor in enumerate(_tensors(model.inputs)):
        rank = len(tensor.shape)
        given = input_names[i] if input_names and i < len(input_names) else None
        names[id(tensor)] = list(given) if given and len(given) == rank else _unknown(rank)
    # A layer's call sites ("nodes") in this graph, taken once their inputs are named; a shared
    # layer has several, and a nested model may also have nodes in other graphs, never taken.
    pending = [
        (layer, node)
        for layer in model.layers
        if "InputLayer" not in _mro(layer)
        for node in _nodes(layer)
    ]
    while pending:
        ready = [
            (layer, node)
            for layer, node in pending
            if all(id(t) in names for t in _tensors(node.input_tensors))
        ]
        if not ready:
            break
        for layer, node in ready:
            pending.remove((layer, node))
            in_names = []
            for tensor in _tensors(node.input_tensors):
                reading = _reads(layer, len(tensor.shape))
                merged = [c if c else r for c, r in zip(names[id(tensor)], reading, strict=True)]
                names[id(tensor)] = merged
                in_names.append(merged)
            outs = _tensors(node.output_tensors)
            written = _writes(layer, in_names, [len(t.shape) for t in outs])
            for tensor, out in zip(outs, written, strict=False):
                if len(out) == len(tensor.shape):
                    names[id(tensor)] = out
    return names


def _shape_text(value: Any, names: dict[int, AxisNames]) -> str:
    return " + ".join(named_shape(t.shape, names.get(id(t))) for t in _tensors(value))


def report(model: Any, *, axes: Mapping[int, Sequence[str]] | None = None) -> ShapeReport:
    """Explain a built Keras model layer by layer: named shapes, parameter count, formula.

    Axes are named by what the layers do with them, not by the rank of the tensor: an LSTM
    reads ``(batch, time, feature)`` and returns ``(batch, time, unit)`` or ``(batch, unit)``;
    Conv2D keeps ``(batch, height, width, channel)``; Dense renames the last axis ``unit`` and
    leaves the others as they were. An axis whose meaning no layer gives, such as those a
    Reshape makes, gets a neutral name: ``axis1``, ``axis2``, ...

    Args:
        model: a built Keras model (start it with ``keras.Input``).
        axes: optional names for the model's input axes, per rank, e.g.
            ``{3: ("batch", "row", "pixel")}``; the layers carry them on from there.

    Returns:
        A :class:`ShapeReport`; its ``rows`` are dicts with keys ``layer``, ``type``,
        ``input_shape``, ``output_shape``, ``params`` (Keras's ``count_params()``) and
        ``formula`` (how that number comes about).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"report() takes a Keras model; got {type(model).__name__}.")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not model.built or not inputs:
        raise ValueError(
            "This model has no input shape yet; start it with keras.Input(shape) so Keras "
            "builds it."
        )
    given = [
        list(axes[len(t.shape)]) if axes and len(t.shape) in axes else None
        for t in _tensors(inputs)
    ]
    names = _names_in(model, given)
    rows = []
    for layer in model.layers:
        node = next(
            (n for n in _nodes(layer) if all(id(t) in names for t in _tensors(n.input_tensors))),
            None,
        )
        in_text = out_text = "?"
        if node is not None:
            out_text = _shape_text(node.output_tensors, names)
            in_text = _shape_text(node.input_tensors, names) if node.input_tensors else out_text
        params = int(layer.count_params())
        text, value = formula_params(layer)
        if value is not None and value != params:
            text += f"  [!] Keras counts {_n(params)}"
        rows.append(
            {
                "layer": layer.name,
                "type": _type_label(layer),
                "input_shape": in_text,
                "output_shape": out_text,
                "params": params,
                "formula": text,
            }
        )
    trainable = int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    title = f"{model.name}: {_shape_text(inputs, names)} → {_shape_text(model.outputs, names)}"
    return ShapeReport(title, rows, int(model.count_params()), trainable)


def _type_label(layer: Any) -> str:
    import keras

    if isinstance(layer, keras.layers.TimeDistributed):
        return f"TimeDistributed({_type_label(layer.layer)})"
    return type(layer).__name__
