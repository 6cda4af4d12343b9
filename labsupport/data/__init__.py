"""Data for the chapters: the echo problem and MNIST, cut into quadrant sequences.

The echo problem asks a network to give back the sequence it reads. The same five numbers are
shaped three ways, one for each framing the chapters compare:

============  ==============================  =====================
framing       ``x`` (samples, steps, features)  ``y``
============  ==============================  =====================
one-to-one    (5, 1, 1)                        (5, 1)
many-to-one   (1, 5, 1)                        (1, 5)
many-to-many  (1, 5, 1)                        (1, 5, 1)
============  ==============================  =====================

MNIST is looked for in this order, and a one-line note says which source was used:

1. an explicit ``path`` argument, or the file named by the environment variable
   ``LABSUPPORT_MNIST``;
2. the Keras cache (``~/.keras/datasets/mnist.npz``, or under ``KERAS_HOME``);
3. a Keras download (``keras.datasets.mnist.load_data()``), which needs the internet;
4. a small stratified sample of real MNIST that ships inside this package.

The data of the later chapters are generated, not downloaded, each in its own module:
:mod:`labsupport.data.seq2seq` (addition written as characters, chapter 9),
:mod:`labsupport.data.padded` (sequences of different lengths, chapter 10) and
:mod:`labsupport.data.video` (clips of a moving digit, chapter 11).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

MNIST_ENV = "LABSUPPORT_MNIST"
"""Environment variable naming an ``mnist.npz`` file to use before any other source."""

MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")

SAMPLE_NAME = "mnist_sample.npz"

MNIST_CREDIT = (
    "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, licensed under CC BY-SA 3.0."
)

# Quadrants are numbered as they lie on the page: 1 2 on top, 3 4 below.
READING_ORDERS: dict[str, tuple[int, int, int, int]] = {
    "1234": (1, 2, 3, 4),
    "4321": (4, 3, 2, 1),
    "1324": (1, 3, 2, 4),
    "4231": (4, 2, 3, 1),
}


# --------------------------------------------------------------------------- echo problem


def echo_sequence(length: int = 5) -> np.ndarray:
    """Return the echo sequence 0.0, 0.2, 0.4, ... as float32, ``length`` values long.

    The step is ``1 / length`` so the values stay in [0, 1) for any length; for the
    default length of 5 this is the familiar 0.0, 0.2, 0.4, 0.6, 0.8.
    """
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length < 1:
        raise ValueError(f"length must be a positive whole number, got {length!r}")
    return (np.arange(length, dtype=np.float32) / np.float32(length)).astype(np.float32)


def echo_one_to_one(length: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Each value is its own sample of one step: ``x`` is (length, 1, 1), ``y`` is (length, 1)."""
    seq = echo_sequence(length)
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)


