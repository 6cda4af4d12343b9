"""Pictures of the ways to run one layer at every time step, drawn from a built model.

Each function reads the model it is given (its calls, the shapes between them and the weight
shapes of its layers), so a picture cannot disagree with the code that built the model:

* :func:`time_distributed` — ``TimeDistributed(layer)``: the layers before it, the steps, one
  box for the wrapped layer and its weights, an arrow from every step;
* :func:`folded` — time folded into the batch axis: reshape (batch, steps, ...) to
  (batch·steps, ...), the layer, and the reshape back;
* :func:`shared_calls` — one model called on several inputs, its outputs stacked.

:func:`calls` lists a model's calls with their shapes, for other pictures. It follows the
records Keras 3 keeps on every symbolic tensor (``_keras_history`` and the operation's inbound
nodes), which are not public API; ``tests/test_plotting_wrappers.py`` notices if they change.

Shapes are written with ``batch`` for Keras's ``None`` batch axis, and ``batch·3`` where a
reshape has folded 3 steps into it. Steps (and calls, one per step) are numbered from 0, as
Python indexes the time axis: ``step 0`` is ``x[:, 0]``. Every function returns the matplotlib
Figure it drew on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

FONT = 8
"""Font size of the boxes and shape labels, in points."""

_LAYER = {"boxstyle": "round,pad=0.35", "facecolor": "#dbe9f6", "edgecolor": "#1d5d8a"}
_STEP = {"boxstyle": "round,pad=0.3", "facecolor": "#f4f4f4", "edgecolor": "#777"}
_OP = {"boxstyle": "round,pad=0.3", "facecolor": "#fff4e0", "edgecolor": "#a86b00"}
_ARROW = {"arrowstyle": "-|>", "color": "#444", "lw": 0.9, "shrinkA": 1, "shrinkB": 1}


@dataclass(frozen=True, eq=False)
class Call:
    """One call of an operation in a model's graph, with the shapes that went in and out."""

    op: Any
    inputs: tuple[tuple, ...]
    outputs: tuple[tuple, ...]
    batch_in: Fraction = Fraction(1)
    """How many samples of the model's input each row of the batch axis holds, going in."""
    batch_out: Fraction = Fraction(1)


def calls(model: Any) -> list[Call]:
    """The calls in ``model``'s graph in the order they run, inputs first.

    A layer called three times (one model on three inputs) gives three calls. ``batch_out``
    follows reshapes that move an axis into the batch: after ``ops.reshape`` of
    (batch, 3, h, w, c) to (-1, h, w, c) it is 3, and back to 1 after the reshape that unfolds.
    """
    order: list[Any] = []
    seen: set[int] = set()

    def visit(tensor: Any) -> None:
        operation, node_index, _ = tensor._keras_history
        node = operation._inbound_nodes[node_index]
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.input_tensors:
            visit(parent)
        order.append((operation, node))

    for output in model.outputs:
        visit(output)

    folded: dict[int, Fraction] = {}
    result = []
    for operation, node in order:
        ins = tuple(tuple(t.shape) for t in node.input_tensors)
        outs = tuple(tuple(t.shape) for t in node.output_tensors)
        batch_in = folded.get(id(node.input_tensors[0]), Fraction(1)) if ins else Fraction(1)
        batch_out = batch_in
        if type(operation).__name__ == "Reshape" and ins:
            before, after = _per_row(ins[0]), _per_row(outs[0])
            if before and after:
                batch_out = batch_in * Fraction(before, after)
        for tensor in node.output_tensors:
            folded[id(tensor)] = batch_out
        result.append(Call(operation, ins, outs, batch_in, batch_out))
    return result


def _per_row(shape: tuple) -> int | None:
    """Values per row of the batch axis, or None when an axis is unknown."""
    total = 1
    for d in shape[1:]:
        if d is None:
            return None
        total *= int(d)
    return total


def shape_label(shape: tuple, batch: Fraction | int = 1) -> str:
    """``(None, 3, 16)`` as ``(batch, 3, 16)``; with ``batch=3`` as ``(batch·3, 3, 16)``."""
    batch = Fraction(batch)
    if batch == 1:
        first = "batch"
    elif batch.denominator == 1:
        first = f"batch·{batch.numerator}"
    else:
        first = f"batch·{batch}"
    rest = ["None" if d is None else str(int(d)) for d in shape[1:]]
    return "(" + ", ".join([first, *rest]) + ("," if not rest else "") + ")"


