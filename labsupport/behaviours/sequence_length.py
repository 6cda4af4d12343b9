"""What a model built for one sequence length does with another (chapter 3)."""

from __future__ import annotations

from labsupport.behaviours import behaviour
from labsupport.diagnose import shape_message

CHAPTER = "03_many_to_one_echo"


def _many_to_one():
    import keras

    return keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(5), keras.layers.Dense(5)])


@behaviour(
    "sequence_length.fixed_model_reads_other_lengths",
    claim=(
        "A Keras 3 model built with `keras.Input((5, 1))` predicts on a six-step sequence "
        "without an error or a warning, and still answers with five numbers."
    ),
    chapter=CHAPTER,
    # With PyTorch every predict also warns, whatever the length: Keras's torch backend hands
    # NumPy 2 an array without its `copy` keyword (a DeprecationWarning).
    backends=("tensorflow", "jax"),
)
def _fixed_model_reads_other_lengths() -> str:
    import warnings

    import numpy as np

    model = _many_to_one()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = model.predict(np.zeros((1, 6, 1), "float32"), verbose=0)
    assert out.shape == (1, 5), out.shape
    assert not caught, [str(w.message) for w in caught]
    return f"6 steps in, {out.shape} out, {len(caught)} warnings"


@behaviour(
    "sequence_length.fixed_output_rejects_other_targets",
    claim=(
        "Training a Dense(5)-headed model on six-value targets fails: the loss cannot compare "
        "6 targets with 5 outputs."
    ),
    chapter=CHAPTER,
)
def _fixed_output_rejects_other_targets() -> str:
    import numpy as np

    model = _many_to_one()
    model.compile(optimizer="adam", loss="mse")
    x6 = np.zeros((1, 6, 1), "float32")
    y6 = np.zeros((1, 6), "float32")
    try:
        model.fit(x6, y6, epochs=1, verbose=0)
    except Exception as err:  # ValueError while tracing, InvalidArgumentError while running
        kind, message = type(err).__name__, shape_message(err)
    else:
        raise AssertionError("fit accepted 6 targets for 5 outputs")
    assert "6" in message and "5" in message, message
    return f"{kind}: {message}"
