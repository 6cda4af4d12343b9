"""Benchmarks of what TimeDistributed costs and of the arithmetic limit: the pure parts."""

from __future__ import annotations

import pytest

from benchmarks import common, limits, numbers, run, schema
from benchmarks import report as br
from tests.bench_samples import (
    ROOT,
    fake_sections,
    machine,
    sample,
    section,
    td_rows,
    with_td_cost,
)


def test_td_cost_tables():
    results = with_td_cost()
    table = br.td_cost_table(results)
    assert len(table.rows) == 8 and table.header[2] == "Dense calls in the trace"
    td = table.rows[5]  # 64 steps, TimeDistributed(Dense)
    assert td[:3] == ["64", "TimeDistributed(Dense)", "64"]
    assert td[3:] == ["0.320 s", "2.00 ms", "1.600 s", "3.00 ms"]
    ratios = br.td_cost_ratio_table(results)
    assert [r[:2] for r in ratios.rows] == [
        ["4", "TimeDistributed(Dense)"],
        ["4", "folded into batch"],
        ["4", "TimeDistributed, steps None"],
        ["64", "TimeDistributed(Dense)"],
        ["64", "folded into batch"],
        ["64", "TimeDistributed, steps None"],
    ]
    assert ratios.rows[3][2:] == ["16×", "16×", "2.0×", "1.5×"]
    assert ratios.rows[4][2:] == ["1.0×", "1.0×", "1.0×", "1.0×"]


def test_td_cost_lines_and_caption():
    results = with_td_cost(machine=schema.machine_id(machine()))
    lines = br.td_cost_lines(results)
    assert lines[0].startswith("At 64 steps the first predict took 320 ms with TimeDistributed")
    assert lines[0].endswith("the first training step 1.60 s and 100 ms.")
    assert "(64 calls of the Dense in the trace)" in lines[0] and "(1 call)" in lines[0]
    assert "a predict took 2.00 ms with TimeDistributed(Dense) and 1.00 ms with Dense" in lines[1]
    assert "traced the Dense 64 times at 64 steps" in lines[2]
    assert lines[3].startswith("Folded into the batch: first predict 20 ms")
    caption = br.td_cost_caption(results)
    assert caption.startswith("Reference result, not this run:")
    assert "Test CPU, 2 logical cores" in caption and "batch 32, 16 features, Dense(8)" in caption
    assert "QUICK" in br.td_cost_caption(with_td_cost(quick=True))
    assert br.td_cost_lines(sample()) == []
    failed = sample()
    failed["sections"]["td_cost"] = section(error="RuntimeError: x")
    assert br.td_cost_lines(failed) == [] and br.td_cost_table(failed).rows == []


def test_td_cost_plot_draws_four_log_log_panels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = br.td_cost_plot(with_td_cost())
    assert len(fig.axes) == 4
    for ax in fig.axes:
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert len(ax.get_lines()) == 4
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1] == (
        "TimeDistributed(Dense)"
    )
    plt.close(fig)


def test_committed_td_cost_section_has_every_variant_and_size():
    results = br.load(ROOT / "benchmarks" / "results" / "cpu.json")
    rows = results["sections"]["td_cost"]["rows"]
    steps = sorted({r["steps"] for r in rows})
    assert steps[0] <= 4 and steps[-1] >= 1000
    from labsupport.td_cost import TIMES, VARIANTS

    for n in steps:
        mine = [r for r in rows if r["steps"] == n]
        assert [r["variant"] for r in mine] == list(VARIANTS)
        assert all(r[key] >= 0 for r in mine for key in TIMES)
    assert not results["sections"]["td_cost"]["quick"]


