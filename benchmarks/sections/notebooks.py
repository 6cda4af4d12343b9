"""The ``notebooks`` section: every chapter's time and peak memory, each in a fresh process."""

from __future__ import annotations

import fnmatch
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.child import ChildError, in_child
from benchmarks.common import ANSI, ROOT, log

NOTEBOOK_GLOB = "[0-9][0-9]*_*.ipynb"
"""Every chapter, whoever adds one."""


class PeakPoller:
    """Poll the resident memory of every descendant process; keep the largest seen."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_single = 0
        self.peak_total = 0
        self.available = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            self.available = False
            return
        me = psutil.Process()
        while not self._stop.is_set():
            sizes = []
            for child in me.children(recursive=True):
                try:
                    sizes.append(child.memory_info().rss)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            if sizes:
                self.peak_single = max(self.peak_single, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def children_maxrss_mb() -> float:
    """Largest resident size of any reaped descendant (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024**2 if sys.platform == "darwin" else 1024)


def error_line(exc: BaseException) -> str:
    """``Type: last line of the message``, colours removed, at most 500 characters."""
    text = ANSI.sub("", str(exc)).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"[:500]


def execute(path: str, timeout: int) -> dict[str, Any]:
    """Execute one notebook in this process's kernel child; report time and peak memory.

    Runs in a fresh process (:func:`run_notebook`). The kernel is its child: once nbclient has
    shut the kernel down and reaped it, ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the
    kernel's peak resident size; a psutil poller watches the kernel while it runs as a
    cross-check.
    """
    import nbformat
    from nbclient import NotebookClient

    nb_path = Path(path).resolve()
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=600,  # not nbclient's 60 s: a busy machine starts kernels slowly
        kernel_name="python3",
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    error = None
    start = time.perf_counter()
    with PeakPoller() as poller:
        try:
            client.execute()
        except Exception as exc:  # CellExecutionError, timeouts, a dead kernel
            error = error_line(exc)
    wall = time.perf_counter() - start
    rusage_mb = children_maxrss_mb()
    polled_mb = poller.peak_single / 1024**2
    return {
        "ok": error is None,
        "wall_s": wall,
        "peak_mb": max(rusage_mb, polled_mb),
        "peak_rusage_mb": rusage_mb,
        "peak_polled_mb": polled_mb if poller.available else None,
        "error": error,
    }


def run_notebook(path: Path, mode: str, timeout: int) -> dict[str, Any]:
    """Execute ``path`` in ``mode`` ("full" or "fast") in a fresh process."""
    env = {"LABSUPPORT_FAST": "1" if mode == "fast" else None}
    row: dict[str, Any] = {"notebook": path.stem, "mode": mode}
    try:
        return {**row, **in_child(execute, str(path), timeout, env=env, timeout=2 * timeout + 120)}
    except ChildError as exc:
        return {**row, "ok": False, "wall_s": None, "peak_mb": None, "error": str(exc)[:500]}


def notebook_paths(pattern: str | None) -> list[Path]:
    paths = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB))
    return [p for p in paths if not pattern or fnmatch.fnmatch(p.name, pattern)]


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    pattern = cfg.get("notebook_pattern")
    runs = []
    for path in notebook_paths(pattern):
        for mode in cfg["notebook_modes"]:
            log(f"notebook {path.name} ({mode} mode)")
            row = run_notebook(path, mode, cfg["notebook_timeout"])
            status = "ok" if row["ok"] else f"FAILED {row['error']}"
            wall = f"{row['wall_s']:.1f} s" if row.get("wall_s") else "-"
            peak = f"{row['peak_mb']:.0f} MB" if row.get("peak_mb") else "-"
            log(f"  {wall}, peak {peak}, {status}")
            runs.append(row)
    return {"runs": runs, "modes": list(cfg["notebook_modes"]), "pattern": pattern}
