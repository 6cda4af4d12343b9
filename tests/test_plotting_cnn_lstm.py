"""The quadrant-flow picture reads its shapes from the model it is given."""

import keras
import matplotlib
import numpy as np
import pytest
from keras import layers

from labsupport import models
from labsupport.plotting import cnn_lstm

matplotlib.use("Agg")


def _digit():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(28, 28), dtype=np.uint8)


@pytest.mark.parametrize("fold", [True, False])
def test_flow_shapes_of_the_chapter_model(fold):
    shapes = cnn_lstm.flow_shapes(models.quadrant_cnn_lstm(fold=fold))
    assert shapes.model_input == (None, 4, 14, 14, 1)
    assert shapes.quadrant == (14, 14, 1)
    assert shapes.features == (288,)
    assert shapes.lstm_input == (None, 4, 288)
    assert shapes.lstm_output == (None, 64)
    assert shapes.model_output == (None, 10)
    assert shapes.folded is fold
    # every weight counted once, whether folded or wrapped
    assert shapes.cnn_params + shapes.lstm_params + shapes.head_params == 95_962


def test_flow_shapes_follow_the_model_not_fixed_numbers():
    td = layers.TimeDistributed
    model = keras.Sequential(
        [
            keras.Input((4, 14, 14, 1)),
            td(layers.Conv2D(8, 3, activation="relu")),
            td(layers.GlobalAveragePooling2D()),
            layers.LSTM(12),
            layers.Dense(10, activation="softmax"),
        ]
    )
    shapes = cnn_lstm.flow_shapes(model)
    assert shapes.features == (8,)
    assert shapes.lstm_input == (None, 4, 8)
    assert shapes.lstm_output == (None, 12)
    assert shapes.folded is False
    assert shapes.cnn_params == 80


def test_flow_shapes_needs_a_recurrent_layer():
    model = keras.Sequential([keras.Input((4, 14, 14, 1)), layers.Flatten(), layers.Dense(10)])
    with pytest.raises(ValueError, match="no recurrent layer"):
        cnn_lstm.flow_shapes(model)


def _texts(fig):
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_ylabel()]
    return "\n".join(found)


def test_quadrant_flow_draws_the_shapes_and_the_model_values(tmp_path):
    keras.utils.set_random_seed(0)
    model = models.quadrant_cnn_lstm()
    fig = cnn_lstm.quadrant_flow(model, _digit(), order="4321", title="t")
    text = _texts(fig)
    for shape in (
        "(batch, 4, 14, 14, 1)",
        "(14, 14, 1)",
        "(288,)",
        "(batch, 4, 288)",
        "(batch, 64)",
        "(batch, 10)",
    ):
        assert shape in text, shape
    assert "4,944 weights" in text and "90,368 weights" in text
    assert "quadrant 4" in text and "order 4321" in text
    # the bar chart shows the model's own probabilities for this image
    probs = keras.ops.convert_to_numpy(
        model(cnn_lstm.data_sequence(_digit(), "4321")[None], training=False)
    )[0]
    bars = [p.get_width() for p in fig.axes[-1].patches]
    np.testing.assert_allclose(bars, probs, rtol=1e-5)
    assert f"predicts {probs.argmax()}" in text
    fig.savefig(tmp_path / "flow.png")
    assert (tmp_path / "flow.png").stat().st_size > 10_000


def test_quadrant_flow_rejects_a_wrong_image():
    with pytest.raises(ValueError, match="28 x 28"):
        cnn_lstm.quadrant_flow(models.quadrant_cnn_lstm(), np.zeros((14, 14)))
