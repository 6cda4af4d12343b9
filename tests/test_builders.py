"""labsupport.exercises.builders: calling the learner's builder, and the one layer walker."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport.exercises import Incorrect, expect
from labsupport.exercises.builders import built_model


def _good():
    return keras.Sequential([keras.Input((5, 1)), layers.LSTM(5), layers.Dense(1)])


def _message(answer, **options):
    with pytest.raises(Incorrect) as raised:
        built_model(answer, builder="build_it", check="demo.q1", **options)
    return str(raised.value)


def test_a_builder_is_called_and_a_model_taken_as_it_is():
    m = built_model(_good, builder="build_it", check="demo.q1")
    assert isinstance(m, keras.Model) and m.count_params() == 146
    assert built_model(m, builder="build_it", check="demo.q1") is m


def test_a_model_is_refused_where_the_function_is_asked_for():
    text = _message(_good(), accept_model=False)
    assert "without calling it" in text and "demo.q1.check(build_it)" in text


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (None, "got None"),
        ("build_it", "got a str"),
        (np.zeros(3), "got a ndarray"),
        (keras.Sequential, "the class Sequential"),
        (layers.LSTM(3), "single LSTM layer"),
        (lambda: None, "build_it() returned None"),
        (lambda: "model", "is a str"),
        (lambda units: _good(), "needs units"),
        (lambda: keras.Sequential([layers.Dense(1)]), "no input shape"),
    ],
)
def test_what_is_not_a_builder_gets_its_own_message(answer, phrase):
    assert phrase in _message(answer)


def test_keras_errors_get_the_diagnosis():
    def conv_on_sequences():
        return keras.Sequential([keras.Input((4, 14, 14, 1)), layers.Conv2D(8, 3)])

    text = _message(conv_on_sequences)
    assert text.startswith("Keras could not build your model.")
    assert "TimeDistributed(layers.Conv2D" in text


def test_unknown_errors_are_named_with_their_type():
    def broken():
        return 1 / 0

    text = _message(broken)
    assert "ZeroDivisionError" in text and "build_it()" in text


def test_all_layers_looks_inside_wrappers_and_nested_models():
    cnn = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3), layers.Flatten()])
    m = keras.Sequential(
        [
            keras.Input((3, 8, 8, 1)),
            layers.TimeDistributed(cnn),
            layers.Bidirectional(layers.LSTM(4)),
            layers.Dense(2),
        ]
    )
    kinds = [type(layer).__name__ for layer in expect.all_layers(m)]
    assert kinds == [
        "TimeDistributed",
        "Sequential",
        "Conv2D",
        "Flatten",
        "Bidirectional",
        "LSTM",
        "Dense",
    ]
    assert [type(x).__name__ for x in expect.layers_of(m, layers.Conv2D)] == ["Conv2D"]
    assert len(expect.layers_of(m, (layers.LSTM, layers.Dense))) == 2
    assert expect.all_layers("not a model") == []
