"""Every behaviour the book asserts holds with the installed Keras and has its evidence cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from labsupport import behaviours

behaviours._load_all()
KEYS = sorted(behaviours.BEHAVIOURS)
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_registry_is_not_empty():
    assert KEYS


@pytest.mark.parametrize("key", KEYS)
def test_behaviour_holds(key):
    (row,) = behaviours.verify([key])
    assert row.holds, f"{key}: {row.error}"
    assert row.observed.strip(), f"{key}: the check returned no account of what it saw"


@pytest.mark.parametrize("key", KEYS)
def test_behaviour_has_an_evidence_cell(key):
    item = behaviours.get(key)
    assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", key), key
    assert item.claim.strip()
    notebook = NOTEBOOKS / f"{item.chapter}.ipynb"
    assert notebook.exists(), f"{key} names chapter {item.chapter!r}, which does not exist"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    marks = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert any(f"{behaviours.EVIDENCE_MARK}{key}" in source for source in marks), (
        f"{item.chapter} has no code cell marked '{behaviours.EVIDENCE_MARK}{key}'"
    )


def test_a_failing_check_is_reported_not_raised():
    def broken() -> str:
        raise AssertionError("no longer true")

    item = behaviours.Behaviour("test.broken", "A claim.", "01_one_to_one_echo", broken)
    behaviours.BEHAVIOURS[item.key] = item
    try:
        (row,) = behaviours.verify([item.key])
    finally:
        del behaviours.BEHAVIOURS[item.key]
    assert not row.holds and "no longer true" in row.error


def test_reloading_a_module_does_not_raise():
    import importlib

    from labsupport.behaviours import losses

    importlib.reload(losses)
    assert "losses.squeeze_target_rank" in behaviours.BEHAVIOURS


def test_verify_leaves_out_tensorflows_retracing_warning_and_nothing_else(monkeypatch):
    """The ledger builds many fresh models in a row; TensorFlow then warns about retracing."""
    import dataclasses
    import logging

    from labsupport import models

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("tensorflow")
    keep = Keep()
    monkeypatch.setattr(logger, "handlers", [*logger.handlers, keep])

    def noisy():
        logger.warning("5 out of the last 5 calls to <f at 0x7f00> %s.", models.RETRACING_NOTE)
        logger.warning("something else")
        return "observed"

    behaviours._load_all()
    key = "sequence_length.fixed_model_reads_other_lengths"
    quiet_key = dataclasses.replace(
        behaviours.BEHAVIOURS[key], check=noisy, backends=("tensorflow", "jax", "torch")
    )
    monkeypatch.setitem(behaviours.BEHAVIOURS, key, quiet_key)

    rows = behaviours.verify([key])

    assert rows[0].holds and rows[0].observed == "observed", rows[0]
    assert seen == ["something else"]
    logger.warning("after verify: %s", models.RETRACING_NOTE)  # the filter is gone again
    assert seen[-1].startswith("after verify")
