"""Notebook hygiene and the chapter template (see CONTRIBUTING.md).

nbval runs the notebooks themselves; these tests read them as files.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from labsupport.exercises import Exercise

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
CHECK_CALL = re.compile(r"\b(ch\d\d[a-z]?)\.(q\d+)\.check\(")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def headings(nb) -> list[str]:
    return [
        line.strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks found"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, read(request.param)


def test_valid_and_stored_without_outputs(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name} cell {i} stores outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
    # nbformat 4.5 cells carry ids; a cell added without one gets a random id each time the
    # notebook is read, and the student edition made from it would never be up to date
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = [i for i, cell in enumerate(raw["cells"]) if "id" not in cell]
    assert not missing, f"{path.name}: cells {missing} have no id"


def test_title_and_overview(notebook):
    path, nb = notebook
    prefix = path.name.split("_")[0]  # "02", or "02b" for a chapter between 2 and 3
    number = str(int(prefix[:2])) + prefix[2:]
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# {number}. "), "first cell must be '# N. Title'"
    assert len(first.source.strip().splitlines()) >= 3, "title needs a short overview"


def test_install_cell_is_hidden_and_shared(notebook):
    path, nb = notebook
    install = nb.cells[1]
    assert install.cell_type == "code" and "remove-cell" in tags(install)
    reference = read(ROOT / "notebooks" / "01_one_to_one_echo.ipynb").cells[1].source
    assert install.source == reference, "copy the install cell from chapter 1 unchanged"
    # the one-line marker that scripts/colab.py turns into the install cell in the copies
    # readers download (or the whole cell, where Colab opens the chapters from the repository)
    assert '__import__("labsupport")' in install.source.splitlines()[0] or (
        "--no-deps" in install.source and "LABSUPPORT_SOURCE" in install.source
    )


def test_setup_cell(notebook):
    path, nb = notebook
    heading = nb.cells[2].source.strip().splitlines()[0]
    assert nb.cells[2].cell_type == "markdown" and heading == "## Setup"
    setup = nb.cells[3].source
    for needed in ("labsupport.check_keras()", "keras.utils.set_random_seed(", "show_mode()"):
        assert needed in setup, f"setup cell lacks {needed}"


def test_sections_in_template_order(notebook):
    path, nb = notebook
    found = headings(nb)
    numbered = [h for h in found if re.match(r"## \d+\. ", h)]
    assert numbered, "no numbered sections ('## 1. ...')"
    numbers = [int(re.match(r"## (\d+)\.", h).group(1)) for h in numbered]
    assert numbers == list(range(1, len(numbers) + 1)), f"sections numbered {numbers}"
    tail = [h for h in found if h in ("## Exercises", "## Summary", "## Going further")]
    assert tail == ["## Exercises", "## Summary", "## Going further"]
    assert found.index("## Exercises") > found.index(numbered[-1])


def _exercises_of(module) -> dict[str, Exercise]:
    return {v.name: v for v in vars(module).values() if isinstance(v, Exercise)}


def test_exercises_follow_their_solutions(notebook):
    path, nb = notebook
    chapter = f"ch{path.name.split('_')[0]}"
    module = importlib.import_module(f"labsupport.exercises.{chapter}")
    exercises = _exercises_of(module)
    assert len(exercises) >= 2, f"{chapter} needs at least two exercises"
    seen = set()
    cells = nb.cells
    for i, cell in enumerate(cells):
        if "solution" not in tags(cell):
            continue
        assert cell.cell_type == "code"
        assert "hide-input" in tags(cell), "solutions are hidden behind a toggle in the book"
        following = next((c for c in cells[i + 1 :] if c.cell_type == "code"), None)
        assert following is not None, "a solution cell must be followed by its check"
        match = CHECK_CALL.search(following.source)
        assert match, (
            f"the cell after a solution must call chNN.qM.check(...): {following.source!r}"
        )
        assert match.group(1) == chapter, f"{path.name} uses {match.group(1)}"
        name = f"{match.group(1)}.{match.group(2)}"
        assert name in exercises, f"{name} is not defined in labsupport.exercises.{chapter}"
        # Written once: the notebook's solution is the exercise's reference solution.
        assert cell.source.strip() == exercises[name].solution_code.strip(), (
            f"{path.name}: the solution cell of {name} differs from its solution text in "
            f"labsupport/exercises/{chapter}.py"
        )
        seen.add(name)
    assert seen == set(exercises), f"exercises never used in the notebook: {set(exercises) - seen}"


def test_no_solution_names_used_later(notebook):
    """The student edition replaces solution cells; later cells may only check their names."""
    path, nb = notebook
    import ast

    for i, cell in enumerate(nb.cells):
        if "solution" not in tags(cell):
            continue
        names = {
            t.id
            for node in ast.parse(cell.source).body
            for t in (
                node.targets
                if isinstance(node, ast.Assign)
                else [ast.Name(node.name)]
                if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                else []
            )
            if isinstance(t, ast.Name)
        }
        for later in nb.cells[i + 1 :]:
            if later.cell_type != "code" or "solution" in tags(later):
                continue
            if CHECK_CALL.search(later.source):
                continue
            used = {n.id for n in ast.walk(ast.parse(later.source)) if isinstance(n, ast.Name)}
            clash = names & used
            assert not clash, f"{path.name}: a later cell uses {clash} from a solution cell"


def test_every_chapter_and_page_is_in_the_table_of_contents():
    """The book is built with only_build_toc_files: a page missing from _toc.yml is dropped."""
    listed = set(re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8")))
    listed.add(re.search(r"^root:\s*(\S+)", (ROOT / "_toc.yml").read_text(), re.M)[1])
    pages = {f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    pages |= {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")}
    assert pages - listed == set(), f"not in _toc.yml: {sorted(pages - listed)}"
    assert listed - pages == set(), f"_toc.yml lists missing pages: {sorted(listed - pages)}"


def test_answers_stay_hidden_until_the_reader_opens_them(notebook):
    """In the book a check's verdict ("✔ Correct … 146") and a reveal cell's output would give
    the answer away below the collapsed solution: they sit behind a toggle too."""
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        before = nb.cells[i - 1] if i else None
        reveal = before is not None and "let Keras answer" in before.get("source", "")
        if CHECK_CALL.search(cell.source) or reveal:
            assert "hide-output" in tags(cell), (
                f"{path.name}, cell {cell.get('id')}: tag it hide-output: {cell.source[:60]!r}"
            )
