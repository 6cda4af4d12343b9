"""Full mode and fast mode.

Every chapter runs in *full mode* by default: it trains until the model has learned what the
chapter claims, and the assertions check it. *Fast mode* shrinks epochs and data so the test
suite can run every notebook in a few minutes; claims about parameter counts and shapes are
still checked, claims about how well a model learned are not.

Set the environment variable ``LABSUPPORT_FAST=1`` before starting Jupyter (or before running
``pytest``) to switch fast mode on.
"""

from __future__ import annotations

import os
from typing import TypeVar

FAST_ENV = "LABSUPPORT_FAST"
_TRUE = {"1", "true", "yes", "on"}

T = TypeVar("T")


def fast_mode() -> bool:
    """Return True when ``LABSUPPORT_FAST`` asks for the quick, test-sized run."""
    return os.environ.get(FAST_ENV, "").strip().lower() in _TRUE


def pick(full: T, fast: T) -> T:
    """Return ``full`` in full mode and ``fast`` in fast mode.

    Example: ``epochs = pick(full=1000, fast=20)``.
    """
    return fast if fast_mode() else full


def mode_note() -> str:
    """A one-line note on the mode this notebook runs in."""
    if fast_mode():
        line = (
            f"Fast mode ({FAST_ENV}=1): fewer epochs and less data; "
            "claims about learning are not checked."
        )
    else:
        line = "Full mode: full-size data and training; every claim below is checked."
    return line


def show_mode() -> None:
    """Print the one-line note on the mode this notebook runs in."""
    print(mode_note())


BACKEND_PACKAGES = {"tensorflow": "tensorflow>=2.16", "jax": "jax", "torch": "torch"}
"""The package each Keras 3 backend needs (``KERAS_BACKEND`` picks one; TensorFlow by default)."""


def check_keras() -> str:
    """Make sure Keras 3 and its backend are installed; explain what to do when they are not.

    Returns the version and the backend in use, e.g. ``"3.15.1 (backend: jax)"``; the backend
    is the one ``KERAS_BACKEND`` names (``tensorflow``, ``jax`` or ``torch``), TensorFlow when
    it is not set. On TensorFlow it also says whether its CPU kernels are oneDNN's
    (``"3.15.1 (backend: tensorflow, oneDNN on)"``): TensorFlow decides that from the CPU
    unless ``TF_ENABLE_ONEDNN_OPTS`` is set, and some results depend on it (chapter 8).
    """
    try:
        import keras
    except ImportError as exc:
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        package = BACKEND_PACKAGES.get(backend, backend)
        raise ImportError(
            f"Keras 3 or its {backend} backend is not installed ({exc}). Install both: "
            f"pip install 'keras>=3' '{package}' (or choose another backend with "
            "KERAS_BACKEND=tensorflow, jax or torch before starting Python)."
        ) from exc
    version = keras.__version__
    major = int(version.split(".")[0])
    if major < 3:
        raise RuntimeError(
            f"This book is written for Keras 3 and you have Keras {version}. "
            "Install Keras 3 with a backend (pip install -U 'keras>=3' 'tensorflow>=2.16', or "
            "jax, or torch), then restart the kernel. If you must stay on Keras 2, the ideas "
            "carry over, but shapes print differently, errors read differently and some checks "
            "here will not run."
        )
    backend = keras.backend.backend()
    onednn = onednn_state() if backend == "tensorflow" else None
    return f"{version} (backend: {backend}" + (f", oneDNN {onednn})" if onednn else ")")


def onednn_state() -> str | None:
    """``"on"`` or ``"off"``: whether TensorFlow runs its CPU kernels through oneDNN in this
    process, as TensorFlow itself reports it; None without TensorFlow."""
    try:
        from tensorflow.python.util import _pywrap_util_port  # no public call reports it
    except ImportError:
        return None
    return "on" if _pywrap_util_port.IsMklEnabled() else "off"


def glue(name: str, value, display: bool = True) -> None:
    """Hand a value to the book: ``myst_nb.glue`` where the book is built, nothing elsewhere.

    The book's text pastes glued values in (``{glue:text}`name```). In JupyterLab or Colab,
    where myst-nb is usually not installed, the cells print the same values, so nothing is lost.
    """
    try:
        from myst_nb import glue as book_glue
    except ModuleNotFoundError:
        return
    book_glue(name, value, display=display)
