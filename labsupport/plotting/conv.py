"""Pictures of a convolution's windows along one side of its input, drawn from a built layer.

* :func:`windows` lists where each window of a convolution (or pooling) layer sits along one
  side of its input, read from the layer's kernel (or pool) size, stride, padding and the input
  and output shapes of the model it was built in;
* :func:`strided_windows` draws them: the input pixels (and the zeros that ``padding="same"``
  adds), one bar per window, and the output pixel each window makes, with the output size
  written as the formula that gives it.

The windows are worked out from the layer's settings and checked against the output size Keras
gave the layer, so a picture cannot disagree with the model beside it;
``tests/test_plotting_conv.py`` checks that Keras reads exactly these pixels. Every function
returns the matplotlib Figure it drew on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

FONT = 8
"""Font size of the labels, in points."""

_PIXEL = {"facecolor": "#dbe9f6", "edgecolor": "#1d5d8a", "lw": 0.8}
_PAD = {"facecolor": "white", "edgecolor": "#888", "lw": 0.8, "linestyle": "--"}
_UNREAD = {"facecolor": "#eeeeee", "edgecolor": "#888", "lw": 0.8, "hatch": "///"}


@dataclass(frozen=True)
class Side:
    """One spatial side of a convolution or pooling layer, as Keras built it."""

    name: str
    kind: str
    size: int
    kernel: int
    stride: int
    padding: str
    out: int

    @property
    def formula(self) -> str:
        """The output size as the formula that gives it: ``(10 − 3) // 2 + 1 = 4``."""
        if self.padding == "valid":
            return f"({self.size} − {self.kernel}) // {self.stride} + 1 = {self.out}"
        return f"ceil({self.size} / {self.stride}) = {self.out}"


def output_size(size: int, kernel: int, stride: int, padding: str) -> int:
    """Output side of a window of ``kernel`` pixels moved ``stride`` at a time over ``size``.

    ``"valid"``: the window stays inside the input, ``(size - kernel) // stride + 1``;
    ``"same"``: zeros around the border let it start at every ``stride``-th pixel,
    ``ceil(size / stride)``.
    """
    if padding == "valid":
        return (size - kernel) // stride + 1
    if padding == "same":
        return math.ceil(size / stride)
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")


def _windowed(model: Any) -> Any:
    """``model`` itself when it is a convolution or pooling layer, else its first such layer."""
    for layer in [model, *getattr(model, "layers", [])]:
        if hasattr(layer, "kernel_size") or hasattr(layer, "pool_size"):
            return layer
    raise ValueError(f"{model.name} has no convolution or pooling layer to draw.")


def side(model: Any, *, axis: int = 0) -> Side:
    """The ``axis``-th spatial side (0: height) of the first convolution or pooling layer."""
    layer = _windowed(model)
    if any(d != 1 for d in getattr(layer, "dilation_rate", (1,))):
        raise ValueError(f"{layer.name} is dilated; the picture draws windows of adjacent pixels.")
    first = 1 if getattr(layer, "data_format", "channels_last") == "channels_last" else 2
    size, out = layer.input.shape[first + axis], layer.output.shape[first + axis]
    if size is None or out is None:
        raise ValueError(f"{layer.name} has no fixed input size along spatial axis {axis}.")
    kernel = getattr(layer, "kernel_size", None) or layer.pool_size
    found = Side(
        name=layer.name,
        kind=type(layer).__name__,
        size=int(size),
        kernel=int(kernel[axis]),
        stride=int(layer.strides[axis]),
        padding=layer.padding,
        out=int(out),
    )
    expected = output_size(found.size, found.kernel, found.stride, found.padding)
    if expected != found.out:  # the picture would not match the model
        raise ValueError(f"{layer.name}: Keras gives {found.out} per side, the formula {expected}.")
    return found


