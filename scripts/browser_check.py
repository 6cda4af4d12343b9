"""Open every page of the built book in headless Chromium and check what a reader would see.

Usage::

    python scripts/browser_check.py [--html _build/html] [--screenshots _build/screenshots]

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
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
)
PROBE_PATH = "/__browser_check_probe__.html"
LONG_OUTPUT_LINES = 60


# ------------------------------------------------------------------------------------------
# Static checks: parse the HTML files with html.parser
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# The browser
# ------------------------------------------------------------------------------------------

_PROBE = """<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head>
<body style="margin:0"><iframe id="page" style="width:1280px;height:2400px;border:0"></iframe>
<script>
const frame = document.getElementById("page");
function report(result) {
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}
function hasBox(el) { return !!el && el.getClientRects().length > 0 &&
  (typeof el.checkVisibility !== "function" || el.checkVisibility()); }
frame.onload = () => setTimeout(() => {
  try {
    const d = frame.contentDocument, w = frame.contentWindow;
    const sols = [...d.querySelectorAll("div.cell.tag_solution")].map((cell) => {
      const det = cell.querySelector("details");
      const pre = cell.querySelector(".cell_input pre");
      const before = {open: det ? det.open : null, visible: hasBox(pre)};
      let after = null;
      if (det) { det.open = true; after = hasBox(pre); det.open = false; }
      return {...before, visibleWhenOpened: after};
    });
    const article = d.querySelector("article") || d.body;
    const wide = [...article.querySelectorAll("table, pre, div.output, div.cell_output > div")]
      .filter((e) => e.scrollWidth > e.clientWidth + 4 && e.clientWidth > 0)
      .map((e) => (e.closest(".cell_input") ? "code " : e.closest(".cell_output") ? "output "
        : "") + e.tagName.toLowerCase() + " " + e.scrollWidth + " px in " + e.clientWidth
        + " px: " + JSON.stringify(e.textContent.trim().split("\\n")[0].slice(0, 50)));
    report({ok: true, title: d.title,
            themeRan: d.documentElement.hasAttribute("data-theme"),
            pageWidth: d.documentElement.scrollWidth, viewWidth: w.innerWidth,
            solutions: sols, wide: wide,
            dom: d.documentElement.outerHTML});
  } catch (e) { report({ok: false, error: String(e)}); }
}, 1500);
frame.src = new URLSearchParams(location.search).get("page");
</script></body></html>"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server expects)
        if urlsplit(self.path).path == PROBE_PATH:
            body = _PROBE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


class Server:
    """http.server on 127.0.0.1, a free port, serving the built book in a thread."""

    def __init__(self, html_dir: Path) -> None:
        handler = functools.partial(_Handler, directory=str(html_dir))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).exists() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium(binary: str, profile: str, *args: str, timeout: int = 90) -> str:
    result = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited with {result.returncode}: {result.stderr[-500:]}")
    return result.stdout


def probe(binary: str, profile: str, server_url: str, rel: str) -> dict:
    """The page's DOM after JavaScript ran, and what the browser laid out, via --dump-dom."""
    from urllib.parse import quote

    url = f"{server_url}{PROBE_PATH.lstrip('/')}?page={quote('/' + rel)}"
    dom = _chromium(binary, profile, "--virtual-time-budget=15000", "--dump-dom", url)
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    if not match:
        return {"ok": False, "error": "the probe did not report (page did not load?)"}
    import html as _html

    return json.loads(_html.unescape(match.group(1)))


def screenshot(binary: str, profile: str, url: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    _chromium(
        binary,
        profile,
        f"--screenshot={out}",
        "--window-size=1280,2400",
        "--virtual-time-budget=5000",
        url,
    )
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"no screenshot written to {out}")


# ------------------------------------------------------------------------------------------


@dataclass
class Report:
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def add(self, page: str, problems: list[str], warnings: list[str] = ()) -> None:
        if problems:
            self.problems.setdefault(page, []).extend(problems)
        if warnings:
            self.warnings.setdefault(page, []).extend(warnings)

    def render(self) -> str:
        lines = [f"checked {len(self.checked)} page(s); {len(self.screenshots)} screenshot(s)"]
        for title, items in (("PROBLEM", self.problems), ("warning", self.warnings)):
            for page, found in sorted(items.items()):
                lines += [f"{title} {page}: {item}" for item in found]
        return "\n".join(lines)


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
            try:
                result = probe(chromium, profile, srv.url, rel)
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
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
