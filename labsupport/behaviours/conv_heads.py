"""Convolutions, input size and keypoint heads (chapter 6)."""

from __future__ import annotations

from labsupport.behaviours import behaviour, to_numpy

CHAPTER = "06_convolutions_and_input_size"


@behaviour(
    "conv_heads.kernel_sets_conv_weights",
    claim=(
        "A convolution's weights are set by its kernel and channels, not by the image: "
        "Conv2D(32, 3) on RGB has 896 at 32 × 32 and at 320 × 320."
    ),
    chapter=CHAPTER,
)
def _kernel_sets_conv_weights() -> str:
    import keras

    counts = {
        size: keras.Sequential(
            [keras.Input((size, size, 3)), keras.layers.Conv2D(32, 3)]
        ).count_params()
        for size in (32, 320)
    }
    assert set(counts.values()) == {896}, counts
    return ", ".join(f"{s} × {s}: {c}" for s, c in counts.items())


@behaviour(
    "conv_heads.global_pooling_size_independent",
    claim=(
        "Global average pooling turns a feature map of any height and width into one number "
        "per channel, so the Dense head after it has the same weights at every image size."
    ),
    chapter=CHAPTER,
)
def _global_pooling_size_independent() -> str:
    import keras
    from keras import layers

    seen = {}
    for size in (32, 96):
        model = keras.Sequential(
            [
                keras.Input((size, size, 1)),
                layers.Conv2D(8, 3),
                layers.GlobalAveragePooling2D(),
                layers.Dense(2),
            ]
        )
        seen[size] = (tuple(model.layers[1].output.shape), model.count_params())
    assert seen[32] == seen[96] == ((None, 8), 98), seen
    return f"pooled {seen[32][0]} and {seen[32][1]} parameters at 32 × 32 and at 96 × 96"


@behaviour(
    "conv_heads.batchnorm_statistics_are_averages",
    claim=(
        "Batch normalization's moving mean and variance are non-trainable: training moves "
        "them by a running average of the batches, not by gradients."
    ),
    chapter=CHAPTER,
)
def _batchnorm_statistics_are_averages() -> str:
    import keras
    import numpy as np

    bn = keras.layers.BatchNormalization(momentum=0.9)
    bn.build((None, 3))
    trainable = {w.name for w in bn.trainable_weights}
    frozen = {w.name for w in bn.non_trainable_weights}
    assert frozen == {"moving_mean", "moving_variance"}, frozen
    assert trainable == {"gamma", "beta"}, trainable
    bn(np.full((4, 3), 5.0, "float32"), training=True)
    mean = to_numpy(bn.moving_mean)
    np.testing.assert_allclose(mean, 0.9 * 0.0 + 0.1 * 5.0, rtol=1e-6)
    return f"non-trainable {sorted(frozen)}; after one batch of 5s the moving mean is {mean[0]:.2f}"


def _square_and_moved(size: int, shift: int):
    import numpy as np

    image = np.zeros((1, size, size, 3), dtype="float32")
    image[0, 8:24, 8:24] = 1.0
    return np.concatenate([image, np.roll(image, (shift, shift), axis=(1, 2))])


@behaviour(
    "conv_heads.global_pooling_loses_position",
    claim=(
        "A head that ends in global pooling gives the same output when the image content "
        "moves: it keeps no position. Strided convolutions, then Flatten and Dense, keep it."
    ),
    chapter=CHAPTER,
)
def _global_pooling_loses_position() -> str:
    import keras
    import numpy as np
    from keras import layers

    pooled = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(4),
        ]
    )
    strided = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            layers.Conv2D(8, 3, strides=4, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(4),
        ]
    )
    images = _square_and_moved(64, 16)
    moved = {}
    for model in (pooled, strided):
        before, after = to_numpy(model(images))
        moved[model] = float(np.abs(after - before).max())
    assert moved[pooled] < 1e-5, moved[pooled]
    assert moved[strided] > 1e-3, moved[strided]
    return (
        f"square moved 16 px: global pooling head changes by {moved[pooled]:.0e}, "
        f"strided + Flatten head by {moved[strided]:.2f}"
    )


@behaviour(
    "conv_heads.stateless_scope_defers_values",
    claim=(
        "Inside `keras.StatelessScope(initialize_variables=False)` Keras creates variables "
        "with their shapes but does not create their values until something reads them, so "
        "counting the parameters of a huge model takes almost no memory."
    ),
    chapter=CHAPTER,
)
def _stateless_scope_defers_values() -> str:
    import keras
    import psutil

    process = psutil.Process()
    before = process.memory_info().rss
    with keras.StatelessScope(initialize_variables=False):
        model = keras.Sequential([keras.Input((8192,)), keras.layers.Dense(4096)])
    grown = (process.memory_info().rss - before) / 1e6
    full = model.count_params() * 4 / 1e6
    assert model.count_params() == 8192 * 4096 + 4096
    assert grown < full / 4, (grown, full)
    count = model.count_params()
    return f"{count:,} parameters ({full:.0f} MB as float32); memory grew {grown:.0f} MB"