def weight_lines(layer: Any, *, width: int = 52) -> list[str]:
    """One line per layer with weights: ``"conv2d: kernel (5, 5, 1, 16), bias (16,)"``.

    A model lists the layers inside it; those without weights are named on a last line. A
    line longer than ``width`` characters goes on with one weight per line.
    """
    inner = list(getattr(layer, "layers", None) or [layer])
    lines, plain = [], []
    for sub in inner:
        if sub.weights:
            parts = [f"{w.name} {tuple(int(d) for d in w.shape)}" for w in sub.weights]
            line = f"{sub.name}: " + ", ".join(parts)
            if len(line) > width:
                line = f"{sub.name}: " + ",\n  ".join(parts)
            lines.extend(line.split("\n"))
        else:
            plain.append(sub.name)
    if plain:
        lines.append(", ".join(plain) + ": no weights")
    return lines


def _layer_text(title: str, layer: Any) -> str:
    params = layer.count_params()
    return "\n".join([f"{title}  ·  {params:,} parameters", *weight_lines(layer)])


def _op_text(call: Call) -> str:
    name = type(call.op).__name__
    if name == "Reshape" and call.batch_out != call.batch_in:
        what = "fold the steps into the batch" if call.batch_out > call.batch_in else "unfold"
        return f"reshape: {what}"
    # "stack (Stack)" says it twice: the name alone when it is only the class's
    base = re.sub(r"_\d+$", "", call.op.name)  # Keras counts names: stack, stack_1, ...
    title = base if base.lower() == name.lower() else f"{call.op.name} ({name})"
    if getattr(call.op, "return_sequences", False):  # a recurrent layer's output at every step
        title += ", return_sequences=True"
    if getattr(call.op, "weights", None):
        return _layer_text(title, call.op)
    return title


def _style(call: Call) -> dict:
    return _LAYER if getattr(call.op, "weights", None) else _OP


UNIT = 0.165
"""Inches per unit of the vertical layout: one line of text at :data:`FONT`."""

GAP = 2.4
"""Units between two rows of boxes: room for an arrow and its shape label."""


class _Canvas:
    """Rows of boxes from the top down, joined by arrows that meet the boxes' edges.

    The y axis counts :data:`UNIT` units downward; :meth:`done` fixes the axes' limits, and a
    figure of its own gets the height the rows need, so text keeps its size in every picture.
    """

    def __init__(self, ax: Any) -> None:
        self.ax = ax
        self.y = 0.0
        ax.axis("off")

    def row(self, items: list[tuple[float, str, dict]]) -> list[Any]:
        """Boxes side by side at the current height; ``"…"`` items are drawn as a gap mark."""
        height = max(text.count("\n") + 1 for _, text, _ in items) + 0.9
        middle = self.y + height / 2
        boxes = []
        for x, text, style in items:
            if text == "…":
                self.ax.text(x, middle, "…", ha="center", va="center", fontsize=FONT + 4)
                continue
            boxes.append(
                self.ax.text(
                    x, middle, text, ha="center", va="center", fontsize=FONT, bbox=dict(style)
                )
            )
        self.y += height
        return boxes

    def box(self, text: str, style: dict) -> Any:
        return self.row([(0.5, text, style)])[0]

    def gap(self, label: str = "", *, note: str = "") -> None:
        """Room for arrows; ``label`` goes beside the middle arrow, ``note`` at the right edge."""
        middle = self.y + GAP / 2
        if label:
            self.ax.text(0.53, middle, label, ha="left", va="center", **_LABEL)
        if note:
            self.ax.text(1.0, middle, note, ha="right", va="center", bbox=_CLEAR, **_LABEL)
        self.y += GAP

    def arrow(self, start: Any, end: Any) -> None:
        self.ax.annotate(
            "", xy=(0.5, 1), xycoords=end, xytext=(0.5, 0), textcoords=start, arrowprops=_ARROW
        )

    def end(self) -> Any:
        """An invisible point just below the last gap, where the last arrow ends."""
        point = self.ax.text(0.5, self.y, " ", ha="center", va="top", fontsize=1)
        self.y += 0.6
        return point

    def chain(self, previous: Any, rest: list[Call], last_shape: str = "") -> None:
        """A box per call, each arrow labelled with the shape it carries, then the output."""
        for call in rest:
            self.gap(shape_label(call.inputs[0], call.batch_in))
            box = self.box(_op_text(call), _style(call))
            self.arrow(previous, box)
            previous = box
        if rest:
            last_shape = shape_label(rest[-1].outputs[0], rest[-1].batch_out)
        self.gap(last_shape)
        self.arrow(previous, self.end())

    def done(self) -> float:
        """Fix the axes' limits to the rows drawn; return their height in units."""
        self.ax.set_xlim(0, 1)
        self.ax.set_ylim(self.y + 0.3, -0.3)
        return self.y


