"""The window pictures read the layer they are given, and Keras reads exactly those windows."""

import keras
import matplotlib
import numpy as np
import pytest
from keras import layers

from labsupport.plotting import conv

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _model(size, *stack, name="m"):
    return keras.Sequential([keras.Input((size, size, 1)), *stack], name=name)


def _texts(fig):
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts) + "\n".join(
        ax.get_title(loc="left") for ax in fig.axes
    )


def _summed(x, spans):
    """What a kernel of ones computes, reading only the pixels inside each window."""
    size = x.shape[0]
    return np.array(
        [
            [x[max(a, 0) : min(b, size), max(c, 0) : min(d, size)].sum() for c, d in spans]
            for a, b in spans
        ]
    )


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding"),
    [
        (10, 3, 2, "valid"),
        (10, 3, 2, "same"),
        (11, 4, 3, "same"),
        (7, 4, 2, "same"),
        (12, 5, 1, "same"),
    ],
)
def test_keras_reads_the_windows_the_picture_draws(size, kernel, stride, padding):
    layer = layers.Conv2D(
        1, kernel, strides=stride, padding=padding, use_bias=False, kernel_initializer="ones"
    )
    model = _model(size, layer)
    x = np.random.default_rng(0).normal(size=(size, size)).astype("float32")
    got = keras.ops.convert_to_numpy(model(x[None, :, :, None]))[0, :, :, 0]
    spans = conv.windows(model)
    assert len(spans) == conv.side(model).out == model.outputs[0].shape[1]
    np.testing.assert_allclose(got, _summed(x, spans), rtol=1e-4, atol=1e-4)


def test_output_size_is_the_formula_and_refuses_other_padding():
    assert conv.output_size(10, 3, 2, "valid") == 4
    assert conv.output_size(10, 3, 2, "same") == 5
    assert conv.output_size(40, 5, 2, "valid") == 18
    with pytest.raises(ValueError, match="padding"):
        conv.output_size(10, 3, 2, "causal")


def test_side_reads_convolutions_and_poolings_and_writes_the_formula():
    valid = conv.side(_model(10, layers.Conv2D(4, 3, strides=2)))
    assert (valid.size, valid.kernel, valid.stride, valid.padding, valid.out) == (
        10,
        3,
        2,
        "valid",
        4,
    )
    assert valid.formula == "(10 − 3) // 2 + 1 = 4"
    pool = conv.side(_model(9, layers.MaxPooling2D(2)))
    assert (pool.kind, pool.kernel, pool.stride, pool.out) == ("MaxPooling2D", 2, 2, 4)
    same = conv.side(_model(10, layers.Conv2D(4, 3, strides=2, padding="same")))
    assert same.formula == "ceil(10 / 2) = 5"
    wide = conv.side(_model(12, layers.Conv2D(2, (3, 5), strides=(1, 2))), axis=1)
    assert (wide.kernel, wide.stride, wide.out) == (5, 2, 4)


def test_the_picture_marks_unread_pixels_and_padding():
    valid = _model(10, layers.Conv2D(4, 3, strides=2), name="valid")
    same = _model(10, layers.Conv2D(4, 3, strides=2, padding="same"), name="same")
    fig = conv.strided_windows(valid, same)
    text = _texts(fig)
    assert len(fig.axes) == 2
    assert "(10 − 3) // 2 + 1 = 4" in text and "ceil(10 / 2) = 5" in text
    assert "no window reads (9)" in text
    assert "0 before, 1 after" in text
    assert "output: 4" in text and "output: 5" in text


def test_garbage_gets_a_clear_message():
    with pytest.raises(ValueError, match="no convolution or pooling layer"):
        conv.strided_windows(_model(4, layers.Flatten()))
    with pytest.raises(ValueError, match="dilated"):
        conv.side(_model(10, layers.Conv2D(1, 3, dilation_rate=2)))
    with pytest.raises(ValueError, match="at least one model"):
        conv.strided_windows()
    free = keras.Sequential([keras.Input((None, None, 1)), layers.Conv2D(1, 3)])
    with pytest.raises(ValueError, match="no fixed input size"):
        conv.side(free)
