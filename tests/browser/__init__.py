"""Open every page of the built book in headless Chromium and check what a reader would see.

Usage::

    python -m tests.browser [--html _build/html] [--screenshots _build/screenshots]

Checks, on the files (no browser needed):

* every local ``href`` and ``src`` (links, images, scripts, style sheets) points at a file that
  exists, and every ``#anchor`` into a page of the book exists in that page;
* every chapter page (``notebooks/*.html``) has its figures (one ``img`` from ``_images/`` for
  each image the executed notebook in ``_build/jupyter_execute`` made; at least one when that
  is missing) and executed outputs (``div.cell_output``), and each solution cell
  (``div.cell.tag_solution``, tagged ``hide-input``) is wrapped in MyST-NB's toggle,
  ``<details class="hide above-input">``, closed; when the chapter's notebook is found beside
  the book, the number of solution toggles equals the
  number of cells tagged ``solution`` in it.

Then, in the browser (``chromium --headless``, against a local ``http.server`` on 127.0.0.1):

* the DOM after JavaScript ran (``--dump-dom``) still has every solution toggle closed, and the
  solution's code has no layout box (the reader cannot see it until they click); clicking the
  toggle shows it;
* pages that scroll sideways and wide blocks are reported as warnings;
* a screenshot of every page is saved (``--window-size=1280,2400``).

Exits with status 1 and a list of problems if any check fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .chromium import Server, find_chromium, probe, screenshot
from .pages import check_alt_text, check_chapter, check_links, pages, parse_html, solution_cells

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "Report", "check_book", "find_chromium", "main"]


@dataclass
class Report:
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    tried: list[dict] = field(default_factory=list)

    def add(self, page: str, problems: list[str], warnings: list[str] = ()) -> None:
        if problems:
            self.problems.setdefault(page, []).extend(problems)
        if warnings:
            self.warnings.setdefault(page, []).extend(warnings)

    def render(self) -> str:
        lines = [
            f"checked {len(self.checked)} page(s); {len(self.screenshots)} screenshot(s); "
            f"{len(self.tried)} answer(s) typed into self-checks"
        ]
        for title, items in (("PROBLEM", self.problems), ("warning", self.warnings)):
            for page, found in sorted(items.items()):
                lines += [f"{title} {page}: {item}" for item in found]
        return "\n".join(lines)


def _variant(text: str) -> str:
    """The same answer as a learner might type it: 1,600 for 1600, [None, 5] for (None, 5)."""
    if text.startswith("("):
        return "[" + text[1:-1].rstrip(",") + "]"
    return f"{int(text):,}" if int(text) >= 1000 else f" {text} "


def selfcheck_tries(tree) -> list[dict]:
    """What to type into each self-check of a page, and what it must answer: the right answers
    (as written, and as a learner might write them), a mistake the checker names, and a wrong
    answer it does not know. The expectations come from the exercise's Python checker."""
    import json as _json

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import selfcheck

    tries = []
    for box in tree.find_all("div", "selfcheck"):
        name = _json.loads(box.attrs["data-selfcheck"])["exercise"]
        known = selfcheck.examples(name)
        if known is None:
            continue
        right = known["right"]
        tries.append({"exercise": name, "values": right, "expect": "correct"})
        variant = [_variant(v) for v in right]
        tries.append({"exercise": name, "values": variant, "expect": "correct"})
        if known["wrong"]:
            field, answer, message = known["wrong"][0]
            values = list(right)
            values[field] = answer
            tries.append(
                {"exercise": name, "values": values, "expect": "incorrect", "says": message[:60]}
            )
    return tries


