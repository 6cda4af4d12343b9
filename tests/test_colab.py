"""The Colab route: the install cell, the one repository setting, and what the book links to.

The install cell is run here with pip, the file picker and "is labsupport installed?" replaced,
in a folder that plays Colab's working directory. The two builds at the end render the book
(without executing it) from a copy of the checkout: once with an example address given only
through the environment, once with none.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml

from scripts import colab

ROOT = Path(__file__).resolve().parents[1]

EXAMPLE = "https://github.com/example-org/timedistributed-lab-book"
WHEEL = colab.wheel_name()


# ----------------------------------------------------------------------------- the setting


def _config(tmp_path: Path, url: str = "", branch: str = "main") -> Path:
    path = tmp_path / "_config.yml"
    path.write_text(yaml.safe_dump({"title": "t", "repository": {"url": url, "branch": branch}}))
    return path


def test_no_address_means_no_links(tmp_path):
    setting = colab.read_setting(_config(tmp_path), environ={})
    assert setting.url is None and setting.git_source is None
    assert setting.colab_link("01_one_to_one_echo.ipynb") is None


def test_environment_overrides_the_config(tmp_path):
    environ = {"BOOK_REPOSITORY_URL": EXAMPLE + ".git/", "BOOK_REPOSITORY_BRANCH": "book"}
    setting = colab.read_setting(_config(tmp_path, "https://github.com/a/b"), environ=environ)
    assert setting.url == EXAMPLE and setting.branch == "book"
    assert setting.colab_link("x.ipynb") == (
        "https://colab.research.google.com/github/example-org/timedistributed-lab-book"
        "/blob/book/notebooks/x.ipynb"
    )
    assert setting.git_source == f"{EXAMPLE}@book"


def test_an_empty_environment_value_turns_the_address_off(tmp_path):
    config = _config(tmp_path, "https://github.com/a/b")
    assert colab.read_setting(config, environ={"BOOK_REPOSITORY_URL": ""}).url is None


@pytest.mark.parametrize(
    "url", ["github.com/a/b", "https://gitlab.com/a/b", "https://github.com/a", "ftp://x/y"]
)
def test_addresses_colab_cannot_open_are_refused(tmp_path, url):
    with pytest.raises(colab.SettingError, match="GitHub"):
        colab.read_setting(_config(tmp_path, url), environ={})


def test_book_config_without_address_has_no_repository_and_no_launch_service():
    base = yaml.safe_load((ROOT / "_config.yml").read_text())
    config = colab.book_config(colab.Setting(None, "main"), base)
    assert "repository" not in config  # an empty url makes Jupyter Book fail
    assert not any(config["launch_buttons"][k] for k in ("colab_url", "binderhub_url"))
    folder = Path(config["sphinx"]["local_extensions"]["launch_notebooks_only"])
    assert folder.is_absolute() and (folder / "launch_notebooks_only.py").exists()


def test_book_config_with_address_turns_colab_on():
    base = yaml.safe_load((ROOT / "_config.yml").read_text())
    config = colab.book_config(colab.Setting(EXAMPLE, "main"), base)
    assert config["repository"] == {"url": EXAMPLE, "branch": "main", "path_to_book": ""}
    assert config["launch_buttons"]["colab_url"] == colab.COLAB


def test_wheel_name_follows_pyproject():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert WHEEL == f"labsupport-{version}-py3-none-any.whl"


def test_how_to_use_offers_the_wheel_by_its_current_name():
    page = (ROOT / "book" / "how-to-use.md").read_text()
    assert f"(downloads/{WHEEL})" in page
    offered = set(re.findall(r"labsupport-[\w.]+-py3-none-any\.whl", page))
    assert offered == {WHEEL}


def test_notebooks_agree_with_the_setting():
    """What `scripts/colab.py notebooks` would write is what the chapters hold."""
    setting = colab.read_setting()
    for path in colab.chapters():
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[1].source == colab.stored_install_cell(setting, WHEEL), path.name
        assert nb.cells[2].source == colab.setup_note(setting, path.name, WHEEL), path.name


def test_the_script_writes_links_and_git_source_for_an_address(tmp_path):
    chapter = tmp_path / "01_one_to_one_echo.ipynb"
    shutil.copy(ROOT / "notebooks" / chapter.name, chapter)
    setting = colab.Setting(EXAMPLE, "main")
    assert colab.write_notebooks(setting, [chapter]) == [chapter]
    nb = nbformat.read(chapter, as_version=4)
    assert f'REPOSITORY = "{EXAMPLE}@main"' in nb.cells[1].source
    assert setting.colab_link(chapter.name) in nb.cells[2].source
    assert colab.write_notebooks(setting, [chapter]) == []  # a second run changes nothing


def test_a_readers_copy_gets_the_whole_install_cell_once(tmp_path):
    setting = colab.Setting(None, "main")
    chapter = tmp_path / "01_one_to_one_echo.ipynb"
    shutil.copy(ROOT / "notebooks" / chapter.name, chapter)
    assert colab.write_notebooks(setting, [chapter]) == []  # the stored chapter: the marker
    assert nbformat.read(chapter, as_version=4).cells[1].source == colab.MARKER
    assert colab.write_copies([tmp_path], setting) == [chapter]
    copied = nbformat.read(chapter, as_version=4)
    assert copied.cells[1].source == colab.install_cell(setting, WHEEL)
    assert colab.write_copies([tmp_path], setting) == []  # a second run changes nothing


def test_a_cell_that_is_not_the_marker_is_left_alone():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 1. T"), nbformat.v4.new_code_cell("x = 1")]
    assert not colab.reader_copy(nb, colab.Setting(None, "main"), WHEEL)
    assert nb.cells[1].source == "x = 1"


def test_the_copies_command_refuses_a_missing_folder(tmp_path, capsys):
    assert colab.main(["copies", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_the_marker_says_what_it_stands_for():
    assert colab.MARKER.startswith('__import__("labsupport")  #')
    assert len(colab.MARKER) <= 100 and "\n" not in colab.MARKER


# ------------------------------------------------------------------------ the install cell


class Pip:
    """Stands in for ``subprocess.run``: records what pip was asked to install."""

    def __init__(self, returncode: int = 0):
        self.calls: list[list[str]] = []
        self.returncode = returncode

    def __call__(self, args, **kwargs):
        self.calls.append(list(args))
        if self.returncode == 0:
            wheel = args[-1]
            if wheel.endswith(".whl"):
                assert " (" not in wheel and Path(wheel).exists(), wheel
        return subprocess.CompletedProcess(args, self.returncode, "", "ERROR: no such file")

    @property
    def source(self) -> str:
        (call,) = self.calls
        assert call[1:6] == ["-m", "pip", "install", "-q", "--no-deps"]
        return call[-1]


@pytest.fixture
def cell_env(tmp_path, monkeypatch):
    """Colab's working directory, labsupport missing, pip recorded."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABSUPPORT_SOURCE", raising=False)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "labsupport" else real_find_spec(name, *a),
    )
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.1.0")
    monkeypatch.setitem(sys.modules, "google", None)  # not in Colab unless a test says so
    monkeypatch.setitem(sys.modules, "google.colab", None)
    pip = Pip()
    monkeypatch.setattr(subprocess, "run", pip)
    return pip


