"""A chapter's cells as the tests read its text: id, kind, source and figure alt text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple


class Cell(NamedTuple):
    id: str
    kind: str
    source: str
    alt: str


def chapter_cells(name: str) -> list[Cell]:
    """The cells of a chapter notebook, with the alt text of the figure each one draws."""
    path = Path(__file__).resolve().parents[1] / "notebooks" / f"{name}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        Cell(
            c["id"],
            c["cell_type"],
            "".join(c["source"]),
            c["metadata"].get("mystnb", {}).get("image", {}).get("alt", ""),
        )
        for c in cells
    ]
