"""The student edition: solutions taken out, placeholders that parse, checks "not attempted".

The notebooks are generated into a temporary folder here, so the tests never depend on (or
change) a ``student/`` folder in the checkout.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "make_student_edition", ROOT / "scripts" / "make_student_edition.py"
)
mse = importlib.util.module_from_spec(_spec)
sys.modules["make_student_edition"] = mse
_spec.loader.exec_module(mse)

CHAPTERS = mse.chapters()
IDS = [p.stem for p in CHAPTERS]
CHECK_CALL = re.compile(r"\bch\d\d[a-z]?\.\w+\.check\(")


def _pair(path: Path) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    original = nbformat.read(path, as_version=4)
    return original, mse.student_notebook(original, path.name)


def _code_lines(source: str) -> list[str]:
    return [
        line.strip()
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


# --- the transformation, on small examples ---------------------------------------------------


@pytest.mark.parametrize(
    "solution, names",
    [
        ("x_121 = seq.reshape(5, 1, 1)\ny_121 = seq.reshape(5, 1)\n", ["x_121", "y_121"]),
        ("a, (b, *c) = 1, (2, 3)\n", ["a", "b", "c"]),
        ("def build():\n    return keras.Sequential()\n", ["build"]),
        ("class Net(keras.Model):\n    pass\n", ["Net"]),
        ("n: int = 4\nn += 1\nmodel.trainable = False\nd['k'] = 1\n", ["n"]),
        ("for i in range(3):\n    total = i\n", ["total"]),
        ("print('no assignment')\n", []),
    ],
)
def test_assigned_names(solution, names):
    assert mse.assigned_names(solution) == names


def test_placeholder_keeps_leading_comments_and_nothing_else():
    solution = (
        "# One LSTM layer reads the whole sequence.\n"
        "#\n"
        "model = keras.Sequential([  # the batch axis is left out\n"
        "    layers.LSTM(5),\n"
        "])\n"
        "# a trailing remark\n"
    )
    assert mse.placeholder_source(solution) == (
        "# One LSTM layer reads the whole sequence.\n#\nmodel = ____  # your code here"
    )
    assert mse.placeholder_source("def build():\n    return 1\n") == (
        "build = ____  # your code here"
    )
    assert mse.placeholder_source("print(1)\n") == "# your code here"


def test_banner_is_added_as_first_line_even_without_a_leading_markdown_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# T")]
    out = mse.student_notebook(nb, "99_x.ipynb")
    assert out.cells[0].cell_type == "markdown"
    assert out.cells[0].source.startswith("*Student edition, generated from `notebooks/99_x")
    assert nb.cells[0].source == "x = 1"  # the input is left alone


# --- every chapter ---------------------------------------------------------------------------


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks/NN_*.ipynb found"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_no_solution_line_remains(path):
    original, student = _pair(path)
    solutions = [c for c in original.cells if mse.is_solution(c)]
    assert solutions, f"{path.name} has no cell tagged 'solution'"
    # lines a solution shares with the chapter's own teaching cells may stay (e.g. "])")
    elsewhere = {
        line
        for c in original.cells
        if c.cell_type == "code" and not mse.is_solution(c)
        for line in _code_lines(c.source)
    }
    student_lines = {
        line for c in student.cells if c.cell_type == "code" for line in _code_lines(c.source)
    }
    for cell in solutions:
        leaked = [
            line
            for line in _code_lines(cell.source)
            if line not in elsewhere and line in student_lines
        ]
        assert not leaked, f"{path.name}: solution lines left in the student edition: {leaked}"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_placeholders_parse_and_assign_what_the_solutions_assign(path):
    original, student = _pair(path)
    assert len(student.cells) == len(original.cells)
    for before, after in zip(original.cells, student.cells, strict=True):
        tags = after.metadata.get("tags", [])
        assert "hide-input" not in tags
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None
        if not mse.is_solution(before):
            if after.cell_type == "code" and before.source != mse.colab.MARKER:
                assert after.source == before.source
            continue
        assert "solution" not in tags and "exercise" in tags
        tree = ast.parse(after.source)  # raises SyntaxError if the placeholder does not parse
        names = mse.assigned_names(before.source)
        assert [n.targets[0].id for n in tree.body] == names
        assert all(isinstance(n.value, ast.Name) and n.value.id == "____" for n in tree.body)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_first_line_says_generated(path):
    _, student = _pair(path)
    first = student.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.splitlines()[0].startswith(
        f"*Student edition, generated from `notebooks/{path.name}`"
    )
    assert student.metadata["labsupport"]["generated_from"] == path.name


def test_book_page_lists_every_chapter():
    """book/student-edition.md links every chapter; refresh it with the script."""
    text = mse.PAGE.read_text(encoding="utf-8")
    names = [p.name for p in CHAPTERS]
    assert mse.updated_page(text, names, mse.chapter_titles()) == text, (
        "book/student-edition.md is out of date: run python scripts/make_student_edition.py"
    )


def test_script_writes_and_checks(tmp_path):
    out = tmp_path / "student"
    assert mse.main(["--out", str(out), "--no-page"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in CHAPTERS]
    assert mse.main(["--out", str(out), "--no-page", "--check"]) == 0
    (out / CHAPTERS[0].name).write_text("{}", encoding="utf-8")
    (out / "00_removed.ipynb").write_text("{}", encoding="utf-8")
    assert mse.main(["--out", str(out), "--no-page", "--check"]) == 1


# --- the main one: the student notebooks run, and every check says "not attempted" ----------


def _outcomes(cell) -> list[str]:
    found = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        html = data.get("text/html", "")
        found += re.findall(r"data-outcome='(\w+)'", html)
        text = data.get("text/plain", "") + output.get("text", "")
        if not html and "Not attempted" in text:
            found.append("not_attempted")
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_notebook_runs_with_every_check_not_attempted(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("LABSUPPORT_FAST", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    _, student = _pair(path)
    client = NotebookClient(
        student,
        timeout=600,
        startup_timeout=600,  # a kernel can be slow to start on two busy cores
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on any exception outside raises-exception cells

    checks = [c for c in student.cells if c.cell_type == "code" and CHECK_CALL.search(c.source)]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        outcomes = _outcomes(cell)
        assert outcomes == ["not_attempted"] * len(outcomes) and outcomes, (
            f"{path.name}: check cell {cell.source.strip()!r} reported {outcomes or 'nothing'}"
        )
    printed = "".join(o.get("text", "") for c in student.cells for o in c.get("outputs", []))
    assert "Fast mode (LABSUPPORT_FAST=1)" in printed, f"{path.name} did not run in fast mode"
    # client.execute() let errors through only in cells tagged raises-exception; each must raise
    for cell in student.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            kinds = [o.get("output_type") for o in cell.get("outputs", [])]
            assert "error" in kinds, f"{path.name}: {cell.source.strip()[:60]!r} did not raise"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_the_student_edition_carries_the_whole_install_cell(path):
    original, student = _pair(path)
    setting = mse.colab.read_setting()
    assert original.cells[1].source == mse.colab.stored_install_cell(
        setting, mse.colab.wheel_name()
    )
    # the first cell of the student edition is its banner; the install cell follows it
    install = next(c for c in student.cells if c.cell_type == "code")
    assert install.source == mse.colab.install_cell(setting, mse.colab.wheel_name())
