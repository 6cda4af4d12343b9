"""Exercises for chapter 10, sequences of different lengths: padding and masks."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, describe, exercise

Q1_BATCH = [[4, 2, 7], [5, 1], [9, 3, 8, 6, 2, 1]]
"""The batch of exercise 1, as the notebook shows it."""


@exercise(
    "ch10.q1",
    answers=("padded_shape", "n_real"),
    hints=(
        "Without maxlen, pad_sequences pads every sequence to the length of the longest one. "
        "The samples axis comes first.",
        "A masked loss skips the padded steps: count the steps each sequence really has.",
    ),
)
def q1(shape: Any, n_real: Any) -> str:
    """Predict pad_sequences' output shape for a batch, and the steps a masked loss averages."""
    if isinstance(shape, np.ndarray):
        raise Incorrect(
            "padded_shape is an array. Give the shape as a tuple of two numbers, e.g. (7, 2), "
            "without running pad_sequences."
        )
    if not isinstance(shape, (tuple, list)) or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in shape
    ):
        raise Incorrect(
            f"padded_shape should be a tuple of whole numbers like (7, 2); it is {shape!r}."
        )
    shape = tuple(int(d) for d in shape)
    lengths = [len(s) for s in Q1_BATCH]
    if shape == (6, 3):
        raise Incorrect(
            "(6, 3) has the axes swapped: pad_sequences returns one row per sequence, "
            "(sequences, steps)."
        )
    if shape == (3,) or len(shape) == 1:
        raise Incorrect(
            "pad_sequences returns a 2D array, (sequences, steps): each row is one sequence "
            "made as long as the longest."
        )
    if shape == (3, 3) or shape == (3, 2):
        raise Incorrect(
            f"{shape} cuts the sequences to the shortest one. Without maxlen, pad_sequences "
            "pads every sequence up to the longest one instead."
        )
    if shape == (3, sum(lengths)) or shape == (1, sum(lengths)):
        raise Incorrect(
            f"{shape} lays the sequences end to end. pad_sequences keeps one row per sequence "
            "and pads each row to the longest length."
        )
    if len(shape) == 3:
        raise Incorrect(
            f"{shape} has a features axis. pad_sequences pads lists of tokens into "
            "(sequences, steps); the features axis comes later, from an Embedding or a reshape."
        )
    if shape != (len(Q1_BATCH), max(lengths)):
        raise Incorrect(
            f"padded_shape {shape} is not it: one row per sequence, as many columns as the "
            "longest sequence has steps."
        )
    n = expect.whole_number(n_real, "n_real")
    total = len(Q1_BATCH) * max(lengths)
    if n == total:
        raise Incorrect(
            f"{n} counts every step of the padded array, padding included. That is what a "
            "loss without a mask averages over; the mask leaves out the padded steps."
        )
    if n == total - sum(lengths):
        raise Incorrect(f"{n} is the number of padded steps. Count the real ones instead.")
    if n == len(Q1_BATCH):
        raise Incorrect(
            f"{n} counts sequences. A per-step loss has a term for each real step of each sequence."
        )
    if n == max(lengths):
        raise Incorrect(f"{n} is the longest sequence alone; add the real steps of all three.")
    if n != sum(lengths):
        raise Incorrect(f"{n} is not it: add up the lengths of the three sequences.")
    return (
        f"pad_sequences gives {shape}, {total} steps of which {n} are real: the masked loss "
        f"averages {n} per-step losses, the unmasked one all {total}."
    )


_PROBE = np.array([[3, 1, 4, 0, 0, 0], [1, 5, 9, 2, 6, 0]], dtype="int32")


def _lstm_passes_masks() -> bool:
    """Whether this Keras's LSTM hands its input's mask on to its output (up to Keras 3.15)."""
    import keras

    return bool(keras.layers.LSTM(2, return_sequences=True).supports_masking)


def _output_mask(model: Any) -> Any:
    import keras

    out = model(keras.ops.convert_to_tensor(_PROBE))
    mask = getattr(out, "_keras_mask", None)
    return out, None if mask is None else keras.ops.convert_to_numpy(mask)


