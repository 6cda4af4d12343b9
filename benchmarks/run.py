"""The benchmark command: measure the book on this machine, write benchmarks/results/<kind>.json.

Usage, from the repository root (``make bench`` runs the first line)::

    python -m benchmarks.run                           # the default sections (below)
    python -m benchmarks.run --with-book --with-tests  # also the book build and `make test`
    python -m benchmarks.run --only mnist --only echo  # some sections; the file keeps the rest
    python -m benchmarks.run --only td_cost            # or: make bench BENCH_ARGS="--only td_cost"
    python -m benchmarks.run --quick                   # a trial run: tiny budgets, few sizes

Sections: ``notebooks``, ``book``, ``test``, ``mnist``, ``three_ways``, ``td_cost``, ``echo``;
all but ``book`` and ``test`` run by default.
``td_cost`` is the first-call and steady-state time of ``TimeDistributed(Dense)`` and the models
that compute the same thing, from 4 to 1,024 steps (``labsupport.td_cost``). The sections
measured now replace those of the same name in the results file; the other sections are kept,
each with the machine it was measured on (the page says so when that is another machine). The
book's "Benchmarks" page is built from the file (see ``labsupport.bench_report``) and never
measures anything.

This is a benchmark, not a test: run it on a quiet machine. It records the load average at the
start and the end so a reader can tell.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import fnmatch
import gc
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` as well as `python -m benchmarks.run`
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from labsupport import bench_report as report  # noqa: E402

RESULTS_DIR = ROOT / "benchmarks" / "results"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
DEFAULT_SECTIONS = ("notebooks", "mnist", "three_ways", "td_cost", "echo")
OPTIONAL_SECTIONS = ("book", "test")
CHILD_FLAG = "--child-notebook"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours in tracebacks

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
}

ECHO_THRESHOLD = 0.05
ECHO_CHECK_EVERY = 10
MNIST_BATCH = 128
MNIST_PEAK_LR = 3e-3


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- the machine


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
    """The GPUs TensorFlow sees, named by nvidia-smi when it is installed."""
    try:
        import tensorflow as tf

        found = tf.config.list_physical_devices("GPU")
    except Exception:
        found = []
    if not found:
        return []
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run(
                [smi, "--query-gpu=name,memory.total", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
            names = [line.strip() for line in out.splitlines() if line.strip()]
            if names:
                return names
        except (subprocess.SubprocessError, OSError):
            pass
    return [d.name for d in found]


def _version(module: str) -> str | None:
    try:
        return __import__(module).__version__
    except Exception:
        return None


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "gpus": gpu_names(),
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
        "numpy": _version("numpy"),
        "platform": platform.platform(),
    }
    try:
        info["load_average"] = list(os.getloadavg())
    except OSError:
        info["load_average"] = None
    return info


# --------------------------------------------------------------------------- notebooks


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


def _children_maxrss_mb() -> float:
    """Largest resident size of any reaped descendant (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024**2 if sys.platform == "darwin" else 1024)


def child_notebook(path: str, timeout: int) -> dict[str, Any]:
    """Run inside a fresh wrapper process: execute one notebook, report time and peak memory.

    The kernel is a child of this wrapper. Once nbclient has shut it down and reaped it,
    ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the kernel's peak resident size; a psutil
    poller (when psutil is installed) watches the kernel while it runs as a cross-check.
    """
    import nbformat
    from nbclient import NotebookClient

    nb_path = Path(path).resolve()
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    error = None
    start = time.perf_counter()
    with PeakPoller() as poller:
        try:
            client.execute()
        except Exception as exc:  # CellExecutionError, timeouts, a dead kernel
            text = ANSI.sub("", str(exc)).strip()
            lines = [ln for ln in text.splitlines() if ln.strip()]
            error = f"{type(exc).__name__}: {lines[-1] if lines else ''}"[:500]
    wall = time.perf_counter() - start
    rusage_mb = _children_maxrss_mb()
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
    """Execute ``path`` in ``mode`` ("full" or "fast") in a fresh wrapper process."""
    env = dict(os.environ)
    env.pop("LABSUPPORT_FAST", None)
    if mode == "fast":
        env["LABSUPPORT_FAST"] = "1"
    cmd = [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG, str(path), str(timeout)]
    row: dict[str, Any] = {"notebook": path.stem, "mode": mode}
    try:
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=2 * timeout + 120, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {**row, "ok": False, "wall_s": None, "peak_mb": None, "error": "wrapper timed out"}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {**row, "ok": False, "wall_s": None, "peak_mb": None, "error": " | ".join(tail)}
    return {**row, **json.loads(lines[-1])}


