"""The prose and the plots of the Benchmarks page: where and when, warnings, lines per section."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.schema import machine_text, same_machine, section_backend, section_machine
from benchmarks.tables import LATE_S, MNIST_MODEL_LABELS, late_checkpoints, seconds_text
from benchmarks.targets import MNIST_ACCURACY, MNIST_SECONDS, TARGET_PLAN_FRACTION


def machine_lines(results: Mapping[str, Any]) -> list[str]:
    """Short lines that say where and when the numbers were measured."""
    m = results.get("machine") or {}
    gpus = m.get("gpus") or []
    mem = m.get("memory_gb")
    lines = [
        f"Measured {results.get('started_at', '?')} to {results.get('finished_at', '?')} (UTC).",
        f"CPU: {m.get('cpu_model', '?')}, {m.get('logical_cores', '?')} logical cores"
        + (f", {mem:.1f} GB memory" if isinstance(mem, (int, float)) else "")
        + ".",
        "GPU: " + (", ".join(gpus) if gpus else "none") + ".",
        software_line(m),
    ]
    load = m.get("load_average")
    if load:
        lines.append(
            "Load average (1 min) when the run started: "
            f"{float(load[0]):.2f}"
            + (
                f", when it ended: {float(m['load_average_end'][0]):.2f}"
                if m.get("load_average_end")
                else ""
            )
            + "."
        )
    others: dict[str, list[str]] = {}
    for name in results.get("sections") or {}:
        own = section_machine(results, name)
        if not same_machine(own, m):
            others.setdefault(machine_text(own), []).append(name)
    for text, names in others.items():
        lines.append(f"Sections measured on another machine ({text}): {', '.join(names)}.")
    history = results.get("history") or []
    if len(history) > 1:
        for run in history:
            lines.append(
                f"Run {run.get('started_at', '?')}: `{run.get('command', '?')}` "
                f"({', '.join(run.get('sections') or [])})."
            )
    elif results.get("command"):
        lines.append(f"Command: `{results['command']}`.")
    return lines


def software_line(machine: Mapping[str, Any]) -> str:
    """Python, Keras and its backend, the backends' versions, NumPy, the platform."""
    backend = machine.get("keras_backend") or "tensorflow"  # older files: TensorFlow only
    found = [
        f"{label} {machine[key]}"
        for key, label in (("tensorflow", "TensorFlow"), ("jax", "JAX"), ("torch", "PyTorch"))
        if machine.get(key)
    ]
    return (
        f"Software: Python {machine.get('python', '?')}, Keras {machine.get('keras', '?')} "
        f"(backend: {backend}), {', '.join(found) or 'no backend recorded'}, "
        f"NumPy {machine.get('numpy', '?')}; {machine.get('platform', '?')}."
    )


def quick_warning(results: Mapping[str, Any]) -> str | None:
    """A warning to show when any section comes from a ``--quick`` trial run, else None."""
    quick = [n for n, s in (results.get("sections") or {}).items() if s.get("quick")]
    if not results.get("quick") and not quick:
        return None
    return (
        "These numbers come from a QUICK trial run (--quick: tiny training budgets, fast-mode "
        "notebooks only, few sizes), made to check the benchmark command, not to measure the "
        "book. Sections from the quick run: " + ", ".join(quick or ["all"]) + ". Run "
        "`python -m benchmarks.run` on a quiet machine for real numbers."
    )


# --------------------------------------------------------------------------- plots


