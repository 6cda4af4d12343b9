"""One module per section of the benchmark; each has ``run(cfg) -> dict``.

``cfg`` is :data:`benchmarks.common.FULL` or :data:`~benchmarks.common.QUICK` with two more keys:
``quick`` (bool) and ``notebook_pattern`` (a glob or None). A module is imported only when its
section runs, so a run of one section does not pay for the others' imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

DEFAULT = ("notebooks", "mnist", "three_ways", "td_cost", "echo", "arithmetic")
OPTIONAL = ("book", "test")


def runner(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The ``run`` function of the section ``name``."""
    return importlib.import_module(f"{__name__}.{name}").run