def notebooks_section(cfg: dict[str, Any], pattern: str | None) -> dict[str, Any]:
    paths = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB))
    if pattern:
        paths = [p for p in paths if fnmatch.fnmatch(p.name, pattern)]
    runs = []
    for path in paths:
        for mode in cfg["notebook_modes"]:
            log(f"notebook {path.name} ({mode} mode)")
            row = run_notebook(path, mode, cfg["notebook_timeout"])
            status = "ok" if row["ok"] else f"FAILED {row['error']}"
            wall = f"{row['wall_s']:.1f} s" if row.get("wall_s") else "-"
            peak = f"{row['peak_mb']:.0f} MB" if row.get("peak_mb") else "-"
            log(f"  {wall}, peak {peak}, {status}")
            runs.append(row)
    return {"runs": runs, "modes": list(cfg["notebook_modes"]), "pattern": pattern}


# --------------------------------------------------------------------------- book and tests


def _tail(text: str, n: int = 15) -> list[str]:
    """The warnings and errors of a log (colours removed), then its last lines; ``n`` at most."""
    lines = [ln for ln in ANSI.sub("", text).strip().splitlines() if ln.strip()]
    noise = ("absl::", "cuda", "cuInit", "Kernel is running over TCP")
    lines = [ln for ln in lines if not any(word in ln for word in noise)]
    flagged = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
    last = [ln for ln in lines[-5:] if ln not in flagged]
    return (flagged[: n - len(last)] + last)[-n:]


def book_section(quick: bool) -> dict[str, Any]:
    """Build the whole book from a copy of the repository; time ``jupyter-book build``."""
    mode = "fast" if quick else "full"
    env = dict(os.environ)
    env.pop("LABSUPPORT_FAST", None)
    if mode == "fast":
        env["LABSUPPORT_FAST"] = "1"
    jb = Path(sys.executable).parent / "jupyter-book"
    ignore = shutil.ignore_patterns(
        ".venv",
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
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(ROOT, copy, ignore=ignore)
        cmd = [str(jb), "build", str(copy), "-W", "-n", "--keep-going"]
        log(f"book: {' '.join(cmd)} ({mode} mode)")
        start = time.perf_counter()
        # As `make book` does: the book links to the student edition, so generate it first.
        student = [sys.executable, str(copy / "scripts" / "make_student_edition.py")]
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
        "command": "make_student_edition.py, then jupyter-book build <copy> -W -n --keep-going",
        "log_tail": _tail(done.stdout + done.stderr),
    }


def test_section() -> dict[str, Any]:
    """Time the README's test command, ``make test``."""
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
    tail = _tail(done.stdout + done.stderr)
    log(f"  {seconds:.1f} s, exit status {done.returncode}: {tail[-1] if tail else ''}")
    return {
        "command": " ".join(cmd),
        "seconds": seconds,
        "ok": done.returncode == 0,
        "returncode": done.returncode,
        "summary": tail[-1] if tail else "",
    }


# --------------------------------------------------------------------------- MNIST quadrants


def checkpoint_times(budgets: Sequence[float], every: float | None) -> list[float]:
    """The training times at which to score the model: every budget, and every ``every`` s."""
    points = {float(b) for b in budgets}
    if every:
        t = float(every)
        while t < max(budgets):
            points.add(round(t, 6))
            t += every
    return sorted(points)


