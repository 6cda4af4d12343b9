"""The results file: its layout, how a run merges into it, and which machine measured what.

``python -m benchmarks.run`` writes ``benchmarks/results/<device>.json``; the book's
"Benchmarks" page reads it. The file is one JSON object (:data:`SCHEMA_VERSION`)::

    {"schema": 1, "device_kind": "cpu", "quick": false, "started_at": ..., "finished_at": ...,
     "command": "...", "machine": {...},
     "sections": {"notebooks": {...}, "book": {...}, "test": {...}, "mnist": {...},
                  "three_ways": {...}, "td_cost": {...}, "echo": {...}, "arithmetic": {...}},
     "targets": [{"key": ..., "status": "met" | "missed" | "not measured", ...}, ...]}

Every section carries ``measured_at`` (ISO 8601, UTC), ``quick`` and the ``machine`` it was
measured on; a section that failed carries ``error`` instead of its numbers. Sections measured
since the benchmark learned about Keras backends also carry ``backend`` (the Keras backend the
section ran on); a section without it ran on TensorFlow, the only backend measured before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.reference import (
    MACHINE_KEYS,
    find_results_dir,
    machine_id,
    machine_text,
    section_machine,
)

__all__ = [
    "DEVICE_KINDS",
    "LIST_KEYS",
    "MACHINE_KEYS",
    "SCHEMA_VERSION",
    "SECTIONS",
    "ResultsError",
    "find_results_dir",
    "load",
    "load_all",
    "machine_id",
    "machine_text",
    "merge",
    "same_machine",
    "section_backend",
    "section_machine",
    "validate",
]

SCHEMA_VERSION = 1

SECTIONS = ("notebooks", "book", "test", "mnist", "three_ways", "td_cost", "echo", "arithmetic")
"""Every section a results file may hold, in the order the page shows them."""

DEVICE_KINDS = ("cpu", "gpu")

LIST_KEYS = {
    "notebooks": "runs",
    "mnist": "models",
    "three_ways": "rows",
    "td_cost": "rows",
    "echo": "runs",
    "arithmetic": "backends",
}
"""The list each section's tables are built from; a section that did not fail must hold it."""

STATUSES = ("met", "missed", "not measured")

OLD_BACKEND = "tensorflow"
"""The backend of a section that does not name one: the benchmark measured only TensorFlow
before it recorded the backend."""


class ResultsError(ValueError):
    """A results file does not have the expected layout."""


def validate(results: Any) -> dict[str, Any]:
    """Check the layout of a results object; return it unchanged or raise :class:`ResultsError`.

    Only the structure the page relies on is checked: top-level keys, known section names,
    and, in each section that did not fail, the list its tables are built from.
    """
    if not isinstance(results, Mapping):
        raise ResultsError(f"results must be a JSON object, got {type(results).__name__}")
    for key in ("schema", "device_kind", "quick", "machine", "sections", "targets"):
        if key not in results:
            raise ResultsError(f"results lack the key {key!r}")
    if results["schema"] != SCHEMA_VERSION:
        raise ResultsError(
            f"results use schema {results['schema']!r}; this code reads schema {SCHEMA_VERSION}"
        )
    if results["device_kind"] not in DEVICE_KINDS:
        raise ResultsError(f"unknown device kind {results['device_kind']!r}")
    if not isinstance(results["quick"], bool):
        raise ResultsError("'quick' must be true or false")
    sections = results["sections"]
    if not isinstance(sections, Mapping):
        raise ResultsError("'sections' must be an object")
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ResultsError(f"unknown section(s) {', '.join(unknown)}")
    for name, section in sections.items():
        if not isinstance(section, Mapping):
            raise ResultsError(f"section {name!r} must be an object")
        for key in ("measured_at", "quick"):
            if key not in section:
                raise ResultsError(f"section {name!r} lacks {key!r}")
        if section.get("error"):
            continue
        list_key = LIST_KEYS.get(name)
        if list_key and not isinstance(section.get(list_key), list):
            raise ResultsError(f"section {name!r} lacks the list {list_key!r}")
    if not isinstance(results["targets"], list):
        raise ResultsError("'targets' must be a list")
    for target in results["targets"]:
        if target.get("status") not in STATUSES:
            raise ResultsError(f"target {target.get('key')!r} has status {target.get('status')!r}")
    return dict(results)


def load(path: str | Path) -> dict[str, Any]:
    """Read and validate a results file."""
    with open(path, encoding="utf-8") as handle:
        return validate(json.load(handle))


def load_all(results_dir: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Every results file found, keyed by device kind (``cpu``, ``gpu``)."""
    folder = Path(results_dir) if results_dir else find_results_dir()
    found = {}
    for kind in DEVICE_KINDS:
        path = folder / f"{kind}.json"
        if path.is_file():
            found[kind] = load(path)
    return found


def same_machine(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Whether two machine records name the same CPU, core count and GPUs."""
    return all((a or {}).get(k) == (b or {}).get(k) for k in ("cpu_model", "logical_cores", "gpus"))


def section_backend(results: Mapping[str, Any], name: str) -> str:
    """The Keras backend a section ran on (:data:`OLD_BACKEND` when it does not say)."""
    section = (results.get("sections") or {}).get(name) or {}
    return str(section.get("backend") or OLD_BACKEND)


def merge(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Sections measured now replace those of the same name; the others are kept.

    Nothing is kept when the old file comes from another device kind or another schema. A kept
    section carries the machine it was measured on (``section["machine"]``; older files record
    it once, for the whole file, and it is copied into the section here), so a file may hold
    sections of several machines and the page says which is which.
    """
    merged = dict(new)
    if not old or old.get("schema") != SCHEMA_VERSION:
        return merged
    if old.get("device_kind") != new.get("device_kind"):
        return merged
    sections = {
        name: {"machine": machine_id(old.get("machine")), **body}
        for name, body in (old.get("sections") or {}).items()
    }
    sections.update(new.get("sections") or {})
    merged["sections"] = {name: sections[name] for name in SECTIONS if name in sections}
    merged["quick"] = any(bool(s.get("quick")) for s in merged["sections"].values())
    merged["started_at"] = min(str(old.get("started_at", "")), str(new.get("started_at", ""))) or (
        new.get("started_at")
    )
    # Keep the runs whose sections are still in the file, so the page can list every command.
    kept = [
        run
        for run in old.get("history") or []
        if set(run.get("sections") or []) - set(new.get("sections") or {})
    ]
    merged["history"] = kept + list(new.get("history") or [])
    return merged
