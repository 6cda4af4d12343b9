"""Benchmark results: the file format, the targets, and the tables and plots of the book's page.

``python -m benchmarks.run`` measures and writes ``benchmarks/results/<device>.json``; the book's
"Benchmarks" page reads that file with the functions here and never measures anything itself.
Everything in this module is pure (no TensorFlow, no timing), so it is unit-tested.

The file is one JSON object (:data:`SCHEMA_VERSION`)::

    {"schema": 1, "device_kind": "cpu", "quick": false, "started_at": ..., "finished_at": ...,
     "command": "...", "machine": {...},
     "sections": {"notebooks": {...}, "book": {...}, "test": {...}, "mnist": {...},
                  "three_ways": {...}, "td_cost": {...}, "echo": {...}},
     "targets": [{"key": ..., "status": "met" | "missed" | "not measured", ...}, ...]}

Every section carries ``measured_at`` (ISO 8601, UTC) and ``quick``; a section that failed
carries ``error`` instead of its numbers.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

SECTIONS = ("notebooks", "book", "test", "mnist", "three_ways", "td_cost", "echo")
"""Every section a results file may hold, in the order the page shows them."""

DEVICE_KINDS = ("cpu", "gpu")

MET, MISSED, NOT_MEASURED = "met", "missed", "not measured"

# The targets the book sets itself. Thresholds live here, once.
BOOK_SECONDS = 300.0
TEST_SECONDS = 300.0
MNIST_ACCURACY = 0.985
MNIST_SECONDS = 60.0
NOTEBOOK_PEAK_MB = 3 * 1024.0

MNIST_MODEL_LABELS = {
    "quadrant_cnn_lstm": "chapter 8's model: CNN per quadrant + LSTM(64) (folded)",
    "naive_td_cnn_lstm": "naive TimeDistributed CNN + LSTM(5)",
    "whole_image_cnn": "plain CNN on the whole image",
    "convlstm_quadrants": "ConvLSTM2D over the quadrants",
}

ECHO_LABELS = {
    "one_to_one": "A1 one-to-one: LSTM(5) → Dense(1)",
    "many_to_one": "A2 many-to-one: LSTM(5) → Dense(5)",
    "many_to_many": "A3 many-to-many: LSTM(5, seq) → TimeDistributed(Dense(1))",
}


class ResultsError(ValueError):
    """A results file does not have the expected layout."""


# --------------------------------------------------------------------------- the file


def validate(results: Any) -> dict[str, Any]:
    """Check the layout of a results object; return it unchanged or raise :class:`ResultsError`.

    Only the structure the page relies on is checked: top-level keys, known section names,
    and, in each section that did not fail, the lists the tables are built from.
    """
    if not isinstance(results, Mapping):
        raise ResultsError(f"results must be a JSON object, got {type(results).__name__}")
    for key in ("schema", "device_kind", "quick", "machine", "sections", "targets"):
        if key not in results:
            raise ResultsError(f"results lack the key {key!r}")
    if results["schema"] != SCHEMA_VERSION:
        raise ResultsError(
            f"results use schema {results['schema']!r}; this code reads schema {SCHEMA_VERSION}"
        )
    if results["device_kind"] not in DEVICE_KINDS:
        raise ResultsError(f"unknown device kind {results['device_kind']!r}")
    if not isinstance(results["quick"], bool):
        raise ResultsError("'quick' must be true or false")
    sections = results["sections"]
    if not isinstance(sections, Mapping):
        raise ResultsError("'sections' must be an object")
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ResultsError(f"unknown section(s) {', '.join(unknown)}")
    required_lists = {
        "notebooks": "runs",
        "mnist": "models",
        "three_ways": "rows",
        "td_cost": "rows",
        "echo": "runs",
    }
    for name, section in sections.items():
        if not isinstance(section, Mapping):
            raise ResultsError(f"section {name!r} must be an object")
        for key in ("measured_at", "quick"):
            if key not in section:
                raise ResultsError(f"section {name!r} lacks {key!r}")
        if section.get("error"):
            continue
        list_key = required_lists.get(name)
        if list_key and not isinstance(section.get(list_key), list):
            raise ResultsError(f"section {name!r} lacks the list {list_key!r}")
    if not isinstance(results["targets"], list):
        raise ResultsError("'targets' must be a list")
    for target in results["targets"]:
        if target.get("status") not in (MET, MISSED, NOT_MEASURED):
            raise ResultsError(f"target {target.get('key')!r} has status {target.get('status')!r}")
    return dict(results)


def load(path: str | Path) -> dict[str, Any]:
    """Read and validate a results file."""
    with open(path, encoding="utf-8") as handle:
        return validate(json.load(handle))


def find_results_dir(start: str | Path | None = None) -> Path:
    """The ``benchmarks/results`` folder of the repository ``start`` lies in (or the cwd's)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "benchmarks" / "results"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no benchmarks/results folder at or above {here}")


MACHINE_KEYS = ("cpu_model", "logical_cores", "memory_gb", "gpus")
"""What names a machine. Each section records these, so one file can hold several machines."""


def machine_id(machine: Mapping[str, Any] | None) -> dict[str, Any]:
    """The identifying part of a ``machine`` record (see :data:`MACHINE_KEYS`)."""
    return {key: (machine or {}).get(key) for key in MACHINE_KEYS}


def _same_machine(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    return all((a or {}).get(k) == (b or {}).get(k) for k in ("cpu_model", "logical_cores", "gpus"))


def merge(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Sections measured now replace those of the same name; the others are kept.

    Nothing is kept when the old file comes from another device kind or another schema. A kept
    section carries the machine it was measured on (``section["machine"]``; older files record
    it once, for the whole file, and it is copied into the section here), so a file may hold
    sections of several machines and the page says which is which (:func:`section_line`).
    """
    merged = dict(new)
    if not old or old.get("schema") != SCHEMA_VERSION:
        return merged
    if old.get("device_kind") != new.get("device_kind"):
        return merged
    sections = {
        name: {"machine": machine_id(old.get("machine")), **body}
        for name, body in (old.get("sections") or {}).items()
    }
    sections.update(new.get("sections") or {})
    merged["sections"] = {name: sections[name] for name in SECTIONS if name in sections}
    merged["quick"] = any(bool(s.get("quick")) for s in merged["sections"].values())
    merged["started_at"] = min(str(old.get("started_at", "")), str(new.get("started_at", ""))) or (
        new.get("started_at")
    )
    # Keep the runs whose sections are still in the file, so the page can list every command.
    kept = [
        run
        for run in old.get("history") or []
        if set(run.get("sections") or []) - set(new.get("sections") or {})
    ]
    merged["history"] = kept + list(new.get("history") or [])
    return merged


def section_machine(results: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The machine a section was measured on: its own record, else the file's."""
    section = (results.get("sections") or {}).get(name) or {}
    return machine_id(section.get("machine") or results.get("machine"))


def machine_text(machine: Mapping[str, Any]) -> str:
    """``CPU model, N logical cores`` (and the GPUs, if any)."""
    gpus = machine.get("gpus") or []
    return f"{machine.get('cpu_model', '?')}, {machine.get('logical_cores', '?')} logical cores" + (
        f", GPU {', '.join(gpus)}" if gpus else ""
    )


# --------------------------------------------------------------------------- targets


def _target(
    key: str,
    description: str,
    status: str,
    *,
    value: Any = None,
    threshold: Any = None,
    unit: str = "",
    basis: str = "",
    estimate: bool = False,
) -> dict[str, Any]:
    return {
        "key": key,
        "description": description,
        "status": status,
        "value": value,
        "threshold": threshold,
        "unit": unit,
        "basis": basis,
        "estimate": estimate,
    }


def _ok(section: Mapping[str, Any] | None) -> bool:
    return bool(section) and not section.get("error")


def _book_target(sections: Mapping[str, Any]) -> dict[str, Any]:
    desc = "whole book builds in full mode in at most 5 minutes"
    book = sections.get("book")
    if _ok(book) and book.get("mode") == "full":
        seconds = float(book["seconds"])
        if not book.get("ok", False):
            return _target(
                "book_full",
                desc,
                MISSED,
                value=seconds,
                threshold=BOOK_SECONDS,
                unit="s",
                basis="jupyter-book build failed",
            )
        status = MET if seconds <= BOOK_SECONDS else MISSED
        return _target(
            "book_full",
            desc,
            status,
            value=seconds,
            threshold=BOOK_SECONDS,
            unit="s",
            basis="jupyter-book build of a copy of the repository",
        )
    runs = (sections.get("notebooks") or {}).get("runs") or []
    full = [r for r in runs if r.get("mode") == "full"]
    if full and all(r.get("ok") for r in full):
        total = sum(float(r["wall_s"]) for r in full)
        status = MET if total <= BOOK_SECONDS else MISSED
        return _target(
            "book_full",
            desc,
            status,
            value=total,
            threshold=BOOK_SECONDS,
            unit="s",
            basis="sum of the notebooks' full-mode times (the book build itself was not timed)",
            estimate=True,
        )
    return _target("book_full", desc, NOT_MEASURED, threshold=BOOK_SECONDS, unit="s")


def _test_target(sections: Mapping[str, Any]) -> dict[str, Any]:
    desc = "the README's test command (make test) runs in at most 5 minutes"
    test = sections.get("test")
    if not _ok(test):
        return _target("make_test", desc, NOT_MEASURED, threshold=TEST_SECONDS, unit="s")
    seconds = float(test["seconds"])
    if not test.get("ok", False):
        return _target(
            "make_test",
            desc,
            MISSED,
            value=seconds,
            threshold=TEST_SECONDS,
            unit="s",
            basis=f"make test failed (exit status {test.get('returncode')})",
        )
    status = MET if seconds <= TEST_SECONDS else MISSED
    return _target(
        "make_test",
        desc,
        status,
        value=seconds,
        threshold=TEST_SECONDS,
        unit="s",
        basis=test.get("command", "make test"),
    )


def _mnist_target(sections: Mapping[str, Any]) -> dict[str, Any]:
    desc = "MNIST quadrants: at least 98.5 % test accuracy with at most 60 s of training"
    mnist = sections.get("mnist")
    if not _ok(mnist):
        return _target("mnist_60s", desc, NOT_MEASURED, threshold=MNIST_ACCURACY)
    data = mnist.get("data") or {}
    if not data.get("is_full"):
        return _target(
            "mnist_60s",
            desc,
            NOT_MEASURED,
            threshold=MNIST_ACCURACY,
            basis=(
                f"measured on {int(data.get('train', 0)):,} training and "
                f"{int(data.get('test', 0)):,} test images, not the whole MNIST"
            ),
        )
    run = mnist.get("target_run")
    if not run or float(run.get("budget_s", 0)) > MNIST_SECONDS:
        return _target(
            "mnist_60s",
            desc,
            NOT_MEASURED,
            threshold=MNIST_ACCURACY,
            basis="no 60 s training run of the chapter model (quick run?)",
        )
    accuracy = float(run["accuracy"])
    trained = float(run["train_s"])
    met = accuracy >= MNIST_ACCURACY and trained <= MNIST_SECONDS + 1.0  # one batch of slack
    return _target(
        "mnist_60s",
        desc,
        MET if met else MISSED,
        value=accuracy,
        threshold=MNIST_ACCURACY,
        basis=(
            f"{run.get('model', 'quadrant_cnn_lstm')} trained {trained:.1f} s "
            f"({float(run.get('epochs_run', 0)):.2f} epochs), scored on "
            f"{int(data.get('test', 0)):,} test images"
        ),
    )


def _memory_target(sections: Mapping[str, Any]) -> dict[str, Any]:
    desc = "no notebook above 3 GB peak memory"
    runs = [r for r in (sections.get("notebooks") or {}).get("runs") or [] if r.get("peak_mb")]
    if not runs:
        return _target("notebook_memory", desc, NOT_MEASURED, threshold=NOTEBOOK_PEAK_MB, unit="MB")
    worst = max(runs, key=lambda r: float(r["peak_mb"]))
    peak = float(worst["peak_mb"])
    modes = sorted({r.get("mode") for r in runs})
    only_fast = modes == ["fast"]
    return _target(
        "notebook_memory",
        desc,
        MET if peak <= NOTEBOOK_PEAK_MB else MISSED,
        value=peak,
        threshold=NOTEBOOK_PEAK_MB,
        unit="MB",
        basis=f"largest: {worst['notebook']} ({worst.get('mode')} mode)"
        + ("; fast mode only, full mode not measured" if only_fast else ""),
        estimate=only_fast,
    )


def evaluate_targets(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Evaluate the book's four targets on the sections a results object holds."""
    sections = results.get("sections") or {}
    return [
        _book_target(sections),
        _test_target(sections),
        _mnist_target(sections),
        _memory_target(sections),
    ]


# --------------------------------------------------------------------------- tables


class Table:
    """A small table that shows as HTML in the book and as text elsewhere."""

    def __init__(self, header: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = ""):
        self.header = [str(h) for h in header]
        self.rows = [[_cell(v) for v in row] for row in rows]
        self.caption = caption
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"row {row} has {len(row)} cells, header has {len(self.header)}")

    def to_markdown(self) -> str:
        lines = ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return (
            f'<table class="table">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )

    def __repr__(self) -> str:
        widths = [max(len(x) for x in col) for col in zip(self.header, *self.rows, strict=True)]
        fmt = "  ".join(f"{{:{w}}}" for w in widths)
        lines = [fmt.format(*self.header)] + [fmt.format(*row) for row in self.rows]
        return "\n".join(([self.caption] if self.caption else []) + lines)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _seconds(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f} s"


def _percent(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.2f} %"


def _mb(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.0f} MB"


def status_text(target: Mapping[str, Any]) -> str:
    """``met``, ``missed`` or ``not measured``, with "(estimate)" when the basis is partial."""
    text = str(target["status"])
    if target.get("estimate") and target["status"] != NOT_MEASURED:
        text += " (estimate)"
    return text


def _target_value(target: Mapping[str, Any]) -> str:
    value, unit = target.get("value"), target.get("unit")
    if value is None:
        return "—"
    if unit == "s":
        return _seconds(value)
    if unit == "MB":
        return _mb(value)
    return _percent(value)


def _target_threshold(target: Mapping[str, Any]) -> str:
    threshold, unit = target.get("threshold"), target.get("unit")
    if threshold is None:
        return "—"
    if unit == "s":
        return f"≤ {float(threshold):.0f} s"
    if unit == "MB":
        return f"≤ {float(threshold):,.0f} MB"
    return f"≥ {_percent(threshold)}"


def targets_table(results: Mapping[str, Any]) -> Table:
    """The targets with their measured value and whether each was met.

    The targets are evaluated afresh from the sections (with the thresholds of this module);
    the list stored in the file is what the command printed when it ran.
    """
    rows = [
        (
            t["description"],
            _target_threshold(t),
            _target_value(t),
            status_text(t),
            t.get("basis", ""),
        )
        for t in evaluate_targets(results)
    ]
    return Table(("target", "threshold", "measured", "status", "how it was measured"), rows)


def notebooks_table(results: Mapping[str, Any]) -> Table:
    """One row per notebook: time and peak memory in full and in fast mode."""
    runs = (results.get("sections", {}).get("notebooks") or {}).get("runs") or []
    by_name: dict[str, dict[str, Mapping[str, Any]]] = {}
    for run in runs:
        by_name.setdefault(run["notebook"], {})[run["mode"]] = run

    def time_of(run: Mapping[str, Any] | None) -> str:
        if not run:
            return "not run"
        return _seconds(run.get("wall_s")) if run.get("ok") else "failed"

    def mem_of(run: Mapping[str, Any] | None) -> str:
        return _mb(run.get("peak_mb")) if run else "—"

    rows = [
        (
            name,
            time_of(modes.get("full")),
            mem_of(modes.get("full")),
            time_of(modes.get("fast")),
            mem_of(modes.get("fast")),
        )
        for name, modes in sorted(by_name.items())
    ]
    return Table(
        ("notebook", "full mode", "peak memory (full)", "fast mode", "peak memory (fast)"), rows
    )


def mnist_table(results: Mapping[str, Any]) -> Table:
    """Test accuracy each model reached at each training-time budget, and its time to 98.5 %."""
    mnist = results.get("sections", {}).get("mnist") or {}
    budgets = [float(b) for b in mnist.get("budgets") or []]
    header = ["model", "parameters"] + [f"after {b:g} s" for b in budgets] + ["time to 98.5 %"]
    rows = []
    for model in mnist.get("models") or []:
        at = model.get("accuracy_at") or {}
        cells = [_percent(at.get(f"{b:g}")) for b in budgets]
        reach = model.get("time_to_target_s")
        if model.get("error"):
            cells, reach_text = ["failed"] * len(budgets), "failed"
        else:
            reach_text = "not reached" if reach is None else _seconds(reach)
        rows.append(
            [MNIST_MODEL_LABELS.get(model["model"], model["model"]), model.get("params")]
            + cells
            + [reach_text]
        )
    return Table(header, rows)


def three_ways_table(results: Mapping[str, Any]) -> Table:
    """Forward and training-step time of the three ways, as ratios to TimeDistributed."""
    rows = []
    for r in (results.get("sections", {}).get("three_ways") or {}).get("rows") or []:
        rows.append(
            (
                r["steps"],
                r["batch"],
                r["way"],
                f"{float(r['forward_ms']):.1f}",
                f"{float(r['forward_vs_td']):.2f}×",
                f"{float(r['train_ms']):.1f}",
                f"{float(r['train_vs_td']):.2f}×",
            )
        )
    return Table(("steps", "batch", "way", "forward ms", "vs TD", "train step ms", "vs TD"), rows)


def _td_rows(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    section = results.get("sections", {}).get("td_cost") or {}
    return [] if section.get("error") else list(section.get("rows") or [])


def td_cost_table(results: Mapping[str, Any]) -> Table:
    """First call and steady state of predict and of a training step, per variant and steps."""
    rows = [
        (
            r["steps"],
            r.get("label", r["variant"]),
            r.get("predict_trace_calls"),
            f"{float(r['predict_first_s']):.3f} s",
            f"{float(r['predict_ms']):.2f} ms",
            f"{float(r['train_first_s']):.3f} s",
            f"{float(r['train_ms']):.2f} ms",
        )
        for r in _td_rows(results)
    ]
    return Table(
        (
            "steps",
            "variant",
            "Dense calls in the trace",
            "first predict",
            "predict",
            "first training step",
            "training step",
        ),
        rows,
    )


def td_cost_ratio_table(results: Mapping[str, Any]) -> Table:
    """Each variant's times divided by Dense's, at the fewest and at the most steps measured."""
    from labsupport.td_cost import ratio, times

    rows = _td_rows(results)
    out = []
    if rows:
        steps = sorted({int(r["steps"]) for r in rows})
        for n in sorted({steps[0], steps[-1]}):
            for r in rows:
                if int(r["steps"]) != n or r["variant"] == "dense":
                    continue
                out.append(
                    [n, r.get("label", r["variant"])]
                    + [times(ratio(rows, key, r["variant"], n)) for key in _TD_KEYS]
                )
    return Table(
        (
            "steps",
            "variant",
            "first predict",
            "first training step",
            "predict",
            "training step",
        ),
        out,
        caption="time divided by Dense's time at the same number of steps",
    )


_TD_KEYS = ("predict_first_s", "train_first_s", "predict_ms", "train_ms")


def _calls(n: Any) -> str:
    return f"{n:,} call" + ("" if n == 1 else "s")


def td_cost_lines(results: Mapping[str, Any]) -> list[str]:
    """The td_cost section's headline, in sentences computed from its rows (at the most steps).

    Empty when the section is absent or failed.
    """
    from labsupport.td_cost import duration
    from labsupport.td_cost import verdict as td_verdict

    rows = _td_rows(results)
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
    rows = _td_rows(results)
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
    return plot_td_rows(_td_rows(results), "TimeDistributed(Dense) and the same function")


def td_cost_reference(results_dir: str | Path | None = None) -> dict[str, Any] | None:
    """The CPU results file when it holds a td_cost section that did not fail; else None.

    For a chapter that shows the committed curve beside its own measurement: an installation
    without the repository's ``benchmarks/results`` folder gets None, not an error.
    """
    try:
        cpu = load_all(results_dir).get("cpu")
    except (FileNotFoundError, ResultsError, ValueError, OSError):
        return None
    return cpu if cpu is not None and _td_rows(cpu) else None


def echo_table(results: Mapping[str, Any]) -> Table:
    """Passes and seconds each echo model needed to bring its largest error under 0.05."""
    echo = results.get("sections", {}).get("echo") or {}
    rows = []
    for r in echo.get("runs") or []:
        reached = r.get("reached")
        rows.append(
            (
                ECHO_LABELS.get(r["model"], r["model"]),
                r.get("seed"),
                r["passes"] if reached else f"> {r['passes']}",
                _seconds(r.get("seconds")),
                f"{float(r['final_error']):.3f}",
            )
        )
    return Table(("model", "seed", "passes", "training time", "max abs error"), rows)


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
        f"Software: Python {m.get('python', '?')}, TensorFlow {m.get('tensorflow', '?')}, "
        f"Keras {m.get('keras', '?')}, NumPy {m.get('numpy', '?')}; {m.get('platform', '?')}.",
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
        if not _same_machine(own, m):
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


# --------------------------------------------------------------------------- the page


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


def load_all(results_dir: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Every results file found, keyed by device kind (``cpu``, ``gpu``)."""
    folder = Path(results_dir) if results_dir else find_results_dir()
    found = {}
    for kind in DEVICE_KINDS:
        path = folder / f"{kind}.json"
        if path.is_file():
            found[kind] = load(path)
    return found


def section_line(results: Mapping[str, Any] | None, name: str) -> str:
    """One line on when a section was measured and whether it was quick, or why it is absent."""
    section = (results or {}).get("sections", {}).get(name)
    if not section:
        return f"Not measured yet: run `python -m benchmarks.run --only {name}`."
    text = f"Measured {section['measured_at']}"
    own = section_machine(results or {}, name)
    if not _same_machine(own, (results or {}).get("machine")):
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
            f"{what}{mode}: {_seconds(section.get('seconds'))}, {outcome} "
            f"(measured {section.get('measured_at')}{quick})."
        )
    return lines
