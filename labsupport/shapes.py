"""Parameter formulas, written out so a chapter can derive a count and compare it with Keras."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def dense_params(inputs: int, units: int, *, use_bias: bool = True) -> int:
    """Dense: one weight per (input, unit) pair, plus one bias per unit."""
    return inputs * units + (units if use_bias else 0)


def lstm_params(features: int, units: int) -> int:
    """LSTM: four gates, each with ``units × (features + units)`` weights and ``units`` biases.

    The gates are input, forget, cell candidate and output. Each one looks at the current input
    (``features`` values) and at the previous hidden state (``units`` values).
    """
    return 4 * (units * (features + units) + units)


def lstm_formula(features: int, units: int) -> str:
    """The LSTM count written out, e.g. ``4 × (5 × (1 + 5) + 5) = 140``."""
    total = lstm_params(features, units)
    return f"4 × ({units} × ({features} + {units}) + {units}) = {total}"


def conv2d_params(
    channels: int, filters: int, kernel_size: int | tuple[int, int], *, use_bias: bool = True
) -> int:
    """Conv2D: each filter has ``kh × kw × channels`` weights and one bias.

    The input's height and width play no part.
    """
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return filters * (kh * kw * channels) + (filters if use_bias else 0)


# --------------------------------------------------------------------------------------------
# The shape explainer: per layer, named input/output shapes, the parameter count and its formula.
# --------------------------------------------------------------------------------------------

_AXIS_NAMES: dict[int, tuple[str, ...]] = {
    1: ("batch",),
    2: ("batch", "feature"),
    3: ("batch", "time", "feature"),
    4: ("batch", "height", "width", "channel"),
    5: ("batch", "time", "height", "width", "channel"),
}

_NO_WEIGHTS = "0 (no weights: it only moves or reduces values)"


def named_shape(shape: Any, names: Sequence[str] | None = None) -> str:
    """A shape with its axes named, e.g. ``(batch=None, time=5, feature=1)``.

    Axis names follow the rank: 2D is (batch, feature), 3D (batch, time, feature), 4D
    (batch, height, width, channel), 5D (batch, time, height, width, channel). Pass ``names``
    to override them.
    """
    dims = tuple(None if d is None else int(d) for d in shape)
    names = tuple(names) if names is not None else _AXIS_NAMES.get(len(dims), ())
    if len(names) != len(dims):
        names = ("batch",) + tuple(f"axis{i}" for i in range(1, len(dims)))
    return "(" + ", ".join(f"{n}={d}" for n, d in zip(names, dims, strict=True)) + ")"


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
            f"4 gates × (filters × kh × kw × (channels + filters){' + filters' if bias else ''}) "
            f"= 4 × ({f} × {kh} × {kw} × ({ch} + {f}){b}) = {_n(value)}"
        ), value
    if isinstance(layer, (L.LSTM, L.GRU, L.SimpleRNN)):
        k = _kernel_shape(layer)
        if k is None:
            return "not built yet", None
        features = k[0]
        units = int(getattr(layer, "units", getattr(layer.cell, "units", 0)))
        if isinstance(layer, L.LSTM):
            gates, biases, gate_text = 4, 1, "4 gates × "
        elif isinstance(layer, L.GRU):
            reset_after = bool(getattr(layer, "reset_after", layer.cell.reset_after))
            gates, biases, gate_text = 3, 2 if reset_after else 1, "3 gates × "
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
    """What :func:`explain` returns: shows as an HTML table in a notebook, text in a terminal."""

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


def _shape_text(tensor_or_list: Any, names: Mapping[int, Sequence[str]] | None) -> str:
    if isinstance(tensor_or_list, (list, tuple)):
        return " + ".join(_shape_text(t, names) for t in tensor_or_list)
    shape = tuple(tensor_or_list.shape)
    return named_shape(shape, (names or {}).get(len(shape)))


def explain(model: Any, *, axes: Mapping[int, Sequence[str]] | None = None) -> ShapeReport:
    """Explain a built Keras model layer by layer: named shapes, parameter count, formula.

    Args:
        model: a built Keras model (start it with ``keras.Input``).
        axes: optional axis names per rank, e.g. ``{3: ("batch", "row", "feature")}``.

    Returns:
        A :class:`ShapeReport`; its ``rows`` are dicts with keys ``layer``, ``type``,
        ``input_shape``, ``output_shape``, ``params`` (Keras's ``count_params()``) and
        ``formula`` (how that number comes about).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"explain() takes a Keras model; got {type(model).__name__}.")
    try:
        model.inputs  # noqa: B018 - raises when the model has no symbolic input
    except (AttributeError, ValueError):
        pass
    if not model.built or not getattr(model, "inputs", None):
        raise ValueError(
            "This model has no input shape yet; start it with keras.Input(shape) so Keras "
            "builds it."
        )
    rows = []
    for layer in model.layers:
        try:
            in_text = _shape_text(layer.input, axes)
        except (AttributeError, ValueError):
            in_text = "?"
        try:
            out_text = _shape_text(layer.output, axes)
        except (AttributeError, ValueError):
            out_text = "?"
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
    title = f"{model.name}: {_shape_text(model.inputs, axes)} → {_shape_text(model.outputs, axes)}"
    return ShapeReport(title, rows, int(model.count_params()), trainable)


def _type_label(layer: Any) -> str:
    import keras

    if isinstance(layer, keras.layers.TimeDistributed):
        return f"TimeDistributed({_type_label(layer.layer)})"
    return type(layer).__name__
