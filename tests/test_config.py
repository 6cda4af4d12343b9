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


def test_check_keras_explains_keras_2(monkeypatch):
    import keras

    monkeypatch.setattr(keras, "__version__", "2.15.0")
    with pytest.raises(RuntimeError, match="Keras 3.*2.15.0"):
        labsupport.check_keras()
