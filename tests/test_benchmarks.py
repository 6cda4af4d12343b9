"""The pure parts of the benchmark command and of the Benchmarks page (nothing is timed here)."""

from __future__ import annotations

import copy
import json
import operator
import os
import subprocess
from pathlib import Path

import pytest

from benchmarks import child, common, limits, numbers, run, schema, sections, tables
from benchmarks import report as br
from benchmarks.targets import MET, MISSED, MNIST_ACCURACY, NOT_MEASURED, evaluate_targets
from labsupport import bench_report

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


# --------------------------------------------------------------------------- schema


def test_sample_is_valid_and_survives_json():
    results = sample()
    assert br.validate(json.loads(json.dumps(results))) == results


@pytest.mark.parametrize(
    "change, phrase",
    [
        (lambda r: r.pop("machine"), "lack the key 'machine'"),
        (lambda r: r.update(schema=99), "schema 99"),
        (lambda r: r.update(device_kind="tpu"), "unknown device kind"),
        (lambda r: r.update(quick="yes"), "'quick' must be"),
        (lambda r: r["sections"].update(bogus=section()), "unknown section(s) bogus"),
        (lambda r: r["sections"]["echo"].pop("runs"), "lacks the list 'runs'"),
        (lambda r: r["sections"].update(td_cost=section()), "lacks the list 'rows'"),
        (lambda r: r["sections"]["echo"].pop("measured_at"), "lacks 'measured_at'"),
        (lambda r: r["targets"].append({"key": "x", "status": "great"}), "has status 'great'"),
    ],
)
def test_validate_names_the_problem(change, phrase):
    results = sample()
    change(results)
    with pytest.raises(br.ResultsError, match=None) as info:
        br.validate(results)
    assert phrase in str(info.value)


def test_validate_rejects_non_objects():
    with pytest.raises(br.ResultsError, match="JSON object"):
        br.validate([1, 2])


def test_a_failed_section_needs_no_numbers():
    results = sample()
    results["sections"]["mnist"] = section(error="MemoryError: too big")
    br.validate(results)
    assert targets_by_key(results)["mnist_60s"]["status"] == NOT_MEASURED
    assert "failed: MemoryError" in br.section_line(results, "mnist")


def test_committed_results_are_valid():
    found = sorted((ROOT / "benchmarks" / "results").glob("*.json"))
    for path in found:
        results = br.load(path)
        assert path.stem == results["device_kind"]


def test_find_results_dir_walks_up(tmp_path):
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "book").mkdir()
    assert schema.find_results_dir(tmp_path / "book") == tmp_path / "benchmarks" / "results"
    with pytest.raises(FileNotFoundError):
        schema.find_results_dir(Path("/"))


def test_load_all_reads_the_kinds_present(tmp_path):
    (tmp_path / "cpu.json").write_text(json.dumps(sample()))
    assert list(br.load_all(tmp_path)) == ["cpu"]


# --------------------------------------------------------------------------- targets


def test_targets_on_the_sample():
    t = targets_by_key(sample())
    assert list(t) == ["book_full", "make_test", "mnist_60s", "notebook_memory"]
    # No book build: the sum of full-mode notebook times stands in, marked as an estimate.
    assert t["book_full"]["status"] == MET and t["book_full"]["estimate"]
    assert t["book_full"]["value"] == pytest.approx(90.0)
    assert t["make_test"]["status"] == NOT_MEASURED
    assert t["mnist_60s"]["status"] == MET and t["mnist_60s"]["value"] == 0.988
    assert t["notebook_memory"]["status"] == MET and t["notebook_memory"]["value"] == 1200
    assert "02_b" in t["notebook_memory"]["basis"]


def test_book_build_beats_the_estimate():
    results = sample()
    results["sections"]["book"] = section(mode="full", seconds=420.0, ok=True)
    target = targets_by_key(results)["book_full"]
    assert target["status"] == MISSED and not target["estimate"]
    results["sections"]["book"].update(seconds=120.0, ok=False)
    target = targets_by_key(results)["book_full"]
    assert target["status"] == MISSED and "failed" in target["basis"]
    results["sections"]["book"].update(mode="fast", ok=True)  # a quick build says nothing
    assert targets_by_key(results)["book_full"]["estimate"]