def test_td_cost_section_measures_each_size_apart(monkeypatch):
    from benchmarks.sections import td_cost as section
    from labsupport import td_cost

    calls = []

    def fake_measure(steps, **sizes):
        calls.append((tuple(steps), sizes))
        return [dict(r) for r in td_rows() if r["steps"] == 4]

    monkeypatch.setattr(td_cost, "measure", fake_measure)
    monkeypatch.setattr(section, "log", lambda message: None)
    quick = common.QUICK["td_cost"]
    body = section.run(common.QUICK)
    assert [c[0] for c in calls] == [(s,) for s in quick["steps"]]
    assert calls[0][1]["repeats"] == quick["repeats"]
    assert len(body["rows"]) == 4 * len(quick["steps"])
    assert body["variants"] == td_cost.VARIANTS
    assert set(quick) == set(common.FULL["td_cost"])
    assert (
        max(common.FULL["td_cost"]["steps"]) >= 1000 and min(common.FULL["td_cost"]["steps"]) <= 4
    )


def test_main_records_the_machine_of_each_section(monkeypatch, tmp_path):
    fake_sections(monkeypatch, {"td_cost": {"rows": td_rows()}})
    out = tmp_path / "cpu.json"
    assert run.main(["--quick", "--only", "td_cost", "--output", str(out)]) == 0
    results = br.load(out)
    assert results["sections"]["td_cost"]["machine"] == schema.machine_id(machine())
    assert br.td_cost_table(results).rows


def test_notebook_failures_are_listed():
    assert br.notebook_failures(sample()) == ["02_b (fast mode) failed: CellExecutionError: boom"]


def test_a_failed_mnist_model_shows_as_failed():
    results = sample()
    results["sections"]["mnist"]["models"].append(
        {"model": "convlstm_quadrants", "error": "MemoryError: x", "checkpoints": []}
    )
    assert br.mnist_table(results).rows[-1][2:] == ["failed", "failed", "failed"]


def test_merge_keeps_the_history_of_the_sections_kept():
    old = sample()
    old["history"] = [
        {"command": "a", "started_at": "2026-01-01T00:00:00+00:00", "sections": ["notebooks"]},
        {"command": "b", "started_at": "2026-01-01T00:10:00+00:00", "sections": ["echo"]},
    ]
    new = {
        **sample(),
        "started_at": "2026-02-01T00:00:00+00:00",
        "sections": {"echo": section(runs=[])},
        "history": [
            {"command": "c", "started_at": "2026-02-01T00:00:00+00:00", "sections": ["echo"]}
        ],
    }
    merged = schema.merge(old, new)
    assert [run["command"] for run in merged["history"]] == ["a", "c"]
    assert merged["started_at"] == "2026-01-01T00:00:00+00:00"
    lines = br.machine_lines(merged)
    assert any("`a`" in line for line in lines) and any("`c`" in line for line in lines)


def test_log_tail_keeps_warnings_and_the_end_without_colours():
    log = "\n".join(
        ["\x1b[01mreading\x1b[39;49;00m"] * 30
        + ["\x1b[91m/x/README.md: WARNING: document isn't included in any toctree\x1b[39;49;00m"]
        + ["I0000 cuda drivers", "build finished with problems, 1 warning."]
    )
    tail = common.tail(log)
    assert tail[0] == "/x/README.md: WARNING: document isn't included in any toctree"
    assert tail[-1] == "build finished with problems, 1 warning."
    assert not any("cuda" in line or "\x1b" in line for line in tail)


def test_book_and_test_lines():
    results = sample()
    results["sections"]["book"] = section(mode="fast", seconds=66.5, ok=True, quick=True)
    book, test = br.book_and_test_lines(results)
    assert book.startswith("Whole book build in fast mode: 66.5 s, succeeded")
    assert "quick trial run" in book
    assert test == "make test: not measured (add --with-tests)."


# --------------------------------------------------------------------------- the arithmetic limit


def test_flop_formulas():
    assert numbers.matmul_flops(10) == 2000
    # Conv2D(16, 3) over 14 × 14 positions of one channel: 2 × 196 × 9 × 16.
    assert numbers.conv_flops(196, (3, 3, 1, 16)) == 56_448
    assert numbers.dense_flops((2, 4, 8), 3) == 2 * 8 * 8 * 3  # Dense acts on every step
    # LSTM(64) over 4 steps of 288 features: kernels (288, 256) and (64, 256), batch 2.
    assert numbers.recurrent_flops(2, 4, (288, 256), (64, 256)) == 2 * 2 * 4 * 352 * 256


