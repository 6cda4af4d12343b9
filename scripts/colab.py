"""Colab links and the install cell, from the one setting that holds the book's address.

The address lives in ``_config.yml`` (``repository.url`` and ``repository.branch``); the
environment variables ``BOOK_REPOSITORY_URL`` and ``BOOK_REPOSITORY_BRANCH`` override it at build
time. With no address the book offers the labsupport wheel instead, and nothing links anywhere.

    python scripts/colab.py notebooks          # write the install cell and the Setup note
    python scripts/colab.py config OUT.yml     # write the configuration the book is built with
    python scripts/colab.py copies FOLDER...   # give the chapters in FOLDER the install cell

``make book`` runs all three, ``copies`` on the downloadable copies of the built book. The
install cell is ``scripts/install_cell.py`` with the wheel's name and the address filled in.
The chapters in ``notebooks/`` keep a one-line marker in its place (:data:`MARKER`), which
imports labsupport, installed in a checkout of the book (with ``__import__``, so that the
setup cell's own ``import labsupport`` is the one that names it); the copies a reader downloads (the
book's ``.ipynb`` button, the student edition) get the whole cell, since a reader uploads one of
those to Colab. With an address, Colab opens the chapters from the repository itself, so there
the repository's chapters hold the whole cell too.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COLAB = "https://colab.research.google.com"
GITHUB = re.compile(r"^https://github\.com/[A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9._-]+$")
# the book's pages sit one folder down (notebooks/, book/); the wheel is built into book/downloads
DOWNLOADS = "book/downloads"


class SettingError(ValueError):
    """The repository setting cannot be used for Colab links."""


@dataclass(frozen=True)
class Setting:
    """The book's public address (None when it has none) and the branch links point at."""

    url: str | None
    branch: str

    def colab_link(self, notebook: str) -> str | None:
        """Colab's address for a notebook of the book, or None without a repository address."""
        if self.url is None:
            return None
        path = self.url.removeprefix("https://github.com/")
        return f"{COLAB}/github/{path}/blob/{self.branch}/notebooks/{notebook}"

    @property
    def git_source(self) -> str | None:
        return f"{self.url}@{self.branch}" if self.url else None


def read_setting(config: Path = ROOT / "_config.yml", environ=os.environ) -> Setting:
    """The repository setting: ``_config.yml`` first, the environment over it."""
    repository = (yaml.safe_load(config.read_text()) or {}).get("repository") or {}
    url = environ.get("BOOK_REPOSITORY_URL", repository.get("url") or "")
    branch = environ.get("BOOK_REPOSITORY_BRANCH", repository.get("branch") or "main")
    url = (url or "").strip().rstrip("/").removesuffix(".git")
    if not url:
        return Setting(None, branch.strip() or "main")
    if not GITHUB.match(url):
        raise SettingError(
            f"The repository address {url!r} is not a GitHub repository "
            "(https://github.com/OWNER/NAME): Colab opens notebooks from GitHub only."
        )
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", branch.strip()):
        raise SettingError(f"The branch {branch!r} is not a usable branch name.")
    return Setting(url, branch.strip())


