"""labsupport.td_cost: the four models, the trace counts, and the measurement's layout.

Tiny sizes only, and no assertion on how long anything took: timings on a shared machine are
noise. What is checked is structure: every variant and size present, times that are numbers
at or above zero, and the counts of the inner Dense's calls that the chapter relies on.
"""

from __future__ import annotations

import numpy as np
import pytest

from labsupport import td_cost


@pytest.mark.parametrize("variant", list(td_cost.VARIANTS))
def test_each_variant_builds_the_same_function(variant):
    model, dense = td_cost.build(variant, 5, features=3, units=2)
    reference, _ = td_cost.build("dense", 5, features=3, units=2)
    x = np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")
    out = model.predict_on_batch(x)
    assert out.shape == (4, 5, 2)
    np.testing.assert_allclose(out, reference.predict_on_batch(x), rtol=1e-5, atol=1e-6)
    assert model.count_params() == 3 * 2 + 2
    expected_input = (None, None, 3) if variant == "unknown_steps" else (None, 5, 3)
    assert tuple(model.inputs[0].shape) == expected_input
    unrolled = variant in ("time_distributed", "unknown_steps")
    assert dense.call_count == (5 if unrolled else 1)


def test_building_does_not_count_as_a_trace():
    _, dense = td_cost.build("time_distributed", 7)
    assert dense.call_count == 0


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown variant 'td'"):
        td_cost.build("td", 3)
    with pytest.raises(ValueError, match="unknown variant"):
        td_cost.measure((2,), variants=("dense", "conv"))
    with pytest.raises(ValueError, match="repeats"):
        td_cost.measure((2,), repeats=0)


@pytest.mark.parametrize(
    ("variant", "steps", "calls"),
    [
        ("dense", 6, 1),
        ("folded", 6, 1),
        ("time_distributed", 2, 2),
        ("time_distributed", 6, 6),
        ("unknown_steps", 6, 6),
    ],
)
def test_trace_calls(variant, steps, calls):
    assert td_cost.trace_calls(variant, steps) == calls
    assert td_cost.trace_calls(variant, steps, predicts=3) == calls  # later calls do not trace


def test_measure_tiny():
    rows = td_cost.measure((3, 2), batch=2, features=2, units=2, repeats=2)
    assert [(r["steps"], r["variant"]) for r in rows] == [
        (n, v) for n in (2, 3) for v in td_cost.VARIANTS
    ]
    for r in rows:
        assert r["label"] == td_cost.VARIANTS[r["variant"]]
        assert (r["batch"], r["features"], r["units"], r["repeats"]) == (2, 2, 2, 2)
        assert r["params"] == 6 and isinstance(r["jit_compile"], bool)
        for key in td_cost.TIMES:
            assert isinstance(r[key], float) and r[key] >= 0.0, (key, r[key])
        for key in ("predict_rounds_ms", "train_rounds_ms"):  # every round's time
            assert len(r[key]) == 2 and all(t >= 0.0 for t in r[key]), (key, r[key])
        unrolled = r["variant"] in ("time_distributed", "unknown_steps")
        assert r["predict_trace_calls"] == (r["steps"] if unrolled else 1)
        assert r["train_trace_calls"] == (r["steps"] if unrolled else 1)
    text = td_cost.format_rows(rows)
    assert len(text.splitlines()) == 1 + len(rows)
    assert "TimeDistributed, steps None" in text


def test_measure_some_variants():
    rows = td_cost.measure((2,), batch=2, features=2, units=2, repeats=1, variants=("dense",))
    assert [r["variant"] for r in rows] == ["dense"]
    assert len(rows[0]["predict_rounds_ms"]) == 1


def fake_rows(td_times: dict[str, float], steps: int = 64) -> list[dict]:
    """Dense takes 1 (s or ms) everywhere; TimeDistributed takes ``td_times``."""
    base = {"batch": 2, "features": 2, "units": 2, "repeats": 1, "params": 6}
    dense = {key: 1.0 for key in td_cost.TIMES}
    return [
        {**base, "variant": "dense", "label": "Dense", "steps": steps, **dense,
         "predict_trace_calls": 1},
        {**base, "variant": "time_distributed", "label": "TimeDistributed(Dense)",
         "steps": steps, **td_times, "predict_trace_calls": steps},
    ]  # fmt: skip


