"""The LSTM pictures read what they draw from the layer or model they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

from labsupport.plotting import lstm as draw  # noqa: E402


def texts(fig) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts) + "\n".join(
        ax.get_title() for ax in fig.axes
    )


def by_gid(fig, gid: str) -> list:
    return [a for ax in fig.axes for a in ax.findobj() if a.get_gid() == gid]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lstm_model(steps=10, features=64, units=32, *, return_sequences=False, head=True):
    stack = [keras.Input((steps, features)), layers.LSTM(units, return_sequences=return_sequences)]
    if head:
        stack.append(layers.Dense(2))
    return keras.Sequential(stack)


@pytest.mark.parametrize(("features", "units"), [(64, 32), (3, 5)])
def test_cell_reads_units_features_and_weight_shapes(features, units):
    layer = lstm_model(features=features, units=units).layers[0]
    fig = draw.lstm_cell(layer)
    shown = texts(fig)
    assert f"units={units}" in shown and f"features={features}" in shown
    assert f"kernel W {(features, 4 * units)}" in shown
    assert f"recurrent_kernel U {(units, 4 * units)}" in shown
    assert f"bias b {(4 * units,)}" in shown
    assert f"(batch, {features})" in shown and f"(batch, {units})" in shown
    # Keras's block order, with the column ranges of each block
    for block, key in enumerate(draw.KERAS_BLOCK_ORDER):
        assert f"{key}: cols {block * units}–{(block + 1) * units - 1}" in shown
    assert len(by_gid(fig, "block-f")) == 1 and len(by_gid(fig, "block-c")) == 1
    assert "unit_forget_bias=True" in shown


def test_cell_follows_the_layer_settings():
    layer = keras.Sequential(
        [keras.Input((4, 2)), layers.LSTM(3, use_bias=False, recurrent_activation="hard_sigmoid")]
    ).layers[0]
    shown = texts(draw.lstm_cell(layer))
    assert "no bias (use_bias=False)" in shown and "unit_forget_bias" not in shown
    assert "hard_sigmoid" in shown and "σ" not in shown


def test_cell_accepts_a_model_and_refuses_other_things():
    assert "units=32" in texts(draw.lstm_cell(lstm_model()))
    with pytest.raises(ValueError, match="not built"):
        draw.lstm_cell(layers.LSTM(3))
    with pytest.raises(ValueError, match="GRU"):
        draw.lstm_cell(keras.Sequential([keras.Input((4, 2)), layers.GRU(3)]).layers[0])
    with pytest.raises(ValueError, match="holds one"):
        draw.lstm_cell(keras.Sequential([keras.Input((4,)), layers.Dense(3)]))


def test_unrolled_marks_which_states_reach_the_next_layer():
    last, every = lstm_model(), lstm_model(return_sequences=True)
    fig = draw.unrolled_lstm(last, every, max_steps=4)
    assert len(fig.axes) == 2
    left, right = fig.axes
    returned = [a for a in left.findobj() if a.get_gid() == "returned"]
    dropped = [a for a in left.findobj() if a.get_gid() == "dropped"]
    assert len(returned) == 1 and len(dropped) == 3  # 4 steps drawn; only the last leaves
    assert len([a for a in right.findobj() if a.get_gid() == "returned"]) == 4
    assert not [a for a in right.findobj() if a.get_gid() == "dropped"]
    shown = texts(fig)
    assert "(None, 32)" in shown and "(None, 10, 32)" in shown  # the LSTM outputs
    assert "Dense → (None, 2)" in shown and "Dense → (None, 10, 2)" in shown
    # steps counted from 0, as in the text: t=0, 1, 2, then t=3…8 left out, and the last, t=9
    assert "t=0" in shown and "t=9" in shown and "t=3…8" in shown
    assert "t=10" not in shown and "T=" not in shown
    assert "$h_{9}$" in shown and "$x_{0}$" in shown
    assert "return_sequences=False" in shown and "return_sequences=True" in shown


def test_unrolled_short_sequences_and_no_head():
    fig = draw.unrolled_lstm(lstm_model(steps=3, features=2, units=5, head=False))
    shown = texts(fig)
    assert "model output" in shown and "t=0" in shown and "t=2" in shown
    assert "t=3" not in shown and "T=" not in shown
    assert "(None, 3, 2)" in shown and "(None, 5)" in shown
    assert len(by_gid(fig, "step")) == 3


def test_unrolled_counts_steps_from_zero_like_the_text():
    fig = draw.unrolled_lstm(lstm_model(steps=5), max_steps=4)
    shown = texts(fig)
    assert "t=0" in shown and "t=4" in shown and "t=3" in shown  # 0, 1, 2, (3 left out), 4
    assert "t=5" not in shown
    unknown = texts(draw.unrolled_lstm(lstm_model(steps=None), max_steps=4))
    assert "t=0" in unknown and "t=T-1" in unknown and "$h_{T-1}$" in unknown
    assert "(None, None, 64)" in unknown


def test_unrolled_refuses_bad_arguments():
    with pytest.raises(ValueError, match="at least one"):
        draw.unrolled_lstm()
    with pytest.raises(ValueError, match="no LSTM"):
        draw.unrolled_lstm(keras.Sequential([keras.Input((4,)), layers.Dense(3)]))
    with pytest.raises(ValueError, match="Keras models"):
        draw.unrolled_lstm(layers.LSTM(3))
    with pytest.raises(ValueError, match="max_steps"):
        draw.unrolled_lstm(lstm_model(), max_steps=1)
