# @title Install labsupport, the book's helper package { display-mode: "form" }
# Looks for labsupport in this order: already installed; LABSUPPORT_SOURCE (anything pip
# accepts); a labsupport wheel uploaded next to this notebook; the book's repository; in Colab,
# a file picker. It installs with --no-deps, so the TensorFlow, Keras and NumPy you have stay.
import glob
import importlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

WHEEL = "labsupport-0.1.0-py3-none-any.whl"
REPOSITORY = None  # the book's Git address, when it has one


def _wheel_with_pip_name(path):
    # Colab saves a second upload as "labsupport-...-any (1).whl", a name pip refuses.
    name = re.sub(r" \(\d+\)(?=\.whl$)", "", os.path.basename(path))
    if name == os.path.basename(path):
        return path
    renamed = os.path.join(tempfile.mkdtemp(), name)
    shutil.copy(path, renamed)
    return renamed


def _uploaded_wheel():
    found = glob.glob("labsupport-*.whl")
    return _wheel_with_pip_name(max(found, key=os.path.getmtime)) if found else None


def _pick_in_colab():
    try:
        from google.colab import files
    except ImportError:
        return None
    print(f"Pick {WHEEL} (download it from the book's 'How to use' page).")
    files.upload()
    return _uploaded_wheel()


def _find_source():
    return (
        os.environ.get("LABSUPPORT_SOURCE")
        or _uploaded_wheel()
        or (f"git+{REPOSITORY}" if REPOSITORY else None)
        or _pick_in_colab()
    )


if importlib.util.find_spec("labsupport") is not None:
    print("labsupport is already installed.")
else:
    source = _find_source()
    if source is None:
        raise ModuleNotFoundError(
            f"labsupport is not installed. Put {WHEEL} (from the book's 'How to use' page) next "
            "to this notebook, or set LABSUPPORT_SOURCE to anything pip can install; in a "
            "checkout of the book, run `pip install -e .`."
        )
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", source]
    done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install labsupport from {source}:\n{done.stderr}")
    importlib.invalidate_caches()
    version = importlib.metadata.version("labsupport")
    shown = source if "://" in source else os.path.basename(source.rstrip("/"))
    print(f"Installed labsupport {version} from {shown}.")