def with_rounds(rows: list[dict], predict: list[float], train: list[float]) -> list[dict]:
    """The rows, Dense taking 1 ms in every round and TimeDistributed these times."""
    dense = {"predict_rounds_ms": [1.0] * len(predict), "train_rounds_ms": [1.0] * len(train)}
    mine = {"predict_rounds_ms": predict, "train_rounds_ms": train}
    return [{**r, **(dense if r["variant"] == "dense" else mine)} for r in rows]


@pytest.mark.parametrize(
    ("predict", "train", "words"),
    [
        # medians 0.90× and 0.80×: no difference unless every round agrees
        ([0.9, 1.3, 0.7], [0.8, 0.85, 1.1], ("predict no clear difference from Dense: 0.90×, "
                                             "0.70× to 1.30× round by round",
                                             "training step no clear difference")),
        ([0.9, 0.85, 0.95], [0.8, 0.7, 0.9], ("predict quicker than Dense in all 3 rounds: 0.90×",
                                              "training step quicker than Dense in all 3 rounds")),
        ([4.0, 3.0, 5.0], [2.8, 2.1, 2.9], ("predict slower than Dense in all 3 rounds: 4.00×, "
                                            "3.00× to 5.00× round by round",
                                            "training step slower than Dense in all 3 rounds")),
        ([0.9], [0.8], ("predict 0.90× the time of Dense (one round: no telling",
                        "training step 0.80× the time of Dense (one round")),
    ],
)  # fmt: skip
def test_verdict_weighs_a_difference_round_by_round(predict, train, words):
    median = dict(zip(td_cost.TIMES, (300.0, float(np.median(predict)), 120.0,
                                      float(np.median(train))), strict=True))  # fmt: skip
    lines = td_cost.verdict(with_rounds(fake_rows(median), predict, train))
    assert len(lines) == 4
    assert all(w in lines[3] for w in words), lines[3]
    assert "disagree" not in lines[3] and "mixed" not in lines[3]
    first = "on the first call (one call each) 300× the time of Dense on predict and 120×"
    assert first in lines[3]
    assert "64 copies of the Dense" in lines[0] and "1 copy with Dense" in lines[0]
    assert lines[1].startswith("first call at 64 steps: predict")


def test_round_ratios_pair_the_rounds():
    rows = with_rounds(fake_rows(dict.fromkeys(td_cost.TIMES, 1.0)), [2.0, 3.0], [1.0, 0.5])
    assert td_cost.round_ratios(rows, "predict_ms", "time_distributed", 64) == [2.0, 3.0]
    plain = fake_rows(dict.fromkeys(td_cost.TIMES, 1.0))  # rows that do not record the rounds
    assert td_cost.round_ratios(plain, "train_ms", "time_distributed", 64) is None
    assert "its rounds are not recorded" in td_cost.verdict(plain)[3]


def test_verdict_numbers():
    times = dict(zip(td_cost.TIMES, (306.0, 4.0, 127.0, 2.8), strict=True))
    lines = td_cost.verdict(fake_rows(times, steps=1024))
    assert "(306×)" in lines[1] and "(127×)" in lines[1]
    assert "(4.0×)" in lines[2] and "(2.8×)" in lines[2]
    assert "at 1,024 steps" in lines[3]
    assert td_cost.verdict([]) == [] and td_cost.verdict(fake_rows(times), "folded") == []


def test_ratio_and_times():
    times = dict(zip(td_cost.TIMES, (5.0, 2.0, 3.0, 1.0), strict=True))
    rows = fake_rows(times)
    assert td_cost.ratio(rows, "predict_first_s", "time_distributed", 64) == 5.0
    assert td_cost.times(2.51) == "2.5×" and td_cost.times(306.4) == "306×"
    assert td_cost.duration(0.0244) == "24 ms" and td_cost.duration(5.153) == "5.15 s"
    with pytest.raises(KeyError, match="no row"):
        td_cost.ratio(rows, "predict_ms", "folded", 64)


def test_build_passes_jit_compile_on():
    auto, _ = td_cost.build("dense", 2, features=2, units=2)
    fixed, _ = td_cost.build("dense", 2, features=2, units=2, jit_compile=False)
    assert fixed.jit_compile is False and isinstance(auto.jit_compile, bool)
