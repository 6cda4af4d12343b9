"""Every chapter on a GPU machine, under JAX and PyTorch, fast then full mode, in one command.

    python scripts/gpu_check.py prepare      # here (make gpu-check): fills _build/gpu-check
    python3 _build/gpu-check/gpu_check.py run  # there, with _build/gpu-check carried along

``prepare`` puts everything the GPU machine lacks into one ignored folder, ``_build/gpu-check``
(it must stay under 64 MiB; its size is printed): wheels for Python 3.12 (Keras at the version
the book is built with, nbval, nbclient, nbformat, ipykernel, jupyter_client, pytest,
pytest-xdist, matplotlib, psutil, PyYAML and what they need, and pip to install them), a
labsupport wheel built from this checkout, a copy of the chapters, the full MNIST file when there
is one (``LABSUPPORT_MNIST``, or ``shared/data/mnist.npz``), this script and a manifest. JAX,
PyTorch, NVIDIA's and CUDA's wheels are never brought: the GPU machine has them. Nor are the few
large ones that machine's image has and nothing pins (NumPy, Pillow, fontTools, h5py): with them
the folder would not fit.

``run`` needs no internet. It makes a fresh virtual environment with ``--system-site-packages``
(and a link to the packages of the Python that runs it, when that one is itself a virtual
environment), so the JAX and PyTorch already installed are the ones used, and installs the
wheels into it with ``pip install --no-index``. Then nbval runs every chapter, each in its own
pytest-xdist worker (``--dist loadfile``): fast mode (``LABSUPPORT_FAST=1``) under JAX and
PyTorch at once, then full mode the same way. A time budget (``--budget``, 540 s) ends it well
inside ten minutes: the fast phase may take at most ``--fast-share`` of what is left, a chapter
that would not fit in what remains (by the times in ``benchmarks/results/cpu.json``) is skipped
and the report says so, and a cell still running at the end of its phase is stopped by nbval's
cell timeout (pytest itself is stopped if that does not suffice). A backend that cannot be
imported is reported and its runs are skipped.

Results are written as they come, so a run stopped from outside still leaves a partial report.
Into ``$OUT`` (else ``_build/gpu-check/out``) go four files: ``gpu-check.json`` (per backend,
mode and chapter: status, time, cells; the Keras, JAX and PyTorch versions, the devices they
use, the GPU as nvidia-smi names it), ``gpu-check.xml`` (JUnit, one suite per backend and mode),
``gpu-check.log`` (what was printed) and ``executed.tar.gz`` (the executed chapters, with their
outputs, and each run's pytest log). It exits 0 when every chapter ran and passed, 1 when one
failed, 3 when none failed but some did not run (the time budget, a backend that is missing).

This file is also the pytest plugin of those runs (``-p gpu_check``): it records each cell's
result as it comes, applies the time budget and writes the executed notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import site
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

try:
    import pytest
except ImportError:  # `prepare` and `run` need no pytest; only the runs they start do
    pytest = None

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_FOLDER = ROOT / "_build" / "gpu-check"
MANIFEST = "manifest.json"
WORK_MARK = ".gpu-check-work"
MIB = 1024 * 1024
SIZE_LIMIT_MIB = 64  # what the GPU machine's working tree, carried folders included, may weigh

# What the chapters need on top of what the GPU machine has: pinned to this checkout's versions.
TOOLS = [
    "nbval",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "pytest",
    "pytest-xdist",
    "matplotlib",
    "psutil",
    "PyYAML",
]
# Never brought: the GPU machine has them, built for its CUDA.
NEVER = re.compile(
    r"^(jax|jaxlib|jax[-_]cuda.*|torch|torchvision|torchaudio|triton|nvidia[-_].*|"
    r"cuda[-_].*|tensorflow.*|tf[-_]keras|tensorboard.*)$"
)
# Large, on the GPU machine's image (jax, torch and matplotlib need them there), and unpinned by
# what is brought: left out so the folder fits in 64 MiB. `run` checks that they are importable.
PREINSTALLED = ["numpy", "pillow", "fonttools", "h5py"]
PLATFORMS = [
    "manylinux2014_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux_2_24_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_28_x86_64",
    "manylinux_2_5_x86_64",
    "manylinux1_x86_64",
]
BACKENDS = ["jax", "torch"]
MODES = ["fast", "full"]
BUDGET_S = 540.0  # the command may run 600 s
KILL_GRACE_S = 25.0  # after a phase's end: for nbval to stop a cell, pytest to write its report
REPORT_RESERVE_S = 15.0  # at the very end: the summary, JUnit and archive
DEFAULT_ESTIMATE_S = 60.0
OUT_FILES = ("gpu-check.json", "gpu-check.xml", "gpu-check.log", "executed.tar.gz")
ARCHIVE_LIMIT = 15 * MIB  # a file that comes back from the GPU machine may weigh 16 MiB


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_project(filename: str) -> str:
    return _norm(filename.split("-")[0])


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _mib(n: float) -> str:
    return f"{n / MIB:.1f} MiB"


def chapter_name(path: str | Path) -> str:
    """``notebooks/05_dense_on_3d_input.ipynb::Cell 3`` -> ``05_dense_on_3d_input``."""
    return Path(str(path).split("::")[0]).name.removesuffix(".ipynb")


def select_chapters(chapters: list[str], patterns: str | None) -> list[str]:
    """The chapters a comma-separated list names (a prefix such as ``05`` or part of a name)."""
    if not patterns:
        return list(chapters)
    wanted = [p.strip() for p in patterns.split(",") if p.strip()]
    return [c for c in chapters if any(c.startswith(p) or p in c for p in wanted)]


# ---------------------------------------------------------------------------------------------
# prepare (here)


def _find_mnist(explicit: str | None) -> Path | None:
    candidates = [explicit, os.environ.get("LABSUPPORT_MNIST")]
    candidates += [ROOT.parent / "shared/data/mnist.npz", ROOT / "shared/data/mnist.npz"]
    candidates += ["/work/shared/data/mnist.npz"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    return None


def _installed_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def requirements() -> list[str]:
    """Keras at the book's version and the tools, each at the version this checkout uses."""
    keras = _installed_version("keras")
    if keras is None:
        raise SystemExit("Keras is not installed here: run `make install` first.")
    reqs = [f"keras=={keras}"]
    for tool in TOOLS:
        version = _installed_version(tool)
        reqs.append(f"{tool}=={version}" if version else tool)
    return reqs


