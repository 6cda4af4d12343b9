"""The benchmark command: measure the book on this machine, write benchmarks/results/<kind>.json.

Usage, from the repository root (``make bench`` runs the first line)::

    python -m benchmarks.run                           # the default sections (below)
    python -m benchmarks.run --with-book --with-tests  # also the book build and `make test`
    python -m benchmarks.run --only mnist --only echo  # some sections; the file keeps the rest
    python -m benchmarks.run --only arithmetic         # or: make bench BENCH_ARGS="--only ..."
    python -m benchmarks.run --quick                   # a trial run: tiny budgets, few sizes

Sections (one module each in ``benchmarks/sections``): ``notebooks``, ``book``, ``test``,
``mnist``, ``three_ways``, ``td_cost``, ``echo``, ``arithmetic``; all but ``book`` and ``test``
run by default. ``arithmetic`` measures every installed Keras backend, each in a process of its
own; the other sections run on the backend Keras picks here (``KERAS_BACKEND``), which each
section records. The sections measured now replace those of the same name in the results file;
the others are kept, each with the machine it was measured on. The book's "Benchmarks" page is
built from the file (``benchmarks.report``) and never measures anything.

This is a benchmark, not a test: run it on a quiet machine. It records the load average at the
start and the end so a reader can tell.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/run.py` as well as `python -m benchmarks.run`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from benchmarks import machine, schema, sections, targets  # noqa: E402
from benchmarks.common import FULL, QUICK, RESULTS_DIR, log, now  # noqa: E402


def parse_sections(only: Sequence[str], skip: Sequence[str], book: bool, tests: bool) -> list:
    """The sections to run, in the canonical order, from the command-line options."""

    def names(values: Sequence[str]) -> set[str]:
        out = set()
        for value in values:
            for part in value.split(","):
                part = part.strip().replace("-", "_")
                if part and part not in schema.SECTIONS:
                    raise SystemExit(
                        f"unknown section {part!r}; choose from {', '.join(schema.SECTIONS)}"
                    )
                if part:
                    out.add(part)
        return out

    optional = {name for name, on in (("book", book), ("test", tests)) if on}
    chosen = names(only) if only else set(sections.DEFAULT) | optional
    chosen -= names(skip)
    return [name for name in schema.SECTIONS if name in chosen]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a trial run: tiny budgets, few sizes")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only this section (repeat or comma-separate): {', '.join(schema.SECTIONS)}",
    )
    parser.add_argument("--skip", action="append", default=[], metavar="SECTION")
    parser.add_argument("--with-book", action="store_true", help="also time the whole book build")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument("--notebooks", metavar="GLOB", help="only notebooks whose name matches")
    parser.add_argument("--output", type=Path, help="results file (default results/<kind>.json)")
    parser.add_argument(
        "--fresh", action="store_true", help="do not keep the sections of the existing file"
    )
    return parser


def measure(names: Sequence[str], cfg: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
    """Run each section; a section that raises records its error and the others still run."""
    measured: dict[str, Any] = {}
    for name in names:
        start = time.perf_counter()
        try:
            body = sections.runner(name)(cfg)
        except Exception as exc:  # one broken section must not lose the others
            traceback.print_exc()
            body = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
        measured[name] = {
            "measured_at": now(),
            "quick": bool(cfg["quick"]),
            "section_s": time.perf_counter() - start,
            "machine": schema.machine_id(info),
            "backend": info.get("keras_backend"),
            **body,
        }
    return measured


def write(output: Path, results: dict[str, Any]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(output)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    names = parse_sections(args.only, args.skip, args.with_book, args.with_tests)
    cfg = {
        **(QUICK if args.quick else FULL),
        "quick": args.quick,
        "notebook_pattern": args.notebooks,
    }
    started = now()
    info = machine.machine_info()
    kind = "gpu" if info["gpus"] else "cpu"
    output = args.output or RESULTS_DIR / f"{kind}.json"
    log(
        f"sections {', '.join(names) or 'none'}; {'QUICK' if args.quick else 'full'} run on "
        f"Keras backend {info['keras_backend']}; results go to {output}"
    )
    measured = measure(names, cfg, info)
    try:
        info["load_average_end"] = list(os.getloadavg())
    except OSError:
        info["load_average_end"] = None
    command = "python -m benchmarks.run " + " ".join(argv)
    results: dict[str, Any] = {
        "schema": schema.SCHEMA_VERSION,
        "device_kind": kind,
        "quick": bool(args.quick),
        "started_at": started,
        "finished_at": now(),
        "command": command,
        "machine": info,
        "sections": measured,
        "targets": [],
        "history": [
            {
                "command": command,
                "started_at": started,
                "finished_at": now(),
                "quick": bool(args.quick),
                "sections": list(measured),
            }
        ],
    }
    old = None
    if output.exists() and not args.fresh:
        try:
            old = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
    results = schema.merge(old, results)
    results["targets"] = targets.evaluate_targets(results)
    schema.validate(results)
    write(output, results)
    log(f"wrote {output}")
    from benchmarks.tables import targets_table

    print(repr(targets_table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
