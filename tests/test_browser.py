"""The rendered book, as a reader's browser shows it (the checker is tests/browser/).

The checks on the built book run only when ``_build/html`` exists (``make book``); the browser
part only when Chromium is installed (``apt-get install chromium``). A small fake book built here
tests the checker itself, so it cannot pass by finding nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from . import browser as bc

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

needs_book = pytest.mark.skipif(
    not (HTML / "index.html").exists(),
    reason="no built book in _build/html: run `make book` first (CI runs this after it)",
)
needs_chromium = pytest.mark.skipif(
    bc.find_chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install -y chromium)",
)

_SOLUTION = """
<div class="cell tag_solution tag_hide-input docutils container">
<details class="admonition hide above-input"{open}>
<summary aria-label="Toggle hidden content">
<p class="collapsed admonition-title">Show code cell source</p>
<p class="expanded admonition-title">Hide code cell source</p>
</summary>
<div class="cell_input docutils container"><pre>answer = 42</pre></div>
</details>
</div>"""


def _fake_book(tmp_path: Path, *, body: str, open_toggle: bool = False) -> Path:
    html = tmp_path / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / "_images").mkdir()
    (html / "_images" / "fig.png").write_bytes(b"\x89PNG")
    (html / "index.html").write_text(
        "<html><body><a href='notebooks/01_x.html#sec'>ch</a></body></html>"
    )
    solution = _SOLUTION.format(open=" open" if open_toggle else "")
    (html / "notebooks" / "01_x.html").write_text(
        f"<html><body><section id='sec'>{body}{solution}</section></body></html>"
    )
    return html


GOOD = (
    "<div class='cell docutils container'><div class='cell_output docutils container'>"
    "<img src='../_images/fig.png' alt='A line chart of the loss falling over 5 epochs'></div>"
    "</div><a href='#sec'>top</a><a href='../index.html'>i</a>"
)


def test_checker_passes_a_good_page(tmp_path):
    report = bc.check_book(_fake_book(tmp_path, body=GOOD))
    assert report.problems == {}, report.render()
    assert report.checked == ["index.html", "notebooks/01_x.html"]


def test_checker_finds_broken_links_missing_outputs_and_open_solutions(tmp_path):
    body = "<img src='../missing.png'><a href='../nowhere.html'>x</a><a href='#nope'>y</a>"
    report = bc.check_book(_fake_book(tmp_path, body=body, open_toggle=True))
    found = "\n".join(report.problems["notebooks/01_x.html"])
    assert "missing.png" in found and "nowhere.html" in found and "'#nope'" in found
    assert "no figures" in found and "no executed outputs" in found
    assert "toggle is open" in found


def test_checker_counts_solutions_against_the_notebook(tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    cell = {"cell_type": "code", "metadata": {"tags": ["solution", "hide-input"]}, "source": ""}
    (notebooks / "01_x.ipynb").write_text(__import__("json").dumps({"cells": [cell, cell]}))
    report = bc.check_book(_fake_book(tmp_path, body=GOOD), notebooks=notebooks)
    assert "has 2 solution cell(s), the page shows 1" in "\n".join(
        report.problems["notebooks/01_x.html"]
    )


@needs_book
def test_built_book_links_figures_outputs_and_toggles():
    report = bc.check_book(HTML, notebooks=ROOT / "notebooks")
    assert report.problems == {}, report.render()


@needs_book
@needs_chromium
def test_built_book_in_chromium():
    report = bc.check_book(
        HTML,
        chromium=bc.find_chromium(),
        screenshots=ROOT / "_build" / "screenshots",
        notebooks=ROOT / "notebooks",
    )
    print(report.render())
    assert report.problems == {}, report.render()
    assert report.screenshots and all(p.stat().st_size > 10_000 for p in report.screenshots)


def test_checker_finds_figures_without_alt_text(tmp_path):
    for img in ("<img src='../_images/fig.png'>", "<img src='../_images/fig.png' alt='x.png'>"):
        body = GOOD.replace(GOOD[GOOD.index("<img") : GOOD.index("</div>")], img)
        report = bc.check_book(_fake_book(tmp_path / str(len(img)), body=body))
        assert "no alt text" in "\n".join(report.problems["notebooks/01_x.html"])


def _selfcheck_book(tmp_path, *, script: bool) -> Path:
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import selfcheck

    widget = selfcheck.widget_html(selfcheck.table("ch02.q1"), "../index.html")
    tag = "<script src='../_static/selfcheck.js'></script>" if script else ""
    html = _fake_book(tmp_path, body=GOOD + widget + tag)
    (html / "_static").mkdir()
    shutil.copy(ROOT / "_static" / "selfcheck.js", html / "_static" / "selfcheck.js")
    return html


@needs_chromium
def test_checker_types_answers_into_the_self_checks(tmp_path):
    report = bc.check_book(_selfcheck_book(tmp_path, script=True), chromium=bc.find_chromium())
    found = "\n".join(report.problems.get("notebooks/01_x.html", []))
    assert "self-check" not in found, found
    outcomes = sorted(t["outcome"] for t in report.tried)
    assert outcomes == ["correct", "correct", "incorrect"], report.tried
    wrong = next(t for t in report.tried if t["outcome"] == "incorrect")
    assert wrong["says"] in wrong["text"]


@needs_chromium
def test_checker_finds_a_self_check_that_does_not_answer(tmp_path):
    report = bc.check_book(_selfcheck_book(tmp_path, script=False), chromium=bc.find_chromium())
    found = "\n".join(report.problems["notebooks/01_x.html"])
    assert "self-check ch02.q1 answered" in found


def test_alt_text_is_checked_on_every_page_not_only_chapters():
    from tests.browser.pages import check_alt_text, parse_html

    tree, _ = parse_html(
        "<html><body><img src='../_images/a.png' alt='../_images/a.png'></body></html>"
    )
    assert "no alt text" in " ".join(check_alt_text(tree))
    tree, _ = parse_html(
        "<html><body><img src='../_images/a.png' alt='Bars of seconds per chapter'>"
        "<img src='../_static/logo.png'></body></html>"
    )
    assert check_alt_text(tree) == []
