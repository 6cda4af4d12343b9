"""Every chapter the way a Colab reader runs it: Colab's versions, no labsupport, a wheel uploaded.

    python scripts/colab_stack.py VENV WHEEL

VENV is a virtual environment holding Colab's TensorFlow, Keras and NumPy (``make test-colab``
makes it) and not labsupport. The chapters are copied into an empty folder as a reader downloads
them from the book (with the whole install cell: scripts/colab.py), the wheel beside them
under the name Colab gives a second upload (``... (1).whl``), and nbval runs them in fast mode
on VENV's Python. Chapter 1 runs first and alone: its install cell must find the wheel, install
it and say so; the other chapters then find labsupport installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402  (scripts/colab.py: the install cell)

ROOT = Path(__file__).resolve().parents[1]


def _python(venv: Path) -> str:
    return str(venv / "bin" / "python")


def versions(venv: Path) -> dict[str, str]:
    """Python, TensorFlow, Keras and NumPy of the environment."""
    probe = (
        "import json, sys, numpy, keras, tensorflow as tf;"
        "print(json.dumps({'python': sys.version.split()[0], 'tensorflow': tf.__version__,"
        " 'keras': keras.__version__, 'numpy': numpy.__version__}))"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([_python(venv), "-c", probe], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{venv} cannot import TensorFlow and Keras:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _installed_from_wheel(venv: Path) -> int:
    """0 when chapter 1's install cell put labsupport into VENV (a copy, not this checkout)."""
    probe = (
        "import importlib.metadata as m, labsupport;"
        "print(m.version('labsupport'), labsupport.__file__)"
    )
    out = subprocess.run([_python(venv), "-c", probe], capture_output=True, text=True, cwd="/")
    where = out.stdout.split()[-1] if out.returncode == 0 and out.stdout.split() else ""
    if not where or not Path(where).resolve().is_relative_to(venv.resolve()):
        print(f"Chapter 1 did not install labsupport from the wheel:\n{out.stdout}{out.stderr}")
        return 1
    print(f"Chapter 1 installed labsupport {out.stdout.split()[0]} from the uploaded wheel.")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    venv, wheel = Path(argv[0]).absolute(), Path(argv[1]).absolute()
    if not wheel.is_file():
        print(f"No wheel at {wheel}: run `make wheel` first.", file=sys.stderr)
        return 2
    # a previous run installed labsupport: the install cell must do it again from the wheel
    subprocess.run([_python(venv), "-m", "pip", "uninstall", "-q", "-y", "labsupport"], check=False)
    print("Colab stack:", ", ".join(f"{k} {v}" for k, v in versions(venv).items()))

    work = Path(tempfile.mkdtemp(prefix="colab-stack-"))
    chapters = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    for chapter in chapters:
        shutil.copy(chapter, work / chapter.name)
    # what a Colab reader uploads: a copy downloaded from the book, with the whole install cell
    colab.write_copies([work], colab.read_setting())
    shutil.copy(wheel, work / wheel.name.replace(".whl", " (1).whl"))
    env = {k: v for k, v in os.environ.items() if k not in ("LABSUPPORT_MNIST", "PYTHONPATH")}
    env.update(LABSUPPORT_FAST="1", TF_CPP_MIN_LOG_LEVEL="2", KERAS_HOME=str(work / "keras"))
    env.pop("LABSUPPORT_SOURCE", None)
    # nbval's 60 s default for a kernel to answer is too short on two busy cores (see Makefile).
    startup = ["--nbval-kernel-startup-timeout", os.environ.get("KERNEL_STARTUP_S", "600")]
    pytest = [
        _python(venv),
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        *startup,
        "-q",
    ]
    first, rest = chapters[0].name, [c.name for c in chapters[1:]]
    status = subprocess.run([*pytest, first], cwd=work, env=env).returncode
    if status == 0:
        status = _installed_from_wheel(venv)
    if status == 0 and rest:
        jobs = ["-n", os.environ.get("JOBS", "2"), "--dist", "loadfile"]
        status = subprocess.run([*pytest, *jobs, *rest], cwd=work, env=env).returncode
    shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