def echo_many_to_one(length: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """One sample of ``length`` steps, one flat target vector: (1, length, 1) → (1, length)."""
    seq = echo_sequence(length)
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def echo_many_to_many(length: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """One sample of ``length`` steps with one target per step: (1, length, 1) → (1, length, 1)."""
    seq = echo_sequence(length)
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


# --------------------------------------------------------------------------- MNIST


class MnistFileError(ValueError):
    """An MNIST file exists but cannot be used: it is corrupt or holds the wrong arrays."""


@dataclass(frozen=True)
class MnistData:
    """MNIST arrays together with a note on where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    """One of ``"path"``, ``"keras-cache"``, ``"keras-download"``, ``"bundled-sample"``."""
    location: str
    """The file that was read, or a description of it."""
    named_by: str = ""
    """For ``source == "path"``: ``"argument"`` (the ``path`` argument) or ``MNIST_ENV``."""

    @property
    def is_full(self) -> bool:
        """True when this is the whole data set (60,000 training and 10,000 test images)."""
        return len(self.x_train) == 60_000 and len(self.x_test) == 10_000

    @property
    def note(self) -> str:
        """A one-line description of the source, for the reader.

        It says in words where the data came from and names the file, never its directory, so
        that a notebook's output holds no path of the machine it ran on.
        """
        sizes = f"{len(self.x_train):,} training and {len(self.x_test):,} test images"
        if self.source == "bundled-sample":
            return (
                f"MNIST source: the small sample bundled with labsupport ({sizes}); "
                f"point {MNIST_ENV} at a full mnist.npz for the whole data set. {MNIST_CREDIT}"
            )
        where = {
            "path": (
                f"the file {MNIST_ENV} names"
                if self.named_by == MNIST_ENV
                else "the file passed to load_mnist"
            ),
            "keras-cache": "Keras's download cache",
            "keras-download": "a Keras download, now in Keras's cache",
        }.get(self.source, self.source)
        return f"MNIST source: {where} ({Path(self.location).name}), {sizes}."


def read_mnist_npz(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read and validate an ``mnist.npz`` file in the layout Keras caches.

    Raises:
        FileNotFoundError: the file does not exist.
        MnistFileError: the file is unreadable, lacks an array, or an array has the wrong
            shape or type. The message names the file; the file is never changed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No MNIST file at {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in MNIST_KEYS if k not in npz.files]
            if missing:
                raise MnistFileError(
                    f"{path} is not an MNIST file: it lacks the array(s) {', '.join(missing)} "
                    f"(it holds {', '.join(npz.files) or 'nothing'})."
                )
            arrays = {k: npz[k] for k in MNIST_KEYS}
    except MnistFileError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise MnistFileError(
            f"{path} could not be read as an .npz file ({type(exc).__name__}: {exc}). "
            "It may be truncated or corrupt: replace it with a good copy."
        ) from exc
    _validate_mnist(arrays, path)
    return arrays


def _validate_mnist(arrays: dict[str, np.ndarray], path: Path) -> None:
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise MnistFileError(
                f"{path}: x_{split} has shape {x.shape}; MNIST images are (n, 28, 28)."
            )
        if y.shape != (x.shape[0],):
            raise MnistFileError(
                f"{path}: y_{split} has shape {y.shape}; expected one label per image, "
                f"({x.shape[0]},)."
            )
        if not np.issubdtype(x.dtype, np.integer) or not np.issubdtype(y.dtype, np.integer):
            raise MnistFileError(
                f"{path}: expected whole-number pixels and labels, got {x.dtype} and {y.dtype}."
            )
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise MnistFileError(f"{path}: y_{split} holds labels outside 0-9.")


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its download."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "datasets" / "mnist.npz"


def bundled_sample_path() -> Path:
    """The small MNIST sample shipped inside labsupport."""
    return Path(str(resources.files("labsupport") / "_data" / SAMPLE_NAME))


def _keras_download() -> dict[str, np.ndarray]:
    import contextlib
    import io

    import keras

    # Keras prints the download address; the caller prints one line on the outcome instead.
    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def load_mnist(
    path: str | os.PathLike[str] | None = None,
    *,
    allow_download: bool = True,
    verbose: bool = True,
) -> MnistData:
    """Load MNIST from the first source that has it (see the module docstring for the order).

    Args:
        path: an ``mnist.npz`` to use. When given, it must exist and be valid.
        allow_download: try ``keras.datasets.mnist.load_data()`` when nothing is cached.
        verbose: print the one-line note on the source used.

    Raises:
        FileNotFoundError: ``path`` (or the file ``LABSUPPORT_MNIST`` names) does not exist.
        MnistFileError: a file that was found is corrupt or of the wrong shape.
    """
    explicit = path if path is not None else os.environ.get(MNIST_ENV) or None
    if explicit is not None:
        where = Path(explicit).expanduser()
        origin = "argument" if path is not None else MNIST_ENV
        if not where.is_file():
            given_by = "path" if path is not None else MNIST_ENV
            raise FileNotFoundError(f"MNIST file given by {given_by} does not exist: {where}")
        result = MnistData(
            **read_mnist_npz(where), source="path", location=str(where), named_by=origin
        )
    elif keras_cache_path().is_file():
        cache = keras_cache_path()
        result = MnistData(**read_mnist_npz(cache), source="keras-cache", location=str(cache))
    else:
        result = None
        if allow_download:
            try:
                arrays = _keras_download()
            except Exception as exc:  # offline machines end up here; fall back to the sample
                if verbose:
                    print(
                        f"Keras could not download MNIST ({type(exc).__name__}); "
                        "using the bundled sample."
                    )
            else:
                result = MnistData(
                    **arrays, source="keras-download", location=str(keras_cache_path())
                )
        if result is None:
            sample = bundled_sample_path()
            result = MnistData(
                **read_mnist_npz(sample), source="bundled-sample", location=str(sample)
            )
    if verbose:
        print(result.note)
    return result


def stratified_sample(
    x: np.ndarray, y: np.ndarray, per_class: int, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Pick ``per_class`` images of every digit, in a shuffled but repeatable order."""
    rng = np.random.default_rng(seed)
    picks = []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)
        if len(idx) < per_class:
            raise ValueError(f"only {len(idx)} images of digit {digit}, asked for {per_class}")
        picks.append(rng.choice(idx, size=per_class, replace=False))
    order = rng.permutation(np.concatenate(picks))
    return x[order], y[order]


# --------------------------------------------------------------------------- quadrants


def quadrants(images: np.ndarray) -> np.ndarray:
    """Cut 28 × 28 images into their four 14 × 14 quadrants, numbered 1 2 / 3 4.

    Returns an array of shape (n, 4, 14, 14) in the order 1, 2, 3, 4.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (n, 28, 28), got {images.shape}")
    top, bottom = images[:, :14], images[:, 14:]
    return np.stack([top[:, :, :14], top[:, :, 14:], bottom[:, :, :14], bottom[:, :, 14:]], axis=1)


def quadrant_sequences(images: np.ndarray, order: str = "1234") -> np.ndarray:
    """Read each image as a sequence of four quadrants: (n, 4, 14, 14, 1), channels last.

    Pixels are scaled to float32 in [0, 1]. ``order`` is one of :data:`READING_ORDERS`.
    """
    if order not in READING_ORDERS:
        raise ValueError(f"unknown reading order {order!r}; choose from {sorted(READING_ORDERS)}")
    quads = quadrants(images)
    picked = quads[:, [q - 1 for q in READING_ORDERS[order]]]
    return (picked.astype(np.float32) / 255.0)[..., np.newaxis]


def width_stacked_sequences(images: np.ndarray) -> np.ndarray:
    """The layout of the original question, channels last: (n, 4, 56, 14, 1).

    Step ``t`` stacks the ``t``-th quadrant of all four reading orders (1234, 4321, 1324,
    4231) on top of each other, so each step is a 56 × 14 picture: 56 rows, 14 columns. The
    name is older than this docstring: the orders are stacked along the height (axis 2), the
    way the question's ``(60000, 4, 1, 56, 14)`` array holds them, not along the width.
    """
    per_order = [quadrant_sequences(images, order) for order in READING_ORDERS]
    return np.concatenate(per_order, axis=2)