def wheel_name(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The file name ``pip wheel`` gives labsupport at the version in pyproject.toml."""
    project = tomllib.loads(pyproject.read_text())["project"]
    return f"{project['name']}-{project['version']}-py3-none-any.whl"


def install_cell(setting: Setting, wheel: str) -> str:
    """The chapters' first code cell: scripts/install_cell.py with the wheel and address."""
    source = (ROOT / "scripts" / "install_cell.py").read_text().rstrip("\n")
    source = re.sub(r'^WHEEL = ".*"$', f'WHEEL = "{wheel}"', source, count=1, flags=re.M)
    address = f'"{setting.git_source}"' if setting.git_source else "None"
    return re.sub(r"^REPOSITORY = None", f"REPOSITORY = {address}", source, count=1, flags=re.M)


MARKER = '__import__("labsupport")  # the book\'s downloadable copies install labsupport here first'
"""Cell 1 of a chapter in ``notebooks/`` when the book has no address."""


def stored_install_cell(setting: Setting, wheel: str) -> str:
    """Cell 1 as ``notebooks/`` keeps it: the marker, or the whole cell when Colab opens the
    chapters from the repository (the book has an address)."""
    return install_cell(setting, wheel) if setting.url is not None else MARKER


def reader_copy(nb: nbformat.NotebookNode, setting: Setting, wheel: str) -> bool:
    """Put the whole install cell into a chapter's copy in place of the marker (in place);
    True when it changed the notebook."""
    if len(nb.cells) < 2 or nb.cells[1].cell_type != "code":
        return False
    if nb.cells[1].source.strip() != MARKER:
        return False
    nb.cells[1].source = install_cell(setting, wheel)
    return True


def write_copies(folders: list[Path], setting: Setting) -> list[Path]:
    """Give every chapter notebook in ``folders`` the whole install cell; returns those changed."""
    wheel = wheel_name()
    changed = []
    for folder in folders:
        for path in sorted(folder.glob("[0-9][0-9]*_*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            if reader_copy(nb, setting, wheel):
                path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
                changed.append(path)
    return changed


def setup_note(setting: Setting, notebook: str, wheel: str) -> str:
    """The Setup heading and the note under it that says how to run the chapter in Colab."""
    wheel_link = f"[{wheel}](../{DOWNLOADS}/{wheel})"
    if setting.url is None:
        how = (
            "upload this notebook (**File → Upload notebook**) and run all; the first cell asks "
            f"for the helper package's wheel, {wheel_link}"
        )
    else:
        how = (
            f"[open this chapter in Colab]({setting.colab_link(notebook)}) and run all; the "
            "first cell installs the helper package from the book's repository (or from its "
            f"wheel, {wheel_link}, if you upload it)"
        )
    return f"## Setup\n\nIn Colab: {how}. See [How to use this book](../book/how-to-use.md)."


def chapters() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))


def write_notebooks(setting: Setting, paths: list[Path] | None = None) -> list[Path]:
    """Write cell 1 (:func:`stored_install_cell`) and the Setup note (cell 2); returns the
    changed files."""
    wheel = wheel_name()
    changed = []
    for path in paths if paths is not None else chapters():
        nb = nbformat.read(path, as_version=4)
        install, setup = nb.cells[1], nb.cells[2]
        if install.cell_type != "code" or not setup.source.startswith("## Setup"):
            raise SettingError(f"{path.name}: cell 1 must be the install cell, cell 2 '## Setup'")
        new_install = stored_install_cell(setting, wheel)
        new_setup = setup_note(setting, path.name, wheel)
        if (install.source, setup.source) == (new_install, new_setup):
            continue
        install.source, setup.source = new_install, new_setup
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        changed.append(path)
    return changed


def book_config(setting: Setting, base: dict) -> dict:
    """The Jupyter Book configuration with the repository and launch buttons set, or removed.

    Jupyter Book fills in its own repository when ``repository.url`` is absent and fails on an
    empty one, so without an address the section goes and every launch service stays off.
    """
    config = copy.deepcopy(base)
    config.pop("repository", None)
    # the configuration is written elsewhere (under _build/): keep the local extensions found
    extensions = (config.get("sphinx") or {}).get("local_extensions") or {}
    for name, folder in extensions.items():
        extensions[name] = str((ROOT / folder).resolve())
    launch = dict(config.get("launch_buttons") or {})
    for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url"):
        launch[key] = ""
    launch["thebe"] = False
    if setting.url is not None:
        config["repository"] = {"url": setting.url, "branch": setting.branch, "path_to_book": ""}
        launch["colab_url"] = COLAB
    config["launch_buttons"] = launch
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("notebooks", help="write the install cell and the Setup note")
    out = sub.add_parser("config", help="write the book's build configuration")
    out.add_argument("path", type=Path)
    copies = sub.add_parser("copies", help="give the chapters in FOLDER the whole install cell")
    copies.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args(argv)
    try:
        setting = read_setting()
    except SettingError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "notebooks":
        for path in write_notebooks(setting):
            print(f"wrote {path.relative_to(ROOT)}")
    elif args.command == "copies":
        missing = [str(f) for f in args.folders if not f.is_dir()]
        if missing:
            print(f"no such folder: {', '.join(missing)}", file=sys.stderr)
            return 2
        changed = write_copies(args.folders, setting)
        print(f"install cell written into {len(changed)} downloadable chapter(s)")
        return 0
    else:
        base = yaml.safe_load((ROOT / "_config.yml").read_text())
        args.path.parent.mkdir(parents=True, exist_ok=True)
        args.path.write_text(yaml.safe_dump(book_config(setting, base), sort_keys=False))
    where = setting.url or "no public address: the book offers the wheel"
    print(f"Colab: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
