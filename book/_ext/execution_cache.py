"""Execute each page once per state of the code it runs: jupyter-cache, one cache per mode.

With ``execute_notebooks: cache`` a page is executed only when its code cells change, and
its outputs come from ``_build/.jupyter_cache`` otherwise. The outputs also depend on what the
cells call, so this extension picks the cache directory from everything else they depend on:

* the mode, ``fast`` (``LABSUPPORT_FAST=1``) or ``full``;
* the Keras backend (``KERAS_BACKEND``, TensorFlow when unset);
* the MNIST data, the full file (``LABSUPPORT_MNIST`` or the Keras cache) or the sample
  bundled with labsupport;
* a hash of the sources of ``labsupport`` (all that the chapters import from the repository)
  and of the installed package versions.

A change to any of them gives a new directory, and so a new Sphinx configuration value, on
which Sphinx reads every page again and the pages run afresh; going back to an earlier state
finds its cache again. Older caches of the same mode and data are deleted.

Two pages read what others produced, and are read and written on every build: the Benchmarks
page, which shows ``benchmarks/results`` (with the execution cache on, it runs afresh each
time, a few seconds: :func:`_run_afresh` sets its ``execution_mode`` to ``force``), so that
``make bench`` re-runs no chapter; and the claims ledger, which pastes what the chapters
recorded.

``BOOK_EXECUTE`` (``cache``, ``force``, ``auto`` or ``off``) overrides ``execute_notebooks``
for one build: ``make book BOOK_EXECUTE=force`` runs every page, as CI does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("labsupport",)
ALWAYS_READ = ("book/benchmarks", "book/ledger")
"""Pages that show what others produced: read again on every build."""
RUN_AFRESH = ("book/benchmarks",)
"""Pages whose outputs come from files the cache key leaves out: never taken from the cache."""
MODES = ("cache", "force", "auto", "off")


def _fast() -> bool:
    return os.environ.get("LABSUPPORT_FAST", "").strip().lower() in {"1", "true", "yes", "on"}


def _backend() -> str:
    return os.environ.get("KERAS_BACKEND", "").strip().lower() or "tensorflow"


def _mnist_file() -> Path | None:
    named = os.environ.get("LABSUPPORT_MNIST")
    if named:
        return Path(named).expanduser()
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    cached = Path(home) / "datasets" / "mnist.npz"
    return cached if cached.is_file() else None


def state_hash() -> str:
    """A short hash of the code and packages the pages run, and of the MNIST file they read."""
    digest = hashlib.sha256()
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(versions).encode())
    mnist = _mnist_file()
    if mnist is not None and mnist.is_file():
        stat = mnist.stat()
        digest.update(f"{mnist.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def cache_directory(build_dir: Path) -> Path:
    """``<build_dir>/.jupyter_cache/<mode>-<data>-<backend>-<hash>``; drops older ones of a kind."""
    mnist = _mnist_file()
    data = "mnist" if mnist and mnist.is_file() else "sample"
    kind = f"{'fast' if _fast() else 'full'}-{data}-{_backend()}"
    root = build_dir / ".jupyter_cache"
    wanted = root / f"{kind}-{state_hash()}"
    if root.is_dir():
        for old in root.glob(f"{kind}-*"):
            if old != wanted and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return wanted


def _choose(app, config) -> None:
    mode = os.environ.get("BOOK_EXECUTE", "").strip()
    if mode:
        if mode not in MODES:
            raise ValueError(f"BOOK_EXECUTE must be one of {', '.join(MODES)}; got {mode!r}")
        config.nb_execution_mode = mode
    config.nb_execution_cache_path = str(cache_directory(Path(app.outdir).parent))


def _always_read(app, env, added, changed, removed) -> list[str]:
    return [doc for doc in ALWAYS_READ if doc in env.found_docs]


def _run_afresh(app, docname, source) -> None:
    """With the cache on, a page of :data:`RUN_AFRESH` runs anyway (myst-nb's file-level
    ``execution_mode``, set in its front matter as it is read); other modes are left alone."""
    if docname in RUN_AFRESH and app.config.nb_execution_mode == "cache":
        front = source[0].split("\n---", 1)[0] if source[0].startswith("---\n") else None
        # only the page's front matter counts: a code cell's options may hold `mystnb:` too
        if front is not None and "\nmystnb:" not in front:
            source[0] = source[0].replace("---\n", "---\nmystnb:\n  execution_mode: force\n", 1)


def setup(app):
    # before myst-nb reads its configuration (builder-inited), and before Sphinx compares the
    # configuration with the one of the last build to decide which pages to read again
    app.connect("config-inited", _choose)
    app.connect("env-get-outdated", _always_read)
    app.connect("source-read", _run_afresh)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
