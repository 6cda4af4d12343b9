"""Padding and masks (chapter 10): which layers make a mask, pass it on, end it, and obey it."""

from __future__ import annotations

from labsupport.behaviours import behaviour, to_numpy

CHAPTER = "10_padding_and_masks"
_TOKENS = ((3, 1, 4, 0, 0), (1, 5, 9, 2, 6), (5, 3, 0, 0, 0))
"""Three sequences of 3, 5 and 2 tokens, padded after the end with 0."""


def _padded():
    """The tokens ``(3, 5)``, the same as floats ``(3, 5, 1)``, and where they are real."""
    import numpy as np

    tokens = np.array(_TOKENS, dtype="int32")
    return tokens, tokens[..., None].astype("float32"), tokens != 0


@behaviour(
    "padding.pad_sequences_front_by_default",
    claim=(
        "keras.utils.pad_sequences pads with 0 at the front by default (padding='pre'), and with "
        "maxlen it also cuts a longer sequence at the front (truncating='pre')."
    ),
    chapter=CHAPTER,
)
def _pad_sequences_front_by_default() -> str:
    import keras

    padded = keras.utils.pad_sequences([[3, 1, 4], [1, 5, 9, 2, 6]])
    assert padded[0].tolist() == [0, 0, 3, 1, 4], padded[0].tolist()
    cut = keras.utils.pad_sequences([[1, 5, 9, 2, 6]], maxlen=4)
    assert cut[0].tolist() == [5, 9, 2, 6], cut[0].tolist()
    return f"[3, 1, 4] padded to {padded[0].tolist()}; [1, 5, 9, 2, 6] cut to {cut[0].tolist()}"


@behaviour(
    "masks.embedding_mask_zero",
    claim=(
        "Embedding(mask_zero=True) makes a mask, True where the token is not 0; an Embedding "
        "without mask_zero makes none."
    ),
    chapter=CHAPTER,
)
def _embedding_mask_zero() -> str:
    from keras import layers

    tokens, _, real = _padded()
    mask = layers.Embedding(10, 4, mask_zero=True).compute_mask(tokens)
    assert mask is not None and (to_numpy(mask) == real).all(), mask
    assert layers.Embedding(10, 4).compute_mask(tokens) is None
    return f"mask_zero=True: a {tuple(mask.shape)} mask equal to tokens != 0; without it: None"


@behaviour(
    "masks.lstm_sequences_pass_mask",
    claim=(
        "LSTM(return_sequences=True) passes the mask on to the next layer, and "
        "TimeDistributed(Dense(1)) after it passes it on too."
    ),
    chapter=CHAPTER,
)
def _lstm_sequences_pass_mask() -> str:
    import keras
    from keras import layers

    inputs = keras.Input((None, 1))
    masked = layers.Masking(0.0)(inputs)
    sequence = layers.LSTM(2, return_sequences=True)(masked)
    tags = layers.TimeDistributed(layers.Dense(1))(sequence)
    carried = {
        name: getattr(t, "_keras_mask", None) is not None
        for name, t in (("Masking", masked), ("LSTM", sequence), ("TimeDistributed", tags))
    }
    assert all(carried.values()), carried
    _, x, real = _padded()
    mask = layers.LSTM(2, return_sequences=True).compute_mask(x, real)
    assert mask is not None and (to_numpy(mask) == real).all(), mask
    return f"outputs that carry a mask: {', '.join(carried)}"


@behaviour(
    "masks.lstm_last_output_ends_mask",
    claim="An LSTM without return_sequences ends the mask: its output carries none.",
    chapter=CHAPTER,
)
def _lstm_last_output_ends_mask() -> str:
    from keras import layers

    _, x, real = _padded()
    mask = layers.LSTM(2).compute_mask(x, real)
    assert mask is None, mask
    return "LSTM(2).compute_mask(x, mask) is None"


