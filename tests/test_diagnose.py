"""diagnose.explain_error on the real Keras 3 exceptions the chapters reproduce."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport import diagnose


def raised(make):
    with pytest.raises(Exception) as info:
        make()
    return info.value


def test_conv2d_on_5d_input():
    exc = raised(lambda: keras.Sequential([keras.Input((4, 56, 14, 1)), layers.Conv2D(32, 3)]))
    text = diagnose.explain_error(exc).message
    assert "5D input" in text and "TimeDistributed(layers.Conv2D" in text


def test_2d_tensor_into_lstm():
    exc = raised(
        lambda: keras.Sequential(
            [keras.Input((56, 14, 1)), layers.Conv2D(32, 3), layers.Flatten(), layers.LSTM(5)]
        )
    )
    assert "expected ndim=3, found ndim=2" in str(exc)
    text = diagnose.explain_error(exc).message
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
    assert "GlobalAveragePooling2D" in diagnose.explain_error(exc).message


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
    text = diagnose.explain_error(exc).message
    assert "wrong total size" in text and "4,160" in text and "4,000" in text


def test_reshape_with_minus_one_that_does_not_divide():
    exc = raised(lambda: keras.Sequential([keras.Input((7, 3)), layers.Reshape((4, -1))]))
    assert "wrong total size" in diagnose.explain_error(exc).message


def test_conv_missing_channel_axis():
    exc = raised(lambda: keras.Sequential([keras.Input((28, 28)), layers.Conv2D(8, 3)]))
    assert "channel axis is missing" in diagnose.explain_error(exc).message


def test_timedistributed_of_a_function():
    exc = raised(lambda: layers.TimeDistributed(lambda x: x))
    assert "layer object" in diagnose.explain_error(exc).message


def test_old_keras2_wording_is_understood():
    old = ValueError("Input 0 is incompatible with layer conv2d_1: expected ndim=4, found ndim=5")
    assert "TimeDistributed" in diagnose.explain_error(old).message
    old_reshape = ValueError("total size of new array must be unchanged")
    assert "wrong total size" in diagnose.explain_error(old_reshape).message


def test_unknown_errors_and_garbage():
    fb = diagnose.explain_error(ZeroDivisionError("division by zero"))
    assert "not one of the errors" in fb.message and "division by zero" in fb.message
    assert diagnose.diagnosis(ZeroDivisionError("x")) is None
    assert "exception" in diagnose.explain_error("oops").message
    assert str(diagnose.explain_error(ValueError("")))  # shows itself without crashing


# The two messages TensorFlow's own CPU kernels give for a channels-first Conv2D (oneDNN off,
# TF_ENABLE_ONEDNN_OPTS=0): predict, then fit. Chapter 8 meets them live: in its own kernel
# when oneDNN is off there, otherwise in a fresh Python started with oneDNN off.
NHWC_PREDICT = (
    "The Conv2D op currently only supports the NHWC tensor format on the CPU. "
    "The op was given the format: NCHW"
)
NHWC_FIT = "Conv2DCustomBackpropFilterOp only supports NHWC."


@pytest.mark.parametrize("message", [NHWC_PREDICT, NHWC_FIT])
def test_channels_first_on_cpu_kernels_without_onednn(message):
    text = diagnose.explain_error(RuntimeError(message)).message
    assert "oneDNN" in text and "TF_ENABLE_ONEDNN_OPTS=0" in text
    assert "channel axis last" in text and "np.moveaxis" in text
    assert "only run channels-last" not in text  # oneDNN runs channels first


def test_channels_first_conv_runs_with_onednn_or_gets_the_onednn_advice_without():
    """The relation on this machine's setting; `make test-onednn` runs it with the other one."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("oneDNN is a setting of TensorFlow's kernels")
    from labsupport.config import onednn_state

    onednn = onednn_state() == "on"
    model = keras.Sequential(
        [keras.Input((1, 8, 8)), layers.Conv2D(2, 3, data_format="channels_first")]
    )
    try:
        model.predict(np.zeros((2, 1, 8, 8), "float32"), verbose=0)
    except Exception as exc:  # TensorFlow's own kernels: NHWC only
        assert not onednn, f"oneDNN is on, yet channels first was refused: {exc}"
        assert "NHWC" in str(exc)
        assert "oneDNN" in diagnose.explain_error(exc).message
    else:
        assert onednn, "oneDNN is off, yet TensorFlow's own kernels ran channels first"


