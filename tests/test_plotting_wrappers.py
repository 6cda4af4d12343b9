"""The wrapper pictures read their shapes and weights from the model they are given."""

from fractions import Fraction

import keras
import matplotlib
import pytest
from keras import layers, ops

from labsupport.plotting import wrappers

matplotlib.use("Agg")

SIDE, STEPS = 12, 3


def _cnn():
    return keras.Sequential(
        [keras.Input((SIDE, SIDE, 1)), layers.Conv2D(4, 3, strides=2), layers.Flatten()],
        name="cnn",
    )


def _three(cnn, head):
    frames = [keras.Input((SIDE, SIDE, 1), name=f"frame_{t}") for t in range(STEPS)]
    shared = keras.Model(frames, head(ops.stack([cnn(f) for f in frames], axis=1)))
    clips = keras.Input((STEPS, SIDE, SIDE, 1), name="clips")
    wrapped = keras.Model(clips, head(layers.TimeDistributed(cnn)(clips)))
    clips = keras.Input((STEPS, SIDE, SIDE, 1), name="clips")
    features = cnn(ops.reshape(clips, (-1, SIDE, SIDE, 1)))
    fold = keras.Model(clips, head(ops.reshape(features, (-1, STEPS, features.shape[-1]))))
    return shared, wrapped, fold


@pytest.fixture(scope="module")
def models():
    return _three(_cnn(), layers.LSTM(2))


def _texts(fig):
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_calls_follow_the_fold_into_the_batch(models):
    _, _, fold = models
    graph = wrappers.calls(fold)
    assert [type(c.op).__name__ for c in graph] == [
        "InputLayer",
        "Reshape",
        "Sequential",
        "Reshape",
        "LSTM",
    ]
    assert [c.batch_out for c in graph] == [1, 3, 3, 1, 1]
    assert graph[2].inputs == ((None, SIDE, SIDE, 1),) and graph[2].outputs == ((None, 100),)


def test_calls_list_a_shared_layer_once_per_call(models):
    shared, _, _ = models
    graph = wrappers.calls(shared)
    assert [c.op.name for c in graph].count("cnn") == STEPS
    assert [type(c.op).__name__ for c in graph[-2:]] == ["Stack", "LSTM"]
    assert graph[-2].inputs == ((None, 100),) * STEPS


@pytest.mark.parametrize(
    ("shape", "batch", "label"),
    [
        ((None, 3, 16), 1, "(batch, 3, 16)"),
        ((None, 16), 3, "(batch·3, 16)"),
        ((None,), 1, "(batch,)"),
        ((None, None, 4), Fraction(1, 2), "(batch·1/2, None, 4)"),
    ],
)
def test_shape_label(shape, batch, label):
    assert wrappers.shape_label(shape, batch) == label


def test_weight_lines_read_the_layer():
    cnn = _cnn()
    conv, flatten = cnn.layers
    assert wrappers.weight_lines(cnn) == [
        f"{conv.name}: kernel (3, 3, 1, 4), bias (4,)",
        f"{flatten.name}: no weights",
    ]
    lstm = layers.LSTM(32)
    lstm.build((None, 3, 254_016))
    lines = wrappers.weight_lines(lstm)
    assert lines[0].endswith("kernel (254016, 128),") and len(lines) == 3


def test_time_distributed_draws_steps_layer_and_shapes(models):
    _, wrapped, _ = models
    text = _texts(wrappers.time_distributed(wrapped))
    for part in (
        "input  (batch, 3, 12, 12, 1)",
        "step 0",
        "step 2",
        "out 2",
        "each step (batch, 12, 12, 1)",
        "each step (batch, 100)",
        "cnn: the same weights at every step  ·  40 parameters",
        "kernel (3, 3, 1, 4), bias (4,)",
        "(batch, 3, 100)",
        "(batch, 2)",
    ):
        assert part in text, part


