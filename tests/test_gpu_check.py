"""scripts/gpu_check.py without a GPU: what it brings, how it reads its runs' events, its reports.

The whole check (`make gpu-check`, then its command on the GPU machine) needs a download and a GPU
machine; these tests cover the parts that decide what travels and what the report says.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from scripts import gpu_check

ROOT = Path(__file__).resolve().parents[1]


def _event(chapter, cell, when, outcome, duration=1.0, **extra):
    return {"chapter": chapter, "cell": cell, "when": when, "outcome": outcome,
            "duration": duration, **extra}  # fmt: skip


def _passed_cell(chapter, cell, duration=1.0):
    return [
        _event(chapter, cell, "setup", "passed", 0.0),
        _event(chapter, cell, "call", "passed", duration),
        _event(chapter, cell, "teardown", "passed", 0.0),
    ]


def test_never_brings_the_backends_or_cuda():
    for name in ("jax", "jaxlib", "jax-cuda13-plugin", "torch", "nvidia-cublas", "triton",
                 "tensorflow", "cuda-bindings"):  # fmt: skip
        assert gpu_check.NEVER.match(gpu_check._norm(name)), name
    for name in ("keras", "nbval", "matplotlib", "pytest-xdist", "jupyter-client"):
        assert not gpu_check.NEVER.match(gpu_check._norm(name)), name


def test_wheel_project_names():
    assert gpu_check._wheel_project("pytest_xdist-3.8.0-py3-none-any.whl") == "pytest-xdist"
    assert gpu_check._wheel_project("PyYAML-6.0.4-cp312-cp312-manylinux2014_x86_64.whl") == (
        "pyyaml"
    )


def test_requirements_pin_the_books_keras():
    reqs = gpu_check.requirements()
    import keras

    assert reqs[0] == f"keras=={keras.__version__}"
    names = {r.split("==")[0] for r in reqs}
    assert {"nbval", "pytest-xdist", "ipykernel", "matplotlib", "psutil", "PyYAML"} <= names
    assert not any(gpu_check.NEVER.match(gpu_check._norm(n)) for n in names)


def test_select_chapters():
    chapters = ["01_one_to_one_echo", "05_dense_on_3d_input", "08_cnn_lstm_mnist_quadrants"]
    assert gpu_check.select_chapters(chapters, None) == chapters
    assert gpu_check.select_chapters(chapters, "05") == ["05_dense_on_3d_input"]
    assert gpu_check.select_chapters(chapters, "01, mnist") == [chapters[0], chapters[2]]


def test_estimates_cover_every_chapter_when_measured():
    found = gpu_check.estimates(ROOT)
    if not (ROOT / "benchmarks/results/cpu.json").is_file():
        assert found == {"fast": {}, "full": {}}
        return
    chapters = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")}
    for mode in ("fast", "full"):
        assert set(found[mode]) <= chapters
        assert all(v > 0 for v in found[mode].values())


def test_chapter_passes_when_every_cell_passes():
    events = [e for cell in ("Cell 0", "Cell 1") for e in _passed_cell("05_x", cell, 2.0)]
    result = gpu_check.summarize_chapter(events, 2, "done")
    assert result["status"] == "passed"
    assert result["cells"] == {"passed": 2, "failed": 0, "skipped": 0, "total": 2}
    assert result["time_s"] == 4.0


def test_chapter_fails_on_a_failed_cell_and_keeps_the_message():
    events = _passed_cell("05_x", "Cell 0") + [
        _event("05_x", "Cell 1", "setup", "passed", 0.0),
        _event("05_x", "Cell 1", "call", "failed", message="AssertionError: shapes differ"),
    ]
    result = gpu_check.summarize_chapter(events, 3, "done")
    assert result["status"] == "failed"
    assert result["failure"]["cell"] == "Cell 1"
    assert "shapes differ" in result["failure"]["message"]


def test_chapter_skipped_for_time_and_cut_short_by_time():
    skipped = [
        _event(
            "08_x",
            f"Cell {i}",
            "setup",
            "skipped",
            0.0,
            reason="time budget: needs about 161 s, 40 s left",
        )  # fmt: skip
        for i in range(3)
    ]
    result = gpu_check.summarize_chapter(skipped, 3, "done")
    assert result["status"] == "skipped" and result["reason"].startswith("time budget")

    cut = _passed_cell("08_x", "Cell 0") + [
        _event("08_x", "Cell 1", "call", "failed", message="Timeout of 30 seconds exceeded"),
        _event("08_x", "Cell 2", "call", "skipped", xfail=True, reason="Previous cell timed out"),
    ]
    result = gpu_check.summarize_chapter(cut, 3, "done")
    assert result["status"] == "incomplete" and "time budget" in result["reason"]


def test_chapter_of_a_stopped_run_is_incomplete():
    events = _passed_cell("08_x", "Cell 0") + [_event("08_x", "Cell 1", "setup", "passed", 0.0)]
    assert gpu_check.summarize_chapter(events, 5, "killed")["status"] == "incomplete"
    assert gpu_check.summarize_chapter([], 5, "killed")["status"] == "incomplete"
    assert gpu_check.summarize_chapter(events, 5, "running")["status"] == "running"


def _leg(tmp_path, status, events, chapters=("05_x", "08_x")):
    leg = gpu_check.Leg("jax", "full", list(chapters), tmp_path)
    leg.dir.mkdir(parents=True)
    leg.events.write_text("".join(json.dumps(e) + "\n" for e in events) + '{"cut sh')
    leg.status = status
    return leg


def test_leg_summary_and_junit_from_events_when_pytest_was_stopped(tmp_path):
    events = _passed_cell("05_x", "Cell 0") + [_event("08_x", "Cell 0", "setup", "passed", 9.0)]
    leg = _leg(tmp_path, "killed", events)
    summary = gpu_check.summarize_leg(leg, {"05_x": 1, "08_x": 4})
    assert summary["status"] == "incomplete"
    assert summary["chapters"]["05_x"]["status"] == "passed"
    assert summary["chapters"]["08_x"]["status"] == "incomplete"

    out = tmp_path / "junit.xml"
    gpu_check.write_junit([leg], {leg.name: summary}, out)
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite.get("name") == "jax-full"
    cases = {(c.get("classname"), c.get("name")) for c in suite.iter("testcase")}
    assert ("jax-full.notebooks.05_x", "Cell 0") in cases
    assert ("jax-full.notebooks.08_x", "chapter") in cases
    assert suite.get("errors") == "1"


def test_a_backend_that_cannot_be_imported_skips_its_leg(tmp_path):
    leg = _leg(tmp_path, "pending", [])
    leg.skip("torch is not importable (ModuleNotFoundError: No module named 'torch')")
    summary = gpu_check.summarize_leg(leg, {"05_x": 1, "08_x": 4})
    assert summary["status"] == "skipped"
    assert all(r["status"] == "skipped" for r in summary["chapters"].values())
    assert "not importable" in summary["chapters"]["05_x"]["reason"]
    out = tmp_path / "junit.xml"
    gpu_check.write_junit([leg], {leg.name: summary}, out)
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite.get("skipped") == "2" and suite.get("tests") == "2"


def test_the_run_command_names_the_prepared_copy():
    command = gpu_check.run_command(gpu_check.DEFAULT_FOLDER)
    assert command == "python3 _build/gpu-check/gpu_check.py run"


def test_stopping_a_run_ends_processes_in_sessions_of_their_own(tmp_path):
    """jupyter_client starts each kernel with a session of its own: stop() must reach it too."""
    import subprocess
    import time

    leg = gpu_check.Leg("jax", "fast", ["05_x"], tmp_path)
    leg.proc = subprocess.Popen(
        ["bash", "-c", "setsid sleep 60 & sleep 60 & wait"], start_new_session=True
    )
    leg.status = "running"
    time.sleep(0.5)
    family = gpu_check._descendants(leg.proc.pid)
    assert len(family) >= 2
    leg.stop("time budget: stopped at the end of its phase")
    assert leg.status == "killed" and leg.proc.poll() is not None
    assert not any(gpu_check._alive(pid) for pid in family)
