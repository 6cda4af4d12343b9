"""Data functions: echo framings, MNIST sources in their order, quadrants."""

import numpy as np
import pytest

from labsupport import data
from labsupport.data import MnistFileError

# ------------------------------------------------------------------ echo


def test_echo_sequence_values_and_dtype():
    seq = data.echo_sequence()
    np.testing.assert_allclose(seq, [0.0, 0.2, 0.4, 0.6, 0.8], atol=1e-7)
    assert seq.dtype == np.float32


def test_echo_sequence_length_is_configurable():
    seq = data.echo_sequence(10)
    assert seq.shape == (10,)
    np.testing.assert_allclose(seq[:3], [0.0, 0.1, 0.2], atol=1e-7)
    assert seq.max() < 1


@pytest.mark.parametrize("bad", [0, -1, 2.5, "5", True])
def test_echo_sequence_rejects_bad_lengths(bad):
    with pytest.raises(ValueError, match="positive whole number"):
        data.echo_sequence(bad)


@pytest.mark.parametrize(
    ("framing", "x_shape", "y_shape"),
    [
        (data.echo_one_to_one, (5, 1, 1), (5, 1)),
        (data.echo_many_to_one, (1, 5, 1), (1, 5)),
        (data.echo_many_to_many, (1, 5, 1), (1, 5, 1)),
    ],
)
def test_echo_framings(framing, x_shape, y_shape):
    x, y = framing()
    assert x.shape == x_shape and y.shape == y_shape
    assert x.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(x.ravel(), y.ravel())  # an echo
    x2, _ = framing()
    np.testing.assert_array_equal(x, x2)  # deterministic


def test_echo_framing_with_other_length():
    x, y = data.echo_many_to_many(7)
    assert x.shape == (1, 7, 1) and y.shape == (1, 7, 1)


# ------------------------------------------------------------------ MNIST files


def _write_mnist(path, n_train=20, n_test=10, **override):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }
    arrays.update(override)
    np.savez(path, **arrays)
    return path


@pytest.fixture
def no_sources(monkeypatch, tmp_path):
    """No env var, an empty Keras cache, and a download that fails as it does offline."""
    monkeypatch.delenv(data.MNIST_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(data, "_keras_download", offline)
    return tmp_path


def test_explicit_path_comes_first(no_sources, capsys):
    path = _write_mnist(no_sources / "mine.npz")
    _write_mnist(data.keras_cache_path().parent.mkdir(parents=True) or data.keras_cache_path())
    mnist = data.load_mnist(path)
    assert mnist.source == "path" and mnist.location == str(path)
    assert mnist.x_train.shape == (20, 28, 28)
    out = capsys.readouterr().out
    assert "MNIST source: the file passed to load_mnist (mine.npz)" in out
    assert str(no_sources) not in out  # the note names the file, not the machine's folders


def test_environment_variable_is_used(no_sources, monkeypatch, capsys):
    path = _write_mnist(no_sources / "env.npz")
    monkeypatch.setenv(data.MNIST_ENV, str(path))
    mnist = data.load_mnist()
    assert mnist.source == "path" and mnist.named_by == data.MNIST_ENV
    out = capsys.readouterr().out
    assert "MNIST source: the file LABSUPPORT_MNIST names (env.npz)" in out
    assert str(no_sources) not in out


def test_missing_explicit_file_is_an_error(no_sources, monkeypatch):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        data.load_mnist(no_sources / "nope.npz")
    monkeypatch.setenv(data.MNIST_ENV, str(no_sources / "gone.npz"))
    with pytest.raises(FileNotFoundError, match="LABSUPPORT_MNIST"):
        data.load_mnist()


def test_keras_cache_is_second(no_sources):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    _write_mnist(cache)
    mnist = data.load_mnist(verbose=False)
    assert mnist.source == "keras-cache" and mnist.location == str(cache)
    assert mnist.note.startswith("MNIST source: Keras's download cache (mnist.npz), 20 training")
    assert str(no_sources) not in mnist.note


def test_keras_download_is_third(no_sources, monkeypatch):
    fake = {
        "x_train": np.zeros((3, 28, 28), np.uint8),
        "y_train": np.zeros(3, np.uint8),
        "x_test": np.zeros((2, 28, 28), np.uint8),
        "y_test": np.zeros(2, np.uint8),
    }
    monkeypatch.setattr(data, "_keras_download", lambda: fake)
    mnist = data.load_mnist(verbose=False)
    assert mnist.source == "keras-download"
    assert mnist.note.startswith("MNIST source: a Keras download, now in Keras's cache (mnist.npz)")


def test_bundled_sample_is_last(no_sources, capsys):
    mnist = data.load_mnist()
    out = capsys.readouterr().out
    assert mnist.source == "bundled-sample"
    assert "could not download" in out and "bundled" in out and "CC BY-SA 3.0" in out
    assert mnist.x_train.shape == (3000, 28, 28) and mnist.x_test.shape == (1000, 28, 28)
    assert not mnist.is_full


def test_bundled_sample_is_stratified_real_mnist():
    arrays = data.read_mnist_npz(data.bundled_sample_path())
    assert np.bincount(arrays["y_train"]).tolist() == [300] * 10
    assert np.bincount(arrays["y_test"]).tolist() == [100] * 10
    assert arrays["x_train"].dtype == np.uint8
    # Real digits: mostly black background, with ink in the middle.
    assert 20 < arrays["x_train"].mean() < 50
    assert arrays["x_train"][:, 10:18, 10:18].mean() > arrays["x_train"][:, :3, :3].mean() + 50


def test_download_can_be_skipped(no_sources, monkeypatch):
    def must_not_run():
        raise AssertionError("download attempted")

    monkeypatch.setattr(data, "_keras_download", must_not_run)
    assert data.load_mnist(allow_download=False, verbose=False).source == "bundled-sample"


def test_corrupt_file_names_the_file_and_is_left_alone(no_sources):
    path = no_sources / "broken.npz"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    before = path.read_bytes()
    with pytest.raises(MnistFileError, match="broken.npz"):
        data.load_mnist(path)
    assert path.read_bytes() == before


def test_corrupt_keras_cache_is_reported_not_replaced(no_sources):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"garbage")
    with pytest.raises(MnistFileError, match="mnist.npz"):
        data.load_mnist()
    assert cache.read_bytes() == b"garbage"