def mnist_plot(results: Mapping[str, Any]):
    """Test accuracy against training time, one line per model; the 98.5 % / 60 s target."""
    import matplotlib.pyplot as plt

    mnist = results.get("sections", {}).get("mnist") or {}
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    for model in mnist.get("models") or []:
        points = sorted((float(c["train_s"]), float(c["accuracy"])) for c in model["checkpoints"])
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, [100 * y for y in ys], "o-", markersize=3, label=model["model"])
    ax.axhline(100 * MNIST_ACCURACY, color="gray", linestyle="--", linewidth=1)
    ax.axvline(MNIST_SECONDS, color="gray", linestyle=":", linewidth=1)
    ax.set_xlabel("training time (s)")
    ax.set_ylabel("test accuracy (%)")
    best = [float(c["accuracy"]) for m in mnist.get("models") or [] for c in m["checkpoints"]]
    # Once the models learn, the interesting part is the last few per cent.
    low = 90.0 if best and max(best) >= 0.95 else max(0.0, ax.get_ylim()[0])
    ax.set_ylim(low, 100)
    ax.set_title("MNIST quadrants: accuracy within a time budget")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def notebooks_plot(results: Mapping[str, Any]):
    """Full-mode and fast-mode time of each notebook, as horizontal bars; failures marked."""
    import matplotlib.pyplot as plt
    import numpy as np

    runs = (results.get("sections", {}).get("notebooks") or {}).get("runs") or []
    names = sorted({r["notebook"] for r in runs})
    modes = [m for m in ("full", "fast") if any(r["mode"] == m for r in runs)]
    fig, ax = plt.subplots(figsize=(5.5, max(1.6, 0.35 * len(names) * len(modes) + 1.0)))
    ypos = np.arange(len(names))
    height = 0.8 / max(1, len(modes))
    for i, mode in enumerate(modes):
        offset = (i - (len(modes) - 1) / 2) * height
        mine = {r["notebook"]: r for r in runs if r["mode"] == mode}
        values = [float(mine[n]["wall_s"]) if mine.get(n, {}).get("ok") else 0.0 for n in names]
        ax.barh(ypos + offset, values, height=height * 0.95, label=f"{mode} mode")
        for y, name in zip(ypos + offset, names, strict=True):
            if name in mine and not mine[name].get("ok"):
                ax.text(0, y, " failed", va="center", fontsize=7, color="#d62728")
    ax.set_yticks(ypos, [n.split("_", 1)[0] for n in names])
    ax.invert_yaxis()
    ax.set_xlabel("seconds")
    ax.set_ylabel("chapter")
    ax.set_title("Time to run each chapter")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return fig


class Note:
    """A boxed note (an admonition in the book, plain text elsewhere)."""

    def __init__(self, text: str, *, title: str = "Note", kind: str = "note") -> None:
        self.text, self.title, self.kind = text, title, kind

    def _repr_html_(self) -> str:
        return (
            f'<div class="admonition {html.escape(self.kind)}">'
            f'<p class="admonition-title">{html.escape(self.title)}</p>'
            f"<p>{html.escape(self.text)}</p></div>"
        )

    def __repr__(self) -> str:
        return f"{self.title}: {self.text}"


def section_line(results: Mapping[str, Any] | None, name: str) -> str:
    """One line on when a section was measured and whether it was quick, or why it is absent."""
    section = (results or {}).get("sections", {}).get(name)
    if not section:
        return f"Not measured yet: run `python -m benchmarks.run --only {name}`."
    text = f"Measured {section['measured_at']}"
    if name not in ("book", "test", "arithmetic"):
        text += f" on the {section_backend(results or {}, name)} backend"
    own = section_machine(results or {}, name)
    if not same_machine(own, (results or {}).get("machine")):
        text += f" on another machine ({machine_text(own)})"
    if section.get("quick"):
        text += " in a QUICK trial run (tiny sizes: not representative)"
    if section.get("error"):
        text += f"; the section failed: {section['error']}"
    return text + "."


DATA_SOURCES = {
    "path": "read from the file the benchmark was given",
    "keras-cache": "read from Keras's download cache",
    "keras-download": "downloaded by Keras",
    "bundled-sample": "the sample bundled with labsupport",
}
"""How ``labsupport.data.load_mnist`` found the data, in words (``MnistData.source``)."""


def mnist_data_line(results: Mapping[str, Any]) -> str:
    """Which MNIST data the accuracies were measured on."""
    mnist = results.get("sections", {}).get("mnist") or {}
    data = mnist.get("data") or {}
    if not data:
        return "No MNIST measurements."
    whole = "the whole data set" if data.get("is_full") else "NOT the whole data set"
    budgets = ", ".join(f"{float(b):g} s" for b in mnist.get("budgets") or [])
    return (
        f"Data: {int(data.get('train', 0)):,} training and {int(data.get('test', 0)):,} test "
        f"images ({whole}; {DATA_SOURCES.get(data.get('source'), data.get('source'))}, "
        f"{Path(str(data.get('location'))).name}). "
        f"Budgets: {budgets} of training time"
        + (f"; the clock counts {mnist['clock']}." if mnist.get("clock") else ".")
    )


def notebook_failures(results: Mapping[str, Any]) -> list[str]:
    """One line per notebook run that failed, with the error it reported."""
    runs = (results.get("sections", {}).get("notebooks") or {}).get("runs") or []
    return [
        f"{r['notebook']} ({r['mode']} mode) failed: {r.get('error') or 'no message'}"
        for r in runs
        if not r.get("ok")
    ]