def time_to_target(checkpoints: Sequence[dict[str, Any]], target: float) -> float | None:
    """The training time of the first checkpoint whose accuracy reaches ``target``."""
    for point in sorted(checkpoints, key=lambda c: c["train_s"]):
        if point["accuracy"] >= target:
            return float(point["train_s"])
    return None


def accuracy_at(checkpoints: Sequence[dict[str, Any]], budgets: Sequence[float]) -> dict:
    """Accuracy at each budget, keyed like ``"15"``; None when training never got there."""
    out: dict[str, float | None] = {}
    for budget in budgets:
        hits = [c for c in checkpoints if c.get("checkpoint") == float(budget)]
        out[f"{float(budget):g}"] = float(hits[0]["accuracy"]) if hits else None
    return out


def _budget_callback(models: Any) -> type:
    """A TimeBudget that scores the model at checkpoints, off the clock, and sets the rate.

    Only TimeBudget's public record is used: its ``seconds_used`` (wall clock since ``fit``
    started) minus the time spent scoring is the training time; training stops when that
    reaches the largest budget.
    """

    class BudgetCheckpoints(models.TimeBudget):
        def __init__(self, total_s, points, x_test, y_test, peak_lr):
            super().__init__(10.0 * 24 * 3600)  # never stops by itself: the clock is ours
            self.total_s = float(total_s)
            self.points = list(points)
            self.x_test, self.y_test = x_test, y_test
            self.schedule = models.one_cycle(1000, peak=peak_lr)  # the chapter's shape, in time
            self.checkpoints: list[dict[str, Any]] = []
            self.eval_seconds = 0.0
            self.train_s = 0.0
            self.first_batch_s = 0.0

        def _set_rate(self, t: float) -> None:
            step = int(1000 * min(t / self.total_s, 1.0))
            self.model.optimizer.learning_rate.assign(float(self.schedule(step)))

        def on_train_begin(self, logs=None):
            super().on_train_begin(logs)
            self.eval_seconds = 0.0
            self._set_rate(0.0)

        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)  # updates seconds_used
            t = self.train_s = self.seconds_used - self.eval_seconds
            if self.batches_run == 1:
                self.first_batch_s = t  # tracing and compiling happen here
            crossed = [p for p in self.points if p <= t]
            if crossed:
                self.points = [p for p in self.points if p > t]
                start = time.perf_counter()
                accuracy = self.score()
                self.eval_seconds += time.perf_counter() - start  # scoring is not training
                for point in crossed:
                    self.checkpoints.append(
                        {"checkpoint": point, "train_s": t, "accuracy": accuracy}
                    )
            if t >= self.total_s:
                self.model.stop_training = True
            else:
                self._set_rate(t)

        def score(self) -> float:
            return score(self.model, self.x_test, self.y_test)

    return BudgetCheckpoints


def score(model: Any, x_test: Any, y_test: Any) -> float:
    """Test accuracy of a softmax classifier."""
    import numpy as np

    probs = model.predict(x_test, batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probs, axis=-1) == y_test))