def test_rates_images_and_ideal_time():
    assert numbers.rate_gflops(4e9, [2.0, 0.5, 1.0]) == pytest.approx(8.0)  # the best run
    with pytest.raises(ValueError):
        numbers.rate_gflops(1.0, [0.0])
    assert numbers.images_trained(469, 60_000, 128) == 60_000  # one whole epoch
    assert numbers.images_trained(470, 60_000, 128) == 60_128
    assert numbers.images_trained(3, 1_000, 128) == 384
    # 1 MFLOP forward, 3 MFLOP per trained image, 1,000 images at 3 GFLOP/s: 1 s.
    assert numbers.ideal_seconds(1e6, 1_000, 3.0) == pytest.approx(1.0)
    assert numbers.times_ideal(5.0, 1e6, 1_000, 3.0) == pytest.approx(5.0)
    assert numbers.times_ideal(5.0, 1e6, 1_000, 3.0, factor=1.0) == pytest.approx(15.0)
    assert numbers.limit_gflops({"matmul_gflops": 40.0, "conv_gflops": 12.0}) == 40.0
    assert numbers.limit_gflops({"conv_gflops": 12.0}) == 12.0
    assert numbers.limit_gflops({}) is None


def test_steady_state_skips_the_first_report():
    ticks = [(5.0, 1), (6.0, 2), (7.5, 3)]  # the first report took 5 s: tracing
    assert numbers.steady_state(ticks, 16) == (2.5, 32)
    assert numbers.steady_state(ticks[:1], 16) is None


def test_forward_flops_of_the_chapter_model_match_a_hand_count():
    from benchmarks import flops
    from labsupport import models

    # Per image: 4 quadrants through Conv2D(16, 3) on 14 × 14 × 1 and Conv2D(32, 3) on 7 × 7 × 16
    # (both padded), LSTM(64) over 4 steps of 288 features, Dense(10) on 64.
    conv1 = 2 * 4 * 14 * 14 * 9 * 1 * 16
    conv2 = 2 * 4 * 7 * 7 * 9 * 16 * 32
    lstm = 2 * 4 * (288 + 64) * 4 * 64
    dense = 2 * 64 * 10
    folded = flops.forward_flops(models.quadrant_cnn_lstm())
    assert folded["per_sample"] == conv1 + conv2 + lstm + dense
    wrapped = flops.forward_flops(models.quadrant_cnn_lstm(fold=False))
    assert wrapped["per_sample"] == folded["per_sample"]  # the same arithmetic, another graph
    assert sorted(wrapped["calls"].values()) == [1, 1, 4, 4]  # TimeDistributed: once per step


def arithmetic_row(backend: str, matmul: float, conv: float, **training) -> dict:
    return {
        "backend": backend,
        "version": "1.0",
        "matmul_n": 2048,
        "matmul_s": [0.5, 0.4],
        "matmul_gflops": matmul,
        "conv_shape": [64, 56, 56, 32],
        "conv_kernel": [3, 3, 32, 64],
        "conv_gflops": conv,
        "models": {
            "quadrant_cnn_lstm": {"params": 95_962, "forward_flops": 2.75e6},
            "whole_image_cnn": {"params": 20_634, "forward_flops": 2.0e6},
        },
        "training": {"train_s": 30.0, "images_trained": 100_000, "accuracy": 0.98, **training},
    }


def with_arithmetic() -> dict:
    from benchmarks.sections import arithmetic

    results = sample()
    rows = [
        arithmetic.summarise(arithmetic_row("tensorflow", 50.0, 20.0, steady_s=20.0)),
        {"backend": "torch", "error": "ChildError: out of memory"},
    ]
    rows[0]["training"]["steady_batches"] = 500
    rows[0] = arithmetic.summarise(rows[0])
    results["sections"]["arithmetic"] = section(
        backends=rows, flops_agree=True, train_flops_factor=3.0, not_installed=["jax"]
    )
    mnist = results["sections"]["mnist"]
    for m in mnist["models"]:  # as files before images_trained: batches and batch size only
        m.update(train_s=30.0, batches_run=470, batch_size=128)
    return br.validate(results)


