"""The committed reference result of chapter 7's measurement of ``TimeDistributed(Dense)``.

``make bench`` measures what ``TimeDistributed(Dense)`` costs from 4 to 1,024 steps and writes it
to ``benchmarks/results/cpu.json``. The Benchmarks page shows that reference result; chapter 7
and the cheat sheet link to it beside the reader's own measurement. This module finds the file,
reads its ``td_cost`` section and turns it into sentences and a plot. ``labsupport``, which
learners install, reads no benchmark result.

Nothing here measures or imports Keras.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def find_results_dir(start: str | Path | None = None) -> Path:
    """The ``benchmarks/results`` folder of the repository ``start`` lies in (or the cwd's)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "benchmarks" / "results"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no benchmarks/results folder at or above {here}")


MACHINE_KEYS = ("cpu_model", "logical_cores", "memory_gb", "gpus", "onednn", "commit")
"""What names a machine and the code it ran. Each section records these, so one file can hold
several machines; ``onednn`` (TensorFlow's CPU kernels, "on" or "off") and ``commit`` are
absent from results written before they were recorded."""


def machine_id(machine: Mapping[str, Any] | None) -> dict[str, Any]:
    """The identifying part of a ``machine`` record (see :data:`MACHINE_KEYS`)."""
    return {key: (machine or {}).get(key) for key in MACHINE_KEYS}


def section_machine(results: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The machine a section was measured on: its own record, else the file's."""
    section = (results.get("sections") or {}).get(name) or {}
    return machine_id(section.get("machine") or results.get("machine"))


def machine_text(machine: Mapping[str, Any]) -> str:
    """``CPU model, N logical cores`` (and the GPUs, if any)."""
    gpus = machine.get("gpus") or []
    text = f"{machine.get('cpu_model', '?')}, {machine.get('logical_cores', '?')} logical cores"
    text += f", GPU {', '.join(gpus)}" if gpus else ""
    text += f", oneDNN {machine['onednn']}" if machine.get("onednn") else ""
    return text + (f", commit {machine['commit']}" if machine.get("commit") else "")


def td_rows(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of the ``td_cost`` section; empty when it is absent or failed."""
    section = (results.get("sections") or {}).get("td_cost") or {}
    return [] if section.get("error") else list(section.get("rows") or [])


def _calls(n: Any) -> str:
    return f"{n:,} call" + ("" if n == 1 else "s")


def td_cost_lines(results: Mapping[str, Any]) -> list[str]:
    """The td_cost section's headline, in sentences computed from its rows (at the most steps).

    Empty when the section is absent or failed.
    """
    from labsupport.td_cost import duration
    from labsupport.td_cost import verdict as td_verdict

    rows = td_rows(results)
    if not rows:
        return []
    most = max(int(r["steps"]) for r in rows)
    at = {r["variant"]: r for r in rows if int(r["steps"]) == most}
    lines = []
    if {"time_distributed", "dense"} <= set(at):
        td, dense = at["time_distributed"], at["dense"]
        lines.append(
            f"At {most:,} steps the first predict took {duration(td['predict_first_s'])} with "
            f"TimeDistributed(Dense) ({_calls(td.get('predict_trace_calls'))} of the Dense in the "
            f"trace) and {duration(dense['predict_first_s'])} with Dense "
            f"({_calls(dense.get('predict_trace_calls'))}); the first training step "
            f"{duration(td['train_first_s'])} and {duration(dense['train_first_s'])}."
        )
        lines.append(
            f"After that, at {most:,} steps, a predict took {float(td['predict_ms']):.2f} ms with "
            f"TimeDistributed(Dense) and {float(dense['predict_ms']):.2f} ms with Dense; a "
            f"training step {float(td['train_ms']):.2f} ms and {float(dense['train_ms']):.2f} ms."
        )
    if {"unknown_steps", "time_distributed"} <= set(at):
        none, td = at["unknown_steps"], at["time_distributed"]
        lines.append(
            f"Declared with steps None, the model traced the Dense "
            f"{_calls(none.get('predict_trace_calls')).replace('call', 'time')} at {most:,} steps "
            f"and its first predict took {duration(none['predict_first_s'])} "
            f"(TimeDistributed with the steps known: {duration(td['predict_first_s'])})."
        )
    if {"folded", "dense"} <= set(at):
        folded, dense = at["folded"], at["dense"]
        lines.append(
            f"Folded into the batch: first predict {duration(folded['predict_first_s'])}, "
            f"first training step {duration(folded['train_first_s'])} at {most:,} steps "
            f"(Dense: {duration(dense['predict_first_s'])} and "
            f"{duration(dense['train_first_s'])})."
        )
    verdict = td_verdict(rows)
    if verdict:
        lines.append(verdict[-1][0].upper() + verdict[-1][1:] + ".")
    return lines


def td_cost_caption(results: Mapping[str, Any]) -> str:
    """Where, when and how the td_cost section was measured: a label for its figure."""
    section = (results.get("sections") or {}).get("td_cost") or {}
    rows = td_rows(results)
    first = rows[0] if rows else {}
    quick = " QUICK trial run (not representative)," if section.get("quick") else ""
    return (
        f"Reference result, not this run:{quick} measured {section.get('measured_at', '?')} on "
        f"{machine_text(section_machine(results, 'td_cost'))} by "
        f"`python -m benchmarks.run --only td_cost`; steps "
        f"{', '.join(f'{n:,}' for n in sorted({int(r['steps']) for r in rows}))}; "
        f"batch {first.get('batch', '?')}, "
        f"{first.get('features', '?')} features, Dense({first.get('units', '?')}), steady state "
        f"the median of {first.get('repeats', '?')} calls."
    )


def plot_td_rows(rows: Sequence[Mapping[str, Any]], title: str = ""):
    """Time against steps, log-log, one line per variant: first call and steady state, predict
    and training step (four panels)."""
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    fig, axes = plt.subplots(2, 2, figsize=(7.5, 5.6), sharex=True)
    panels = (
        ("predict_first_s", "first predict", "seconds"),
        ("train_first_s", "first training step", "seconds"),
        ("predict_ms", "predict, steady state", "milliseconds"),
        ("train_ms", "training step, steady state", "milliseconds"),
    )
    variants: list[str] = []
    for r in rows:
        if r["variant"] not in variants:
            variants.append(r["variant"])
    styles = ("o-", "s--", "D-.", "^:", "v-")
    for ax, (key, name, unit) in zip(axes.flat, panels, strict=True):
        for i, variant in enumerate(variants):
            mine = [r for r in rows if r["variant"] == variant]
            points = sorted((int(r["steps"]), float(r[key])) for r in mine)
            xs, ys = zip(*points, strict=True)
            label = mine[0].get("label", variant)
            ax.plot(xs, ys, styles[i % len(styles)], markersize=4, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        steps = sorted({int(r["steps"]) for r in rows})
        if steps:
            ax.set_xticks(steps, [f"{n:,}" for n in steps])
            ax.xaxis.set_minor_locator(ticker.NullLocator())
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_title(name, fontsize=9)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3, which="both")
    for ax in axes[1]:
        ax.set_xlabel("steps")
    if variants:
        axes[0][0].legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def td_cost_plot(results: Mapping[str, Any]):
    """The td_cost section of a results file, drawn by :func:`plot_td_rows`."""
    return plot_td_rows(td_rows(results), "TimeDistributed(Dense) and the same function")