def book_and_test_lines(results: Mapping[str, Any]) -> list[str]:
    """What the book build and ``make test`` took, or why they are not measured."""
    sections = results.get("sections") or {}
    lines = []
    for name, what in (("book", "Whole book build"), ("test", "make test")):
        section = sections.get(name)
        if not section:
            flag = "--with-book" if name == "book" else "--with-tests"
            lines.append(f"{what}: not measured (add {flag}).")
            continue
        if section.get("error"):
            lines.append(f"{what}: the section failed: {section['error']}")
            continue
        mode = f" in {section['mode']} mode" if section.get("mode") else ""
        outcome = "succeeded" if section.get("ok") else "FAILED"
        quick = ", quick trial run" if section.get("quick") else ""
        lines.append(
            f"{what}{mode}: {seconds_text(section.get('seconds'))}, {outcome} "
            f"(measured {section.get('measured_at')}{quick})."
        )
    return lines


# --------------------------------------------------------------------------- MNIST


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def mnist_checkpoint_lines(results: Mapping[str, Any]) -> list[str]:
    """When the MNIST models were scored, and which scores came later than their checkpoint."""
    mnist = results.get("sections", {}).get("mnist") or {}
    models = [m for m in mnist.get("models") or [] if not m.get("error")]
    budgets = [float(b) for b in mnist.get("budgets") or []]
    if not models or not budgets:
        return []
    every = mnist.get("checkpoint_every_s")
    lines = [
        (
            f"Checkpoints: every {float(every):g} s of training time up to {max(budgets):g} s"
            if every
            else "Checkpoints: the budgets"
        )
        + ". A model is scored at the end of the first batch that ends at or after a "
        "checkpoint; when that is more than "
        f"{LATE_S:g} s after a budget, its column gives the actual training time in brackets."
    ]
    late = []
    for model in models:
        found: dict[float, list[float]] = {}
        for c in late_checkpoints(model):
            found.setdefault(float(c["train_s"]), []).append(float(c["checkpoint"]))
        for when, points in found.items():
            which = _join([f"{p:g} s" for p in points])
            late.append(
                f"the {which} checkpoint{'s' if len(points) > 1 else ''} of "
                f"{MNIST_MODEL_LABELS.get(model['model'], model['model'])} at {when:.1f} s"
                + (" (one batch crossed them all)" if len(points) > 1 else "")
            )
    if late:
        lines.append("Scored late: " + "; ".join(late) + ".")
    else:
        lines.append(f"Every score came within {LATE_S:g} s of its checkpoint.")
    target = float(mnist.get("target_accuracy") or MNIST_ACCURACY)
    lines.append(
        f'"Time to {100 * target:g} %" is the training time of the first score at or above '
        f"{100 * target:g} % (the model may have got there between two checkpoints)."
    )
    return lines


def mnist_target_lines(results: Mapping[str, Any]) -> list[str]:
    """How the target run planned its schedule, and how it ended."""
    mnist = results.get("sections", {}).get("mnist") or {}
    run = mnist.get("target_run")
    if not run:
        return ["Target run: not measured (a quick run, or the chapter's model failed)."]
    budget = float(run.get("budget_s", MNIST_SECONDS))
    planned = run.get("epochs_planned")
    lines = []
    first = next((m for m in mnist.get("models") or [] if m["model"] == run.get("model")), None)
    train_images = int((mnist.get("data") or {}).get("train") or 0)
    batch = int((first or {}).get("batch_size") or 0)
    if planned and first and batch and train_images and first.get("first_batch_s") is not None:
        steps_per_epoch = math.ceil(train_images / batch)
        first_s = float(first["first_batch_s"])
        rate = max(int(first["batches_run"]) - 1, 1) / max(float(first["train_s"]) - first_s, 1e-9)
        fit = rate * max(budget - first_s, 1.0) / steps_per_epoch
        if max(1, int(TARGET_PLAN_FRACTION * fit)) == int(planned):
            lines.append(
                f"Target run, planned: in the run above, the chapter's model trained "
                f"{rate:.1f} batches/s after a first batch of {first_s:.2f} s, so {fit:.2f} "
                f"epochs of {steps_per_epoch:,} batches fit in the {budget:g} s less the first "
                "batch; the one-cycle schedule is planned "
                f"for {100 * TARGET_PLAN_FRACTION:g} % of that, rounded down to whole epochs "
                f"(at least one): {int(planned)} epochs."
            )
    if not lines and planned:
        lines.append(f"Target run, planned: {int(planned)} epochs.")
    ended = (
        f"the {budget:g} s ran out first"
        if run.get("stopped_by_budget")
        else f"it finished its epochs before the {budget:g} s ran out"
    )
    lines.append(
        f"Target run, trained: {float(run['train_s']):.1f} s, "
        f"{float(run.get('epochs_run', 0)):.2f} epochs ({ended}); test accuracy "
        f"{100 * float(run['accuracy']):.2f} %."
    )
    return lines


