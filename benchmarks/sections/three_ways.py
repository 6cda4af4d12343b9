"""The ``three_ways`` section: one CNN over a sequence as separate calls, in TimeDistributed,
and folded into the batch axis (``labsupport.sequence_cnn.time_three_ways``)."""

from __future__ import annotations

import gc
from typing import Any

import keras

from benchmarks.common import log
from labsupport import sequence_cnn


def run(cfg: dict[str, Any]) -> dict[str, Any]:
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
