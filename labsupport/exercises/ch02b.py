"""Exercises for chapter 2b, the recurrent family: GRU, Bidirectional and states."""

from __future__ import annotations

from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

_NOT_GIVEN = object()


def _gru_params(features: int, units: int, *, reset_after: bool = True) -> int:
    return 3 * (units * (features + units) + (2 if reset_after else 1) * units)


# --- Exercise 1: count a GRU ---------------------------------------------------------------------

Q1_UNITS, Q1_FEATURES, Q1_STEPS = 12, 6, 30


@exercise(
    "ch02b.q1",
    answers=("n_gru",),
    hints=(
        "A GRU has three blocks (update gate, reset gate, candidate), and the number of steps "
        "never enters the count.",
        "Keras 3's GRU keeps two bias vectors per block (reset_after=True): "
        "3 × (units × (features + units) + 2 × units).",
    ),
)
def q1(answer: Any) -> str:
    """Predict the parameters of GRU(12) reading 30 steps × 6 features."""
    n = expect.whole_number(answer, "n_gru")
    units, features, steps = Q1_UNITS, Q1_FEATURES, Q1_STEPS
    right = _gru_params(features, units)
    if n == right:
        return (
            f"3 × ({units} × ({features} + {units}) + 2 × {units}) = {right:,}; the "
            f"{steps} steps play no part."
        )
    if n in (right * steps, _gru_params(features * steps, units)):
        raise Incorrect(
            f"{n:,} grows with the {steps} steps. A GRU applies the same weights at every "
            "step, so the number of steps never enters the count."
        )
    if n == _gru_params(features, units, reset_after=False):
        raise Incorrect(
            f"{n:,} counts one bias vector per block: the reset_after=False GRU of Keras 1 and "
            "TF1. Keras 3's GRU (reset_after=True) keeps two per block: + 2 × units."
        )
    if n == shapes.lstm_params(features, units):
        raise Incorrect(
            f"{n:,} counts four blocks, as in an LSTM. A GRU has three: the update and reset "
            "gates and the candidate."
        )
    if n == 3 * units * (features + units):
        raise Incorrect(f"{n:,} leaves out the biases: each block has 2 × units of them.")
    if n == units * (features + units) + 2 * units:
        raise Incorrect(f"{n:,} is one block; a GRU has three (two gates and the candidate).")
    if n == _gru_params(units, features):
        raise Incorrect(
            f"{n:,} swaps units and features: it is the count for {features} units on "
            f"{units} features. The recurrent weights connect the hidden state ({units} "
            "values) to each block."
        )
    raise Incorrect(
        f"{n:,} is not it. Count one block first: a weight for each input feature and each "
        "previous hidden value, per unit, plus two biases per unit; then the three blocks."
    )


# --- Exercise 2: predict a Bidirectional layer before you run it ---------------------------------

Q2_UNITS, Q2_FEATURES, Q2_STEPS = 16, 8, 20


