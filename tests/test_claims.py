"""The claims: data only, each recorded by exactly one chapter cell, and pasted by the ledger."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from labsupport import claims
from labsupport.claims import page

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RECORDERS = ("claim", "evidence")


def _recording_calls() -> list[tuple[str, str, str, int]]:
    """(notebook, function, key, cell index) of every claim/evidence/unchecked call."""
    found = []
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            source = "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(source)):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in (*RECORDERS, "unchecked"):
                    continue
                first = node.args[0] if node.args else None
                key = first.value if isinstance(first, ast.Constant) else None
                found.append((notebook.stem, node.func.id, key, index))
    return found


CALLS = _recording_calls()
FIGURES = claims.all_figures()
BEHAVIOURS = claims.all_behaviours()


def test_every_recording_names_its_key_as_a_literal_string():
    """So that the tests below, and a reader searching for a key, find the cell."""
    assert not [(nb, fn, cell) for nb, fn, key, cell in CALLS if not isinstance(key, str)]


def test_registries_are_not_empty_and_keys_do_not_collide():
    assert FIGURES and BEHAVIOURS
    assert not set(FIGURES) & set(BEHAVIOURS)


@pytest.mark.parametrize("key", [*FIGURES, *BEHAVIOURS])
def test_each_claim_is_recorded_by_exactly_one_cell_of_its_chapter(key):
    item = FIGURES.get(key) or BEHAVIOURS[key]
    recorder = "claim" if key in FIGURES else "evidence"
    assert (NOTEBOOKS / f"{item.chapter}.ipynb").exists(), f"{key}: no chapter {item.chapter}"
    cells = {(nb, cell) for nb, fn, k, cell in CALLS if k == key and fn == recorder}
    assert len(cells) == 1, f"{key}: {recorder}() is called in {sorted(cells) or 'no cell'}"
    ((notebook, _),) = cells
    assert notebook == item.chapter, f"{key} is recorded in {notebook}, not {item.chapter}"
    calls = [c for c in CALLS if c[2] == key and c[1] == recorder]
    assert len(calls) == 1, f"{key}: {recorder}() is called {len(calls)} times in its cell"


def test_every_recorded_key_is_in_a_registry():
    known = FIGURES | BEHAVIOURS
    unknown = {(nb, fn, key) for nb, fn, key, _ in CALLS if key is not None and key not in known}
    assert not unknown
    wrong_kind = [(nb, key) for nb, fn, key, _ in CALLS if fn == "evidence" and key in FIGURES]
    wrong_kind += [(nb, key) for nb, fn, key, _ in CALLS if fn == "claim" and key in BEHAVIOURS]
    assert not wrong_kind, "figures are recorded with claim(), behaviours with evidence()"


def test_no_chapter_keeps_the_old_evidence_comments():
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        assert "# evidence: " not in notebook.read_text(encoding="utf-8"), notebook.name


def test_keys_and_sentences_are_well_formed():
    for key, figure in FIGURES.items():
        assert re.fullmatch(r"[A-F]\d+\.[a-z0-9_]+", key) and figure.topic.strip(), key
    for key, item in BEHAVIOURS.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", key) and item.claim.strip(), key
        assert set(item.backends) <= set(claims.ALL_BACKENDS), key


def test_claim_passes_the_stated_value_prints_both_and_records_it(monkeypatch, capsys):
    glued = {}
    monkeypatch.setattr(claims, "glue", lambda name, value, display: glued.update({name: value}))
    claims.claim("A1.lstm", 140)
    out = capsys.readouterr().out
    assert out.startswith("✓ ") and "the source states 140" in out
    assert glued == {"claim.A1.lstm": "✓ 140"} and repr(glued["claim.A1.lstm"]) == "✓ 140"


def test_claim_accepts_shapes_in_every_form_and_refuses_a_wrong_value(monkeypatch):
    monkeypatch.setattr(claims, "glue", lambda *a, **k: None)
    import numpy as np

    shape = next(f for f in FIGURES.values() if isinstance(f.source, tuple))
    claims.claim(shape.key, list(shape.source))
    claims.claim("A1.lstm", np.int64(140))
    with pytest.raises(AssertionError, match="computed 160, but the source states 140"):
        claims.claim("A1.lstm", 160)
    wrong = (*shape.source[:-1], (shape.source[-1] or 0) + 1)
    with pytest.raises(AssertionError, match="computed"):
        claims.claim(shape.key, wrong)


def test_evidence_records_one_line_and_refuses_an_empty_one(monkeypatch):
    glued = {}
    monkeypatch.setattr(claims, "glue", lambda name, value, display: glued.update({name: value}))
    monkeypatch.setattr(claims, "_backend", lambda: "tensorflow")
    key = next(k for k, b in BEHAVIOURS.items() if "tensorflow" in b.backends)
    claims.evidence(key, "saw\n  this")
    assert glued[claims.glue_key(key)] == "✓ saw this"
    with pytest.raises(ValueError, match="what the cell observed"):
        claims.evidence(key, "  ")
    with pytest.raises(KeyError, match="no behaviour"):
        claims.evidence("no.such_key", "saw")


def test_evidence_on_a_backend_the_sentence_is_not_about_carries_no_tick(monkeypatch):
    glued = {}
    monkeypatch.setattr(claims, "glue", lambda name, value, display: glued.update({name: value}))
    key, item = next((k, b) for k, b in BEHAVIOURS.items() if b.backends != claims.ALL_BACKENDS)
    other = next(b for b in claims.ALL_BACKENDS if b not in item.backends)
    monkeypatch.setattr(claims, "_backend", lambda: other)
    claims.evidence(key, "saw")
    assert glued[claims.glue_key(key)].startswith(f"on {other}, which the sentence is not about")


def test_unchecked_says_why_without_a_tick(monkeypatch, capsys):
    glued = {}
    monkeypatch.setattr(claims, "glue", lambda name, value, display: glued.update({name: value}))
    claims.unchecked("A1.lstm", "fast mode")
    assert glued["claim.A1.lstm"] == "not checked in this run: fast mode"
    assert "not checked" in capsys.readouterr().out


def test_the_ledger_pastes_every_claim_from_its_chapter_and_computes_nothing():
    figures, behaviours = page.figures_table(), page.behaviours_table()
    for key, item in {**FIGURES, **BEHAVIOURS}.items():
        role = f"{{glue:text}}`../notebooks/{item.chapter}.ipynb::claim.{key}:s`"
        assert role in (figures if key in FIGURES else behaviours), key
    assert len(figures.splitlines()) == 2 + len(FIGURES)
    assert len(behaviours.splitlines()) == 2 + len(BEHAVIOURS)
    assert "✓" not in figures + behaviours  # only a chapter's recording carries the tick


def test_a_pipe_in_a_sentence_does_not_break_the_table():
    assert page._cell("a | b\n c") == "a \\| b c"
    assert page.chapter_link("03_many_to_one_echo") == (
        "{doc}`Ch. 3 <../notebooks/03_many_to_one_echo>`"
    )