def test_book_not_measured_when_a_full_notebook_failed():
    results = sample()
    results["sections"]["notebooks"]["runs"][0]["ok"] = False
    assert targets_by_key(results)["book_full"]["status"] == NOT_MEASURED


@pytest.mark.parametrize(
    "seconds, ok, status",
    [(200.0, True, MET), (301.0, True, MISSED), (10.0, False, MISSED)],
)
def test_make_test_target(seconds, ok, status):
    results = sample()
    results["sections"]["test"] = section(seconds=seconds, ok=ok, returncode=0 if ok else 2)
    assert targets_by_key(results)["make_test"]["status"] == status


def test_mnist_target_needs_accuracy_time_and_whole_data():
    results = sample()
    mnist = results["sections"]["mnist"]
    mnist["target_run"]["accuracy"] = 0.984
    assert targets_by_key(results)["mnist_60s"]["status"] == MISSED
    mnist["target_run"].update(accuracy=0.99, train_s=75.0)
    assert targets_by_key(results)["mnist_60s"]["status"] == MISSED
    mnist["target_run"] = None
    assert targets_by_key(results)["mnist_60s"]["status"] == NOT_MEASURED
    mnist["data"].update(is_full=False, train=6000, test=2000)
    target = targets_by_key(results)["mnist_60s"]
    assert target["status"] == NOT_MEASURED and "6,000 training" in target["basis"]


def test_memory_target():
    results = sample()
    runs = results["sections"]["notebooks"]["runs"]
    runs[2]["peak_mb"] = 3500
    assert targets_by_key(results)["notebook_memory"]["status"] == MISSED
    results["sections"]["notebooks"]["runs"] = [r for r in runs if r["mode"] == "fast"]
    target = targets_by_key(results)["notebook_memory"]
    assert target["status"] == MET and target["estimate"] and "fast mode only" in target["basis"]
    assert tables.status_text(target) == "met (estimate)"


# --------------------------------------------------------------------------- tables and page


def test_targets_table():
    table = br.targets_table(sample())
    assert table.header[0] == "target" and len(table.rows) == 4
    cells = {row[0]: row for row in table.rows}
    mnist = cells[next(k for k in cells if k.startswith("MNIST"))]
    assert mnist[1] == "≥ 98.50 %" and mnist[2] == "98.80 %" and mnist[3] == "met"


def test_notebooks_table_marks_failures():
    table = br.notebooks_table(sample())
    assert [r[0] for r in table.rows] == ["01_a", "02_b"]
    assert table.rows[0][1:] == ["40.0 s", "900 MB", "10.0 s", "700 MB"]
    assert table.rows[1][3] == "failed"


def test_mnist_table():
    table = br.mnist_table(sample())
    assert table.header == ["model", "parameters", "after 15 s", "after 30 s", "time to 98.5 %"]
    assert table.rows[0][2:] == ["98.60 %", "99.00 %", "15.1 s"]
    assert table.rows[1][-1] == "not reached"


def test_three_ways_and_echo_tables():
    tw = br.three_ways_table(sample())
    assert [r[2] for r in tw.rows] == ["shared calls", "TimeDistributed", "folded into batch"]
    assert tw.rows[1][4] == "1.00×" and tw.rows[2][4] == "0.80×"
    echo = br.echo_table(sample())
    assert echo.rows[0][2] == "900" and echo.rows[1][2] == "> 3000"


def test_tables_of_empty_results_have_no_rows():
    empty = {"sections": {}}
    for build in (
        br.notebooks_table,
        br.mnist_table,
        br.three_ways_table,
        br.td_cost_table,
        br.td_cost_ratio_table,
        br.echo_table,
    ):
        assert build(empty).rows == []


def test_table_renders_escaped_html_markdown_and_text():
    table = br.Table(("a", "b"), [("<x>", 1234), (None, 0.5)], caption="cap")
    assert "&lt;x&gt;" in table._repr_html_() and "<caption>cap</caption>" in table._repr_html_()
    assert table.to_markdown().splitlines()[2] == "| <x> | 1,234 |"
    assert "—" in repr(table) and "0.50" in repr(table)
    with pytest.raises(ValueError, match="cells"):
        br.Table(("a",), [(1, 2)])


