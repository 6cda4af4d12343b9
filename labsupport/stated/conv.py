"""Section D: convolutions and input size.

Both models here are large; the compute functions keep memory low. The DenseNet is built once
per input size and its counts cached. The 440-million-parameter head is built inside
``keras.StatelessScope(initialize_variables=False)``: Keras creates every variable with its
shape (all ``count_params()`` needs) but never allocates or fills its values, so no 1.76 GB
float32 kernel is made.
"""

from __future__ import annotations

from functools import lru_cache

from labsupport.stated import Figure, register

CHAPTER = "06_convolutions_and_input_size"


def densenet_classifier(size: int, *, channels: int = 1):
    """DenseNet121 without its top, global average pooling, then Dense(2); random weights."""
    import keras

    base = keras.applications.DenseNet121(
        include_top=False, weights=None, pooling="avg", input_shape=(size, size, channels)
    )
    return keras.Sequential(
        [keras.Input((size, size, channels)), base, keras.layers.Dense(2)], name=f"densenet{size}"
    )


@lru_cache(maxsize=4)
def densenet_counts(size: int) -> tuple[int, int, int]:
    """(total, trainable, non-trainable) parameters of :func:`densenet_classifier` at ``size``."""
    import keras
    import numpy as np

    # Only shapes are needed: skip allocating and initializing the 7 million weights.
    with keras.StatelessScope(initialize_variables=False):
        model = densenet_classifier(size)
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    total = int(model.count_params())
    return total, trainable, total - trainable


def keypoint_head(*, size: int = 320):
    """Conv2D(32, 3) -> Flatten -> Dense(136) -> Reshape((68, 2)), shapes only.

    Built in a stateless scope that does not initialize the variables: the Dense kernel alone
    would take 1.76 GB as float32. ``count_params()`` and every shape still work; calling the
    model does not.
    """
    import keras
    from keras import layers

    with keras.StatelessScope(initialize_variables=False):
        return keras.Sequential(
            [
                keras.Input((size, size, 3)),
                layers.Conv2D(32, 3),
                layers.Flatten(),
                layers.Dense(136),
                layers.Reshape((68, 2)),
            ],
            name="keypoints_flatten",
        )


@lru_cache(maxsize=1)
def _head_facts() -> dict:
    model = keypoint_head()
    conv, flat, dense, _ = model.layers
    return {
        "total": int(model.count_params()),
        "dense": int(dense.count_params()),
        "conv_out": tuple(conv.output.shape),
        "flat": int(flat.output.shape[-1]),
    }


_POOL = (
    "Unchanged. Keras 2 counted the same 7,033,282; Keras 3 builds DenseNet121 from the same "
    "layers."
)

for _figure in (
    Figure(
        "D11.size224",
        "DenseNet121 (1 channel, avg pooling) + Dense(2) at 224×224: parameters",
        7_033_282,
        lambda: densenet_counts(224)[0],
        _POOL,
        CHAPTER,
    ),
    Figure(
        "D11.size512",
        "DenseNet121 (1 channel, avg pooling) + Dense(2) at 512×512: parameters",
        7_033_282,
        lambda: densenet_counts(512)[0],
        _POOL,
        CHAPTER,
    ),
    Figure(
        "D11.trainable",
        "DenseNet121 + Dense(2): trainable parameters",
        6_949_634,
        lambda: densenet_counts(224)[1],
        _POOL,
        CHAPTER,
    ),
    Figure(
        "D11.frozen",
        "DenseNet121 + Dense(2): non-trainable parameters (batch-norm statistics)",
        83_648,
        lambda: densenet_counts(224)[2],
        _POOL,
        CHAPTER,
    ),
    Figure(
        "D12.total",
        "320×320×3 → Conv2D(32, 3) → Flatten → Dense(136) → (68, 2): parameters",
        440_092_680,
        lambda: _head_facts()["total"],
        "Unchanged. Building it the ordinary way allocates 1.76 GB of float32 weights; here it "
        "is built without initializing them.",
        CHAPTER,
    ),
    Figure(
        "D12.dense",
        "The Dense(136) after Flatten: parameters",
        440_091_784,
        lambda: _head_facts()["dense"],
        "Unchanged.",
        CHAPTER,
    ),
    Figure(
        "D12.conv_out",
        "Conv2D(32, 3) on 320×320×3, no padding: output shape",
        (None, 318, 318, 32),
        lambda: _head_facts()["conv_out"],
        "Unchanged.",
        CHAPTER,
    ),
    Figure(
        "D12.flat",
        "Flattened conv output: values per image",
        3_235_968,
        lambda: _head_facts()["flat"],
        "Unchanged.",
        CHAPTER,
    ),
):
    register(_figure)
