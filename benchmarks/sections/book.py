"""The ``book`` section: the whole book build, timed on a copy of the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, log, tail

IGNORE = (
    ".venv",
    "downloads",  # the wheel is built afresh into the copy, as `make book` does
    "_build",
    ".git",
    "student",
    "*.egg-info",
    "__pycache__",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
)


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Build the whole book from a copy of the repository; time ``jupyter-book build``.

    A quick run builds in fast mode. As ``make book`` does, the labsupport wheel and the
    student edition are made first (the book links to both).
    """
    mode = "fast" if cfg["quick"] else "full"
    env = dict(os.environ)
    env.pop("LABSUPPORT_FAST", None)
    if mode == "fast":
        env["LABSUPPORT_FAST"] = "1"
    jb = Path(sys.executable).parent / "jupyter-book"
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORE))
        cmd = [str(jb), "build", str(copy), "-W", "-n", "--keep-going"]
        log(f"book: {' '.join(cmd)} ({mode} mode)")
        start = time.perf_counter()
        wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        wheel += ["--no-build-isolation", "-w", str(copy / "book" / "downloads"), str(copy)]
        student = [sys.executable, str(copy / "scripts" / "make_student_edition.py")]
        done = subprocess.run(wheel, cwd=copy, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(student, cwd=copy, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - start
    ok = done.returncode == 0
    log(f"  {seconds:.1f} s, {'ok' if ok else 'FAILED'}")
    return {
        "mode": mode,
        "seconds": seconds,
        "ok": ok,
        "returncode": done.returncode,
        "command": (
            "pip wheel (book/downloads), make_student_edition.py, then jupyter-book build "
            "<copy> -W -n --keep-going"
        ),
        "log_tail": tail(done.stdout + done.stderr),
    }
