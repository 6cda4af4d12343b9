"""The install cell works where labsupport is missing: chapter 1 installs it and runs.

A fresh virtual environment is made without pip and without labsupport, borrowing TensorFlow,
Jupyter and pip from the project's environment through a ``.pth`` file. The ``.pth`` points at
an *overlay*: a folder of symbolic links to everything in the project's site-packages except
labsupport's own files (its ``.dist-info`` and the editable-install hooks). Pointing the ``.pth``
at site-packages itself would hide the labsupport *package* too (``.pth`` files inside a folder
added by a ``.pth`` are not processed, so the editable finder never loads), but labsupport's
``.dist-info`` would stay visible, and pip would then see labsupport as already installed
outside the environment. The overlay keeps the borrowed environment read-only and labsupport
truly absent.

Chapter 1, as a reader downloads it (with the whole install cell in place of the checkout's
one-line marker), then runs in fast mode on a kernel using that environment's Python, with
``LABSUPPORT_SOURCE`` naming a copy of this checkout; its install cell runs
``pip install --no-deps SOURCE`` and says so.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from scripts import colab

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "01_one_to_one_echo.ipynb"
# labsupport's own files in the project environment, left out of the overlay
HIDDEN_PREFIXES = ("labsupport", "__editable__", "__editable___labsupport")


def _run(*args: str, **kwargs) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def bare_env(tmp_path_factory) -> dict[str, Path]:
    """A venv with TensorFlow, Jupyter and pip but no labsupport."""
    base = tmp_path_factory.mktemp("install-cell")
    venv = base / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    _run(base_python, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"

    site = Path(sysconfig.get_paths()["purelib"])  # the project environment's site-packages
    overlay = base / "borrowed-site-packages"
    overlay.mkdir()
    for entry in site.iterdir():
        if entry.suffix == ".pth" or entry.name.lower().startswith(HIDDEN_PREFIXES):
            continue
        (overlay / entry.name).symlink_to(entry)
    new_site = Path(
        _run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    )
    (new_site / "borrowed.pth").write_text(f"{overlay}\n")

    # a copy of the checkout, so pip's in-tree build leaves the real one alone
    source = base / "checkout"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "labsupport", source / "labsupport", ignore=shutil.ignore_patterns("__pycache__")
    )
    return {"base": base, "python": python, "site": new_site, "source": source}


def test_bare_env_has_tensorflow_and_pip_but_not_labsupport(bare_env):
    probe = (
        "import importlib.util as u, importlib.metadata as m, json;"
        "names = ['labsupport', 'tensorflow', 'keras', 'ipykernel', 'pip', 'nbformat'];"
        "found = {n: u.find_spec(n) is not None for n in names};"
        "dists = [d.metadata['Name'] for d in m.distributions()];"
        "found['labsupport-dist'] = any(d and d.lower() == 'labsupport' for d in dists);"
        "print(json.dumps(found))"
    )
    found = json.loads(_run(str(bare_env["python"]), "-c", probe, cwd=bare_env["base"]))
    assert found == {
        "labsupport": False,
        "labsupport-dist": False,
        "tensorflow": True,
        "keras": True,
        "ipykernel": True,
        "pip": True,
        "nbformat": True,
    }


def test_chapter_1_installs_labsupport_and_runs(bare_env, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    kernels = tmp_path / "jupyter" / "kernels" / "bare-venv"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(bare_env["python"]), "-m", "ipykernel_launcher", "-f",
                         "{connection_file}"],
                "display_name": "bare venv (no labsupport)",
                "language": "python",
            }
        )
    )  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("LABSUPPORT_FAST", "1")
    monkeypatch.setenv("LABSUPPORT_SOURCE", str(bare_env["source"]))
    # offline and quick: the build backend (setuptools) comes from the borrowed packages
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.delenv("PYTHONPATH", raising=False)

    # the copy a reader downloads: the chapter's marker becomes the whole install cell
    nb = nbformat.read(CHAPTER, as_version=4)
    assert colab.reader_copy(nb, colab.read_setting(), colab.wheel_name())
    workdir = tmp_path / "run"
    workdir.mkdir()  # not the checkout, where ./labsupport would be importable
    NotebookClient(
        nb,
        timeout=300,
        startup_timeout=600,
        kernel_name="bare-venv",
        resources={"metadata": {"path": str(workdir)}},
    ).execute()

    install = next(c for c in nb.cells if c.cell_type == "code" and "LABSUPPORT_SOURCE" in c.source)
    printed = "".join(o.get("text", "") for o in install.outputs)
    version = importlib.metadata.version("labsupport")
    assert f"Installed labsupport {version} from {bare_env['source'].name}." in printed, printed

    where = _run(
        str(bare_env["python"]),
        "-c",
        "import labsupport; print(labsupport.__file__)",
        cwd=bare_env["base"],
    )
    assert Path(where).is_relative_to(bare_env["site"]), where
