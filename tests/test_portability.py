"""Nothing in the chapters or in labsupport calls what exists only on some operating systems.

Readers run the book on Linux, macOS and Windows (and Colab). A call such as ``os.getloadavg``
(missing on Windows), ``os.fork`` or a ``/proc`` path works on the machine that built the book
and fails on another one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PLATFORM_ONLY = {
    r"\bos\.getloadavg\b": "missing on Windows: psutil.getloadavg() works everywhere",
    r"\bos\.fork\b": "missing on Windows",
    r"\bos\.(getuid|geteuid|getgid|setsid|killpg|getpgid)\b": "POSIX only",
    r"\bresource\.(getrusage|setrlimit)\b": "the resource module is POSIX only",
    r"^\s*import (fcntl|termios|pwd|grp|resource)\b": "a POSIX-only module",
    r"[\"']/(proc|dev/shm|sys)/": "a Linux-only path",
    r"set_start_method\(\s*[\"']fork": "fork start method: not on Windows, unsafe on macOS",
    r"[\"']/tmp/": "a fixed /tmp path: use tempfile",
}


def _sources():
    for path in sorted((ROOT / "labsupport").rglob("*.py")):
        yield path.relative_to(ROOT), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield path.relative_to(ROOT), code


@pytest.mark.parametrize(("name", "text"), list(_sources()), ids=lambda v: str(v)[:40])
def test_no_platform_only_calls(name, text):
    found = [
        f"{name}: {match.group(0).strip()!r} ({why})"
        for pattern, why in PLATFORM_ONLY.items()
        for match in re.finditer(pattern, text, re.M)
    ]
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    sample = 'import resource\nload = os.getloadavg()[0]\nopen("/proc/cpuinfo")\n'
    hits = [p for p in PLATFORM_ONLY if re.search(p, sample, re.M)]
    assert len(hits) == 3
