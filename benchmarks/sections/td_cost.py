"""The ``td_cost`` section: first call and steady state of Dense, TimeDistributed(Dense), the
folded model and unknown steps, from 4 to 1,024 steps (``labsupport.td_cost``)."""

from __future__ import annotations

import gc
from typing import Any

import keras

from benchmarks.common import log
from labsupport import td_cost


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """One number of steps at a time, each on fresh models (``td_cost.measure``), with the Keras
    session cleared in between so the graphs of 1,024 steps do not pile up."""
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