def estimates(root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Seconds each chapter took, per mode, as benchmarks/results/cpu.json measured them."""
    found: dict[str, dict[str, float]] = {m: {} for m in MODES}
    path = root / "benchmarks" / "results" / "cpu.json"
    try:
        runs = json.loads(path.read_text())["sections"]["notebooks"]["runs"]
    except (OSError, KeyError, ValueError, TypeError):
        return found
    for run in runs:
        if run.get("mode") in found and run.get("wall_s"):
            found[run["mode"]][run["notebook"]] = round(float(run["wall_s"]), 1)
    return found


def _pip_download(python: str, args: list[str], dest: Path) -> None:
    platforms = [x for p in PLATFORMS for x in ("--platform", p)]
    cmd = [python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    cmd += ["--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp"]
    cmd += ["--abi", "cp312", *platforms, "-d", str(dest), *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pip download failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def _build_labsupport(python: str, dest: Path) -> Path:
    """The labsupport wheel, built from a snapshot of the checkout (nothing is written in it)."""
    with tempfile.TemporaryDirectory(prefix="gpu-check-src-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        shutil.copy(ROOT / "pyproject.toml", src)
        shutil.copy(ROOT / "README.md", src)
        shutil.copytree(
            ROOT / "labsupport",
            src / "labsupport",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"),
        )
        cmd = [python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        done = subprocess.run([*cmd, "-w", str(dest), str(src)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"Building the labsupport wheel failed:\n{done.stderr[-3000:]}")
    (wheel,) = dest.glob("labsupport-*.whl")
    return wheel


def _travelling_tree_size() -> int | None:
    """Bytes of what travels besides the folder: tracked and untracked-but-not-ignored files."""
    done = subprocess.run(
        [
            "git",
            "--no-optional-locks",
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None
    total = 0
    for name in done.stdout.split("\0"):
        path = ROOT / name
        if name and path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    shared = ROOT / "shared"
    return total + (_size(shared) if shared.is_dir() else 0)


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def run_command(folder: Path) -> str:
    try:
        where = folder.resolve().relative_to(ROOT)
    except ValueError:
        where = folder.resolve()
    return f"python3 {where}/gpu_check.py run"


def prepare(args: argparse.Namespace) -> int:
    folder = Path(args.dest).resolve()
    python = sys.executable
    _clear(folder, MANIFEST)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)
    started = time.monotonic()

    reqs = requirements()
    print(f"Downloading wheels for Python 3.12 (manylinux x86_64): {' '.join(reqs)}")
    _pip_download(python, reqs, wheels)
    _pip_download(python, ["--no-deps", f"pip=={_installed_version('pip') or '26.0'}"], wheels)
    left_out = []
    for wheel in sorted(wheels.glob("*.whl")):
        project = _wheel_project(wheel.name)
        if NEVER.match(project):
            raise SystemExit(f"{wheel.name} would be brought, but the GPU machine has {project}.")
        if project in PREINSTALLED:
            left_out.append(wheel.name)
            wheel.unlink()
    for other in wheels.iterdir():
        if other.suffix != ".whl":  # pip download --only-binary leaves nothing else; be sure
            raise SystemExit(f"Not a wheel: {other}")
    labsupport_wheel = _build_labsupport(python, wheels)

    notebooks = folder / "notebooks"
    notebooks.mkdir()
    chapters = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    for chapter in chapters:
        shutil.copy(chapter, notebooks / chapter.name)

    mnist = None if args.no_mnist else _find_mnist(args.mnist)
    if mnist is not None:
        (folder / "data").mkdir()
        shutil.copy(mnist, folder / "data" / "mnist.npz")
    shutil.copy(Path(__file__).resolve(), folder / "gpu_check.py")
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")  # a kernel dying at start is retried

    wheel_list = sorted(w.name for w in wheels.glob("*.whl"))
    manifest = {
        "schema": 1,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": _git("rev-parse", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "python": "3.12",
        "keras": _installed_version("keras"),
        "requirements": [*reqs, "labsupport"],
        "labsupport_wheel": labsupport_wheel.name,
        "pip_wheel": next(w for w in wheel_list if _wheel_project(w) == "pip"),
        "preinstalled_expected": PREINSTALLED,
        "left_out": left_out,
        "wheels": wheel_list,
        "chapters": [c.stem for c in chapters],
        "mnist": None if mnist is None else {"from": str(mnist), "bytes": mnist.stat().st_size},
        "estimates_s": estimates(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")

    size = _size(folder)
    tree = _travelling_tree_size()
    print(f"\nPrepared {folder} in {time.monotonic() - started:.0f} s:")
    print(
        f"  {len(wheel_list)} wheels, {_mib(_size(wheels))} (left out, the GPU machine has "
        f"them: {', '.join(PREINSTALLED)})"
    )
    print(f"  {len(chapters)} chapters, {_mib(_size(notebooks))}")
    print(
        "  MNIST: "
        + (
            f"{mnist}, {_mib(mnist.stat().st_size)}"
            if mnist
            else "none (the chapters use the sample bundled in labsupport)"
        )
    )
    print(f"Size of {folder.name}: {_mib(size)} ({size} bytes; limit {SIZE_LIMIT_MIB} MiB)")
    if tree is not None:
        print(f"With the rest of the working tree that travels: {_mib(size + tree)}")
    if size >= SIZE_LIMIT_MIB * MIB:
        print(f"Too large: the folder must stay under {SIZE_LIMIT_MIB} MiB.", file=sys.stderr)
        return 1
    if tree is not None and size + tree >= SIZE_LIMIT_MIB * MIB:
        print("Warning: the working tree and the folder together exceed 64 MiB.", file=sys.stderr)
    print("\nOn the GPU machine, carrying " + _rel(folder) + ", run:")
    print(f"  {run_command(folder)}")
    return 0


def _clear(path: Path, mark: str) -> None:
    """Remove a folder this script made before (it holds `mark`), and nothing else."""
    if not path.exists():
        return
    if path.is_dir() and (not any(path.iterdir()) or (path / mark).exists()):
        shutil.rmtree(path)
        return
    raise SystemExit(f"{path} exists and was not made by this script: name another folder.")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# run (there)


class Log:
    """Prints, and keeps a copy in $OUT/gpu-check.log."""

    def __init__(self, path: Path):
        self.path = path
        self.start = time.monotonic()
        path.write_text("")

    def __call__(self, *parts: object) -> None:
        line = f"[{time.monotonic() - self.start:6.1f}s] " + " ".join(str(p) for p in parts)
        print(line, flush=True)
        with self.path.open("a") as f:
            f.write(line + "\n")


def _run(cmd: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return subprocess.CompletedProcess(cmd, 124, out, f"timed out after {timeout:.0f} s")


def gpu_name() -> dict:
    """What nvidia-smi says about the GPU, or why it says nothing."""
    query = "name,memory.total,driver_version"
    try:
        done = _run(["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader"], 30)
    except FileNotFoundError:
        return {"name": None, "error": "nvidia-smi not found: no NVIDIA GPU or driver here"}
    if done.returncode != 0:
        return {"name": None, "error": (done.stderr or done.stdout).strip()[-500:]}
    gpus = [[x.strip() for x in line.split(",")] for line in done.stdout.strip().splitlines()]
    return {
        "name": gpus[0][0] if gpus else None,
        "gpus": [dict(zip(["name", "memory", "driver"], g, strict=False)) for g in gpus],
    }


PROBE = r"""
import json, os, sys, importlib.metadata as md
info = {"python": sys.version.split()[0], "executable": sys.executable}
def version(name):
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None
for name in ("keras", "numpy", "nbval", "pytest", "pytest-xdist", "ipykernel", "labsupport",
             "jax", "jaxlib", "torch", "matplotlib"):
    info[name] = version(name)
try:
    backend = os.environ["KERAS_BACKEND"]
    if backend == "jax":
        import jax
        info["devices"] = [str(d) for d in jax.devices()]
        info["default_backend"] = jax.default_backend()
    else:
        import torch
        info["cuda"] = torch.cuda.is_available()
        info["cuda_version"] = torch.version.cuda
        info["devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        info["devices"] = info["devices"] or ["cpu"]
        info["default_backend"] = "cuda" if info["cuda"] else "cpu"
    import keras, labsupport, nbval, xdist
    info["keras_backend"] = keras.backend.backend()
    info["labsupport_at"] = os.path.dirname(labsupport.__file__)
except BaseException as exc:
    info["error"] = f"{type(exc).__name__}: {exc}"
print("PROBE " + json.dumps(info))
"""


def _leg_env(base: dict, folder: Path, backend: str, mode: str, threads: int) -> dict:
    env = {k: v for k, v in base.items() if k not in ("LABSUPPORT_FAST", "LABSUPPORT_MNIST")}
    env.update(
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="2",
        # every kernel shares the one GPU: JAX must not take 75 % of its memory up front
        XLA_PYTHON_CLIENT_PREALLOCATE="false",
        PYTHONUNBUFFERED="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # the system's pytest plugins stay out
        PYTHONPATH=str(folder),  # this file, the plugin
        JUPYTER_PLATFORM_DIRS="1",
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        OPENBLAS_NUM_THREADS=str(threads),
    )
    if mode == "fast":
        env["LABSUPPORT_FAST"] = "1"
    mnist = folder / "data" / "mnist.npz"
    if mnist.is_file():
        env["LABSUPPORT_MNIST"] = str(mnist)
    return env


def install(folder: Path, manifest: dict, venv: Path, log: Log, timeout: float) -> str:
    """A fresh venv that sees the Python's packages (JAX, PyTorch), the wheels installed in it."""
    _clear(venv, "pyvenv.cfg")
    done = _run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], 120
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m venv failed: {done.stderr[-2000:]}")
    python = str(venv / "bin" / "python")
    site_dirs = _run([python, "-c", "import site; print(site.getsitepackages()[0])"], 60)
    if site_dirs.returncode != 0 or not site_dirs.stdout.strip():
        raise RuntimeError(f"the new venv's Python does not start: {site_dirs.stderr[-2000:]}")
    own = site_dirs.stdout.strip()
    # A venv made from a venv sees the base Python's packages, not the ones of the venv that made
    # it (the GPU machine's python3 is /opt/torch/.venv): add those, after the new venv's own.
    if sys.prefix != sys.base_prefix:
        parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
        lines = [f"import site; site.addsitedir({p!r})" for p in parents]
        (Path(own) / "_gpu_check_parent.pth").write_text("\n".join(lines) + "\n")
        log("The venv also sees", ", ".join(parents))

    wheels = folder / "wheels"
    pip = [python, str(wheels / manifest["pip_wheel"] / "pip")]
    cmd = [*pip, "install", "--no-index", "--find-links", str(wheels), "--no-compile"]
    cmd += ["--disable-pip-version-check", "--no-cache-dir", "--progress-bar", "off"]
    cmd += [str(wheels / manifest["labsupport_wheel"])]
    cmd += [r for r in manifest["requirements"] if r != "labsupport"]
    done = _run(cmd, timeout)
    (venv / "install.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        missing = _missing_preinstalled(manifest)
        hint = (
            f" These were left out as preinstalled but are missing: {missing}." if missing else ""
        )
        raise RuntimeError(f"pip install failed.{hint}\n{(done.stdout + done.stderr)[-3000:]}")
    installed = [line for line in done.stdout.splitlines() if line.startswith("Successfully")]
    log("Installed:", installed[-1][len("Successfully installed ") :] if installed else "nothing")
    return python


def _missing_preinstalled(manifest: dict) -> list[str]:
    import importlib.util

    modules = {"pillow": "PIL", "fonttools": "fontTools"}
    return [
        name
        for name in manifest.get("preinstalled_expected", [])
        if importlib.util.find_spec(modules.get(name, name)) is None
    ]


def probe(python: str, backends: list[str], base_env: dict, timeout: float) -> dict:
    """Versions and devices of each backend, the probes running side by side."""
    procs = {}
    for backend in backends:
        env = {**base_env, "KERAS_BACKEND": backend, "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
        procs[backend] = subprocess.Popen(
            [python, "-c", PROBE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tempfile.gettempdir(),
        )
    found = {}
    for backend, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            err += f"\nthe probe took more than {timeout:.0f} s"
        lines = [line for line in out.splitlines() if line.startswith("PROBE ")]
        if lines:
            found[backend] = json.loads(lines[-1][len("PROBE ") :])
        else:
            found[backend] = {"error": f"the probe failed ({proc.returncode}): {err[-1500:]}"}
    return found


class Leg:
    """One pytest run: a backend, a mode, its chapters."""

    def __init__(self, backend: str, mode: str, chapters: list[str], work: Path):
        self.backend, self.mode, self.chapters = backend, mode, chapters
        self.name = f"{backend}-{mode}"
        self.dir = work / self.name
        self.events = self.dir / "events.jsonl"
        self.junit = self.dir / "junit.xml"
        self.log = self.dir / "pytest.log"
        self.executed = self.dir / "executed"
        self.proc: subprocess.Popen | None = None
        self.status = "pending"  # then: running, done, killed, not_run
        self.reason: str | None = None
        self.returncode: int | None = None
        self.jobs = 0
        self.started = self.ended = None
        self.deadline: float | None = None

    def start(self, python, folder, env, jobs, deadline, estimates) -> None:
        notebooks = self.dir / "notebooks"
        notebooks.mkdir(parents=True)
        self.executed.mkdir()
        (self.dir / "pytest.ini").write_text("[pytest]\n")  # the rootdir; no other ini counts
        if (folder / "conftest.py").exists():
            shutil.copy(folder / "conftest.py", self.dir / "conftest.py")
        for chapter in self.chapters:
            shutil.copy(folder / "notebooks" / f"{chapter}.ipynb", notebooks)
        # the longest first, so a worker that gets two chapters starts the slow one
        ordered = sorted(self.chapters, key=lambda c: -estimates.get(c, DEFAULT_ESTIMATE_S))
        self.jobs = max(1, min(jobs, len(ordered)))
        cell_timeout = max(5, int(deadline - time.time()))
        env = {
            **env,
            "GPU_CHECK_LEG": self.name,
            "GPU_CHECK_EVENTS": str(self.events),
            "GPU_CHECK_EXECUTED": str(self.executed),
            "GPU_CHECK_DEADLINE": f"{deadline:.1f}",
            "GPU_CHECK_ESTIMATES": json.dumps(estimates),
            "IPYTHONDIR": str(self.dir / "ipython"),
            "MPLCONFIGDIR": str(self.dir / "matplotlib"),
            "KERAS_HOME": str(self.dir / "keras"),
            "JUPYTER_RUNTIME_DIR": str(self.dir / "jupyter-runtime"),
        }
        cmd = [python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "xdist.plugin"]
        cmd += ["-p", "nbval.plugin", "-p", "gpu_check", "--nbval-lax", "--nbval-current-env"]
        cmd += ["--nbval-kernel-startup-timeout=600", f"--nbval-cell-timeout={cell_timeout}"]
        cmd += ["-n", str(self.jobs), "--dist", "loadfile", "-q", "-rfE", "--color=no"]
        cmd += [f"--junitxml={self.junit}", "-o", f"junit_suite_name={self.name}"]
        cmd += [f"notebooks/{c}.ipynb" for c in ordered]
        self.deadline = deadline
        self.started = time.time()
        self.status = "running"
        with self.log.open("w") as logfile:
            logfile.write("$ " + " ".join(cmd) + "\n")
            logfile.flush()
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.dir,
                env=env,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kernels included when stopped
            )

    def poll(self) -> bool:
        """True once it has ended."""
        if self.proc is None:
            return True
        code = self.proc.poll()
        if code is not None and self.status == "running":
            self.returncode, self.status, self.ended = code, "done", time.time()
        return code is not None

    def stop(self, why: str) -> None:
        """Stop pytest, its workers and their kernels (which jupyter_client starts in sessions
        of their own, so the process group alone would miss them)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        family = _descendants(self.proc.pid)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            for pid in family:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                continue
            if not any(_alive(pid) for pid in family):
                break
            time.sleep(2)
        self.returncode, self.status, self.ended = self.proc.poll(), "killed", time.time()
        self.reason = why

    def skip(self, why: str) -> None:
        self.status, self.reason = "not_run", why


def _descendants(pid: int) -> list[int]:
    """Every process below pid, from /proc (no psutil needed)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_events(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue  # a line cut short when the run was stopped
    return events


def summarize_chapter(events: list[dict], cells: int | None, leg_status: str) -> dict:
    """One chapter's result from the events of its cells (setup, call and teardown of each).

    passed: every cell ran and passed; failed: a cell failed (or errored); skipped: not started,
    for the time budget; incomplete: started, but the time ran out (a cell timed out, later
    cells were not run, or the run was stopped); not_run: no event at all.
    """
    by_cell: dict[str, str | None] = {}
    time_s = 0.0
    failure = None
    budget_skip = None
    timed_out = False
    for e in events:
        time_s += e.get("duration") or 0.0
        state = by_cell.setdefault(e["cell"], None)
        if e["outcome"] == "failed":
            by_cell[e["cell"]] = "failed"
            message = e.get("message") or ""
            if "Timeout" in message or "timed out" in message:
                timed_out = True
            if failure is None:
                failure = {"cell": e["cell"], "when": e["when"], "message": message[-1500:]}
        elif e["outcome"] == "skipped":
            if state != "failed":
                by_cell[e["cell"]] = "skipped"
            reason = e.get("reason") or ""
            if reason.startswith("time budget: needs"):
                budget_skip = budget_skip or reason
            if e.get("xfail") or reason.startswith("time budget: stopped"):
                timed_out = True
        elif e["when"] == "call" and state is None:
            by_cell[e["cell"]] = "passed"
    counts = {k: sum(v == k for v in by_cell.values()) for k in ("passed", "failed", "skipped")}
    counts["total"] = cells if cells is not None else len(by_cell)
    result: dict = {"status": "not_run", "time_s": round(time_s, 1), "cells": counts}
    if not events:
        if leg_status == "killed":
            result["status"], result["reason"] = "incomplete", "the run was stopped before it"
        return result
    if counts["failed"] and not timed_out:
        result["status"] = "failed"
    elif timed_out:
        result["status"] = "incomplete"
        result["reason"] = "the time budget ran out while it ran"
    elif counts["passed"] == 0 and budget_skip:
        result["status"], result["reason"] = "skipped", budget_skip
    elif counts["passed"] + counts["skipped"] >= counts["total"]:
        result["status"] = "passed"
    elif leg_status == "killed":
        result["status"], result["reason"] = "incomplete", "the run was stopped while it ran"
    elif leg_status == "running":
        result["status"] = "running"
    else:
        result["status"], result["reason"] = "incomplete", "not every cell reported"
    if failure:
        result["failure"] = failure
    return result


def summarize_leg(leg: Leg, cell_counts: dict[str, int]) -> dict:
    events = read_events(leg.events)
    by_chapter: dict[str, list[dict]] = {c: [] for c in leg.chapters}
    for e in events:
        by_chapter.setdefault(e["chapter"], []).append(e)
    chapters = {
        c: summarize_chapter(evs, cell_counts.get(c), leg.status) for c, evs in by_chapter.items()
    }
    if leg.status == "not_run":
        for result in chapters.values():
            result["status"], result["reason"] = "skipped", leg.reason
    statuses = [r["status"] for r in chapters.values()]
    if leg.status == "not_run":
        status = "skipped"
    elif leg.status in ("pending", "running"):
        status = leg.status
    elif "failed" in statuses:
        status = "failed"
    elif "incomplete" in statuses or "not_run" in statuses:
        status = "incomplete"
    elif "skipped" in statuses:
        status = "passed, some skipped"
    else:
        status = "passed"
    wall = None
    if leg.started:
        wall = round((leg.ended or time.time()) - leg.started, 1)
    return {
        "backend": leg.backend,
        "mode": leg.mode,
        "status": status,
        "reason": leg.reason,
        "jobs": leg.jobs,
        "wall_s": wall,
        "returncode": leg.returncode,
        "chapters": chapters,
    }


def _junit_for_leg(leg: Leg, summary: dict) -> ET.Element:
    """pytest's JUnit suite for the leg when it wrote one, else one made from the events."""
    suite = None
    if leg.status == "done" and leg.junit.is_file():
        try:
            root = ET.parse(leg.junit).getroot()
            suite = root if root.tag == "testsuite" else root.find("testsuite")
        except ET.ParseError:
            suite = None
    if suite is None:
        suite = ET.Element("testsuite", name=leg.name)
        for e in read_events(leg.events):
            if e["when"] != "call" and e["outcome"] == "passed":
                continue
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"notebooks.{e['chapter']}",
                name=e["cell"],
                time=f"{e.get('duration') or 0:.3f}",
            )
            if e["outcome"] == "failed":
                tag = "failure" if e["when"] == "call" else "error"
                ET.SubElement(case, tag, message=(e.get("message") or "")[:200]).text = e.get(
                    "message"
                )
            elif e["outcome"] == "skipped":
                ET.SubElement(case, "skipped", message=e.get("reason") or "")
    suite.set("name", leg.name)
    for case in suite.iter("testcase"):
        case.set("classname", f"{leg.name}.{case.get('classname', '')}")
    for chapter, result in summary["chapters"].items():
        if result["status"] in ("skipped", "not_run") and not result["cells"]["skipped"]:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{leg.name}.notebooks.{chapter}",
                name="chapter",
                time="0",
            )
            reason = result.get("reason") or "not run"
            ET.SubElement(case, "skipped", message=reason)
        elif result["status"] == "incomplete" and leg.status == "killed":
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{leg.name}.notebooks.{chapter}",
                name="chapter",
                time=str(result["time_s"]),
            )
            ET.SubElement(case, "error", message=result.get("reason") or "incomplete")
    cases = list(suite.iter("testcase"))
    suite.set("tests", str(len(cases)))
    if suite.get("time") is None:
        suite.set("time", f"{sum(float(c.get('time') or 0) for c in cases):.3f}")
    for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        suite.set(attr, str(sum(c.find(tag) is not None for c in cases)))
    return suite


def write_junit(legs: list[Leg], summaries: dict[str, dict], path: Path) -> None:
    root = ET.Element("testsuites", name="gpu-check")
    for leg in legs:
        root.append(_junit_for_leg(leg, summaries[leg.name]))
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _strip_images(path: Path) -> None:
    nb = json.loads(path.read_text())
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in [m for m in data if m.startswith("image/")]:
                data[mime] = ""
                data.setdefault("text/plain", "[image left out: the archive was too large]")
    path.write_text(json.dumps(nb))


def write_archive(legs: list[Leg], work: Path, path: Path, extra: list[Path]) -> str:
    def pack():
        with tarfile.open(path, "w:gz") as tar:
            for leg in legs:
                for item in (leg.executed, leg.log, leg.junit, leg.events):
                    if item.exists():
                        tar.add(item, arcname=f"{leg.name}/{item.name}")
            for item in extra:
                if item.exists():
                    tar.add(item, arcname=item.name)

    pack()
    if path.stat().st_size <= ARCHIVE_LIMIT:
        return "complete"
    for leg in legs:  # too large to come back: the figures go, the text stays
        for nb in leg.executed.glob("*.ipynb"):
            _strip_images(nb)
    pack()
    return "without figures (too large with them)"


def _table(summaries: list[dict]) -> list[str]:
    lines = []
    for s in summaries:
        head = f"{s['backend']:>5} {s['mode']:<4}  {s['status']}"
        if s.get("reason"):
            head += f" ({s['reason']})"
        if s.get("wall_s") is not None:
            head += f", {s['wall_s']:.0f} s with {s['jobs']} workers"
        lines.append(head)
        for chapter, r in s["chapters"].items():
            cells = r["cells"]
            text = (
                f"    {chapter:<36} {r['status']:<10} {r['time_s']:7.1f} s  "
                f"{cells['passed']}/{cells['total']} cells"
            )
            if r.get("reason") and r["status"] != "passed":
                text += f"  ({r['reason']})"
            if r.get("failure"):
                last = [x for x in r["failure"]["message"].splitlines() if x.strip()]
                text += f"  {r['failure']['cell']}: {last[-1][:160] if last else ''}"
            lines.append(text)
    return lines


def run(args: argparse.Namespace) -> int:
    t0 = time.time()
    deadline = t0 + args.budget
    folder = Path(args.folder).resolve() if args.folder else _default_folder()
    manifest = json.loads((folder / MANIFEST).read_text())
    out = Path(args.out or os.environ.get("OUT") or folder / "out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in OUT_FILES:
        (out / name).unlink(missing_ok=True)
    log = Log(out / "gpu-check.log")
    tmp = Path(tempfile.gettempdir())
    work = Path(args.work).resolve() if args.work else tmp / "gpu-check-work"
    venv = Path(args.venv).resolve() if args.venv else tmp / "gpu-check-venv"
    _clear(work, WORK_MARK)
    work.mkdir(parents=True)
    (work / WORK_MARK).write_text("")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    backends = [b for b in args.backends.split(",") if b]
    modes = [m for m in args.modes.split(",") if m]
    all_chapters = manifest["chapters"]
    chapters = {m: select_chapters(all_chapters, args.chapters) for m in modes}
    if "full" in chapters and args.full_chapters:
        chapters["full"] = select_chapters(chapters["full"], args.full_chapters)
    cell_counts = {}
    for c in all_chapters:
        nb = json.loads((folder / "notebooks" / f"{c}.ipynb").read_text())
        cell_counts[c] = sum(cell["cell_type"] == "code" for cell in nb["cells"])
    est = manifest.get("estimates_s", {})

    gpu = gpu_name()
    summary: dict = {
        "schema": 1,
        "status": "running",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t0)),
        "budget_s": args.budget,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {
            "gpu": gpu.get("name"),
            "nvidia_smi": gpu,
            "cpu_cores": cores,
            "python": platform.python_version(),
            "python_executable": sys.executable,
            "platform": platform.platform(),
        },
        "prepared": {k: manifest.get(k) for k in ("created_at", "commit", "dirty", "mnist")},
        "data": "full MNIST" if (folder / "data" / "mnist.npz").is_file() else "bundled sample",
        "versions": {},
        "legs": [],
    }
    legs = [Leg(b, m, chapters[m], work) for m in modes for b in backends]

    def write(final: bool = False) -> None:
        summaries = {leg.name: summarize_leg(leg, cell_counts) for leg in legs}
        summary["legs"] = list(summaries.values())
        summary["results"] = [
            {
                "backend": s["backend"],
                "mode": s["mode"],
                "chapter": c,
                "status": r["status"],
                "time_s": r["time_s"],
            }
            for s in summaries.values()
            for c, r in s["chapters"].items()
        ]
        totals: dict[str, int] = {}
        for r in summary["results"]:
            totals[r["status"]] = totals.get(r["status"], 0) + 1
        summary["totals"] = totals
        summary["skipped_for_time"] = [
            f"{s['backend']}/{s['mode']}/{c}"
            for s in summaries.values()
            for c, r in s["chapters"].items()
            if r["status"] in ("skipped", "incomplete") and "time budget" in (r.get("reason") or "")
        ]
        summary["elapsed_s"] = round(time.time() - t0, 1)
        if final:
            summary["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        tmp_json = out / "gpu-check.json.tmp"
        tmp_json.write_text(json.dumps(summary, indent=1) + "\n")
        tmp_json.replace(out / "gpu-check.json")
        write_junit(legs, summaries, out / "gpu-check.xml")

    log(
        f"GPU: {gpu.get('name') or gpu.get('error')}; {cores} cores; Python "
        f"{platform.python_version()} ({sys.executable})"
    )
    log(
        f"Prepared {manifest.get('created_at')} from {manifest.get('commit', '')[:12]}"
        f"{' (with local changes)' if manifest.get('dirty') else ''}; data: {summary['data']}"
    )
    write()

    # 1. the environment
    try:
        missing = _missing_preinstalled(manifest)
        if missing:
            log("Warning: not importable here, and not brought:", ", ".join(missing))
        python = install(folder, manifest, venv, log, timeout=max(30, deadline - time.time() - 60))
    except Exception as exc:  # noqa: BLE001 - any failure here is reported, not raised
        summary["status"], summary["error"] = "install failed", str(exc)
        log("Install failed:", exc)
        for leg in legs:
            leg.skip("the install failed")
        write(final=True)
        return 2
    log(f"venv ready: {venv}")
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KERAS_BACKEND")}
    versions = probe(python, backends, base_env, timeout=180)
    summary["versions"] = versions
    for b in backends:
        v = versions[b]
        summary[b] = v.get(b)
        if v.get("error"):
            log(f"{b}: cannot be used: {v['error'].strip().splitlines()[-1]}")
        else:
            log(
                f"{b}: Keras {v.get('keras')} ({v.get('keras_backend')}), {b} {v.get(b)}, "
                f"on {v.get('default_backend')}: {', '.join(v.get('devices') or [])}"
            )
    summary["unavailable"] = {
        b: v["error"].strip().splitlines()[-1] for b, v in versions.items() if v.get("error")
    }
    summary["keras"] = next((v.get("keras") for v in versions.values() if v.get("keras")), None)
    write()

    # 2. the chapters: each mode's backends side by side, fast first
    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)  # stopped from outside: stop the runs, report
    summary["status"] = "complete"
    try:
        for index, mode in enumerate(modes):
            phase = [leg for leg in legs if leg.mode == mode]
            for leg in phase:
                error = versions[leg.backend].get("error")
                if error:
                    last = error.strip().splitlines()[-1]
                    leg.skip(f"{leg.backend} is not importable ({last[:200]})")
                elif not leg.chapters:
                    leg.skip("no chapter selected")
            runnable = [leg for leg in phase if leg.status == "pending"]
            if not runnable:
                continue
            end = deadline - REPORT_RESERVE_S - KILL_GRACE_S
            left = end - time.time()
            later = index < len(modes) - 1
            phase_end = time.time() + (left * args.fast_share if later else left)
            if phase_end - time.time() < 20:
                for leg in runnable:
                    leg.skip("time budget: no time was left for it")
                log(f"{mode} mode: no time left; skipped")
                continue
            kernels = sum(len(leg.chapters) for leg in runnable)
            jobs = args.jobs or max(1, min(len(all_chapters), cores))
            threads = max(1, cores // max(1, min(kernels, jobs * len(runnable))))
            for leg in runnable:
                env = _leg_env(base_env, folder, leg.backend, mode, threads)
                leg.start(python, folder, env, jobs, phase_end, est.get(mode, {}))
            started = ", ".join(
                f"{x.name} ({len(x.chapters)} chapters, -n {x.jobs})" for x in runnable
            )
            log(f"{mode} mode: {started}; until +{phase_end - t0:.0f}s")
            last_write = time.time()
            while not all(leg.poll() for leg in runnable):
                time.sleep(2)
                if time.time() > phase_end + KILL_GRACE_S:
                    for leg in runnable:
                        if not leg.poll():
                            leg.stop("time budget: stopped at the end of its phase")
                            log(f"{leg.name}: stopped (time budget)")
                if time.time() - last_write > 15:
                    write()
                    last_write = time.time()
            for leg in runnable:
                s = summarize_leg(leg, cell_counts)
                n = {
                    k: sum(r["status"] == k for r in s["chapters"].values())
                    for k in ("passed", "failed", "incomplete", "skipped")
                }
                log(
                    f"{leg.name}: {s['status']} in {s['wall_s']:.0f} s: "
                    + ", ".join(f"{v} {k}" for k, v in n.items() if v)
                )
            write()
    except KeyboardInterrupt as exc:
        summary["status"] = f"interrupted ({exc or 'Ctrl-C'})"
        log("Interrupted: stopping the runs and writing what there is")
    finally:
        for leg in legs:
            if leg.status == "running":
                leg.stop("the check was interrupted")
            elif leg.status == "pending":
                leg.skip("the check ended before it")

    write(final=True)
    archive = write_archive(
        legs, work, out / "executed.tar.gz", [venv / "install.log", folder / MANIFEST]
    )
    summary["archive"] = archive
    write(final=True)
    log("Results:")
    for line in _table(summary["legs"]):
        log(line)
    if summary["skipped_for_time"]:
        log("Skipped or cut short for the time budget:", ", ".join(summary["skipped_for_time"]))
    log(
        f"Totals: {summary['totals']}; written to {out}: "
        + ", ".join(
            f"{n} ({_mib((out / n).stat().st_size)})" for n in OUT_FILES if (out / n).exists()
        )
    )
    # 1: a chapter failed; 3: none failed, but not all ran (time budget, a backend missing)
    if summary["totals"].get("failed", 0):
        return 1
    return 3 if set(summary["totals"]) - {"passed"} else 0


def _default_folder() -> Path:
    return HERE if (HERE / MANIFEST).is_file() else DEFAULT_FOLDER


# ---------------------------------------------------------------------------------------------
# the pytest plugin (in the runs that `run` starts: -p gpu_check)

_plugin: dict = {}


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


if pytest is not None:

    def pytest_configure(config):
        _plugin["config"] = config
        _plugin["deadline"] = float(os.environ.get("GPU_CHECK_DEADLINE") or "inf")
        _plugin["estimates"] = json.loads(os.environ.get("GPU_CHECK_ESTIMATES") or "{}")
        _plugin["decided"] = {}
        _plugin["count"] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(item):
        """Skip a chapter that would not fit in the time left; give each cell only that time."""
        if "GPU_CHECK_DEADLINE" not in os.environ or not hasattr(item, "cell_num"):
            return
        left = _plugin["deadline"] - time.time()
        chapter = chapter_name(item.nodeid)
        decided = _plugin["decided"]
        if chapter not in decided:
            need = float(_plugin["estimates"].get(chapter, DEFAULT_ESTIMATE_S))
            decided[chapter] = (
                None
                if left >= need
                else f"time budget: needs about {need:.0f} s, {left:.0f} s left"
            )
        if decided[chapter]:
            pytest.skip(decided[chapter])
        if left < 3:
            pytest.skip("time budget: stopped, the time ran out before this cell")
        item.config.option.nbval_cell_timeout = max(3.0, left)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(item, call):
        """Keep each cell's outputs in the executed copy of its chapter, written as it goes."""
        where = os.environ.get("GPU_CHECK_EXECUTED")
        if not where or call.when != "call" or not hasattr(item, "cell_num"):
            return None
        nb = getattr(item.parent, "nb", None)
        if nb is None:
            return None
        outputs = getattr(item, "test_outputs", None) or []
        cell = item.cell
        count = _plugin["count"].setdefault(item.parent.nodeid, 0) + 1
        _plugin["count"][item.parent.nodeid] = count
        cell["execution_count"] = count
        cell["outputs"] = [_clean_output(o, count) for o in outputs]
        path = Path(where) / Path(str(item.parent.path)).name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False))
        tmp.replace(path)
        return None

    def pytest_runtest_logreport(report):
        """One line per cell and phase, written as it comes (by the controller only)."""
        config = _plugin.get("config")
        path = os.environ.get("GPU_CHECK_EVENTS")
        if config is not None and path and not _is_worker(config):
            _record(path, report, report.when)

    def pytest_collectreport(report):
        config = _plugin.get("config")
        path = os.environ.get("GPU_CHECK_EVENTS")
        if report.failed and config is not None and path and not _is_worker(config):
            _record(path, report, "collect")


