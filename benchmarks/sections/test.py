"""The ``test`` section: the README's test command, ``make test``, timed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import ROOT, log, tail


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("LABSUPPORT_FAST", None)  # the Makefile sets it
    if shutil.which("make"):
        cmd = ["make", "test"]
    else:  # the recipe of `make test`, for machines without make
        cmd = [sys.executable, "-m", "pytest", "tests", "notebooks", "--nbval-lax"]
        env["LABSUPPORT_FAST"] = "1"
    log(f"test: {' '.join(cmd)}")
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    last = tail(done.stdout + done.stderr)
    log(f"  {seconds:.1f} s, exit status {done.returncode}: {last[-1] if last else ''}")
    return {
        "command": " ".join(cmd),
        "seconds": seconds,
        "ok": done.returncode == 0,
        "returncode": done.returncode,
        "summary": last[-1] if last else "",
    }