@exercise(
    "ch10.q2",
    answers=("build_tagger",),
    hints=(
        "Which layer turns the padding token 0 into a mask? It needs one argument set.",
        "layers.Embedding(10, 8, mask_zero=True). A Masking layer after the Embedding does not "
        "help: it compares the embedding vectors with 0.0, and the pad's vector is not zeros.",
    ),
)
def q2(build: Any) -> str:
    """Fix the tagger so that the padding is masked; the check calls your builder."""
    import keras

    m = built_model(build, builder="build_tagger", check="ch10.q2", accept_model=False)
    embeddings = expect.layers_of(m, keras.layers.Embedding)
    if not embeddings:
        raise Incorrect(
            "The model has no Embedding layer. The inputs are token ids: start with "
            "layers.Embedding(10, 8, mask_zero=True) after keras.Input((None,), dtype='int32')."
        )
    embedding = embeddings[0]
    if embedding.input_dim < 10:
        raise Incorrect(
            f"The Embedding has input_dim={embedding.input_dim}, but the tokens go up to 9 "
            "and the pad is 0: it needs 10 rows, one per token id."
        )
    if not expect.layers_of(m, keras.layers.LSTM):
        raise Incorrect(
            "The model has no LSTM. Put layers.LSTM(16, return_sequences=True) after the Embedding."
        )
    out_shape = expect.output_shape(m)
    if len(out_shape) != 3:
        raise Incorrect(
            f"The model outputs {expect.fmt_shape(out_shape)}, one tag per sequence. The task "
            "tags every step: LSTM(16, return_sequences=True), then TimeDistributed(Dense(1, "
            "activation='sigmoid'))."
        )
    if out_shape[-1] != 1:
        raise Incorrect(
            f"The model gives {out_shape[-1]} values per step; a yes/no tag is one value "
            "per step: Dense(1, activation='sigmoid')."
        )
    expect.behaves(
        m,
        what="The model",
        steps=_PROBE.shape[1],
        probabilities="binary",
        per_step=True,
        per_step_head=True,
        fixes={
            "output": "The chapter trains with binary cross-entropy: Dense(1, "
            "activation='sigmoid'), a probability for each step."
        },
    )
    _, mask = _output_mask(m)
    expected = _PROBE != 0
    if mask is None and embedding.mask_zero and not _lstm_passes_masks():
        # Keras 3.16 and later: recurrent layers use a mask but do not hand it on
        if expect.layers_of(m, keras.layers.Masking):
            raise Incorrect(
                "A Masking layer after the Embedding replaces the Embedding's mask with its own, "
                "which does not mark the padding (token 0) as the steps to skip: drop it and let "
                "the Embedding make the mask (mask_zero=True)."
            )
        made = embedding.compute_mask(keras.ops.convert_to_tensor(_PROBE))
        if made is not None and np.array_equal(keras.ops.convert_to_numpy(made), expected):
            return (
                "The Embedding makes the mask (token 0 is padding) and the LSTM reads it. This "
                f"Keras ({keras.__version__}) does not hand masks on past the LSTM, so the loss "
                "does not see it: give fit a per-step sample_weight, as section 5 shows."
            )
    if mask is not None and mask.shape == expected.shape:
        mask_ok = bool(np.array_equal(mask.astype(bool), expected))
    else:
        mask_ok = False
    if not mask_ok:
        if expect.layers_of(m, keras.layers.Masking) and not embedding.mask_zero:
            raise Incorrect(
                "A Masking layer after the Embedding does not mask the padding: it compares "
                "each step's embedding vector with mask_value, and the vector for token 0 is "
                "learned, not zeros, so every step counts as real. Drop the Masking layer and "
                "set mask_zero=True on the Embedding."
            )
        if not embedding.mask_zero:
            raise Incorrect(
                "The Embedding has no mask_zero=True, so no mask is made: the LSTM reads the "
                "padding as real tokens and the loss counts the padded steps. Set "
                "layers.Embedding(10, 8, mask_zero=True)."
            )
        if mask is None:
            raise Incorrect(
                "The model's output carries no mask. A layer between the Embedding and the "
                "output drops it (Flatten, Reshape and Lambda do): keep Embedding → LSTM → "
                "TimeDistributed(Dense)."
            )
        raise Incorrect(
            "A mask reaches the output, but it does not mark the padding (token 0) as the "
            "steps to skip. Let the Embedding make it: mask_zero=True, and no Masking layer "
            "with another mask_value."
        )
    return (
        "The Embedding makes the mask (token 0 is padding), the LSTM passes it on with its "
        "sequence, and the tag at each step carries it to the loss."
    )


