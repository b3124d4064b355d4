"""`python -m bench` writes each benchmark's printout into its own block of BENCHMARKS.md and nowhere else."""

from __future__ import annotations

import importlib

import pytest

from bench.__main__ import BENCHMARKS, module
from bench.__main__ import DOCUMENT as DOCUMENT_PATH
from bench.report import MissingBlock, fill

DOCUMENT = """# Benchmarks

Prose that must survive.

<!-- figures: matching -->
```
old matching figures
```
<!-- /figures -->

More prose, with a fence of its own:

```
not figures
```

<!-- figures: sweep_cost -->
<!-- /figures -->
"""


def test_fill_replaces_only_the_named_block() -> None:
    filled = fill(DOCUMENT, "matching", "database  p50\nsqlite    12.0\n")
    assert "old matching figures" not in filled
    assert "<!-- figures: matching -->\n```\ndatabase  p50\nsqlite    12.0\n```\n<!-- /figures -->" in filled
    assert filled.replace("database  p50\nsqlite    12.0", "old matching figures") == DOCUMENT


def test_an_empty_block_is_filled_and_a_refill_replaces_rather_than_appends() -> None:
    once = fill(DOCUMENT, "sweep_cost", "first run")
    twice = fill(once, "sweep_cost", "second run")
    assert "first run" not in twice
    assert twice.count("second run") == 1
    assert twice.endswith("<!-- figures: sweep_cost -->\n```\nsecond run\n```\n<!-- /figures -->\n")


def test_a_printout_is_taken_literally_even_with_regex_escapes() -> None:
    assert "\\1 and \\g<0>" in fill(DOCUMENT, "matching", "\\1 and \\g<0>")


def test_a_benchmark_without_a_block_is_refused_by_name() -> None:
    with pytest.raises(MissingBlock, match="figures: delivery"):
        fill(DOCUMENT, "delivery", "figures")


@pytest.mark.parametrize("name", BENCHMARKS)
def test_every_benchmark_has_a_module_and_a_block_in_benchmarks_md(name: str) -> None:
    """`python -m bench` refuses to start otherwise; this says so before anyone waits for it."""
    runs = importlib.import_module(f"bench.{module(name)}")
    assert callable(runs.main)
    fill(DOCUMENT_PATH.read_text(), name, "figures")  # raises MissingBlock if the block is gone
