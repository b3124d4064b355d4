"""`python -m bench`: every benchmark in turn, each in a process of its own, its printout written into BENCHMARKS.md.

    .venv/bin/python -m bench [--only ack_latency,sweep_cost]

All of them take about 3 h on two cores (delivery 35 min of it, mostly waiting on Slack's rate limits; the runs on
imported databases, each growing its own to 1M rows, about 1 h 30 min).

A process per benchmark keeps their peak memory figures apart and one crash from taking the others' figures
with it. Each block of BENCHMARKS.md is rewritten as soon as its benchmark succeeds; a failed one keeps its old
figures and makes the run exit non-zero.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.report import MissingBlock, fill

# Each benchmark with the options its figures in BENCHMARKS.md were made with.
BENCHMARKS: dict[str, tuple[str, ...]] = {
    "ack_latency": (),
    "recording_cost": (),
    "sweep_cost": ("--explain",),
    "matching": (),
    "delivery": (),
    "ats_intake": (),
    "import_candidates": (),
    "first_sweep_after_import": (),
    "matching_import": ("--fill", "import"),
    "sweep_cost_import": (
        *("--fill", "import", "--explain"),
        *("--json", "bench/results/sweep_cost_import.json"),
    ),
    # The digest after imports, each database in a run of its own (each 1M import takes 10-17 minutes here).
    "digest": ("--databases", "postgresql"),
    "digest_sqlite": ("--databases", "sqlite", "--output", "bench/results/digest_sqlite.json"),
}
# Benchmarks run by another one's module with other options: the same code, the database filled another way.
MODULES = {"matching_import": "matching", "sweep_cost_import": "sweep_cost", "digest_sqlite": "digest"}


def module(name: str) -> str:
    """The module under bench/ that runs the benchmark `name`."""
    return MODULES.get(name, name)


DOCUMENT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def run_one(name: str) -> str | None:
    """Run `python -m bench.<name>`, echoing its output as it comes; what it printed, or None if it failed."""
    options = BENCHMARKS[name]
    command = [sys.executable, "-m", f"bench.{module(name)}", *options]
    header = f"$ python -m {' '.join(command[2:])}    # {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(header, flush=True)
    lines = [header]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=DOCUMENT.parent) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n").replace(f"{DOCUMENT.parent}/", ""))  # no machine's paths in the document
    if process.returncode != 0:
        print(f"bench: {name} failed (exit {process.returncode}); its figures in BENCHMARKS.md are unchanged")
        return None
    return "\n".join(lines)


def _chosen(text: str) -> list[str]:
    chosen = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in BENCHMARKS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {', '.join(unknown) or '(none)'}; use {','.join(BENCHMARKS)}"
        )
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=_chosen, default=list(BENCHMARKS), help="comma-separated benchmark names")
    args = parser.parse_args(argv)
    document = DOCUMENT.read_text()
    try:  # refuse before a long run, not after it, when a result would have nowhere to go
        for name in args.only:
            fill(document, name, "")
    except MissingBlock as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    failed = []
    for name in args.only:
        printout = run_one(name)
        if printout is None:
            failed.append(name)
            continue
        DOCUMENT.write_text(fill(DOCUMENT.read_text(), name, printout))
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
