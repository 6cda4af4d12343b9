"""Parameter counts of Dense, LSTM and Conv2D, written as formulas a chapter can derive."""

from __future__ import annotations


def dense_params(inputs: int, units: int, *, use_bias: bool = True) -> int:
    """Dense: one weight per (input, unit) pair, plus one bias per unit."""
    return inputs * units + (units if use_bias else 0)


def lstm_params(features: int, units: int) -> int:
    """LSTM: four blocks, each of ``units × (features + units)`` weights and ``units`` biases.

    Three of the blocks are gates (input, forget and output); the fourth computes the cell
    candidate, the new values the gates let into the cell state. Each block looks at the
    current input (``features`` values) and at the previous hidden state (``units`` values).
    """
    return 4 * (units * (features + units) + units)


def lstm_formula(features: int, units: int) -> str:
    """The LSTM count written out, e.g. ``4 × (5 × (1 + 5) + 5) = 140``."""
    total = lstm_params(features, units)
    return f"4 × ({units:,} × ({features:,} + {units:,}) + {units:,}) = {total:,}"


def conv2d_params(
    channels: int, filters: int, kernel_size: int | tuple[int, int], *, use_bias: bool = True
) -> int:
    """Conv2D: each filter has ``kh × kw × channels`` weights and one bias.

    The input's height and width play no part.
    """
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return filters * (kh * kw * channels) + (filters if use_bias else 0)
