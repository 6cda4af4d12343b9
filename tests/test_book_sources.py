"""The book reads its pages and nothing else: the environments `make` creates stay out of it.

`make test-colab` creates `.venv-colab` inside the checkout before `make book` runs in CI, and
the packages in it carry Markdown files; Sphinx would read them as pages, and `-W` then fails
on "document isn't included in any toctree".
"""

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
