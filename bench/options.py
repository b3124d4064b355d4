"""The options the benchmarks share, checked as argparse types so a typo is refused before a long run starts."""

from __future__ import annotations

import argparse

from bench.databases import KINDS


def sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(item.replace("_", "")) for item in text.split(",") if item.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers of rejections, e.g. 10000,100000")
    return sizes


def databases(text: str) -> list[str]:
    chosen = list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    unknown = [item for item in chosen if item not in KINDS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown database {', '.join(unknown) or '(none)'}; use {','.join(KINDS)}")
    return chosen


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)