def test_quick_warning_and_section_lines():
    results = sample()
    assert br.quick_warning(results) is None
    results["sections"]["echo"]["quick"] = True
    warning = br.quick_warning(results)
    assert "QUICK" in warning and "echo" in warning
    assert "QUICK" in br.section_line(results, "echo")
    assert "Not measured yet" in br.section_line(results, "book")
    assert "Not measured yet" in br.section_line(None, "book")


def test_machine_and_data_lines():
    lines = br.machine_lines(sample())
    assert "Test CPU, 2 logical cores, 8.0 GB memory." in lines[1]
    assert lines[2] == "GPU: none."
    assert "0.10" in lines[4] and "0.40" in lines[4]
    assert "60,000 training" in br.mnist_data_line(sample())
    assert br.mnist_data_line({"sections": {}}) == "No MNIST measurements."


def test_plots_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for draw in (br.mnist_plot, br.notebooks_plot):
        fig = draw(sample())
        assert fig.axes[0].get_xlabel()
        plt.close(fig)


def test_note_renders():
    note = br.Note("a < b", title="T", kind="warning")
    assert "admonition warning" in note._repr_html_() and "a &lt; b" in note._repr_html_()
    assert repr(note) == "T: a < b"


# --------------------------------------------------------------------------- merging


def test_merge_keeps_sections_not_measured_now():
    old = sample()
    new = {**copy.deepcopy(old), "sections": {"echo": section(runs=[], quick=True)}}
    merged = schema.merge(old, new)
    assert list(merged["sections"]) == ["notebooks", "mnist", "three_ways", "echo"]
    assert merged["sections"]["echo"]["runs"] == [] and merged["quick"] is True


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(device_kind="gpu"),
        lambda r: r.update(schema=0),
    ],
)
def test_merge_drops_results_of_another_device_kind_or_schema(change):
    old = sample()
    change(old)
    new = {**sample(), "sections": {"echo": section(runs=[])}}
    assert list(schema.merge(old, new)["sections"]) == ["echo"]


def test_merge_keeps_the_sections_of_another_machine_and_names_it():
    old = sample()
    old["machine"].update(cpu_model="Old CPU", logical_cores=64)
    new = {
        **sample(),
        "sections": {"echo": section(runs=[], machine=schema.machine_id(machine()))},
    }
    merged = schema.merge(old, new)
    assert list(merged["sections"]) == ["notebooks", "mnist", "three_ways", "echo"]
    assert merged["sections"]["mnist"]["machine"]["cpu_model"] == "Old CPU"
    assert merged["sections"]["mnist"]["models"] == old["sections"]["mnist"]["models"]
    assert "on another machine (Old CPU, 64 logical cores)" in br.section_line(merged, "mnist")
    assert "another machine" not in br.section_line(merged, "echo")
    lines = br.machine_lines(merged)
    assert any("Old CPU" in line and "mnist" in line and "echo" not in line for line in lines)
    # Merging again keeps the machine each section was measured on.
    again = schema.merge(merged, {**sample(), "sections": {"echo": section(runs=[])}})
    assert again["sections"]["mnist"]["machine"]["cpu_model"] == "Old CPU"


# --------------------------------------------------------------------------- the command


def test_parse_sections():
    everything = ["notebooks", "mnist", "three_ways", "td_cost", "echo", "arithmetic"]
    assert run.parse_sections([], [], False, False) == everything
    assert run.parse_sections([], ["notebooks"], True, True) == ["book", "test", *everything[1:]]
    assert run.parse_sections(["td-cost"], [], False, False) == ["td_cost"]
    assert run.parse_sections(["echo,three-ways", "book"], [], False, False) == [
        "book",
        "three_ways",
        "echo",
    ]
    with pytest.raises(SystemExit, match="unknown section 'mnsit'"):
        run.parse_sections(["mnsit"], [], False, False)
    for name in schema.SECTIONS:  # every section has its module
        assert callable(sections.runner(name))