@exercise(
    "ch10.q3",
    answers=("acc_all", "acc_real", "p_plain", "test"),
    hints=(
        "Threshold the probabilities at 0.5, compare with the tags, and take two means: over "
        "the whole array, and over the entries where test.real is True.",
        "right[test.real].mean() keeps the real steps only.",
    ),
)
def q3(acc_all: Any, acc_real: Any, probabilities: Any, data: Any) -> str:
    """The unmasked model's test accuracy over every step and over the real steps only."""
    values = {}
    for name, value in (("acc_all", acc_all), ("acc_real", acc_real)):
        if isinstance(value, bool) or value is None or isinstance(value, str):
            raise Incorrect(f"{name} should be a number between 0 and 1; it is {value!r}.")
        try:
            values[name] = float(value)
        except (TypeError, ValueError):
            raise Incorrect(
                f"{name} should be one number between 0 and 1; it is {describe(value)}."
            ) from None
    if not all(hasattr(data, a) for a in ("x", "y", "real")):
        raise Incorrect(
            "Pass the chapter's test split as the last argument: "
            f"ch10.q3.check(acc_all, acc_real, p_plain, test); it is {describe(data)}."
        )
    p = expect.array(probabilities, "p_plain")
    if p.size != data.real.size:
        raise Incorrect(
            f"p_plain has {p.size} values; the test split has {data.real.size} steps. Pass the "
            "unmasked model's predictions on the test split."
        )
    right = (p.reshape(data.real.shape) > 0.5) == (data.y[..., 0] > 0.5)
    truth_all, truth_real = float(right.mean()), float(right[data.real].mean())
    truth_pad = float(right[~data.real].mean()) if (~data.real).any() else None
    got_all, got_real = values["acc_all"], values["acc_real"]
    if max(got_all, got_real) > 1.0 and max(got_all, got_real) <= 100.0:
        raise Incorrect("Give the accuracies as shares between 0 and 1, not percentages.")
    near = lambda a, b: b is not None and abs(a - b) < 1e-3  # noqa: E731
    if near(got_all, truth_real) and near(got_real, truth_all):
        raise Incorrect("The two numbers are swapped: acc_all counts every step, padding too.")
    if near(got_real, truth_all):
        raise Incorrect(
            "acc_real equals the accuracy over every step: the padded steps are still in. "
            "Keep only the real ones: right[test.real].mean()."
        )
    if near(got_real, truth_pad):
        raise Incorrect(
            "acc_real is the accuracy on the padded steps. test.real is True on the real "
            "steps; use it as it is, not negated."
        )
    if not near(got_all, truth_all):
        raise Incorrect(
            f"acc_all is {got_all:.4f}; over every step the predictions get "
            "a different share right. Threshold the probabilities at 0.5 and compare them "
            "with test.y at every step."
        )
    if not near(got_real, truth_real):
        raise Incorrect(
            f"acc_real is {got_real:.4f}; that is not the share of real steps tagged right. "
            "Threshold at 0.5, compare with test.y, and average where test.real is True."
        )
    gap = truth_all - truth_real
    why = (
        "the padded steps (token 0, tag 0) are easy to get right"
        if gap > 0
        else "here the padded steps are no easier than the real ones"
    )
    return (
        f"Over every step {truth_all:.1%}, over the real steps {truth_real:.1%}: counting the "
        f"padding moves the score by {gap * 100:+.1f} percentage points, as {why}. Judge a "
        "model without a mask on its real steps only."
    )
