"""BatchNormalization inside a CNN that reads a sequence: folded into the batch or wrapped."""

from __future__ import annotations

from labsupport.behaviours import behaviour


def fold_vs_wrapper_gaps(model: object, wrapped: object, sample: object) -> dict[str, float]:
    """Compare ``models.quadrant_cnn_lstm`` folded (``model``) and wrapped (``wrapped``).

    Both must hold the same weights and ``sample`` must be a batch of quadrant sequences. The
    inference outputs are compared first; then one training-mode call of each model updates
    its BatchNormalization statistics, and the first BatchNormalization's moving mean is
    replayed by hand: one update with the mean over every quadrant of the batch (the fold), or
    one update per step with that step's mean (the wrapper).

    Returns the largest absolute differences: ``inference`` and ``training`` outputs,
    ``moving_mean`` (folded against wrapped after the training call), and how far each
    model's moving mean is from the replayed ``fold_one_update`` and ``wrapper_per_step``
    (both about 0 when the description holds), with ``steps``, ``momentum`` and
    ``moved_fold`` / ``moved_wrapper``: the fraction of the way to the batch statistics that
    each moving mean moved.
    """
    import keras
    import numpy as np

    def numpy(t):
        return keras.ops.convert_to_numpy(t)

    cnn_fold = model.get_layer("quadrant_cnn")
    cnn_wrap = wrapped.get_layer("cnn_per_step").layer
    bn_fold, bn_wrap = cnn_fold.layers[2], cnn_wrap.layers[2]
    assert isinstance(bn_fold, keras.layers.BatchNormalization), bn_fold
    sample = np.asarray(sample, dtype="float32")
    steps = sample.shape[1]

    inference = np.abs(model.predict(sample, verbose=0) - wrapped.predict(sample, verbose=0)).max()
    before = numpy(bn_fold.moving_mean).copy()
    assert np.allclose(before, numpy(bn_wrap.moving_mean)), "the two models differ already"
    training = np.abs(numpy(model(sample, training=True)) - numpy(wrapped(sample, training=True)))
    after_fold, after_wrap = numpy(bn_fold.moving_mean), numpy(bn_wrap.moving_mean)

    # What the first BatchNormalization sees: the first conv and pooling, per quadrant.
    conv, pool = cnn_fold.layers[:2]

    def to_bn(images):
        return pool(conv(images))

    momentum = float(bn_fold.momentum)
    all_quadrants = sample.reshape(-1, *sample.shape[2:])
    one_update = before * momentum + numpy(to_bn(all_quadrants)).mean(axis=(0, 1, 2)) * (
        1 - momentum
    )
    per_step = before.copy()
    for t in range(steps):
        per_step = per_step * momentum + numpy(to_bn(sample[:, t])).mean(axis=(0, 1, 2)) * (
            1 - momentum
        )
    target = numpy(to_bn(all_quadrants)).mean(axis=(0, 1, 2))
    return {
        "inference": float(inference),
        "training": float(training.max()),
        "moving_mean": float(np.abs(after_fold - after_wrap).max()),
        "fold_one_update": float(np.abs(after_fold - one_update).max()),
        "wrapper_per_step": float(np.abs(after_wrap - per_step).max()),
        "steps": steps,
        "momentum": momentum,
        "moved_fold": float(np.median((after_fold - before) / (target - before))),
        "moved_wrapper": float(np.median((after_wrap - before) / (target - before))),
    }


@behaviour(
    "batchnorm.fold_vs_wrapper",
    claim=(
        "With BatchNormalization in the CNN, folding the steps into the batch and wrapping the "
        "CNN in TimeDistributed agree at inference only. In training, TimeDistributed "
        "normalises each step's batch on its own and updates the moving statistics once per "
        "step; the fold normalises all batch × steps images together and updates them once."
    ),
    chapter="08_cnn_lstm_mnist_quadrants",
)
def _fold_vs_wrapper() -> str:
    import keras
    import numpy as np

    from labsupport import models

    keras.utils.set_random_seed(0)
    folded = models.quadrant_cnn_lstm(filters=(4, 8), lstm_units=8)
    wrapped = models.quadrant_cnn_lstm(filters=(4, 8), lstm_units=8, fold=False)
    wrapped.set_weights(folded.get_weights())
    sample = np.random.default_rng(0).random((6, 4, 14, 14, 1), dtype=np.float32)
    gaps = fold_vs_wrapper_gaps(folded, wrapped, sample)
    assert gaps["inference"] < 1e-5, gaps
    assert gaps["training"] > 1e-4, gaps
    assert gaps["moving_mean"] > 1e-4, gaps
    assert gaps["fold_one_update"] < 1e-5 and gaps["wrapper_per_step"] < 1e-5, gaps
    return (
        f"inference outputs differ by {gaps['inference']:.1e}, training outputs by "
        f"{gaps['training']:.1e}; after one training call the fold's moving mean matches one "
        f"update, the wrapper's matches {gaps['steps']} (one per step)"
    )
