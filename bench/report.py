"""Write a benchmark's printout into its marked block of BENCHMARKS.md, so the figures there are the ones a command
printed, never retyped by hand.

A block looks like this (the fence is written by `fill`):

    <!-- figures: sweep_cost -->
    ```
    ...what `python -m bench.sweep_cost` printed...
    ```
    <!-- /figures -->
"""

from __future__ import annotations

import re


class MissingBlock(LookupError):
    """BENCHMARKS.md has no block for a benchmark: adding one is a decision about where its prose goes."""


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- figures: {re.escape(name)} -->\n)(.*?)(<!-- /figures -->)", re.DOTALL)


def fill(document: str, name: str, printout: str) -> str:
    """`document` with the block named `name` holding `printout`, fenced; everything else unchanged."""
    pattern = _block(name)
    if pattern.search(document) is None:
        raise MissingBlock(f"BENCHMARKS.md has no '<!-- figures: {name} -->' ... '<!-- /figures -->' block")
    body = "```\n" + printout.rstrip("\n") + "\n```\n"
    return pattern.sub(lambda match: match.group(1) + body + match.group(3), document, count=1)