def _clean_output(out: dict, count: int) -> dict:
    out = dict(out)
    kind = out.get("output_type")
    if kind == "execute_result":
        out.setdefault("metadata", {})
        out["execution_count"] = count
    elif kind == "display_data":
        out.setdefault("metadata", {})
    return out


def _record(path: str, report, when: str) -> None:
    nodeid = report.nodeid
    event = {
        "t": round(time.time(), 2),
        "chapter": chapter_name(nodeid),
        "cell": nodeid.split("::")[-1] if "::" in nodeid else when,
        "when": when,
        "outcome": report.outcome,
        "duration": round(getattr(report, "duration", 0.0) or 0.0, 3),
    }
    if report.outcome == "failed":
        event["message"] = (getattr(report, "longreprtext", "") or "")[-4000:]
    elif report.outcome == "skipped":
        if hasattr(report, "wasxfail"):
            event["xfail"] = True
            event["reason"] = report.wasxfail
        elif isinstance(report.longrepr, tuple):
            event["reason"] = str(report.longrepr[2]).removeprefix("Skipped: ")
    with open(path, "a") as f:
        f.write(json.dumps(event) + "\n")


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="fill the folder that travels to the GPU machine")
    p.add_argument("--dest", default=str(DEFAULT_FOLDER), help="the folder (_build/gpu-check)")
    p.add_argument("--mnist", help="the full mnist.npz (else LABSUPPORT_MNIST, shared/data)")
    p.add_argument("--no-mnist", action="store_true", help="bring no MNIST file")
    r = sub.add_parser("run", help="install offline and run every chapter (on the GPU machine)")
    r.add_argument("--folder", help="the prepared folder (this file's, else _build/gpu-check)")
    r.add_argument("--out", help="where the results go ($OUT, else FOLDER/out)")
    r.add_argument("--backends", default=",".join(BACKENDS), help="jax,torch")
    r.add_argument("--modes", default=",".join(MODES), help="fast,full (in that order)")
    r.add_argument("--chapters", help="only these chapters, e.g. 05,08 (every mode)")
    r.add_argument("--full-chapters", help="in full mode, only these chapters")
    r.add_argument(
        "-n",
        "--jobs",
        type=int,
        default=0,
        help="workers per backend and mode (default: the cores, at most one a chapter)",
    )
    r.add_argument("--budget", type=float, default=BUDGET_S, help="seconds for everything (540)")
    r.add_argument(
        "--fast-share",
        type=float,
        default=0.35,
        help="at most this share of the time left goes to fast mode (0.35)",
    )
    r.add_argument("--venv", help="the fresh venv (default: TMPDIR/gpu-check-venv)")
    r.add_argument("--work", help="the runs' folder (default: TMPDIR/gpu-check-work)")
    args = parser.parse_args(argv)
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main())