@exercise(
    "ch02b.q2",
    answers=("bi_shape", "bi_params"),
    hints=(
        "Bidirectional runs two copies of the layer, one reading forwards and one backwards; "
        "merge_mode says how their outputs meet. A GRU has three blocks, not four.",
        "With merge_mode='sum' the two outputs are added, so the width stays at units. Keras 3's "
        "GRU uses reset_after=True: each block has two bias vectors, "
        "3 × (units × (features + units) + 2 × units).",
    ),
)
def q2(shape: Any, params: Any = _NOT_GIVEN) -> str:
    """Predict the output shape and count of Bidirectional(GRU(16, ...), merge_mode="sum")."""
    dims = expect.shape(shape, "bi_shape")
    units, features, steps = Q2_UNITS, Q2_FEATURES, Q2_STEPS
    if dims == (steps, units) or dims == (steps, 2 * units):
        raise Incorrect(
            f"{expect.fmt_shape(dims)} has no batch axis. Keras shapes start with it, as None."
        )
    if dims in ((None, units), (None, 2 * units)):
        raise Incorrect(
            f"{expect.fmt_shape(dims)} has no time axis, but the GRU has return_sequences=True: "
            "it returns one vector per step, and Bidirectional keeps the steps."
        )
    if dims == (None, steps, 2 * units):
        raise Incorrect(
            f"{expect.fmt_shape(dims)} is what merge_mode='concat' (the default) gives: the two "
            "directions side by side. 'sum' adds them element by element, so the width stays "
            f"at the GRU's {units} units."
        )
    if dims != (None, steps, units):
        raise Incorrect(
            f"{expect.fmt_shape(dims)} is not the output shape. It is (batch, steps, width): "
            "which width does adding the two directions leave?"
        )
    if params is _NOT_GIVEN or params is None:
        given = "bi_params is None. " if params is None else ""
        raise Incorrect(
            f"{given}The shape is right. Now pass the count too: "
            "ch02b.q2.check(bi_shape, bi_params)."
        )
    n = expect.whole_number(params, "bi_params")
    one = _gru_params(features, units)
    right = 2 * one
    if n == right:
        return (
            f"(None, 20, 8) → {expect.fmt_shape(dims)}; 2 × 3 × ({units} × ({features} + "
            f"{units}) + 2 × {units}) = {right:,}: two GRUs, one per direction."
        )
    if n == one:
        raise Incorrect(
            f"{n:,} is one GRU. Bidirectional holds two, one per direction, with their own "
            "weights: double it."
        )
    if n in (
        2 * _gru_params(features, units, reset_after=False),
        _gru_params(features, units, reset_after=False),
    ):
        raise Incorrect(
            f"{n:,} counts one bias vector per block: the reset_after=False GRU of Keras 1 and "
            "TF1. Keras 3's GRU (reset_after=True) keeps two per block: + 2 × units."
        )
    if n in (2 * shapes.lstm_params(features, units), shapes.lstm_params(features, units)):
        raise Incorrect(
            f"{n:,} counts four blocks, as in an LSTM. A GRU has three: the update and reset "
            "gates and the candidate."
        )
    if n in (2 * 3 * units * (features + units), 3 * units * (features + units)):
        raise Incorrect(f"{n:,} leaves out the biases: each block has 2 × units of them.")
    if n in (2 * (units * (features + units) + 2 * units), units * (features + units) + 2 * units):
        raise Incorrect(f"{n:,} is one block; a GRU has three (two gates and the candidate).")
    raise Incorrect(
        f"{n:,} is not it. Count one GRU, 3 × (units × (features + units) + 2 × units), then "
        "think about how many GRUs Bidirectional holds."
    )


# --- Exercise 3: the encoder hands its states to the decoder -------------------------------------

Q3_UNITS = 16
Q3_SOURCE = (12, 6)  # 12 steps × 6 features
Q3_TARGET = (4, 3)  # 4 steps, one of 3 symbols each


def _q3_state(shape: Any) -> None:
    dims = expect.shape(shape, "state_shape")
    units, (src_steps, src_features) = Q3_UNITS, Q3_SOURCE
    if dims == (None, units):
        return
    if dims == (units,):
        raise Incorrect(
            f"state_shape {expect.fmt_shape(dims)} leaves out the batch axis: there is one "
            "state per sequence of the batch, (None, units)."
        )
    if len(dims) == 3 and dims[1] in (src_steps, Q3_TARGET[0]):
        raise Incorrect(
            f"state_shape {expect.fmt_shape(dims)} has a time axis. A state is what the "
            "encoder holds after its last step: one vector of units numbers per sequence, "
            "however many steps it read."
        )
    if dims in ((None, src_features), (None, Q3_TARGET[1])):
        raise Incorrect(
            f"state_shape {expect.fmt_shape(dims)} takes the width of an input. A state has "
            "one number per unit of the LSTM, whatever the features it reads."
        )
    raise Incorrect(
        f"state_shape {expect.fmt_shape(dims)} is not it: (batch, units), batch as None."
    )


