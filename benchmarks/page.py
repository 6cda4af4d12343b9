"""The prose and the plots of the Benchmarks page: where and when, warnings, lines per section."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.schema import machine_text, same_machine, section_backend, section_machine
from benchmarks.tables import seconds_text
from benchmarks.targets import MNIST_ACCURACY, MNIST_SECONDS


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
        f"images ({whole}; source {data.get('source')}: {Path(str(data.get('location'))).name}). "
        f"Budgets: {budgets} of training time. {mnist.get('clock', '')}."
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