def test_checkpoints_and_time_to_target():
    assert numbers.checkpoint_times([15, 30, 60, 120], 10) == [
        10,
        15,
        20,
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100,
        110,
        120,
    ]
    assert numbers.checkpoint_times([3, 6], None) == [3, 6]
    points = [
        {"checkpoint": 20.0, "train_s": 20.3, "accuracy": 0.986},
        {"checkpoint": 10.0, "train_s": 10.1, "accuracy": 0.97},
    ]
    assert numbers.time_to_target(points, 0.985) == 20.3
    assert numbers.time_to_target(points, 0.99) is None
    assert numbers.accuracy_at(points, [10, 30]) == {"10": 0.97, "30": None}


def test_quick_sizes_are_smaller():
    assert max(common.QUICK["mnist_budgets"]) < min(common.FULL["mnist_budgets"])
    assert common.QUICK["notebook_modes"] == ("fast",)
    assert set(common.QUICK["echo_max_passes"]) == set(common.FULL["echo_max_passes"])
    for key in ("matmul_n", "train_seconds", "repeats"):
        assert common.QUICK["arithmetic"][key] < common.FULL["arithmetic"][key]


def test_test_section_records_the_outcome(monkeypatch):
    from benchmarks.sections import test as make_test

    def fake_run(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 2, stdout="...\n1 failed in 2.0s\n", stderr="")

    monkeypatch.setattr(make_test.subprocess, "run", fake_run)
    monkeypatch.setattr(make_test, "log", lambda message: None)
    body = make_test.run({"quick": False})
    assert not body["ok"] and body["returncode"] == 2 and body["summary"] == "1 failed in 2.0s"


def test_in_child_returns_the_result_in_a_fresh_environment():
    assert child.in_child(os.getenv, "BENCH_TEST_VALUE", env={"BENCH_TEST_VALUE": "7"}) == "7"
    assert os.getenv("BENCH_TEST_VALUE") is None  # the parent's environment is untouched
    with pytest.raises(child.ChildError, match="ZeroDivisionError") as info:
        child.in_child(operator.truediv, 1, 0)
    assert "Traceback" in info.value.detail


def test_run_notebook_reports_a_failed_child(monkeypatch):
    from benchmarks.sections import notebooks

    def broken(*args, **kwargs):
        raise child.ChildError("the process died (exit code -9)")

    monkeypatch.setattr(notebooks, "in_child", broken)
    row = notebooks.run_notebook(Path("notebooks/01_x.ipynb"), "fast", 10)
    assert row["ok"] is False and "exit code -9" in row["error"] and row["notebook"] == "01_x"


def test_notebook_section_finds_every_chapter():
    from benchmarks.sections import notebooks

    found = notebooks.notebook_paths(None)
    assert [p.name for p in found] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*"))
    assert [p.name for p in notebooks.notebook_paths("07_*")] == [
        p.name for p in found if p.name.startswith("07_")
    ]


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


def test_main_writes_merges_and_survives_a_broken_section(monkeypatch, tmp_path):
    fake_sections(
        monkeypatch,
        {"echo": {"runs": [], "threshold": 0.05}, "three_ways": RuntimeError("no luck")},
    )
    out = tmp_path / "cpu.json"
    assert run.main(["--quick", "--only", "echo", "--output", str(out)]) == 0
    assert run.main(["--quick", "--only", "three_ways", "--output", str(out)]) == 0
    results = br.load(out)
    assert results["quick"] is True and results["device_kind"] == "cpu"
    assert results["sections"]["echo"]["runs"] == []
    assert "RuntimeError: no luck" in results["sections"]["three_ways"]["error"]
    assert schema.section_backend(results, "echo") == "jax"
    assert [h["sections"] for h in results["history"]] == [["echo"], ["three_ways"]]
    assert len(results["targets"]) == 4


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


def test_td_cost_reference(tmp_path):
    assert bench_report.td_cost_reference(tmp_path) is None  # no file
    (tmp_path / "cpu.json").write_text(json.dumps(sample()))
    assert bench_report.td_cost_reference(tmp_path) is None  # no td_cost section
    (tmp_path / "cpu.json").write_text(json.dumps(with_td_cost()))
    assert bench_report.td_cost_reference(tmp_path)["sections"]["td_cost"]["rows"] == td_rows()
    (tmp_path / "cpu.json").write_text("{not json")
    assert bench_report.td_cost_reference(tmp_path) is None
    assert bench_report.td_cost_reference(tmp_path / "nowhere") is None


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
