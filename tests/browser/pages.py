"""The checks on the files of the built book: links, anchors, figures, outputs, solutions.

No browser needed: the HTML is parsed with :mod:`html.parser`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LONG_OUTPUT_LINES = 60


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    classes: set[str]
    parent: Element | None
    children: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, *classes: str) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag) and set(classes) <= e.classes and e is not self
        ]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        return "".join("".join(e.text) for e in self.iter())


_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _TreeBuilder(HTMLParser):
    """A forgiving DOM tree: good enough for Sphinx output and Chromium's --dump-dom."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, set(), None)
        self.current = self.root
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        element = Element(tag, values, set(values.get("class", "").split()), self.current)
        self.current.children.append(element)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def parse_html(text: str) -> tuple[Element, set[str]]:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root, builder.ids


@functools.cache
def _ids_of(path: Path) -> frozenset[str]:
    return frozenset(parse_html(path.read_text(encoding="utf-8", errors="replace"))[1])


def _is_local(url: str) -> bool:
    if not url or url.startswith(("#", "//", "data:", "mailto:", "javascript:", "tel:")):
        return False
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)


def pages(html_dir: Path) -> list[Path]:
    """Every HTML page of the book (theme assets under _static and _sources left out)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(
        p for p in html_dir.rglob("*.html") if not skip & set(p.relative_to(html_dir).parts)
    )


def check_links(page: Path, html_dir: Path, tree: Element, ids: set[str]) -> list[str]:
    """Local links and images whose targets do not exist."""
    problems = []
    for element in tree.iter():
        for attr in ("href", "src"):
            url = element.attrs.get(attr, "")
            if attr == "href" and url.startswith("#") and len(url) > 1:
                if unquote(url[1:]) not in ids:
                    problems.append(f"{element.tag} {attr}={url!r}: no such anchor in the page")
                continue
            if not _is_local(url):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{element.tag} {attr}={url!r}: {target} does not exist")
                continue
            try:
                target.relative_to(html_dir.resolve())
            except ValueError:
                problems.append(f"{element.tag} {attr}={url!r} points outside the book")
                continue
            if parts.fragment and target.suffix == ".html" and "_static" not in target.parts:
                if unquote(parts.fragment) not in _ids_of(target):
                    problems.append(f"{element.tag} {attr}={url!r}: no such anchor")
    return problems


def check_alt_text(tree: Element) -> list[str]:
    """Every figure a page's cells drew says in its alt text what it shows (any page)."""
    problems = []
    for img in tree.find_all("img"):
        if "_images/" not in img.attrs.get("src", ""):
            continue
        alt = (img.attrs.get("alt") or "").strip()
        if not alt or "_images/" in alt or alt.lower().endswith((".png", ".svg", ".jpg")):
            problems.append(f"a figure has no alt text saying what it shows: {img.attrs['src']}")
    return problems


def solution_cells(tree: Element) -> list[Element]:
    return tree.find_all("div", "cell", "tag_solution")


def check_chapter(page: Path, tree: Element, notebook: Path | None) -> tuple[list[str], list[str]]:
    """Figures, outputs and closed solution toggles on one chapter page; (problems, warnings)."""
    problems, warnings = [], []
    images = [img for img in tree.find_all("img") if "_images/" in img.attrs.get("src", "")]
    executed = page.parents[2] / "jupyter_execute" / "notebooks" / f"{page.stem}.ipynb"
    if executed.exists():
        # the figures the executed notebook made must all be on the page
        expected = sum(
            1
            for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]
            for output in cell.get("outputs", [])
            if any(k.startswith("image/") for k in output.get("data", {}))
        )
        if len(images) < expected:
            problems.append(f"{len(images)} figure(s) on the page, the notebook made {expected}")
        elif not images:
            warnings.append("no figures: this chapter draws no plot")
    elif not images:
        problems.append("no figures (no <img> from _images/)")
    outputs = tree.find_all("div", "cell_output")
    if not outputs:
        problems.append("no executed outputs (no div.cell_output)")
    for output in outputs:
        lines = output.all_text().count("\n")
        if lines > LONG_OUTPUT_LINES:
            first = output.all_text().strip().splitlines()[0][:60]
            warnings.append(f"an output of {lines} lines (starts {first!r})")
    hidden_inputs = tree.find_all("div", "cell", "tag_hide-input")
    for cell in hidden_inputs:
        details = [d for d in cell.find_all("details") if {"hide", "above-input"} <= d.classes]
        if not details:
            problems.append("a hide-input cell has no <details class='hide above-input'> toggle")
            continue
        if "open" in details[0].attrs:
            problems.append("a hide-input toggle is open in the HTML")
        summary = details[0].find_all("summary")
        if not summary or "Show code cell source" not in summary[0].all_text():
            problems.append("a hide-input toggle has no 'Show code cell source' label")
        if not any(d is details[0] for d in _ancestors_of_inputs(cell)):
            problems.append("a hide-input cell's code is not inside its toggle")
    for cell in tree.find_all("div", "cell", "tag_hide-output"):
        toggles = [d for d in cell.find_all("details") if "hide" in d.classes]
        if not toggles:
            problems.append("a hide-output cell has no <details class='hide ...'> toggle")
        elif any("open" in d.attrs for d in toggles):
            problems.append("a hide-output toggle is open in the HTML")
    for output in outputs:  # a check's verdict gives the answer away: only behind a toggle
        if "✔ Correct" in output.all_text() and not any(
            d.tag == "details" and "hide" in d.classes and "open" not in d.attrs
            for d in output.ancestors()
        ):
            problems.append(f"a verdict is visible without a click: {output.all_text()[:60]!r}")
    for box in tree.find_all("div", "selfcheck-result"):
        if box.all_text().strip():
            problems.append(f"a self-check shows a verdict unasked: {box.all_text()[:60]!r}")
    solutions = solution_cells(tree)
    not_hidden = [c for c in solutions if "tag_hide-input" not in c.classes]
    if not_hidden:
        problems.append(f"{len(not_hidden)} solution cell(s) not tagged hide-input")
    if notebook is not None and notebook.exists():
        expected = sum(
            1
            for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if "solution" in cell.get("metadata", {}).get("tags", [])
        )
        if expected != len(solutions):
            problems.append(
                f"{notebook.name} has {expected} solution cell(s), the page shows {len(solutions)}"
            )
    return problems, warnings


def _ancestors_of_inputs(cell: Element) -> Iterator[Element]:
    for code in cell.find_all("div", "cell_input"):
        yield from code.ancestors()