def check_book(
    html_dir: Path,
    *,
    chromium: str | None = None,
    screenshots: Path | None = None,
    notebooks: Path | None = None,
) -> Report:
    """Run every check on the book in ``html_dir``; the browser part only when ``chromium``."""
    report = Report()
    html_dir = html_dir.resolve()
    all_pages = pages(html_dir)
    chapters = [p for p in all_pages if p.parent.name == "notebooks"]
    if not chapters:
        report.add("(book)", ["no chapter pages (notebooks/*.html)"])
    for page in all_pages:
        rel = page.relative_to(html_dir).as_posix()
        report.checked.append(rel)
        tree, ids = parse_html(page.read_text(encoding="utf-8", errors="replace"))
        report.add(rel, check_links(page, html_dir, tree, ids))
        report.add(rel, check_alt_text(tree))
        if page in chapters:
            notebook = notebooks / f"{page.stem}.ipynb" if notebooks else None
            report.add(rel, *check_chapter(page, tree, notebook))
    if chromium is None:
        return report
    with tempfile.TemporaryDirectory(prefix="browser-check-") as profile, Server(html_dir) as srv:
        for page in all_pages:
            rel = page.relative_to(html_dir).as_posix()
            if rel in ("genindex.html", "search.html"):
                continue  # theme pages with no content of ours
            tries = []
            if page in chapters:
                tries = selfcheck_tries(parse_html(page.read_text(encoding="utf-8"))[0])
            try:
                result = probe(chromium, profile, srv.url, rel, tries)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                report.add(rel, [f"browser: {exc}"])
                continue
            if not result.get("ok"):
                report.add(rel, [f"browser: {result.get('error')}"])
                continue
            problems, warnings = [], []
            if not result["themeRan"]:
                problems.append("the theme's JavaScript did not run (no data-theme on <html>)")
            dom, _ = parse_html(result["dom"])
            dom_solutions = solution_cells(dom)
            for i, (cell, seen) in enumerate(
                zip(dom_solutions, result["solutions"], strict=False), 1
            ):
                details = cell.find_all("details")
                if not details or "open" in details[0].attrs or seen["open"]:
                    problems.append(f"solution {i} is open after JavaScript ran")
                if seen["visible"]:
                    problems.append(f"solution {i}'s code is visible before a click")
                if seen["visibleWhenOpened"] is False:
                    problems.append(f"solution {i}'s code stays hidden when its toggle is opened")
            for box in result.get("selfchecks", []):
                if box["before"].strip():
                    problems.append(f"self-check {box['exercise']} shows a verdict unasked")
                if not box["inputShown"]:
                    problems.append(f"self-check {box['exercise']} has no visible input")
            for t in result.get("tried", []):
                typed = ", ".join(t["values"])
                if not t.get("found"):
                    problems.append(f"self-check {t['exercise']} is not on the page")
                elif t["outcome"] != t["expect"] or not t.get("shown"):
                    problems.append(
                        f"self-check {t['exercise']} answered {typed!r} with {t['outcome']!r} "
                        f"({t['text'][:80]!r}); its Python check says {t['expect']}"
                    )
                elif t.get("says") and t["says"] not in t["text"]:
                    problems.append(
                        f"self-check {t['exercise']} answered {typed!r} without the checker's "
                        f"advice {t['says']!r}: {t['text'][:80]!r}"
                    )
            report.tried += result.get("tried", [])
            if len(dom_solutions) != len(result["solutions"]):
                problems.append("the DOM and the layout disagree on the solution cells")
            if result["pageWidth"] > result["viewWidth"] + 4:
                warnings.append(
                    f"the page scrolls sideways: {result['pageWidth']} px in a "
                    f"{result['viewWidth']} px window"
                )
            wide_code = [w for w in result["wide"] if w.startswith("code ")]
            if wide_code:
                warnings.append(
                    f"{len(wide_code)} code cell(s) scroll sideways, e.g. {wide_code[0]}"
                )
            warnings += [f"wide block scrolls: {w}" for w in result["wide"] if w not in wide_code]
            report.add(rel, problems, warnings)
            if screenshots is not None:
                out = screenshots / (rel[: -len(".html")].replace("/", "__") + ".png")
                try:
                    screenshot(chromium, profile, srv.url + rel, out)
                    report.screenshots.append(out)
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    report.add(rel, [f"screenshot: {exc}"])
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "_build" / "screenshots")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--no-browser", action="store_true", help="only the checks on the files")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").exists():
        print(f"no built book in {args.html}: run `make book` first", file=sys.stderr)
        return 2
    chromium = None if args.no_browser else find_chromium()
    if chromium is None and not args.no_browser:
        print("chromium not found (apt-get install chromium); browser checks skipped")
    report = check_book(
        args.html, chromium=chromium, screenshots=args.screenshots, notebooks=args.notebooks
    )
    print(report.render())
