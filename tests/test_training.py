import keras
import numpy as np
import pytest
from keras import layers

from labsupport import data
from labsupport.training import fit_passes


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