@behaviour(
    "masks.masked_step_repeats_last_output",
    claim=(
        "At a masked step an LSTM(return_sequences=True) leaves its state alone and repeats the "
        "output of the last real step."
    ),
    chapter=CHAPTER,
)
def _masked_step_repeats_last_output() -> str:
    import numpy as np
    from keras import layers

    _, x, real = _padded()
    h = to_numpy(layers.LSTM(3, return_sequences=True)(x, mask=real))
    assert np.allclose(h[0, 3], h[0, 2]) and np.allclose(h[0, 4], h[0, 2]), h[0]
    assert not np.allclose(h[0, 2], h[0, 1]), "the real steps should differ"
    return "sequence [3, 1, 4, 0, 0]: the outputs at steps 3 and 4 equal the one at step 2"


@behaviour(
    "masks.time_distributed_hands_step_mask",
    claim=(
        "TimeDistributed hands each step's slice of the mask, one boolean per sequence, to a "
        "wrapped layer whose call takes a mask argument."
    ),
    chapter=CHAPTER,
)
def _time_distributed_hands_step_mask() -> str:
    import numpy as np
    from keras import layers

    class Record(layers.Layer):
        def call(self, inputs, mask=None):
            self.seen.append(None if mask is None else to_numpy(mask))
            return inputs

    _, x, real = _padded()
    record = Record()
    record.seen = []
    layers.TimeDistributed(record)(x, mask=real)
    seen = list(record.seen)
    assert len(seen) == x.shape[1] and all(m is not None for m in seen), seen
    assert (np.stack(seen, axis=1) == real).all(), seen
    return f"{len(seen)} calls, each given a mask of shape {seen[0].shape}; stacked: the mask"


@behaviour(
    "masks.loss_averages_real_steps",
    claim=(
        "With a mask on the output, Keras's loss is the mean of the per-step errors over the real "
        "steps only; without it, over every step, padding included."
    ),
    chapter=CHAPTER,
)
def _loss_averages_real_steps() -> str:
    import keras
    import numpy as np
    from keras import layers

    _, x, real = _padded()
    targets = np.ones_like(x)
    model = keras.Sequential([keras.Input((None, 1)), layers.Dense(1)])
    model.set_weights([np.full((1, 1), 0.1, "float32"), np.zeros(1, "float32")])
    prediction = model(x)
    errors = (to_numpy(prediction)[..., 0] - 1.0) ** 2
    mse = keras.losses.MeanSquaredError()
    prediction._keras_mask = keras.ops.convert_to_tensor(real)
    masked = float(to_numpy(mse(targets, prediction)))
    unmasked = float(to_numpy(mse(targets, to_numpy(prediction))))
    assert np.isclose(masked, errors[real].mean(), rtol=1e-4), (masked, errors[real].mean())
    assert np.isclose(unmasked, errors.mean(), rtol=1e-4), (unmasked, errors.mean())
    return (
        f"masked loss {masked:.4f} = mean over {real.sum()} real steps; "
        f"unmasked {unmasked:.4f} = mean over all {real.size}"
    )


@behaviour(
    "masks.post_padded_final_output_unchanged",
    claim=(
        "With a mask, the final output of an LSTM without return_sequences on a post-padded "
        "sequence equals the output on the sequence alone; without the mask it differs."
    ),
    chapter=CHAPTER,
)
def _post_padded_final_output_unchanged() -> str:
    import numpy as np
    from keras import layers

    _, x, real = _padded()
    lstm = layers.LSTM(3)
    alone = to_numpy(lstm(x[:1, :3]))
    with_mask = to_numpy(lstm(x[:1], mask=real[:1]))
    no_mask = to_numpy(lstm(x[:1]))
    masked_gap = float(np.abs(with_mask - alone).max())
    plain_gap = float(np.abs(no_mask - alone).max())
    assert masked_gap < 1e-5, masked_gap
    assert plain_gap > 1e-3, plain_gap
    return (
        f"[3, 1, 4, 0, 0] vs [3, 1, 4]: final outputs differ by {masked_gap:.1e} with the "
        f"mask, {plain_gap:.1e} without"
    )
