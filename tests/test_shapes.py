"""The shape explainer: every formula it writes must equal what Keras counts."""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import pytest
from keras import layers

from labsupport import shapes
from labsupport.shapes import formula_params, named_shape


def _check(model: keras.Model) -> shapes.ShapeReport:
    report = shapes.report(model)
    assert len(report.rows) == len(model.layers)
    for layer, row in zip(model.layers, report.rows, strict=True):
        text, value = formula_params(layer)
        assert value == layer.count_params() == row["params"], (layer.name, text)
        assert row["formula"] == text
        assert "[!]" not in row["formula"]
        assert row["input_shape"].startswith("(batch=None")
        assert row["output_shape"].startswith("(batch=None")
    assert report.total == model.count_params()
    return report


@pytest.mark.parametrize(
    ("units", "features", "use_bias"),
    list(itertools.product((1, 3, 10), (1, 5, 64), (True, False))),
)
def test_dense_and_recurrent(units: int, features: int, use_bias: bool) -> None:
    for rnn in (layers.LSTM, layers.GRU, layers.SimpleRNN):
        model = keras.Sequential(
            [
                keras.Input((7, features)),
                rnn(units, use_bias=use_bias, return_sequences=True),
                layers.Dense(units + 1, use_bias=use_bias),
                layers.TimeDistributed(layers.Dense(2, use_bias=use_bias)),
            ]
        )
        _check(model)
    if use_bias:
        lstm = keras.Sequential([keras.Input((7, features)), layers.LSTM(units)])
        assert lstm.count_params() == shapes.lstm_params(features, units)


def test_gru_reset_after_false() -> None:
    _check(keras.Sequential([keras.Input((4, 3)), layers.GRU(5, reset_after=False)]))


@pytest.mark.parametrize(
    ("channels", "filters", "kernel", "use_bias"),
    [(1, 4, 3, True), (3, 32, 3, True), (3, 8, (1, 5), False), (2, 6, (2, 3), True)],
)
def test_convolutions(channels: int, filters: int, kernel, use_bias: bool) -> None:
    model = keras.Sequential(
        [
            keras.Input((12, 12, channels)),
            layers.Conv2D(filters, kernel, use_bias=use_bias),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Dropout(0.1),
            layers.GlobalAveragePooling2D(),
            layers.Dense(3),
        ]
    )
    _check(model)
    assert model.layers[0].count_params() == shapes.conv2d_params(
        channels, filters, kernel, use_bias=use_bias
    )
    seq = keras.Sequential(
        [
            keras.Input((4, 12, 12, channels)),
            layers.TimeDistributed(layers.Conv2D(filters, kernel, use_bias=use_bias)),
            layers.ConvLSTM2D(filters, kernel, use_bias=use_bias),
            layers.Flatten(),
        ]
    )
    report = _check(seq)
    assert "TimeDistributed adds none" in report.rows[0]["formula"]
    assert (
        report.rows[0]["input_shape"]
        == f"(batch=None, time=4, height=12, width=12, channel={channels})"
    )


def test_conv1d_and_embedding() -> None:
    _check(
        keras.Sequential(
            [keras.Input((10,)), layers.Embedding(50, 4), layers.Conv1D(6, 3), layers.Flatten()]
        )
    )