_LABEL = {"fontsize": FONT - 0.5, "color": "#1d5d8a", "family": "monospace"}
_CLEAR = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}
"""Behind a note at the edge, so the arrows that cross it do not strike through the text."""


def _fit(fig: Any, canvas: _Canvas, own: bool, width: float = 5.8) -> None:
    """Give a figure of its own the height its rows need."""
    if own:
        title = 0.45
        fig.set_size_inches(width, canvas.done() * UNIT + title + 0.15)
        fig.subplots_adjust(
            left=0.02,
            right=0.98,
            bottom=0.15 / fig.get_figheight(),
            top=1 - title / fig.get_figheight(),
        )
    else:
        canvas.done()


def _positions(count: int, shown: int) -> list[tuple[float, str]]:
    """x positions and labels (0, 1, ...) of the step boxes; "…" where steps are left out."""
    if count <= shown:
        labels = [str(i) for i in range(count)]
    else:
        labels = [*(str(i) for i in range(shown - 2)), "…", str(count - 1)]
    if len(labels) == 1:
        return [(0.5, labels[0])]
    return [(0.12 + 0.76 * i / (len(labels) - 1), label) for i, label in enumerate(labels)]


def _axes(ax: Any) -> tuple[Any, Any, bool]:
    if ax is not None:
        return ax.figure, ax, False
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    return fig, ax, True


def _steps(places: list[tuple[float, str]], prefix: str) -> list[tuple[float, str, dict]]:
    return [(x, label if label == "…" else f"{prefix}{label}", _STEP) for x, label in places]


def time_distributed(
    model: Any, *, ax: Any = None, max_steps: int = 4, title: str | None = None
) -> Any:
    """Draw the first ``TimeDistributed`` layer of ``model``: the steps, one layer, its weights.

    Every step of the wrapper's input goes through the same inner layer (one box, with the
    weight shapes read from it) and becomes the output step at the same position. Layers
    before the wrapper (an LSTM that returns sequences, say) come first and layers after it
    follow, each as a chain with the shapes on the arrows. Steps are numbered from 0; at most
    ``max_steps`` are shown (the last one always).
    """
    import keras

    graph = calls(model)
    where = next(
        (i for i, c in enumerate(graph) if isinstance(c.op, keras.layers.TimeDistributed)), None
    )
    if where is None:
        raise ValueError(f"{model.name} has no TimeDistributed layer to draw.")
    td, after = graph[where], graph[where + 1 :]
    before = _chain_before(graph[:where])
    steps = td.inputs[0][1]
    if steps is None:  # keras.Input((None, ...)): the number of steps is not known yet
        places = [(0.15, "0"), (0.5, "…"), (0.85, "T-1")]
    else:
        places = _positions(int(steps), max_steps)
    fig, ax, own = _axes(ax)
    canvas = _Canvas(ax)
    source = canvas.box(
        f"input  {shape_label(graph[0].outputs[0] if before else td.inputs[0])}", _STEP
    )
    for i, call in enumerate(before):
        canvas.gap(shape_label(call.inputs[0], call.batch_in) if i else "")  # the input box says it
        box = canvas.box(_op_text(call), _style(call))
        canvas.arrow(source, box)
        source = box
    canvas.gap(note=shape_label(td.inputs[0]) if before else "")
    ins = canvas.row(_steps(places, "step "))
    canvas.gap(note=f"each step {shape_label((None, *td.inputs[0][2:]))}")
    inner = td.op.layer
    layer = canvas.box(_layer_text(f"{inner.name}: the same weights at every step", inner), _LAYER)
    canvas.gap(note=f"each step {shape_label((None, *td.outputs[0][2:]))}")
    outs = canvas.row(_steps(places, "out "))
    canvas.gap()
    stacked = canvas.box(f"steps stacked again  {shape_label(td.outputs[0])}", _STEP)
    for box in ins:
        canvas.arrow(source, box)
        canvas.arrow(box, layer)
    for box in outs:
        canvas.arrow(layer, box)
        canvas.arrow(box, stacked)
    if after:
        canvas.chain(stacked, after)
    _fit(fig, canvas, own)
    ax.set_title(title or f"TimeDistributed({inner.name}): one layer at every step", fontsize=10)
    return fig


