"""The book's execution cache (book/_ext/execution_cache.py): one per mode, renewed on changes."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "execution_cache", ROOT / "book" / "_ext" / "execution_cache.py"
)
cache = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cache)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the layout the extension hashes, with no MNIST file and full mode."""
    (tmp_path / "labsupport").mkdir()
    (tmp_path / "labsupport" / "a.py").write_text("x = 1\n")
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "cpu.json").write_text("{}")
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    for name in ("LABSUPPORT_FAST", "LABSUPPORT_MNIST", "BOOK_EXECUTE", "KERAS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


def test_the_hash_follows_labsupport_and_the_mnist_file_not_benchmark_results(project, monkeypatch):
    first = cache.state_hash()
    assert cache.state_hash() == first
    (project / "labsupport" / "a.py").write_text("x = 2\n")
    second = cache.state_hash()
    assert second != first
    (project / "benchmarks" / "results" / "cpu.json").write_text('{"new": 1}')
    third = cache.state_hash()
    assert third == second  # `make bench` re-runs no chapter
    mnist = project / "mnist.npz"
    mnist.write_bytes(b"npz")
    monkeypatch.setenv("LABSUPPORT_MNIST", str(mnist))
    assert cache.state_hash() != third


def test_one_cache_per_mode_and_data_and_older_ones_go(project, monkeypatch):
    build = project / "_build"
    full = cache.cache_directory(build)
    assert full.name.startswith("full-sample-tensorflow-")
    full.mkdir(parents=True)
    monkeypatch.setenv("LABSUPPORT_FAST", "1")
    fast = cache.cache_directory(build)
    assert fast.name.startswith("fast-sample-tensorflow-") and fast.parent == full.parent
    fast.mkdir()
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    jax = cache.cache_directory(build)
    assert jax.name.startswith("fast-sample-jax-")
    jax.mkdir()
    monkeypatch.delenv("KERAS_BACKEND")
    (project / "labsupport" / "a.py").write_text("x = 3\n")
    newer = cache.cache_directory(build)
    assert newer != fast and not fast.exists()  # the fast cache of the old code is gone
    assert full.exists() and jax.exists()  # other modes and backends keep their caches


def test_book_execute_overrides_the_mode_and_is_checked(project, monkeypatch):
    app = SimpleNamespace(outdir=str(project / "_build" / "html"))
    config = SimpleNamespace(nb_execution_mode="cache", nb_execution_cache_path="")
    cache._choose(app, config)
    assert config.nb_execution_mode == "cache"
    assert Path(config.nb_execution_cache_path).parent == project / "_build" / ".jupyter_cache"
    monkeypatch.setenv("BOOK_EXECUTE", "force")
    cache._choose(app, config)
    assert config.nb_execution_mode == "force"
    monkeypatch.setenv("BOOK_EXECUTE", "always")
    with pytest.raises(ValueError, match="BOOK_EXECUTE must be one of"):
        cache._choose(app, config)


def test_the_book_caches_locally_and_ci_runs_everything():
    settings = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert settings["execute"]["execute_notebooks"] == "cache"
    assert settings["execute"]["allow_errors"] is False
    assert settings["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert settings["sphinx"]["local_extensions"]["execution_cache"] == "book/_ext"
    assert "make book BOOK_EXECUTE=force" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "BOOK_EXECUTE=$(BOOK_EXECUTE)" in makefile
    assert "$(if $(filter force,$(BOOK_EXECUTE)),--all)" in makefile


def test_the_pages_that_show_others_results_are_read_on_every_build():
    env = SimpleNamespace(found_docs={"book/benchmarks", "book/ledger", "notebooks/01_x"})
    assert cache._always_read(None, env, set(), set(), set()) == ["book/benchmarks", "book/ledger"]
    page = (ROOT / "book" / "benchmarks.md").read_text()
    for mode, forced in (("cache", True), ("off", False), ("force", False)):
        source = [page]
        app = SimpleNamespace(config=SimpleNamespace(nb_execution_mode=mode))
        cache._run_afresh(app, "book/benchmarks", source)
        front = yaml.safe_load(source[0].split("---")[1])
        assert (front.get("mystnb") == {"execution_mode": "force"}) is forced, mode
        other = [page]
        cache._run_afresh(app, "notebooks/01_x", other)
        assert other == [page]