def train_with_checkpoints(
    build: Callable[[], Any],
    x: Any,
    y: Any,
    x_test: Any,
    y_test: Any,
    *,
    budgets: Sequence[float],
    every: float | None,
    seed: int = 0,
) -> dict[str, Any]:
    """Train one model for ``max(budgets)`` s of training time; score it at each checkpoint.

    The learning rate follows the chapter's one-cycle shape (labsupport.models.one_cycle)
    stretched over the largest budget in *time*, so the run ends with a decayed rate. The
    clock starts when ``fit`` starts (tracing counts as training time) and stops while the
    test set is scored.
    """
    import keras

    from labsupport import models

    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(
        optimizer=keras.optimizers.Adam(MNIST_PEAK_LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    callback = _budget_callback(models)(
        max(budgets), checkpoint_times(budgets, every), x_test, y_test, MNIST_PEAK_LR
    )
    model.fit(x, y, epochs=10_000, batch_size=MNIST_BATCH, callbacks=[callback], verbose=0)
    return {
        "model": model.name,
        "params": int(model.count_params()),
        "batch_size": MNIST_BATCH,
        "peak_lr": MNIST_PEAK_LR,
        "train_s": callback.train_s,
        "epochs_run": callback.batches_run / math.ceil(len(y) / MNIST_BATCH),
        "batches_run": callback.batches_run,
        "eval_s": callback.eval_seconds,
        "first_batch_s": callback.first_batch_s,
        "checkpoints": callback.checkpoints,
    }


def target_run(
    x: Any, y: Any, x_test: Any, y_test: Any, *, batches_per_s: float, first_batch_s: float
) -> dict:
    """The chapter's own recipe, ``labsupport.models.fit_within``, for 60 s on the chapter model.

    ``fit_within`` plans its one-cycle schedule for a number of epochs; it is planned from the
    speed measured in the curve run (90 % of the epochs that fit in the 60 s left after the
    first batch, which traces the model; at least one), so the learning rate has decayed when
    the budget runs out.
    """
    from labsupport import models

    steps_per_epoch = math.ceil(len(y) / MNIST_BATCH)
    usable = max(report.MNIST_SECONDS - first_batch_s, 1.0)
    epochs = max(1, int(0.9 * batches_per_s * usable / steps_per_epoch))
    model = models.quadrant_cnn_lstm()
    budget = models.fit_within(
        model, x, y, seconds=report.MNIST_SECONDS, epochs=epochs, batch_size=MNIST_BATCH
    )
    return {
        "model": "quadrant_cnn_lstm",
        "recipe": "labsupport.models.fit_within",
        "budget_s": report.MNIST_SECONDS,
        "epochs_planned": epochs,
        "train_s": budget.seconds_used,
        "epochs_run": budget.batches_run / steps_per_epoch,
        "stopped_by_budget": bool(budget.stopped_early),
        "accuracy": score(model, x_test, y_test),
    }


def mnist_section(cfg: dict[str, Any]) -> dict[str, Any]:
    import keras
    import numpy as np

    from labsupport import data, models

    mnist = data.load_mnist(allow_download=False, verbose=False)
    x_train, y_train, x_test, y_test = mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test
    if cfg["mnist_train_limit"]:
        x_train, y_train = x_train[: cfg["mnist_train_limit"]], y_train[: cfg["mnist_train_limit"]]
    if cfg["mnist_test_limit"]:
        x_test, y_test = x_test[: cfg["mnist_test_limit"]], y_test[: cfg["mnist_test_limit"]]
    log(f"mnist: {mnist.note}")
    budgets = [float(b) for b in cfg["mnist_budgets"]]

    def whole(images):
        return (images.astype("float32") / 255.0)[..., np.newaxis]

    plans = [
        ("quadrant_cnn_lstm", models.quadrant_cnn_lstm, data.quadrant_sequences),
        ("naive_td_cnn_lstm", models.naive_td_cnn_lstm, data.width_stacked_sequences),
        ("whole_image_cnn", models.whole_image_cnn, whole),
        ("convlstm_quadrants", models.convlstm_quadrants, data.quadrant_sequences),
    ]
    results = []
    for name, build, prepare in plans:
        log(f"mnist: {name}, {max(budgets):g} s of training")
        xs = xt = None
        try:
            xs, xt = prepare(x_train), prepare(x_test)
            row = train_with_checkpoints(
                build, xs, y_train, xt, y_test, budgets=budgets, every=cfg["mnist_checkpoint_every"]
            )
        except Exception as exc:  # one model failing (memory, say) must not lose the others
            traceback.print_exc()
            row = {"error": f"{type(exc).__name__}: {exc}"[:500], "checkpoints": []}
        row["model"] = name
        row["accuracy_at"] = accuracy_at(row["checkpoints"], budgets)
        row["time_to_target_s"] = time_to_target(row["checkpoints"], report.MNIST_ACCURACY)
        log(f"  accuracy per budget {row['accuracy_at']}, to 98.5 %: {row['time_to_target_s']}")
        results.append(row)
        start = time.perf_counter()
        del xs, xt
        keras.backend.clear_session()
        gc.collect()
        log(f"  clean-up {time.perf_counter() - start:.1f} s")

    target = None
    if cfg["mnist_target_run"] and not results[0].get("error"):
        first = results[0]  # quadrant_cnn_lstm: its speed plans the schedule
        steady = max(first["train_s"] - first["first_batch_s"], 1e-9)
        rate = max(first["batches_run"] - 1, 1) / steady
        log(f"mnist: target run, quadrant_cnn_lstm within {report.MNIST_SECONDS:g} s")
        xs, xt = data.quadrant_sequences(x_train), data.quadrant_sequences(x_test)
        target = target_run(
            xs, y_train, xt, y_test, batches_per_s=rate, first_batch_s=first["first_batch_s"]
        )
        log(f"  {target}")
        del xs, xt
        keras.backend.clear_session()
        gc.collect()

    return {
        "data": {
            "source": mnist.source,
            "location": mnist.location,
            "is_full": bool(
                mnist.is_full and not cfg["mnist_train_limit"] and not cfg["mnist_test_limit"]
            ),
            "train": int(len(x_train)),
            "test": int(len(x_test)),
        },
        "budgets": budgets,
        "checkpoint_every_s": cfg["mnist_checkpoint_every"],
        "target_accuracy": report.MNIST_ACCURACY,
        "clock": "training time from the start of fit (tracing included), scoring excluded",
        "schedule": "Adam, one-cycle learning rate (labsupport.models.one_cycle) over the "
        "largest budget, in training time",
        "models": results,
        "target_run": target,
    }


# --------------------------------------------------------------------------- three ways


def three_ways_section(cfg: dict[str, Any]) -> dict[str, Any]:
    import keras

    from labsupport import sequence_cnn

    sizes = cfg["three_ways"]
    rows = []
    for steps in sizes["steps"]:
        for batch in sizes["batch"]:
            log(f"three ways: steps {steps}, batch {batch}")
            for row in sequence_cnn.time_three_ways(
                batch=batch,
                steps=steps,
                image_shape=sizes["image_shape"],
                repeats=sizes["repeats"],
            ):
                row["image_shape"] = list(row["image_shape"])
                rows.append(row)
            keras.backend.clear_session()
            gc.collect()
    return {
        "image_shape": list(sizes["image_shape"]),
        "repeats": sizes["repeats"],
        "cnn": "labsupport.sequence_cnn.frame_cnn, then LSTM(32)",
        "rows": rows,
    }


# --------------------------------------------------------------------------- TimeDistributed cost


def td_cost_section(cfg: dict[str, Any]) -> dict[str, Any]:
    """First call and steady state of Dense, TimeDistributed(Dense), folded, and unknown steps.

    One number of steps at a time, each on fresh models (``labsupport.td_cost.measure``), with
    the Keras session cleared in between so the graphs of 1,024 steps do not pile up.
    """
    import keras

    from labsupport import td_cost

    sizes = cfg["td_cost"]
    rows = []
    for steps in sizes["steps"]:
        log(f"td_cost: {steps} steps")
        found = td_cost.measure(
            (steps,),
            batch=sizes["batch"],
            features=sizes["features"],
            units=sizes["units"],
            repeats=sizes["repeats"],
        )
        for row in found:
            log(
                f"  {row['label']:28} first predict {row['predict_first_s']:.2f} s, "
                f"first train {row['train_first_s']:.2f} s, steady {row['predict_ms']:.2f} / "
                f"{row['train_ms']:.2f} ms"
            )
        rows.extend(found)
        keras.backend.clear_session()
        gc.collect()
    return {
        "steps": list(sizes["steps"]),
        "batch": sizes["batch"],
        "features": sizes["features"],
        "units": sizes["units"],
        "repeats": sizes["repeats"],
        "variants": dict(td_cost.VARIANTS),
        "clock": "first call: the first predict_on_batch or train_on_batch of a fresh model "
        "(Keras builds, traces and compiles its function there); steady state: the median of "
        "the later calls, the variants taking turns",
        "rows": rows,
    }


# --------------------------------------------------------------------------- echo


def echo_model(kind: str) -> tuple[Any, Any, Any, int]:
    """The echo models of SOURCES A1-A3: (model, x, y, batch size)."""
    import keras
    from keras import layers

    from labsupport import data

    if kind == "one_to_one":
        x, y = data.echo_one_to_one()
        body, batch = [layers.LSTM(5), layers.Dense(1)], 5
    elif kind == "many_to_one":
        x, y = data.echo_many_to_one()
        body, batch = [layers.LSTM(5), layers.Dense(5)], 1
    elif kind == "many_to_many":
        x, y = data.echo_many_to_many()
        body = [layers.LSTM(5, return_sequences=True), layers.TimeDistributed(layers.Dense(1))]
        batch = 1
    else:
        raise ValueError(f"unknown echo model {kind!r}")
    model = keras.Sequential([keras.Input(x.shape[1:]), *body], name=kind)
    model.compile(optimizer="adam", loss="mse")
    return model, x, y, batch


class _FitWithCallbacks:
    """Hands ``fit_passes`` a model whose ``fit`` also runs the given callbacks."""

    def __init__(self, model: Any, callbacks: list[Any]) -> None:
        self.model, self.callbacks = model, callbacks

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        return self.model.fit(*args, callbacks=self.callbacks, **kwargs)


def _echo_stopper(x: Any, y: Any) -> Any:
    """A callback that measures the largest echo error after every Keras epoch (10 passes)
    and stops training once it is under the threshold; its own time is kept apart."""
    import keras
    import numpy as np

    class EchoStop(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.epochs = 0
            self.error = float("inf")
            self.check_seconds = 0.0

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            start = time.perf_counter()
            self.epochs = epoch + 1
            self.error = float(np.max(np.abs(np.asarray(self.model.predict_on_batch(x)) - y)))
            if self.error < ECHO_THRESHOLD:
                self.model.stop_training = True
            self.check_seconds += time.perf_counter() - start

    return EchoStop()


def echo_until(kind: str, *, max_passes: int, seed: int) -> dict[str, Any]:
    """Train until the largest error is under the threshold, checking every 10 passes.

    One ``fit_passes`` call (10 passes per Keras epoch) with a callback that checks the error
    at the end of every epoch, so the time is not swamped by the set-up of many ``fit`` calls.
    The time of the checks is not counted.
    """
    import keras

    from labsupport.training import fit_passes

    keras.utils.set_random_seed(seed)
    model, x, y, batch = echo_model(kind)
    stopper = _echo_stopper(x, y)
    history = fit_passes(
        _FitWithCallbacks(model, [stopper]),
        x,
        y,
        passes=max_passes,
        batch_size=batch,
        passes_per_epoch=ECHO_CHECK_EVERY,
    )
    return {
        "model": kind,
        "seed": seed,
        "params": int(model.count_params()),
        "passes": stopper.epochs * ECHO_CHECK_EVERY,
        "seconds": history.seconds - stopper.check_seconds,
        "reached": stopper.error < ECHO_THRESHOLD,
        "final_error": stopper.error,
        "max_passes": max_passes,
    }


def echo_section(cfg: dict[str, Any]) -> dict[str, Any]:
    import keras

    runs = []
    for kind, cap in cfg["echo_max_passes"].items():
        for seed in cfg["echo_seeds"]:
            log(f"echo: {kind}, seed {seed}")
            row = echo_until(kind, max_passes=cap, seed=seed)
            log(f"  {row['passes']} passes, {row['seconds']:.1f} s, error {row['final_error']:.3f}")
            runs.append(row)
            keras.backend.clear_session()
    return {
        "threshold": ECHO_THRESHOLD,
        "check_every": ECHO_CHECK_EVERY,
        "optimizer": "adam, mse; labsupport.training.fit_passes",
        "runs": runs,
    }


# --------------------------------------------------------------------------- the command


def parse_sections(only: Sequence[str], skip: Sequence[str], book: bool, tests: bool) -> list:
    """The sections to run, in the canonical order, from the command-line options."""

    def names(values: Sequence[str]) -> set[str]:
        out = set()
        for value in values:
            for part in value.split(","):
                part = part.strip().replace("-", "_")
                if part and part not in report.SECTIONS:
                    raise SystemExit(
                        f"unknown section {part!r}; choose from {', '.join(report.SECTIONS)}"
                    )
                if part:
                    out.add(part)
        return out

    chosen = (
        names(only)
        if only
        else set(DEFAULT_SECTIONS) | {name for name, on in (("book", book), ("test", tests)) if on}
    )
    chosen -= names(skip)
    return [name for name in report.SECTIONS if name in chosen]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a trial run: tiny budgets, few sizes")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only this section (repeat or comma-separate): {', '.join(report.SECTIONS)}",
    )
    parser.add_argument("--skip", action="append", default=[], metavar="SECTION")
    parser.add_argument("--with-book", action="store_true", help="also time the whole book build")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument("--notebooks", metavar="GLOB", help="only notebooks whose name matches")
    parser.add_argument("--output", type=Path, help="results file (default results/<kind>.json)")
    parser.add_argument(
        "--fresh", action="store_true", help="do not keep the sections of the existing file"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_FLAG]:
        print(json.dumps(child_notebook(argv[1], int(argv[2]))), flush=True)
        return 0
    args = build_parser().parse_args(argv)
    sections = parse_sections(args.only, args.skip, args.with_book, args.with_tests)
    cfg = QUICK if args.quick else FULL
    started = now()
    machine = machine_info()
    kind = "gpu" if machine["gpus"] else "cpu"
    output = args.output or RESULTS_DIR / f"{kind}.json"
    log(
        f"sections {', '.join(sections) or 'none'}; {'QUICK' if args.quick else 'full'} run; "
        f"results go to {output}"
    )

    measured: dict[str, Any] = {}
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "notebooks": lambda: notebooks_section(cfg, args.notebooks),
        "book": lambda: book_section(args.quick),
        "test": test_section,
        "mnist": lambda: mnist_section(cfg),
        "three_ways": lambda: three_ways_section(cfg),
        "td_cost": lambda: td_cost_section(cfg),
        "echo": lambda: echo_section(cfg),
    }
    for name in sections:
        start = time.perf_counter()
        try:
            body = runners[name]()
        except Exception as exc:  # one broken section must not lose the others
            traceback.print_exc()
            body = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
        measured[name] = {
            "measured_at": now(),
            "quick": bool(args.quick),
            "section_s": time.perf_counter() - start,
            "machine": report.machine_id(machine),
            **body,
        }

    try:
        machine["load_average_end"] = list(os.getloadavg())
    except OSError:
        machine["load_average_end"] = None
    results: dict[str, Any] = {
        "schema": report.SCHEMA_VERSION,
        "device_kind": kind,
        "quick": bool(args.quick),
        "started_at": started,
        "finished_at": now(),
        "command": "python -m benchmarks.run " + " ".join(argv),
        "machine": machine,
        "sections": measured,
        "targets": [],
    }
    results["history"] = [
        {
            "command": results["command"],
            "started_at": started,
            "finished_at": results["finished_at"],
            "quick": bool(args.quick),
            "sections": list(measured),
        }
    ]
    old = None
    if output.exists() and not args.fresh:
        try:
            old = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
    results = report.merge(old, results)
    results["targets"] = report.evaluate_targets(results)
    report.validate(results)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(output)
    log(f"wrote {output}")
    print(repr(report.targets_table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
