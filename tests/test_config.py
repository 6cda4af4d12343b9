import pytest

import labsupport
from labsupport import config


def test_fast_mode_reads_the_environment(monkeypatch):
    monkeypatch.setenv(config.FAST_ENV, "1")
    assert labsupport.fast_mode()
    assert labsupport.pick(full=1000, fast=5) == 5
    monkeypatch.setenv(config.FAST_ENV, "0")
    assert not labsupport.fast_mode()
    monkeypatch.delenv(config.FAST_ENV)
    assert labsupport.pick(full=1000, fast=5) == 1000


def test_show_mode_says_which(monkeypatch, capsys):
    monkeypatch.setenv(config.FAST_ENV, "yes")
    labsupport.show_mode()
    assert "Fast mode" in capsys.readouterr().out
    monkeypatch.delenv(config.FAST_ENV)
    labsupport.show_mode()
    assert "Full mode" in capsys.readouterr().out


def test_check_keras_accepts_keras_3():
    assert int(labsupport.check_keras().split(".")[0]) >= 3


def test_check_keras_says_the_backend_and_on_tensorflow_what_tensorflow_says_of_onednn():
    import os

    import keras

    said = labsupport.check_keras()
    assert f"backend: {keras.backend.backend()}" in said
    if keras.backend.backend() != "tensorflow":
        assert "oneDNN" not in said
        return
    from tensorflow.python.util import _pywrap_util_port

    assert f"oneDNN {'on' if _pywrap_util_port.IsMklEnabled() else 'off'}" in said
    setting = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if setting in ("0", "1"):  # set by hand, or by `make test-onednn`: TensorFlow obeys it
        assert f"oneDNN {'on' if setting == '1' else 'off'}" in said


def test_check_keras_explains_keras_2(monkeypatch):
    import keras

    monkeypatch.setattr(keras, "__version__", "2.15.0")
    with pytest.raises(RuntimeError, match="Keras 3.*2.15.0"):
        labsupport.check_keras()


def test_glue_hands_the_value_to_myst_nb_where_the_book_is_built(monkeypatch):
    import sys
    import types

    received = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: received.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)

    labsupport.glue("accuracy", 0.985, display=False)

    assert received == [("accuracy", 0.985, False)]


def test_glue_does_nothing_without_myst_nb(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as in Colab: importing it fails

    assert labsupport.glue("accuracy", 0.985) is None
    assert capsys.readouterr().out == ""