def windows(model: Any, *, axis: int = 0) -> list[tuple[int, int]]:
    """``(start, stop)`` of each window along one side, in input pixels.

    A start below 0 or a stop past the input size reads padding zeros. With ``"same"``, the
    zeros needed are split with the odd one at the end, as TensorFlow, JAX and Keras's torch
    backend do.
    """
    s = side(model, axis=axis)
    before = 0
    if s.padding == "same":
        before = max((s.out - 1) * s.stride + s.kernel - s.size, 0) // 2
    return [(i * s.stride - before, i * s.stride - before + s.kernel) for i in range(s.out)]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _draw_side(ax: Any, model: Any, *, axis: int) -> Side:
    from matplotlib.patches import Rectangle

    s = side(model, axis=axis)
    spans = windows(model, axis=axis)
    colours = _plt().get_cmap("tab10")
    lo, hi = min(0, spans[0][0]), max(s.size, spans[-1][1])
    read = {p for start, stop in spans for p in range(start, stop)}
    levels = max(1, math.ceil(s.kernel / s.stride))  # windows that overlap one another

    for p in range(lo, hi):
        inside = 0 <= p < s.size
        style = _PIXEL if p in read and inside else _UNREAD if inside else _PAD
        ax.add_patch(Rectangle((p, 0), 1, 1, **style))
        ax.text(p + 0.5, 0.5, str(p) if inside else "0", ha="center", va="center", fontsize=FONT)
    bar_top = -0.35
    for i, (start, stop) in enumerate(spans):
        y = bar_top - 0.5 * (i % levels) - 0.3
        colour = colours(i % 10)
        ax.add_patch(
            Rectangle((start + 0.08, y), stop - start - 0.16, 0.3, color=colour, alpha=0.75)
        )
    out_y = bar_top - 0.5 * levels - 1.6
    for i, (start, stop) in enumerate(spans):
        colour = colours(i % 10)
        middle = (start + stop) / 2
        y = bar_top - 0.5 * (i % levels) - 0.3
        ax.annotate(
            "",
            xy=(middle, out_y + 1),
            xytext=(middle, y),
            arrowprops={
                "arrowstyle": "-|>",
                "color": colour,
                "lw": 0.9,
                "shrinkA": 0,
                "shrinkB": 1,
            },
        )
        ax.add_patch(
            Rectangle((middle - 0.5, out_y), 1, 1, facecolor=(*colour[:3], 0.35), edgecolor="#444")
        )
        ax.text(middle, out_y + 0.5, str(i), ha="center", va="center", fontsize=FONT)

    ax.text(lo - 0.4, 0.5, f"input: {s.size}", ha="right", va="center", fontsize=FONT)
    ax.text(
        lo - 0.4, bar_top - 0.25 * levels - 0.1, "windows", ha="right", va="center", fontsize=FONT
    )
    ax.text(lo - 0.4, out_y + 0.5, f"output: {s.out}", ha="right", va="center", fontsize=FONT)
    notes = [f"windows of {s.kernel} pixels, one every {s.stride}"]
    if lo < 0 or hi > s.size:
        notes.append(f"dashed: zeros that padding adds ({-lo} before, {hi - s.size} after)")
    unread = sorted(p for p in range(s.size) if p not in read)
    if unread:
        notes.append(f"hatched: pixels no window reads ({', '.join(map(str, unread))})")
    ax.text(
        hi + 0.5,
        (out_y + 1) / 2,
        "\n".join(notes),
        ha="left",
        va="center",
        fontsize=FONT - 0.5,
        color="#555",
        linespacing=1.6,
    )
    ax.set_title(
        f'{s.kind}(kernel {s.kernel}, strides={s.stride}, padding="{s.padding}"): {s.formula}',
        fontsize=FONT + 1,
        loc="left",
    )
    ax.set_xlim(lo - 4.2, hi + 13.5)
    ax.set_ylim(out_y - 0.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return s


def strided_windows(*models: Any, axis: int = 0, title: str | None = None) -> Any:
    """Draw one side of the first convolution (or pooling) layer of each model, one per row.

    Each row shows the input pixels along spatial axis ``axis`` (0: height), the windows the
    layer reads, coloured, and the output pixel each window makes. Pixels of the input that no
    window reads are hatched; the zeros ``padding="same"`` adds are dashed. The row's title
    gives the output size as the formula that gives it, checked against Keras's output shape.
    """
    if not models:
        raise ValueError("strided_windows needs at least one model.")
    plt = _plt()
    sides = [side(m, axis=axis) for m in models]
    heights = [3.4 + 0.5 * max(1, math.ceil(s.kernel / s.stride)) for s in sides]
    widths = max(s.size + 2 * s.kernel + 17.7 for s in sides)
    inches = 7.2 / widths
    fig, axes = plt.subplots(
        len(models),
        1,
        figsize=(7.2, sum(heights) * inches + 0.6),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, model in zip(axes[:, 0], models, strict=True):
        _draw_side(ax, model, axis=axis)
    fig.suptitle(title or "One side of the input: where each window sits", fontsize=10)
    fig.tight_layout()
    return fig