NO_ADDRESS = colab.Setting(None, "main")


def run_cell(setting: colab.Setting = NO_ADDRESS) -> None:
    exec(compile(colab.install_cell(setting, WHEEL), "install-cell", "exec"), {})


def test_cell_leaves_an_installed_labsupport_alone(capsys, monkeypatch):
    pip = Pip()
    monkeypatch.setattr(subprocess, "run", pip)
    run_cell()
    assert pip.calls == []
    assert capsys.readouterr().out.strip() == "labsupport is already installed."


def test_cell_uses_labsupport_source_first(cell_env, monkeypatch, capsys):
    (Path.cwd() / WHEEL).write_text("uploaded")
    monkeypatch.setenv("LABSUPPORT_SOURCE", "/somewhere/checkout")
    run_cell(colab.Setting(EXAMPLE, "main"))
    assert cell_env.source == "/somewhere/checkout"
    assert "Installed labsupport 0.1.0 from checkout." in capsys.readouterr().out


def test_cell_installs_an_uploaded_wheel(cell_env, capsys):
    (Path.cwd() / WHEEL).write_text("uploaded")
    run_cell(colab.Setting(EXAMPLE, "main"))
    assert Path(cell_env.source).name == WHEEL
    assert f"from {WHEEL}." in capsys.readouterr().out


def test_cell_renames_colabs_second_upload_so_pip_accepts_it(cell_env):
    older = Path.cwd() / WHEEL
    older.write_text("first upload")
    newer = Path.cwd() / WHEEL.replace(".whl", " (1).whl")
    newer.write_text("second upload")
    os.utime(older, (1, 1))
    run_cell()
    installed = Path(cell_env.source)
    assert installed.name == WHEEL and installed.read_text() == "second upload"


def test_cell_installs_from_the_repository_when_nothing_was_uploaded(cell_env, capsys):
    run_cell(colab.Setting(EXAMPLE, "main"))
    assert cell_env.source == f"git+{EXAMPLE}@main"
    assert f"from git+{EXAMPLE}@main." in capsys.readouterr().out


