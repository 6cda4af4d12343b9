import warnings

import keras
import numpy as np
import pytest
from keras import layers

from labsupport import data
from labsupport.training import fit_passes, recorded_warnings


def _model():
    keras.utils.set_random_seed(1)
    m = keras.Sequential([keras.Input((1, 1)), layers.LSTM(3), layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    return m


def test_fit_passes_makes_the_same_updates_as_epochs():
    x, y = data.echo_one_to_one()
    plain = _model()
    plain.fit(x, y, epochs=20, batch_size=5, shuffle=False, verbose=0)
    fast = _model()
    history = fit_passes(fast, x, y, passes=20, batch_size=5)
    assert history.passes == 20
    assert len(history.history["loss"]) == 2  # one value per 10 passes
    for a, b in zip(plain.get_weights(), fast.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fit_passes_rejects_uneven_batches():
    x, y = data.echo_one_to_one()
    with pytest.raises(ValueError, match="must divide"):
        fit_passes(_model(), x, y, passes=10, batch_size=2)


def test_each_loss_value_is_the_mean_of_its_passes():
    """The History's loss is per Keras epoch: the mean over that epoch's passes."""
    x, y = data.echo_one_to_one()
    plain = _model()
    per_pass = plain.fit(x, y, epochs=20, batch_size=5, shuffle=False, verbose=0)
    history = fit_passes(_model(), x, y, passes=20, batch_size=5)
    assert history.passes_per_epoch == 10 and history.updates_per_pass == 1
    losses = np.asarray(per_pass.history["loss"])
    np.testing.assert_allclose(
        history.history["loss"], [losses[:10].mean(), losses[10:].mean()], rtol=1e-4
    )


def test_loss_curve_counts_passes_for_fit_passes_histories():
    import matplotlib

    matplotlib.use("Agg")
    from labsupport import plotting

    x, y = data.echo_one_to_one()
    history = fit_passes(_model(), x, y, passes=30, batch_size=5)
    fig = plotting.loss_curve(history)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "passes over the training data (each one weight update)"
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [10, 20, 30]
    assert "mean over each 10 passes" in ax.get_legend().get_texts()[0].get_text()

    two_batches = fit_passes(
        _model(), np.tile(x, (2, 1, 1)), np.tile(y, (2, 1)), passes=10, batch_size=5
    )
    assert plotting.loss_curve(two_batches).axes[0].get_xlabel().endswith("(2 weight updates each)")

    plain = plotting.loss_curve({"loss": [3.0, 2.0, 1.0]})
    assert plain.axes[0].get_xlabel() == "epoch"
    assert list(plain.axes[0].get_lines()[0].get_xdata()) == [1, 2, 3]


@pytest.mark.parametrize(
    ("passes", "per_epoch", "epochs"), [(15, 5, 3), (25, 5, 5), (14, 7, 2), (7, 7, 1), (13, 1, 13)]
)
def test_fit_passes_runs_exactly_the_passes_asked(passes, per_epoch, epochs):
    x, y = data.echo_one_to_one()
    plain = _model()
    plain.fit(x, y, epochs=passes, batch_size=5, shuffle=False, verbose=0)
    history = fit_passes(_model(), x, y, passes=passes, batch_size=5)
    assert history.passes == passes
    assert history.passes_per_epoch == per_epoch
    assert len(history.history["loss"]) == epochs
    fast = history.model
    for a, b in zip(plain.get_weights(), fast.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_fit_passes_refuses_counts_that_are_not_positive_whole_numbers(bad):
    x, y = data.echo_one_to_one()
    with pytest.raises(ValueError, match="passes must be a positive whole number"):
        fit_passes(_model(), x, y, passes=bad, batch_size=5)


def test_fit_passes_hands_extra_callbacks_to_fit():
    x, y = data.echo_one_to_one()
    seen = []

    class Count(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(epoch)

    history = fit_passes(_model(), x, y, passes=30, batch_size=5, callbacks=[Count()])
    assert seen == [0, 1, 2] and history.passes == 30


def test_recorded_warnings_keeps_warnings_and_sets_the_backend_notices_apart():
    with recorded_warnings() as caught:
        warnings.warn("the model reads 6 steps", UserWarning, stacklevel=1)
        warnings.warn(
            "__array__ implementation doesn't accept a copy keyword, so passing copy=False failed.",
            DeprecationWarning,
            stacklevel=1,
        )
        warnings.warn("a deprecated argument", DeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["the model reads 6 steps", "a deprecated argument"]
    assert len(caught.left_out) == 1 and "__array__" in str(caught.left_out[0].message)
    assert caught.summary() == "2 warnings (1 notice of the backend about its own tensors left out)"
    with recorded_warnings() as quiet:
        pass
    assert quiet.summary() == "0 warnings" and quiet.left_out == []


def test_recorded_warnings_on_this_backend_predict_and_fit_add_nothing():
    """What chapter 3 relies on: on every backend, an ordinary call leaves the list empty."""
    x, y = data.echo_one_to_one()
    model = _model()
    with recorded_warnings() as caught:
        model.predict(x, verbose=0)
        model.fit(x, y, epochs=1, batch_size=5, verbose=0)
    assert not caught, [str(w.message) for w in caught]
