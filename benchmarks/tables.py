"""The tables of the Benchmarks page, built from a results file (nothing here measures)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from benchmarks.reference import td_rows
from benchmarks.schema import machine_text, section_machine
from benchmarks.targets import NOT_MEASURED, evaluate_targets

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


def seconds_text(value: Any) -> str:
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
        return seconds_text(value)
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


TARGET_SECTIONS = {
    "book_full": "book",
    "make_test": "test",
    "mnist_60s": "mnist",
    "notebook_memory": "notebooks",
}
"""The section each target is evaluated on (an estimate of the book's time: ``notebooks``)."""


def target_section(target: Mapping[str, Any]) -> str | None:
    """The section a target's figure comes from."""
    if target.get("key") == "book_full" and target.get("estimate"):
        return "notebooks"  # the sum of the chapters' full-mode times
    return TARGET_SECTIONS.get(str(target.get("key")))


def target_machine(results: Mapping[str, Any], target: Mapping[str, Any]) -> str:
    """``CPU model, N logical cores`` of the machine that measured a target's figure."""
    name = target_section(target)
    if target.get("value") is None or not name:
        return "—"
    if not (results.get("sections") or {}).get(name):
        return "—"
    return machine_text(section_machine(results, name))


def targets_table(results: Mapping[str, Any]) -> Table:
    """The targets with their measured value, whether each was met, and where it was measured.

    The targets are evaluated afresh from the sections (with the thresholds of this module);
    the list stored in the file is what the command printed when it ran. Sections of one file
    may come from different runs on different machines, so each row names its machine.
    """
    rows = [
        (
            t["description"],
            _target_threshold(t),
            _target_value(t),
            status_text(t),
            t.get("basis", ""),
            target_machine(results, t),
        )
        for t in evaluate_targets(results)
    ]
    return Table(
        ("target", "threshold", "measured", "status", "how it was measured", "measured on"), rows
    )


def notebooks_table(results: Mapping[str, Any]) -> Table:
    """One row per notebook: time and peak memory in full and in fast mode."""
    runs = (results.get("sections", {}).get("notebooks") or {}).get("runs") or []
    by_name: dict[str, dict[str, Mapping[str, Any]]] = {}
    for run in runs:
        by_name.setdefault(run["notebook"], {})[run["mode"]] = run

    def time_of(run: Mapping[str, Any] | None) -> str:
        if not run:
            return "not run"
        return seconds_text(run.get("wall_s")) if run.get("ok") else "failed"

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


LATE_S = 1.0
"""A score taken more than this many seconds after its checkpoint shows its actual time."""


def late_checkpoints(model: Mapping[str, Any], late_s: float = LATE_S) -> list[Mapping[str, Any]]:
    """The checkpoints of an MNIST model that were scored more than ``late_s`` after them.

    The model is scored at the end of the first batch that ends at or after a checkpoint, so a
    slow batch, or one batch that crosses several checkpoints, delays the score.
    """
    return [
        c
        for c in model.get("checkpoints") or []
        if c.get("checkpoint") is not None and float(c["train_s"]) - float(c["checkpoint"]) > late_s
    ]


def _budget_cell(model: Mapping[str, Any], budget: float) -> str:
    """The accuracy at a budget, with the actual training time when it was scored late."""
    at = model.get("accuracy_at") or {}
    text = _percent(at.get(f"{budget:g}"))
    late = [c for c in late_checkpoints(model) if float(c["checkpoint"]) == budget]
    if late and at.get(f"{budget:g}") is not None:
        text += f" (at {seconds_text(late[0]['train_s'])})"
    return text


def mnist_table(results: Mapping[str, Any]) -> Table:
    """Test accuracy each model reached at each training-time budget, and its time to 98.5 %.

    A budget's score taken more than :data:`LATE_S` after the budget shows its actual training
    time in brackets; "time to 98.5 %" is the actual training time of the first score at or
    above the target.
    """
    mnist = results.get("sections", {}).get("mnist") or {}
    budgets = [float(b) for b in mnist.get("budgets") or []]
    header = ["model", "parameters"] + [f"after {b:g} s" for b in budgets] + ["time to 98.5 %"]
    rows = []
    for model in mnist.get("models") or []:
        cells = [_budget_cell(model, b) for b in budgets]
        reach = model.get("time_to_target_s")
        if model.get("error"):
            cells, reach_text = ["failed"] * len(budgets), "failed"
        else:
            reach_text = "not reached" if reach is None else seconds_text(reach)
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
        for r in td_rows(results)
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

    rows = td_rows(results)
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


def error_decimals(errors: Iterable[float], threshold: float | None, least: int = 4) -> int:
    """Decimals enough (``least`` at fewest, 8 at most) that no error below ``threshold`` is
    rounded up to it or above: 0.04995 must not show as 0.0500 beside a 0.05 threshold."""
    if threshold is None:
        return least
    limit = float(threshold)
    below = [float(e) for e in errors if float(e) < limit]
    for decimals in range(least, 9):
        if all(round(e, decimals) < limit for e in below):
            return decimals
    return 8


def echo_table(results: Mapping[str, Any]) -> Table:
    """Passes and seconds each echo model needed to bring its largest error under the threshold.

    The errors show with enough decimals that none under the threshold reads as the threshold.
    """
    echo = results.get("sections", {}).get("echo") or {}
    runs = echo.get("runs") or []
    decimals = error_decimals((r["final_error"] for r in runs), echo.get("threshold"))
    rows = []
    for r in runs:
        reached = r.get("reached")
        rows.append(
            (
                ECHO_LABELS.get(r["model"], r["model"]),
                r.get("seed"),
                r["passes"] if reached else f"> {r['passes']}",
                seconds_text(r.get("seconds")),
                f"{float(r['final_error']):.{decimals}f}",
            )
        )
    return Table(("model", "seed", "passes", "training time", "max abs error"), rows)
