"""A CPU stand-in for TensorFloat-32: float32 matrix products and convolutions whose inputs keep
11 significant bits (10 of mantissa), as NVIDIA GPUs from the A100 on compute them by default
under TensorFlow and JAX.

``make test-tf32`` copies this file into a fresh IPython profile's start-up folder, so every
chapter's kernel runs it before its first cell. It wraps the active Keras backend's ``matmul`` and
``conv`` (what ``Dense``, the recurrent cells and the convolution layers call) so that both inputs
are rounded first; the products then carry TF32's error of about 1e-4, and
``labsupport.numerics`` measures it as it would on such a GPU. It uses only the backend's own
multiply and subtract (Veltkamp's splitting), so it works on TensorFlow, JAX and PyTorch, inside
compiled functions too.
"""

from __future__ import annotations

import functools

SPLIT = float(2**13 + 1)  # 24 significant bits of float32, less 13, leaves TF32's 11


def install() -> None:
    import keras
    from keras.src import backend

    numpy_ops, nn_ops = backend.numpy, backend.nn
    if getattr(numpy_ops.matmul, "tf32_standin", False):
        return

    def to_tf32(x):
        x = backend.convert_to_tensor(x)
        if keras.backend.standardize_dtype(x.dtype) != "float32":
            return x
        big = numpy_ops.multiply(x, SPLIT)
        return numpy_ops.subtract(big, numpy_ops.subtract(big, x))

    def rounded(function):
        @functools.wraps(function)
        def wrapper(a, b, *args, **kwargs):
            return function(to_tf32(a), to_tf32(b), *args, **kwargs)

        wrapper.tf32_standin = True
        return wrapper

    numpy_ops.matmul = rounded(numpy_ops.matmul)
    nn_ops.conv = rounded(nn_ops.conv)


install()