def test_time_distributed_leaves_out_middle_steps():
    model = keras.Sequential([keras.Input((9, 3)), layers.TimeDistributed(layers.Dense(4))])
    text = _texts(wrappers.time_distributed(model, max_steps=4))
    # numbered from 0, as x[:, t] counts: the first two, a gap, the last
    assert "step 0" in text and "step 1" in text and "step 8" in text and "…" in text
    assert "step 2" not in text and "step 9" not in text
    assert "kernel (3, 4), bias (4,)" in text


def test_time_distributed_with_open_steps():
    model = keras.Sequential([keras.Input((None, 3)), layers.TimeDistributed(layers.Dense(4))])
    text = _texts(wrappers.time_distributed(model))
    assert "input  (batch, None, 3)" in text and "step T-1" in text and "…" in text
    assert "step 0" in text


def test_time_distributed_draws_the_layers_before_the_wrapper():
    """Chapter 4's model: the LSTM that returns sequences, then the Dense at every step."""
    model = keras.Sequential(
        [
            keras.Input((5, 1)),
            layers.LSTM(5, return_sequences=True, name="lstm"),
            layers.TimeDistributed(layers.Dense(1, name="dense")),
        ]
    )
    fig = wrappers.time_distributed(model, max_steps=5)
    text = _texts(fig)
    for part in (
        "input  (batch, 5, 1)",
        "lstm, return_sequences=True  ·  140 parameters",
        "(batch, 5, 5)",
        "dense: the same weights at every step  ·  6 parameters",
        "kernel (5, 1), bias (1,)",
        "each step (batch, 5)",
        "each step (batch, 1)",
        "steps stacked again  (batch, 5, 1)",
    ):
        assert part in text, part
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert [label for label in labels if label.startswith("step ")] == [
        f"step {t}" for t in range(5)
    ]
    assert [label for label in labels if label.startswith("out ")] == [f"out {t}" for t in range(5)]


def test_folded_marks_the_batch_while_folded(models):
    _, _, fold = models
    text = _texts(wrappers.folded(fold))
    assert "reshape: fold the steps into the batch" in text and "reshape: unfold" in text
    assert "(batch·3, 12, 12, 1)" in text and "(batch·3, 100)" in text
    assert "(batch, 3, 100)" in text
    assert "3 steps of a sample" in wrappers.folded(fold).axes[0].get_title()


def test_shared_calls_draws_the_layer_once(models):
    shared, _, _ = models
    fig = wrappers.shared_calls(shared)
    text = _texts(fig)
    assert text.count("cnn: the same weights, called on each") == 1
    assert all(f"input frame_{t}" in text for t in range(STEPS))
    assert "each (batch, 100)" in text and "(batch, 3, 100)" in text
    assert "called on 3 inputs" in fig.axes[0].get_title()
    # an operation Keras named after its class is labelled once, not "stack (Stack)"
    assert "stack (Stack)" not in text and any(t.get_text() == "stack" for t in fig.axes[0].texts)


def test_figures_grow_with_the_rows(models):
    _, wrapped, fold = models
    bare = keras.Sequential([keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))])
    assert wrappers.time_distributed(wrapped).get_figheight() > (
        wrappers.time_distributed(bare).get_figheight()
    )
    assert wrappers.folded(fold).get_figwidth() == pytest.approx(5.8)


def test_shared_weights_reads_its_sizes_from_a_model():
    from labsupport import plotting

    model = keras.Sequential([keras.Input((2, 3)), layers.TimeDistributed(layers.Dense(4))])
    text = _texts(plotting.shared_weights(model=model))
    assert "(2 rows × 3)" in text and "W: 3 × 4" in text and "(2 rows × 4)" in text


def test_wrong_model_kind_is_named():
    plain = keras.Sequential([keras.Input((5, 3)), layers.Dense(4)], name="plain")
    with pytest.raises(ValueError, match="no TimeDistributed"):
        wrappers.time_distributed(plain)
    with pytest.raises(ValueError, match="no layer more than once"):
        wrappers.shared_calls(plain)
