"""The facts about the machine and the software that a results file records."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
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
    }
    try:
        info["load_average"] = list(os.getloadavg())
    except OSError:
        info["load_average"] = None
    return info