def test_summarise_adds_the_limit_and_the_multiples():
    row = with_arithmetic()["sections"]["arithmetic"]["backends"][0]
    assert row["limit_gflops"] == 50.0  # the better of matmul and convolution
    ideal = 3 * 2.75e6 * 100_000 / 50e9
    assert row["training"]["ideal_s"] == pytest.approx(ideal)
    assert row["training"]["times_ideal"] == pytest.approx(30.0 / ideal)
    steady_ideal = 3 * 2.75e6 * 500 * 128 / 50e9
    assert row["training"]["steady_times_ideal"] == pytest.approx(20.0 / steady_ideal)


def test_mnist_runs_as_multiples_of_the_ideal_time():
    results = with_arithmetic()
    rows = {r["model"]: r for r in limits.mnist_speed_rows(results)}
    # The mnist section names no backend: it ran on TensorFlow, whose limit is 50 GFLOP/s.
    chapter = rows["quadrant_cnn_lstm"]
    assert chapter["backend"] == "tensorflow" and chapter["images"] == 60_128
    assert chapter["times_ideal"] == pytest.approx(30.0 / (3 * 2.75e6 * 60_128 / 50e9))
    assert chapter["accuracy"] == 0.99
    assert rows["whole_image_cnn"]["forward_flops"] == 2.0e6
    results["sections"]["mnist"]["backend"] = "jax"  # no arithmetic row for JAX
    assert all(r["times_ideal"] is None for r in limits.mnist_speed_rows(results))
    table = limits.arithmetic_table(results)
    assert len(table.rows) == 2 and table.rows[1][-1].startswith("failed: ChildError")
    lines = limits.arithmetic_lines(results)
    assert "2.75 MFLOP per image" in lines[0] and "Not installed, so not measured: JAX." in lines


def test_arithmetic_section_needs_its_list():
    results = with_arithmetic()
    results["sections"]["arithmetic"].pop("backends")
    with pytest.raises(br.ResultsError, match="lacks the list 'backends'"):
        br.validate(results)
    assert limits.mnist_speed_rows(sample())[0]["times_ideal"] is None  # no arithmetic section
    assert limits.arithmetic_table(sample()).rows == []


def test_arithmetic_training_lines_say_which_backends_hit_the_cap():
    results = sample()
    epochs = common.FULL["arithmetic"]["train_epochs"]
    done = {"budget_s": 30.0, "train_images": 60_000, "images_trained": epochs * 60_000}
    rows = [
        arithmetic_row("tensorflow", 50.0, 20.0, **done, train_s=18.1),
        arithmetic_row("jax", 40.0, 20.0, **{**done, "images_trained": 57_344}, train_s=31.0),
    ]
    results["sections"]["arithmetic"] = section(backends=rows)
    plan, finished, capped = br.arithmetic_training_lines(results)
    assert f"planned for {epochs} epochs" in plan and "after 30 s, whichever" in plan
    assert finished == f"Finished its epochs: TensorFlow ({epochs:.2f} epochs, " + (
        f"{epochs * 60_000:,} images, in 18.1 s)."
    )
    assert capped.startswith("Stopped by the 30 s cap")
    assert "JAX (0.96 epochs, 57,344 images, 31.0 s)" in capped
    assert br.arithmetic_training_lines(sample()) == []


def test_the_page_lines_on_the_committed_results():
    """The committed file's own numbers back the sentences the page prints."""
    path = ROOT / "benchmarks" / "results" / "cpu.json"
    if not path.is_file():
        pytest.skip("no committed CPU results")
    results = br.load(path)
    run = (results["sections"].get("mnist") or {}).get("target_run")
    if run and run.get("epochs_planned"):
        # the page's share of the budget reproduces the number of epochs the run planned
        assert "% of that, rounded down" in br.mnist_target_lines(results)[0]
    for line in br.arithmetic_training_lines(results):
        assert "—" not in line