def _q3_decoded(shape: Any) -> None:
    dims = expect.shape(shape, "decoded_shape")
    units, (src_steps, _), (tgt_steps, tgt_features) = Q3_UNITS, Q3_SOURCE, Q3_TARGET
    if dims == (None, tgt_steps, units):
        return
    if dims == (tgt_steps, units):
        raise Incorrect(
            f"decoded_shape {expect.fmt_shape(dims)} leaves out the batch axis. Keras shows "
            "it first, as None."
        )
    if len(dims) == 3 and dims[1] == src_steps:
        raise Incorrect(
            f"decoded_shape {expect.fmt_shape(dims)} has the source's {src_steps} steps. The "
            f"decoder reads target_so_far, {tgt_steps} steps, and writes one vector per step "
            "it reads; the source reaches it only through the two states."
        )
    if dims == (None, units):
        raise Incorrect(
            f"decoded_shape {expect.fmt_shape(dims)} has no time axis, but the decoder has "
            "return_sequences=True: one vector per step."
        )
    if dims == (None, tgt_steps, tgt_features):
        raise Incorrect(
            f"decoded_shape {expect.fmt_shape(dims)} is the shape of target_so_far, what the "
            f"decoder reads. It returns {units} numbers per step, one per unit."
        )
    raise Incorrect(
        f"decoded_shape {expect.fmt_shape(dims)} is not it: (batch, steps, units), batch as None."
    )


def _q3_count(n: int) -> None:
    units, (_, src_features), (_, tgt_features) = Q3_UNITS, Q3_SOURCE, Q3_TARGET
    right = shapes.lstm_params(tgt_features, units)
    if n == right:
        return
    if n == shapes.lstm_params(src_features, units):
        raise Incorrect(
            f"n_decoder = {n:,} gives the decoder the source's {src_features} features: that "
            "is the encoder's count. The decoder reads target_so_far, "
            f"{tgt_features} features per step."
        )
    if n == right + shapes.lstm_params(src_features, units):
        raise Incorrect(f"n_decoder = {n:,} is both LSTMs; the question asks for the decoder.")
    if n in (right + 2 * units, right + 2 * units * units):
        raise Incorrect(
            f"n_decoder = {n:,} counts the states it starts from as weights. They are inputs, "
            "computed by the encoder for each sequence: they add no weights."
        )
    expect.lstm_count(n, tgt_features, units)


@exercise(
    "ch02b.q3",
    answers=("state_shape", "decoded_shape", "n_decoder"),
    hints=(
        "A state is one vector per sequence, the size of the LSTM's units. The decoder writes "
        "one vector per step of what it reads.",
        "The states are (None, units); the decoder returns (None, target steps, units); its "
        "count is an LSTM's, with the features of target_so_far.",
    ),
)
def q3(state_shape: Any, decoded_shape: Any = _NOT_GIVEN, n_decoder: Any = _NOT_GIVEN) -> str:
    """Predict the hand-over's shapes and the decoder's count in a two-input encoder-decoder."""
    _q3_state(state_shape)
    if decoded_shape is _NOT_GIVEN or n_decoder is _NOT_GIVEN:
        raise Incorrect(
            "state_shape is right. Now pass the other two answers as well: "
            "ch02b.q3.check(state_shape, decoded_shape, n_decoder)."
        )
    _q3_decoded(decoded_shape)
    _q3_count(expect.whole_number(n_decoder, "n_decoder"))
    units, (tgt_steps, tgt_features) = Q3_UNITS, Q3_TARGET
    return (
        f"The encoder hands over two states of (None, {units}); the decoder starts from them, "
        f"reads (None, {tgt_steps}, {tgt_features}) and returns (None, {tgt_steps}, {units}), "
        f"with {shapes.lstm_formula(tgt_features, units)}: the source's 12 steps and 6 "
        "features appear in none of the three answers."
    )