# --------------------------------------------------------------------------- arithmetic


def _planned_epochs(section: Mapping[str, Any]) -> int | None:
    """Epochs the arithmetic section's training run is planned for: the benchmark's setting
    (``benchmarks.common``), for a full or a quick run."""
    from benchmarks import common

    sizes = (common.QUICK if section.get("quick") else common.FULL).get("arithmetic") or {}
    epochs = sizes.get("train_epochs")
    return int(epochs) if epochs else None


def arithmetic_training_lines(results: Mapping[str, Any]) -> list[str]:
    """The chapter model's training run on each backend: its plan, and which hit the cap."""
    from benchmarks.limits import BACKEND_NAMES, backend_rows

    section = (results.get("sections") or {}).get("arithmetic") or {}
    runs = {
        BACKEND_NAMES.get(b, b): r["training"]
        for b, r in backend_rows(results).items()
        if (r.get("training") or {}).get("images_trained")
    }
    if not runs:
        return []
    caps = {float(t["budget_s"]) for t in runs.values() if t.get("budget_s")}
    images = {int(t["train_images"]) for t in runs.values() if t.get("train_images")}
    if len(caps) != 1 or len(images) != 1:
        return []
    cap, train_images = caps.pop(), images.pop()
    epochs = _planned_epochs(section)
    if epochs and any(int(t["images_trained"]) > epochs * train_images for t in runs.values()):
        epochs = None  # the setting changed since the run: do not claim it
    finished, capped = [], []
    for name, t in runs.items():
        done = int(t["images_trained"]) / train_images
        text = f"{name} ({done:.2f} epochs, {int(t['images_trained']):,} images"
        hit = done < epochs if epochs else float(t["train_s"]) >= cap
        if hit:
            capped.append(text + f", {float(t['train_s']):.1f} s)")
        else:
            finished.append(text + f", in {float(t['train_s']):.1f} s)")
    plan = f"planned for {epochs} epochs" if epochs else "planned for a number of epochs"
    lines = [
        f"Training run: chapter 8's model with `fit_within` on {train_images:,} images, its "
        f"one-cycle schedule {plan}; training ends when those epochs are done or after "
        f"{cap:g} s, whichever comes first."
    ]
    if finished:
        lines.append("Finished its epochs: " + _join(finished) + ".")
    if capped:
        lines.append(
            f"Stopped by the {cap:g} s cap (checked between calls into the backend, so a run "
            "can pass it a little): "
            + _join(capped)
            + ". A run cut short trained on fewer images and stopped before its learning rate "
            "had decayed, so its test accuracy is not comparable with that of a run that "
            "finished."
        )
    return lines


# --------------------------------------------------------------------------- echo


def three_ways_line(results: Mapping[str, Any]) -> str:
    """The model and the frame size the three-ways section measured, from the results file."""
    section = results.get("sections", {}).get("three_ways") or {}
    if not section.get("rows"):
        return "No three-ways runs."
    shape = section.get("image_shape")
    frames = " × ".join(str(int(n)) for n in shape) if shape else "an unrecorded size"
    params = sorted({int(r["params"]) for r in section["rows"] if r.get("params") is not None})
    count = f": {params[0]:,} parameters in each way" if len(params) == 1 else ""
    model = section.get("cnn") or "the section's CNN and LSTM"
    return f"Frames of {frames}, read by {model}{count}."


def echo_line(results: Mapping[str, Any]) -> str:
    """The echo section's stopping rule, from the results file."""
    echo = results.get("sections", {}).get("echo") or {}
    if not echo.get("runs"):
        return "No echo runs."
    threshold, every = echo.get("threshold"), echo.get("check_every")
    rule = (
        f"until the largest absolute error over the steps is below {float(threshold):g}"
        if threshold is not None
        else "until the largest absolute error is below the section's threshold"
    )
    check = f", checked every {int(every)} passes" if every else ""
    caps = sorted({int(r["max_passes"]) for r in echo["runs"] if r.get("max_passes")})
    cap = f", {_join([f'{c:,}' for c in caps])} passes at most" if caps else ""
    how = f" ({echo['optimizer']})" if echo.get("optimizer") else ""
    return f"Trained{how} {rule}{check}{cap}."
