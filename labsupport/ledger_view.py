"""The claims ledger as a compact table: HTML for the book, plain text for a terminal.

Usage (the book's ledger page does exactly this)::

    from labsupport.stated import ledger
    from labsupport.ledger_view import LedgerTable

    LedgerTable(ledger())   # shows itself as an HTML table in a notebook

The logic never runs a figure itself; it only formats the rows :func:`labsupport.stated.ledger`
returns, so it can be tested with hand-made rows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "BehaviourTable",
    "LedgerTable",
    "behaviours_html",
    "behaviours_text",
    "chapter_label",
    "format_value",
    "ledger_html",
    "ledger_text",
]

_CSS = """
<style>
.labsupport-ledger-wrap{overflow-x:auto;margin:0.5em 0}
table.labsupport-ledger{border-collapse:collapse;font-size:0.85em;width:100%;table-layout:auto}
table.labsupport-ledger th,table.labsupport-ledger td{border:1px solid #d0d7de;
  padding:0.25em 0.45em;vertical-align:top;text-align:left}
table.labsupport-ledger th{background:#f3f5f7;white-space:nowrap}
table.labsupport-ledger td.num{white-space:nowrap;font-family:monospace;
  font-size:0.95em;text-align:right}
table.labsupport-ledger td.ok{color:#1e7e34;font-weight:bold;text-align:center}
table.labsupport-ledger td.bad{color:#b3261e;font-weight:bold;text-align:center}
table.labsupport-ledger div.note{font-size:0.88em;color:#555;margin-top:0.2em}
table.labsupport-ledger td.where{white-space:nowrap}
table.labsupport-ledger tr.disagrees td{background:#fdecea}
</style>
"""


def format_value(value: Any) -> str:
    """A figure's value as the book prints it: ``1,234`` for counts, ``(None, 5, 1)`` for shapes."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return str(value)


def chapter_label(chapter: str) -> str:
    """``"03_many_to_many"`` -> ``"Ch. 3"``; other names are returned unchanged."""
    match = re.match(r"(\d+)_", chapter)
    return f"Ch. {int(match.group(1))}" if match else chapter


def _row_cells(row: Any) -> dict[str, str]:
    figure = row.figure
    live = row.error or format_value(row.live)
    return {
        "key": figure.key,
        "section": figure.section,
        "topic": figure.topic,
        "source": format_value(figure.source),
        "live": live,
        "agrees": "✓" if row.agrees else "✗",
        "note": figure.then_vs_now,
        "chapter": figure.chapter,
    }


def ledger_html(rows: Sequence[Any], *, chapter_href: str = "../notebooks/{chapter}.html") -> str:
    """The rows of :func:`labsupport.stated.ledger` as one HTML table.

    Args:
        rows: ``LedgerRow`` objects (anything with ``figure``, ``live``, ``agrees``, ``error``).
        chapter_href: link to the chapter that teaches a figure; ``{chapter}`` is replaced by
            the figure's ``chapter`` (a notebook name without ``.ipynb``). An empty string
            means no links.
    """
    head = (
        "<tr><th>Key</th><th>Topic, then vs now</th><th>Source says</th><th>Computed now</th>"
        "<th title='Does the value computed now agree with the source?'>Agrees</th>"
        "<th>Taught in</th></tr>"
    )
    body = []
    for row in rows:
        c = {k: html.escape(v) for k, v in _row_cells(row).items()}
        chapter = row.figure.chapter
        if chapter and chapter_href:
            href = html.escape(chapter_href.format(chapter=chapter), quote=True)
            where = f"<a href='{href}' title='{c['chapter']}'>{chapter_label(chapter)}</a>"
        else:
            where = html.escape(chapter_label(chapter)) if chapter else "—"
        note = f"<div class='note'>{c['note']}</div>" if c["note"] else ""
        body.append(
            f"<tr class='{'agrees' if row.agrees else 'disagrees'}' data-key='{c['key']}'>"
            f"<td class='num' title='section {c['section']}'>{c['key']}</td>"
            f"<td>{c['topic']}{note}</td>"
            f"<td class='num'>{c['source']}</td>"
            f"<td class='num'>{c['live']}</td>"
            f"<td class='{'ok' if row.agrees else 'bad'}'>{c['agrees']}</td>"
            f"<td class='where'>{where}</td></tr>"
        )
    agree = sum(1 for r in rows if r.agrees)
    caption = f"{len(rows)} figures; {agree} agree with their source"
    return (
        f"{_CSS}<div class='labsupport-ledger-wrap'><table class='labsupport-ledger'>"
        f"<caption style='caption-side:top;text-align:left'>{html.escape(caption)}</caption>"
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def ledger_text(rows: Sequence[Any]) -> str:
    """The rows as aligned plain text (one line per figure), for a terminal."""
    lines = []
    width = max((len(r.figure.key) for r in rows), default=0)
    for row in rows:
        c = _row_cells(row)
        lines.append(
            f"{c['agrees']} {c['key']:<{width}} source {c['source']:>14}  now {c['live']:>14}  "
            f"{c['topic']}"
        )
    agree = sum(1 for r in rows if r.agrees)
    lines.append(f"{len(rows)} figures; {agree} agree with their source")
    return "\n".join(lines)


class LedgerTable:
    """Shows ledger rows as an HTML table in a notebook and as text elsewhere."""

    def __init__(self, rows: Sequence[Any], *, chapter_href: str = "../notebooks/{chapter}.html"):
        self.rows = list(rows)
        self.chapter_href = chapter_href

    @property
    def disagreements(self) -> list[Any]:
        return [r for r in self.rows if not r.agrees]

    def _repr_html_(self) -> str:
        return ledger_html(self.rows, chapter_href=self.chapter_href)

    def __str__(self) -> str:
        return ledger_text(self.rows)

    __repr__ = __str__


def behaviours_html(
    rows: Sequence[Any], *, chapter_href: str = "../notebooks/{chapter}.html"
) -> str:
    """The rows of :func:`labsupport.behaviours.verify` as one HTML table."""
    head = (
        "<tr><th>Key</th><th>What the book says</th><th>Seen when this page was built</th>"
        "<th title='Does the behaviour hold with the installed Keras?'>Holds</th>"
        "<th>Shown in</th></tr>"
    )
    body = []
    for row in rows:
        item = row.behaviour
        key = html.escape(item.key)
        seen = html.escape(row.observed if row.holds else row.error)
        if item.chapter and chapter_href:
            href = html.escape(chapter_href.format(chapter=item.chapter), quote=True)
            where = f"<a href='{href}' title='{html.escape(item.chapter)}'>"
            where += f"{chapter_label(item.chapter)}</a>"
        else:
            where = html.escape(chapter_label(item.chapter)) if item.chapter else "—"
        body.append(
            f"<tr class='{'agrees' if row.holds else 'disagrees'}' data-key='{key}'>"
            f"<td class='num'>{key}</td><td>{html.escape(item.claim)}</td>"
            f"<td><div class='note'>{seen}</div></td>"
            f"<td class='{'ok' if row.holds else 'bad'}'>{'✓' if row.holds else '✗'}</td>"
            f"<td class='where'>{where}</td></tr>"
        )
    holds = sum(1 for r in rows if r.holds)
    caption = f"{len(rows)} behaviours; {holds} hold with the installed Keras"
    return (
        f"{_CSS}<div class='labsupport-ledger-wrap'><table class='labsupport-ledger'>"
        f"<caption style='caption-side:top;text-align:left'>{html.escape(caption)}</caption>"
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def behaviours_text(rows: Sequence[Any]) -> str:
    """The behaviour rows as plain text (one line per behaviour), for a terminal."""
    lines = [
        f"{'✓' if r.holds else '✗'} {r.behaviour.key}: {r.observed if r.holds else r.error}"
        for r in rows
    ]
    lines.append(f"{len(rows)} behaviours; {sum(1 for r in rows if r.holds)} hold")
    return "\n".join(lines)


class BehaviourTable:
    """Shows behaviour rows as an HTML table in a notebook and as text elsewhere."""

    def __init__(self, rows: Sequence[Any], *, chapter_href: str = "../notebooks/{chapter}.html"):
        self.rows = list(rows)
        self.chapter_href = chapter_href

    @property
    def failures(self) -> list[Any]:
        return [r for r in self.rows if not r.holds]

    def _repr_html_(self) -> str:
        return behaviours_html(self.rows, chapter_href=self.chapter_href)

    def __str__(self) -> str:
        return behaviours_text(self.rows)

    __repr__ = __str__
