"""Section E: one CNN applied to every image of a sequence."""

from __future__ import annotations

from labsupport.stated import Figure, register

_CHAPTER = "07_one_cnn_over_a_sequence"


def _cnn():
    from labsupport.sequence_cnn import frame_cnn

    return frame_cnn((256, 256, 1))


def _whole_model(way: str):
    """The sources' model (three 256×256×1 frames, the CNN, LSTM(32)); builds 130 MB of weights."""
    from keras import layers

    from labsupport import sequence_cnn

    builder = {
        "shared": sequence_cnn.shared_calls,
        "td": sequence_cnn.time_distributed,
    }[way]
    return builder(_cnn(), layers.LSTM(32), 3)


def _td_added() -> int:
    import keras
    from keras import layers

    cnn = _cnn()
    wrapper = layers.TimeDistributed(cnn)
    wrapper(keras.Input((3, 256, 256, 1)))
    return int(wrapper.count_params() - cnn.count_params())


register(
    Figure(
        "E13.conv_output",
        "CNN per frame: Conv2D(16, 5, strides=2) output on a 256×256×1 image",
        (None, 126, 126, 16),
        lambda: tuple(_cnn().layers[0].output.shape),
        "Unchanged: a 'valid' 5×5 convolution with stride 2 gives (256 − 5) // 2 + 1 = 126.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E13.features",
        "CNN per frame: features after Flatten",
        254016,
        lambda: int(_cnn().outputs[0].shape[-1]),
        "Unchanged: 126 × 126 × 16.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E13.cnn_params",
        "CNN per frame: parameters of Conv2D(16, 5) on one channel",
        416,
        lambda: int(_cnn().count_params()),
        "Unchanged: 16 × (5 × 5 × 1) + 16.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E13.model_params",
        "Three frames, one shared CNN called three times, then LSTM(32): parameters",
        32518688,
        lambda: int(_whole_model("shared").count_params()),
        "Unchanged. Keras 3 stacks the three outputs with keras.ops.stack inside a functional "
        "model; the Q&A answer stacked the three CNN outputs into one (None, 3, features) "
        "tensor with the Keras 2 tools of its day.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E13.td_model_params",
        "The same model written with TimeDistributed(cnn): parameters",
        32518688,
        lambda: int(_whole_model("td").count_params()),
        "Unchanged: the wrapper reuses the CNN's weights at every step.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E13.separate_conv_params",
        "Three separate CNNs instead of one shared: conv parameters (three times 416)",
        1248,
        lambda: 3 * int(_cnn().count_params()),
        "Unchanged.",
        _CHAPTER,
    )
)
register(
    Figure(
        "E15.td_added_params",
        "Parameters TimeDistributed adds on top of the layer it wraps",
        0,
        _td_added,
        "Unchanged in count. The weight names changed: TF1-era tf.keras renamed the wrapped "
        "variables to time_distributed/kernel; Keras 3 keeps the inner layer's name in the "
        "path, time_distributed/conv2d/kernel, or the inner model's own path when it was "
        "built before being wrapped.",
        _CHAPTER,
    )
)
