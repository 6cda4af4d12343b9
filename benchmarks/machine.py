"""The facts about the machine and the software that a results file records."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import BACKENDS


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float | None:
    try:
        import psutil

        return psutil.virtual_memory().total / 1024**3
    except ImportError:
        try:
            return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1024**3
        except (ValueError, OSError):
            return None


def gpu_names() -> list[str]:
    """The NVIDIA GPUs ``nvidia-smi`` lists (name and memory); empty without one."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return []
    try:
        out = subprocess.run(
            [smi, "--query-gpu=name,memory.total", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def installed_backends() -> list[str]:
    """The Keras backends whose package is installed (without importing them)."""
    return [name for name in BACKENDS if importlib.util.find_spec(name) is not None]


def keras_backend() -> str:
    """The backend Keras uses in this process: ``KERAS_BACKEND``, else Keras's own setting.

    Read from Keras when Keras is importable; Keras is imported here, so call this only where the
    backend of the current process is meant to be fixed.
    """
    import keras

    return keras.backend.backend()


def package_version(module: str) -> str | None:
    """The installed version of a package, without importing it; None when absent."""
    if importlib.util.find_spec(module) is None:
        return None
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return None


def onednn() -> str | None:
    """Whether TensorFlow uses oneDNN's CPU kernels in a fresh Python with this environment:
    ``"on"``, ``"off"``, or None without TensorFlow. The CPU decides unless
    ``TF_ENABLE_ONEDNN_OPTS`` is set, and convolutions train at different speeds either way."""
    if importlib.util.find_spec("tensorflow") is None:
        return None
    probe = "from labsupport.config import onednn_state; print(onednn_state())"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
        )
    except (subprocess.SubprocessError, OSError):
        return None
    said = out.stdout.strip().splitlines()[-1:] if out.returncode == 0 else []
    return said[0] if said and said[0] in ("on", "off") else None


def commit() -> str | None:
    """The repository's commit, with ``+changes`` when the work tree differs from it (the
    results files aside, which an earlier section of the same run may have written)."""
    git = shutil.which("git")
    root = Path(__file__).resolve().parents[1]
    if not git or not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            [git, "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                git,
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":!benchmarks/results",
            ],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return None
    return (head + ("+changes" if dirty else "")) or None


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "gpus": gpu_names(),
        "python": platform.python_version(),
        "keras_backend": keras_backend(),
        "tensorflow": package_version("tensorflow"),
        "jax": package_version("jax"),
        "torch": package_version("torch"),
        "keras": package_version("keras"),
        "numpy": package_version("numpy"),
        "platform": platform.platform(),
        "onednn": onednn(),
        "commit": commit(),
    }
    try:
        info["load_average"] = list(os.getloadavg())
    except OSError:
        info["load_average"] = None
    return info
