"""The pure parts of the benchmark command and of the Benchmarks page (nothing is timed here)."""

from __future__ import annotations

import copy
import json
import operator
import os
import subprocess
from pathlib import Path

import pytest

from benchmarks import child, common, numbers, run, schema, sections, tables
from benchmarks import report as br
from benchmarks.targets import MET, MISSED, NOT_MEASURED
from tests.bench_samples import (
    ROOT,
    fake_sections,
    machine,
    sample,
    section,
    targets_by_key,
)

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
    assert found, "no committed results: the Benchmarks page would be empty"
    checked = []
    for path in found:
        results = br.load(path)
        assert path.stem == results["device_kind"]
        for name, part in results["sections"].items():
            if part.get("error"):
                continue
            rows = schema.LIST_KEYS.get(name)
            assert not rows or part[rows], f"{path.name}: section {name!r} has no {rows!r}"
            checked.append(f"{path.stem}/{name}")
    assert checked, f"no section in {[p.name for p in found]} holds a measurement"


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
    assert table.header[-1] == "measured on"
    # no book section: the book's time is the notebooks' sum, measured on the file's machine
    assert {row[-1] for row in table.rows} == {"Test CPU, 2 logical cores", "—"}


def test_targets_table_names_the_machine_of_each_target():
    results = sample()
    other = {**machine(), "cpu_model": "Other CPU", "logical_cores": 4}
    results["sections"]["book"] = section(mode="full", seconds=326.1, ok=True, machine=other)
    rows = {row[0]: row for row in br.targets_table(results).rows}
    book = rows["whole book builds in full mode in at most 5 minutes"]
    assert book[2] == "326.1 s" and book[-1] == "Other CPU, 4 logical cores"
    mnist = rows[next(k for k in rows if k.startswith("MNIST"))]
    assert mnist[-1] == "Test CPU, 2 logical cores"
    assert rows[next(k for k in rows if "make test" in k)][-1] == "—"  # not measured


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


def test_mnist_table_and_lines_show_late_scores():
    results = sample()
    mnist = results["sections"]["mnist"]
    mnist["checkpoint_every_s"] = 10.0
    late = mnist["models"][1]  # whole_image_cnn: one batch crossed 15 s and 30 s at 31.5 s
    late["checkpoints"] = [
        {"checkpoint": c, "train_s": 31.5, "accuracy": 0.97} for c in (15.0, 30.0)
    ]
    late["accuracy_at"] = numbers.accuracy_at(late["checkpoints"], [15.0, 30.0])
    row = br.mnist_table(results).rows[1]
    assert row[2:4] == ["97.00 % (at 31.5 s)", "97.00 % (at 31.5 s)"]
    assert br.mnist_table(results).rows[0][2:4] == ["98.60 %", "99.00 %"]  # 0.1 s late: no note
    every, scored, reach = br.mnist_checkpoint_lines(results)
    assert every.startswith("Checkpoints: every 10 s of training time up to 30 s.")
    assert scored == (
        "Scored late: the 15 s and 30 s checkpoints of plain CNN on the whole image at 31.5 s "
        "(one batch crossed them all)."
    )
    assert reach.startswith('"Time to 98.5 %" is the training time of the first score')
    mnist["models"] = mnist["models"][:1]
    assert br.mnist_checkpoint_lines(results)[1] == "Every score came within 1 s of its checkpoint."
    assert br.mnist_checkpoint_lines({"sections": {}}) == []


def test_mnist_target_lines_rebuild_the_plan():
    results = sample()
    mnist = results["sections"]["mnist"]
    chapter = mnist["models"][0]
    # 469 batches of 128 per epoch; 47 batches/s after a 1 s first batch: 5.92 epochs in 59 s
    chapter.update(batch_size=128, first_batch_s=1.0, batches_run=4701, train_s=101.0)
    mnist["target_run"].update(epochs_planned=5, train_s=45.0, epochs_run=5.0)
    planned, trained = br.mnist_target_lines(results)
    assert "47.0 batches/s after a first batch of 1.00 s, so 5.91 epochs" in planned
    assert planned.endswith("rounded down to whole epochs (at least one): 5 epochs.")
    assert trained == (
        "Target run, trained: 45.0 s, 5.00 epochs (it finished its epochs before the 60 s ran "
        "out); test accuracy 98.80 %."
    )
    mnist["target_run"].update(epochs_planned=3, stopped_by_budget=True)  # another rule
    planned, trained = br.mnist_target_lines(results)
    assert planned == "Target run, planned: 3 epochs." and "the 60 s ran out first" in trained
    mnist["target_run"] = None
    assert br.mnist_target_lines(results)[0].startswith("Target run: not measured")


def test_three_ways_and_echo_tables():
    tw = br.three_ways_table(sample())
    assert [r[2] for r in tw.rows] == ["shared calls", "TimeDistributed", "folded into batch"]
    assert tw.rows[1][4] == "1.00×" and tw.rows[2][4] == "0.80×"
    results = sample()
    results["sections"]["three_ways"].update(
        image_shape=[64, 64, 1], cnn="frame_cnn, then LSTM(32)"
    )
    assert br.three_ways_line(results) == (
        "Frames of 64 × 64 × 1, read by frame_cnn, then LSTM(32): 5 parameters in each way."
    )
    results["sections"]["three_ways"]["rows"] = []
    assert br.three_ways_line(results) == "No three-ways runs."
    echo = br.echo_table(sample())
    assert echo.rows[0][2] == "900" and echo.rows[1][2] == "> 3000"
    assert echo.rows[0][-1] == "0.0490"  # four decimals at least


def test_echo_errors_never_read_as_the_threshold():
    results = sample()
    echo = results["sections"]["echo"]
    echo.update(threshold=0.05, check_every=10, optimizer="adam, mse")
    echo["runs"][0]["final_error"] = 0.049953  # 0.0500 with four decimals
    assert [r[-1] for r in br.echo_table(results).rows] == ["0.04995", "0.20000"]
    assert tables.error_decimals([0.0412], 0.05) == 4
    assert tables.error_decimals([0.0499999], 0.05) == 7
    echo["runs"][0]["max_passes"] = 3000
    assert br.echo_line(results) == (
        "Trained (adam, mse) until the largest absolute error over the steps is below 0.05, "
        "checked every 10 passes, 3,000 passes at most."
    )


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
