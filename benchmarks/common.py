"""What every part of the benchmark command shares: paths, the sizes of a run, the log."""

from __future__ import annotations

import datetime as _dt
import re
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours in tracebacks and logs

BACKENDS = ("tensorflow", "jax", "torch")
"""The Keras 3 backends the benchmark knows; the ``arithmetic`` section measures each installed."""

# The sizes of a real run, and of a --quick trial run.
FULL: dict[str, Any] = {
    "notebook_modes": ("full", "fast"),
    "notebook_timeout": 900,
    "mnist_budgets": (15.0, 30.0, 60.0, 120.0),
    "mnist_checkpoint_every": 15.0,
    "mnist_train_limit": None,
    "mnist_test_limit": None,
    "mnist_target_run": True,
    "three_ways": {"steps": (4, 8, 16), "batch": (8, 32), "image_shape": (64, 64, 1), "repeats": 5},
    "td_cost": {
        "steps": (4, 16, 64, 256, 1024),
        "batch": 32,
        "features": 16,
        "units": 8,
        "repeats": 5,
    },
    "echo_seeds": (0, 1, 2),
    "echo_max_passes": {"one_to_one": 3000, "many_to_one": 2000, "many_to_many": 3000},
    "arithmetic": {
        "matmul_n": 2048,
        "conv_shape": (64, 56, 56, 32),
        "conv_filters": 64,
        "repeats": 5,
        "train_seconds": 30.0,
        "train_epochs": 2,
        "train_limit": None,
        "test_limit": None,
    },
}
QUICK: dict[str, Any] = {
    "notebook_modes": ("fast",),
    "notebook_timeout": 600,
    "mnist_budgets": (3.0, 6.0),
    "mnist_checkpoint_every": None,
    "mnist_train_limit": 6000,
    "mnist_test_limit": 2000,
    "mnist_target_run": False,
    "three_ways": {"steps": (4,), "batch": (8,), "image_shape": (32, 32, 1), "repeats": 3},
    "td_cost": {"steps": (4, 16), "batch": 8, "features": 4, "units": 2, "repeats": 2},
    "echo_seeds": (0,),
    "echo_max_passes": {"one_to_one": 100, "many_to_one": 100, "many_to_many": 100},
    "arithmetic": {
        "matmul_n": 512,
        "conv_shape": (8, 28, 28, 16),
        "conv_filters": 16,
        "repeats": 2,
        "train_seconds": 4.0,
        "train_epochs": 1,
        "train_limit": 6000,
        "test_limit": 2000,
    },
}


def now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def tail(text: str, n: int = 15) -> list[str]:
    """The warnings and errors of a log (colours removed), then its last lines; ``n`` at most."""
    lines = [ln for ln in ANSI.sub("", text).strip().splitlines() if ln.strip()]
    noise = ("absl::", "cuda", "cuInit", "Kernel is running over TCP")
    lines = [ln for ln in lines if not any(word in ln for word in noise)]
    flagged = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
    last = [ln for ln in lines[-5:] if ln not in flagged]
    return (flagged[: n - len(last)] + last)[-n:]