def test_wrong_shape_is_reported(no_sources):
    path = _write_mnist(no_sources / "flat.npz", x_train=np.zeros((20, 784), np.uint8))
    with pytest.raises(MnistFileError, match=r"flat.npz: x_train has shape \(20, 784\)"):
        data.load_mnist(path)


def test_missing_array_is_reported(no_sources):
    path = no_sources / "partial.npz"
    np.savez(path, x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(MnistFileError, match="lacks the array"):
        data.load_mnist(path)


def test_labels_must_match_images(no_sources):
    path = _write_mnist(no_sources / "labels.npz", y_train=np.zeros(3, np.uint8))
    with pytest.raises(MnistFileError, match="one label per image"):
        data.load_mnist(path)


def test_stratified_sample_is_deterministic():
    x = np.arange(100 * 4).reshape(100, 2, 2)
    y = np.arange(100) % 10
    a = data.stratified_sample(x, y, 3, seed=5)
    b = data.stratified_sample(x, y, 3, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    assert np.bincount(a[1]).tolist() == [3] * 10
    with pytest.raises(ValueError, match="only 10 images"):
        data.stratified_sample(x, y, 11)


# ------------------------------------------------------------------ quadrants


def test_quadrants_are_numbered_as_on_the_page():
    image = np.zeros((1, 28, 28), np.uint8)
    image[0, :14, :14], image[0, :14, 14:] = 1, 2
    image[0, 14:, :14], image[0, 14:, 14:] = 3, 4
    quads = data.quadrants(image)
    assert quads.shape == (1, 4, 14, 14)
    assert [int(quads[0, i].mean()) for i in range(4)] == [1, 2, 3, 4]


@pytest.mark.parametrize("order", list(data.READING_ORDERS))
def test_quadrant_sequences_follow_the_order(order):
    image = np.zeros((2, 28, 28), np.uint8)
    image[:, :14, :14], image[:, :14, 14:] = 10, 20
    image[:, 14:, :14], image[:, 14:, 14:] = 30, 40
    seq = data.quadrant_sequences(image, order)
    assert seq.shape == (2, 4, 14, 14, 1) and seq.dtype == np.float32
    got = [round(float(seq[0, t].mean()) * 255 / 10) for t in range(4)]
    assert got == [int(c) for c in order]


def test_width_stacked_layout():
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    stacked = data.width_stacked_sequences(images)
    assert stacked.shape == (3, 4, 56, 14, 1)
    # Step 0 holds the first quadrant of each order, one above the other: 1, 4, 1, 4.
    q = data.quadrants(images).astype(np.float32) / 255
    np.testing.assert_allclose(stacked[:, 0, :14, :, 0], q[:, 0])
    np.testing.assert_allclose(stacked[:, 0, 14:28, :, 0], q[:, 3])


def test_quadrant_input_errors():
    with pytest.raises(ValueError, match=r"\(n, 28, 28\)"):
        data.quadrants(np.zeros((2, 28, 27)))
    with pytest.raises(ValueError, match="unknown reading order"):
        data.quadrant_sequences(np.zeros((1, 28, 28)), "1243")
