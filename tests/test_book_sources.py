"""The book reads its pages and nothing else: the environments `make` creates stay out of it.

`make test-colab` creates `.venv-colab` inside the checkout before `make book` runs in CI, and
the packages in it carry Markdown files; Sphinx would read them as pages, and `-W` then fails
on "document isn't included in any toctree".
"""

import json
import os
import re
from pathlib import Path

import yaml
from sphinx.util.matching import get_matching_files

ROOT = Path(__file__).resolve().parents[1]


def _environments() -> list[str]:
    """Every virtual environment the Makefile creates, e.g. ['.venv', '.venv-colab']."""
    makefile = (ROOT / "Makefile").read_text()
    return re.findall(r"^\w*VENV \?= (\S+)", makefile, flags=re.MULTILINE)


def test_the_makefile_names_its_environments():
    assert {".venv", ".venv-colab"} <= set(_environments())


def test_no_page_is_read_from_an_environment(tmp_path):
    for env in _environments():
        readme = tmp_path / env / "lib" / "python3.11" / "site-packages" / "pkg" / "README.md"
        readme.parent.mkdir(parents=True)
        readme.write_text("# a package's readme\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# The book\n")
    excluded = yaml.safe_load((ROOT / "_config.yml").read_text())["exclude_patterns"]

    found = sorted(
        get_matching_files(tmp_path, include_patterns=["**.md"], exclude_patterns=excluded)
    )

    assert found == ["book/intro.md"]


def _toc_files() -> list[str]:
    """The pages of _toc.yml in reading order, root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_setup_comes_before_the_chapters_and_the_environment_reference_after_them():
    order = _toc_files()
    chapters = [i for i, page in enumerate(order) if page.startswith("notebooks/")]
    assert order.index("book/how-to-use") < chapters[0], order
    assert order.index("book/environment") > chapters[-1], order


def _markdown_sources() -> dict[str, str]:
    """The Markdown of every page: book/*.md, and the markdown cells of the chapters."""
    sources = {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "book").glob("*.md")}
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        sources[str(path.relative_to(ROOT))] = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    return sources


def test_every_ref_names_a_label_of_the_book():
    """A section that moves to another page keeps its label, so {ref} links still resolve."""
    sources = _markdown_sources()
    labels = {m for text in sources.values() for m in re.findall(r"^\(([\w-]+)\)=$", text, re.M)}
    for name, text in sources.items():
        for target in re.findall(r"\{ref\}`(?:[^`<]*<)?([\w-]+)>?`", text):
            assert target in labels, f"{name} links to a label no page has: {target}"


def test_every_doc_link_names_a_page_of_the_book():
    pages = set(_toc_files())
    for name, text in _markdown_sources().items():
        folder = Path(name).parent
        for target in re.findall(r"\{doc\}`(?:[^`<]*<)?([^`<>]+)>?`", text):
            page = os.path.normpath(folder / target)
            assert page in pages, f"{name} links to a page not in _toc.yml: {target}"
