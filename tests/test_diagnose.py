"""diagnose.explain on the real Keras 3 exceptions the chapters reproduce."""

import keras
import pytest
from keras import layers

from labsupport import diagnose


def raised(make):
    with pytest.raises(Exception) as info:
        make()
    return info.value


def test_conv2d_on_5d_input():
    exc = raised(lambda: keras.Sequential([keras.Input((4, 56, 14, 1)), layers.Conv2D(32, 3)]))
    text = diagnose.explain(exc).message
    assert "5D input" in text and "TimeDistributed(layers.Conv2D" in text


def test_2d_tensor_into_lstm():
    exc = raised(
        lambda: keras.Sequential(
            [keras.Input((56, 14, 1)), layers.Conv2D(32, 3), layers.Flatten(), layers.LSTM(5)]
        )
    )
    assert "expected ndim=3, found ndim=2" in str(exc)
    text = diagnose.explain(exc).message
    assert "2D tensor" in text and "TimeDistributed(Flatten())" in text


def test_5d_feature_maps_into_lstm():
    exc = raised(
        lambda: keras.Sequential(
            [
                keras.Input((4, 14, 14, 1)),
                layers.TimeDistributed(layers.Conv2D(4, 3)),
                layers.LSTM(5),
            ]
        )
    )
    assert "GlobalAveragePooling2D" in diagnose.explain(exc).message


def test_reshape_wrong_size_names_both_sizes():
    exc = raised(
        lambda: keras.Sequential(
            [
                keras.Input((56, 14, 1)),
                layers.Conv2D(32, 3),
                layers.Conv2D(32, 3),
                layers.MaxPooling2D(2),
                layers.Reshape((4, 1000)),
            ]
        )
    )
    text = diagnose.explain(exc).message
    assert "wrong total size" in text and "4,160" in text and "4,000" in text


def test_reshape_with_minus_one_that_does_not_divide():
    exc = raised(lambda: keras.Sequential([keras.Input((7, 3)), layers.Reshape((4, -1))]))
    assert "wrong total size" in diagnose.explain(exc).message


def test_conv_missing_channel_axis():
    exc = raised(lambda: keras.Sequential([keras.Input((28, 28)), layers.Conv2D(8, 3)]))
    assert "channel axis is missing" in diagnose.explain(exc).message


def test_timedistributed_of_a_function():
    exc = raised(lambda: layers.TimeDistributed(lambda x: x))
    assert "layer object" in diagnose.explain(exc).message


def test_old_keras2_wording_is_understood():
    old = ValueError("Input 0 is incompatible with layer conv2d_1: expected ndim=4, found ndim=5")
    assert "TimeDistributed" in diagnose.explain(old).message
    old_reshape = ValueError("total size of new array must be unchanged")
    assert "wrong total size" in diagnose.explain(old_reshape).message


def test_unknown_errors_and_garbage():
    fb = diagnose.explain(ZeroDivisionError("division by zero"))
    assert "not one of the errors" in fb.message and "division by zero" in fb.message
    assert diagnose.diagnosis(ZeroDivisionError("x")) is None
    assert "exception" in diagnose.explain("oops").message
    assert str(diagnose.explain(ValueError("")))  # shows itself without crashing
