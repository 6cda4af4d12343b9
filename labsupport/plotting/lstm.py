"""Pictures of an LSTM drawn from a real Keras layer or model, so they cannot disagree with it.

* :func:`lstm_cell` draws one step of a built ``layers.LSTM``: what comes in (``x_t``,
  ``h_{t-1}``, ``c_{t-1}``), the three gates and the candidate, what goes out (``c_t``, ``h_t``),
  with the units, the features and the weight shapes read from the layer.
* :func:`unrolled_lstm` draws models with an LSTM unrolled over its time steps, side by side:
  the steps, the state passed along, and which hidden states reach the next layer
  (``return_sequences=False`` versus ``True``), with the shapes read from each model.

Steps are counted from 0, as in the chapters' text and in Python: a sequence of ``T`` steps
runs from ``t=0`` to ``t=T-1``, and step 0 starts from zero states.

Both return the matplotlib Figure they drew. Artists that tests look for carry a ``gid``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Keras stores the four blocks of an LSTM side by side in this order (LSTMCell.call splits
# kernel, recurrent_kernel and bias into i, f, c, o).
KERAS_BLOCK_ORDER = ("i", "f", "c", "o")

_GATE = "#fdd9a6"  # sigmoid gates
_CAND = "#c7e9c0"  # the tanh candidate
_C_LINE = "#1f4e8c"
_H_LINE = "#c55a11"
_X_LINE = "#555555"
_BLOCK_COLOURS = {"i": _GATE, "f": _GATE, "c": _CAND, "o": _GATE}


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in value.shape)


def _activation_name(fn: Any) -> str:
    name = getattr(fn, "__name__", str(fn))
    return {"sigmoid": "σ", "tanh": "tanh"}.get(name, name)


@dataclass(frozen=True)
class _CellFacts:
    units: int
    features: int
    kernel: tuple[int, ...]
    recurrent: tuple[int, ...]
    bias: tuple[int, ...] | None
    gate: str
    candidate: str
    unit_forget_bias: bool


def _cell_facts(layer: Any) -> _CellFacts:
    import keras

    if isinstance(layer, keras.Model):
        found = [sub for sub in layer.layers if isinstance(sub, keras.layers.LSTM)]
        if not found:
            raise ValueError("lstm_cell needs a layers.LSTM, or a model that holds one.")
        layer = found[0]
    if not isinstance(layer, keras.layers.LSTM):
        raise ValueError(f"lstm_cell draws a layers.LSTM; it got a {type(layer).__name__}.")
    cell = layer.cell
    if not layer.built or getattr(cell, "kernel", None) is None:
        raise ValueError(
            "This LSTM is not built yet, so it has no weights to read. Put it in a model that "
            "starts with keras.Input((steps, features)), or call it on data once."
        )
    kernel = _shape(cell.kernel)
    return _CellFacts(
        units=int(layer.units),
        features=kernel[0],
        kernel=kernel,
        recurrent=_shape(cell.recurrent_kernel),
        bias=_shape(cell.bias) if cell.use_bias else None,
        gate=_activation_name(cell.recurrent_activation),
        candidate=_activation_name(cell.activation),
        unit_forget_bias=bool(cell.unit_forget_bias and cell.use_bias),
    )


def lstm_cell(layer: Any, *, title: str | None = None):
    """Draw one step of a built ``layers.LSTM`` (or the first LSTM of a model).

    The gates are drawn where they act (forget first, on the cell-state line); each box also
    says which block of columns Keras stores it in: input, forget, candidate, output.
    """
    plt = _plt()
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

    facts = _cell_facts(layer)
    u, n = facts.units, facts.features
    fig, ax = plt.subplots(figsize=(9.6, 6.0))

    def arrow(points, colour, *, lw=1.8, gid=None, head=True):
        for a, b in zip(points[:-2], points[1:-1], strict=True):
            ax.plot([a[0], b[0]], [a[1], b[1]], color=colour, lw=lw, solid_capstyle="round")
        ax.add_patch(
            FancyArrowPatch(
                points[-2],
                points[-1],
                arrowstyle="-|>" if head else "-",
                mutation_scale=14,
                color=colour,
                lw=lw,
                shrinkA=0,
                shrinkB=0,
                gid=gid,
            )
        )

    def op(x, y, symbol, gid):
        ax.add_patch(Circle((x, y), 0.22, facecolor="white", edgecolor="#333", lw=1.2, zorder=3))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=13, zorder=4, gid=gid)

    # the cell's frame
    ax.add_patch(
        FancyBboxPatch(
            (1.7, 0.75),
            8.6,
            4.55,
            boxstyle="round,pad=0.05,rounding_size=0.3",
            facecolor="#f6f6f6",
            edgecolor="#888",
            lw=1.2,
        )
    )
    ax.text(2.0, 5.05, f"one step of LSTM(units={u}) on features={n}", fontsize=9, color="#444")

    y_c, y_bus, y_gate, y_mid = 4.6, 1.3, 2.6, 3.7
    x_f, x_i, x_g, x_o, x_out = 3.0, 4.6, 6.2, 7.8, 9.4
    # c: the cell state runs straight through, touched only by a multiply and an add
    arrow([(0.2, y_c), (x_f - 0.22, y_c)], _C_LINE, lw=2.6)
    arrow([(x_f + 0.22, y_c), (x_g - 0.22, y_c)], _C_LINE, lw=2.6)
    arrow([(x_g + 0.22, y_c), (12.3, y_c)], _C_LINE, lw=2.6, gid="c_t")
    op(x_f, y_c, "×", "forget-multiply")
    op(x_g, y_c, "+", "add")
    # h_{t-1} and x_t meet on one bus that feeds all four blocks
    arrow([(0.2, y_bus), (x_o, y_bus)], _H_LINE, head=False)
    arrow([(x_f - 0.9, 0.0), (x_f - 0.9, y_bus)], _X_LINE)
    ax.text(
        (x_f + x_o) / 2,
        y_bus - 0.3,
        "every block reads both: $x_t W + h_{t-1} U + b$, each with its own columns",
        ha="center",
        fontsize=7.5,
        color="#444",
    )

    boxes = {
        "f": (x_f, "forget gate f", facts.gate, _GATE),
        "i": (x_i, "input gate i", facts.gate, _GATE),
        "c": (x_g, "candidate c̃", facts.candidate, _CAND),
        "o": (x_o, "output gate o", facts.gate, _GATE),
    }
    for key, (x, name, act, face) in boxes.items():
        block = KERAS_BLOCK_ORDER.index(key)
        arrow([(x, y_bus), (x, y_gate - 0.48)], _H_LINE, lw=1.4)
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.68, y_gate - 0.46),
                1.36,
                0.92,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=face,
                edgecolor="#333",
                lw=1.0,
                zorder=2,
                gid=f"block-{key}",
            )
        )
        ax.text(x, y_gate + 0.24, name, ha="center", va="center", fontsize=7.5, zorder=3)
        ax.text(x, y_gate - 0.02, act, ha="center", va="center", fontsize=11, zorder=3)
        ax.text(
            x,
            y_gate - 0.3,
            f"cols {block * u}–{(block + 1) * u - 1}",
            ha="center",
            va="center",
            fontsize=7,
            color="#444",
            zorder=3,
        )
    # f scales the old state; i × c̃ is added to it
    arrow([(x_f, y_gate + 0.46), (x_f, y_c - 0.22)], "#333", lw=1.4)
    op(x_g, y_mid, "×", "input-multiply")
    arrow([(x_i, y_gate + 0.46), (x_i, y_mid), (x_g - 0.22, y_mid)], "#333", lw=1.4)
    arrow([(x_g, y_gate + 0.46), (x_g, y_mid - 0.22)], "#333", lw=1.4)
    arrow([(x_g, y_mid + 0.22), (x_g, y_c - 0.22)], "#333", lw=1.4)
    # h_t = o × tanh(c_t)
    arrow([(x_out, y_c), (x_out, y_mid + 0.26)], _C_LINE, lw=1.6)
    ax.add_patch(
        FancyBboxPatch(
            (x_out - 0.42, y_mid - 0.24),
            0.84,
            0.48,
            boxstyle="round,pad=0.02,rounding_size=0.2",
            facecolor=_CAND,
            edgecolor="#333",
            zorder=2,
        )
    )
    ax.text(x_out, y_mid, facts.candidate, ha="center", va="center", fontsize=9, zorder=3)
    op(x_out, y_gate, "×", "output-multiply")
    arrow([(x_out, y_mid - 0.24), (x_out, y_gate + 0.22)], "#333", lw=1.4)
    arrow([(x_o + 0.68, y_gate), (x_out - 0.22, y_gate)], "#333", lw=1.4)
    arrow([(x_out, y_gate - 0.22), (x_out, y_bus - 0.35), (12.3, y_bus - 0.35)], _H_LINE, lw=2.2)

    # what comes in and goes out, with shapes
    label = {"fontsize": 9, "va": "center"}
    ax.text(0.2, y_c + 0.32, f"$c_{{t-1}}$  (batch, {u})", color=_C_LINE, **label)
    ax.text(0.2, y_bus + 0.3, f"$h_{{t-1}}$  (batch, {u})", color=_H_LINE, **label)
    ax.text(x_f - 0.8, 0.12, f"$x_t$  (batch, {n})", color=_X_LINE, **label)
    ax.text(
        12.3,
        y_c + 0.55,
        f"$c_t$  (batch, {u})\ncell state:\nto the next step only",
        color=_C_LINE,
        ha="right",
        fontsize=8,
        va="center",
    )
    ax.text(
        12.3,
        y_bus - 0.85,
        f"$h_t$  (batch, {u})\nhidden state: this step's output\nand the next step's $h_{{t-1}}$",
        color=_H_LINE,
        ha="right",
        fontsize=8,
        va="center",
        gid="h_t",
    )

    # the weight layout: one strip of 4·units columns, shared by W, U and b
    strip_y, strip_x, strip_w = -1.05, 1.7, 8.6
    for block, key in enumerate(KERAS_BLOCK_ORDER):
        ax.add_patch(
            Rectangle(
                (strip_x + block * strip_w / 4, strip_y),
                strip_w / 4,
                0.38,
                facecolor=_BLOCK_COLOURS[key],
                edgecolor="#333",
                lw=0.8,
            )
        )
        ax.text(
            strip_x + (block + 0.5) * strip_w / 4,
            strip_y + 0.19,
            f"{key}: cols {block * u}–{(block + 1) * u - 1}",
            ha="center",
            va="center",
            fontsize=8,
        )
    bias_text = f"bias b {facts.bias}" if facts.bias else "no bias (use_bias=False)"
    ax.text(
        strip_x,
        strip_y - 0.22,
        f"columns of kernel W {facts.kernel} = (features, 4·units),  "
        f"recurrent_kernel U {facts.recurrent} = (units, 4·units),  {bias_text}",
        fontsize=8,
        va="top",
        gid="weight-shapes",
    )
    if facts.unit_forget_bias:
        ax.text(
            strip_x,
            strip_y - 0.62,
            "unit_forget_bias=True: the f block of b starts at 1, the others at 0",
            fontsize=7.5,
            va="top",
            color="#444",
        )
    ax.set_xlim(-0.1, 12.4)
    ax.set_ylim(-1.95, 5.45)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"Inside one LSTM step: {u} units, {n} features", fontsize=11)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# The unrolled LSTM
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unrolled:
    name: str
    steps: int | None
    features: int
    units: int
    return_sequences: bool
    output: tuple
    after: str | None
    after_output: tuple | None


def _fmt(shape: tuple) -> str:
    dims = ["None" if d is None else str(int(d)) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _unrolled_facts(model: Any) -> _Unrolled:
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"unrolled_lstm draws Keras models; it got a {type(model).__name__}.")
    layers = list(model.layers)
    index = next((k for k, sub in enumerate(layers) if isinstance(sub, keras.layers.LSTM)), None)
    if index is None:
        raise ValueError(f"The model {model.name!r} has no LSTM layer to unroll.")
    lstm = layers[index]
    if not lstm.built:
        raise ValueError("Start the model with keras.Input((steps, features)) so it is built.")
    in_shape = tuple(lstm.input.shape)
    out = lstm.output
    out = out[0] if isinstance(out, (list, tuple)) else out
    after = layers[index + 1] if index + 1 < len(layers) else None
    return _Unrolled(
        name=lstm.name,
        steps=in_shape[1],
        features=int(in_shape[2]),
        units=int(lstm.units),
        return_sequences=bool(lstm.return_sequences),
        output=tuple(out.shape),
        after=None if after is None else type(after).__name__,
        after_output=None if after is None else tuple(after.output.shape),
    )


def _draw_unrolled(ax: Any, facts: _Unrolled, max_steps: int) -> None:
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    # Steps are counted from 0, like the chapters' text: t = 0 … T-1, T the number of steps.
    # A sequence of unknown length (keras.Input((None, ...))) is drawn with an ellipsis too.
    gap = facts.steps is None or facts.steps > max_steps  # an ellipsis before the last step
    steps = facts.steps if facts.steps is not None else max_steps + 1
    shown = [*range(max_steps - 1), steps - 1] if gap else list(range(steps))
    xs = [1.6 * k + 1.2 for k in range(len(shown))]
    if gap:
        xs[-1] += 0.9
    y_box, y_out, y_next = 1.6, 3.4, 4.6
    last_index = "T-1" if facts.steps is None else str(steps - 1)
    last = f"t={last_index}"

    def arrow(a, b, colour, *, lw=1.6, style="-|>", gid=None, ls="-"):
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                arrowstyle=style,
                mutation_scale=12,
                color=colour,
                lw=lw,
                linestyle=ls,
                shrinkA=0,
                shrinkB=0,
                gid=gid,
            )
        )

    ax.text(0.0, y_box, "h, c\n= 0", ha="center", va="center", fontsize=8, color=_H_LINE)
    prev = 0.35
    for k, (t, x) in enumerate(zip(shown, xs, strict=True)):
        is_last = k == len(shown) - 1
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.5, y_box - 0.4),
                1.0,
                0.8,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor="#dbe8f6",
                edgecolor="#333",
                gid="step",
            )
        )
        ax.text(x, y_box + 0.08, "LSTM", ha="center", va="center", fontsize=8)
        ax.text(x, y_box - 0.2, last if is_last and gap else f"t={t}", ha="center", fontsize=7)
        arrow((x, 0.35), (x, y_box - 0.4), _X_LINE, lw=1.2)
        ax.text(
            x,
            0.12,
            f"$x_{{{t if not (is_last and gap) else last_index}}}$",
            ha="center",
            fontsize=8,
            color=_X_LINE,
        )
        if gap and is_last:
            first_skipped = shown[-2] + 1
            if facts.steps is None:
                skipped = f"t={first_skipped}…"
            elif steps - 2 > first_skipped:
                skipped = f"t={first_skipped}…{steps - 2}"
            else:
                skipped = f"t={first_skipped}"
            ax.text((prev + x - 0.5) / 2, y_box + 0.15, skipped, ha="center", fontsize=7)
            arrow((prev, y_box), (x - 0.5, y_box), _H_LINE, gid="state", ls="--")
        else:
            arrow((prev, y_box), (x - 0.5, y_box), _H_LINE, gid="state")
        if k == 1:
            ax.text(
                (prev + x - 0.5) / 2, y_box + 0.15, "h, c", ha="center", fontsize=7, color=_H_LINE
            )
        prev = x + 0.5
        h_name = f"$h_{{{last_index if is_last and gap else t}}}$"
        returned = facts.return_sequences or is_last
        if returned:
            arrow((x, y_box + 0.4), (x, y_out - 0.25), _H_LINE, gid="returned")
            ax.text(x + 0.08, (y_box + y_out) / 2, h_name, fontsize=8, color=_H_LINE)
        else:
            arrow((x, y_box + 0.4), (x, y_box + 0.95), "#bbbbbb", style="-", ls="--", gid="dropped")
            ax.text(
                x, y_box + 1.05, h_name + "\nnot returned", ha="center", fontsize=7, color="#999"
            )
    left, right = xs[0] - 0.6, xs[-1] + 0.6
    if facts.return_sequences:
        ax.add_patch(
            FancyBboxPatch(
                (left, y_out - 0.25),
                right - left,
                0.5,
                boxstyle="round,pad=0.02",
                facecolor="#fbe3d1",
                edgecolor=_H_LINE,
            )
        )
        out_x = (left + right) / 2
        out_text = f"every $h_t$: {_fmt(facts.output)}"
    else:
        ax.add_patch(
            FancyBboxPatch(
                (xs[-1] - 0.95, y_out - 0.25),
                1.9,
                0.5,
                boxstyle="round,pad=0.02",
                facecolor="#fbe3d1",
                edgecolor=_H_LINE,
            )
        )
        out_x = xs[-1]
        out_text = f"$h_{{{last_index}}}$: {_fmt(facts.output)}"
    ax.text(out_x, y_out, out_text, ha="center", va="center", fontsize=8, gid="output-shape")
    nxt = facts.after or "model output"
    arrow((out_x, y_out + 0.25), (out_x, y_next - 0.25), "#333", lw=1.4)
    shape = f" → {_fmt(facts.after_output)}" if facts.after_output else ""
    ax.text(
        out_x,
        y_next,
        f"{nxt}{shape}",
        ha="center",
        va="center",
        fontsize=8.5,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#333"},
        gid="next-layer",
    )
    steps_text = facts.steps if facts.steps is not None else "None"
    ax.text(
        (xs[0] + xs[-1]) / 2,
        -0.45,
        f"input (None, {steps_text}, {facts.features}): each $x_t$ is (None, {facts.features}); "
        f"h and c are (None, {facts.units})",
        ha="center",
        fontsize=7.5,
        color="#444",
    )
    ax.set_xlim(-0.5, max(xs[-1] + 1.1, 7.2))
    ax.set_ylim(-0.65, 5.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"LSTM({facts.units}, return_sequences={facts.return_sequences})", fontsize=10)


def unrolled_lstm(*models: Any, max_steps: int = 4, title: str | None = None):
    """Draw each model's first LSTM unrolled over its steps, one panel per model, side by side.

    Args:
        models: built Keras models, each with an LSTM (e.g. one with ``return_sequences=False``
            and one with ``True``).
        max_steps: how many steps to draw; longer sequences show the first ``max_steps - 1``
            steps, an ellipsis and the last step.
        title: a title above the panels.
    """
    if not models:
        raise ValueError("unrolled_lstm needs at least one model.")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 2:
        raise ValueError("max_steps must be a whole number of at least 2.")
    plt = _plt()
    facts = [_unrolled_facts(m) for m in models]
    fig, axes = plt.subplots(1, len(facts), figsize=(5.2 * len(facts), 3.9), squeeze=False)
    for ax, f in zip(axes[0], facts, strict=True):
        _draw_unrolled(ax, f, max_steps)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


__all__ = ["KERAS_BLOCK_ORDER", "lstm_cell", "unrolled_lstm"]