def test_cell_asks_for_the_wheel_in_colab(cell_env, monkeypatch, capsys):
    def upload():
        (Path.cwd() / WHEEL.replace(".whl", " (2).whl")).write_text("picked")
        return {}

    google = types.ModuleType("google")
    google.colab = types.SimpleNamespace(files=types.SimpleNamespace(upload=upload))
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    run_cell()
    assert Path(cell_env.source).read_text() == "picked"
    printed = capsys.readouterr().out
    assert f"Pick {WHEEL}" in printed and "'How to use' page" in printed


def test_cell_outside_colab_with_nothing_says_what_to_do(cell_env):
    with pytest.raises(ModuleNotFoundError, match="LABSUPPORT_SOURCE") as raised:
        run_cell()
    assert WHEEL in str(raised.value) and cell_env.calls == []


def test_cell_reports_a_pip_failure(tmp_path, monkeypatch, cell_env):
    failing = Pip(returncode=1)
    monkeypatch.setattr(subprocess, "run", failing)
    monkeypatch.setenv("LABSUPPORT_SOURCE", "not-a-package")
    with pytest.raises(RuntimeError, match="could not install labsupport from not-a-package"):
        run_cell()


# ----------------------------------------------------------------------------- the builds


def _build(tmp_path: Path, environ: dict[str, str]) -> Path:
    """Render the book from a copy of the checkout, without executing it; returns the HTML."""
    copy = tmp_path / "book-copy"
    ignore = shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints", "downloads")
    for name in ("notebooks", "book", "_static", "scripts", "student"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("_config.yml", "_toc.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    (copy / "book" / "downloads").mkdir()
    (copy / "book" / "downloads" / WHEEL).write_text("a stand-in for the wheel")
    env = {**os.environ, **environ}
    python = sys.executable
    subprocess.run([python, "scripts/colab.py", "notebooks"], cwd=copy, env=env, check=True)
    config = copy / "_build" / "_config.yml"
    subprocess.run([python, "scripts/colab.py", "config", config], cwd=copy, env=env, check=True)
    settings = yaml.safe_load(config.read_text())
    settings["execute"]["execute_notebooks"] = "off"
    config.write_text(yaml.safe_dump(settings))
    book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [str(book), "build", str(copy), "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    sources = copy / "_build" / "html" / "_sources" / "notebooks"
    subprocess.run([python, "scripts/colab.py", "copies", sources], cwd=copy, env=env, check=True)
    return copy


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    environ = {"BOOK_REPOSITORY_URL": EXAMPLE, "BOOK_REPOSITORY_BRANCH": "main"}
    return _build(tmp_path_factory.mktemp("address"), environ)


def test_every_colab_link_opens_a_chapter_that_exists(example_build):
    html = example_build / "_build" / "html"
    prefix = (
        "https://colab.research.google.com/github/example-org/timedistributed-lab-book/blob/main/"
    )
    chapters = sorted(p.stem for p in (example_build / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    for page in html.rglob("*.html"):
        links = set(
            re.findall(r'href="(https://colab\.research\.google\.com[^"]*)"', page.read_text())
        )
        for link in links:
            assert link.startswith(prefix), link
            assert (example_build / link.removeprefix(prefix)).is_file(), link
        if page.parent.name == "notebooks" and page.stem in chapters:
            assert links == {prefix + f"notebooks/{page.stem}.ipynb"}, page.name
        else:
            assert not links, f"{page.relative_to(html)} links to Colab"
    for stem in chapters:
        nb = nbformat.read(example_build / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert f'REPOSITORY = "{EXAMPLE}@main"' in nb.cells[1].source
        assert prefix + f"notebooks/{stem}.ipynb" in nb.cells[2].source


def test_without_an_address_no_launch_button_and_no_address(tmp_path):
    copy = _build(tmp_path, {"BOOK_REPOSITORY_URL": ""})
    html = copy / "_build" / "html"
    for page in html.rglob("*.html"):
        text = page.read_text()
        assert "colab.research.google.com" not in text, page.name
        assert "launch-buttons" not in text, page.name
        assert "github.com/" not in text.replace("github.com/executablebooks", ""), page.name
        assert "executablebooks/jupyter-book" not in text, page.name
    chapter = next((html / "notebooks").glob("01_*.html")).read_text()
    assert f"{WHEEL}" in chapter and "_downloads/" in chapter
    # the chapter keeps the marker; the copy a reader downloads has the whole install cell
    stored = nbformat.read(next((copy / "notebooks").glob("01_*.ipynb")), as_version=4)
    assert stored.cells[1].source == colab.MARKER
    download = next((html / "_sources" / "notebooks").glob("01_*.ipynb"))
    offered = nbformat.read(download, as_version=4)
    assert offered.cells[1].source == colab.install_cell(colab.Setting(None, "main"), WHEEL)


def test_install_cell_is_a_collapsed_colab_form():
    first = colab.install_cell(colab.Setting(None, "main"), WHEEL).splitlines()[0]
    assert first.startswith("# @title ") and '{ display-mode: "form" }' in first
