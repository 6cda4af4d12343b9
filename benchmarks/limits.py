"""The Benchmarks page's view of the ``arithmetic`` section: each backend's arithmetic limit,
and the MNIST training runs as multiples of the ideal time at that limit (pure: reads results).

The conventions (what a FLOP counts, training = 3 × forward) are in :mod:`benchmarks.numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from benchmarks import numbers
from benchmarks.schema import section_backend
from benchmarks.tables import MNIST_MODEL_LABELS, Table

BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def backend_rows(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The arithmetic section's rows that did not fail, keyed by backend."""
    section = (results.get("sections") or {}).get("arithmetic") or {}
    if section.get("error"):
        return {}
    return {r["backend"]: r for r in section.get("backends") or [] if not r.get("error")}


def model_flops(results: Mapping[str, Any]) -> dict[str, float]:
    """Forward FLOPs per image of each MNIST model, from the first backend that counted them."""
    for row in backend_rows(results).values():
        found = row.get("models") or {}
        if found:
            return {name: float(m["forward_flops"]) for name, m in found.items()}
    return {}


def _gflops(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.1f}"


def _mflop(value: Any) -> str:
    return "—" if value is None else f"{float(value) / 1e6:,.2f}"


def _times(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f}×" if float(value) < 10 else f"{float(value):,.0f}×"


def arithmetic_table(results: Mapping[str, Any]) -> Table:
    """Per backend: matmul and convolution rate, and the chapter model's training run."""
    section = (results.get("sections") or {}).get("arithmetic") or {}
    rows = []
    for r in section.get("backends") or []:
        name = BACKEND_NAMES.get(r["backend"], r["backend"])
        if r.get("error"):
            rows.append([name, "—", "—", "—", "—", "—", "—", "—", f"failed: {r['error'][:80]}"])
            continue
        train = r.get("training") or {}
        rows.append(
            [
                f"{name} {r.get('version') or ''}".strip(),
                _gflops(r.get("matmul_gflops")),
                _gflops(r.get("conv_gflops")),
                f"{float(train['train_s']):.1f} s" if train.get("train_s") else "—",
                train.get("images_trained"),
                f"{float(train['ideal_s']):.2f} s" if train.get("ideal_s") else "—",
                _times(train.get("times_ideal")),
                _times(train.get("steady_times_ideal")),
                f"{100 * float(train['accuracy']):.2f} %" if "accuracy" in train else "—",
            ]
        )
    header = (
        "backend",
        "matmul GFLOP/s",
        "convolution GFLOP/s",
        "training time",
        "images trained",
        "ideal time",
        "time ÷ ideal",
        "after the first call",
        "test accuracy",
    )
    return Table(header, rows)


def mnist_speed_rows(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each MNIST model's training run as a multiple of the ideal time on its backend.

    The ``mnist`` section's training time (tracing included, scoring excluded) and images; the
    ideal time at the arithmetic limit the ``arithmetic`` section measured on the backend the
    ``mnist`` section ran on. None where a number is missing.
    """
    mnist = (results.get("sections") or {}).get("mnist") or {}
    backend = section_backend(results, "mnist")
    limit = numbers.limit_gflops(backend_rows(results).get(backend) or {})
    counted = model_flops(results)
    train_images = int((mnist.get("data") or {}).get("train") or 0)
    out = []
    for m in mnist.get("models") or []:
        if m.get("error"):
            continue
        images = m.get("images_trained")
        if images is None and m.get("batches_run") and train_images:
            images = numbers.images_trained(m["batches_run"], train_images, m["batch_size"])
        flops = counted.get(m["model"])
        row = {
            "model": m["model"],
            "backend": backend,
            "forward_flops": flops,
            "train_s": m.get("train_s"),
            "images": images,
            "accuracy": max((c["accuracy"] for c in m.get("checkpoints") or []), default=None),
            "ideal_s": None,
            "times_ideal": None,
        }
        if flops and images and limit:
            row["ideal_s"] = numbers.ideal_seconds(flops, images, limit)
            row["times_ideal"] = float(m["train_s"]) / row["ideal_s"]
        out.append(row)
    return out


def mnist_speed_table(results: Mapping[str, Any]) -> Table:
    rows = [
        [
            MNIST_MODEL_LABELS.get(r["model"], r["model"]),
            _mflop(r["forward_flops"]),
            f"{float(r['train_s']):.1f} s" if r["train_s"] is not None else "—",
            r["images"],
            f"{float(r['ideal_s']):.2f} s" if r["ideal_s"] is not None else "—",
            _times(r["times_ideal"]),
            f"{100 * float(r['accuracy']):.2f} %" if r["accuracy"] is not None else "—",
        ]
        for r in mnist_speed_rows(results)
    ]
    header = (
        "model",
        "forward MFLOP per image",
        "training time",
        "images trained",
        "ideal time",
        "time ÷ ideal",
        "last test accuracy",
    )
    return Table(header, rows)


def arithmetic_lines(results: Mapping[str, Any]) -> list[str]:
    """Sentences on the section: the convention, the chapter model's FLOPs, the backends."""
    section = (results.get("sections") or {}).get("arithmetic") or {}
    if not section or section.get("error"):
        return []
    lines = []
    rows = backend_rows(results)
    first = next(iter(rows.values()), None)
    if first:
        chapter = (first.get("models") or {}).get("quadrant_cnn_lstm") or {}
        if chapter:
            agree = (
                "the same on every backend measured"
                if section.get("flops_agree")
                else ("NOT the same on every backend: see the file")
            )
            lines.append(
                f"Chapter 8's model ({int(chapter['params']):,} parameters) costs "
                f"{float(chapter['forward_flops']) / 1e6:.2f} MFLOP per image forward, counted "
                f"from its layers ({agree}); a training step is counted as "
                f"{float(section.get('train_flops_factor', numbers.TRAIN_FLOPS_FACTOR)):g}× that."
            )
        sizes = first
        lines.append(
            f"Rates: a {sizes['matmul_n']:,} × {sizes['matmul_n']:,} float32 matmul and a 3 × 3 "
            f"convolution of {' × '.join(str(d) for d in sizes['conv_shape'])} into "
            f"{sizes['conv_kernel'][-1]} channels, best of {len(sizes['matmul_s'])} runs each."
        )
    if section.get("convention"):
        lines.append(f"Convention: {section['convention']}.")
    missing = [BACKEND_NAMES.get(b, b) for b in section.get("not_installed") or []]
    if missing:
        lines.append(f"Not installed, so not measured: {', '.join(missing)}.")
    return lines
