"""labsupport.plotting's chapter figures: each draws what it is given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labsupport import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_loss_curve_draws_every_loss_and_skips_other_metrics():
    fig = plotting.loss_curve(
        {"loss": [4.0, 2.0, 1.0], "val_loss": [5.0, 3.0, 2.0], "accuracy": [0.1, 0.5, 0.9]},
        title="demo",
        log=False,
    )
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "val_loss"}
    assert list(lines["val_loss"].get_ydata()) == [5.0, 3.0, 2.0]
    assert ax.get_yscale() == "linear" and ax.get_title() == "demo"
    assert plotting.loss_curve({"loss": [1.0, 0.5]}).axes[0].get_yscale() == "log"


def test_echo_predictions_puts_targets_and_predictions_on_the_steps():
    fig = plotting.echo_predictions([[0.0], [0.2], [0.4]], np.array([0.01, 0.19, 0.43]))
    (ax,) = fig.axes
    target, prediction = ax.get_lines()
    assert target.get_label() == "target" and prediction.get_label() == "prediction"
    assert list(target.get_xdata()) == [0, 1, 2]
    np.testing.assert_allclose(prediction.get_ydata(), [0.01, 0.19, 0.43])
    assert list(ax.get_xticks()) == [0, 1, 2]


def test_shared_weights_labels_the_sizes():
    texts = _texts(plotting.shared_weights(rows=5, features=3, units=2))
    assert "input\n(5 rows × 3)" in texts
    assert "W: 3 × 2\n(+ bias 2)" in texts
    assert "output\n(5 rows × 2)" in texts


@pytest.mark.parametrize(("rows", "features"), [(2, 3), (5, 3), (1, 6)])
def test_shared_weights_caption_sits_below_the_matrix(rows, features):
    # chapter 5 draws 2 rows × 3 features: W is taller than the input there
    fig = plotting.shared_weights(rows=rows, features=features, units=4)
    (ax,) = fig.axes
    (caption,) = [t for t in ax.texts if t.get_text() == "the same W for every row"]
    renderer = fig.canvas.get_renderer()
    text_box = caption.get_window_extent(renderer)
    lowest_cell = min(patch.get_window_extent(renderer).y0 for patch in ax.patches)
    assert text_box.y1 <= lowest_cell, "the caption overlaps the grids"
    assert text_box.y0 >= ax.get_window_extent(renderer).y0, "the caption falls off the axes"


def test_shared_weights_reads_the_sizes_from_a_model():
    import keras

    model = keras.Sequential(
        [keras.Input((6, 4)), keras.layers.TimeDistributed(keras.layers.Dense(3))]
    )
    texts = _texts(plotting.shared_weights(model=model))
    assert "input\n(6 rows × 4)" in texts and "W: 4 × 3\n(+ bias 3)" in texts


def test_quadrant_sequences_has_a_row_per_order_and_a_column_per_step():
    digit = np.arange(4 * 14 * 14, dtype=float).reshape(4, 14, 14, 1) / (4 * 14 * 14)
    fig = plotting.quadrant_sequences({"1234": digit, "4321": digit[::-1]}, title="orders")
    assert len(fig.axes) == 8
    assert [ax.get_ylabel() for ax in fig.axes[::4]] == ["1234", "4321"]
    assert [ax.get_title() for ax in fig.axes[:4]] == [f"t = {t}" for t in range(4)]
    shown = fig.axes[4].get_images()[0].get_array()
    np.testing.assert_allclose(shown, digit[3, ..., 0])
    assert fig._suptitle.get_text() == "orders"


def test_width_stacked_steps_shows_each_tall_step():
    stacked = np.random.default_rng(0).random((4, 56, 14, 1))
    fig = plotting.width_stacked_steps(stacked)
    assert len(fig.axes) == 4
    for t, ax in enumerate(fig.axes):
        assert ax.get_images()[0].get_array().shape == (56, 14)
        np.testing.assert_allclose(ax.get_images()[0].get_array(), stacked[t, ..., 0])


def test_confusion_matrix_writes_the_counts_off_the_diagonal():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 2, 2, 2]
    fig = plotting.confusion_matrix(y_true, y_pred, classes=3)
    (ax,) = fig.axes
    counts = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert counts == {((1, 0), "1"), ((2, 1), "2")}  # (predicted, true): 0→1 once, 1→2 twice
    image = ax.get_images()[0].get_array()
    assert image[1, 2] == 2 and image[0, 1] == 1 and np.trace(image) == 0
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"


def test_misclassified_shows_only_the_mistakes():
    images = np.random.default_rng(1).random((5, 28, 28))
    fig = plotting.misclassified(images, [1, 2, 3, 4, 5], [1, 7, 3, 9, 5])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["2 → 7", "4 → 9"]
    shown = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    np.testing.assert_allclose(shown[1], images[3])