def test_time_distributed_nested_cnn() -> None:
    cnn = keras.Sequential(
        [
            keras.Input((16, 16, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(4, 3, use_bias=False),
            layers.Flatten(),
        ],
        name="cnn",
    )
    model = keras.Sequential(
        [
            keras.Input((3, 16, 16, 1)),
            layers.TimeDistributed(cnn),
            layers.LSTM(5),
            layers.Dense(2),
        ]
    )
    report = _check(model)
    assert report.rows[0]["type"] == "TimeDistributed(Sequential)"
    assert report.rows[0]["output_shape"] == "(batch=None, time=3, feature=100)"
    assert "sum of its layers" in report.rows[0]["formula"]
    # The nested model used directly as a layer, without TimeDistributed.
    plain = keras.Sequential([keras.Input((16, 16, 1)), cnn, layers.Dense(1)])
    assert _check(plain).rows[0]["params"] == cnn.count_params()


def test_functional_model_with_merge() -> None:
    a = keras.Input((5, 2))
    b = keras.Input((5, 3))
    merged = layers.Concatenate()([a, b])
    out = layers.LSTM(4)(merged)
    model = keras.Model([a, b], out)
    report = shapes.report(model)
    row = next(r for r in report.rows if r["type"] == "Concatenate")
    assert " + " in row["input_shape"] and row["params"] == 0
    assert next(r for r in report.rows if r["type"] == "LSTM")["params"] == 4 * (4 * (5 + 4) + 4)


def test_display() -> None:
    model = keras.Sequential([keras.Input((5, 1)), layers.LSTM(3), layers.Dense(1)])
    report = shapes.report(model)
    text = str(report)
    assert "(batch=None, time=5, feature=1)" in text
    assert "4 × (3 × (1 + 3) + 3) = 60" in text
    assert "(3 gates + candidate)" in text and "4 gates" not in text
    assert "Total: 64 parameters" in text
    html = report._repr_html_()
    assert html.startswith("<div") and "<table" in html and "monospace" in html
    assert set(report.rows[0]) == {
        "layer",
        "type",
        "input_shape",
        "output_shape",
        "params",
        "formula",
    }
    assert named_shape((None, 28, 10), ("batch", "row", "feature")) == (
        "(batch=None, row=28, feature=10)"
    )
    renamed = shapes.report(model, axes={3: ("batch", "step", "feature")})
    assert renamed.rows[0]["input_shape"] == "(batch=None, step=5, feature=1)"
    assert named_shape((None, 68, 2)) == "(batch=None, axis1=68, axis2=2)"


def _shapes(report: shapes.ShapeReport) -> list[tuple[str, str]]:
    return [(row["input_shape"], row["output_shape"]) for row in report.rows]


def test_axis_names_follow_the_layers_not_the_rank() -> None:
    """Dense's units are units, not pixels; a Reshape's axes are not time and features."""
    by_row = keras.Sequential([keras.Input((28, 28)), layers.Dense(10)])
    report = shapes.report(by_row, axes={3: ("batch", "row", "pixel")})
    assert _shapes(report) == [("(batch=None, row=28, pixel=28)", "(batch=None, row=28, unit=10)")]
    assert "pixel=10" not in str(report)

    rows = shapes.report(keras.Sequential([keras.Input((20, 5)), layers.Dense(10)]))
    assert _shapes(rows) == [
        ("(batch=None, axis1=20, feature=5)", "(batch=None, axis1=20, unit=10)")
    ]

    keypoints = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            layers.Conv2D(4, 3),
            layers.Flatten(),
            layers.Dense(136),
            layers.Reshape((68, 2)),
        ]
    )
    report = shapes.report(keypoints)
    assert report.rows[0]["output_shape"] == "(batch=None, height=30, width=30, channel=4)"
    assert report.rows[1]["output_shape"] == "(batch=None, feature=3600)"
    assert report.rows[2]["output_shape"] == "(batch=None, unit=136)"
    assert report.rows[3]["output_shape"] == "(batch=None, axis1=68, axis2=2)"
    assert "time=68" not in str(report) and "feature=2" not in str(report)
    assert report.title.endswith("→ (batch=None, axis1=68, axis2=2)")


def test_axis_names_of_sequences() -> None:
    model = keras.Sequential(
        [
            keras.Input((10, 64)),
            layers.LSTM(32, return_sequences=True),
            layers.LSTM(8),
            layers.Dense(2),
        ]
    )
    assert _shapes(shapes.report(model)) == [
        ("(batch=None, time=10, feature=64)", "(batch=None, time=10, unit=32)"),
        ("(batch=None, time=10, unit=32)", "(batch=None, unit=8)"),
        ("(batch=None, unit=8)", "(batch=None, unit=2)"),
    ]
    # A Reshape's output has no known meaning until an LSTM reads it as (time, feature).
    reshaped = keras.Sequential(
        [keras.Input((12,)), layers.Reshape((4, 3)), layers.LSTM(2), layers.Dense(1)]
    )
    assert _shapes(shapes.report(reshaped))[:2] == [
        ("(batch=None, axis1=12)", "(batch=None, time=4, feature=3)"),
        ("(batch=None, time=4, feature=3)", "(batch=None, unit=2)"),
    ]


def test_axis_names_of_pooling_and_wrappers() -> None:
    pooled = keras.Sequential(
        [keras.Input((16, 16, 3)), layers.Conv2D(8, 3), layers.GlobalAveragePooling2D()]
    )
    assert shapes.report(pooled).rows[1]["output_shape"] == "(batch=None, channel=8)"
    wrapped = keras.Sequential([keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))])
    assert _shapes(shapes.report(wrapped)) == [
        ("(batch=None, time=5, feature=3)", "(batch=None, time=5, unit=4)")
    ]
    merged = keras.Input((4,))
    shared = layers.Dense(2)
    model = keras.Model(merged, layers.Concatenate()([shared(merged), shared(merged)]))
    assert shapes.report(model).title.endswith("→ (batch=None, unit=4)")


def test_rejects_what_is_not_a_built_model() -> None:
    with pytest.raises(TypeError):
        shapes.report(layers.Dense(3))
    with pytest.raises(ValueError, match="keras.Input"):
        shapes.report(keras.Sequential([layers.Dense(3)]))
