"""How precisely this machine multiplies float32 matrices, and the tolerance that follows from it.

Several chapters compute one thing two ways (a layer and NumPy, ``Dense`` and
``TimeDistributed(Dense)``) and check that the results agree. How closely they agree depends on
the hardware. On a CPU, float32 matrix products are float32 all the way: two ways of computing
the same thing differ by about 1e-7 relative to the values. NVIDIA GPUs from the A100 on (also
the L4 and the H100) multiply float32 matrices in TensorFloat-32 by default under TensorFlow and
JAX: the inputs keep 10 bits of mantissa instead of 23, and the two results can differ by 1e-3.

This module measures which case applies rather than guessing from the device's name: it
multiplies two random matrices with the Keras backend and compares with NumPy in float64.
"""

from __future__ import annotations

import functools

import numpy as np

FULL_FLOAT32 = 1e-5
"""Largest relative error of a product that still counts as full float32 (about 1e-7 is usual)."""

MARGIN = 10
"""How much wider than one product's error a comparison of two longer computations is allowed."""


@functools.cache
def matmul_error(size: int = 64) -> float:
    """Relative error of a float32 ``keras.ops.matmul`` of two random ``size × size`` matrices.

    Measured once per process against NumPy in float64: about 1e-7 on a CPU, about 1e-4 where
    the device multiplies in TensorFloat-32.
    """
    import keras

    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=(size, size)).astype("float32") for _ in range(2))
    exact = a.astype("float64") @ b.astype("float64")
    got = keras.ops.convert_to_numpy(keras.ops.matmul(a, b)).astype("float64")
    return float(np.abs(got - exact).max() / np.abs(exact).max())


def full_float32() -> bool:
    """True when this device's float32 matrix products are full float32 (``matmul_error``)."""
    return matmul_error() <= FULL_FLOAT32


def tolerance(rtol: float = 1e-5, atol: float = 1e-6) -> dict[str, float]:
    """``rtol`` and ``atol`` for ``np.testing.assert_allclose``, widened where products are not
    full float32.

    On a CPU it returns the tolerances it is given. Where the device multiplies in reduced
    precision, each becomes at least ``MARGIN`` times the measured error of one product.
    Use: ``np.testing.assert_allclose(a, b, **numerics.tolerance())``.
    """
    if full_float32():
        return {"rtol": rtol, "atol": atol}
    wide = MARGIN * matmul_error()
    return {"rtol": max(rtol, wide), "atol": max(atol, wide)}


def precision_note() -> str:
    """One line on how this device multiplies float32 matrices, with the measured error."""
    error = matmul_error()
    if full_float32():
        return (
            f"float32 matrix products here are full float32: relative error {error:.0e} "
            "against float64."
        )
    return (
        f"float32 matrix products here are rounded (relative error {error:.0e} against float64): "
        "this device multiplies in TensorFloat-32, so the checks allow "
        f"{MARGIN * error:.0e}."
    )