def _chain_before(graph: list[Call]) -> list[Call]:
    """The calls between the model's one input and the wrapper, when they form a plain chain."""
    if len(graph) < 2 or type(graph[0].op).__name__ != "InputLayer":
        return []
    rest = graph[1:]
    if any(len(call.inputs) != 1 for call in rest):
        return []
    return rest


def folded(model: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Draw a model that folds time into the batch: every call in order, shapes on the arrows.

    The reshape that moves the steps into the batch axis turns ``batch`` into ``batch·steps``
    on the arrows after it, until the reshape that unfolds them.
    """
    graph = calls(model)
    first, rest = graph[0], graph[1:]
    fig, ax, own = _axes(ax)
    canvas = _Canvas(ax)
    source = canvas.box(f"input {first.op.name}", _STEP)
    canvas.chain(source, rest, shape_label(first.outputs[0]))
    _fit(fig, canvas, own)
    steps = max((c.batch_out for c in graph), default=Fraction(1))
    ax.set_title(
        title or f"Folded: the {steps} steps of a sample become {steps} rows of the batch",
        fontsize=10,
    )
    return fig


def _shared_layer(graph: list[Call]) -> Any:
    counts: dict[int, int] = {}
    for call in graph:
        counts[id(call.op)] = counts.get(id(call.op), 0) + 1
    shared = [c.op for c in graph if counts[id(c.op)] > 1]
    return shared[0] if shared else None


def shared_calls(
    model: Any, *, ax: Any = None, max_steps: int = 4, title: str | None = None
) -> Any:
    """Draw one layer (or model) called on each of several inputs, the outputs then joined.

    The layer called more than once is drawn once, with its weights; an arrow comes in from
    every input and goes out from every call to the operation that joins them (a stack, a
    concatenation). What follows is a chain with the shapes on its arrows.
    """
    graph = calls(model)
    layer = _shared_layer(graph)
    if layer is None:
        raise ValueError(f"{model.name} calls no layer more than once.")
    uses = [i for i, c in enumerate(graph) if c.op is layer]
    join, after = graph[uses[-1] + 1], graph[uses[-1] + 2 :]
    first = graph[uses[0]]
    places = _positions(len(uses), max_steps)
    fig, ax, own = _axes(ax)
    canvas = _Canvas(ax)
    sources = [
        (x, label if label == "…" else f"input {model.inputs[int(label)].name}", _STEP)
        if len(model.inputs) == len(uses)
        else (x, label if label == "…" else f"input {label}", _STEP)
        for x, label in places
    ]
    inputs = canvas.row(sources)
    canvas.gap(note=f"each {shape_label(first.inputs[0])}")
    box = canvas.box(_layer_text(f"{layer.name}: the same weights, called on each", layer), _LAYER)
    canvas.gap(note=f"each {shape_label(first.outputs[0])}")
    outs = canvas.row(_steps(places, "call "))
    canvas.gap()
    joined = canvas.box(_op_text(join), _style(join))
    for source in inputs:
        canvas.arrow(source, box)
    for out in outs:
        canvas.arrow(box, out)
        canvas.arrow(out, joined)
    canvas.chain(joined, after, shape_label(join.outputs[0], join.batch_out))
    _fit(fig, canvas, own)
    ax.set_title(
        title or f"One {layer.name}, called on {len(uses)} inputs, the outputs joined",
        fontsize=10,
    )
    return fig
