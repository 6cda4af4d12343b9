"""The self-checks in the page (book/_ext/selfcheck.py, _static/selfcheck.js).

The page answers from tables the exercises' own Python checkers wrote. These tests hold the page
to the notebook: every mistake a table names, every right answer and learners' other ways of
writing it, run through the JavaScript (in Node.js) and compared with ``Exercise.evaluate``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import selfcheck  # noqa: E402

from labsupport import exercises  # noqa: E402
from labsupport.exercises.core import Exercise  # noqa: E402

CHAPTER_MODULES = sorted(  # ch01 … ch11, and ch02b between ch02 and ch03
    m.name
    for m in pkgutil.iter_modules(exercises.__path__)
    if re.fullmatch(r"ch\d\d[a-z]?", m.name)
)
EXERCISES = [
    f"{chapter}.{name}"
    for chapter in CHAPTER_MODULES
    for name, value in vars(importlib.import_module(f"labsupport.exercises.{chapter}")).items()
    if isinstance(value, Exercise)
]
COUNT_OR_SHAPE = [name for name in EXERCISES if selfcheck.table(name) is not None]


def _exercise(name: str) -> Exercise:
    chapter, question = name.split(".")
    return getattr(importlib.import_module(f"labsupport.exercises.{chapter}"), question)


def _python_value(text: str):
    return eval(text)  # canonical answers only: "1600", "(None, 5, 1)"


def test_every_count_and_shape_exercise_has_a_self_check():
    assert len(COUNT_OR_SHAPE) >= 18, COUNT_OR_SHAPE
    for name in ("ch02.q1", "ch02b.q3", "ch01.q4", "ch09.q1", "ch10.q1", "ch11.q1"):
        assert name in COUNT_OR_SHAPE
    for name in ("ch01.q2", "ch08.q1", "ch10.q3"):  # models and trained results: notebook only
        assert name not in COUNT_OR_SHAPE


def test_the_lstm_count_names_learners_mistakes():
    wrong = {answer: message for _, answer, message in selfcheck.examples("ch02.q1")["wrong"]}
    assert "four blocks" in wrong["400"] and "bias" in wrong["1536"]
    assert "20 steps" in wrong["32000"]


@pytest.mark.parametrize("name", COUNT_OR_SHAPE)
def test_the_page_holds_no_answer_in_clear(name):
    page = json.dumps(selfcheck.table(name), ensure_ascii=False)
    right = selfcheck.examples(name)["right"]
    note = _exercise(name).evaluate(*map(_python_value, right)).message
    assert note not in page
    for field, answer in zip(selfcheck.table(name)["fields"], right, strict=True):
        assert answer not in field["right"] and len(field["right"]) >= 1


def test_a_note_opens_only_with_the_right_answers():
    sealed = selfcheck.seal("ch02.q1", ["1600"], "4 × (16 × 24 + 16)")
    assert selfcheck.unseal("ch02.q1", ["1600"], sealed) == "4 × (16 × 24 + 16)"
    assert selfcheck.unseal("ch02.q1", ["1601"], sealed) is None
    assert selfcheck.unseal("ch02.q2", ["1600"], sealed) is None


def _cases() -> list[dict]:
    cases = []
    for name in COUNT_OR_SHAPE:
        known = selfcheck.examples(name)
        right = known["right"]
        cases.append({"exercise": name, "values": right})
        variants = [
            ("[" + v[1:-1].rstrip(",") + "]") if v.startswith("(") else f"{int(v):,}" for v in right
        ]
        cases.append({"exercise": name, "values": variants, "same_as": right})
        for field, answer, _ in known["wrong"]:
            values = list(right)
            values[field] = answer
            cases.append({"exercise": name, "values": values})
        for field, answer in enumerate(right):  # wrong answers no table names
            unknown = ["9973"]
            if answer.startswith("("):
                sizes = answer[1:-1].rstrip(",").split(", ")
                same_axes = [s if s == "None" else "9973" for s in sizes]
                unknown = ["(" + ", ".join(same_axes) + ("," if len(sizes) == 1 else "") + ")"]
                unknown.append("(" + ", ".join([*same_axes, "9973"]) + ")")
            for text in unknown:
                values = list(right)
                values[field] = text
                same = not text.startswith("(") or text.count(",") == answer.count(",")
                cases.append({"exercise": name, "values": values, "unknown": True, "same": same})
    return cases


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_page_says_what_the_python_check_says():
    cases = _cases()
    script = (
        "globalThis.window = {};\n"
        + (ROOT / "_static" / "selfcheck.js").read_text(encoding="utf-8")
        + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf-8'));\n"
        "const out = input.cases.map((c) => window.labSelfcheck.verdict(\n"
        "  input.tables[c.exercise], c.values.map((value) => ({value}))));\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    tables = {name: selfcheck.table(name) for name in COUNT_OR_SHAPE}
    result = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"cases": cases, "tables": tables}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    verdicts = json.loads(result.stdout)
    assert len(verdicts) == len(cases) > 100
    for case, (outcome, _heading, message) in zip(cases, verdicts, strict=True):
        values = [_python_value(v) for v in case.get("same_as", case["values"])]
        feedback = _exercise(case["exercise"]).evaluate(*values)
        expected = feedback.outcome.name.lower()
        where = f"{case['exercise']} {case['values']}"
        assert outcome == expected, f"{where}: page {outcome!r}, notebook {expected!r}: {message}"
        if case.get("unknown") and not (
            case["same"] and all(f["generic"] for f in tables[case["exercise"]]["fields"])
        ):
            assert "none of the mistakes this page knows" in message or message == (
                feedback.message
            ), where
            continue
        assert message == feedback.message, (
            f"{where}:\npage:     {message}\nnotebook: {feedback.message}"
        )
