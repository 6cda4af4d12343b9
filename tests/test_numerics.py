"""labsupport.numerics: the measured precision of float32 products and the tolerance it gives."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport import numerics
from labsupport.exercises import Outcome, ch05

TF32_LIKE = 3e-4  # what an H100 measured under JAX: 10 mantissa bits, one 64-term product


def test_the_measure_is_taken_here():
    # About 1e-7 on a CPU; about 1e-4 on a GPU that multiplies in TensorFloat-32.
    error = numerics.matmul_error()
    assert 0 < error < 1e-2
    assert ("full float32" in numerics.precision_note()) == numerics.full_float32()


@pytest.fixture
def cpu(monkeypatch):
    monkeypatch.setattr(numerics, "matmul_error", lambda size=64: 1.2e-7)


def test_full_float32_keeps_the_tolerance_it_is_given(cpu):
    assert numerics.full_float32()
    assert numerics.tolerance() == {"rtol": 1e-5, "atol": 1e-6}
    assert numerics.tolerance(rtol=1e-7, atol=1e-5) == {"rtol": 1e-7, "atol": 1e-5}
    assert numerics.precision_note().startswith("float32 matrix products here are full float32")


def test_the_measure_sees_rounded_inputs():
    # What TensorFloat-32 does to the inputs, done by hand: keep 10 of float32's 23 mantissa bits.
    rng = np.random.default_rng(0)
    a = rng.normal(size=(64, 64)).astype("float32")
    kept = (a.view(np.uint32) & np.uint32(0xFFFFE000)).view(np.float32)
    exact = a.astype("float64") @ a.astype("float64")
    rounded = kept.astype("float64") @ kept.astype("float64")
    error = np.abs(rounded - exact).max() / np.abs(exact).max()
    assert error > numerics.FULL_FLOAT32  # so such a device is told apart from a CPU


@pytest.fixture
def tf32(monkeypatch):
    monkeypatch.setattr(numerics, "matmul_error", lambda size=64: TF32_LIKE)


def test_reduced_precision_widens_the_tolerance(tf32):
    assert not numerics.full_float32()
    wide = numerics.MARGIN * TF32_LIKE
    assert numerics.tolerance() == {"rtol": wide, "atol": wide}
    assert numerics.tolerance(rtol=0.1, atol=1e-6) == {"rtol": 0.1, "atol": wide}
    note = numerics.precision_note()
    assert "TensorFloat-32" in note and "3e-04" in note and "3e-03" in note


def _plain_and_copy(nudge: float):
    plain = keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])
    td = keras.Sequential([keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))])
    kernel, bias = plain.layers[0].get_weights()
    td.layers[0].set_weights([kernel + nudge, bias])
    return td, plain


def test_ch05_checker_accepts_a_right_answer_on_a_tf32_gpu(tf32):
    # A GPU that multiplies in TensorFloat-32 gives the two models outputs about 1e-3 apart.
    td, plain = _plain_and_copy(1e-4)
    assert ch05.q2.check(td, plain).outcome is Outcome.CORRECT


def test_ch05_checker_still_tells_own_weights_from_copied_ones(tf32):
    plain = keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])
    td = keras.Sequential([keras.Input((5, 3)), layers.TimeDistributed(layers.Dense(4))])
    fb = ch05.q2.check(td, plain)
    assert fb.outcome is Outcome.INCORRECT and "own random" in fb.message


def test_on_a_cpu_the_checker_keeps_its_tight_tolerance(cpu):
    td, plain = _plain_and_copy(1e-4)
    assert ch05.q2.check(td, plain).outcome is Outcome.INCORRECT
