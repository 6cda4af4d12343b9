"""The claims ledger page: tables whose last columns are pasted from the chapters' recordings.

The page's code cell prints :func:`figures_table` and :func:`behaviours_table` as MyST Markdown.
Each row pastes (``{glue:text}``) what the chapter's own cell recorded with
:func:`labsupport.claims.claim` or :func:`labsupport.claims.evidence` in this build; nothing is
computed here. A claim its chapter did not record is a missing glue reference, and the book's
build stops on it.
"""

from __future__ import annotations

import re

from labsupport.claims import all_behaviours, all_figures, format_value, glue_key

CHAPTERS = "../notebooks"
"""The chapters, relative to the ledger page."""


def chapter_link(chapter: str) -> str:
    """``"03_many_to_one_echo"`` -> a link to that chapter labelled ``Ch. 3``."""
    match = re.match(r"(\d+)([a-z]?)_", chapter)
    label = f"Ch. {int(match.group(1))}{match.group(2)}" if match else chapter
    return f"{{doc}}`{label} <{CHAPTERS}/{chapter}>`"


def recorded(chapter: str, key: str) -> str:
    """The role that pastes what ``chapter`` recorded for ``key``."""
    return f"{{glue:text}}`{CHAPTERS}/{chapter}.ipynb::{glue_key(key)}:s`"


def figures_table() -> str:
    rows = [
        "| Figure | Source says | This build | Then vs now |",
        "| --- | --- | --- | --- |",
    ]
    for figure in all_figures().values():
        cells = (
            f"`{figure.key}` {_cell(figure.topic)}",
            _cell(format_value(figure.source)),
            f"{recorded(figure.chapter, figure.key)} ({chapter_link(figure.chapter)})",
            _cell(figure.then_vs_now),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def behaviours_table() -> str:
    rows = ["| Behaviour | The book says | Observed in this build |", "| --- | --- | --- |"]
    for item in all_behaviours().values():
        said = _cell(item.claim)
        if set(item.backends) != {"tensorflow", "jax", "torch"}:
            said += f" (Stated for {', '.join(item.backends)}.)"
        cells = (
            f"`{item.key}`",
            said,
            f"{recorded(item.chapter, item.key)} ({chapter_link(item.chapter)})",
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    """Text that a Markdown table cell shows as written (pipes and backticks kept literal)."""
    return " ".join(text.split()).replace("|", "\\|") or "—"
