"""The reference solutions are written once, in the chapters' solution cells; the package's
solutions.json is generated from them (scripts/make_student_edition.py) and must be current."""

import json
import sys
from pathlib import Path

import pytest

from labsupport.exercises import core

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import make_student_edition  # noqa: E402


def test_solutions_file_is_generated_from_the_chapters():
    expected = make_student_edition.solutions_text()
    assert make_student_edition.SOLUTIONS.read_text(encoding="utf-8") == expected, (
        "labsupport/exercises/solutions.json is out of date: run python "
        "scripts/make_student_edition.py (make student)"
    )


def test_every_exercise_shows_its_chapters_solution_cell():
    table = json.loads(make_student_edition.SOLUTIONS.read_text(encoding="utf-8"))
    assert len(table) >= 40
    for name, code in table.items():
        chapter, question = name.split(".")
        module = __import__(f"labsupport.exercises.{chapter}", fromlist=[question])
        exercise = getattr(module, question)
        assert exercise.name == name
        assert exercise.solution().code == code


def test_no_module_keeps_a_copy_of_a_solution():
    folder = Path(core.__file__).parent
    for path in folder.glob("ch*.py"):
        assert "SOLUTION_Q" not in path.read_text(encoding="utf-8"), path.name


def test_a_corrupt_solutions_file_is_reported(tmp_path, monkeypatch):
    bad = tmp_path / "solutions.json"
    bad.write_text("{not json", encoding="utf-8")

    class Folder:
        def __truediv__(self, name):
            return bad

    monkeypatch.setattr(core.resources, "files", lambda package: Folder())
    core.reference_solutions.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="cannot be read.*reinstall labsupport"):
            core.reference_solutions()
    finally:
        monkeypatch.undo()
        core.reference_solutions.cache_clear()


def test_an_explicit_solution_wins():
    exercise = core.Exercise("chXX.q1", "t", lambda a: None, solution="  a = 1\n")
    assert exercise.solution_code == "a = 1\n"
    assert core.Exercise("chXX.q9", "t", lambda a: None).solution_code == ""


def test_every_exercise_has_a_solution_cell():
    folder = Path(core.__file__).parent
    table = json.loads(make_student_edition.SOLUTIONS.read_text(encoding="utf-8"))
    names = []
    for path in sorted(folder.glob("ch*.py")):
        module = __import__(f"labsupport.exercises.{path.stem}", fromlist=["_"])
        names += [v.name for v in vars(module).values() if isinstance(v, core.Exercise)]
    assert len(names) >= 40
    missing = sorted(set(names) - set(table))
    assert not missing, f"no solution cell in the chapters for {missing}"
