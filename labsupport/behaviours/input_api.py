"""How Keras 3 takes a model's input shape, compared with the Keras 1/2 habits of old tutorials."""

from __future__ import annotations

from labsupport.behaviours import behaviour

CHAPTER = "01_one_to_one_echo"


def _old_style_model():
    """LSTM(5, input_shape=(1, 1)) then Dense(1), as Keras 1/2 tutorials wrote it."""
    import warnings

    import keras

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.Sequential([keras.layers.LSTM(5, input_shape=(1, 1)), keras.layers.Dense(1)])
    return model, [w for w in caught if issubclass(w.category, UserWarning)]


@behaviour(
    "input_api.input_shape_argument_warns",
    claim=(
        "Keras 3 still accepts `input_shape=` on the first layer of a Sequential model and "
        "builds the model, but warns and recommends starting with `keras.Input(shape)`."
    ),
    chapter=CHAPTER,
)
def _input_shape_argument_warns() -> str:
    model, warned = _old_style_model()
    shape = tuple(model.inputs[0].shape)
    assert shape == (None, 1, 1), shape
    assert warned, "no UserWarning"
    text = str(warned[0].message)
    assert "Input(shape)" in text, text
    return f"built with input {shape}; UserWarning: {text[:70]}..."


@behaviour(
    "input_api.layer_input_shape_removed",
    claim=(
        "Keras 3 layers have no `input_shape` or `output_shape` attribute; "
        "`layer.output.shape` and `model.inputs[0].shape` give the shapes instead."
    ),
    chapter=CHAPTER,
)
def _layer_input_shape_removed() -> str:
    model, _ = _old_style_model()
    lstm = model.layers[0]
    assert not hasattr(lstm, "input_shape"), "layer.input_shape exists"
    assert not hasattr(lstm, "output_shape"), "layer.output_shape exists"
    out = tuple(lstm.output.shape)
    assert out == (None, 5), out
    return f"hasattr(layer, 'input_shape') is False; layer.output.shape is {out}"
