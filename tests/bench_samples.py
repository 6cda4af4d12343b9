"""Sample benchmark results shared by the benchmark tests (plain helpers, nothing timed)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import numbers, run, sections
from benchmarks import report as br
from benchmarks.targets import MNIST_ACCURACY, evaluate_targets

ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict:
    return {
        "cpu_model": "Test CPU",
        "logical_cores": 2,
        "memory_gb": 8.0,
        "gpus": [],
        "python": "3.11",
        "tensorflow": "2.21",
        "keras": "3.15",
        "numpy": "2.4",
        "platform": "Linux",
        "load_average": [0.1, 0.2, 0.3],
        "load_average_end": [0.4, 0.2, 0.3],
    }


def section(**body) -> dict:
    return {"measured_at": "2026-01-01T00:00:00+00:00", "quick": False, **body}


def mnist_model(name: str, accuracies: list[tuple[float, float, float]]) -> dict:
    checkpoints = [{"checkpoint": c, "train_s": t, "accuracy": a} for c, t, a in accuracies]
    return {
        "model": name,
        "params": 1000,
        "checkpoints": checkpoints,
        "accuracy_at": numbers.accuracy_at(checkpoints, [15.0, 30.0]),
        "time_to_target_s": numbers.time_to_target(checkpoints, MNIST_ACCURACY),
    }


def sample() -> dict:
    results = {
        "schema": br.SCHEMA_VERSION,
        "device_kind": "cpu",
        "quick": False,
        "started_at": "2026-01-01T00:00:00+00:00",
        "finished_at": "2026-01-01T00:30:00+00:00",
        "command": "python -m benchmarks.run",
        "machine": machine(),
        "sections": {
            "notebooks": section(
                runs=[
                    {
                        "notebook": "01_a",
                        "mode": "full",
                        "ok": True,
                        "wall_s": 40.0,
                        "peak_mb": 900,
                    },
                    {
                        "notebook": "01_a",
                        "mode": "fast",
                        "ok": True,
                        "wall_s": 10.0,
                        "peak_mb": 700,
                    },
                    {
                        "notebook": "02_b",
                        "mode": "full",
                        "ok": True,
                        "wall_s": 50.0,
                        "peak_mb": 1200,
                    },
                    {
                        "notebook": "02_b",
                        "mode": "fast",
                        "ok": False,
                        "wall_s": None,
                        "peak_mb": None,
                        "error": "CellExecutionError: boom",
                    },
                ]
            ),
            "mnist": section(
                data={
                    "source": "path",
                    "location": "x",
                    "is_full": True,
                    "train": 60000,
                    "test": 10000,
                },
                budgets=[15.0, 30.0],
                models=[
                    mnist_model(
                        "quadrant_cnn_lstm",
                        [(10.0, 10.2, 0.97), (15.0, 15.1, 0.986), (30.0, 30.0, 0.99)],
                    ),
                    mnist_model("whole_image_cnn", [(15.0, 15.0, 0.95), (30.0, 30.2, 0.97)]),
                ],
                target_run={
                    "model": "quadrant_cnn_lstm",
                    "budget_s": 60.0,
                    "train_s": 60.1,
                    "epochs_run": 3.2,
                    "accuracy": 0.988,
                },
            ),
            "three_ways": section(
                rows=[
                    {
                        "way": w,
                        "steps": 4,
                        "batch": 8,
                        "forward_ms": f,
                        "train_ms": 2 * f,
                        "forward_vs_td": f / 10.0,
                        "train_vs_td": f / 10.0,
                        "params": 5,
                    }
                    for w, f in zip(
                        ("shared calls", "TimeDistributed", "folded into batch"),
                        (12.0, 10.0, 8.0),
                        strict=True,
                    )
                ]
            ),
            "echo": section(
                runs=[
                    {
                        "model": "one_to_one",
                        "seed": 0,
                        "passes": 900,
                        "seconds": 8.0,
                        "reached": True,
                        "final_error": 0.049,
                    },
                    {
                        "model": "many_to_many",
                        "seed": 0,
                        "passes": 3000,
                        "seconds": 30.0,
                        "reached": False,
                        "final_error": 0.2,
                    },
                ]
            ),
        },
        "targets": [],
    }
    results["targets"] = evaluate_targets(results)
    return results


def targets_by_key(results: dict) -> dict:
    return {t["key"]: t for t in evaluate_targets(results)}


def td_rows() -> list[dict]:
    """Rows as labsupport.td_cost.measure returns them: 2 numbers of steps, 4 variants."""
    from labsupport.td_cost import VARIANTS

    rows = []
    for steps in (4, 64):
        for variant, label in VARIANTS.items():
            unrolled = variant in ("time_distributed", "unknown_steps")
            slow = steps / 4 if unrolled else 1.0
            rows.append(
                {
                    "variant": variant,
                    "label": label,
                    "steps": steps,
                    "batch": 32,
                    "features": 16,
                    "units": 8,
                    "repeats": 5,
                    "params": 136,
                    "jit_compile": False,
                    "predict_first_s": 0.02 * slow,
                    "predict_ms": 1.0 * (2.0 if unrolled and steps == 64 else 1.0),
                    "train_first_s": 0.1 * slow,
                    "train_ms": 2.0 * (1.5 if unrolled and steps == 64 else 1.0),
                    "predict_trace_calls": steps if unrolled else 1,
                    "train_trace_calls": steps if unrolled else 1,
                }
            )
    return rows


def with_td_cost(**extra) -> dict:
    results = sample()
    results["sections"]["td_cost"] = section(rows=td_rows(), **extra)
    return br.validate(results)


def fake_sections(monkeypatch, bodies: dict) -> None:
    """Replace the sections' run functions: a body, or an exception to raise."""

    def runner(name):
        def run_section(cfg):
            body = bodies[name]
            if isinstance(body, Exception):
                raise body
            return body

        return run_section

    monkeypatch.setattr(sections, "runner", runner)
    monkeypatch.setattr(run.machine, "machine_info", lambda: {**machine(), "keras_backend": "jax"})