def test_timedistributed_of_a_class_says_to_call_it():
    text = diagnose.explain_error(raised(lambda: layers.TimeDistributed(layers.Conv2D))).message
    assert "layer class" in text and "layers.TimeDistributed(layers.Conv2D(8, 3))" in text
    text = diagnose.explain_error(raised(lambda: layers.TimeDistributed(lambda x: x))).message
    assert "plain function" in text and "layers.Lambda" in text


def test_timedistributed_without_a_time_axis_asks_for_sequences():
    exc = raised(
        lambda: keras.Sequential(
            [keras.Input((5, 1)), layers.LSTM(5), layers.TimeDistributed(layers.Dense(1))]
        )
    )
    text = diagnose.explain_error(exc).message
    assert "received (None, 5)" in text and "return_sequences=True" in text


def test_per_frame_conv_without_the_time_axis_is_one_axis_short():
    exc = raised(
        lambda: keras.Sequential(
            [keras.Input((16, 16, 1)), layers.TimeDistributed(layers.Conv2D(8, 3))]
        )
    )
    text = diagnose.explain_error(exc).message
    assert "(None, 16, 1)" in text and "one axis short" in text and "(steps, height" in text


def test_misspelled_layer_argument():
    exc = raised(lambda: layers.LSTM(5, return_sequence=True))
    text = diagnose.explain_error(exc).message
    assert "LSTM does not know" in text and "'return_sequence'" in text


def test_stacked_lstm_without_return_sequences_is_named_not_only_flatten():
    import keras
    from keras import layers

    from labsupport.diagnose import diagnosis

    try:
        keras.Sequential(
            [keras.Input((5, 12)), layers.LSTM(8), layers.LSTM(8, name="decoder"), layers.Dense(3)]
        )
    except Exception as exc:  # the second LSTM meets (None, 8)
        found = diagnosis(exc)
    else:
        raise AssertionError("Keras built a stack whose second LSTM reads 2D input")
    assert found and "return_sequences=True" in found and "RepeatVector" in found, found
    assert "'decoder'" in found


def test_keras_said_keeps_the_line_that_says_what_is_wrong():
    wrapped = ValueError(
        "Exception encountered when calling Reshape.call().\n\n"
        "\x1b[1mThe total size of the tensor must be unchanged. Received: input_shape=(26, 5, 32), "
        "target_shape=(4, 288)\x1b[0m\n\n"
        "Arguments received by Reshape.call():\n  • args=('<KerasTensor name=keras_tensor_15>',)"
    )
    said = diagnose.keras_said(wrapped)
    assert said.startswith("The total size of the tensor must be unchanged.")
    assert "\x1b" not in said and "keras_tensor" not in said
    assert diagnose.keras_said(ValueError("x" * 500)) == "x" * 300
    assert diagnose.keras_said(ValueError("")) == "(no message)"


def test_rules_are_read_in_order_and_a_chapter_can_add_one(monkeypatch):
    monkeypatch.setattr(diagnose, "RULES", list(diagnose.RULES))
    names = [rule.name for rule in diagnose.RULES]
    assert len(names) == len(set(names)), names
    assert names.index("time_axis_lost") < names.index("other_axis_count")  # specific first
    clash = ValueError("Input 0 of layer 'lstm' is incompatible: expected ndim=3, found ndim=2")
    assert "2D tensor" in diagnose.diagnosis(clash)

    said = diagnose.Rule(
        "chapter.echo", lambda e: "echo: " + e.layer if "ndim=2" in e.message else None
    )
    diagnose.add_rule(said)
    diagnose.add_rule(said)  # the notebook cell run twice: still one rule
    assert [rule.name for rule in diagnose.RULES].count("chapter.echo") == 1
    assert diagnose.diagnosis(clash) == "echo: lstm"
    assert diagnose.diagnosis(ZeroDivisionError("x")) is None


def test_an_exercises_own_rules_come_first_and_stay_its_own():
    first = diagnose.Rule("exercise.first", lambda e: "first" if "ndim" in e.message else None)
    clash = ValueError("expected ndim=3, found ndim=2. Full shape received: (None, 8)")
    assert diagnose.diagnosis(clash, [first]) == "first"
    assert diagnose.explain_error(clash, [first]).message == "first"
    assert "It received (None, 8)." in diagnose.diagnosis(clash)  # the book's, without it
    assert diagnose.ndim(diagnose.KerasError.of(clash)).shape == "(None, 8)"
